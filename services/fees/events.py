"""Events of the fees service: none yet (fees-settled comes with collection)."""

from shared.kafka.consumer import Handler
from shared.kafka.topics import FEES_EVENTS

PUBLISHES = [FEES_EVENTS]
CONSUMES: list[str] = []
HANDLERS: dict[str, Handler] = {}
