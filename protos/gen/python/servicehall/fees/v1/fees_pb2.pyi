import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class FeeType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FEE_TYPE_UNSPECIFIED: _ClassVar[FeeType]
    FEE_TYPE_ADMINISTRATIVE: _ClassVar[FeeType]
    FEE_TYPE_DEED_TAX: _ClassVar[FeeType]

class FeeRule(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FEE_RULE_UNSPECIFIED: _ClassVar[FeeRule]
    FEE_RULE_FIXED: _ClassVar[FeeRule]
    FEE_RULE_PER_UNIT: _ClassVar[FeeRule]
    FEE_RULE_RATE: _ClassVar[FeeRule]

class NoticeStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    NOTICE_STATUS_UNSPECIFIED: _ClassVar[NoticeStatus]
    NOTICE_STATUS_UNPAID: _ClassVar[NoticeStatus]
    NOTICE_STATUS_PAID: _ClassVar[NoticeStatus]
    NOTICE_STATUS_WAIVED: _ClassVar[NoticeStatus]
    NOTICE_STATUS_VOIDED: _ClassVar[NoticeStatus]

class PaymentMethod(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PAYMENT_METHOD_UNSPECIFIED: _ClassVar[PaymentMethod]
    PAYMENT_METHOD_CASH: _ClassVar[PaymentMethod]
    PAYMENT_METHOD_CARD: _ClassVar[PaymentMethod]
    PAYMENT_METHOD_BANK_TRANSFER: _ClassVar[PaymentMethod]
    PAYMENT_METHOD_QR: _ClassVar[PaymentMethod]

class ReceiptKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RECEIPT_KIND_UNSPECIFIED: _ClassVar[ReceiptKind]
    RECEIPT_KIND_PAYMENT: _ClassVar[ReceiptKind]
    RECEIPT_KIND_REFUND: _ClassVar[ReceiptKind]

class ReceiptType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RECEIPT_TYPE_UNSPECIFIED: _ClassVar[ReceiptType]
    RECEIPT_TYPE_NON_TAX_RECEIPT: _ClassVar[ReceiptType]
    RECEIPT_TYPE_TAX_CERTIFICATE: _ClassVar[ReceiptType]

class ReceiptStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RECEIPT_STATUS_UNSPECIFIED: _ClassVar[ReceiptStatus]
    RECEIPT_STATUS_VALID: _ClassVar[ReceiptStatus]
    RECEIPT_STATUS_VOIDED: _ClassVar[ReceiptStatus]
FEE_TYPE_UNSPECIFIED: FeeType
FEE_TYPE_ADMINISTRATIVE: FeeType
FEE_TYPE_DEED_TAX: FeeType
FEE_RULE_UNSPECIFIED: FeeRule
FEE_RULE_FIXED: FeeRule
FEE_RULE_PER_UNIT: FeeRule
FEE_RULE_RATE: FeeRule
NOTICE_STATUS_UNSPECIFIED: NoticeStatus
NOTICE_STATUS_UNPAID: NoticeStatus
NOTICE_STATUS_PAID: NoticeStatus
NOTICE_STATUS_WAIVED: NoticeStatus
NOTICE_STATUS_VOIDED: NoticeStatus
PAYMENT_METHOD_UNSPECIFIED: PaymentMethod
PAYMENT_METHOD_CASH: PaymentMethod
PAYMENT_METHOD_CARD: PaymentMethod
PAYMENT_METHOD_BANK_TRANSFER: PaymentMethod
PAYMENT_METHOD_QR: PaymentMethod
RECEIPT_KIND_UNSPECIFIED: ReceiptKind
RECEIPT_KIND_PAYMENT: ReceiptKind
RECEIPT_KIND_REFUND: ReceiptKind
RECEIPT_TYPE_UNSPECIFIED: ReceiptType
RECEIPT_TYPE_NON_TAX_RECEIPT: ReceiptType
RECEIPT_TYPE_TAX_CERTIFICATE: ReceiptType
RECEIPT_STATUS_UNSPECIFIED: ReceiptStatus
RECEIPT_STATUS_VALID: ReceiptStatus
RECEIPT_STATUS_VOIDED: ReceiptStatus

class ValueCondition(_message.Message):
    __slots__ = ("value_name", "min", "max")
    VALUE_NAME_FIELD_NUMBER: _ClassVar[int]
    MIN_FIELD_NUMBER: _ClassVar[int]
    MAX_FIELD_NUMBER: _ClassVar[int]
    value_name: str
    min: int
    max: int
    def __init__(self, value_name: _Optional[str] = ..., min: _Optional[int] = ..., max: _Optional[int] = ...) -> None: ...

class ReducedRate(_message.Message):
    __slots__ = ("code", "name", "rate_basis_points", "conditions")
    CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    RATE_BASIS_POINTS_FIELD_NUMBER: _ClassVar[int]
    CONDITIONS_FIELD_NUMBER: _ClassVar[int]
    code: str
    name: str
    rate_basis_points: int
    conditions: _containers.RepeatedCompositeFieldContainer[ValueCondition]
    def __init__(self, code: _Optional[str] = ..., name: _Optional[str] = ..., rate_basis_points: _Optional[int] = ..., conditions: _Optional[_Iterable[_Union[ValueCondition, _Mapping]]] = ...) -> None: ...

class FeeStandard(_message.Message):
    __slots__ = ("code", "name", "department_code", "fee_type", "legal_basis", "fixed_amount_fen", "rate_basis_points", "effective_from", "rule", "unit_price_fen", "quantity_value", "base_value", "minimum_fen", "maximum_fen", "reduced_rates", "value_ranges")
    CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    FEE_TYPE_FIELD_NUMBER: _ClassVar[int]
    LEGAL_BASIS_FIELD_NUMBER: _ClassVar[int]
    FIXED_AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    RATE_BASIS_POINTS_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_FROM_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    UNIT_PRICE_FEN_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_VALUE_FIELD_NUMBER: _ClassVar[int]
    BASE_VALUE_FIELD_NUMBER: _ClassVar[int]
    MINIMUM_FEN_FIELD_NUMBER: _ClassVar[int]
    MAXIMUM_FEN_FIELD_NUMBER: _ClassVar[int]
    REDUCED_RATES_FIELD_NUMBER: _ClassVar[int]
    VALUE_RANGES_FIELD_NUMBER: _ClassVar[int]
    code: str
    name: str
    department_code: str
    fee_type: FeeType
    legal_basis: str
    fixed_amount_fen: int
    rate_basis_points: int
    effective_from: str
    rule: FeeRule
    unit_price_fen: int
    quantity_value: str
    base_value: str
    minimum_fen: int
    maximum_fen: int
    reduced_rates: _containers.RepeatedCompositeFieldContainer[ReducedRate]
    value_ranges: _containers.RepeatedCompositeFieldContainer[ValueCondition]
    def __init__(self, code: _Optional[str] = ..., name: _Optional[str] = ..., department_code: _Optional[str] = ..., fee_type: _Optional[_Union[FeeType, str]] = ..., legal_basis: _Optional[str] = ..., fixed_amount_fen: _Optional[int] = ..., rate_basis_points: _Optional[int] = ..., effective_from: _Optional[str] = ..., rule: _Optional[_Union[FeeRule, str]] = ..., unit_price_fen: _Optional[int] = ..., quantity_value: _Optional[str] = ..., base_value: _Optional[str] = ..., minimum_fen: _Optional[int] = ..., maximum_fen: _Optional[int] = ..., reduced_rates: _Optional[_Iterable[_Union[ReducedRate, _Mapping]]] = ..., value_ranges: _Optional[_Iterable[_Union[ValueCondition, _Mapping]]] = ...) -> None: ...

class ListFeeStandardsRequest(_message.Message):
    __slots__ = ("department_code", "on", "all_versions")
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    ON_FIELD_NUMBER: _ClassVar[int]
    ALL_VERSIONS_FIELD_NUMBER: _ClassVar[int]
    department_code: str
    on: str
    all_versions: bool
    def __init__(self, department_code: _Optional[str] = ..., on: _Optional[str] = ..., all_versions: _Optional[bool] = ...) -> None: ...

class ListFeeStandardsResponse(_message.Message):
    __slots__ = ("standards",)
    STANDARDS_FIELD_NUMBER: _ClassVar[int]
    standards: _containers.RepeatedCompositeFieldContainer[FeeStandard]
    def __init__(self, standards: _Optional[_Iterable[_Union[FeeStandard, _Mapping]]] = ...) -> None: ...

class CreateFeeStandardRequest(_message.Message):
    __slots__ = ("standard",)
    STANDARD_FIELD_NUMBER: _ClassVar[int]
    standard: FeeStandard
    def __init__(self, standard: _Optional[_Union[FeeStandard, _Mapping]] = ...) -> None: ...

class ImportFeeStandardsRequest(_message.Message):
    __slots__ = ("yaml_document",)
    YAML_DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    yaml_document: str
    def __init__(self, yaml_document: _Optional[str] = ...) -> None: ...

class ImportFeeStandardsResponse(_message.Message):
    __slots__ = ("created", "unchanged")
    CREATED_FIELD_NUMBER: _ClassVar[int]
    UNCHANGED_FIELD_NUMBER: _ClassVar[int]
    created: int
    unchanged: int
    def __init__(self, created: _Optional[int] = ..., unchanged: _Optional[int] = ...) -> None: ...

class NoticeLine(_message.Message):
    __slots__ = ("fee_item_code", "fee_item_name", "standard_effective_from", "basis", "assessed_fen", "reduced_fen", "due_fen", "refunded_fen")
    FEE_ITEM_CODE_FIELD_NUMBER: _ClassVar[int]
    FEE_ITEM_NAME_FIELD_NUMBER: _ClassVar[int]
    STANDARD_EFFECTIVE_FROM_FIELD_NUMBER: _ClassVar[int]
    BASIS_FIELD_NUMBER: _ClassVar[int]
    ASSESSED_FEN_FIELD_NUMBER: _ClassVar[int]
    REDUCED_FEN_FIELD_NUMBER: _ClassVar[int]
    DUE_FEN_FIELD_NUMBER: _ClassVar[int]
    REFUNDED_FEN_FIELD_NUMBER: _ClassVar[int]
    fee_item_code: str
    fee_item_name: str
    standard_effective_from: str
    basis: str
    assessed_fen: int
    reduced_fen: int
    due_fen: int
    refunded_fen: int
    def __init__(self, fee_item_code: _Optional[str] = ..., fee_item_name: _Optional[str] = ..., standard_effective_from: _Optional[str] = ..., basis: _Optional[str] = ..., assessed_fen: _Optional[int] = ..., reduced_fen: _Optional[int] = ..., due_fen: _Optional[int] = ..., refunded_fen: _Optional[int] = ...) -> None: ...

class Adjustment(_message.Message):
    __slots__ = ("kind", "fee_item_code", "amount_fen", "reason", "approver_staff_id", "at")
    KIND_FIELD_NUMBER: _ClassVar[int]
    FEE_ITEM_CODE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    APPROVER_STAFF_ID_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    kind: str
    fee_item_code: str
    amount_fen: int
    reason: str
    approver_staff_id: str
    at: _timestamp_pb2.Timestamp
    def __init__(self, kind: _Optional[str] = ..., fee_item_code: _Optional[str] = ..., amount_fen: _Optional[int] = ..., reason: _Optional[str] = ..., approver_staff_id: _Optional[str] = ..., at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PaymentNotice(_message.Message):
    __slots__ = ("notice_number", "case_number", "department_code", "fee_type", "status", "lines", "total_assessed_fen", "total_due_fen", "total_paid_fen", "total_refunded_fen", "assessed_on", "due_date", "issued_at", "receipt_number", "adjustments", "service_item_code")
    NOTICE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    FEE_TYPE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    TOTAL_ASSESSED_FEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_DUE_FEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_PAID_FEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_REFUNDED_FEN_FIELD_NUMBER: _ClassVar[int]
    ASSESSED_ON_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    ISSUED_AT_FIELD_NUMBER: _ClassVar[int]
    RECEIPT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    ADJUSTMENTS_FIELD_NUMBER: _ClassVar[int]
    SERVICE_ITEM_CODE_FIELD_NUMBER: _ClassVar[int]
    notice_number: str
    case_number: str
    department_code: str
    fee_type: FeeType
    status: NoticeStatus
    lines: _containers.RepeatedCompositeFieldContainer[NoticeLine]
    total_assessed_fen: int
    total_due_fen: int
    total_paid_fen: int
    total_refunded_fen: int
    assessed_on: str
    due_date: str
    issued_at: _timestamp_pb2.Timestamp
    receipt_number: str
    adjustments: _containers.RepeatedCompositeFieldContainer[Adjustment]
    service_item_code: str
    def __init__(self, notice_number: _Optional[str] = ..., case_number: _Optional[str] = ..., department_code: _Optional[str] = ..., fee_type: _Optional[_Union[FeeType, str]] = ..., status: _Optional[_Union[NoticeStatus, str]] = ..., lines: _Optional[_Iterable[_Union[NoticeLine, _Mapping]]] = ..., total_assessed_fen: _Optional[int] = ..., total_due_fen: _Optional[int] = ..., total_paid_fen: _Optional[int] = ..., total_refunded_fen: _Optional[int] = ..., assessed_on: _Optional[str] = ..., due_date: _Optional[str] = ..., issued_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., receipt_number: _Optional[str] = ..., adjustments: _Optional[_Iterable[_Union[Adjustment, _Mapping]]] = ..., service_item_code: _Optional[str] = ...) -> None: ...

class AssessFeesRequest(_message.Message):
    __slots__ = ("case_number", "declared_values", "fee_item_codes")
    class DeclaredValuesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DECLARED_VALUES_FIELD_NUMBER: _ClassVar[int]
    FEE_ITEM_CODES_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    declared_values: _containers.ScalarMap[str, int]
    fee_item_codes: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, case_number: _Optional[str] = ..., declared_values: _Optional[_Mapping[str, int]] = ..., fee_item_codes: _Optional[_Iterable[str]] = ...) -> None: ...

class AssessFeesResponse(_message.Message):
    __slots__ = ("notices", "settled")
    NOTICES_FIELD_NUMBER: _ClassVar[int]
    SETTLED_FIELD_NUMBER: _ClassVar[int]
    notices: _containers.RepeatedCompositeFieldContainer[PaymentNotice]
    settled: bool
    def __init__(self, notices: _Optional[_Iterable[_Union[PaymentNotice, _Mapping]]] = ..., settled: _Optional[bool] = ...) -> None: ...

class GetPaymentNoticeRequest(_message.Message):
    __slots__ = ("notice_number",)
    NOTICE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    notice_number: str
    def __init__(self, notice_number: _Optional[str] = ...) -> None: ...

class ListPaymentNoticesRequest(_message.Message):
    __slots__ = ("case_number", "department_code", "status")
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    department_code: str
    status: NoticeStatus
    def __init__(self, case_number: _Optional[str] = ..., department_code: _Optional[str] = ..., status: _Optional[_Union[NoticeStatus, str]] = ...) -> None: ...

class ListPaymentNoticesResponse(_message.Message):
    __slots__ = ("notices",)
    NOTICES_FIELD_NUMBER: _ClassVar[int]
    notices: _containers.RepeatedCompositeFieldContainer[PaymentNotice]
    def __init__(self, notices: _Optional[_Iterable[_Union[PaymentNotice, _Mapping]]] = ...) -> None: ...

class ReduceFeeRequest(_message.Message):
    __slots__ = ("notice_number", "fee_item_code", "amount_fen", "reason")
    NOTICE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    FEE_ITEM_CODE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    notice_number: str
    fee_item_code: str
    amount_fen: int
    reason: str
    def __init__(self, notice_number: _Optional[str] = ..., fee_item_code: _Optional[str] = ..., amount_fen: _Optional[int] = ..., reason: _Optional[str] = ...) -> None: ...

class WaivePaymentNoticeRequest(_message.Message):
    __slots__ = ("notice_number", "reason")
    NOTICE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    notice_number: str
    reason: str
    def __init__(self, notice_number: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class VoidPaymentNoticeRequest(_message.Message):
    __slots__ = ("notice_number", "reason")
    NOTICE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    notice_number: str
    reason: str
    def __init__(self, notice_number: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class RecordPaymentRequest(_message.Message):
    __slots__ = ("notice_number", "method", "expected_amount_fen", "reference", "idempotency_key")
    NOTICE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    notice_number: str
    method: PaymentMethod
    expected_amount_fen: int
    reference: str
    idempotency_key: str
    def __init__(self, notice_number: _Optional[str] = ..., method: _Optional[_Union[PaymentMethod, str]] = ..., expected_amount_fen: _Optional[int] = ..., reference: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class ReceiptLine(_message.Message):
    __slots__ = ("fee_item_code", "fee_item_name", "amount_fen")
    FEE_ITEM_CODE_FIELD_NUMBER: _ClassVar[int]
    FEE_ITEM_NAME_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    fee_item_code: str
    fee_item_name: str
    amount_fen: int
    def __init__(self, fee_item_code: _Optional[str] = ..., fee_item_name: _Optional[str] = ..., amount_fen: _Optional[int] = ...) -> None: ...

class Receipt(_message.Message):
    __slots__ = ("receipt_number", "kind", "status", "notice_number", "case_number", "department_code", "fee_type", "payer_name", "lines", "total_fen", "cashier_staff_id", "issued_at", "day", "related_receipt_number", "void_reason", "receipt_type")
    RECEIPT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    NOTICE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    FEE_TYPE_FIELD_NUMBER: _ClassVar[int]
    PAYER_NAME_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FEN_FIELD_NUMBER: _ClassVar[int]
    CASHIER_STAFF_ID_FIELD_NUMBER: _ClassVar[int]
    ISSUED_AT_FIELD_NUMBER: _ClassVar[int]
    DAY_FIELD_NUMBER: _ClassVar[int]
    RELATED_RECEIPT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    VOID_REASON_FIELD_NUMBER: _ClassVar[int]
    RECEIPT_TYPE_FIELD_NUMBER: _ClassVar[int]
    receipt_number: str
    kind: ReceiptKind
    status: ReceiptStatus
    notice_number: str
    case_number: str
    department_code: str
    fee_type: FeeType
    payer_name: str
    lines: _containers.RepeatedCompositeFieldContainer[ReceiptLine]
    total_fen: int
    cashier_staff_id: str
    issued_at: _timestamp_pb2.Timestamp
    day: str
    related_receipt_number: str
    void_reason: str
    receipt_type: ReceiptType
    def __init__(self, receipt_number: _Optional[str] = ..., kind: _Optional[_Union[ReceiptKind, str]] = ..., status: _Optional[_Union[ReceiptStatus, str]] = ..., notice_number: _Optional[str] = ..., case_number: _Optional[str] = ..., department_code: _Optional[str] = ..., fee_type: _Optional[_Union[FeeType, str]] = ..., payer_name: _Optional[str] = ..., lines: _Optional[_Iterable[_Union[ReceiptLine, _Mapping]]] = ..., total_fen: _Optional[int] = ..., cashier_staff_id: _Optional[str] = ..., issued_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., day: _Optional[str] = ..., related_receipt_number: _Optional[str] = ..., void_reason: _Optional[str] = ..., receipt_type: _Optional[_Union[ReceiptType, str]] = ...) -> None: ...

class PaymentResult(_message.Message):
    __slots__ = ("payment_id", "notice", "receipt", "case_settled", "replayed")
    PAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    NOTICE_FIELD_NUMBER: _ClassVar[int]
    RECEIPT_FIELD_NUMBER: _ClassVar[int]
    CASE_SETTLED_FIELD_NUMBER: _ClassVar[int]
    REPLAYED_FIELD_NUMBER: _ClassVar[int]
    payment_id: str
    notice: PaymentNotice
    receipt: Receipt
    case_settled: bool
    replayed: bool
    def __init__(self, payment_id: _Optional[str] = ..., notice: _Optional[_Union[PaymentNotice, _Mapping]] = ..., receipt: _Optional[_Union[Receipt, _Mapping]] = ..., case_settled: _Optional[bool] = ..., replayed: _Optional[bool] = ...) -> None: ...

class RecordRefundRequest(_message.Message):
    __slots__ = ("receipt_number", "fee_item_code", "amount_fen", "reason", "idempotency_key", "cashier_staff_id")
    RECEIPT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    FEE_ITEM_CODE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    CASHIER_STAFF_ID_FIELD_NUMBER: _ClassVar[int]
    receipt_number: str
    fee_item_code: str
    amount_fen: int
    reason: str
    idempotency_key: str
    cashier_staff_id: str
    def __init__(self, receipt_number: _Optional[str] = ..., fee_item_code: _Optional[str] = ..., amount_fen: _Optional[int] = ..., reason: _Optional[str] = ..., idempotency_key: _Optional[str] = ..., cashier_staff_id: _Optional[str] = ...) -> None: ...

class RefundResult(_message.Message):
    __slots__ = ("refund_id", "red_letter_receipt", "notice", "replayed")
    REFUND_ID_FIELD_NUMBER: _ClassVar[int]
    RED_LETTER_RECEIPT_FIELD_NUMBER: _ClassVar[int]
    NOTICE_FIELD_NUMBER: _ClassVar[int]
    REPLAYED_FIELD_NUMBER: _ClassVar[int]
    refund_id: str
    red_letter_receipt: Receipt
    notice: PaymentNotice
    replayed: bool
    def __init__(self, refund_id: _Optional[str] = ..., red_letter_receipt: _Optional[_Union[Receipt, _Mapping]] = ..., notice: _Optional[_Union[PaymentNotice, _Mapping]] = ..., replayed: _Optional[bool] = ...) -> None: ...

class VoidReceiptRequest(_message.Message):
    __slots__ = ("receipt_number", "reason")
    RECEIPT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    receipt_number: str
    reason: str
    def __init__(self, receipt_number: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class VoidReceiptResponse(_message.Message):
    __slots__ = ("voided", "replacement")
    VOIDED_FIELD_NUMBER: _ClassVar[int]
    REPLACEMENT_FIELD_NUMBER: _ClassVar[int]
    voided: Receipt
    replacement: Receipt
    def __init__(self, voided: _Optional[_Union[Receipt, _Mapping]] = ..., replacement: _Optional[_Union[Receipt, _Mapping]] = ...) -> None: ...

class GetReceiptRequest(_message.Message):
    __slots__ = ("receipt_number",)
    RECEIPT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    receipt_number: str
    def __init__(self, receipt_number: _Optional[str] = ...) -> None: ...

class CloseDayRequest(_message.Message):
    __slots__ = ("day", "cashier_staff_id")
    DAY_FIELD_NUMBER: _ClassVar[int]
    CASHIER_STAFF_ID_FIELD_NUMBER: _ClassVar[int]
    day: str
    cashier_staff_id: str
    def __init__(self, day: _Optional[str] = ..., cashier_staff_id: _Optional[str] = ...) -> None: ...

class DayTotal(_message.Message):
    __slots__ = ("day", "department_code", "fee_type", "payments_fen", "refunds_fen", "payment_count", "refund_count", "receipt_type")
    DAY_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    FEE_TYPE_FIELD_NUMBER: _ClassVar[int]
    PAYMENTS_FEN_FIELD_NUMBER: _ClassVar[int]
    REFUNDS_FEN_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_COUNT_FIELD_NUMBER: _ClassVar[int]
    REFUND_COUNT_FIELD_NUMBER: _ClassVar[int]
    RECEIPT_TYPE_FIELD_NUMBER: _ClassVar[int]
    day: str
    department_code: str
    fee_type: FeeType
    payments_fen: int
    refunds_fen: int
    payment_count: int
    refund_count: int
    receipt_type: ReceiptType
    def __init__(self, day: _Optional[str] = ..., department_code: _Optional[str] = ..., fee_type: _Optional[_Union[FeeType, str]] = ..., payments_fen: _Optional[int] = ..., refunds_fen: _Optional[int] = ..., payment_count: _Optional[int] = ..., refund_count: _Optional[int] = ..., receipt_type: _Optional[_Union[ReceiptType, str]] = ...) -> None: ...

class DayReceiptTypeTotal(_message.Message):
    __slots__ = ("receipt_type", "payments_fen", "refunds_fen", "net_by_method_fen", "receipts_issued", "receipts_voided", "first_receipt_number", "last_receipt_number")
    class NetByMethodFenEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    RECEIPT_TYPE_FIELD_NUMBER: _ClassVar[int]
    PAYMENTS_FEN_FIELD_NUMBER: _ClassVar[int]
    REFUNDS_FEN_FIELD_NUMBER: _ClassVar[int]
    NET_BY_METHOD_FEN_FIELD_NUMBER: _ClassVar[int]
    RECEIPTS_ISSUED_FIELD_NUMBER: _ClassVar[int]
    RECEIPTS_VOIDED_FIELD_NUMBER: _ClassVar[int]
    FIRST_RECEIPT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    LAST_RECEIPT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    receipt_type: ReceiptType
    payments_fen: int
    refunds_fen: int
    net_by_method_fen: _containers.ScalarMap[str, int]
    receipts_issued: int
    receipts_voided: int
    first_receipt_number: str
    last_receipt_number: str
    def __init__(self, receipt_type: _Optional[_Union[ReceiptType, str]] = ..., payments_fen: _Optional[int] = ..., refunds_fen: _Optional[int] = ..., net_by_method_fen: _Optional[_Mapping[str, int]] = ..., receipts_issued: _Optional[int] = ..., receipts_voided: _Optional[int] = ..., first_receipt_number: _Optional[str] = ..., last_receipt_number: _Optional[str] = ...) -> None: ...

class DayClose(_message.Message):
    __slots__ = ("day", "cashier_staff_id", "closed_at", "closed_by", "totals", "net_by_method_fen", "already_closed", "receipts")
    class NetByMethodFenEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    DAY_FIELD_NUMBER: _ClassVar[int]
    CASHIER_STAFF_ID_FIELD_NUMBER: _ClassVar[int]
    CLOSED_AT_FIELD_NUMBER: _ClassVar[int]
    CLOSED_BY_FIELD_NUMBER: _ClassVar[int]
    TOTALS_FIELD_NUMBER: _ClassVar[int]
    NET_BY_METHOD_FEN_FIELD_NUMBER: _ClassVar[int]
    ALREADY_CLOSED_FIELD_NUMBER: _ClassVar[int]
    RECEIPTS_FIELD_NUMBER: _ClassVar[int]
    day: str
    cashier_staff_id: str
    closed_at: _timestamp_pb2.Timestamp
    closed_by: str
    totals: _containers.RepeatedCompositeFieldContainer[DayTotal]
    net_by_method_fen: _containers.ScalarMap[str, int]
    already_closed: bool
    receipts: _containers.RepeatedCompositeFieldContainer[DayReceiptTypeTotal]
    def __init__(self, day: _Optional[str] = ..., cashier_staff_id: _Optional[str] = ..., closed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., closed_by: _Optional[str] = ..., totals: _Optional[_Iterable[_Union[DayTotal, _Mapping]]] = ..., net_by_method_fen: _Optional[_Mapping[str, int]] = ..., already_closed: _Optional[bool] = ..., receipts: _Optional[_Iterable[_Union[DayReceiptTypeTotal, _Mapping]]] = ...) -> None: ...

class ReconcileRequest(_message.Message):
    __slots__ = ("period", "department_code")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    period: str
    department_code: str
    def __init__(self, period: _Optional[str] = ..., department_code: _Optional[str] = ...) -> None: ...

class ReconciliationRow(_message.Message):
    __slots__ = ("day", "department_code", "fee_type", "receipts_fen", "payments_fen", "refunds_fen", "difference_fen", "receipt_type")
    DAY_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    FEE_TYPE_FIELD_NUMBER: _ClassVar[int]
    RECEIPTS_FEN_FIELD_NUMBER: _ClassVar[int]
    PAYMENTS_FEN_FIELD_NUMBER: _ClassVar[int]
    REFUNDS_FEN_FIELD_NUMBER: _ClassVar[int]
    DIFFERENCE_FEN_FIELD_NUMBER: _ClassVar[int]
    RECEIPT_TYPE_FIELD_NUMBER: _ClassVar[int]
    day: str
    department_code: str
    fee_type: FeeType
    receipts_fen: int
    payments_fen: int
    refunds_fen: int
    difference_fen: int
    receipt_type: ReceiptType
    def __init__(self, day: _Optional[str] = ..., department_code: _Optional[str] = ..., fee_type: _Optional[_Union[FeeType, str]] = ..., receipts_fen: _Optional[int] = ..., payments_fen: _Optional[int] = ..., refunds_fen: _Optional[int] = ..., difference_fen: _Optional[int] = ..., receipt_type: _Optional[_Union[ReceiptType, str]] = ...) -> None: ...

class ReceiptTypeReconciliation(_message.Message):
    __slots__ = ("receipt_type", "receipts_fen", "payments_fen", "refunds_fen", "difference_fen", "missing_receipt_numbers")
    RECEIPT_TYPE_FIELD_NUMBER: _ClassVar[int]
    RECEIPTS_FEN_FIELD_NUMBER: _ClassVar[int]
    PAYMENTS_FEN_FIELD_NUMBER: _ClassVar[int]
    REFUNDS_FEN_FIELD_NUMBER: _ClassVar[int]
    DIFFERENCE_FEN_FIELD_NUMBER: _ClassVar[int]
    MISSING_RECEIPT_NUMBERS_FIELD_NUMBER: _ClassVar[int]
    receipt_type: ReceiptType
    receipts_fen: int
    payments_fen: int
    refunds_fen: int
    difference_fen: int
    missing_receipt_numbers: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, receipt_type: _Optional[_Union[ReceiptType, str]] = ..., receipts_fen: _Optional[int] = ..., payments_fen: _Optional[int] = ..., refunds_fen: _Optional[int] = ..., difference_fen: _Optional[int] = ..., missing_receipt_numbers: _Optional[_Iterable[str]] = ...) -> None: ...

class ReconcileResponse(_message.Message):
    __slots__ = ("rows", "balanced", "missing_receipt_numbers", "receipt_types")
    ROWS_FIELD_NUMBER: _ClassVar[int]
    BALANCED_FIELD_NUMBER: _ClassVar[int]
    MISSING_RECEIPT_NUMBERS_FIELD_NUMBER: _ClassVar[int]
    RECEIPT_TYPES_FIELD_NUMBER: _ClassVar[int]
    rows: _containers.RepeatedCompositeFieldContainer[ReconciliationRow]
    balanced: bool
    missing_receipt_numbers: _containers.RepeatedScalarFieldContainer[str]
    receipt_types: _containers.RepeatedCompositeFieldContainer[ReceiptTypeReconciliation]
    def __init__(self, rows: _Optional[_Iterable[_Union[ReconciliationRow, _Mapping]]] = ..., balanced: _Optional[bool] = ..., missing_receipt_numbers: _Optional[_Iterable[str]] = ..., receipt_types: _Optional[_Iterable[_Union[ReceiptTypeReconciliation, _Mapping]]] = ...) -> None: ...

class ExportLedgerRequest(_message.Message):
    __slots__ = ("period", "department_code")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    period: str
    department_code: str
    def __init__(self, period: _Optional[str] = ..., department_code: _Optional[str] = ...) -> None: ...

class ExportLedgerResponse(_message.Message):
    __slots__ = ("filename", "csv")
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    CSV_FIELD_NUMBER: _ClassVar[int]
    filename: str
    csv: str
    def __init__(self, filename: _Optional[str] = ..., csv: _Optional[str] = ...) -> None: ...

class GetRevenueSummaryRequest(_message.Message):
    __slots__ = ("month", "department_code")
    MONTH_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    month: str
    department_code: str
    def __init__(self, month: _Optional[str] = ..., department_code: _Optional[str] = ...) -> None: ...

class RevenueRow(_message.Message):
    __slots__ = ("department_code", "fee_type", "collected_fen", "refunded_fen", "net_fen")
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    FEE_TYPE_FIELD_NUMBER: _ClassVar[int]
    COLLECTED_FEN_FIELD_NUMBER: _ClassVar[int]
    REFUNDED_FEN_FIELD_NUMBER: _ClassVar[int]
    NET_FEN_FIELD_NUMBER: _ClassVar[int]
    department_code: str
    fee_type: FeeType
    collected_fen: int
    refunded_fen: int
    net_fen: int
    def __init__(self, department_code: _Optional[str] = ..., fee_type: _Optional[_Union[FeeType, str]] = ..., collected_fen: _Optional[int] = ..., refunded_fen: _Optional[int] = ..., net_fen: _Optional[int] = ...) -> None: ...

class RevenueSummary(_message.Message):
    __slots__ = ("month", "rows", "non_tax_revenue_fen", "deed_tax_fen")
    MONTH_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    NON_TAX_REVENUE_FEN_FIELD_NUMBER: _ClassVar[int]
    DEED_TAX_FEN_FIELD_NUMBER: _ClassVar[int]
    month: str
    rows: _containers.RepeatedCompositeFieldContainer[RevenueRow]
    non_tax_revenue_fen: int
    deed_tax_fen: int
    def __init__(self, month: _Optional[str] = ..., rows: _Optional[_Iterable[_Union[RevenueRow, _Mapping]]] = ..., non_tax_revenue_fen: _Optional[int] = ..., deed_tax_fen: _Optional[int] = ...) -> None: ...
