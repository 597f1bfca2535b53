"""Staff registers kept by the cases service: window seals, consultations, agency."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, status
from pydantic import BaseModel, Field

from gateway import schemas
from gateway.dependencies import CallerMetadata, Clients
from servicehall.cases.v1 import cases_pb2

router = APIRouter(prefix="/api/v1", tags=["registers"])

Code = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]
Day = Annotated[str, Query(pattern=r"^\d{4}-\d{2}-\d{2}$", description="YYYY-MM-DD (Asia/Shanghai)")]


class SealOut(BaseModel):
    code: str
    window_code: str
    department_code: str
    name: str
    active: bool


class SealUseIn(schemas.Strict):
    case_number: str = Field("", max_length=40)
    note: str = Field("", max_length=2000)


class SealUseOut(BaseModel):
    seal_code: str
    case_number: str
    staff_id: str
    used_at: datetime
    note: str


class SealReconciliationOut(BaseModel):
    cases_concluded_without_seal: list[str]
    seal_uses_without_case: list[SealUseOut]


class ConsultationIn(schemas.Strict):
    window_code: str = Field(min_length=1, max_length=20)
    asker: str = Field(min_length=1, max_length=100)
    topic: str = Field(min_length=1, max_length=2000)


class HandoverIn(schemas.Strict):
    to_staff_id: str = Field(min_length=1, max_length=40)
    note: str = Field("", max_length=2000)


class ConsultationOut(BaseModel):
    id: int
    department_code: str
    window_code: str
    asker: str
    topic: str
    answered_by: str
    owner_staff_id: str
    asked_at: datetime


class AssignmentIn(schemas.Strict):
    enterprise_code: str = Field(min_length=18, max_length=18)
    agent_staff_id: str = Field(min_length=1, max_length=40)
    note: str = Field("", max_length=2000)


class AssignmentOut(BaseModel):
    enterprise_code: str
    agent_staff_id: str
    assigned_by: str
    assigned_at: datetime
    ended_at: datetime | None
    note: str


def _use(row: cases_pb2.SealUse) -> SealUseOut:
    return SealUseOut(seal_code=row.seal_code, case_number=row.case_number, staff_id=row.staff_id,
                      used_at=schemas.shown(row.used_at), note=row.note)


def _consultation(row: cases_pb2.Consultation) -> ConsultationOut:
    return ConsultationOut(id=row.id, department_code=row.department_code, window_code=row.window_code, asker=row.asker,
                           topic=row.topic, answered_by=row.answered_by, owner_staff_id=row.owner_staff_id,
                           asked_at=schemas.shown(row.asked_at))


def _assignment(row: cases_pb2.AgencyAssignment) -> AssignmentOut:
    return AssignmentOut(enterprise_code=row.enterprise_code, agent_staff_id=row.agent_staff_id,
                         assigned_by=row.assigned_by, assigned_at=schemas.shown(row.assigned_at),
                         ended_at=schemas.shown(row.ended_at) if row.HasField("ended_at") else None, note=row.note)


@router.get("/windows/{window_code}/seals", response_model=list[SealOut])
async def list_seals(window_code: Code, clients: Clients, caller: CallerMetadata) -> list[SealOut]:
    answer = await clients.seals.ListSeals(cases_pb2.ListSealsRequest(window_code=window_code),
                                           timeout=clients.timeout, metadata=caller)
    return [SealOut(code=s.code, window_code=s.window_code, department_code=s.department_code, name=s.name,
                    active=s.active) for s in answer.seals]


@router.post("/seals/{seal_code}/uses", status_code=status.HTTP_201_CREATED, response_model=SealUseOut)
async def use_seal(seal_code: Code, body: SealUseIn, clients: Clients, caller: CallerMetadata) -> SealUseOut:
    """Log a use of the window approval seal (on a case's approved result, or with a note)."""
    answer = await clients.seals.UseSeal(cases_pb2.UseSealRequest(seal_code=seal_code, case_number=body.case_number,
                                                                  note=body.note),
                                         timeout=clients.timeout, metadata=caller)
    return _use(answer)


@router.get("/seals/reconciliation", response_model=SealReconciliationOut)
async def reconcile_seals(since: Day, until: Day, clients: Clients, caller: CallerMetadata) -> SealReconciliationOut:
    answer = await clients.seals.ReconcileSeals(cases_pb2.ReconcileSealsRequest(since=since, until=until),
                                                timeout=clients.timeout, metadata=caller)
    return SealReconciliationOut(cases_concluded_without_seal=list(answer.cases_concluded_without_seal),
                                 seal_uses_without_case=[_use(u) for u in answer.seal_uses_without_case])


@router.post("/consultations", status_code=status.HTTP_201_CREATED, response_model=ConsultationOut)
async def record_consultation(body: ConsultationIn, clients: Clients, caller: CallerMetadata) -> ConsultationOut:
    """The staff member who answers first owns the matter (首问负责制)."""
    answer = await clients.consultations.RecordConsultation(
        cases_pb2.RecordConsultationRequest(window_code=body.window_code, asker=body.asker, topic=body.topic),
        timeout=clients.timeout, metadata=caller)
    return _consultation(answer)


@router.post("/consultations/{consultation_id}/handover", response_model=ConsultationOut)
async def hand_over(consultation_id: Annotated[int, Path(ge=1)], body: HandoverIn, clients: Clients,
                    caller: CallerMetadata) -> ConsultationOut:
    answer = await clients.consultations.HandOverConsultation(
        cases_pb2.HandOverConsultationRequest(consultation_id=consultation_id, to_staff_id=body.to_staff_id,
                                              note=body.note),
        timeout=clients.timeout, metadata=caller)
    return _consultation(answer)


@router.get("/consultations/counts", response_model=dict[str, int])
async def count_consultations(since: Day, until: Day, clients: Clients, caller: CallerMetadata) -> dict[str, int]:
    answer = await clients.consultations.CountConsultations(
        cases_pb2.CountConsultationsRequest(since=since, until=until), timeout=clients.timeout, metadata=caller)
    return dict(answer.by_window)


@router.post("/agency/assignments", status_code=status.HTTP_201_CREATED, response_model=AssignmentOut)
async def assign_agent(body: AssignmentIn, clients: Clients, caller: CallerMetadata) -> AssignmentOut:
    """Full-process agency: the agent carries the enterprise's cases from now on."""
    answer = await clients.agency.AssignAgent(
        cases_pb2.AssignAgentRequest(enterprise_code=body.enterprise_code, agent_staff_id=body.agent_staff_id,
                                     note=body.note),
        timeout=clients.timeout, metadata=caller)
    return _assignment(answer)


@router.get("/agents/{agent_staff_id}/caseload", response_model=schemas.CaseList)
async def agent_caseload(agent_staff_id: Code, clients: Clients, caller: CallerMetadata) -> schemas.CaseList:
    answer = await clients.agency.ListAgentCaseload(cases_pb2.ListAgentCaseloadRequest(agent_staff_id=agent_staff_id),
                                                    timeout=clients.timeout, metadata=caller)
    return schemas.CaseList(cases=[schemas.case_out(c) for c in answer.cases], next_page_token=None)


@router.get("/enterprises/{enterprise_code}/agency-history", response_model=list[AssignmentOut])
async def agency_history(enterprise_code: Code, clients: Clients, caller: CallerMetadata) -> list[AssignmentOut]:
    answer = await clients.agency.GetAssignmentHistory(
        cases_pb2.GetAssignmentHistoryRequest(enterprise_code=enterprise_code), timeout=clients.timeout,
        metadata=caller)
    return [_assignment(a) for a in answer.assignments]
