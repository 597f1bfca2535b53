from services.attendance.server import DEFINITION
from shared.service import main

main(DEFINITION)
