import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CaseSubmitted(_message.Message):
    __slots__ = ("case_number", "service_item_code", "service_item_name", "department_code", "window_code", "case_kind", "submitted_at", "promised_days")
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    SERVICE_ITEM_CODE_FIELD_NUMBER: _ClassVar[int]
    SERVICE_ITEM_NAME_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    WINDOW_CODE_FIELD_NUMBER: _ClassVar[int]
    CASE_KIND_FIELD_NUMBER: _ClassVar[int]
    SUBMITTED_AT_FIELD_NUMBER: _ClassVar[int]
    PROMISED_DAYS_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    service_item_code: str
    service_item_name: str
    department_code: str
    window_code: str
    case_kind: str
    submitted_at: _timestamp_pb2.Timestamp
    promised_days: int
    def __init__(self, case_number: _Optional[str] = ..., service_item_code: _Optional[str] = ..., service_item_name: _Optional[str] = ..., department_code: _Optional[str] = ..., window_code: _Optional[str] = ..., case_kind: _Optional[str] = ..., submitted_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., promised_days: _Optional[int] = ...) -> None: ...

class CaseStatusChanged(_message.Message):
    __slots__ = ("case_number", "department_code", "window_code", "case_kind", "from_status", "to_status", "actor", "reason", "changed_at")
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    WINDOW_CODE_FIELD_NUMBER: _ClassVar[int]
    CASE_KIND_FIELD_NUMBER: _ClassVar[int]
    FROM_STATUS_FIELD_NUMBER: _ClassVar[int]
    TO_STATUS_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    CHANGED_AT_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    department_code: str
    window_code: str
    case_kind: str
    from_status: str
    to_status: str
    actor: str
    reason: str
    changed_at: _timestamp_pb2.Timestamp
    def __init__(self, case_number: _Optional[str] = ..., department_code: _Optional[str] = ..., window_code: _Optional[str] = ..., case_kind: _Optional[str] = ..., from_status: _Optional[str] = ..., to_status: _Optional[str] = ..., actor: _Optional[str] = ..., reason: _Optional[str] = ..., changed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CaseAccepted(_message.Message):
    __slots__ = ("case_number", "service_item_code", "department_code", "window_code", "fee_item_codes", "declared_values", "accepted_at", "applicant_name", "query_code_sha256")
    class DeclaredValuesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    SERVICE_ITEM_CODE_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    WINDOW_CODE_FIELD_NUMBER: _ClassVar[int]
    FEE_ITEM_CODES_FIELD_NUMBER: _ClassVar[int]
    DECLARED_VALUES_FIELD_NUMBER: _ClassVar[int]
    ACCEPTED_AT_FIELD_NUMBER: _ClassVar[int]
    APPLICANT_NAME_FIELD_NUMBER: _ClassVar[int]
    QUERY_CODE_SHA256_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    service_item_code: str
    department_code: str
    window_code: str
    fee_item_codes: _containers.RepeatedScalarFieldContainer[str]
    declared_values: _containers.ScalarMap[str, int]
    accepted_at: _timestamp_pb2.Timestamp
    applicant_name: str
    query_code_sha256: str
    def __init__(self, case_number: _Optional[str] = ..., service_item_code: _Optional[str] = ..., department_code: _Optional[str] = ..., window_code: _Optional[str] = ..., fee_item_codes: _Optional[_Iterable[str]] = ..., declared_values: _Optional[_Mapping[str, int]] = ..., accepted_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., applicant_name: _Optional[str] = ..., query_code_sha256: _Optional[str] = ...) -> None: ...

class SupervisionRaised(_message.Message):
    __slots__ = ("case_number", "department_code", "window_code", "level", "promised_due", "order_due", "raised_at")
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    WINDOW_CODE_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    PROMISED_DUE_FIELD_NUMBER: _ClassVar[int]
    ORDER_DUE_FIELD_NUMBER: _ClassVar[int]
    RAISED_AT_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    department_code: str
    window_code: str
    level: str
    promised_due: str
    order_due: str
    raised_at: _timestamp_pb2.Timestamp
    def __init__(self, case_number: _Optional[str] = ..., department_code: _Optional[str] = ..., window_code: _Optional[str] = ..., level: _Optional[str] = ..., promised_due: _Optional[str] = ..., order_due: _Optional[str] = ..., raised_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SupervisionOrdered(_message.Message):
    __slots__ = ("case_number", "department_code", "manager", "due_on", "note", "ordered_at")
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    MANAGER_FIELD_NUMBER: _ClassVar[int]
    DUE_ON_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    ORDERED_AT_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    department_code: str
    manager: str
    due_on: str
    note: str
    ordered_at: _timestamp_pb2.Timestamp
    def __init__(self, case_number: _Optional[str] = ..., department_code: _Optional[str] = ..., manager: _Optional[str] = ..., due_on: _Optional[str] = ..., note: _Optional[str] = ..., ordered_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class DueDate(_message.Message):
    __slots__ = ("day", "provisional", "provisional_years")
    DAY_FIELD_NUMBER: _ClassVar[int]
    PROVISIONAL_FIELD_NUMBER: _ClassVar[int]
    PROVISIONAL_YEARS_FIELD_NUMBER: _ClassVar[int]
    day: str
    provisional: bool
    provisional_years: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, day: _Optional[str] = ..., provisional: _Optional[bool] = ..., provisional_years: _Optional[_Iterable[int]] = ...) -> None: ...

class ExtensionGranted(_message.Message):
    __slots__ = ("case_number", "department_code", "extra_days", "approver", "reason", "statutory_due", "promised_due", "window_code", "clock_paused", "statutory", "promised", "voucher_number")
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    EXTRA_DAYS_FIELD_NUMBER: _ClassVar[int]
    APPROVER_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    STATUTORY_DUE_FIELD_NUMBER: _ClassVar[int]
    PROMISED_DUE_FIELD_NUMBER: _ClassVar[int]
    WINDOW_CODE_FIELD_NUMBER: _ClassVar[int]
    CLOCK_PAUSED_FIELD_NUMBER: _ClassVar[int]
    STATUTORY_FIELD_NUMBER: _ClassVar[int]
    PROMISED_FIELD_NUMBER: _ClassVar[int]
    VOUCHER_NUMBER_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    department_code: str
    extra_days: int
    approver: str
    reason: str
    statutory_due: str
    promised_due: str
    window_code: str
    clock_paused: bool
    statutory: DueDate
    promised: DueDate
    voucher_number: str
    def __init__(self, case_number: _Optional[str] = ..., department_code: _Optional[str] = ..., extra_days: _Optional[int] = ..., approver: _Optional[str] = ..., reason: _Optional[str] = ..., statutory_due: _Optional[str] = ..., promised_due: _Optional[str] = ..., window_code: _Optional[str] = ..., clock_paused: _Optional[bool] = ..., statutory: _Optional[_Union[DueDate, _Mapping]] = ..., promised: _Optional[_Union[DueDate, _Mapping]] = ..., voucher_number: _Optional[str] = ...) -> None: ...

class ClockPaused(_message.Message):
    __slots__ = ("case_number", "department_code", "window_code", "reason", "reason_label", "note", "started_on", "expected_end", "voucher_number", "actor", "paused_at")
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    WINDOW_CODE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REASON_LABEL_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    STARTED_ON_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_END_FIELD_NUMBER: _ClassVar[int]
    VOUCHER_NUMBER_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    PAUSED_AT_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    department_code: str
    window_code: str
    reason: str
    reason_label: str
    note: str
    started_on: str
    expected_end: str
    voucher_number: str
    actor: str
    paused_at: _timestamp_pb2.Timestamp
    def __init__(self, case_number: _Optional[str] = ..., department_code: _Optional[str] = ..., window_code: _Optional[str] = ..., reason: _Optional[str] = ..., reason_label: _Optional[str] = ..., note: _Optional[str] = ..., started_on: _Optional[str] = ..., expected_end: _Optional[str] = ..., voucher_number: _Optional[str] = ..., actor: _Optional[str] = ..., paused_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ClockResumed(_message.Message):
    __slots__ = ("case_number", "department_code", "window_code", "reason", "reason_label", "started_on", "ended_on", "resumed_on", "promised", "statutory", "clock_paused", "voucher_number", "actor", "resumed_at")
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    WINDOW_CODE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REASON_LABEL_FIELD_NUMBER: _ClassVar[int]
    STARTED_ON_FIELD_NUMBER: _ClassVar[int]
    ENDED_ON_FIELD_NUMBER: _ClassVar[int]
    RESUMED_ON_FIELD_NUMBER: _ClassVar[int]
    PROMISED_FIELD_NUMBER: _ClassVar[int]
    STATUTORY_FIELD_NUMBER: _ClassVar[int]
    CLOCK_PAUSED_FIELD_NUMBER: _ClassVar[int]
    VOUCHER_NUMBER_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    RESUMED_AT_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    department_code: str
    window_code: str
    reason: str
    reason_label: str
    started_on: str
    ended_on: str
    resumed_on: str
    promised: DueDate
    statutory: DueDate
    clock_paused: bool
    voucher_number: str
    actor: str
    resumed_at: _timestamp_pb2.Timestamp
    def __init__(self, case_number: _Optional[str] = ..., department_code: _Optional[str] = ..., window_code: _Optional[str] = ..., reason: _Optional[str] = ..., reason_label: _Optional[str] = ..., started_on: _Optional[str] = ..., ended_on: _Optional[str] = ..., resumed_on: _Optional[str] = ..., promised: _Optional[_Union[DueDate, _Mapping]] = ..., statutory: _Optional[_Union[DueDate, _Mapping]] = ..., clock_paused: _Optional[bool] = ..., voucher_number: _Optional[str] = ..., actor: _Optional[str] = ..., resumed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SealUsed(_message.Message):
    __slots__ = ("seal_code", "window_code", "department_code", "case_number", "staff_id", "used_at")
    SEAL_CODE_FIELD_NUMBER: _ClassVar[int]
    WINDOW_CODE_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    STAFF_ID_FIELD_NUMBER: _ClassVar[int]
    USED_AT_FIELD_NUMBER: _ClassVar[int]
    seal_code: str
    window_code: str
    department_code: str
    case_number: str
    staff_id: str
    used_at: _timestamp_pb2.Timestamp
    def __init__(self, seal_code: _Optional[str] = ..., window_code: _Optional[str] = ..., department_code: _Optional[str] = ..., case_number: _Optional[str] = ..., staff_id: _Optional[str] = ..., used_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class DeadlineRecomputed(_message.Message):
    __slots__ = ("case_number", "department_code", "window_code", "old_promised_due", "promised_due", "old_statutory_due", "statutory_due", "old_due_provisional", "due_provisional", "reason", "arrangement_year", "recomputed_at", "promised", "statutory")
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    WINDOW_CODE_FIELD_NUMBER: _ClassVar[int]
    OLD_PROMISED_DUE_FIELD_NUMBER: _ClassVar[int]
    PROMISED_DUE_FIELD_NUMBER: _ClassVar[int]
    OLD_STATUTORY_DUE_FIELD_NUMBER: _ClassVar[int]
    STATUTORY_DUE_FIELD_NUMBER: _ClassVar[int]
    OLD_DUE_PROVISIONAL_FIELD_NUMBER: _ClassVar[int]
    DUE_PROVISIONAL_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ARRANGEMENT_YEAR_FIELD_NUMBER: _ClassVar[int]
    RECOMPUTED_AT_FIELD_NUMBER: _ClassVar[int]
    PROMISED_FIELD_NUMBER: _ClassVar[int]
    STATUTORY_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    department_code: str
    window_code: str
    old_promised_due: str
    promised_due: str
    old_statutory_due: str
    statutory_due: str
    old_due_provisional: bool
    due_provisional: bool
    reason: str
    arrangement_year: int
    recomputed_at: _timestamp_pb2.Timestamp
    promised: DueDate
    statutory: DueDate
    def __init__(self, case_number: _Optional[str] = ..., department_code: _Optional[str] = ..., window_code: _Optional[str] = ..., old_promised_due: _Optional[str] = ..., promised_due: _Optional[str] = ..., old_statutory_due: _Optional[str] = ..., statutory_due: _Optional[str] = ..., old_due_provisional: _Optional[bool] = ..., due_provisional: _Optional[bool] = ..., reason: _Optional[str] = ..., arrangement_year: _Optional[int] = ..., recomputed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., promised: _Optional[_Union[DueDate, _Mapping]] = ..., statutory: _Optional[_Union[DueDate, _Mapping]] = ...) -> None: ...

class Applicant(_message.Message):
    __slots__ = ("name", "phone", "email")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    name: str
    phone: str
    email: str
    def __init__(self, name: _Optional[str] = ..., phone: _Optional[str] = ..., email: _Optional[str] = ...) -> None: ...

class ApplicantNoticeDue(_message.Message):
    __slots__ = ("applicant", "query_code_sha256", "case_submitted", "extension_granted", "clock_paused", "clock_resumed", "deadline_recomputed")
    APPLICANT_FIELD_NUMBER: _ClassVar[int]
    QUERY_CODE_SHA256_FIELD_NUMBER: _ClassVar[int]
    CASE_SUBMITTED_FIELD_NUMBER: _ClassVar[int]
    EXTENSION_GRANTED_FIELD_NUMBER: _ClassVar[int]
    CLOCK_PAUSED_FIELD_NUMBER: _ClassVar[int]
    CLOCK_RESUMED_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_RECOMPUTED_FIELD_NUMBER: _ClassVar[int]
    applicant: Applicant
    query_code_sha256: str
    case_submitted: CaseSubmitted
    extension_granted: ExtensionGranted
    clock_paused: ClockPaused
    clock_resumed: ClockResumed
    deadline_recomputed: DeadlineRecomputed
    def __init__(self, applicant: _Optional[_Union[Applicant, _Mapping]] = ..., query_code_sha256: _Optional[str] = ..., case_submitted: _Optional[_Union[CaseSubmitted, _Mapping]] = ..., extension_granted: _Optional[_Union[ExtensionGranted, _Mapping]] = ..., clock_paused: _Optional[_Union[ClockPaused, _Mapping]] = ..., clock_resumed: _Optional[_Union[ClockResumed, _Mapping]] = ..., deadline_recomputed: _Optional[_Union[DeadlineRecomputed, _Mapping]] = ...) -> None: ...
