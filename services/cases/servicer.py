"""gRPC <-> domain for the cases service: translate messages and the caller, nothing else.

Every call runs its domain function in a worker thread inside one transaction that is
retried on a write conflict (shared.db.run_in_transaction); status codes come from the
shared interceptor.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date
from typing import Any

import grpc
import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.cases import clock, decisions, domain, joint, supervision
from services.cases.messages import case_message, transition_message, voucher_message
from services.cases.metrics import CASES_SUBMITTED, Outcome, outcomes
from services.cases.models import Case, Voucher
from servicehall.cases.v1 import cases_pb2, cases_pb2_grpc
from shared.auth import Caller, caller_from_metadata
from shared.db import run_in_transaction
from shared.errors import FieldViolation, InvalidArgument
from shared.runtime import Runtime

Context = grpc.aio.ServicerContext


def _caller(context: Context) -> Caller:
    return caller_from_metadata(context.invocation_metadata())


def _date(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidArgument(f"{field} must be YYYY-MM-DD", [FieldViolation(field, "must be YYYY-MM-DD")]) from None


def _applicant(message: cases_pb2.Applicant) -> domain.ApplicantInput:
    return domain.ApplicantInput(name=message.name, id_card_number=message.id_card_number, phone=message.phone,
                                 email=message.email, enterprise_code=message.enterprise_code)


class CasesServicer(cases_pb2_grpc.CasesServiceServicer):
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def _write(self, context: Context, work: Callable[[Session, Caller], Case]) -> cases_pb2.Case:
        """Run a decision; answer with the case as it is after the commit."""
        caller = _caller(context)

        def unit(session: Session) -> tuple[cases_pb2.Case, list[Outcome]]:
            case = work(session, caller)
            session.flush()
            return case_message(session, case), outcomes(session, case)

        message, observed = await asyncio.to_thread(run_in_transaction, self.runtime.session_factory, unit)
        self.runtime.events_written()
        for outcome in observed:
            outcome.record()
        return message

    async def _read(self, work: Callable[[Session], Any]) -> Any:
        def unit() -> Any:
            with self.runtime.session_factory() as session:
                return work(session)

        return await asyncio.to_thread(unit)

    async def SubmitApplication(self, request, context):  # noqa: N802 (generated names)
        caller = _caller(context)

        def unit(session: Session) -> cases_pb2.Case:
            case, _item, query_code = domain.submit_application(
                session, service_item_code=request.service_item_code, applicant=_applicant(request.applicant),
                remarks=request.remarks, caller=caller, materials_supplied=list(request.materials_supplied),
                declared_values=dict(request.declared_values),
            )
            session.flush()
            return case_message(session, case, query_code=query_code)

        message = await asyncio.to_thread(run_in_transaction, self.runtime.session_factory, unit)
        self.runtime.events_written()
        CASES_SUBMITTED.labels(message.service_item.department_code, _kind(message)).inc()
        return message

    async def SubmitForm(self, request, context):  # noqa: N802
        caller = _caller(context)

        def unit(session: Session) -> cases_pb2.Case:
            case, query_code = joint.submit_form(
                session, form_code=request.form_code, applicant=_applicant(request.applicant),
                form_data=dict(request.form_data), remarks=request.remarks, caller=caller,
            )
            session.flush()
            return case_message(session, case, query_code=query_code)

        message = await asyncio.to_thread(run_in_transaction, self.runtime.session_factory, unit)
        self.runtime.events_written()
        CASES_SUBMITTED.labels(message.service_item.department_code, _kind(message)).inc()
        return message

    async def GetCase(self, request, context):  # noqa: N802
        caller = _caller(context)
        return await self._read(lambda s: case_message(s, domain.get_case(s, request.case_number, caller)[0]))

    async def ListCases(self, request, context):  # noqa: N802
        caller = _caller(context)
        try:
            after = int(request.page_token or 0)
        except ValueError:
            raise InvalidArgument("bad page token", [FieldViolation("page_token", "use the token a page returned")]) from None
        filters = domain.CaseFilter(department_code=request.department_code, status=request.status,
                                    supervision_level=request.supervision_level, window_code=request.window_code)

        def read(session: Session) -> cases_pb2.ListCasesResponse:
            page, next_after = domain.list_cases(session, caller, filters, page_size=request.page_size, after_id=after)
            return cases_pb2.ListCasesResponse(cases=[case_message(session, c) for c in page],
                                               next_page_token=str(next_after) if next_after else "")

        return await self._read(read)

    async def GetCaseHistory(self, request, context):  # noqa: N802
        caller = _caller(context)
        return await self._read(lambda s: cases_pb2.CaseHistory(
            case_number=request.case_number,
            transitions=[transition_message(t) for t in domain.history(s, request.case_number, caller)],
        ))

    async def ListVouchers(self, request, context):  # noqa: N802
        caller = _caller(context)

        def read(session: Session) -> cases_pb2.ListVouchersResponse:
            case, _ = domain.get_case(session, request.case_number, caller)
            rows = session.scalars(sa.select(Voucher).where(Voucher.case_id == case.id).order_by(Voucher.id))
            return cases_pb2.ListVouchersResponse(vouchers=[voucher_message(v) for v in rows])

        return await self._read(read)

    async def AcceptCase(self, request, context):  # noqa: N802
        return await self._write(context, lambda s, c: decisions.accept(s, request.case_number, c, reason=request.reason))

    async def RejectCase(self, request, context):  # noqa: N802
        return await self._write(context, lambda s, c: decisions.reject(s, request.case_number, c, reason=request.reason))

    async def RequestCorrection(self, request, context):  # noqa: N802
        return await self._write(context, lambda s, c: _case_of(s, request.case_number, decisions.request_correction(
            s, request.case_number, c, materials=list(request.materials), note=request.note)))

    async def SupplyMaterials(self, request, context):  # noqa: N802
        return await self._write(context, lambda s, c: decisions.supply_materials(
            s, request.case_number, c, materials=list(request.materials)))

    async def StartReview(self, request, context):  # noqa: N802
        return await self._write(context, lambda s, c: decisions.start_review(s, request.case_number, c))

    async def ApproveCase(self, request, context):  # noqa: N802
        return await self._write(context, lambda s, c: decisions.approve(s, request.case_number, c, reason=request.reason))

    async def DenyCase(self, request, context):  # noqa: N802
        return await self._write(context, lambda s, c: decisions.deny(s, request.case_number, c, reason=request.reason))

    async def ConcludeCase(self, request, context):  # noqa: N802
        return await self._write(context, lambda s, c: decisions.conclude(s, request.case_number, c))

    async def ConcludeOnTheSpot(self, request, context):  # noqa: N802
        return await self._write(context, lambda s, c: decisions.conclude_on_the_spot(
            s, request.case_number, c, seal_code=request.seal_code))

    async def WithdrawCase(self, request, context):  # noqa: N802
        return await self._write(context, lambda s, c: decisions.withdraw(s, request.case_number, c, reason=request.reason))

    async def DecideJointTask(self, request, context):  # noqa: N802
        return await self._write(context, lambda s, c: _case_of(s, request.case_number, joint.decide(
            s, request.case_number, c, department_code=request.department_code, approve=request.approve,
            reason=request.reason)))

    async def PauseClock(self, request, context):  # noqa: N802
        return await self._write(context, lambda s, c: _case_of(s, request.case_number, clock.pause(
            s, request.case_number, c, reason=request.reason, note=request.note)))

    async def ResumeClock(self, request, context):  # noqa: N802
        return await self._write(context, lambda s, c: clock.resume(s, request.case_number, c))

    async def GrantExtension(self, request, context):  # noqa: N802
        return await self._write(context, lambda s, c: _case_of(s, request.case_number, clock.extend(
            s, request.case_number, c, extra_days=request.extra_days, reason=request.reason)))

    async def IssueSupervisionOrder(self, request, context):  # noqa: N802
        due_on = _date(request.due_on, "due_on")
        return await self._write(context, lambda s, c: _case_of(s, request.case_number, supervision.order(
            s, request.case_number, c, due_on=due_on, note=request.note)))

    async def RunSupervisionScan(self, request, context):  # noqa: N802
        _caller(context).require_role("manager", "efficiency_office")
        today = _date(request.today, "today") if request.today else None
        settings = self.runtime.settings
        raised = await asyncio.to_thread(supervision.scan, self.runtime.session_factory, today=today,
                                         warning_days=getattr(settings, "supervision_warning_days", 1))
        self.runtime.events_written()
        return cases_pb2.RunSupervisionScanResponse(warnings=raised["warning"], yellow_cards=raised["yellow"],
                                                    red_cards=raised["red"], deemed_accepted=raised["deemed_accepted"])


def _case_of(session: Session, case_number: str, _result: Any) -> Case:
    return domain.find_case(session, case_number)


def _kind(message: cases_pb2.Case) -> str:
    return cases_pb2.CaseKind.Name(message.service_item.case_kind).removeprefix("CASE_KIND_").lower()
