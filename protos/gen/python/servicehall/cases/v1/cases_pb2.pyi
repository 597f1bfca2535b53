import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CaseKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CASE_KIND_UNSPECIFIED: _ClassVar[CaseKind]
    CASE_KIND_INSTANT: _ClassVar[CaseKind]
    CASE_KIND_COMMITTED: _ClassVar[CaseKind]
    CASE_KIND_JOINT: _ClassVar[CaseKind]

class CaseStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CASE_STATUS_UNSPECIFIED: _ClassVar[CaseStatus]
    CASE_STATUS_RECEIVED: _ClassVar[CaseStatus]
CASE_KIND_UNSPECIFIED: CaseKind
CASE_KIND_INSTANT: CaseKind
CASE_KIND_COMMITTED: CaseKind
CASE_KIND_JOINT: CaseKind
CASE_STATUS_UNSPECIFIED: CaseStatus
CASE_STATUS_RECEIVED: CaseStatus

class ServiceItem(_message.Message):
    __slots__ = ("code", "name", "department_code", "department_name", "window_code", "case_kind", "statutory_days", "promised_days")
    CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_NAME_FIELD_NUMBER: _ClassVar[int]
    WINDOW_CODE_FIELD_NUMBER: _ClassVar[int]
    CASE_KIND_FIELD_NUMBER: _ClassVar[int]
    STATUTORY_DAYS_FIELD_NUMBER: _ClassVar[int]
    PROMISED_DAYS_FIELD_NUMBER: _ClassVar[int]
    code: str
    name: str
    department_code: str
    department_name: str
    window_code: str
    case_kind: CaseKind
    statutory_days: int
    promised_days: int
    def __init__(self, code: _Optional[str] = ..., name: _Optional[str] = ..., department_code: _Optional[str] = ..., department_name: _Optional[str] = ..., window_code: _Optional[str] = ..., case_kind: _Optional[_Union[CaseKind, str]] = ..., statutory_days: _Optional[int] = ..., promised_days: _Optional[int] = ...) -> None: ...

class Applicant(_message.Message):
    __slots__ = ("name", "id_card_number", "phone", "email")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ID_CARD_NUMBER_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    name: str
    id_card_number: str
    phone: str
    email: str
    def __init__(self, name: _Optional[str] = ..., id_card_number: _Optional[str] = ..., phone: _Optional[str] = ..., email: _Optional[str] = ...) -> None: ...

class SubmitApplicationRequest(_message.Message):
    __slots__ = ("service_item_code", "applicant", "remarks")
    SERVICE_ITEM_CODE_FIELD_NUMBER: _ClassVar[int]
    APPLICANT_FIELD_NUMBER: _ClassVar[int]
    REMARKS_FIELD_NUMBER: _ClassVar[int]
    service_item_code: str
    applicant: Applicant
    remarks: str
    def __init__(self, service_item_code: _Optional[str] = ..., applicant: _Optional[_Union[Applicant, _Mapping]] = ..., remarks: _Optional[str] = ...) -> None: ...

class GetCaseRequest(_message.Message):
    __slots__ = ("case_number",)
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    def __init__(self, case_number: _Optional[str] = ...) -> None: ...

class Case(_message.Message):
    __slots__ = ("case_number", "query_code", "service_item", "applicant", "status", "submitted_at", "remarks")
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    QUERY_CODE_FIELD_NUMBER: _ClassVar[int]
    SERVICE_ITEM_FIELD_NUMBER: _ClassVar[int]
    APPLICANT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SUBMITTED_AT_FIELD_NUMBER: _ClassVar[int]
    REMARKS_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    query_code: str
    service_item: ServiceItem
    applicant: Applicant
    status: CaseStatus
    submitted_at: _timestamp_pb2.Timestamp
    remarks: str
    def __init__(self, case_number: _Optional[str] = ..., query_code: _Optional[str] = ..., service_item: _Optional[_Union[ServiceItem, _Mapping]] = ..., applicant: _Optional[_Union[Applicant, _Mapping]] = ..., status: _Optional[_Union[CaseStatus, str]] = ..., submitted_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., remarks: _Optional[str] = ...) -> None: ...

class ListServiceItemsRequest(_message.Message):
    __slots__ = ("department_code",)
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    department_code: str
    def __init__(self, department_code: _Optional[str] = ...) -> None: ...

class ListServiceItemsResponse(_message.Message):
    __slots__ = ("items",)
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[ServiceItem]
    def __init__(self, items: _Optional[_Iterable[_Union[ServiceItem, _Mapping]]] = ...) -> None: ...
