"""Domain rows -> protobuf messages for the cases service (identifiers leave masked)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.cases import joint, lifecycle
from services.cases.models import Case, CaseTransition, ClockPause, ServiceItem, ServiceItemVersion, Voucher
from servicehall.cases.v1 import cases_pb2
from shared.masking import mask_email, mask_id_card, mask_phone
from shared.timeutil import to_timestamp

KINDS = {
    "instant": cases_pb2.CASE_KIND_INSTANT,
    "committed": cases_pb2.CASE_KIND_COMMITTED,
    "joint": cases_pb2.CASE_KIND_JOINT,
}
STATUSES = {name: cases_pb2.CaseStatus.Value(f"CASE_STATUS_{name.upper()}") for name in lifecycle.STATES}


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def item_message(item: ServiceItem, version: ServiceItemVersion | None = None) -> cases_pb2.ServiceItem:
    source = version or item
    return cases_pb2.ServiceItem(
        code=item.code,
        name=source.name,
        department_code=item.department_code,
        department_name=item.department.name,
        window_code=source.window_code,
        case_kind=KINDS[source.case_kind],
        statutory_days=source.statutory_days,
        promised_days=source.promised_days,
        version=version.version if version else item.current_version,
        fee_item_codes=list(version.fee_item_codes or []) if version else [],
        needs_seal=bool(version.needs_seal) if version else False,
    )


def case_message(session: Session, case: Case, *, query_code: str = "") -> cases_pb2.Case:
    item = session.get(ServiceItem, case.service_item_code)
    assert item is not None  # foreign key
    version = session.get(ServiceItemVersion, case.item_version_id) if case.item_version_id else None
    paused = session.scalar(
        sa.select(sa.func.count()).select_from(ClockPause).where(ClockPause.case_id == case.id, ClockPause.ended_on.is_(None))
    )
    message = cases_pb2.Case(
        case_number=case.case_number,
        query_code=query_code,
        service_item=item_message(item, version),
        applicant=cases_pb2.Applicant(
            name=case.applicant_name,
            id_card_number=mask_id_card(case.applicant_id_card_number),
            phone=mask_phone(case.applicant_phone) if case.applicant_phone else "",
            email=mask_email(case.applicant_email),
            enterprise_code=case.enterprise_code,
        ),
        status=STATUSES[case.status],
        submitted_at=to_timestamp(case.submitted_at),
        remarks=case.remarks,
        accepted_on=_day(case.accepted_on),
        promised_due=_day(case.promised_due),
        statutory_due=_day(case.statutory_due),
        due_provisional=case.due_provisional,
        supervision_level=case.supervision_level,
        joint_tasks=[
            cases_pb2.JointTask(department_code=t.department_code, item_code=t.item_code, status=t.status,
                                due_on=_day(t.due_on), decided_by=t.decided_by, reason=t.reason)
            for t in joint.tasks(session, case)
        ],
        clock_paused=bool(paused),
        fees_settled=case.fees_settled_at is not None,
        materials_supplied=list(case.materials_supplied or []),
        form_code=case.form_code,
    )
    if case.sealed_at:
        message.sealed_at.CopyFrom(to_timestamp(case.sealed_at))
    if case.concluded_at:
        message.concluded_at.CopyFrom(to_timestamp(case.concluded_at))
    return message


def transition_message(row: CaseTransition) -> cases_pb2.Transition:
    return cases_pb2.Transition(from_status=row.from_status, to_status=row.to_status, actor=row.actor,
                                reason=row.reason, at=to_timestamp(row.at))


def voucher_message(row: Voucher) -> cases_pb2.Voucher:
    return cases_pb2.Voucher(number=row.number, kind=row.kind, title=row.title, content=row.content,
                             issued_by=row.issued_by, issued_at=to_timestamp(row.issued_at))
