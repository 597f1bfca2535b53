"""gRPC <-> domain for the fees service: who is calling, translate, run in a thread inside
one transaction, translate back. Status codes come from the domain errors (interceptor)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

import grpc
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.fees import access, adjustments, assessment, collection, common, convert, domain, reporting
from services.fees.models import FeeCase, PaymentNotice
from servicehall.fees.v1 import fees_pb2, fees_pb2_grpc
from shared.auth import Caller, caller_from_metadata
from shared.db import transaction
from shared.errors import FailedPrecondition, FieldViolation, InvalidArgument, NotFound
from shared.runtime import Runtime

T = TypeVar("T")


def _caller(context: grpc.aio.ServicerContext) -> Caller:
    return caller_from_metadata(context.invocation_metadata())


def _required(**values: str) -> None:
    problems = [FieldViolation(name, "is required") for name, value in values.items() if not value]
    if problems:
        raise InvalidArgument("required fields are missing", problems)


class FeesServicer(fees_pb2_grpc.FeesServiceServicer):
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def _read(self, work: Callable[[Session], T]) -> T:
        def run() -> T:
            with self.runtime.session_factory() as session:
                return work(session)

        return await asyncio.to_thread(run)

    async def _write(self, work: Callable[[Session], T]) -> T:
        """One transaction; a unique-constraint race (two requests with the same idempotency
        key, say) is run once more, when the loser finds the winner's row."""

        def run() -> T:
            for attempt in range(3):
                try:
                    with transaction(self.runtime.session_factory) as session:
                        return work(session)
                except IntegrityError:
                    if attempt == 2:
                        raise FailedPrecondition("a concurrent change got there first; read again") from None
            raise AssertionError("unreachable")

        result = await asyncio.to_thread(run)
        self.runtime.events_written()
        return result

    # --- standards ----------------------------------------------------------------------

    async def ListFeeStandards(self, request: fees_pb2.ListFeeStandardsRequest, context: grpc.aio.ServicerContext) -> fees_pb2.ListFeeStandardsResponse:
        on = reporting.parse_day(request.on, "on")

        def read(session: Session) -> fees_pb2.ListFeeStandardsResponse:
            if request.all_versions:
                standards = domain.all_versions(session, department_code=request.department_code)
            else:
                standards = domain.standards_in_force(session, on=on, department_code=request.department_code)
            return fees_pb2.ListFeeStandardsResponse(standards=[convert.standard_message(s) for s in standards])

        return await self._read(read)

    async def CreateFeeStandard(self, request: fees_pb2.CreateFeeStandardRequest, context: grpc.aio.ServicerContext) -> fees_pb2.FeeStandard:
        caller = _caller(context)
        caller.require_role("manager")
        standard = convert.standard_input(request.standard)

        def write(session: Session) -> fees_pb2.FeeStandard:
            row, _ = domain.create_standard(session, standard, actor=caller.staff_id, today=common.today(),
                                            prefix="standard.")
            return convert.standard_message(row)

        return await self._write(write)

    async def ImportFeeStandards(self, request: fees_pb2.ImportFeeStandardsRequest, context: grpc.aio.ServicerContext) -> fees_pb2.ImportFeeStandardsResponse:
        caller = _caller(context)
        caller.require_role("manager")

        def write(session: Session) -> fees_pb2.ImportFeeStandardsResponse:
            created, unchanged = domain.import_document(session, request.yaml_document, actor=caller.staff_id,
                                                        today=common.today())
            return fees_pb2.ImportFeeStandardsResponse(created=created, unchanged=unchanged)

        return await self._write(write)

    # --- assessment ---------------------------------------------------------------------

    async def AssessFees(self, request: fees_pb2.AssessFeesRequest, context: grpc.aio.ServicerContext) -> fees_pb2.AssessFeesResponse:
        caller = _caller(context)
        _required(case_number=request.case_number)

        def write(session: Session) -> fees_pb2.AssessFeesResponse:
            case = session.get(FeeCase, request.case_number)
            if case is None:
                raise NotFound(f"no accepted case {request.case_number} with fees (the fees service learns of a case when it is accepted)")
            access.require_assessor(caller, case.department_code)
            case, notices = assessment.assess(
                session, case_number=request.case_number, declared_values=dict(request.declared_values),
                fee_item_codes=list(request.fee_item_codes), actor=caller.staff_id,
            )
            return fees_pb2.AssessFeesResponse(
                notices=[convert.notice_message(n) for n in notices], settled=case.settled_at is not None
            )

        return await self._write(write)

    async def GetPaymentNotice(self, request: fees_pb2.GetPaymentNoticeRequest, context: grpc.aio.ServicerContext) -> fees_pb2.PaymentNotice:
        caller = _caller(context)
        _required(notice_number=request.notice_number)

        def read(session: Session) -> fees_pb2.PaymentNotice:
            notice = adjustments.find_notice(session, request.notice_number)
            _require_notice_reader(caller, notice)
            return _notice(session, notice)

        return await self._read(read)

    async def ListPaymentNotices(self, request: fees_pb2.ListPaymentNoticesRequest, context: grpc.aio.ServicerContext) -> fees_pb2.ListPaymentNoticesResponse:
        caller = _caller(context)
        status = convert.NOTICE_STATUS_NAMES.get(request.status, "")

        def read(session: Session) -> fees_pb2.ListPaymentNoticesResponse:
            query = sa.select(PaymentNotice).order_by(PaymentNotice.id)
            if request.case_number:
                case = session.get(FeeCase, request.case_number)
                if case is None:
                    if not caller.is_staff:
                        raise NotFound(f"no payment notices for case {request.case_number} (yet)")
                    return fees_pb2.ListPaymentNoticesResponse()
                departments = {case.department_code, *(n.department_code for n in case.notices)}
                access.require_case_reader(caller, case_number=case.case_number,
                                           query_code_sha256=case.query_code_sha256, departments=departments)
                query = query.where(PaymentNotice.case_number == case.case_number)
                if request.department_code:
                    query = query.where(PaymentNotice.department_code == request.department_code)
            else:
                department = access.department_scope(caller, request.department_code)
                if department:
                    query = query.where(PaymentNotice.department_code == department)
            if status:
                query = query.where(PaymentNotice.status == status)
            return fees_pb2.ListPaymentNoticesResponse(notices=[_notice(session, n) for n in session.scalars(query.limit(1000))])

        return await self._read(read)

    async def ReduceFee(self, request: fees_pb2.ReduceFeeRequest, context: grpc.aio.ServicerContext) -> fees_pb2.PaymentNotice:
        caller = _caller(context)
        caller.require_role("approver")
        _required(notice_number=request.notice_number)

        def write(session: Session) -> fees_pb2.PaymentNotice:
            notice = adjustments.reduce_fee(
                session, notice_number=request.notice_number, fee_item_code=request.fee_item_code,
                amount_fen=request.amount_fen, reason=request.reason, approver=caller.staff_id,
            )
            return _notice(session, notice)

        return await self._write(write)

    async def WaivePaymentNotice(self, request: fees_pb2.WaivePaymentNoticeRequest, context: grpc.aio.ServicerContext) -> fees_pb2.PaymentNotice:
        caller = _caller(context)
        caller.require_role("approver")
        _required(notice_number=request.notice_number)

        def write(session: Session) -> fees_pb2.PaymentNotice:
            notice = adjustments.waive_notice(session, notice_number=request.notice_number, reason=request.reason,
                                              approver=caller.staff_id)
            return _notice(session, notice)

        return await self._write(write)

    async def VoidPaymentNotice(self, request: fees_pb2.VoidPaymentNoticeRequest, context: grpc.aio.ServicerContext) -> fees_pb2.PaymentNotice:
        caller = _caller(context)
        caller.require_role("approver")
        _required(notice_number=request.notice_number)

        def write(session: Session) -> fees_pb2.PaymentNotice:
            notice = adjustments.void_notice(session, notice_number=request.notice_number, reason=request.reason,
                                             approver=caller.staff_id)
            return _notice(session, notice)

        return await self._write(write)

    # --- collection ---------------------------------------------------------------------

    async def RecordPayment(self, request: fees_pb2.RecordPaymentRequest, context: grpc.aio.ServicerContext) -> fees_pb2.PaymentResult:
        caller = _caller(context)
        caller.require_role("cashier")

        def write(session: Session) -> fees_pb2.PaymentResult:
            outcome = collection.record_payment(
                session, notice_number=request.notice_number, method=convert.METHODS.get(request.method, ""),
                expected_amount_fen=request.expected_amount_fen, reference=request.reference,
                idempotency_key=request.idempotency_key, cashier=caller.staff_id,
            )
            return fees_pb2.PaymentResult(
                payment_id=outcome.payment.id,
                notice=convert.notice_message(outcome.notice, outcome.receipt.receipt_number),
                receipt=convert.receipt_message(outcome.receipt),
                case_settled=outcome.case_settled,
                replayed=outcome.replayed,
            )

        return await self._write(write)

    async def RecordRefund(self, request: fees_pb2.RecordRefundRequest, context: grpc.aio.ServicerContext) -> fees_pb2.RefundResult:
        caller = _caller(context)
        caller.require_role("approver")
        _required(receipt_number=request.receipt_number)

        def write(session: Session) -> fees_pb2.RefundResult:
            outcome = collection.record_refund(
                session, receipt_number=request.receipt_number, fee_item_code=request.fee_item_code,
                amount_fen=request.amount_fen, reason=request.reason, idempotency_key=request.idempotency_key,
                cashier_staff_id=request.cashier_staff_id, approver=caller.staff_id,
            )
            return fees_pb2.RefundResult(
                refund_id=outcome.refund.id,
                red_letter_receipt=convert.receipt_message(outcome.red_letter),
                notice=_notice(session, outcome.notice),
                replayed=outcome.replayed,
            )

        return await self._write(write)

    async def VoidReceipt(self, request: fees_pb2.VoidReceiptRequest, context: grpc.aio.ServicerContext) -> fees_pb2.VoidReceiptResponse:
        caller = _caller(context)
        caller.require_role("approver")
        _required(receipt_number=request.receipt_number)

        def write(session: Session) -> fees_pb2.VoidReceiptResponse:
            voided, replacement = collection.void_receipt(
                session, receipt_number=request.receipt_number, reason=request.reason, approver=caller.staff_id
            )
            return fees_pb2.VoidReceiptResponse(
                voided=convert.receipt_message(voided), replacement=convert.receipt_message(replacement)
            )

        return await self._write(write)

    async def GetReceipt(self, request: fees_pb2.GetReceiptRequest, context: grpc.aio.ServicerContext) -> fees_pb2.Receipt:
        caller = _caller(context)
        _required(receipt_number=request.receipt_number)

        def read(session: Session) -> fees_pb2.Receipt:
            receipt = collection.find_receipt(session, request.receipt_number)
            _require_notice_reader(caller, adjustments.find_notice(session, receipt.notice_number))
            return convert.receipt_message(receipt)

        return await self._read(read)

    # --- day close and reports ------------------------------------------------------------

    async def CloseDay(self, request: fees_pb2.CloseDayRequest, context: grpc.aio.ServicerContext) -> fees_pb2.DayClose:
        caller = _caller(context)
        cashier = request.cashier_staff_id or caller.staff_id
        access.require_till_closer(caller, cashier)
        day = reporting.parse_day(request.day)

        def write(session: Session) -> fees_pb2.DayClose:
            till, already = reporting.close_day(session, day=day, cashier_staff_id=cashier, closed_by=caller.staff_id)
            return convert.day_close_message(till, already)

        return await self._write(write)

    async def Reconcile(self, request: fees_pb2.ReconcileRequest, context: grpc.aio.ServicerContext) -> fees_pb2.ReconcileResponse:
        department = access.department_scope(_caller(context), request.department_code)
        period = reporting.parse_period(request.period)

        def read(session: Session) -> fees_pb2.ReconcileResponse:
            rows, missing = reporting.reconcile(session, period=period, department_code=department)
            return fees_pb2.ReconcileResponse(
                rows=[convert.reconciliation_row(r) for r in rows],
                balanced=all(r.difference_fen == 0 for r in rows) and not missing,
                missing_receipt_numbers=missing,
            )

        return await self._read(read)

    async def ExportLedger(self, request: fees_pb2.ExportLedgerRequest, context: grpc.aio.ServicerContext) -> fees_pb2.ExportLedgerResponse:
        department = access.department_scope(_caller(context), request.department_code)
        period = reporting.parse_period(request.period)

        def read(session: Session) -> fees_pb2.ExportLedgerResponse:
            text = reporting.export_csv(session, period=period, department_code=department)
            suffix = f"-{department}" if department else ""
            return fees_pb2.ExportLedgerResponse(filename=f"fees-{period.label}{suffix}.csv", csv=text)

        return await self._read(read)

    async def GetRevenueSummary(self, request: fees_pb2.GetRevenueSummaryRequest, context: grpc.aio.ServicerContext) -> fees_pb2.RevenueSummary:
        department = access.department_scope(_caller(context), request.department_code)
        period = reporting.parse_period(request.month, "month", month_only=True)

        def read(session: Session) -> fees_pb2.RevenueSummary:
            rows, non_tax, deed_tax = reporting.revenue_summary(session, period=period, department_code=department)
            return fees_pb2.RevenueSummary(
                month=period.label,
                rows=[
                    fees_pb2.RevenueRow(department_code=r.department_code, fee_type=convert.FEE_TYPES[r.fee_type],
                                        collected_fen=r.collected_fen, refunded_fen=r.refunded_fen, net_fen=r.net_fen)
                    for r in rows
                ],
                non_tax_revenue_fen=non_tax,
                deed_tax_fen=deed_tax,
            )

        return await self._read(read)


def _require_notice_reader(caller: Caller, notice: PaymentNotice) -> None:
    case = notice.case
    access.require_case_reader(caller, case_number=case.case_number, query_code_sha256=case.query_code_sha256,
                               departments={case.department_code, notice.department_code})


def _notice(session: Session, notice: PaymentNotice) -> fees_pb2.PaymentNotice:
    receipt_number = ""
    if notice.payment is not None:
        receipt_number = collection.current_receipt(session, notice.payment).receipt_number
    return convert.notice_message(notice, receipt_number)
