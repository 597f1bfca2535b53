"""Staff registers kept by the cases service: window seals, consultations, agency."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from gateway.dependencies import Clients, StaffCall
from gateway.idempotency import IdempotencyKey
from gateway.routing import GatewayRoute
from gateway.schemas.base import MAX_EXACT
from gateway.schemas.cases import CaseList
from gateway.schemas.registers import (
    AssignmentIn,
    AssignmentOut,
    ConsultationIn,
    ConsultationOut,
    HandoverIn,
    SealOut,
    SealReconciliationOut,
    SealUseIn,
    SealUseOut,
    assignment_history_out,
    assignment_out,
    caseload_out,
    consultation_counts_out,
    consultation_out,
    seal_list_out,
    seal_reconciliation_out,
    seal_use_out,
)
from servicehall.cases.v1 import cases_pb2

router = APIRouter(prefix="/api/v1", tags=["registers"], route_class=GatewayRoute)

Code = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]
# uint64 in the proto, a BIGINT in the database; bounded like every integer (MAX_EXACT).
ConsultationId = Annotated[int, Path(ge=1, le=MAX_EXACT)]
Day = Annotated[str, Query(pattern=r"^\d{4}-\d{2}-\d{2}$", max_length=10, description="YYYY-MM-DD (Asia/Shanghai)")]


@router.get("/windows/{window_code}/seals", response_model=list[SealOut])
async def list_seals(window_code: Code, clients: Clients, call: StaffCall) -> list[SealOut]:
    return seal_list_out(await call(clients.seals.ListSeals, cases_pb2.ListSealsRequest(window_code=window_code)))


@router.post("/seals/{seal_code}/uses", status_code=status.HTTP_201_CREATED, response_model=SealUseOut)
async def use_seal(
    seal_code: Code, body: SealUseIn, clients: Clients, call: StaffCall, _key: IdempotencyKey
) -> SealUseOut:
    """Log a use of the window approval seal (on a case's approved result, or with a note)."""
    return seal_use_out(
        await call(
            clients.seals.UseSeal,
            cases_pb2.UseSealRequest(
                seal_code=seal_code,
                case_number=body.case_number,
                note=body.note,
            ),
        )
    )


@router.get("/seals/reconciliation", response_model=SealReconciliationOut)
async def reconcile_seals(since: Day, until: Day, clients: Clients, call: StaffCall) -> SealReconciliationOut:
    return seal_reconciliation_out(
        await call(clients.seals.ReconcileSeals, cases_pb2.ReconcileSealsRequest(since=since, until=until))
    )


@router.post("/consultations", status_code=status.HTTP_201_CREATED, response_model=ConsultationOut)
async def record_consultation(
    body: ConsultationIn, clients: Clients, call: StaffCall, _key: IdempotencyKey
) -> ConsultationOut:
    """The staff member who answers first owns the matter (首问负责制)."""
    return consultation_out(
        await call(
            clients.consultations.RecordConsultation,
            cases_pb2.RecordConsultationRequest(
                window_code=body.window_code,
                asker=body.asker,
                topic=body.topic,
            ),
        )
    )


@router.post("/consultations/{consultation_id}/handover", response_model=ConsultationOut)
async def hand_over(
    consultation_id: ConsultationId,
    body: HandoverIn,
    clients: Clients,
    call: StaffCall,
) -> ConsultationOut:
    return consultation_out(
        await call(
            clients.consultations.HandOverConsultation,
            cases_pb2.HandOverConsultationRequest(
                consultation_id=consultation_id,
                to_staff_id=body.to_staff_id,
                note=body.note,
            ),
        )
    )


@router.get("/consultations/counts", response_model=dict[str, int])
async def count_consultations(since: Day, until: Day, clients: Clients, call: StaffCall) -> dict[str, int]:
    return consultation_counts_out(
        await call(
            clients.consultations.CountConsultations, cases_pb2.CountConsultationsRequest(since=since, until=until)
        )
    )


@router.post("/agency/assignments", status_code=status.HTTP_201_CREATED, response_model=AssignmentOut)
async def assign_agent(body: AssignmentIn, clients: Clients, call: StaffCall, _key: IdempotencyKey) -> AssignmentOut:
    """Full-process agency: the agent carries the enterprise's cases from now on."""
    return assignment_out(
        await call(
            clients.agency.AssignAgent,
            cases_pb2.AssignAgentRequest(
                enterprise_code=body.enterprise_code,
                agent_staff_id=body.agent_staff_id,
                note=body.note,
            ),
        )
    )


@router.get("/agents/{agent_staff_id}/caseload", response_model=CaseList)
async def agent_caseload(agent_staff_id: Code, clients: Clients, call: StaffCall) -> CaseList:
    return caseload_out(
        await call(clients.agency.ListAgentCaseload, cases_pb2.ListAgentCaseloadRequest(agent_staff_id=agent_staff_id))
    )


@router.get("/enterprises/{enterprise_code}/agency-history", response_model=list[AssignmentOut])
async def agency_history(enterprise_code: Code, clients: Clients, call: StaffCall) -> list[AssignmentOut]:
    return assignment_history_out(
        await call(
            clients.agency.GetAssignmentHistory, cases_pb2.GetAssignmentHistoryRequest(enterprise_code=enterprise_code)
        )
    )
