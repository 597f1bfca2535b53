import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CaseSubmitted(_message.Message):
    __slots__ = ("case_number", "service_item_code", "service_item_name", "department_code", "window_code", "case_kind", "applicant_name", "applicant_phone", "applicant_email", "submitted_at", "promised_days")
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    SERVICE_ITEM_CODE_FIELD_NUMBER: _ClassVar[int]
    SERVICE_ITEM_NAME_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    WINDOW_CODE_FIELD_NUMBER: _ClassVar[int]
    CASE_KIND_FIELD_NUMBER: _ClassVar[int]
    APPLICANT_NAME_FIELD_NUMBER: _ClassVar[int]
    APPLICANT_PHONE_FIELD_NUMBER: _ClassVar[int]
    APPLICANT_EMAIL_FIELD_NUMBER: _ClassVar[int]
    SUBMITTED_AT_FIELD_NUMBER: _ClassVar[int]
    PROMISED_DAYS_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    service_item_code: str
    service_item_name: str
    department_code: str
    window_code: str
    case_kind: str
    applicant_name: str
    applicant_phone: str
    applicant_email: str
    submitted_at: _timestamp_pb2.Timestamp
    promised_days: int
    def __init__(self, case_number: _Optional[str] = ..., service_item_code: _Optional[str] = ..., service_item_name: _Optional[str] = ..., department_code: _Optional[str] = ..., window_code: _Optional[str] = ..., case_kind: _Optional[str] = ..., applicant_name: _Optional[str] = ..., applicant_phone: _Optional[str] = ..., applicant_email: _Optional[str] = ..., submitted_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., promised_days: _Optional[int] = ...) -> None: ...
