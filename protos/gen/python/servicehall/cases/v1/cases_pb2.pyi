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
    CASE_STATUS_ACCEPTED: _ClassVar[CaseStatus]
    CASE_STATUS_REJECTED: _ClassVar[CaseStatus]
    CASE_STATUS_CORRECTION_REQUESTED: _ClassVar[CaseStatus]
    CASE_STATUS_IN_REVIEW: _ClassVar[CaseStatus]
    CASE_STATUS_APPROVED: _ClassVar[CaseStatus]
    CASE_STATUS_DENIED: _ClassVar[CaseStatus]
    CASE_STATUS_CONCLUDED: _ClassVar[CaseStatus]
    CASE_STATUS_WITHDRAWN: _ClassVar[CaseStatus]
CASE_KIND_UNSPECIFIED: CaseKind
CASE_KIND_INSTANT: CaseKind
CASE_KIND_COMMITTED: CaseKind
CASE_KIND_JOINT: CaseKind
CASE_STATUS_UNSPECIFIED: CaseStatus
CASE_STATUS_RECEIVED: CaseStatus
CASE_STATUS_ACCEPTED: CaseStatus
CASE_STATUS_REJECTED: CaseStatus
CASE_STATUS_CORRECTION_REQUESTED: CaseStatus
CASE_STATUS_IN_REVIEW: CaseStatus
CASE_STATUS_APPROVED: CaseStatus
CASE_STATUS_DENIED: CaseStatus
CASE_STATUS_CONCLUDED: CaseStatus
CASE_STATUS_WITHDRAWN: CaseStatus

class ServiceItem(_message.Message):
    __slots__ = ("code", "name", "department_code", "department_name", "window_code", "case_kind", "statutory_days", "promised_days", "version", "fee_item_codes", "needs_seal", "effective_from", "materials")
    CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_NAME_FIELD_NUMBER: _ClassVar[int]
    WINDOW_CODE_FIELD_NUMBER: _ClassVar[int]
    CASE_KIND_FIELD_NUMBER: _ClassVar[int]
    STATUTORY_DAYS_FIELD_NUMBER: _ClassVar[int]
    PROMISED_DAYS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    FEE_ITEM_CODES_FIELD_NUMBER: _ClassVar[int]
    NEEDS_SEAL_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_FROM_FIELD_NUMBER: _ClassVar[int]
    MATERIALS_FIELD_NUMBER: _ClassVar[int]
    code: str
    name: str
    department_code: str
    department_name: str
    window_code: str
    case_kind: CaseKind
    statutory_days: int
    promised_days: int
    version: int
    fee_item_codes: _containers.RepeatedScalarFieldContainer[str]
    needs_seal: bool
    effective_from: str
    materials: _containers.RepeatedCompositeFieldContainer[Material]
    def __init__(self, code: _Optional[str] = ..., name: _Optional[str] = ..., department_code: _Optional[str] = ..., department_name: _Optional[str] = ..., window_code: _Optional[str] = ..., case_kind: _Optional[_Union[CaseKind, str]] = ..., statutory_days: _Optional[int] = ..., promised_days: _Optional[int] = ..., version: _Optional[int] = ..., fee_item_codes: _Optional[_Iterable[str]] = ..., needs_seal: _Optional[bool] = ..., effective_from: _Optional[str] = ..., materials: _Optional[_Iterable[_Union[Material, _Mapping]]] = ...) -> None: ...

class Material(_message.Message):
    __slots__ = ("name", "form", "count")
    NAME_FIELD_NUMBER: _ClassVar[int]
    FORM_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    name: str
    form: str
    count: int
    def __init__(self, name: _Optional[str] = ..., form: _Optional[str] = ..., count: _Optional[int] = ...) -> None: ...

class Applicant(_message.Message):
    __slots__ = ("name", "id_card_number", "phone", "email", "enterprise_code")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ID_CARD_NUMBER_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_CODE_FIELD_NUMBER: _ClassVar[int]
    name: str
    id_card_number: str
    phone: str
    email: str
    enterprise_code: str
    def __init__(self, name: _Optional[str] = ..., id_card_number: _Optional[str] = ..., phone: _Optional[str] = ..., email: _Optional[str] = ..., enterprise_code: _Optional[str] = ...) -> None: ...

class SubmitApplicationRequest(_message.Message):
    __slots__ = ("service_item_code", "applicant", "remarks", "materials_supplied", "declared_values", "idempotency_key")
    class DeclaredValuesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    SERVICE_ITEM_CODE_FIELD_NUMBER: _ClassVar[int]
    APPLICANT_FIELD_NUMBER: _ClassVar[int]
    REMARKS_FIELD_NUMBER: _ClassVar[int]
    MATERIALS_SUPPLIED_FIELD_NUMBER: _ClassVar[int]
    DECLARED_VALUES_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    service_item_code: str
    applicant: Applicant
    remarks: str
    materials_supplied: _containers.RepeatedScalarFieldContainer[str]
    declared_values: _containers.ScalarMap[str, int]
    idempotency_key: str
    def __init__(self, service_item_code: _Optional[str] = ..., applicant: _Optional[_Union[Applicant, _Mapping]] = ..., remarks: _Optional[str] = ..., materials_supplied: _Optional[_Iterable[str]] = ..., declared_values: _Optional[_Mapping[str, int]] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class SubmitFormRequest(_message.Message):
    __slots__ = ("form_code", "applicant", "form_data", "remarks", "materials_supplied", "idempotency_key")
    class FormDataEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    FORM_CODE_FIELD_NUMBER: _ClassVar[int]
    APPLICANT_FIELD_NUMBER: _ClassVar[int]
    FORM_DATA_FIELD_NUMBER: _ClassVar[int]
    REMARKS_FIELD_NUMBER: _ClassVar[int]
    MATERIALS_SUPPLIED_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    form_code: str
    applicant: Applicant
    form_data: _containers.ScalarMap[str, str]
    remarks: str
    materials_supplied: _containers.RepeatedScalarFieldContainer[str]
    idempotency_key: str
    def __init__(self, form_code: _Optional[str] = ..., applicant: _Optional[_Union[Applicant, _Mapping]] = ..., form_data: _Optional[_Mapping[str, str]] = ..., remarks: _Optional[str] = ..., materials_supplied: _Optional[_Iterable[str]] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class GetCaseRequest(_message.Message):
    __slots__ = ("case_number",)
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    def __init__(self, case_number: _Optional[str] = ...) -> None: ...

class JointTask(_message.Message):
    __slots__ = ("department_code", "item_code", "status", "due_on", "decided_by", "reason", "due_provisional")
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    ITEM_CODE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    DUE_ON_FIELD_NUMBER: _ClassVar[int]
    DECIDED_BY_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    DUE_PROVISIONAL_FIELD_NUMBER: _ClassVar[int]
    department_code: str
    item_code: str
    status: str
    due_on: str
    decided_by: str
    reason: str
    due_provisional: bool
    def __init__(self, department_code: _Optional[str] = ..., item_code: _Optional[str] = ..., status: _Optional[str] = ..., due_on: _Optional[str] = ..., decided_by: _Optional[str] = ..., reason: _Optional[str] = ..., due_provisional: _Optional[bool] = ...) -> None: ...

class Case(_message.Message):
    __slots__ = ("case_number", "query_code", "service_item", "applicant", "status", "submitted_at", "remarks", "accepted_on", "promised_due", "statutory_due", "due_provisional", "supervision_level", "joint_tasks", "clock_paused", "fees_settled", "sealed_at", "concluded_at", "materials_supplied", "form_code", "due_note", "material_waivers", "materials_missing")
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    QUERY_CODE_FIELD_NUMBER: _ClassVar[int]
    SERVICE_ITEM_FIELD_NUMBER: _ClassVar[int]
    APPLICANT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SUBMITTED_AT_FIELD_NUMBER: _ClassVar[int]
    REMARKS_FIELD_NUMBER: _ClassVar[int]
    ACCEPTED_ON_FIELD_NUMBER: _ClassVar[int]
    PROMISED_DUE_FIELD_NUMBER: _ClassVar[int]
    STATUTORY_DUE_FIELD_NUMBER: _ClassVar[int]
    DUE_PROVISIONAL_FIELD_NUMBER: _ClassVar[int]
    SUPERVISION_LEVEL_FIELD_NUMBER: _ClassVar[int]
    JOINT_TASKS_FIELD_NUMBER: _ClassVar[int]
    CLOCK_PAUSED_FIELD_NUMBER: _ClassVar[int]
    FEES_SETTLED_FIELD_NUMBER: _ClassVar[int]
    SEALED_AT_FIELD_NUMBER: _ClassVar[int]
    CONCLUDED_AT_FIELD_NUMBER: _ClassVar[int]
    MATERIALS_SUPPLIED_FIELD_NUMBER: _ClassVar[int]
    FORM_CODE_FIELD_NUMBER: _ClassVar[int]
    DUE_NOTE_FIELD_NUMBER: _ClassVar[int]
    MATERIAL_WAIVERS_FIELD_NUMBER: _ClassVar[int]
    MATERIALS_MISSING_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    query_code: str
    service_item: ServiceItem
    applicant: Applicant
    status: CaseStatus
    submitted_at: _timestamp_pb2.Timestamp
    remarks: str
    accepted_on: str
    promised_due: str
    statutory_due: str
    due_provisional: bool
    supervision_level: str
    joint_tasks: _containers.RepeatedCompositeFieldContainer[JointTask]
    clock_paused: bool
    fees_settled: bool
    sealed_at: _timestamp_pb2.Timestamp
    concluded_at: _timestamp_pb2.Timestamp
    materials_supplied: _containers.RepeatedScalarFieldContainer[str]
    form_code: str
    due_note: str
    material_waivers: _containers.RepeatedCompositeFieldContainer[MaterialWaiver]
    materials_missing: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, case_number: _Optional[str] = ..., query_code: _Optional[str] = ..., service_item: _Optional[_Union[ServiceItem, _Mapping]] = ..., applicant: _Optional[_Union[Applicant, _Mapping]] = ..., status: _Optional[_Union[CaseStatus, str]] = ..., submitted_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., remarks: _Optional[str] = ..., accepted_on: _Optional[str] = ..., promised_due: _Optional[str] = ..., statutory_due: _Optional[str] = ..., due_provisional: _Optional[bool] = ..., supervision_level: _Optional[str] = ..., joint_tasks: _Optional[_Iterable[_Union[JointTask, _Mapping]]] = ..., clock_paused: _Optional[bool] = ..., fees_settled: _Optional[bool] = ..., sealed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., concluded_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., materials_supplied: _Optional[_Iterable[str]] = ..., form_code: _Optional[str] = ..., due_note: _Optional[str] = ..., material_waivers: _Optional[_Iterable[_Union[MaterialWaiver, _Mapping]]] = ..., materials_missing: _Optional[_Iterable[str]] = ...) -> None: ...

class MaterialWaiver(_message.Message):
    __slots__ = ("material", "waived_by", "reason", "waived_at")
    MATERIAL_FIELD_NUMBER: _ClassVar[int]
    WAIVED_BY_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    WAIVED_AT_FIELD_NUMBER: _ClassVar[int]
    material: str
    waived_by: str
    reason: str
    waived_at: _timestamp_pb2.Timestamp
    def __init__(self, material: _Optional[str] = ..., waived_by: _Optional[str] = ..., reason: _Optional[str] = ..., waived_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListCasesRequest(_message.Message):
    __slots__ = ("department_code", "status", "supervision_level", "window_code", "page_size", "page_token")
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SUPERVISION_LEVEL_FIELD_NUMBER: _ClassVar[int]
    WINDOW_CODE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    department_code: str
    status: str
    supervision_level: str
    window_code: str
    page_size: int
    page_token: str
    def __init__(self, department_code: _Optional[str] = ..., status: _Optional[str] = ..., supervision_level: _Optional[str] = ..., window_code: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListCasesResponse(_message.Message):
    __slots__ = ("cases", "next_page_token")
    CASES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    cases: _containers.RepeatedCompositeFieldContainer[Case]
    next_page_token: str
    def __init__(self, cases: _Optional[_Iterable[_Union[Case, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class Transition(_message.Message):
    __slots__ = ("from_status", "to_status", "actor", "reason", "at", "event")
    FROM_STATUS_FIELD_NUMBER: _ClassVar[int]
    TO_STATUS_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    from_status: str
    to_status: str
    actor: str
    reason: str
    at: _timestamp_pb2.Timestamp
    event: str
    def __init__(self, from_status: _Optional[str] = ..., to_status: _Optional[str] = ..., actor: _Optional[str] = ..., reason: _Optional[str] = ..., at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., event: _Optional[str] = ...) -> None: ...

class CaseHistory(_message.Message):
    __slots__ = ("case_number", "transitions")
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    TRANSITIONS_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    transitions: _containers.RepeatedCompositeFieldContainer[Transition]
    def __init__(self, case_number: _Optional[str] = ..., transitions: _Optional[_Iterable[_Union[Transition, _Mapping]]] = ...) -> None: ...

class Voucher(_message.Message):
    __slots__ = ("number", "kind", "title", "content", "issued_by", "issued_at")
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    ISSUED_BY_FIELD_NUMBER: _ClassVar[int]
    ISSUED_AT_FIELD_NUMBER: _ClassVar[int]
    number: str
    kind: str
    title: str
    content: str
    issued_by: str
    issued_at: _timestamp_pb2.Timestamp
    def __init__(self, number: _Optional[str] = ..., kind: _Optional[str] = ..., title: _Optional[str] = ..., content: _Optional[str] = ..., issued_by: _Optional[str] = ..., issued_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListVouchersResponse(_message.Message):
    __slots__ = ("vouchers",)
    VOUCHERS_FIELD_NUMBER: _ClassVar[int]
    vouchers: _containers.RepeatedCompositeFieldContainer[Voucher]
    def __init__(self, vouchers: _Optional[_Iterable[_Union[Voucher, _Mapping]]] = ...) -> None: ...

class CaseActionRequest(_message.Message):
    __slots__ = ("case_number", "reason", "seal_code")
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    SEAL_CODE_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    reason: str
    seal_code: str
    def __init__(self, case_number: _Optional[str] = ..., reason: _Optional[str] = ..., seal_code: _Optional[str] = ...) -> None: ...

class RequestCorrectionRequest(_message.Message):
    __slots__ = ("case_number", "materials", "note")
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    MATERIALS_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    materials: _containers.RepeatedScalarFieldContainer[str]
    note: str
    def __init__(self, case_number: _Optional[str] = ..., materials: _Optional[_Iterable[str]] = ..., note: _Optional[str] = ...) -> None: ...

class SupplyMaterialsRequest(_message.Message):
    __slots__ = ("case_number", "materials")
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    MATERIALS_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    materials: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, case_number: _Optional[str] = ..., materials: _Optional[_Iterable[str]] = ...) -> None: ...

class WaiveMaterialRequest(_message.Message):
    __slots__ = ("case_number", "material", "reason")
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    MATERIAL_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    material: str
    reason: str
    def __init__(self, case_number: _Optional[str] = ..., material: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class DecideJointTaskRequest(_message.Message):
    __slots__ = ("case_number", "department_code", "approve", "reason")
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    APPROVE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    department_code: str
    approve: bool
    reason: str
    def __init__(self, case_number: _Optional[str] = ..., department_code: _Optional[str] = ..., approve: _Optional[bool] = ..., reason: _Optional[str] = ...) -> None: ...

class PauseClockRequest(_message.Message):
    __slots__ = ("case_number", "reason", "note", "expected_end")
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_END_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    reason: str
    note: str
    expected_end: str
    def __init__(self, case_number: _Optional[str] = ..., reason: _Optional[str] = ..., note: _Optional[str] = ..., expected_end: _Optional[str] = ...) -> None: ...

class GrantExtensionRequest(_message.Message):
    __slots__ = ("case_number", "extra_days", "reason")
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    EXTRA_DAYS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    extra_days: int
    reason: str
    def __init__(self, case_number: _Optional[str] = ..., extra_days: _Optional[int] = ..., reason: _Optional[str] = ...) -> None: ...

class IssueSupervisionOrderRequest(_message.Message):
    __slots__ = ("case_number", "due_on", "note")
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DUE_ON_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    due_on: str
    note: str
    def __init__(self, case_number: _Optional[str] = ..., due_on: _Optional[str] = ..., note: _Optional[str] = ...) -> None: ...

class RunSupervisionScanRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RunSupervisionScanResponse(_message.Message):
    __slots__ = ("warnings", "yellow_cards", "red_cards", "deemed_accepted")
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    YELLOW_CARDS_FIELD_NUMBER: _ClassVar[int]
    RED_CARDS_FIELD_NUMBER: _ClassVar[int]
    DEEMED_ACCEPTED_FIELD_NUMBER: _ClassVar[int]
    warnings: int
    yellow_cards: int
    red_cards: int
    deemed_accepted: int
    def __init__(self, warnings: _Optional[int] = ..., yellow_cards: _Optional[int] = ..., red_cards: _Optional[int] = ..., deemed_accepted: _Optional[int] = ...) -> None: ...

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

class GetServiceGuideRequest(_message.Message):
    __slots__ = ("service_item_code",)
    SERVICE_ITEM_CODE_FIELD_NUMBER: _ClassVar[int]
    service_item_code: str
    def __init__(self, service_item_code: _Optional[str] = ...) -> None: ...

class ServiceGuide(_message.Message):
    __slots__ = ("item", "text")
    ITEM_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    item: ServiceItem
    text: str
    def __init__(self, item: _Optional[_Union[ServiceItem, _Mapping]] = ..., text: _Optional[str] = ...) -> None: ...

class UpsertServiceItemRequest(_message.Message):
    __slots__ = ("item",)
    ITEM_FIELD_NUMBER: _ClassVar[int]
    item: ServiceItemDefinition
    def __init__(self, item: _Optional[_Union[ServiceItemDefinition, _Mapping]] = ...) -> None: ...

class ServiceItemDefinition(_message.Message):
    __slots__ = ("code", "name", "department", "window", "type", "kind", "statutory_days", "promised_days", "effective_from", "needs_seal", "materials", "fees", "form_fields", "joint_departments")
    CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    WINDOW_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    STATUTORY_DAYS_FIELD_NUMBER: _ClassVar[int]
    PROMISED_DAYS_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_FROM_FIELD_NUMBER: _ClassVar[int]
    NEEDS_SEAL_FIELD_NUMBER: _ClassVar[int]
    MATERIALS_FIELD_NUMBER: _ClassVar[int]
    FEES_FIELD_NUMBER: _ClassVar[int]
    FORM_FIELDS_FIELD_NUMBER: _ClassVar[int]
    JOINT_DEPARTMENTS_FIELD_NUMBER: _ClassVar[int]
    code: str
    name: str
    department: str
    window: str
    type: str
    kind: str
    statutory_days: int
    promised_days: int
    effective_from: str
    needs_seal: bool
    materials: _containers.RepeatedCompositeFieldContainer[Material]
    fees: _containers.RepeatedScalarFieldContainer[str]
    form_fields: _containers.RepeatedCompositeFieldContainer[FormField]
    joint_departments: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, code: _Optional[str] = ..., name: _Optional[str] = ..., department: _Optional[str] = ..., window: _Optional[str] = ..., type: _Optional[str] = ..., kind: _Optional[str] = ..., statutory_days: _Optional[int] = ..., promised_days: _Optional[int] = ..., effective_from: _Optional[str] = ..., needs_seal: _Optional[bool] = ..., materials: _Optional[_Iterable[_Union[Material, _Mapping]]] = ..., fees: _Optional[_Iterable[str]] = ..., form_fields: _Optional[_Iterable[_Union[FormField, _Mapping]]] = ..., joint_departments: _Optional[_Iterable[str]] = ...) -> None: ...

class FormField(_message.Message):
    __slots__ = ("name", "label", "required")
    NAME_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    name: str
    label: str
    required: bool
    def __init__(self, name: _Optional[str] = ..., label: _Optional[str] = ..., required: _Optional[bool] = ...) -> None: ...

class ListItemVersionsRequest(_message.Message):
    __slots__ = ("service_item_code",)
    SERVICE_ITEM_CODE_FIELD_NUMBER: _ClassVar[int]
    service_item_code: str
    def __init__(self, service_item_code: _Optional[str] = ...) -> None: ...

class Seal(_message.Message):
    __slots__ = ("code", "window_code", "department_code", "name", "active")
    CODE_FIELD_NUMBER: _ClassVar[int]
    WINDOW_CODE_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    code: str
    window_code: str
    department_code: str
    name: str
    active: bool
    def __init__(self, code: _Optional[str] = ..., window_code: _Optional[str] = ..., department_code: _Optional[str] = ..., name: _Optional[str] = ..., active: _Optional[bool] = ...) -> None: ...

class ListSealsRequest(_message.Message):
    __slots__ = ("window_code",)
    WINDOW_CODE_FIELD_NUMBER: _ClassVar[int]
    window_code: str
    def __init__(self, window_code: _Optional[str] = ...) -> None: ...

class ListSealsResponse(_message.Message):
    __slots__ = ("seals",)
    SEALS_FIELD_NUMBER: _ClassVar[int]
    seals: _containers.RepeatedCompositeFieldContainer[Seal]
    def __init__(self, seals: _Optional[_Iterable[_Union[Seal, _Mapping]]] = ...) -> None: ...

class UseSealRequest(_message.Message):
    __slots__ = ("seal_code", "case_number", "note")
    SEAL_CODE_FIELD_NUMBER: _ClassVar[int]
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    seal_code: str
    case_number: str
    note: str
    def __init__(self, seal_code: _Optional[str] = ..., case_number: _Optional[str] = ..., note: _Optional[str] = ...) -> None: ...

class SealUse(_message.Message):
    __slots__ = ("seal_code", "case_number", "staff_id", "used_at", "note")
    SEAL_CODE_FIELD_NUMBER: _ClassVar[int]
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    STAFF_ID_FIELD_NUMBER: _ClassVar[int]
    USED_AT_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    seal_code: str
    case_number: str
    staff_id: str
    used_at: _timestamp_pb2.Timestamp
    note: str
    def __init__(self, seal_code: _Optional[str] = ..., case_number: _Optional[str] = ..., staff_id: _Optional[str] = ..., used_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., note: _Optional[str] = ...) -> None: ...

class ReconcileSealsRequest(_message.Message):
    __slots__ = ("since", "until")
    SINCE_FIELD_NUMBER: _ClassVar[int]
    UNTIL_FIELD_NUMBER: _ClassVar[int]
    since: str
    until: str
    def __init__(self, since: _Optional[str] = ..., until: _Optional[str] = ...) -> None: ...

class SealReconciliation(_message.Message):
    __slots__ = ("cases_concluded_without_seal", "seal_uses_without_case")
    CASES_CONCLUDED_WITHOUT_SEAL_FIELD_NUMBER: _ClassVar[int]
    SEAL_USES_WITHOUT_CASE_FIELD_NUMBER: _ClassVar[int]
    cases_concluded_without_seal: _containers.RepeatedScalarFieldContainer[str]
    seal_uses_without_case: _containers.RepeatedCompositeFieldContainer[SealUse]
    def __init__(self, cases_concluded_without_seal: _Optional[_Iterable[str]] = ..., seal_uses_without_case: _Optional[_Iterable[_Union[SealUse, _Mapping]]] = ...) -> None: ...

class AssignAgentRequest(_message.Message):
    __slots__ = ("enterprise_code", "agent_staff_id", "note")
    ENTERPRISE_CODE_FIELD_NUMBER: _ClassVar[int]
    AGENT_STAFF_ID_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    enterprise_code: str
    agent_staff_id: str
    note: str
    def __init__(self, enterprise_code: _Optional[str] = ..., agent_staff_id: _Optional[str] = ..., note: _Optional[str] = ...) -> None: ...

class AgencyAssignment(_message.Message):
    __slots__ = ("enterprise_code", "agent_staff_id", "assigned_by", "assigned_at", "ended_at", "note")
    ENTERPRISE_CODE_FIELD_NUMBER: _ClassVar[int]
    AGENT_STAFF_ID_FIELD_NUMBER: _ClassVar[int]
    ASSIGNED_BY_FIELD_NUMBER: _ClassVar[int]
    ASSIGNED_AT_FIELD_NUMBER: _ClassVar[int]
    ENDED_AT_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    enterprise_code: str
    agent_staff_id: str
    assigned_by: str
    assigned_at: _timestamp_pb2.Timestamp
    ended_at: _timestamp_pb2.Timestamp
    note: str
    def __init__(self, enterprise_code: _Optional[str] = ..., agent_staff_id: _Optional[str] = ..., assigned_by: _Optional[str] = ..., assigned_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., ended_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., note: _Optional[str] = ...) -> None: ...

class ListAgentCaseloadRequest(_message.Message):
    __slots__ = ("agent_staff_id",)
    AGENT_STAFF_ID_FIELD_NUMBER: _ClassVar[int]
    agent_staff_id: str
    def __init__(self, agent_staff_id: _Optional[str] = ...) -> None: ...

class GetAssignmentHistoryRequest(_message.Message):
    __slots__ = ("enterprise_code",)
    ENTERPRISE_CODE_FIELD_NUMBER: _ClassVar[int]
    enterprise_code: str
    def __init__(self, enterprise_code: _Optional[str] = ...) -> None: ...

class AssignmentHistory(_message.Message):
    __slots__ = ("assignments",)
    ASSIGNMENTS_FIELD_NUMBER: _ClassVar[int]
    assignments: _containers.RepeatedCompositeFieldContainer[AgencyAssignment]
    def __init__(self, assignments: _Optional[_Iterable[_Union[AgencyAssignment, _Mapping]]] = ...) -> None: ...

class RecordConsultationRequest(_message.Message):
    __slots__ = ("window_code", "asker", "topic")
    WINDOW_CODE_FIELD_NUMBER: _ClassVar[int]
    ASKER_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    window_code: str
    asker: str
    topic: str
    def __init__(self, window_code: _Optional[str] = ..., asker: _Optional[str] = ..., topic: _Optional[str] = ...) -> None: ...

class Consultation(_message.Message):
    __slots__ = ("id", "department_code", "window_code", "asker", "topic", "answered_by", "owner_staff_id", "asked_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    WINDOW_CODE_FIELD_NUMBER: _ClassVar[int]
    ASKER_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    ANSWERED_BY_FIELD_NUMBER: _ClassVar[int]
    OWNER_STAFF_ID_FIELD_NUMBER: _ClassVar[int]
    ASKED_AT_FIELD_NUMBER: _ClassVar[int]
    id: int
    department_code: str
    window_code: str
    asker: str
    topic: str
    answered_by: str
    owner_staff_id: str
    asked_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., department_code: _Optional[str] = ..., window_code: _Optional[str] = ..., asker: _Optional[str] = ..., topic: _Optional[str] = ..., answered_by: _Optional[str] = ..., owner_staff_id: _Optional[str] = ..., asked_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class HandOverConsultationRequest(_message.Message):
    __slots__ = ("consultation_id", "to_staff_id", "note")
    CONSULTATION_ID_FIELD_NUMBER: _ClassVar[int]
    TO_STAFF_ID_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    consultation_id: int
    to_staff_id: str
    note: str
    def __init__(self, consultation_id: _Optional[int] = ..., to_staff_id: _Optional[str] = ..., note: _Optional[str] = ...) -> None: ...

class CountConsultationsRequest(_message.Message):
    __slots__ = ("since", "until")
    SINCE_FIELD_NUMBER: _ClassVar[int]
    UNTIL_FIELD_NUMBER: _ClassVar[int]
    since: str
    until: str
    def __init__(self, since: _Optional[str] = ..., until: _Optional[str] = ...) -> None: ...

class ConsultationCounts(_message.Message):
    __slots__ = ("by_window",)
    class ByWindowEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    BY_WINDOW_FIELD_NUMBER: _ClassVar[int]
    by_window: _containers.ScalarMap[str, int]
    def __init__(self, by_window: _Optional[_Mapping[str, int]] = ...) -> None: ...
