import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Notice(_message.Message):
    __slots__ = ("notice_id", "case_number", "channel", "recipient", "subject", "body", "created_at", "source_event_id", "delivery_status", "supersedes_notice_id", "kind")
    NOTICE_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    SOURCE_EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_STATUS_FIELD_NUMBER: _ClassVar[int]
    SUPERSEDES_NOTICE_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    notice_id: str
    case_number: str
    channel: str
    recipient: str
    subject: str
    body: str
    created_at: _timestamp_pb2.Timestamp
    source_event_id: str
    delivery_status: str
    supersedes_notice_id: str
    kind: str
    def __init__(self, notice_id: _Optional[str] = ..., case_number: _Optional[str] = ..., channel: _Optional[str] = ..., recipient: _Optional[str] = ..., subject: _Optional[str] = ..., body: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., source_event_id: _Optional[str] = ..., delivery_status: _Optional[str] = ..., supersedes_notice_id: _Optional[str] = ..., kind: _Optional[str] = ...) -> None: ...

class ListNoticesRequest(_message.Message):
    __slots__ = ("case_number",)
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    def __init__(self, case_number: _Optional[str] = ...) -> None: ...

class ListNoticesResponse(_message.Message):
    __slots__ = ("notices",)
    NOTICES_FIELD_NUMBER: _ClassVar[int]
    notices: _containers.RepeatedCompositeFieldContainer[Notice]
    def __init__(self, notices: _Optional[_Iterable[_Union[Notice, _Mapping]]] = ...) -> None: ...

class GetNoticeRequest(_message.Message):
    __slots__ = ("notice_id",)
    NOTICE_ID_FIELD_NUMBER: _ClassVar[int]
    notice_id: str
    def __init__(self, notice_id: _Optional[str] = ...) -> None: ...
