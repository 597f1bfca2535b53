from services.fees.server import DEFINITION
from shared.service import main

main(DEFINITION)
