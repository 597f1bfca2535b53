"""gRPC <-> domain for the cases service's registers: catalog administration, seals,
agency and consultations (the case lifecycle is in servicer.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

import grpc
from google.protobuf import json_format
from sqlalchemy.orm import Session

from services.cases import agency, catalog, consultations, domain, events, guide, seals
from services.cases.messages import case_message, item_message
from services.cases.models import AgencyAssignment, SealUse, ServiceItem, WindowSeal
from servicehall.cases.v1 import cases_pb2, cases_pb2_grpc
from shared.auth import Caller, caller_from_metadata
from shared.db import run_in_transaction
from shared.errors import FieldViolation, InvalidArgument, NotFound
from shared.runtime import Runtime
from shared.timeutil import SHANGHAI, shanghai_day, to_timestamp, utcnow

Context = grpc.aio.ServicerContext


class _Base:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def _run(self, context: Context, work: Callable[[Session, Caller], Any], *, write: bool) -> Any:
        caller = caller_from_metadata(context.invocation_metadata())
        if write:
            result = await asyncio.to_thread(run_in_transaction, self.runtime.session_factory, lambda s: work(s, caller))
            self.runtime.events_written()
            return result

        def read() -> Any:
            with self.runtime.session_factory() as session:
                return work(session, caller)

        return await asyncio.to_thread(read)


def _period(since: str, until: str) -> tuple[datetime, datetime]:
    """Hall days [since, until) as UTC instants."""
    problems, days = [], []
    for name, value in (("since", since), ("until", until)):
        try:
            days.append(date.fromisoformat(value))
        except ValueError:
            problems.append(FieldViolation(name, "must be YYYY-MM-DD"))
    if not problems and days[1] <= days[0]:
        problems.append(FieldViolation("until", "must be after since"))
    if problems:
        raise InvalidArgument("the period is invalid", problems)
    return tuple(datetime.combine(d, time(0), tzinfo=SHANGHAI) for d in days)  # type: ignore[return-value]


class CatalogServicer(_Base, cases_pb2_grpc.CatalogServiceServicer):
    async def ListServiceItems(self, request, context):  # noqa: N802 (generated names)
        def read(session: Session, _caller: Caller) -> cases_pb2.ListServiceItemsResponse:
            import sqlalchemy as sa

            query = sa.select(ServiceItem).order_by(ServiceItem.code)
            if request.department_code:
                query = query.where(ServiceItem.department_code == request.department_code)
            return cases_pb2.ListServiceItemsResponse(items=[item_message(i) for i in session.scalars(query)])

        return await self._run(context, read, write=False)

    async def GetServiceGuide(self, request, context):  # noqa: N802
        def read(session: Session, _caller: Caller) -> cases_pb2.ServiceGuide:
            item = session.get(ServiceItem, request.service_item_code)
            if item is None:
                raise NotFound("no such service item", [FieldViolation("service_item_code", "not in the catalog")])
            version = catalog.version_in_force(session, item.code, shanghai_day(utcnow()))
            return cases_pb2.ServiceGuide(item=item_message(item, version), text=guide.render_guide_text(session, item.code))

        return await self._run(context, read, write=False)

    async def UpsertServiceItem(self, request, context):  # noqa: N802
        definition = json_format.MessageToDict(request.definition, preserving_proto_field_name=True)

        def write(session: Session, caller: Caller) -> cases_pb2.ServiceItem:
            version = catalog.upsert_item(session, definition=definition, actor=caller)
            session.flush()
            item = session.get(ServiceItem, version.code)
            return item_message(item, version)

        return await self._run(context, write, write=True)

    async def ListItemVersions(self, request, context):  # noqa: N802
        def read(session: Session, _caller: Caller) -> cases_pb2.ListServiceItemsResponse:
            item = session.get(ServiceItem, request.service_item_code)
            if item is None:
                raise NotFound("no such service item", [FieldViolation("service_item_code", "not in the catalog")])
            return cases_pb2.ListServiceItemsResponse(
                items=[item_message(item, v) for v in catalog.list_versions(session, item.code)]
            )

        return await self._run(context, read, write=False)


def _seal(row: WindowSeal) -> cases_pb2.Seal:
    return cases_pb2.Seal(code=row.code, window_code=row.window_code, department_code=row.department_code,
                          name=row.name, active=row.active)


def _seal_use(row: SealUse) -> cases_pb2.SealUse:
    return cases_pb2.SealUse(seal_code=row.seal_code, case_number=row.case_number, staff_id=row.staff_id,
                             used_at=to_timestamp(row.used_at), note=row.note)


class SealServicer(_Base, cases_pb2_grpc.SealServiceServicer):
    async def ListSeals(self, request, context):  # noqa: N802
        return await self._run(context, lambda s, c: cases_pb2.ListSealsResponse(
            seals=[_seal(r) for r in seals.list_seals(s, request.window_code)]), write=False)

    async def UseSeal(self, request, context):  # noqa: N802
        def write(session: Session, caller: Caller) -> cases_pb2.SealUse:
            caller.require_role("window_staff", "chief_representative")
            use = seals.use_seal(session, seal_code=request.seal_code, case_number=request.case_number,
                                 staff_id=caller.staff_id, caller_department=caller.department_code, note=request.note)
            seal = seals.get_seal(session, use.seal_code)
            case = domain.find_case(session, use.case_number) if use.case_number else None
            events.seal_used(session, case, seal_code=seal.code, window_code=seal.window_code,
                             department_code=seal.department_code, staff_id=caller.staff_id)
            return _seal_use(use)

        return await self._run(context, write, write=True)

    async def ReconcileSeals(self, request, context):  # noqa: N802
        since, until = _period(request.since, request.until)

        def read(session: Session, caller: Caller) -> cases_pb2.SealReconciliation:
            caller.require_role("manager", "efficiency_office")
            found = seals.reconcile_seals(session, since=since, until=until)
            return cases_pb2.SealReconciliation(
                cases_concluded_without_seal=[c.case_number for c in found.cases_concluded_without_seal],
                seal_uses_without_case=[_seal_use(u) for u in found.seal_uses_without_case],
            )

        return await self._run(context, read, write=False)


def _assignment(row: AgencyAssignment) -> cases_pb2.AgencyAssignment:
    message = cases_pb2.AgencyAssignment(enterprise_code=row.enterprise_code, agent_staff_id=row.agent_staff_id,
                                         assigned_by=row.assigned_by, assigned_at=to_timestamp(row.assigned_at),
                                         note=row.note)
    if row.ended_at:
        message.ended_at.CopyFrom(to_timestamp(row.ended_at))
    return message


class AgencyServicer(_Base, cases_pb2_grpc.AgencyServiceServicer):
    async def AssignAgent(self, request, context):  # noqa: N802
        def write(session: Session, caller: Caller) -> cases_pb2.AgencyAssignment:
            caller.require_role("manager", "chief_representative")
            return _assignment(agency.assign_agent(session, enterprise_code=request.enterprise_code,
                                                   agent_staff_id=request.agent_staff_id,
                                                   assigned_by=caller.staff_id, note=request.note))

        return await self._run(context, write, write=True)

    async def ListAgentCaseload(self, request, context):  # noqa: N802
        def read(session: Session, caller: Caller) -> cases_pb2.ListCasesResponse:
            if caller.staff_id != request.agent_staff_id:
                caller.require_role("manager", "chief_representative")
            return cases_pb2.ListCasesResponse(
                cases=[case_message(session, c) for c in agency.agent_caseload(session, request.agent_staff_id)]
            )

        return await self._run(context, read, write=False)

    async def GetAssignmentHistory(self, request, context):  # noqa: N802
        def read(session: Session, caller: Caller) -> cases_pb2.AssignmentHistory:
            caller.require_role("manager", "chief_representative", "window_staff")
            return cases_pb2.AssignmentHistory(
                assignments=[_assignment(a) for a in agency.assignment_history(session, request.enterprise_code)]
            )

        return await self._run(context, read, write=False)


def _consultation(view: consultations.ConsultationView) -> cases_pb2.Consultation:
    return cases_pb2.Consultation(id=view.id, department_code=view.department_code, window_code=view.window_code,
                                  asker=view.asker, topic=view.topic, answered_by=view.answered_by,
                                  owner_staff_id=view.owner_staff_id, asked_at=to_timestamp(view.asked_at))


class ConsultationServicer(_Base, cases_pb2_grpc.ConsultationServiceServicer):
    async def RecordConsultation(self, request, context):  # noqa: N802
        def write(session: Session, caller: Caller) -> cases_pb2.Consultation:
            caller.require_role("window_staff", "chief_representative")
            return _consultation(consultations.record_consultation(
                session, department_code=caller.department_code, window_code=request.window_code,
                asker=request.asker, topic=request.topic, staff_id=caller.staff_id))

        return await self._run(context, write, write=True)

    async def HandOverConsultation(self, request, context):  # noqa: N802
        def write(session: Session, caller: Caller) -> cases_pb2.Consultation:
            return _consultation(consultations.hand_over(
                session, consultation_id=request.consultation_id, from_staff_id=caller.staff_id,
                to_staff_id=request.to_staff_id, note=request.note))

        return await self._run(context, write, write=True)

    async def CountConsultations(self, request, context):  # noqa: N802
        since, until = _period(request.since, request.until)

        def read(session: Session, caller: Caller) -> cases_pb2.ConsultationCounts:
            caller.require_role("manager", "efficiency_office", "chief_representative")
            return cases_pb2.ConsultationCounts(by_window=consultations.count_by_window(session, since, until))

        return await self._run(context, read, write=False)
