"""HTTP shapes of the staff registers (window seals, consultations, agency), separate from
the proto messages, and the conversions between them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from gateway.schemas.base import FilledLine, FilledText, Line, Strict, Text, shown
from gateway.schemas.cases import CaseList, case_out
from servicehall.cases.v1 import cases_pb2


class SealOut(BaseModel):
    code: str
    window_code: str
    department_code: str
    name: str
    active: bool


class SealUseIn(Strict):
    case_number: Line = Field("", max_length=40)
    note: Text = Field("", max_length=2000)


class SealUseOut(BaseModel):
    seal_code: str
    case_number: str
    staff_id: str
    used_at: datetime
    note: str


class SealReconciliationOut(BaseModel):
    cases_concluded_without_seal: list[str]
    seal_uses_without_case: list[SealUseOut]


class ConsultationIn(Strict):
    window_code: FilledLine = Field(min_length=1, max_length=20)
    asker: FilledLine = Field(min_length=1, max_length=100)
    topic: FilledText = Field(min_length=1, max_length=2000)


class HandoverIn(Strict):
    to_staff_id: FilledLine = Field(min_length=1, max_length=40)
    note: Text = Field("", max_length=2000)


class ConsultationOut(BaseModel):
    id: int
    department_code: str
    window_code: str
    asker: str
    topic: str
    answered_by: str
    owner_staff_id: str
    asked_at: datetime


class AssignmentIn(Strict):
    enterprise_code: FilledLine = Field(min_length=18, max_length=18)
    agent_staff_id: FilledLine = Field(min_length=1, max_length=40)
    note: Text = Field("", max_length=2000)


class AssignmentOut(BaseModel):
    enterprise_code: str
    agent_staff_id: str
    assigned_by: str
    assigned_at: datetime
    ended_at: datetime | None
    note: str


# --- proto -> HTTP ------------------------------------------------------------------------------


def seal_out(row: cases_pb2.Seal) -> SealOut:
    return SealOut(
        code=row.code,
        window_code=row.window_code,
        department_code=row.department_code,
        name=row.name,
        active=row.active,
    )


def seal_list_out(answer: cases_pb2.ListSealsResponse) -> list[SealOut]:
    return [seal_out(s) for s in answer.seals]


def seal_use_out(row: cases_pb2.SealUse) -> SealUseOut:
    return SealUseOut(
        seal_code=row.seal_code,
        case_number=row.case_number,
        staff_id=row.staff_id,
        used_at=shown(row.used_at),
        note=row.note,
    )


def seal_reconciliation_out(answer: cases_pb2.SealReconciliation) -> SealReconciliationOut:
    return SealReconciliationOut(
        cases_concluded_without_seal=list(answer.cases_concluded_without_seal),
        seal_uses_without_case=[seal_use_out(u) for u in answer.seal_uses_without_case],
    )


def consultation_out(row: cases_pb2.Consultation) -> ConsultationOut:
    return ConsultationOut(
        id=row.id,
        department_code=row.department_code,
        window_code=row.window_code,
        asker=row.asker,
        topic=row.topic,
        answered_by=row.answered_by,
        owner_staff_id=row.owner_staff_id,
        asked_at=shown(row.asked_at),
    )


def consultation_counts_out(answer: cases_pb2.ConsultationCounts) -> dict[str, int]:
    return dict(answer.by_window)


def assignment_out(row: cases_pb2.AgencyAssignment) -> AssignmentOut:
    return AssignmentOut(
        enterprise_code=row.enterprise_code,
        agent_staff_id=row.agent_staff_id,
        assigned_by=row.assigned_by,
        assigned_at=shown(row.assigned_at),
        ended_at=shown(row.ended_at) if row.HasField("ended_at") else None,
        note=row.note,
    )


def assignment_history_out(answer: cases_pb2.AssignmentHistory) -> list[AssignmentOut]:
    return [assignment_out(a) for a in answer.assignments]


def caseload_out(answer: cases_pb2.ListCasesResponse) -> CaseList:
    # The service answers an agent's whole caseload in one message: there is no next page.
    return CaseList(cases=[case_out(c) for c in answer.cases], next_page_token=None)
