"""Fees (收费): standards, payment notices, the cashier, day close and reports.

Every route forwards the caller's identity headers (X-Staff-Id, X-Department, X-Roles,
X-Query-Code) to the fees service as gRPC metadata; the service decides what the caller may
do. Payments and refunds need an `Idempotency-Key` header: a retry with the same key and
body gets the first answer again (200 instead of 201), the same key with another body 409.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Response, status

from gateway import fee_schemas as s
from gateway.dependencies import CallerMetadata, Clients
from servicehall.fees.v1 import fees_pb2

router = APIRouter(prefix="/api/v1", tags=["fees"])

CaseNumber = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9-]+$")]
NoticeNumber = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9-]+$")]
ReceiptNumber = Annotated[str, Path(min_length=1, max_length=20, pattern=r"^[0-9-]+$")]
IdempotencyKey = Annotated[str, Header(alias="Idempotency-Key", min_length=1, max_length=100)]
Period = Annotated[str, Query(pattern=r"^\d{4}-\d{2}(-\d{2})?$", description="YYYY-MM-DD or YYYY-MM")]




# --- standards ---------------------------------------------------------------------------


@router.get("/fees/standards", response_model=s.FeeStandardList)
async def list_standards(clients: Clients, department_code: str = "", on: Annotated[str, Query(pattern=r"^(\d{4}-\d{2}-\d{2})?$")] = "",
                         all_versions: bool = False) -> s.FeeStandardList:
    """The standards in force on a day (today by default), or every version."""
    answer = await clients.fees.ListFeeStandards(
        fees_pb2.ListFeeStandardsRequest(department_code=department_code, on=on, all_versions=all_versions),
        timeout=clients.timeout,
    )
    return s.FeeStandardList(standards=[s.standard_out(x) for x in answer.standards])


@router.post("/fees/standards", status_code=status.HTTP_201_CREATED, response_model=s.FeeStandardModel)
async def create_standard(body: s.FeeStandardModel, clients: Clients, caller: CallerMetadata) -> s.FeeStandardModel:
    """A new version of a standard (manager)."""
    created = await clients.fees.CreateFeeStandard(
        fees_pb2.CreateFeeStandardRequest(standard=s.standard_in(body)), metadata=caller, timeout=clients.timeout
    )
    return s.standard_out(created)


@router.post("/fees/standards/import", response_model=s.StandardsImported)
async def import_standards(body: s.StandardsImport, clients: Clients, caller: CallerMetadata) -> s.StandardsImported:
    """Import versions from a YAML document, all or nothing (manager)."""
    answer = await clients.fees.ImportFeeStandards(
        fees_pb2.ImportFeeStandardsRequest(yaml_document=body.yaml_document), metadata=caller, timeout=clients.timeout
    )
    return s.StandardsImported(created=answer.created, unchanged=answer.unchanged)


# --- notices -------------------------------------------------------------------------------


@router.get("/cases/{case_number}/payment-notices", response_model=s.NoticeList)
async def case_notices(case_number: CaseNumber, clients: Clients, caller: CallerMetadata) -> s.NoticeList:
    """A case's payment notices: for the applicant (X-Query-Code) or staff."""
    answer = await clients.fees.ListPaymentNotices(
        fees_pb2.ListPaymentNoticesRequest(case_number=case_number), metadata=caller, timeout=clients.timeout
    )
    return s.NoticeList(notices=[s.notice_out(n) for n in answer.notices])


@router.post("/cases/{case_number}/assessment", response_model=s.AssessmentOut)
async def assess(case_number: CaseNumber, body: s.AssessmentIn, clients: Clients, caller: CallerMetadata) -> s.AssessmentOut:
    """Assess what is left of an accepted case (window staff of its department)."""
    answer = await clients.fees.AssessFees(
        fees_pb2.AssessFeesRequest(case_number=case_number, declared_values=body.declared_values,
                                   fee_item_codes=body.fee_item_codes),
        metadata=caller, timeout=clients.timeout,
    )
    return s.AssessmentOut(notices=[s.notice_out(n) for n in answer.notices], settled=answer.settled)


@router.get("/fees/notices", response_model=s.NoticeList)
async def list_notices(clients: Clients, caller: CallerMetadata, department_code: str = "",
                       status_: Annotated[str, Query(alias="status", pattern=r"^(unpaid|paid|waived|voided)?$")] = "") -> s.NoticeList:
    answer = await clients.fees.ListPaymentNotices(
        fees_pb2.ListPaymentNoticesRequest(department_code=department_code, status=s.NOTICE_STATUSES.get(status_, 0)),
        metadata=caller, timeout=clients.timeout,
    )
    return s.NoticeList(notices=[s.notice_out(n) for n in answer.notices])


@router.get("/fees/notices/{notice_number}", response_model=s.NoticeOut)
async def get_notice(notice_number: NoticeNumber, clients: Clients, caller: CallerMetadata) -> s.NoticeOut:
    notice = await clients.fees.GetPaymentNotice(
        fees_pb2.GetPaymentNoticeRequest(notice_number=notice_number), metadata=caller, timeout=clients.timeout
    )
    return s.notice_out(notice)


@router.post("/fees/notices/{notice_number}/reductions", response_model=s.NoticeOut)
async def reduce_fee(notice_number: NoticeNumber, body: s.ReductionIn, clients: Clients, caller: CallerMetadata) -> s.NoticeOut:
    """Reduce a line of an unpaid notice (approver, with a reason)."""
    notice = await clients.fees.ReduceFee(
        fees_pb2.ReduceFeeRequest(notice_number=notice_number, fee_item_code=body.fee_item_code,
                                  amount_fen=body.amount_fen, reason=body.reason),
        metadata=caller, timeout=clients.timeout,
    )
    return s.notice_out(notice)


@router.post("/fees/notices/{notice_number}/waiver", response_model=s.NoticeOut)
async def waive_notice(notice_number: NoticeNumber, body: s.ReasonIn, clients: Clients, caller: CallerMetadata) -> s.NoticeOut:
    notice = await clients.fees.WaivePaymentNotice(
        fees_pb2.WaivePaymentNoticeRequest(notice_number=notice_number, reason=body.reason),
        metadata=caller, timeout=clients.timeout,
    )
    return s.notice_out(notice)


@router.post("/fees/notices/{notice_number}/void", response_model=s.NoticeOut)
async def void_notice(notice_number: NoticeNumber, body: s.ReasonIn, clients: Clients, caller: CallerMetadata) -> s.NoticeOut:
    notice = await clients.fees.VoidPaymentNotice(
        fees_pb2.VoidPaymentNoticeRequest(notice_number=notice_number, reason=body.reason),
        metadata=caller, timeout=clients.timeout,
    )
    return s.notice_out(notice)


# --- the cashier -----------------------------------------------------------------------------


@router.post("/fees/notices/{notice_number}/payments", status_code=status.HTTP_201_CREATED, response_model=s.PaymentOut)
async def record_payment(notice_number: NoticeNumber, body: s.PaymentIn, idempotency_key: IdempotencyKey,
                         clients: Clients, caller: CallerMetadata, response: Response) -> s.PaymentOut:
    """Pay a notice in full at the cashier; the answer carries the receipt."""
    answer = await clients.fees.RecordPayment(
        fees_pb2.RecordPaymentRequest(notice_number=notice_number, method=s.METHODS[body.method],
                                      expected_amount_fen=body.expected_amount_fen, reference=body.reference,
                                      idempotency_key=idempotency_key),
        metadata=caller, timeout=clients.timeout,
    )
    if answer.replayed:
        response.status_code = status.HTTP_200_OK
    response.headers["Location"] = f"/api/v1/fees/receipts/{answer.receipt.receipt_number}"
    return s.PaymentOut(payment_id=answer.payment_id, notice=s.notice_out(answer.notice),
                        receipt=s.receipt_out(answer.receipt), case_settled=answer.case_settled, replayed=answer.replayed)


@router.get("/fees/receipts/{receipt_number}", response_model=s.ReceiptOut)
async def get_receipt(receipt_number: ReceiptNumber, clients: Clients, caller: CallerMetadata) -> s.ReceiptOut:
    receipt = await clients.fees.GetReceipt(
        fees_pb2.GetReceiptRequest(receipt_number=receipt_number), metadata=caller, timeout=clients.timeout
    )
    return s.receipt_out(receipt)


@router.post("/fees/receipts/{receipt_number}/refunds", status_code=status.HTTP_201_CREATED, response_model=s.RefundOut)
async def record_refund(receipt_number: ReceiptNumber, body: s.RefundIn, idempotency_key: IdempotencyKey,
                        clients: Clients, caller: CallerMetadata, response: Response) -> s.RefundOut:
    """Refund part or all of a payment (approver); a red-letter receipt is issued."""
    answer = await clients.fees.RecordRefund(
        fees_pb2.RecordRefundRequest(receipt_number=receipt_number, fee_item_code=body.fee_item_code,
                                     amount_fen=body.amount_fen, reason=body.reason, idempotency_key=idempotency_key,
                                     cashier_staff_id=body.cashier_staff_id),
        metadata=caller, timeout=clients.timeout,
    )
    if answer.replayed:
        response.status_code = status.HTTP_200_OK
    return s.RefundOut(refund_id=answer.refund_id, red_letter_receipt=s.receipt_out(answer.red_letter_receipt),
                       notice=s.notice_out(answer.notice), replayed=answer.replayed)


@router.post("/fees/receipts/{receipt_number}/void", response_model=s.VoidOut)
async def void_receipt(receipt_number: ReceiptNumber, body: s.ReasonIn, clients: Clients, caller: CallerMetadata) -> s.VoidOut:
    """Void today's receipt and issue its replacement (approver)."""
    answer = await clients.fees.VoidReceipt(
        fees_pb2.VoidReceiptRequest(receipt_number=receipt_number, reason=body.reason),
        metadata=caller, timeout=clients.timeout,
    )
    return s.VoidOut(voided=s.receipt_out(answer.voided), replacement=s.receipt_out(answer.replacement))


# --- day close and reports ---------------------------------------------------------------------


@router.post("/fees/day-closes", response_model=s.DayCloseOut)
async def close_day(body: s.DayCloseIn, clients: Clients, caller: CallerMetadata) -> s.DayCloseOut:
    """Close a cashier's till for a day (the caller's own, today, by default)."""
    answer = await clients.fees.CloseDay(
        fees_pb2.CloseDayRequest(day=body.day, cashier_staff_id=body.cashier_staff_id),
        metadata=caller, timeout=clients.timeout,
    )
    return s.day_close_out(answer)


@router.get("/fees/reconciliation", response_model=s.ReconciliationOut)
async def reconcile(period: Period, clients: Clients, caller: CallerMetadata, department_code: str = "") -> s.ReconciliationOut:
    """receipts = payments - refunds per day, department and fee type."""
    answer = await clients.fees.Reconcile(
        fees_pb2.ReconcileRequest(period=period, department_code=department_code), metadata=caller,
        timeout=clients.timeout,
    )
    return s.reconciliation_out(answer)


@router.get("/fees/ledger.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
async def export_ledger(period: Period, clients: Clients, caller: CallerMetadata, department_code: str = "") -> Response:
    """Every receipt line of a day or a month as CSV."""
    answer = await clients.fees.ExportLedger(
        fees_pb2.ExportLedgerRequest(period=period, department_code=department_code), metadata=caller,
        timeout=clients.timeout,
    )
    return Response(
        content=answer.csv.encode("utf-8"), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{answer.filename}"'},
    )


@router.get("/fees/revenue", response_model=s.RevenueOut)
async def revenue(month: Annotated[str, Query(pattern=r"^\d{4}-\d{2}$")], clients: Clients, caller: CallerMetadata,
                  department_code: str = "") -> s.RevenueOut:
    """A month's non-tax revenue and deed tax, net of refunds."""
    answer = await clients.fees.GetRevenueSummary(
        fees_pb2.GetRevenueSummaryRequest(month=month, department_code=department_code), metadata=caller,
        timeout=clients.timeout,
    )
    return s.revenue_out(answer)
