"""gRPC for the fees service: who is calling (metadata), the request as domain input
(messages), the use case in one transaction (runtime.write / runtime.read), the answer as a
message (messages, inside the transaction, where the rows are still live). Who may do what
is the use cases' business; status codes come from the domain errors (interceptor)."""

from __future__ import annotations

import grpc

from servicehall.fees.v1 import fees_pb2, fees_pb2_grpc
from services.fees import messages, use_cases
from services.fees.settings import FeesSettings
from shared.auth import caller_of
from shared.runtime import Runtime


class FeesServicer(fees_pb2_grpc.FeesServiceServicer):
    def __init__(self, runtime: Runtime[FeesSettings]) -> None:
        self.runtime = runtime

    # --- standards ----------------------------------------------------------------------

    async def ListFeeStandards(
        self, request: fees_pb2.ListFeeStandardsRequest, context: grpc.aio.ServicerContext
    ) -> fees_pb2.ListFeeStandardsResponse:
        caller = caller_of(context)
        on = messages.parse_day(request.on, "on")
        return await self.runtime.read(
            lambda session: messages.standards_response(
                use_cases.list_fee_standards(
                    session, caller, on=on, department_code=request.department_code, all_versions=request.all_versions
                )
            )
        )

    async def CreateFeeStandard(
        self, request: fees_pb2.CreateFeeStandardRequest, context: grpc.aio.ServicerContext
    ) -> fees_pb2.FeeStandard:
        caller = caller_of(context)
        standard = messages.standard_input(request.standard)
        return await self.runtime.write(
            lambda session: messages.standard_message(use_cases.create_fee_standard(session, caller, standard))
        )

    async def ImportFeeStandards(
        self, request: fees_pb2.ImportFeeStandardsRequest, context: grpc.aio.ServicerContext
    ) -> fees_pb2.ImportFeeStandardsResponse:
        caller = caller_of(context)
        return await self.runtime.write(
            lambda session: messages.import_response(
                *use_cases.import_fee_standards(session, caller, request.yaml_document)
            )
        )

    # --- assessment and notices -----------------------------------------------------------

    async def AssessFees(
        self, request: fees_pb2.AssessFeesRequest, context: grpc.aio.ServicerContext
    ) -> fees_pb2.AssessFeesResponse:
        caller = caller_of(context)
        return await self.runtime.write(
            lambda session: messages.assess_response(
                *use_cases.assess_fees(
                    session,
                    caller,
                    case_number=request.case_number,
                    declared_values=dict(request.declared_values),
                    fee_item_codes=list(request.fee_item_codes),
                )
            )
        )

    async def GetPaymentNotice(
        self, request: fees_pb2.GetPaymentNoticeRequest, context: grpc.aio.ServicerContext
    ) -> fees_pb2.PaymentNotice:
        caller = caller_of(context)
        return await self.runtime.read(
            lambda session: messages.notice_message(
                session, use_cases.get_payment_notice(session, caller, notice_number=request.notice_number)
            )
        )

    async def ListPaymentNotices(
        self, request: fees_pb2.ListPaymentNoticesRequest, context: grpc.aio.ServicerContext
    ) -> fees_pb2.ListPaymentNoticesResponse:
        caller = caller_of(context)
        status = messages.notice_status(request.status)
        return await self.runtime.read(
            lambda session: messages.notices_response(
                session,
                use_cases.list_payment_notices(
                    session,
                    caller,
                    case_number=request.case_number,
                    department_code=request.department_code,
                    status=status,
                ),
            )
        )

    async def ReduceFee(
        self, request: fees_pb2.ReduceFeeRequest, context: grpc.aio.ServicerContext
    ) -> fees_pb2.PaymentNotice:
        caller = caller_of(context)
        return await self.runtime.write(
            lambda session: messages.notice_message(
                session,
                use_cases.reduce_fee(
                    session,
                    caller,
                    notice_number=request.notice_number,
                    fee_item_code=request.fee_item_code,
                    amount_fen=request.amount_fen,
                    reason=request.reason,
                ),
            )
        )

    async def WaivePaymentNotice(
        self, request: fees_pb2.WaivePaymentNoticeRequest, context: grpc.aio.ServicerContext
    ) -> fees_pb2.PaymentNotice:
        caller = caller_of(context)
        return await self.runtime.write(
            lambda session: messages.notice_message(
                session,
                use_cases.waive_payment_notice(
                    session, caller, notice_number=request.notice_number, reason=request.reason
                ),
            )
        )

    async def VoidPaymentNotice(
        self, request: fees_pb2.VoidPaymentNoticeRequest, context: grpc.aio.ServicerContext
    ) -> fees_pb2.PaymentNotice:
        caller = caller_of(context)
        return await self.runtime.write(
            lambda session: messages.notice_message(
                session,
                use_cases.void_payment_notice(
                    session, caller, notice_number=request.notice_number, reason=request.reason
                ),
            )
        )

    # --- collection -----------------------------------------------------------------------

    async def RecordPayment(
        self, request: fees_pb2.RecordPaymentRequest, context: grpc.aio.ServicerContext
    ) -> fees_pb2.PaymentResult:
        caller = caller_of(context)
        method = messages.payment_method(request.method)
        return await self.runtime.write(
            lambda session: messages.payment_result(
                use_cases.record_payment(
                    session,
                    caller,
                    notice_number=request.notice_number,
                    method=method,
                    expected_amount_fen=request.expected_amount_fen,
                    reference=request.reference,
                    idempotency_key=request.idempotency_key,
                )
            )
        )

    async def RecordRefund(
        self, request: fees_pb2.RecordRefundRequest, context: grpc.aio.ServicerContext
    ) -> fees_pb2.RefundResult:
        caller = caller_of(context)
        return await self.runtime.write(
            lambda session: messages.refund_result(
                session,
                use_cases.record_refund(
                    session,
                    caller,
                    receipt_number=request.receipt_number,
                    fee_item_code=request.fee_item_code,
                    amount_fen=request.amount_fen,
                    reason=request.reason,
                    idempotency_key=request.idempotency_key,
                    cashier_staff_id=request.cashier_staff_id,
                ),
            )
        )

    async def VoidReceipt(
        self, request: fees_pb2.VoidReceiptRequest, context: grpc.aio.ServicerContext
    ) -> fees_pb2.VoidReceiptResponse:
        caller = caller_of(context)
        return await self.runtime.write(
            lambda session: messages.void_receipt_response(
                *use_cases.void_receipt(session, caller, receipt_number=request.receipt_number, reason=request.reason)
            )
        )

    async def GetReceipt(
        self, request: fees_pb2.GetReceiptRequest, context: grpc.aio.ServicerContext
    ) -> fees_pb2.Receipt:
        caller = caller_of(context)
        return await self.runtime.read(
            lambda session: messages.receipt_message(
                use_cases.get_receipt(session, caller, receipt_number=request.receipt_number)
            )
        )

    # --- day close and reports --------------------------------------------------------------

    async def CloseDay(self, request: fees_pb2.CloseDayRequest, context: grpc.aio.ServicerContext) -> fees_pb2.DayClose:
        caller = caller_of(context)
        day = messages.parse_day(request.day)
        return await self.runtime.write(
            lambda session: messages.day_close_message(
                *use_cases.close_day(session, caller, day=day, cashier_staff_id=request.cashier_staff_id)
            )
        )

    async def Reconcile(
        self, request: fees_pb2.ReconcileRequest, context: grpc.aio.ServicerContext
    ) -> fees_pb2.ReconcileResponse:
        caller = caller_of(context)
        period = messages.parse_period(request.period)
        return await self.runtime.read(
            lambda session: messages.reconcile_response(
                use_cases.reconcile(session, caller, period=period, department_code=request.department_code)
            )
        )

    async def ExportLedger(
        self, request: fees_pb2.ExportLedgerRequest, context: grpc.aio.ServicerContext
    ) -> fees_pb2.ExportLedgerResponse:
        caller = caller_of(context)
        period = messages.parse_period(request.period)
        return await self.runtime.read(
            lambda session: messages.ledger_export_response(
                use_cases.export_ledger(session, caller, period=period, department_code=request.department_code)
            )
        )

    async def GetRevenueSummary(
        self, request: fees_pb2.GetRevenueSummaryRequest, context: grpc.aio.ServicerContext
    ) -> fees_pb2.RevenueSummary:
        caller = caller_of(context)
        month = messages.parse_period(request.month, "month", month_only=True)
        return await self.runtime.read(
            lambda session: messages.revenue_summary_message(
                use_cases.get_revenue_summary(session, caller, month=month, department_code=request.department_code)
            )
        )
