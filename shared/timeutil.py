"""Times are stored in UTC and shown in Asia/Shanghai."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from google.protobuf.timestamp_pb2 import Timestamp

SHANGHAI = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were stored as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def shanghai_time(moment: datetime) -> datetime:
    """A stored moment (UTC; SQLite hands it back without a zone) as the hall reads it."""
    return as_utc(moment).astimezone(SHANGHAI)


def shanghai_day(moment: datetime) -> date:
    """The calendar day in the hall's time zone (a 23:30 UTC punch belongs to the next day)."""
    return shanghai_time(moment).date()


def to_timestamp(moment: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(as_utc(moment))
    return stamp


def from_timestamp(stamp: Timestamp) -> datetime:
    return stamp.ToDatetime(tzinfo=UTC)
