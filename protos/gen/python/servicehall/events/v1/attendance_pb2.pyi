import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PunchRecorded(_message.Message):
    __slots__ = ("punch_id", "staff_id", "department_code", "window_code", "punched_at", "day")
    PUNCH_ID_FIELD_NUMBER: _ClassVar[int]
    STAFF_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    WINDOW_CODE_FIELD_NUMBER: _ClassVar[int]
    PUNCHED_AT_FIELD_NUMBER: _ClassVar[int]
    DAY_FIELD_NUMBER: _ClassVar[int]
    punch_id: str
    staff_id: str
    department_code: str
    window_code: str
    punched_at: _timestamp_pb2.Timestamp
    day: str
    def __init__(self, punch_id: _Optional[str] = ..., staff_id: _Optional[str] = ..., department_code: _Optional[str] = ..., window_code: _Optional[str] = ..., punched_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., day: _Optional[str] = ...) -> None: ...
