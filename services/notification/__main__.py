from services.notification.server import DEFINITION
from shared.runtime import main

main(DEFINITION)
