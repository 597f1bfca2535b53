"""Day close, reconciliation, CSV export and the monthly revenue summary.

The reconciliation invariant, per day, department, fee type and receipt type:

    sum of valid receipts (red-letter ones negative) = payments - refunds

Receipts, payments and refunds are separate rows written together; the check reads them
independently, so a lost receipt, a stray payment or a voided receipt without its
replacement shows up as a difference.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.fees import audit, ledger, queries
from services.fees.models import (
    ADMINISTRATIVE,
    DEED_TAX,
    RECEIPT_TYPE_OF_FEE_TYPE,
    RECEIPT_TYPES,
    CashierDay,
    Payment,
    Receipt,
    ReceiptLine,
    Refund,
)
from services.fees.rules import yuan
from shared import clock
from shared.errors import FailedPrecondition
from shared.timeutil import shanghai_time

Key = tuple[date, str, str, str]  # day, department, fee type, receipt type


@dataclass(frozen=True)
class Period:
    first: date
    last: date
    label: str

    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]


# --- day close -------------------------------------------------------------------------


def close_day(session: Session, *, day: date, cashier_staff_id: str, closed_by: str) -> tuple[CashierDay, bool]:
    """Close a cashier's till for a day: its totals by department and fee type are fixed and
    nothing more is booked to it. Closing again returns the first close (already_closed)."""
    if day > clock.today(session):
        raise FailedPrecondition(f"{day} has not come yet: a day is closed on or after it")
    till = ledger.lock_till(session, day=day, cashier_staff_id=cashier_staff_id)
    if till.closed_at is not None:
        return till, True
    totals, by_method, by_type = till_totals(session, day=day, cashier_staff_id=cashier_staff_id)
    now = clock.now(session)
    till.closed_at, till.closed_by = now, closed_by
    till.summary = {"totals": totals, "net_by_method_fen": by_method, "receipt_types": by_type}
    audit.record(
        session, actor=closed_by, action="close_day", subject=f"{cashier_staff_id}@{day}", at=now, details=till.summary
    )
    session.flush()
    return till, False


def till_totals(
    session: Session, *, day: date, cashier_staff_id: str
) -> tuple[list[dict[str, Any]], dict[str, int], list[dict[str, Any]]]:
    """A till's day by department and fee type (amounts and counts), the net by method, and
    the same by receipt type (tax payment certificates and non-tax revenue receipts are
    handed over apart) with the receipts of each type the till issued."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    types: dict[str, dict[str, Any]] = {}

    def row(department: str, fee_type: str) -> dict[str, Any]:
        return rows.setdefault(
            (department, fee_type),
            {
                "day": day.isoformat(),
                "department_code": department,
                "fee_type": fee_type,
                "receipt_type": RECEIPT_TYPE_OF_FEE_TYPE[fee_type],
                "payments_fen": 0,
                "refunds_fen": 0,
                "payment_count": 0,
                "refund_count": 0,
            },
        )

    def of_type(receipt_type: str) -> dict[str, Any]:
        return types.setdefault(
            receipt_type,
            {
                "receipt_type": receipt_type,
                "payments_fen": 0,
                "refunds_fen": 0,
                "net_by_method_fen": {},
                "receipts_issued": 0,
                "receipts_voided": 0,
                "first_receipt_number": "",
                "last_receipt_number": "",
            },
        )

    by_method: dict[str, int] = defaultdict(int)
    for model, amount_key, count_key, sign in (
        (Payment, "payments_fen", "payment_count", 1),
        (Refund, "refunds_fen", "refund_count", -1),
    ):
        query = (
            sa.select(
                model.department_code, model.fee_type, model.method, sa.func.sum(model.amount_fen), sa.func.count()
            )
            .where(model.day == day, model.cashier_staff_id == cashier_staff_id)
            .group_by(model.department_code, model.fee_type, model.method)
        )
        for department, fee_type, method, amount, count in session.execute(query):
            target = row(department, fee_type)
            target[amount_key] += int(amount)
            target[count_key] += int(count)
            by_method[method] += sign * int(amount)
            kind = of_type(RECEIPT_TYPE_OF_FEE_TYPE[fee_type])
            kind[amount_key] += int(amount)
            kind["net_by_method_fen"][method] = kind["net_by_method_fen"].get(method, 0) + sign * int(amount)
    receipts = sa.select(Receipt.receipt_type, Receipt.receipt_number, Receipt.status).where(
        Receipt.day == day, Receipt.cashier_staff_id == cashier_staff_id
    )
    for receipt_type, number, status in session.execute(receipts.order_by(Receipt.id)):
        kind = of_type(receipt_type)
        kind["receipts_issued"] += 1
        kind["receipts_voided"] += status == "voided"
        kind["first_receipt_number"] = kind["first_receipt_number"] or number
        kind["last_receipt_number"] = number
    for kind in types.values():
        kind["net_by_method_fen"] = dict(sorted(kind["net_by_method_fen"].items()))
    return [rows[k] for k in sorted(rows)], dict(sorted(by_method.items())), [types[k] for k in sorted(types)]


def closed_totals(till: CashierDay) -> list[dict[str, Any]]:
    """The totals of a close as recorded; a close made before the receipt types gets each
    row's type from its fee type (the types were never mixed)."""
    return [
        {**t, "receipt_type": t.get("receipt_type") or RECEIPT_TYPE_OF_FEE_TYPE[t["fee_type"]]}
        for t in (till.summary or {}).get("totals", [])
    ]


# --- reconciliation ----------------------------------------------------------------------


@dataclass
class Reconciliation:
    day: date
    department_code: str
    fee_type: str
    receipt_type: str
    receipts_fen: int = 0
    payments_fen: int = 0
    refunds_fen: int = 0

    @property
    def difference_fen(self) -> int:
        return self.receipts_fen - (self.payments_fen - self.refunds_fen)


@dataclass
class ReceiptTypeReconciliation:
    """The period's rows of one receipt type, summed, and the numbers missing from its series."""

    receipt_type: str
    receipts_fen: int = 0
    payments_fen: int = 0
    refunds_fen: int = 0
    missing_receipt_numbers: list[str] = field(default_factory=list)

    @property
    def difference_fen(self) -> int:
        return self.receipts_fen - (self.payments_fen - self.refunds_fen)


@dataclass(frozen=True)
class ReconciliationReport:
    rows: list[Reconciliation]
    missing_receipt_numbers: list[str]
    receipt_types: list[ReceiptTypeReconciliation] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        """Every row without a difference and no receipt number missing."""
        return all(r.difference_fen == 0 for r in self.rows) and not self.missing_receipt_numbers


def reconciliation_report(session: Session, *, period: Period, department_code: str = "") -> ReconciliationReport:
    """The reconciliation with its sums per receipt type (both types, always)."""
    rows, missing = reconcile(session, period=period, department_code=department_code)
    types = {receipt_type: ReceiptTypeReconciliation(receipt_type) for receipt_type in RECEIPT_TYPES}
    for row in rows:
        kind = types[row.receipt_type]
        kind.receipts_fen += row.receipts_fen
        kind.payments_fen += row.payments_fen
        kind.refunds_fen += row.refunds_fen
    for number in missing:
        receipt_type = ledger.receipt_type_of_number(number)
        if receipt_type:  # a number of the former shared sequence belongs to neither
            types[receipt_type].missing_receipt_numbers.append(number)
    return ReconciliationReport(rows=rows, missing_receipt_numbers=missing, receipt_types=list(types.values()))


def reconcile(session: Session, *, period: Period, department_code: str = "") -> tuple[list[Reconciliation], list[str]]:
    """Rows per day, department, fee type and receipt type (a payment or refund counts for the
    receipt type of its fee type, a receipt for its own: a receipt of the wrong type shows),
    and the numbers missing from every series of the years touched."""
    rows: dict[Key, Reconciliation] = {}

    def add(key: Key, attribute: str, amount: int) -> None:
        target = rows.setdefault(key, Reconciliation(*key))
        setattr(target, attribute, getattr(target, attribute) + int(amount))

    receipts = (
        sa.select(
            Receipt.day,
            Receipt.department_code,
            Receipt.fee_type,
            Receipt.receipt_type,
            sa.func.sum(ReceiptLine.amount_fen),
        )
        .join(ReceiptLine, ReceiptLine.receipt_id == Receipt.id)
        .where(Receipt.status == "valid", Receipt.day.between(period.first, period.last))
        .group_by(Receipt.day, Receipt.department_code, Receipt.fee_type, Receipt.receipt_type)
    )
    if department_code:
        receipts = receipts.where(Receipt.department_code == department_code)
    for day, department, fee_type, receipt_type, amount in session.execute(receipts):
        add((day, department, fee_type, receipt_type), "receipts_fen", amount)
    for model, attribute in ((Payment, "payments_fen"), (Refund, "refunds_fen")):
        query = (
            sa.select(model.day, model.department_code, model.fee_type, sa.func.sum(model.amount_fen))
            .where(model.day.between(period.first, period.last))
            .group_by(model.day, model.department_code, model.fee_type)
        )
        if department_code:
            query = query.where(model.department_code == department_code)
        for day, department, fee_type, amount in session.execute(query):
            add((day, department, fee_type, RECEIPT_TYPE_OF_FEE_TYPE[fee_type]), attribute, amount)
    missing: list[str] = []
    for series, serials in queries.receipt_serials(session, range(period.first.year, period.last.year + 1)).items():
        missing += [ledger.receipt_number(series, n) for n in ledger.missing_serials(serials)]
    return [rows[k] for k in sorted(rows)], missing


# --- export and summary ---------------------------------------------------------------------

CSV_COLUMNS = (
    "receipt_number",
    "kind",
    "status",
    "day",
    "issued_at",
    "cashier_staff_id",
    "department_code",
    "fee_type",
    "case_number",
    "notice_number",
    "fee_item_code",
    "fee_item_name",
    "amount_fen",
    "amount_yuan",
    "related_receipt_number",
    "receipt_type",
)


@dataclass(frozen=True)
class LedgerExport:
    filename: str
    csv: str


def export_ledger(session: Session, *, period: Period, department_code: str = "") -> LedgerExport:
    """The CSV of a period as a file, named after the period and the department."""
    suffix = f"-{department_code}" if department_code else ""
    return LedgerExport(
        filename=f"fees-{period.label}{suffix}.csv",
        csv=export_csv(session, period=period, department_code=department_code),
    )


def export_csv(session: Session, *, period: Period, department_code: str = "") -> str:
    """Every receipt line of the period (voided receipts too, marked, so the numbering can
    be checked), in receipt-number order."""
    query = (
        sa.select(Receipt, ReceiptLine)
        .join(ReceiptLine, ReceiptLine.receipt_id == Receipt.id)
        .where(Receipt.day.between(period.first, period.last))
        .order_by(Receipt.year, Receipt.serial, ReceiptLine.id)
    )
    if department_code:
        query = query.where(Receipt.department_code == department_code)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for receipt, line in session.execute(query):
        writer.writerow(
            [
                receipt.receipt_number,
                receipt.kind,
                receipt.status,
                receipt.day.isoformat(),
                shanghai_time(receipt.issued_at).isoformat(timespec="seconds"),
                receipt.cashier_staff_id,
                receipt.department_code,
                receipt.fee_type,
                receipt.case_number,
                receipt.notice_number,
                line.fee_item_code,
                _cell(line.fee_item_name),
                line.amount_fen,
                yuan(line.amount_fen).replace(",", ""),
                receipt.related_receipt_number,
                receipt.receipt_type,
            ]
        )
    return out.getvalue()


def _cell(text: str) -> str:
    """Keep a spreadsheet from reading a cell as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


@dataclass
class RevenueRow:
    department_code: str
    fee_type: str
    collected_fen: int = 0
    refunded_fen: int = 0

    @property
    def net_fen(self) -> int:
        return self.collected_fen - self.refunded_fen


@dataclass(frozen=True)
class RevenueSummary:
    month: str
    rows: list[RevenueRow]
    non_tax_revenue_fen: int
    deed_tax_fen: int


def revenue_summary(session: Session, *, period: Period, department_code: str = "") -> RevenueSummary:
    """Collected and refunded per department and fee type; net non-tax revenue and deed tax."""
    rows: dict[tuple[str, str], RevenueRow] = {}
    for model, attribute in ((Payment, "collected_fen"), (Refund, "refunded_fen")):
        query = (
            sa.select(model.department_code, model.fee_type, sa.func.sum(model.amount_fen))
            .where(model.day.between(period.first, period.last))
            .group_by(model.department_code, model.fee_type)
        )
        if department_code:
            query = query.where(model.department_code == department_code)
        for department, fee_type, amount in session.execute(query):
            target = rows.setdefault((department, fee_type), RevenueRow(department, fee_type))
            setattr(target, attribute, getattr(target, attribute) + int(amount))
    ordered = [rows[k] for k in sorted(rows)]
    non_tax = sum(r.net_fen for r in ordered if r.fee_type == ADMINISTRATIVE)
    deed_tax = sum(r.net_fen for r in ordered if r.fee_type == DEED_TAX)
    return RevenueSummary(month=period.label, rows=ordered, non_tax_revenue_fen=non_tax, deed_tax_fen=deed_tax)
