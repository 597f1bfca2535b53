from services.fees.server import DEFINITION
from shared.runtime import main

main(DEFINITION)
