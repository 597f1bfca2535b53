from services.notification.server import DEFINITION
from shared.service import main

main(DEFINITION)
