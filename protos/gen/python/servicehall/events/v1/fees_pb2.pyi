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

class FeeLine(_message.Message):
    __slots__ = ("fee_item_code", "fee_item_name", "amount_fen")
    FEE_ITEM_CODE_FIELD_NUMBER: _ClassVar[int]
    FEE_ITEM_NAME_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    fee_item_code: str
    fee_item_name: str
    amount_fen: int
    def __init__(self, fee_item_code: _Optional[str] = ..., fee_item_name: _Optional[str] = ..., amount_fen: _Optional[int] = ...) -> None: ...

class PaymentNoticeIssued(_message.Message):
    __slots__ = ("case_number", "notice_number", "department_code", "fee_type", "lines", "total_due_fen", "due_date", "issued_at")
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    NOTICE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    FEE_TYPE_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    TOTAL_DUE_FEN_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    ISSUED_AT_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    notice_number: str
    department_code: str
    fee_type: str
    lines: _containers.RepeatedCompositeFieldContainer[FeeLine]
    total_due_fen: int
    due_date: str
    issued_at: _timestamp_pb2.Timestamp
    def __init__(self, case_number: _Optional[str] = ..., notice_number: _Optional[str] = ..., department_code: _Optional[str] = ..., fee_type: _Optional[str] = ..., lines: _Optional[_Iterable[_Union[FeeLine, _Mapping]]] = ..., total_due_fen: _Optional[int] = ..., due_date: _Optional[str] = ..., issued_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PaymentNoticeAdjusted(_message.Message):
    __slots__ = ("case_number", "notice_number", "kind", "fee_item_code", "amount_fen", "total_due_fen", "approver_staff_id", "adjusted_at")
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    NOTICE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    FEE_ITEM_CODE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_DUE_FEN_FIELD_NUMBER: _ClassVar[int]
    APPROVER_STAFF_ID_FIELD_NUMBER: _ClassVar[int]
    ADJUSTED_AT_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    notice_number: str
    kind: str
    fee_item_code: str
    amount_fen: int
    total_due_fen: int
    approver_staff_id: str
    adjusted_at: _timestamp_pb2.Timestamp
    def __init__(self, case_number: _Optional[str] = ..., notice_number: _Optional[str] = ..., kind: _Optional[str] = ..., fee_item_code: _Optional[str] = ..., amount_fen: _Optional[int] = ..., total_due_fen: _Optional[int] = ..., approver_staff_id: _Optional[str] = ..., adjusted_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PaymentRecorded(_message.Message):
    __slots__ = ("case_number", "notice_number", "receipt_number", "department_code", "fee_type", "amount_fen", "method", "cashier_staff_id", "paid_at")
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    NOTICE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    RECEIPT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    FEE_TYPE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    CASHIER_STAFF_ID_FIELD_NUMBER: _ClassVar[int]
    PAID_AT_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    notice_number: str
    receipt_number: str
    department_code: str
    fee_type: str
    amount_fen: int
    method: str
    cashier_staff_id: str
    paid_at: _timestamp_pb2.Timestamp
    def __init__(self, case_number: _Optional[str] = ..., notice_number: _Optional[str] = ..., receipt_number: _Optional[str] = ..., department_code: _Optional[str] = ..., fee_type: _Optional[str] = ..., amount_fen: _Optional[int] = ..., method: _Optional[str] = ..., cashier_staff_id: _Optional[str] = ..., paid_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RefundRecorded(_message.Message):
    __slots__ = ("case_number", "notice_number", "receipt_number", "red_letter_receipt_number", "fee_item_code", "amount_fen", "approver_staff_id", "refunded_at")
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    NOTICE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    RECEIPT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    RED_LETTER_RECEIPT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    FEE_ITEM_CODE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    APPROVER_STAFF_ID_FIELD_NUMBER: _ClassVar[int]
    REFUNDED_AT_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    notice_number: str
    receipt_number: str
    red_letter_receipt_number: str
    fee_item_code: str
    amount_fen: int
    approver_staff_id: str
    refunded_at: _timestamp_pb2.Timestamp
    def __init__(self, case_number: _Optional[str] = ..., notice_number: _Optional[str] = ..., receipt_number: _Optional[str] = ..., red_letter_receipt_number: _Optional[str] = ..., fee_item_code: _Optional[str] = ..., amount_fen: _Optional[int] = ..., approver_staff_id: _Optional[str] = ..., refunded_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ReceiptVoided(_message.Message):
    __slots__ = ("case_number", "notice_number", "voided_receipt_number", "replacement_receipt_number", "approver_staff_id", "voided_at")
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    NOTICE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    VOIDED_RECEIPT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    REPLACEMENT_RECEIPT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    APPROVER_STAFF_ID_FIELD_NUMBER: _ClassVar[int]
    VOIDED_AT_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    notice_number: str
    voided_receipt_number: str
    replacement_receipt_number: str
    approver_staff_id: str
    voided_at: _timestamp_pb2.Timestamp
    def __init__(self, case_number: _Optional[str] = ..., notice_number: _Optional[str] = ..., voided_receipt_number: _Optional[str] = ..., replacement_receipt_number: _Optional[str] = ..., approver_staff_id: _Optional[str] = ..., voided_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
