from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GetWindowThroughputRequest(_message.Message):
    __slots__ = ("department_code", "window_code", "day")
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    WINDOW_CODE_FIELD_NUMBER: _ClassVar[int]
    DAY_FIELD_NUMBER: _ClassVar[int]
    department_code: str
    window_code: str
    day: str
    def __init__(self, department_code: _Optional[str] = ..., window_code: _Optional[str] = ..., day: _Optional[str] = ...) -> None: ...

class WindowThroughput(_message.Message):
    __slots__ = ("department_code", "window_code", "day", "cases_received")
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    WINDOW_CODE_FIELD_NUMBER: _ClassVar[int]
    DAY_FIELD_NUMBER: _ClassVar[int]
    CASES_RECEIVED_FIELD_NUMBER: _ClassVar[int]
    department_code: str
    window_code: str
    day: str
    cases_received: int
    def __init__(self, department_code: _Optional[str] = ..., window_code: _Optional[str] = ..., day: _Optional[str] = ..., cases_received: _Optional[int] = ...) -> None: ...

class GetWindowThroughputResponse(_message.Message):
    __slots__ = ("windows",)
    WINDOWS_FIELD_NUMBER: _ClassVar[int]
    windows: _containers.RepeatedCompositeFieldContainer[WindowThroughput]
    def __init__(self, windows: _Optional[_Iterable[_Union[WindowThroughput, _Mapping]]] = ...) -> None: ...
