"""Protobuf <-> domain for the cases service, the only place that maps between them: requests
become the use cases' inputs, rows become messages (identifiers leave masked)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from servicehall.cases.v1 import cases_pb2
from services.cases import clock, joint, lifecycle
from services.cases.access import CaseFilter
from services.cases.catalog import newest_version
from services.cases.consultations import ConsultationView
from services.cases.guide import ServiceGuide
from services.cases.intake import ApplicantInput
from services.cases.models import (
    AgencyAssignment,
    Case,
    CaseTransition,
    ClockPause,
    Department,
    SealUse,
    ServiceItemVersion,
    Voucher,
    WindowSeal,
)
from services.cases.queries import material_waivers, materials_missing
from services.cases.seals import SealReconciliation
from shared.errors import FieldViolation, InvalidArgument
from shared.masking import mask_email, mask_id_card, mask_phone
from shared.timeutil import SHANGHAI, to_timestamp
from shared.validation import parse_day

KINDS = {
    "instant": cases_pb2.CASE_KIND_INSTANT,
    "committed": cases_pb2.CASE_KIND_COMMITTED,
    "joint": cases_pb2.CASE_KIND_JOINT,
}
# EnumTypeWrapper.Value is typed as a plain int; the values are CaseStatus members.
STATUSES = {
    name: cast(cases_pb2.CaseStatus, cases_pb2.CaseStatus.Value(f"CASE_STATUS_{name.upper()}"))
    for name in lifecycle.STATES
}


# ---------------------------------------------------------------------- requests -> inputs
def applicant_input(message: cases_pb2.Applicant) -> ApplicantInput:
    return ApplicantInput(
        name=message.name,
        id_card_number=message.id_card_number,
        phone=message.phone,
        email=message.email,
        enterprise_code=message.enterprise_code,
    )


def optional_day(value: str, field: str) -> date | None:
    """An empty field is no day (the use case's default)."""
    return parse_day(value, field) if value else None


def period(since: str, until: str) -> tuple[datetime, datetime]:
    """Hall days [since, until) as instants (midnight in Asia/Shanghai)."""
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
    first, last = (datetime.combine(d, time(0), tzinfo=SHANGHAI) for d in days)
    return first, last


def page_after(token: str) -> int:
    """The id a page continues after: the next_page_token a previous page returned."""
    try:
        return int(token or 0)
    except ValueError:
        raise InvalidArgument(
            "bad page token", [FieldViolation("page_token", "use the token a page returned")]
        ) from None


def case_filter(request: cases_pb2.ListCasesRequest) -> CaseFilter:
    return CaseFilter(
        department_code=request.department_code,
        status=request.status,
        supervision_level=request.supervision_level,
        window_code=request.window_code,
    )


def item_definition(request: cases_pb2.UpsertServiceItemRequest) -> dict[str, Any]:
    """The item as an entry of the catalog file (the same keys), for the file's rules
    (catalog_rules.parse_item). A text left empty is left out, so that the rules call it
    required; a number or a flag is always there (0 and false are values); a material's
    count left out (0) is 1, as in the file."""
    item = request.item
    entry: dict[str, Any] = {
        key: value
        for key, value in (
            ("code", item.code),
            ("name", item.name),
            ("department", item.department),
            ("window", item.window),
            ("type", item.type),
            ("kind", item.kind),
            ("effective_from", item.effective_from),
        )
        if value
    }
    entry.update(
        statutory_days=item.statutory_days,
        promised_days=item.promised_days,
        needs_seal=item.needs_seal,
        materials=[{"name": m.name, "form": m.form, **({"count": m.count} if m.count else {})} for m in item.materials],
        fees=list(item.fees),
        form_fields=[{"name": f.name, "label": f.label, "required": f.required} for f in item.form_fields],
        joint_departments=list(item.joint_departments),
    )
    return entry


# ------------------------------------------------------------------------ rows -> messages
def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def kind_name(kind: cases_pb2.CaseKind) -> str:
    """The case kind of a message by its catalog name (instant, committed, joint)."""
    return cases_pb2.CaseKind.Name(kind).removeprefix("CASE_KIND_").lower()


def item_message(session: Session, version: ServiceItemVersion) -> cases_pb2.ServiceItem:
    """An item as one version of its rules says it: the listing and the guide (the version in
    force), a case (the version it was received under), the versions of an item, an upsert."""
    department = session.get(Department, version.department_code)
    return cases_pb2.ServiceItem(
        code=version.code,
        name=version.name,
        department_code=version.department_code,
        department_name=department.name if department else version.department_code,
        window_code=version.window_code,
        case_kind=KINDS[version.case_kind],
        statutory_days=version.statutory_days,
        promised_days=version.promised_days,
        version=version.version,
        fee_item_codes=list(version.fee_item_codes or []),
        needs_seal=bool(version.needs_seal),
        effective_from=version.effective_from.isoformat(),
        materials=[
            cases_pb2.Material(name=str(m["name"]), form=str(m["form"]), count=int(m.get("count", 1)))
            for m in version.materials or []
        ],
    )


def items_message(session: Session, versions: Iterable[ServiceItemVersion]) -> cases_pb2.ListServiceItemsResponse:
    """Items, each as one version of it (the listing: the version in force; ListItemVersions:
    every version of one item)."""
    return cases_pb2.ListServiceItemsResponse(items=[item_message(session, v) for v in versions])


def guide_message(session: Session, guide: ServiceGuide) -> cases_pb2.ServiceGuide:
    return cases_pb2.ServiceGuide(item=item_message(session, guide.version), text=guide.text)


def case_message(session: Session, case: Case, *, query_code: str = "") -> cases_pb2.Case:
    # The version the case was received under (a case without one: its item's newest).
    version = session.get(ServiceItemVersion, case.item_version_id) if case.item_version_id else None
    version = version or newest_version(session, case.service_item_code)
    assert version is not None  # an item is written with its first version
    waivers = material_waivers(session, case)
    paused = session.scalar(
        sa.select(sa.func.count())
        .select_from(ClockPause)
        .where(ClockPause.case_id == case.id, ClockPause.ended_on.is_(None))
    )
    message = cases_pb2.Case(
        case_number=case.case_number,
        query_code=query_code,
        service_item=item_message(session, version),
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
            cases_pb2.JointTask(
                department_code=t.department_code,
                item_code=t.item_code,
                status=t.status,
                due_on=_day(t.due_on),
                decided_by=t.decided_by,
                reason=t.reason,
                due_provisional=bool(t.due_provisional),
            )
            for t in joint.tasks(session, case)
        ],
        clock_paused=bool(paused),
        fees_settled=case.fees_settled_at is not None,
        materials_supplied=list(case.materials_supplied or []),
        form_code=case.form_code,
        due_note=clock.due_note(session, case),
        material_waivers=[
            cases_pb2.MaterialWaiver(
                material=w.material, waived_by=w.waived_by, reason=w.reason, waived_at=to_timestamp(w.waived_at)
            )
            for w in waivers
        ],
        materials_missing=materials_missing(session, case, waivers),
    )
    if case.sealed_at:
        message.sealed_at.CopyFrom(to_timestamp(case.sealed_at))
    if case.concluded_at:
        message.concluded_at.CopyFrom(to_timestamp(case.concluded_at))
    return message


def cases_message(session: Session, cases: Iterable[Case], *, next_after: int = 0) -> cases_pb2.ListCasesResponse:
    """A list of cases; next_after is the id the next page continues after (0: the last page)."""
    return cases_pb2.ListCasesResponse(
        cases=[case_message(session, c) for c in cases], next_page_token=str(next_after) if next_after else ""
    )


def transition_message(row: CaseTransition) -> cases_pb2.Transition:
    return cases_pb2.Transition(
        from_status=row.from_status,
        to_status=row.to_status,
        actor=row.actor,
        reason=row.reason,
        at=to_timestamp(row.at),
        event=row.event or "",
    )


def history_message(case_number: str, rows: Iterable[CaseTransition]) -> cases_pb2.CaseHistory:
    return cases_pb2.CaseHistory(case_number=case_number, transitions=[transition_message(t) for t in rows])


def voucher_message(row: Voucher) -> cases_pb2.Voucher:
    return cases_pb2.Voucher(
        number=row.number,
        kind=row.kind,
        title=row.title,
        content=row.content,
        issued_by=row.issued_by,
        issued_at=to_timestamp(row.issued_at),
    )


def vouchers_message(rows: Iterable[Voucher]) -> cases_pb2.ListVouchersResponse:
    return cases_pb2.ListVouchersResponse(vouchers=[voucher_message(v) for v in rows])


def scan_message(raised: dict[str, int]) -> cases_pb2.RunSupervisionScanResponse:
    return cases_pb2.RunSupervisionScanResponse(
        warnings=raised["warning"],
        yellow_cards=raised["yellow"],
        red_cards=raised["red"],
        deemed_accepted=raised["deemed_accepted"],
    )


def seal_message(row: WindowSeal) -> cases_pb2.Seal:
    return cases_pb2.Seal(
        code=row.code,
        window_code=row.window_code,
        department_code=row.department_code,
        name=row.name,
        active=row.active,
    )


def seals_message(rows: Iterable[WindowSeal]) -> cases_pb2.ListSealsResponse:
    return cases_pb2.ListSealsResponse(seals=[seal_message(r) for r in rows])


def seal_use_message(row: SealUse) -> cases_pb2.SealUse:
    return cases_pb2.SealUse(
        seal_code=row.seal_code,
        case_number=row.case_number,
        staff_id=row.staff_id,
        used_at=to_timestamp(row.used_at),
        note=row.note,
    )


def reconciliation_message(found: SealReconciliation) -> cases_pb2.SealReconciliation:
    return cases_pb2.SealReconciliation(
        cases_concluded_without_seal=[c.case_number for c in found.cases_concluded_without_seal],
        seal_uses_without_case=[seal_use_message(u) for u in found.seal_uses_without_case],
    )


def assignment_message(row: AgencyAssignment) -> cases_pb2.AgencyAssignment:
    message = cases_pb2.AgencyAssignment(
        enterprise_code=row.enterprise_code,
        agent_staff_id=row.agent_staff_id,
        assigned_by=row.assigned_by,
        assigned_at=to_timestamp(row.assigned_at),
        note=row.note,
    )
    if row.ended_at:
        message.ended_at.CopyFrom(to_timestamp(row.ended_at))
    return message


def assignments_message(rows: Iterable[AgencyAssignment]) -> cases_pb2.AssignmentHistory:
    return cases_pb2.AssignmentHistory(assignments=[assignment_message(a) for a in rows])


def consultation_message(view: ConsultationView) -> cases_pb2.Consultation:
    return cases_pb2.Consultation(
        id=view.id,
        department_code=view.department_code,
        window_code=view.window_code,
        asker=view.asker,
        topic=view.topic,
        answered_by=view.answered_by,
        owner_staff_id=view.owner_staff_id,
        asked_at=to_timestamp(view.asked_at),
    )


def counts_message(by_window: dict[str, int]) -> cases_pb2.ConsultationCounts:
    return cases_pb2.ConsultationCounts(by_window=by_window)
