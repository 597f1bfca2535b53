import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class FeesSettled(_message.Message):
    __slots__ = ("case_number", "total_assessed_fen", "total_paid_fen", "total_waived_fen", "settled_at", "payment_notice_numbers")
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    TOTAL_ASSESSED_FEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_PAID_FEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_WAIVED_FEN_FIELD_NUMBER: _ClassVar[int]
    SETTLED_AT_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_NOTICE_NUMBERS_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    total_assessed_fen: int
    total_paid_fen: int
    total_waived_fen: int
    settled_at: _timestamp_pb2.Timestamp
    payment_notice_numbers: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, case_number: _Optional[str] = ..., total_assessed_fen: _Optional[int] = ..., total_paid_fen: _Optional[int] = ..., total_waived_fen: _Optional[int] = ..., settled_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., payment_notice_numbers: _Optional[_Iterable[str]] = ...) -> None: ...
