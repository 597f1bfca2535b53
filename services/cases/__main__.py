from services.cases.server import DEFINITION
from shared.runtime import main

main(DEFINITION)
