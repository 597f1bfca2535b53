from services.attendance.server import DEFINITION
from shared.runtime import main

main(DEFINITION)
