from services.evaluation.server import DEFINITION
from shared.runtime import main

main(DEFINITION)
