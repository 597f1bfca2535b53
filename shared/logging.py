"""Structured JSON logs, one object per line, with the current trace and span ids.

Every message and every extra field passes through mask_text, so an ID card or phone number
that slips into a log call is masked before it is written.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from opentelemetry import trace

from shared.masking import mask_text

# Attributes every LogRecord has; anything else was passed through `extra=`.
_STANDARD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def __init__(self, service_name: str) -> None:
        super().__init__()
        self.service_name = service_name

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "service": self.service_name,
            "logger": record.name,
            "message": mask_text(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                entry[key] = mask_text(str(value)) if isinstance(value, str) else value
        if record.exc_info:
            entry["exception"] = mask_text(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


_default_factory = logging.getLogRecordFactory()


def _record_with_trace(*args: object, **kwargs: object) -> logging.LogRecord:
    record = _default_factory(*args, **kwargs)
    span_context = trace.get_current_span().get_span_context()
    if span_context.is_valid:
        record.trace_id = format(span_context.trace_id, "032x")
        record.span_id = format(span_context.span_id, "016x")
    return record


def install_trace_context() -> None:
    """Stamp the current trace and span ids on every record when it is created (in the
    caller's context), not when a handler formats it, possibly elsewhere."""
    logging.setLogRecordFactory(_record_with_trace)


def configure_logging(service_name: str, level: str = "INFO") -> None:
    """Send every logger's records to stderr as JSON. Safe to call more than once."""
    install_trace_context()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service_name))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # kafka-python is chatty at INFO about every reconnect.
    logging.getLogger("kafka").setLevel(logging.WARNING)
