"""Proto <-> domain for the fees service, and nowhere else: requests as domain input
(days, periods, enums, a standard), rows and outcomes as response messages."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from servicehall.fees.v1 import fees_pb2
from services.fees import queries, reporting, rules
from services.fees.collection import PaymentOutcome, RefundOutcome
from services.fees.models import CashierDay, FeeCase, FeeStandard, PaymentNotice, Receipt
from services.fees.reporting import LedgerExport, Period, Reconciliation, ReconciliationReport, RevenueSummary
from services.fees.standards import StandardInput
from shared import validation
from shared.errors import FieldViolation, InvalidArgument
from shared.timeutil import to_timestamp

FEE_TYPES = {"administrative": fees_pb2.FEE_TYPE_ADMINISTRATIVE, "deed_tax": fees_pb2.FEE_TYPE_DEED_TAX}
FEE_TYPE_NAMES = {v: k for k, v in FEE_TYPES.items()}
RULES = {"fixed": fees_pb2.FEE_RULE_FIXED, "per_unit": fees_pb2.FEE_RULE_PER_UNIT, "rate": fees_pb2.FEE_RULE_RATE}
RULE_NAMES = {v: k for k, v in RULES.items()}
NOTICE_STATUSES = {
    "unpaid": fees_pb2.NOTICE_STATUS_UNPAID,
    "paid": fees_pb2.NOTICE_STATUS_PAID,
    "waived": fees_pb2.NOTICE_STATUS_WAIVED,
    "voided": fees_pb2.NOTICE_STATUS_VOIDED,
}
NOTICE_STATUS_NAMES = {v: k for k, v in NOTICE_STATUSES.items()}
METHODS = {
    fees_pb2.PAYMENT_METHOD_CASH: "cash",
    fees_pb2.PAYMENT_METHOD_CARD: "card",
    fees_pb2.PAYMENT_METHOD_BANK_TRANSFER: "bank_transfer",
    fees_pb2.PAYMENT_METHOD_QR: "qr",
}
RECEIPT_KINDS = {"payment": fees_pb2.RECEIPT_KIND_PAYMENT, "refund": fees_pb2.RECEIPT_KIND_REFUND}
RECEIPT_STATUSES = {"valid": fees_pb2.RECEIPT_STATUS_VALID, "voided": fees_pb2.RECEIPT_STATUS_VOIDED}
RECEIPT_TYPES = {
    "non_tax_receipt": fees_pb2.RECEIPT_TYPE_NON_TAX_RECEIPT,
    "tax_certificate": fees_pb2.RECEIPT_TYPE_TAX_CERTIFICATE,
}


# --- requests -------------------------------------------------------------------------------


def parse_day(text: str, field_name: str = "day") -> date | None:
    """A YYYY-MM-DD field; None when it is empty (the use case takes today)."""
    return validation.parse_day(text, field_name) if text else None


def parse_period(text: str, field_name: str = "period", *, month_only: bool = False) -> Period:
    """A day (YYYY-MM-DD) or a month (YYYY-MM) of reports."""
    text = text.strip()
    try:
        if len(text) == 7:
            first = date.fromisoformat(f"{text}-01")
            following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
            return Period(first, following - timedelta(days=1), text)
        if not month_only and len(text) == 10:
            day = date.fromisoformat(text)
            return Period(day, day, text)
    except ValueError:
        pass
    raise InvalidArgument(
        f"{field_name} is not a {'month' if month_only else 'day or month'}",
        [FieldViolation(field_name, "YYYY-MM" if month_only else "YYYY-MM-DD or YYYY-MM")],
    )


def payment_method(method: fees_pb2.PaymentMethod) -> str:
    """The method's name; empty for an unknown one (the payment then names the choices)."""
    return METHODS.get(method, "")


def notice_status(status: fees_pb2.NoticeStatus) -> str:
    """The status's name; empty (every status) when unspecified."""
    return NOTICE_STATUS_NAMES.get(status, "")


# --- standards --------------------------------------------------------------------------------


def standard_message(standard: FeeStandard) -> fees_pb2.FeeStandard:
    rule = rules.rule_from_row(standard)
    return fees_pb2.FeeStandard(
        code=standard.code,
        name=standard.name,
        department_code=standard.department_code,
        fee_type=FEE_TYPES[standard.fee_type],
        legal_basis=standard.legal_basis,
        fixed_amount_fen=standard.fixed_amount_fen,
        rate_basis_points=standard.rate_basis_points,
        effective_from=standard.effective_from.isoformat(),
        rule=RULES[standard.rule],
        unit_price_fen=standard.unit_price_fen,
        quantity_value=standard.quantity_value,
        base_value=standard.base_value,
        minimum_fen=standard.minimum_fen,
        maximum_fen=standard.maximum_fen,
        reduced_rates=[
            fees_pb2.ReducedRate(
                code=r.code,
                name=r.name,
                rate_basis_points=r.rate_basis_points,
                conditions=[_condition(c) for c in r.conditions],
            )
            for r in rule.reduced_rates
        ],
        value_ranges=[_condition(c) for c in rule.value_ranges],
    )


def _condition(condition: rules.Condition) -> fees_pb2.ValueCondition:
    message = fees_pb2.ValueCondition(value_name=condition.value_name)
    if condition.min is not None:
        message.min = condition.min
    if condition.max is not None:
        message.max = condition.max
    return message


def standard_input(message: fees_pb2.FeeStandard) -> StandardInput:
    try:
        effective_from = date.fromisoformat(message.effective_from)
    except ValueError:
        raise InvalidArgument(
            "effective_from is not a day", [FieldViolation("standard.effective_from", "YYYY-MM-DD")]
        ) from None
    return StandardInput(
        code=message.code,
        effective_from=effective_from,
        name=message.name,
        department_code=message.department_code,
        fee_type=FEE_TYPE_NAMES.get(message.fee_type, ""),
        legal_basis=message.legal_basis,
        rule=rules.Rule(
            kind=RULE_NAMES.get(message.rule, ""),
            fixed_amount_fen=message.fixed_amount_fen,
            unit_price_fen=message.unit_price_fen,
            quantity_value=message.quantity_value,
            rate_basis_points=message.rate_basis_points,
            base_value=message.base_value,
            minimum_fen=message.minimum_fen,
            maximum_fen=message.maximum_fen,
            reduced_rates=tuple(
                rules.ReducedRate(
                    code=r.code,
                    name=r.name,
                    rate_basis_points=r.rate_basis_points,
                    conditions=tuple(_condition_input(c) for c in r.conditions),
                )
                for r in message.reduced_rates
            ),
            value_ranges=tuple(_condition_input(c) for c in message.value_ranges),
        ),
    )


def _condition_input(message: fees_pb2.ValueCondition) -> rules.Condition:
    return rules.Condition(
        message.value_name,
        message.min if message.HasField("min") else None,
        message.max if message.HasField("max") else None,
    )


def standards_response(standards: list[FeeStandard]) -> fees_pb2.ListFeeStandardsResponse:
    return fees_pb2.ListFeeStandardsResponse(standards=[standard_message(s) for s in standards])


def import_response(created: int, unchanged: int) -> fees_pb2.ImportFeeStandardsResponse:
    return fees_pb2.ImportFeeStandardsResponse(created=created, unchanged=unchanged)


# --- notices ------------------------------------------------------------------------------------


def notice_message(session: Session, notice: PaymentNotice) -> fees_pb2.PaymentNotice:
    """A notice as it stands, with the number of the receipt it is paid with (a voided
    receipt's replacement, looked up: hence the session)."""
    return notice_message_with_receipt(notice, queries.current_receipt_number(session, notice))


def notice_message_with_receipt(notice: PaymentNotice, receipt_number: str) -> fees_pb2.PaymentNotice:
    """A notice with the receipt number already known ('' for an unpaid one)."""
    payment = notice.payment
    return fees_pb2.PaymentNotice(
        notice_number=notice.notice_number,
        case_number=notice.case_number,
        department_code=notice.department_code,
        fee_type=FEE_TYPES[notice.fee_type],
        status=NOTICE_STATUSES[notice.status],
        lines=[
            fees_pb2.NoticeLine(
                fee_item_code=line.fee_item_code,
                fee_item_name=line.fee_item_name,
                standard_effective_from=line.standard_effective_from.isoformat(),
                basis=line.basis,
                assessed_fen=line.assessed_fen,
                reduced_fen=line.reduced_fen,
                due_fen=line.due_fen,
                refunded_fen=line.refunded_fen,
            )
            for line in notice.lines
        ],
        total_assessed_fen=notice.total_assessed_fen,
        total_due_fen=notice.total_due_fen,
        total_paid_fen=payment.amount_fen if payment is not None else 0,
        total_refunded_fen=notice.total_refunded_fen,
        assessed_on=notice.assessed_on.isoformat(),
        due_date=notice.due_date.isoformat(),
        issued_at=to_timestamp(notice.issued_at),
        receipt_number=receipt_number,
        adjustments=[
            fees_pb2.Adjustment(
                kind=a.kind,
                fee_item_code=a.fee_item_code,
                amount_fen=a.amount_fen,
                reason=a.reason,
                approver_staff_id=a.approver_staff_id,
                at=to_timestamp(a.at),
            )
            for a in notice.adjustments
        ],
        service_item_code=notice.case.service_item_code,
    )


def notices_response(session: Session, notices: list[PaymentNotice]) -> fees_pb2.ListPaymentNoticesResponse:
    return fees_pb2.ListPaymentNoticesResponse(notices=[notice_message(session, n) for n in notices])


def assess_response(case: FeeCase, notices: list[PaymentNotice]) -> fees_pb2.AssessFeesResponse:
    # Notices just issued are unpaid: no receipt number to look up.
    return fees_pb2.AssessFeesResponse(
        notices=[notice_message_with_receipt(n, "") for n in notices], settled=case.settled_at is not None
    )


# --- collection -----------------------------------------------------------------------------------


def payment_result(outcome: PaymentOutcome) -> fees_pb2.PaymentResult:
    return fees_pb2.PaymentResult(
        payment_id=outcome.payment.id,
        notice=notice_message_with_receipt(outcome.notice, outcome.receipt.receipt_number),
        receipt=receipt_message(outcome.receipt),
        case_settled=outcome.case_settled,
        replayed=outcome.replayed,
    )


def refund_result(session: Session, outcome: RefundOutcome) -> fees_pb2.RefundResult:
    return fees_pb2.RefundResult(
        refund_id=outcome.refund.id,
        red_letter_receipt=receipt_message(outcome.red_letter),
        notice=notice_message(session, outcome.notice),
        replayed=outcome.replayed,
    )


def void_receipt_response(voided: Receipt, replacement: Receipt) -> fees_pb2.VoidReceiptResponse:
    return fees_pb2.VoidReceiptResponse(voided=receipt_message(voided), replacement=receipt_message(replacement))


def receipt_message(receipt: Receipt) -> fees_pb2.Receipt:
    return fees_pb2.Receipt(
        receipt_number=receipt.receipt_number,
        kind=RECEIPT_KINDS[receipt.kind],
        status=RECEIPT_STATUSES[receipt.status],
        notice_number=receipt.notice_number,
        case_number=receipt.case_number,
        department_code=receipt.department_code,
        fee_type=FEE_TYPES[receipt.fee_type],
        payer_name=receipt.payer_name,
        lines=[
            fees_pb2.ReceiptLine(
                fee_item_code=line.fee_item_code, fee_item_name=line.fee_item_name, amount_fen=line.amount_fen
            )
            for line in receipt.lines
        ],
        total_fen=receipt.total_fen,
        cashier_staff_id=receipt.cashier_staff_id,
        issued_at=to_timestamp(receipt.issued_at),
        day=receipt.day.isoformat(),
        related_receipt_number=receipt.related_receipt_number,
        void_reason=receipt.void_reason,
        receipt_type=RECEIPT_TYPES[receipt.receipt_type],
    )


# --- day close and reports ------------------------------------------------------------------------


def day_close_message(till: CashierDay, already_closed: bool) -> fees_pb2.DayClose:
    assert till.closed_at is not None, "a till is shown once it is closed"
    summary = till.summary or {}
    return fees_pb2.DayClose(
        day=till.day.isoformat(),
        cashier_staff_id=till.cashier_staff_id,
        closed_at=to_timestamp(till.closed_at),
        closed_by=till.closed_by,
        totals=[
            fees_pb2.DayTotal(
                day=t["day"],
                department_code=t["department_code"],
                fee_type=FEE_TYPES[t["fee_type"]],
                payments_fen=t["payments_fen"],
                refunds_fen=t["refunds_fen"],
                payment_count=t["payment_count"],
                refund_count=t["refund_count"],
                receipt_type=RECEIPT_TYPES[t["receipt_type"]],
            )
            for t in reporting.closed_totals(till)
        ],
        net_by_method_fen=summary.get("net_by_method_fen", {}),
        already_closed=already_closed,
        receipts=[
            fees_pb2.DayReceiptTypeTotal(
                receipt_type=RECEIPT_TYPES[r["receipt_type"]],
                payments_fen=r["payments_fen"],
                refunds_fen=r["refunds_fen"],
                net_by_method_fen=r["net_by_method_fen"],
                receipts_issued=r["receipts_issued"],
                receipts_voided=r["receipts_voided"],
                first_receipt_number=r["first_receipt_number"],
                last_receipt_number=r["last_receipt_number"],
            )
            for r in summary.get("receipt_types", [])
        ],
    )


def reconciliation_row(row: Reconciliation) -> fees_pb2.ReconciliationRow:
    return fees_pb2.ReconciliationRow(
        day=row.day.isoformat(),
        department_code=row.department_code,
        fee_type=FEE_TYPES[row.fee_type],
        receipts_fen=row.receipts_fen,
        payments_fen=row.payments_fen,
        refunds_fen=row.refunds_fen,
        difference_fen=row.difference_fen,
        receipt_type=RECEIPT_TYPES[row.receipt_type],
    )


def reconcile_response(report: ReconciliationReport) -> fees_pb2.ReconcileResponse:
    return fees_pb2.ReconcileResponse(
        rows=[reconciliation_row(r) for r in report.rows],
        balanced=report.balanced,
        missing_receipt_numbers=report.missing_receipt_numbers,
        receipt_types=[
            fees_pb2.ReceiptTypeReconciliation(
                receipt_type=RECEIPT_TYPES[t.receipt_type],
                receipts_fen=t.receipts_fen,
                payments_fen=t.payments_fen,
                refunds_fen=t.refunds_fen,
                difference_fen=t.difference_fen,
                missing_receipt_numbers=t.missing_receipt_numbers,
            )
            for t in report.receipt_types
        ],
    )


def ledger_export_response(export: LedgerExport) -> fees_pb2.ExportLedgerResponse:
    return fees_pb2.ExportLedgerResponse(filename=export.filename, csv=export.csv)


def revenue_summary_message(summary: RevenueSummary) -> fees_pb2.RevenueSummary:
    return fees_pb2.RevenueSummary(
        month=summary.month,
        rows=[
            fees_pb2.RevenueRow(
                department_code=r.department_code,
                fee_type=FEE_TYPES[r.fee_type],
                collected_fen=r.collected_fen,
                refunded_fen=r.refunded_fen,
                net_fen=r.net_fen,
            )
            for r in summary.rows
        ],
        non_tax_revenue_fen=summary.non_tax_revenue_fen,
        deed_tax_fen=summary.deed_tax_fen,
    )
