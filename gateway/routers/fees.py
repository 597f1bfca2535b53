"""Fees (收费): standards, payment notices, the cashier, day close and reports.

Every route but the public list of standards forwards the caller's identity headers
(X-Staff-Id, X-Department, X-Roles, X-Query-Code) to the fees service as gRPC metadata; the
service decides what the caller may do. Payments and refunds need an `Idempotency-Key`
header (gateway/idempotency.py, which the other creating POSTs share): a retry with the same
key and body gets the stored answer again; the key also goes down to the fees service, which
deduplicates by it in its own database, so a retry after a 504 pays once.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Response, status

from gateway.dependencies import Call, Clients, PublicCall, StaffCall
from gateway.idempotency import IdempotencyKey, KeyPassedDown
from gateway.routing import DepartmentCode, GatewayRoute
from gateway.schemas.fees import (
    METHODS,
    NOTICE_STATUSES,
    AssessmentIn,
    AssessmentOut,
    DayCloseIn,
    DayCloseOut,
    FeeStandardList,
    FeeStandardModel,
    NoticeList,
    NoticeOut,
    PaymentIn,
    PaymentOut,
    ReasonIn,
    ReceiptOut,
    ReconciliationOut,
    ReductionIn,
    RefundIn,
    RefundOut,
    RevenueOut,
    StandardsImport,
    StandardsImported,
    VoidOut,
    assessment_out,
    day_close_out,
    notice_list_out,
    notice_out,
    payment_out,
    receipt_out,
    reconciliation_out,
    refund_out,
    revenue_out,
    standard_in,
    standard_list_out,
    standard_out,
    standards_imported_out,
    void_out,
)
from servicehall.fees.v1 import fees_pb2

router = APIRouter(prefix="/api/v1", tags=["fees"], route_class=GatewayRoute)

CaseNumber = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9-]+$")]
NoticeNumber = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9-]+$")]
# NTR-2026-00000042 / TAX-2026-00000007 (by receipt type), or 2026-00000042 from before the types.
ReceiptNumber = Annotated[str, Path(min_length=1, max_length=20, pattern=r"^([A-Z]{3}-)?\d{4}-\d{8}$")]
Period = Annotated[str, Query(pattern=r"^\d{4}-\d{2}(-\d{2})?$", max_length=10, description="YYYY-MM-DD or YYYY-MM")]


def attachment(filename: str) -> str:
    """Content-Disposition of a download. A header is latin-1 and the name may not be (it names
    the department asked for): then an ASCII name for old clients and the UTF-8 one (RFC 6266)."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in filename)
    if fallback == filename:
        return f'attachment; filename="{filename}"'
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


# --- standards ---------------------------------------------------------------------------


@router.get("/fees/standards", response_model=FeeStandardList)
async def list_standards(
    clients: Clients,
    call: PublicCall,
    department_code: DepartmentCode = "",
    on: Annotated[str, Query(pattern=r"^(\d{4}-\d{2}-\d{2})?$", max_length=10)] = "",
    all_versions: bool = False,
) -> FeeStandardList:
    """The standards in force on a day (today by default), or every version."""
    return standard_list_out(
        await call(
            clients.fees.ListFeeStandards,
            fees_pb2.ListFeeStandardsRequest(
                department_code=department_code,
                on=on,
                all_versions=all_versions,
            ),
        )
    )


@router.post("/fees/standards", status_code=status.HTTP_201_CREATED, response_model=FeeStandardModel)
async def create_standard(
    body: FeeStandardModel, clients: Clients, call: StaffCall, _key: IdempotencyKey
) -> FeeStandardModel:
    """A new version of a standard (manager)."""
    return standard_out(
        await call(clients.fees.CreateFeeStandard, fees_pb2.CreateFeeStandardRequest(standard=standard_in(body)))
    )


@router.post("/fees/standards/import", response_model=StandardsImported)
async def import_standards(
    body: StandardsImport, clients: Clients, call: StaffCall, _key: IdempotencyKey
) -> StandardsImported:
    """Import versions from a YAML document, all or nothing (manager)."""
    return standards_imported_out(
        await call(
            clients.fees.ImportFeeStandards, fees_pb2.ImportFeeStandardsRequest(yaml_document=body.yaml_document)
        )
    )


# --- notices -------------------------------------------------------------------------------


@router.get("/cases/{case_number}/payment-notices", response_model=NoticeList)
async def case_notices(case_number: CaseNumber, clients: Clients, call: Call) -> NoticeList:
    """A case's payment notices: for the applicant (X-Query-Code) or staff."""
    return notice_list_out(
        await call(clients.fees.ListPaymentNotices, fees_pb2.ListPaymentNoticesRequest(case_number=case_number))
    )


@router.post("/cases/{case_number}/assessment", response_model=AssessmentOut)
async def assess(
    case_number: CaseNumber, body: AssessmentIn, clients: Clients, call: StaffCall, _key: IdempotencyKey
) -> AssessmentOut:
    """Assess what is left of an accepted case (window staff of its department)."""
    return assessment_out(
        await call(
            clients.fees.AssessFees,
            fees_pb2.AssessFeesRequest(
                case_number=case_number,
                declared_values=body.declared_values,
                fee_item_codes=body.fee_item_codes,
            ),
        )
    )


@router.get("/fees/notices", response_model=NoticeList)
async def list_notices(
    clients: Clients,
    call: StaffCall,
    department_code: DepartmentCode = "",
    status_: Annotated[str, Query(alias="status", pattern=r"^(unpaid|paid|waived|voided)?$", max_length=7)] = "",
) -> NoticeList:
    # An empty status is UNSPECIFIED (0): every status.
    status_code = NOTICE_STATUSES.get(status_, fees_pb2.NOTICE_STATUS_UNSPECIFIED)
    return notice_list_out(
        await call(
            clients.fees.ListPaymentNotices,
            fees_pb2.ListPaymentNoticesRequest(
                department_code=department_code,
                status=status_code,
            ),
        )
    )


@router.get("/fees/notices/{notice_number}", response_model=NoticeOut)
async def get_notice(notice_number: NoticeNumber, clients: Clients, call: Call) -> NoticeOut:
    return notice_out(
        await call(clients.fees.GetPaymentNotice, fees_pb2.GetPaymentNoticeRequest(notice_number=notice_number))
    )


@router.post("/fees/notices/{notice_number}/reductions", response_model=NoticeOut)
async def reduce_fee(
    notice_number: NoticeNumber, body: ReductionIn, clients: Clients, call: StaffCall, _key: IdempotencyKey
) -> NoticeOut:
    """Reduce a line of an unpaid notice (approver, with a reason)."""
    return notice_out(
        await call(
            clients.fees.ReduceFee,
            fees_pb2.ReduceFeeRequest(
                notice_number=notice_number,
                fee_item_code=body.fee_item_code,
                amount_fen=body.amount_fen,
                reason=body.reason,
            ),
        )
    )


@router.post("/fees/notices/{notice_number}/waiver", response_model=NoticeOut)
async def waive_notice(notice_number: NoticeNumber, body: ReasonIn, clients: Clients, call: StaffCall) -> NoticeOut:
    return notice_out(
        await call(
            clients.fees.WaivePaymentNotice,
            fees_pb2.WaivePaymentNoticeRequest(notice_number=notice_number, reason=body.reason),
        )
    )


@router.post("/fees/notices/{notice_number}/void", response_model=NoticeOut)
async def void_notice(notice_number: NoticeNumber, body: ReasonIn, clients: Clients, call: StaffCall) -> NoticeOut:
    return notice_out(
        await call(
            clients.fees.VoidPaymentNotice,
            fees_pb2.VoidPaymentNoticeRequest(notice_number=notice_number, reason=body.reason),
        )
    )


# --- the cashier -----------------------------------------------------------------------------


@router.post("/fees/notices/{notice_number}/payments", status_code=status.HTTP_201_CREATED, response_model=PaymentOut)
async def record_payment(
    notice_number: NoticeNumber,
    body: PaymentIn,
    clients: Clients,
    call: StaffCall,
    idempotency_key: KeyPassedDown,
    response: Response,
) -> PaymentOut:
    """Pay a notice in full at the cashier; the answer carries the receipt."""
    answer = await call(
        clients.fees.RecordPayment,
        fees_pb2.RecordPaymentRequest(
            notice_number=notice_number,
            method=METHODS[body.method],
            expected_amount_fen=body.expected_amount_fen,
            reference=body.reference,
            idempotency_key=idempotency_key,
        ),
    )
    if answer.replayed:
        response.status_code = status.HTTP_200_OK
    response.headers["Location"] = f"/api/v1/fees/receipts/{answer.receipt.receipt_number}"
    return payment_out(answer)


@router.get("/fees/receipts/{receipt_number}", response_model=ReceiptOut)
async def get_receipt(receipt_number: ReceiptNumber, clients: Clients, call: StaffCall) -> ReceiptOut:
    return receipt_out(await call(clients.fees.GetReceipt, fees_pb2.GetReceiptRequest(receipt_number=receipt_number)))


@router.post("/fees/receipts/{receipt_number}/refunds", status_code=status.HTTP_201_CREATED, response_model=RefundOut)
async def record_refund(
    receipt_number: ReceiptNumber,
    body: RefundIn,
    clients: Clients,
    call: StaffCall,
    idempotency_key: KeyPassedDown,
    response: Response,
) -> RefundOut:
    """Refund part or all of a payment (approver); a red-letter receipt is issued."""
    answer = await call(
        clients.fees.RecordRefund,
        fees_pb2.RecordRefundRequest(
            receipt_number=receipt_number,
            fee_item_code=body.fee_item_code,
            amount_fen=body.amount_fen,
            reason=body.reason,
            idempotency_key=idempotency_key,
            cashier_staff_id=body.cashier_staff_id,
        ),
    )
    if answer.replayed:
        response.status_code = status.HTTP_200_OK
    return refund_out(answer)


@router.post("/fees/receipts/{receipt_number}/void", response_model=VoidOut)
async def void_receipt(receipt_number: ReceiptNumber, body: ReasonIn, clients: Clients, call: StaffCall) -> VoidOut:
    """Void today's receipt and issue its replacement (approver)."""
    return void_out(
        await call(
            clients.fees.VoidReceipt, fees_pb2.VoidReceiptRequest(receipt_number=receipt_number, reason=body.reason)
        )
    )


# --- day close and reports ---------------------------------------------------------------------


@router.post("/fees/day-closes", response_model=DayCloseOut)
async def close_day(body: DayCloseIn, clients: Clients, call: StaffCall) -> DayCloseOut:
    """Close a cashier's till for a day (the caller's own, today, by default)."""
    return day_close_out(
        await call(
            clients.fees.CloseDay, fees_pb2.CloseDayRequest(day=body.day, cashier_staff_id=body.cashier_staff_id)
        )
    )


@router.get("/fees/reconciliation", response_model=ReconciliationOut)
async def reconcile(
    period: Period, clients: Clients, call: StaffCall, department_code: DepartmentCode = ""
) -> ReconciliationOut:
    """receipts = payments - refunds per day, department and fee type."""
    return reconciliation_out(
        await call(clients.fees.Reconcile, fees_pb2.ReconcileRequest(period=period, department_code=department_code))
    )


@router.get("/fees/ledger.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
async def export_ledger(
    period: Period, clients: Clients, call: StaffCall, department_code: DepartmentCode = ""
) -> Response:
    """Every receipt line of a day or a month as CSV."""
    answer = await call(
        clients.fees.ExportLedger, fees_pb2.ExportLedgerRequest(period=period, department_code=department_code)
    )
    return Response(
        content=answer.csv.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": attachment(answer.filename)},
    )


@router.get("/fees/revenue", response_model=RevenueOut)
async def revenue(
    month: Annotated[str, Query(pattern=r"^\d{4}-\d{2}$", max_length=7)],
    clients: Clients,
    call: StaffCall,
    department_code: DepartmentCode = "",
) -> RevenueOut:
    """A month's non-tax revenue and deed tax, net of refunds."""
    return revenue_out(
        await call(
            clients.fees.GetRevenueSummary,
            fees_pb2.GetRevenueSummaryRequest(month=month, department_code=department_code),
        )
    )
