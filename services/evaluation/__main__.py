from services.evaluation.server import DEFINITION
from shared.service import main

main(DEFINITION)
