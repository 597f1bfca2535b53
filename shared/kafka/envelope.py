"""Building and reading EventEnvelope records."""

from __future__ import annotations

import importlib
import pkgutil
import uuid

from google.protobuf import symbol_database
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

import servicehall.events.v1 as _event_package
from servicehall.events.v1.envelope_pb2 import EventEnvelope

# Import every event module so that every payload type can be unpacked by name.
for _module in pkgutil.iter_modules(_event_package.__path__):
    if _module.name.endswith("_pb2"):
        importlib.import_module(f"{_event_package.__name__}.{_module.name}")

SCHEMA_VERSION = 1


class UndecodableEvent(Exception):
    """A record whose bytes are not an envelope, or whose payload type is unknown."""


def new_envelope(payload: Message, *, source: str, partition_key: str) -> EventEnvelope:
    envelope = EventEnvelope(
        event_id=str(uuid.uuid4()),
        event_type=payload.DESCRIPTOR.full_name,
        source=source,
        schema_version=SCHEMA_VERSION,
        partition_key=partition_key,
    )
    stamp = Timestamp()
    stamp.GetCurrentTime()
    envelope.occurred_at.CopyFrom(stamp)
    envelope.payload.Pack(payload)
    return envelope


def decode(value: bytes) -> tuple[EventEnvelope, Message]:
    """Parse a record value into its envelope and payload message, or raise UndecodableEvent."""
    try:
        envelope = EventEnvelope.FromString(value)
    except Exception as exc:  # protobuf raises DecodeError and, on some inputs, others
        raise UndecodableEvent(f"not an EventEnvelope: {exc}") from exc
    if not envelope.event_id or not envelope.payload.type_url:
        raise UndecodableEvent("envelope without event_id or payload")
    if envelope.schema_version != SCHEMA_VERSION:
        raise UndecodableEvent(f"unknown schema_version {envelope.schema_version}")
    type_name = envelope.payload.TypeName()
    try:
        message_class = symbol_database.Default().GetSymbol(type_name)
    except KeyError as exc:
        raise UndecodableEvent(f"unknown payload type {type_name}") from exc
    payload = message_class()
    if not envelope.payload.Unpack(payload):
        raise UndecodableEvent(f"payload does not unpack as {type_name}")
    return envelope, payload
