"""Events the attendance service reads: none yet (the roster will follow staff changes)."""

from __future__ import annotations

from shared.kafka.consumer import Handler

CONSUMES: list[str] = []
HANDLERS: dict[str, Handler] = {}
