"""HTTP shapes of the fees routes, separate from the proto messages, and the conversions
between them. Money is integer fen; times are shown in Asia/Shanghai; enums are lower-case
words."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, cast

from google.protobuf.timestamp_pb2 import Timestamp
from pydantic import BaseModel, Field

from gateway.schemas.base import (
    Amount,
    DeclaredValue,
    FilledLine,
    FilledText,
    Key,
    Line,
    PositiveAmount,
    Strict,
    enum_name,
    keys_named,
    shown,
)
from servicehall.fees.v1 import fees_pb2

FeeTypeName = Literal["administrative", "deed_tax"]
RuleName = Literal["fixed", "per_unit", "rate"]
MethodName = Literal["cash", "card", "bank_transfer", "qr"]

FEE_TYPES: dict[str, fees_pb2.FeeType] = {
    "administrative": fees_pb2.FEE_TYPE_ADMINISTRATIVE,
    "deed_tax": fees_pb2.FEE_TYPE_DEED_TAX,
}
RULES: dict[str, fees_pb2.FeeRule] = {
    "fixed": fees_pb2.FEE_RULE_FIXED,
    "per_unit": fees_pb2.FEE_RULE_PER_UNIT,
    "rate": fees_pb2.FEE_RULE_RATE,
}
METHODS: dict[str, fees_pb2.PaymentMethod] = {
    "cash": fees_pb2.PAYMENT_METHOD_CASH,
    "card": fees_pb2.PAYMENT_METHOD_CARD,
    "bank_transfer": fees_pb2.PAYMENT_METHOD_BANK_TRANSFER,
    "qr": fees_pb2.PAYMENT_METHOD_QR,
}
NOTICE_STATUSES: dict[str, fees_pb2.NoticeStatus] = {
    "unpaid": fees_pb2.NOTICE_STATUS_UNPAID,
    "paid": fees_pb2.NOTICE_STATUS_PAID,
    "waived": fees_pb2.NOTICE_STATUS_WAIVED,
    "voided": fees_pb2.NOTICE_STATUS_VOIDED,
}


def _shown(stamp: Timestamp) -> datetime | None:
    # Fees messages leave a stamp all zero for "not yet" (an unissued notice, an open day).
    return shown(stamp) if stamp.seconds or stamp.nanos else None


FeeItemCode = Annotated[FilledLine, Field(min_length=1, max_length=40)]


class ConditionModel(Strict):
    value: FilledLine = Field(min_length=1, max_length=60, examples=["first_home"])
    min: DeclaredValue | None = None
    max: DeclaredValue | None = None


class ReducedRateModel(Strict):
    code: FilledLine = Field(min_length=1, max_length=40, examples=["FIRST_HOME_UP_TO_90M2"])
    name: Line = Field("", max_length=200)
    rate_basis_points: int = Field(ge=0, le=10000)
    conditions: list[ConditionModel] = Field(default_factory=list, max_length=10)


class FeeStandardModel(Strict):
    code: FilledLine = Field(min_length=1, max_length=40, examples=["TAX-DEED"])
    name: FilledLine = Field(min_length=1, max_length=200)
    department_code: FilledLine = Field(min_length=1, max_length=20, examples=["FIN"])
    fee_type: FeeTypeName
    legal_basis: FilledLine = Field(min_length=1, max_length=400)
    effective_from: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$", max_length=10, examples=["2027-01-01"])
    rule: RuleName
    fixed_amount_fen: Amount = 0
    unit_price_fen: Amount = 0
    quantity_value: Line = Field("", max_length=60)
    rate_basis_points: int = Field(0, ge=0, le=10000)
    base_value: Line = Field("", max_length=60)
    minimum_fen: Amount = 0
    maximum_fen: Amount = 0
    reduced_rates: list[ReducedRateModel] = Field(default_factory=list, max_length=10)
    value_ranges: list[ConditionModel] = Field(
        default_factory=list, max_length=20, description="what a declared value the rule reads may be"
    )


class FeeStandardList(BaseModel):
    standards: list[FeeStandardModel]


class StandardsImport(Strict):
    # Most of the body limit (MAX_BODY_BYTES, 64 KiB): the YAML of a whole department's standards.
    yaml_document: FilledText = Field(
        min_length=1, max_length=60000, description="the format of services/fees/standards/*.yaml"
    )


class StandardsImported(BaseModel):
    created: int
    unchanged: int


class AssessmentIn(Strict):
    declared_values: dict[Key, DeclaredValue] = Field(
        default_factory=dict, max_length=20, json_schema_extra=keys_named, examples=[{"declared_price_fen": 80000000}]
    )
    fee_item_codes: list[FeeItemCode] = Field(default_factory=list, max_length=20)


class NoticeLineOut(BaseModel):
    fee_item_code: str
    fee_item_name: str
    standard_effective_from: str
    basis: str
    assessed_fen: int
    reduced_fen: int
    due_fen: int
    refunded_fen: int


class AdjustmentOut(BaseModel):
    kind: str
    fee_item_code: str
    amount_fen: int
    reason: str
    approver_staff_id: str
    at: datetime | None


class NoticeOut(BaseModel):
    notice_number: str
    case_number: str
    service_item_code: str
    department_code: str
    fee_type: str
    status: str
    lines: list[NoticeLineOut]
    total_assessed_fen: int
    total_due_fen: int
    total_paid_fen: int
    total_refunded_fen: int
    assessed_on: str
    due_date: str
    issued_at: datetime | None
    receipt_number: str | None
    adjustments: list[AdjustmentOut]


class NoticeList(BaseModel):
    notices: list[NoticeOut]


class AssessmentOut(NoticeList):
    settled: bool


class ReductionIn(Strict):
    fee_item_code: Line = Field("", max_length=40)
    amount_fen: PositiveAmount
    reason: FilledText = Field(min_length=1, max_length=500)


class ReasonIn(Strict):
    reason: FilledText = Field(min_length=1, max_length=500)


class PaymentIn(Strict):
    method: MethodName
    expected_amount_fen: PositiveAmount = Field(description="the amount shown on the notice; must match it")
    reference: Line = Field("", max_length=100)


class ReceiptLineOut(BaseModel):
    fee_item_code: str
    fee_item_name: str
    amount_fen: int


class ReceiptOut(BaseModel):
    receipt_number: str
    kind: str
    status: str
    notice_number: str
    case_number: str
    department_code: str
    fee_type: str
    payer_name: str
    lines: list[ReceiptLineOut]
    total_fen: int
    cashier_staff_id: str
    issued_at: datetime | None
    day: str
    related_receipt_number: str | None
    void_reason: str | None
    receipt_type: str = Field(description="non_tax_receipt (非税收入票据) or tax_certificate (税收完税证明)")


class PaymentOut(BaseModel):
    payment_id: str
    notice: NoticeOut
    receipt: ReceiptOut
    case_settled: bool
    replayed: bool


class RefundIn(Strict):
    fee_item_code: Line = Field("", max_length=40)
    amount_fen: PositiveAmount
    reason: FilledText = Field(min_length=1, max_length=500)
    cashier_staff_id: Line = Field("", max_length=40, description="the till paying out; empty = the one paid into")


class RefundOut(BaseModel):
    refund_id: str
    red_letter_receipt: ReceiptOut
    notice: NoticeOut
    replayed: bool


class VoidOut(BaseModel):
    voided: ReceiptOut
    replacement: ReceiptOut


class DayCloseIn(Strict):
    day: str = Field("", pattern=r"^(\d{4}-\d{2}-\d{2})?$", max_length=10)
    cashier_staff_id: Line = Field("", max_length=40)


class DayTotalOut(BaseModel):
    day: str
    department_code: str
    fee_type: str
    payments_fen: int
    refunds_fen: int
    payment_count: int
    refund_count: int
    receipt_type: str


class DayReceiptTypeOut(BaseModel):
    receipt_type: str
    payments_fen: int
    refunds_fen: int
    net_by_method_fen: dict[str, int]
    receipts_issued: int
    receipts_voided: int
    first_receipt_number: str | None
    last_receipt_number: str | None


class DayCloseOut(BaseModel):
    day: str
    cashier_staff_id: str
    closed_at: datetime | None
    closed_by: str
    totals: list[DayTotalOut]
    net_by_method_fen: dict[str, int]
    already_closed: bool
    receipts: list[DayReceiptTypeOut] = Field(description="by receipt type")


class ReconciliationRowOut(BaseModel):
    day: str
    department_code: str
    fee_type: str
    receipts_fen: int
    payments_fen: int
    refunds_fen: int
    difference_fen: int
    receipt_type: str


class ReceiptTypeReconciliationOut(BaseModel):
    receipt_type: str
    receipts_fen: int
    payments_fen: int
    refunds_fen: int
    difference_fen: int
    missing_receipt_numbers: list[str]


class ReconciliationOut(BaseModel):
    balanced: bool
    rows: list[ReconciliationRowOut]
    missing_receipt_numbers: list[str]
    receipt_types: list[ReceiptTypeReconciliationOut]


class RevenueRowOut(BaseModel):
    department_code: str
    fee_type: str
    collected_fen: int
    refunded_fen: int
    net_fen: int


class RevenueOut(BaseModel):
    month: str
    rows: list[RevenueRowOut]
    non_tax_revenue_fen: int
    deed_tax_fen: int


# --- HTTP -> proto ------------------------------------------------------------------------------


def standard_in(body: FeeStandardModel) -> fees_pb2.FeeStandard:
    message = fees_pb2.FeeStandard(
        code=body.code,
        name=body.name,
        department_code=body.department_code,
        fee_type=FEE_TYPES[body.fee_type],
        legal_basis=body.legal_basis,
        effective_from=body.effective_from,
        rule=RULES[body.rule],
        fixed_amount_fen=body.fixed_amount_fen,
        unit_price_fen=body.unit_price_fen,
        quantity_value=body.quantity_value,
        rate_basis_points=body.rate_basis_points,
        base_value=body.base_value,
        minimum_fen=body.minimum_fen,
        maximum_fen=body.maximum_fen,
    )
    for r in body.reduced_rates:
        reduced = message.reduced_rates.add(code=r.code, name=r.name, rate_basis_points=r.rate_basis_points)
        for c in r.conditions:
            _condition_in(reduced.conditions.add(), c)
    for c in body.value_ranges:
        _condition_in(message.value_ranges.add(), c)
    return message


def _condition_in(message: fees_pb2.ValueCondition, body: ConditionModel) -> None:
    message.value_name = body.value
    if body.min is not None:
        message.min = body.min
    if body.max is not None:
        message.max = body.max


# --- proto -> HTTP ------------------------------------------------------------------------------


def fee_type_name(value: int) -> str:
    return enum_name(fees_pb2.FeeType, value, "FEE_TYPE_")


def receipt_type_name(value: int) -> str:
    return enum_name(fees_pb2.ReceiptType, value, "RECEIPT_TYPE_")


def standard_out(s: fees_pb2.FeeStandard) -> FeeStandardModel:
    # The enum words are the Literal values (FEE_TYPES and RULES hold the same names); pydantic checks them.
    fee_type = cast(FeeTypeName, fee_type_name(s.fee_type))
    rule = cast(RuleName, enum_name(fees_pb2.FeeRule, s.rule, "FEE_RULE_"))
    return FeeStandardModel(
        code=s.code,
        name=s.name,
        department_code=s.department_code,
        fee_type=fee_type,
        legal_basis=s.legal_basis,
        effective_from=s.effective_from,
        rule=rule,
        fixed_amount_fen=s.fixed_amount_fen,
        unit_price_fen=s.unit_price_fen,
        quantity_value=s.quantity_value,
        rate_basis_points=s.rate_basis_points,
        base_value=s.base_value,
        minimum_fen=s.minimum_fen,
        maximum_fen=s.maximum_fen,
        reduced_rates=[
            ReducedRateModel(
                code=r.code,
                name=r.name,
                rate_basis_points=r.rate_basis_points,
                conditions=[_condition_out(c) for c in r.conditions],
            )
            for r in s.reduced_rates
        ],
        value_ranges=[_condition_out(c) for c in s.value_ranges],
    )


def _condition_out(c: fees_pb2.ValueCondition) -> ConditionModel:
    return ConditionModel(
        value=c.value_name, min=c.min if c.HasField("min") else None, max=c.max if c.HasField("max") else None
    )


def notice_out(n: fees_pb2.PaymentNotice) -> NoticeOut:
    return NoticeOut(
        notice_number=n.notice_number,
        case_number=n.case_number,
        service_item_code=n.service_item_code,
        department_code=n.department_code,
        fee_type=fee_type_name(n.fee_type),
        status=enum_name(fees_pb2.NoticeStatus, n.status, "NOTICE_STATUS_"),
        lines=[
            NoticeLineOut(
                fee_item_code=x.fee_item_code,
                fee_item_name=x.fee_item_name,
                standard_effective_from=x.standard_effective_from,
                basis=x.basis,
                assessed_fen=x.assessed_fen,
                reduced_fen=x.reduced_fen,
                due_fen=x.due_fen,
                refunded_fen=x.refunded_fen,
            )
            for x in n.lines
        ],
        total_assessed_fen=n.total_assessed_fen,
        total_due_fen=n.total_due_fen,
        total_paid_fen=n.total_paid_fen,
        total_refunded_fen=n.total_refunded_fen,
        assessed_on=n.assessed_on,
        due_date=n.due_date,
        issued_at=_shown(n.issued_at),
        receipt_number=n.receipt_number or None,
        adjustments=[
            AdjustmentOut(
                kind=a.kind,
                fee_item_code=a.fee_item_code,
                amount_fen=a.amount_fen,
                reason=a.reason,
                approver_staff_id=a.approver_staff_id,
                at=_shown(a.at),
            )
            for a in n.adjustments
        ],
    )


def receipt_out(r: fees_pb2.Receipt) -> ReceiptOut:
    return ReceiptOut(
        receipt_number=r.receipt_number,
        kind=enum_name(fees_pb2.ReceiptKind, r.kind, "RECEIPT_KIND_"),
        status=enum_name(fees_pb2.ReceiptStatus, r.status, "RECEIPT_STATUS_"),
        notice_number=r.notice_number,
        case_number=r.case_number,
        department_code=r.department_code,
        fee_type=fee_type_name(r.fee_type),
        payer_name=r.payer_name,
        lines=[
            ReceiptLineOut(fee_item_code=x.fee_item_code, fee_item_name=x.fee_item_name, amount_fen=x.amount_fen)
            for x in r.lines
        ],
        total_fen=r.total_fen,
        cashier_staff_id=r.cashier_staff_id,
        issued_at=_shown(r.issued_at),
        day=r.day,
        related_receipt_number=r.related_receipt_number or None,
        void_reason=r.void_reason or None,
        receipt_type=receipt_type_name(r.receipt_type),
    )


def day_close_out(d: fees_pb2.DayClose) -> DayCloseOut:
    return DayCloseOut(
        day=d.day,
        cashier_staff_id=d.cashier_staff_id,
        closed_at=_shown(d.closed_at),
        closed_by=d.closed_by,
        totals=[
            DayTotalOut(
                day=t.day,
                department_code=t.department_code,
                fee_type=fee_type_name(t.fee_type),
                payments_fen=t.payments_fen,
                refunds_fen=t.refunds_fen,
                payment_count=t.payment_count,
                refund_count=t.refund_count,
                receipt_type=receipt_type_name(t.receipt_type),
            )
            for t in d.totals
        ],
        net_by_method_fen=dict(d.net_by_method_fen),
        already_closed=d.already_closed,
        receipts=[
            DayReceiptTypeOut(
                receipt_type=receipt_type_name(r.receipt_type),
                payments_fen=r.payments_fen,
                refunds_fen=r.refunds_fen,
                net_by_method_fen=dict(r.net_by_method_fen),
                receipts_issued=r.receipts_issued,
                receipts_voided=r.receipts_voided,
                first_receipt_number=r.first_receipt_number or None,
                last_receipt_number=r.last_receipt_number or None,
            )
            for r in d.receipts
        ],
    )


def reconciliation_out(r: fees_pb2.ReconcileResponse) -> ReconciliationOut:
    return ReconciliationOut(
        balanced=r.balanced,
        missing_receipt_numbers=list(r.missing_receipt_numbers),
        rows=[
            ReconciliationRowOut(
                day=x.day,
                department_code=x.department_code,
                fee_type=fee_type_name(x.fee_type),
                receipts_fen=x.receipts_fen,
                payments_fen=x.payments_fen,
                refunds_fen=x.refunds_fen,
                difference_fen=x.difference_fen,
                receipt_type=receipt_type_name(x.receipt_type),
            )
            for x in r.rows
        ],
        receipt_types=[
            ReceiptTypeReconciliationOut(
                receipt_type=receipt_type_name(x.receipt_type),
                receipts_fen=x.receipts_fen,
                payments_fen=x.payments_fen,
                refunds_fen=x.refunds_fen,
                difference_fen=x.difference_fen,
                missing_receipt_numbers=list(x.missing_receipt_numbers),
            )
            for x in r.receipt_types
        ],
    )


def revenue_out(r: fees_pb2.RevenueSummary) -> RevenueOut:
    return RevenueOut(
        month=r.month,
        non_tax_revenue_fen=r.non_tax_revenue_fen,
        deed_tax_fen=r.deed_tax_fen,
        rows=[
            RevenueRowOut(
                department_code=x.department_code,
                fee_type=fee_type_name(x.fee_type),
                collected_fen=x.collected_fen,
                refunded_fen=x.refunded_fen,
                net_fen=x.net_fen,
            )
            for x in r.rows
        ],
    )


def standard_list_out(answer: fees_pb2.ListFeeStandardsResponse) -> FeeStandardList:
    return FeeStandardList(standards=[standard_out(x) for x in answer.standards])


def standards_imported_out(answer: fees_pb2.ImportFeeStandardsResponse) -> StandardsImported:
    return StandardsImported(created=answer.created, unchanged=answer.unchanged)


def notice_list_out(answer: fees_pb2.ListPaymentNoticesResponse) -> NoticeList:
    return NoticeList(notices=[notice_out(n) for n in answer.notices])


def assessment_out(answer: fees_pb2.AssessFeesResponse) -> AssessmentOut:
    return AssessmentOut(notices=[notice_out(n) for n in answer.notices], settled=answer.settled)


def payment_out(answer: fees_pb2.PaymentResult) -> PaymentOut:
    return PaymentOut(
        payment_id=answer.payment_id,
        notice=notice_out(answer.notice),
        receipt=receipt_out(answer.receipt),
        case_settled=answer.case_settled,
        replayed=answer.replayed,
    )


def refund_out(answer: fees_pb2.RefundResult) -> RefundOut:
    return RefundOut(
        refund_id=answer.refund_id,
        red_letter_receipt=receipt_out(answer.red_letter_receipt),
        notice=notice_out(answer.notice),
        replayed=answer.replayed,
    )


def void_out(answer: fees_pb2.VoidReceiptResponse) -> VoidOut:
    return VoidOut(voided=receipt_out(answer.voided), replacement=receipt_out(answer.replacement))
