import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Punch(_message.Message):
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

class RecordPunchRequest(_message.Message):
    __slots__ = ("staff_id", "department_code", "window_code", "punched_at")
    STAFF_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    WINDOW_CODE_FIELD_NUMBER: _ClassVar[int]
    PUNCHED_AT_FIELD_NUMBER: _ClassVar[int]
    staff_id: str
    department_code: str
    window_code: str
    punched_at: _timestamp_pb2.Timestamp
    def __init__(self, staff_id: _Optional[str] = ..., department_code: _Optional[str] = ..., window_code: _Optional[str] = ..., punched_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListPunchesRequest(_message.Message):
    __slots__ = ("staff_id", "day")
    STAFF_ID_FIELD_NUMBER: _ClassVar[int]
    DAY_FIELD_NUMBER: _ClassVar[int]
    staff_id: str
    day: str
    def __init__(self, staff_id: _Optional[str] = ..., day: _Optional[str] = ...) -> None: ...

class ListPunchesResponse(_message.Message):
    __slots__ = ("punches",)
    PUNCHES_FIELD_NUMBER: _ClassVar[int]
    punches: _containers.RepeatedCompositeFieldContainer[Punch]
    def __init__(self, punches: _Optional[_Iterable[_Union[Punch, _Mapping]]] = ...) -> None: ...
