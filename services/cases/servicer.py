"""gRPC for the cases service's CasesService (the life of a case; the registers are in
servicer_registers.py): read the caller, map the request (messages), run the use case in one
transaction through the Runtime and map the answer. Who may do what is the use cases' to
check; status codes come from the shared interceptor."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import grpc
from sqlalchemy.orm import Session

from servicehall.cases.v1 import cases_pb2, cases_pb2_grpc
from services.cases import access, deadlines, decisions, intake, messages, submissions, supervision
from services.cases.messages import case_message
from services.cases.metrics import CASES_SUBMITTED, Outcome, outcomes
from services.cases.models import Case
from services.cases.queries import find_case
from services.cases.settings import CasesSettings
from shared.auth import Caller, caller_of
from shared.runtime import Runtime
from shared.validation import parse_day

CaseWork = Callable[[Session, Caller], Case]
Submission = cases_pb2.SubmitApplicationRequest | cases_pb2.SubmitFormRequest


def _fingerprint(method: str, request: Submission) -> str:
    """What a retry must repeat: the request without its key (deterministic bytes)."""
    keyless = type(request).FromString(request.SerializeToString())
    keyless.ClearField("idempotency_key")
    return hashlib.sha256(method.encode() + b"\0" + keyless.SerializeToString(deterministic=True)).hexdigest()


def _case_after(case_number: str, work: Callable[[Session, Caller], object]) -> CaseWork:
    """A use case that answers with something else (a notice, a pause, a task): then the case."""

    def run(session: Session, caller: Caller) -> Case:
        work(session, caller)
        return find_case(session, case_number)

    return run


class CasesServicer(cases_pb2_grpc.CasesServiceServicer):
    def __init__(self, runtime: Runtime[CasesSettings]) -> None:
        self.runtime = runtime

    async def _change(self, context: grpc.aio.ServicerContext, work: CaseWork) -> cases_pb2.Case:
        """Run a use case that changes a case; answer with the case as it is after the commit,
        and count its moves only once they are committed."""
        caller = caller_of(context)

        def unit(session: Session) -> tuple[cases_pb2.Case, list[Outcome]]:
            case = work(session, caller)
            session.flush()
            return case_message(session, case), outcomes(session, case)

        message, observed = await self.runtime.write(unit)
        for outcome in observed:
            outcome.record()
        return message

    async def SubmitApplication(
        self, request: cases_pb2.SubmitApplicationRequest, context: grpc.aio.ServicerContext
    ) -> cases_pb2.Case:
        caller = caller_of(context)
        applicant = messages.applicant_input(request.applicant)

        def submit(session: Session) -> tuple[Case, str]:
            case, _item, query_code = intake.submit_application(
                session,
                service_item_code=request.service_item_code,
                applicant=applicant,
                remarks=request.remarks,
                caller=caller,
                materials_supplied=list(request.materials_supplied),
                declared_values=dict(request.declared_values),
            )
            return case, query_code

        def unit(session: Session) -> tuple[cases_pb2.Case, bool]:
            case, query_code, replayed = submissions.submit_once(
                session,
                caller,
                key=request.idempotency_key,
                fingerprint=_fingerprint("SubmitApplication", request),
                submit=lambda: submit(session),
            )
            session.flush()
            return case_message(session, case, query_code=query_code), replayed

        message, replayed = await self.runtime.write(unit)
        if not replayed:
            CASES_SUBMITTED.labels(
                message.service_item.department_code, messages.kind_name(message.service_item.case_kind)
            ).inc()
        return message

    async def SubmitForm(
        self, request: cases_pb2.SubmitFormRequest, context: grpc.aio.ServicerContext
    ) -> cases_pb2.Case:
        caller = caller_of(context)
        applicant = messages.applicant_input(request.applicant)

        def submit(session: Session) -> tuple[Case, str]:
            return intake.submit_form(
                session,
                form_code=request.form_code,
                applicant=applicant,
                form_data=dict(request.form_data),
                remarks=request.remarks,
                caller=caller,
                materials_supplied=list(request.materials_supplied),
            )

        def unit(session: Session) -> tuple[cases_pb2.Case, bool]:
            case, query_code, replayed = submissions.submit_once(
                session,
                caller,
                key=request.idempotency_key,
                fingerprint=_fingerprint("SubmitForm", request),
                submit=lambda: submit(session),
            )
            session.flush()
            return case_message(session, case, query_code=query_code), replayed

        message, replayed = await self.runtime.write(unit)
        if not replayed:
            CASES_SUBMITTED.labels(
                message.service_item.department_code, messages.kind_name(message.service_item.case_kind)
            ).inc()
        return message

    async def GetCase(self, request: cases_pb2.GetCaseRequest, context: grpc.aio.ServicerContext) -> cases_pb2.Case:
        caller = caller_of(context)
        return await self.runtime.read(lambda s: case_message(s, access.get_case(s, request.case_number, caller)[0]))

    async def ListCases(
        self, request: cases_pb2.ListCasesRequest, context: grpc.aio.ServicerContext
    ) -> cases_pb2.ListCasesResponse:
        caller = caller_of(context)
        after = messages.page_after(request.page_token)
        filters = messages.case_filter(request)

        def read(session: Session) -> cases_pb2.ListCasesResponse:
            page, next_after = access.list_cases(session, caller, filters, page_size=request.page_size, after_id=after)
            return messages.cases_message(session, page, next_after=next_after)

        return await self.runtime.read(read)

    async def GetCaseHistory(
        self, request: cases_pb2.GetCaseRequest, context: grpc.aio.ServicerContext
    ) -> cases_pb2.CaseHistory:
        caller = caller_of(context)
        return await self.runtime.read(
            lambda s: messages.history_message(request.case_number, access.history(s, request.case_number, caller))
        )

    async def ListVouchers(
        self, request: cases_pb2.GetCaseRequest, context: grpc.aio.ServicerContext
    ) -> cases_pb2.ListVouchersResponse:
        caller = caller_of(context)
        return await self.runtime.read(
            lambda s: messages.vouchers_message(access.list_vouchers(s, request.case_number, caller))
        )

    async def AcceptCase(
        self, request: cases_pb2.CaseActionRequest, context: grpc.aio.ServicerContext
    ) -> cases_pb2.Case:
        return await self._change(
            context, lambda s, c: decisions.accept(s, request.case_number, c, reason=request.reason)
        )

    async def RejectCase(
        self, request: cases_pb2.CaseActionRequest, context: grpc.aio.ServicerContext
    ) -> cases_pb2.Case:
        return await self._change(
            context, lambda s, c: decisions.reject(s, request.case_number, c, reason=request.reason)
        )

    async def RequestCorrection(
        self, request: cases_pb2.RequestCorrectionRequest, context: grpc.aio.ServicerContext
    ) -> cases_pb2.Case:
        return await self._change(
            context,
            _case_after(
                request.case_number,
                lambda s, c: decisions.request_correction(
                    s, request.case_number, c, materials=list(request.materials), note=request.note
                ),
            ),
        )

    async def SupplyMaterials(
        self, request: cases_pb2.SupplyMaterialsRequest, context: grpc.aio.ServicerContext
    ) -> cases_pb2.Case:
        return await self._change(
            context,
            lambda s, c: decisions.supply_materials(s, request.case_number, c, materials=list(request.materials)),
        )

    async def WaiveMaterial(
        self, request: cases_pb2.WaiveMaterialRequest, context: grpc.aio.ServicerContext
    ) -> cases_pb2.Case:
        return await self._change(
            context,
            _case_after(
                request.case_number,
                lambda s, c: decisions.waive_material(
                    s, request.case_number, c, material=request.material, reason=request.reason
                ),
            ),
        )

    async def StartReview(
        self, request: cases_pb2.CaseActionRequest, context: grpc.aio.ServicerContext
    ) -> cases_pb2.Case:
        return await self._change(
            context, lambda s, c: decisions.start_review(s, request.case_number, c, reason=request.reason)
        )

    async def ApproveCase(
        self, request: cases_pb2.CaseActionRequest, context: grpc.aio.ServicerContext
    ) -> cases_pb2.Case:
        return await self._change(
            context, lambda s, c: decisions.approve(s, request.case_number, c, reason=request.reason)
        )

    async def DenyCase(self, request: cases_pb2.CaseActionRequest, context: grpc.aio.ServicerContext) -> cases_pb2.Case:
        return await self._change(
            context, lambda s, c: decisions.deny(s, request.case_number, c, reason=request.reason)
        )

    async def ConcludeCase(
        self, request: cases_pb2.CaseActionRequest, context: grpc.aio.ServicerContext
    ) -> cases_pb2.Case:
        return await self._change(
            context, lambda s, c: decisions.conclude(s, request.case_number, c, reason=request.reason)
        )

    async def ConcludeOnTheSpot(
        self, request: cases_pb2.CaseActionRequest, context: grpc.aio.ServicerContext
    ) -> cases_pb2.Case:
        return await self._change(
            context,
            lambda s, c: decisions.conclude_on_the_spot(
                s, request.case_number, c, seal_code=request.seal_code, reason=request.reason
            ),
        )

    async def WithdrawCase(
        self, request: cases_pb2.CaseActionRequest, context: grpc.aio.ServicerContext
    ) -> cases_pb2.Case:
        return await self._change(
            context, lambda s, c: decisions.withdraw(s, request.case_number, c, reason=request.reason)
        )

    async def DecideJointTask(
        self, request: cases_pb2.DecideJointTaskRequest, context: grpc.aio.ServicerContext
    ) -> cases_pb2.Case:
        return await self._change(
            context,
            _case_after(
                request.case_number,
                lambda s, c: decisions.decide_joint_task(
                    s,
                    request.case_number,
                    c,
                    department_code=request.department_code,
                    approve=request.approve,
                    reason=request.reason,
                ),
            ),
        )

    async def PauseClock(
        self, request: cases_pb2.PauseClockRequest, context: grpc.aio.ServicerContext
    ) -> cases_pb2.Case:
        expected_end = messages.optional_day(request.expected_end, "expected_end")
        return await self._change(
            context,
            _case_after(
                request.case_number,
                lambda s, c: deadlines.pause(
                    s, request.case_number, c, reason=request.reason, note=request.note, expected_end=expected_end
                ),
            ),
        )

    async def ResumeClock(
        self, request: cases_pb2.CaseActionRequest, context: grpc.aio.ServicerContext
    ) -> cases_pb2.Case:
        return await self._change(
            context, lambda s, c: deadlines.resume(s, request.case_number, c, reason=request.reason)
        )

    async def GrantExtension(
        self, request: cases_pb2.GrantExtensionRequest, context: grpc.aio.ServicerContext
    ) -> cases_pb2.Case:
        return await self._change(
            context,
            _case_after(
                request.case_number,
                lambda s, c: deadlines.extend(
                    s, request.case_number, c, extra_days=request.extra_days, reason=request.reason
                ),
            ),
        )

    async def IssueSupervisionOrder(
        self, request: cases_pb2.IssueSupervisionOrderRequest, context: grpc.aio.ServicerContext
    ) -> cases_pb2.Case:
        due_on = parse_day(request.due_on, "due_on")
        return await self._change(
            context,
            _case_after(
                request.case_number,
                lambda s, c: supervision.order(s, request.case_number, c, due_on=due_on, note=request.note),
            ),
        )

    async def RunSupervisionScan(
        self, request: cases_pb2.RunSupervisionScanRequest, context: grpc.aio.ServicerContext
    ) -> cases_pb2.RunSupervisionScanResponse:
        caller = caller_of(context)
        # The scan commits case by case (as the periodic job does): not one transaction. It runs
        # at the service's clock: the request has no day to choose.
        raised = await self.runtime.write_each(
            lambda sessions: supervision.run_scan(
                sessions, caller, warning_days=self.runtime.settings.supervision_warning_days
            )
        )
        return messages.scan_message(raised)
