"""What every area's HTTP schemas share: strict input models and the way times and enums
are shown (Asia/Shanghai, lower-case words)."""

from __future__ import annotations

from datetime import datetime

from google.protobuf.internal.enum_type_wrapper import EnumTypeWrapper
from google.protobuf.timestamp_pb2 import Timestamp
from pydantic import BaseModel, ConfigDict

from shared.timeutil import SHANGHAI, from_timestamp


class Strict(BaseModel):
    """Base of every request body: an unknown field is an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def shown(stamp: Timestamp) -> datetime:
    return from_timestamp(stamp).astimezone(SHANGHAI)


def enum_name(enum: EnumTypeWrapper, value: int, prefix: str) -> str:
    """CASE_STATUS_ACCEPTED -> "accepted": the HTTP API speaks words, not proto constants."""
    name: str = enum.Name(value)
    return name.removeprefix(prefix).lower()
