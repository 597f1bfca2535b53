from services.cases.server import DEFINITION
from shared.service import main

main(DEFINITION)
