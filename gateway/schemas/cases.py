"""HTTP shapes of the cases routes (applications, decisions, the catalog, notices to the
applicant), separate from the proto messages, and the conversions between them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from gateway.schemas.base import (
    DeclaredValue,
    FilledLine,
    FilledText,
    Key,
    Line,
    Strict,
    Text,
    enum_name,
    keys_named,
    shown,
)
from servicehall.cases.v1 import cases_pb2
from servicehall.notification.v1 import notification_pb2

# A material's name, as the catalog names it (services/cases/catalog_rules.py: at most 200).
Material = Annotated[FilledLine, Field(min_length=1, max_length=200)]
# A form field's value (services/cases/forms.py: at most 500 characters).
FormValue = Annotated[Line, Field(max_length=500)]
# The declared values an item's fees read, by name.
DeclaredValues = Annotated[
    dict[Key, DeclaredValue],
    Field(max_length=20, json_schema_extra=keys_named, description="integer units, e.g. declared_price_fen"),
]


class ApplicantIn(Strict):
    name: FilledLine = Field(min_length=1, max_length=50, examples=["张三"])
    id_card_number: FilledLine = Field(min_length=1, max_length=18, examples=["340723199001010019"])
    phone: Line = Field("", max_length=11, examples=["13812345678"])
    email: Line = Field("", max_length=200)
    enterprise_code: Line = Field("", max_length=18, description="unified social credit code of an enterprise")


class CaseSubmission(Strict):
    service_item_code: FilledLine = Field(min_length=1, max_length=40, examples=["AIC-002"])
    applicant: ApplicantIn
    remarks: Text = Field("", max_length=2000)
    materials_supplied: list[Material] = Field(default_factory=list, max_length=50)
    declared_values: DeclaredValues = Field(default_factory=dict)


class FormSubmission(Strict):
    applicant: ApplicantIn
    form_data: dict[Key, FormValue] = Field(default_factory=dict, max_length=50, json_schema_extra=keys_named)
    remarks: Text = Field("", max_length=2000)
    materials_supplied: list[Material] = Field(
        default_factory=list, max_length=50, description="the form item's materials handed in with the form"
    )


# The periods Art. 45 leaves out of the time limit, and correction (services/cases/deadlines.py).
PauseReason = Literal[
    "correction", "hearing", "tender", "auction", "testing", "inspection", "quarantine", "appraisal", "expert_review"
]
DAY_PATTERN = r"^\d{4}-\d{2}-\d{2}$"


class Reason(Strict):
    reason: Text = Field("", max_length=2000)


class OnTheSpot(Reason):
    seal_code: Line = Field(
        "",
        max_length=40,
        examples=["SEAL-AIC-01"],
        description="the window approval seal put on the result: required when the item needs the seal; "
        "a use of it already recorded for the case (POST /api/v1/seals/{code}/uses) is taken, else the use is "
        "logged now; see GET /api/v1/windows/{window_code}/seals",
    )


class Materials(Strict):
    """The one-time notice (一次性告知): the materials missing, and a note to the applicant."""

    materials: list[Material] = Field(default_factory=list, max_length=50)
    note: Text = Field("", max_length=2000)


class SuppliedMaterials(Strict):
    """Materials handed in after a correction notice (SupplyMaterials carries no note)."""

    materials: list[Material] = Field(default_factory=list, max_length=50)


class MaterialWaiverIn(Strict):
    """A chief representative's waiver of one required material, before acceptance."""

    material: Material
    reason: FilledText = Field(min_length=1, max_length=2000)


class JointDecision(Strict):
    approve: bool
    reason: Text = Field("", max_length=2000)


class PauseIn(Strict):
    reason: PauseReason
    note: Text = Field("", max_length=2000)
    expected_end: str = Field(
        pattern=DAY_PATTERN,
        max_length=10,
        examples=["2026-12-15"],
        description="the day the period is expected to end, today or later: the applicant is told it in writing",
    )


class ExtensionIn(Strict):
    extra_days: int = Field(ge=1, le=15)
    reason: FilledText = Field(min_length=1, max_length=2000)


class SupervisionOrderIn(Strict):
    due_on: str = Field(pattern=DAY_PATTERN, max_length=10, examples=["2026-12-15"])
    note: FilledText = Field(min_length=1, max_length=2000)


class MaterialOut(BaseModel):
    name: str
    form: str  # original | copy
    count: int


class ServiceItemOut(BaseModel):
    """An item as one version of its rules says it: in the listing and the guide, the version
    in force today; in a case, the version it was received under."""

    code: str
    name: str
    department_code: str
    department_name: str
    window_code: str
    case_kind: str
    statutory_days: int
    promised_days: int
    version: int
    fee_item_codes: list[str]
    needs_seal: bool
    effective_from: str
    materials: list[MaterialOut]


class JointTaskOut(BaseModel):
    department_code: str
    item_code: str
    status: str
    due_on: str | None
    decided_by: str
    reason: str
    due_provisional: bool = False


class MaterialWaiverOut(BaseModel):
    material: str
    waived_by: str
    reason: str
    waived_at: datetime


class ApplicantOut(BaseModel):
    name: str
    id_card_number: str = Field(description="masked")
    phone: str = Field(description="masked")
    email: str = Field(description="masked")


class CaseOut(BaseModel):
    case_number: str
    query_code: str | None = Field(None, description="only in the answer to the submission")
    status: str
    service_item: ServiceItemOut
    applicant: ApplicantOut
    submitted_at: datetime
    remarks: str
    accepted_on: str | None = None
    promised_due: str | None = None
    statutory_due: str | None = None
    due_provisional: bool = False
    due_note: str | None = Field(None, description="the due dates in the applicant's words: paused, or provisional")
    supervision_level: str = "none"
    clock_paused: bool = False
    fees_settled: bool = False
    sealed_at: datetime | None = None
    concluded_at: datetime | None = None
    joint_tasks: list[JointTaskOut] = []
    form_code: str | None = None
    materials_missing: list[str] = Field([], description="required materials neither supplied nor waived")
    material_waivers: list[MaterialWaiverOut] = []


class CaseList(BaseModel):
    cases: list[CaseOut]
    next_page_token: str | None


class TransitionOut(BaseModel):
    from_status: str
    to_status: str
    event: str | None = Field(None, description="clock_paused | clock_resumed; none for a change of state")
    actor: str
    reason: str
    at: datetime


class History(BaseModel):
    case_number: str
    transitions: list[TransitionOut]


class VoucherOut(BaseModel):
    number: str
    kind: str
    title: str
    content: str
    issued_by: str
    issued_at: datetime


class VoucherList(BaseModel):
    vouchers: list[VoucherOut]


class Guide(BaseModel):
    item: ServiceItemOut
    text: str


class ScanResult(BaseModel):
    warnings: int
    yellow_cards: int
    red_cards: int
    deemed_accepted: int


class NoticeOut(BaseModel):
    notice_id: str
    case_number: str
    channel: str
    recipient: str = Field(description="masked")
    subject: str
    body: str
    created_at: datetime
    delivery_status: str = Field(description="stored | retrying | sent | failed")
    kind: str | None = None
    supersedes_notice_id: str | None = Field(None, description="the earlier notice this one corrects")


class NoticeList(BaseModel):
    notices: list[NoticeOut]


class ServiceItemList(BaseModel):
    items: list[ServiceItemOut]


# --- HTTP -> proto ------------------------------------------------------------------------------


def applicant_in(applicant: ApplicantIn) -> cases_pb2.Applicant:
    return cases_pb2.Applicant(**applicant.model_dump())


# --- proto -> HTTP ------------------------------------------------------------------------------


def item_out(item: cases_pb2.ServiceItem) -> ServiceItemOut:
    return ServiceItemOut(
        code=item.code,
        name=item.name,
        department_code=item.department_code,
        department_name=item.department_name,
        window_code=item.window_code,
        case_kind=enum_name(cases_pb2.CaseKind, item.case_kind, "CASE_KIND_"),
        statutory_days=item.statutory_days,
        promised_days=item.promised_days,
        version=item.version,
        fee_item_codes=list(item.fee_item_codes),
        needs_seal=item.needs_seal,
        effective_from=item.effective_from,
        materials=[MaterialOut(name=m.name, form=m.form, count=m.count) for m in item.materials],
    )


def case_out(case: cases_pb2.Case) -> CaseOut:
    return CaseOut(
        case_number=case.case_number,
        query_code=case.query_code or None,
        status=enum_name(cases_pb2.CaseStatus, case.status, "CASE_STATUS_"),
        service_item=item_out(case.service_item),
        applicant=ApplicantOut(
            name=case.applicant.name,
            id_card_number=case.applicant.id_card_number,
            phone=case.applicant.phone,
            email=case.applicant.email,
        ),
        submitted_at=shown(case.submitted_at),
        remarks=case.remarks,
        accepted_on=case.accepted_on or None,
        promised_due=case.promised_due or None,
        statutory_due=case.statutory_due or None,
        due_provisional=case.due_provisional,
        due_note=case.due_note or None,
        supervision_level=case.supervision_level or "none",
        clock_paused=case.clock_paused,
        fees_settled=case.fees_settled,
        sealed_at=shown(case.sealed_at) if case.HasField("sealed_at") else None,
        concluded_at=shown(case.concluded_at) if case.HasField("concluded_at") else None,
        joint_tasks=[
            JointTaskOut(
                department_code=t.department_code,
                item_code=t.item_code,
                status=t.status,
                due_on=t.due_on or None,
                decided_by=t.decided_by,
                reason=t.reason,
                due_provisional=t.due_provisional,
            )
            for t in case.joint_tasks
        ],
        form_code=case.form_code or None,
        materials_missing=list(case.materials_missing),
        material_waivers=[
            MaterialWaiverOut(material=w.material, waived_by=w.waived_by, reason=w.reason, waived_at=shown(w.waived_at))
            for w in case.material_waivers
        ],
    )


def transition_out(row: cases_pb2.Transition) -> TransitionOut:
    return TransitionOut(
        from_status=row.from_status,
        to_status=row.to_status,
        event=row.event or None,
        actor=row.actor,
        reason=row.reason,
        at=shown(row.at),
    )


def voucher_out(row: cases_pb2.Voucher) -> VoucherOut:
    return VoucherOut(
        number=row.number,
        kind=row.kind,
        title=row.title,
        content=row.content,
        issued_by=row.issued_by,
        issued_at=shown(row.issued_at),
    )


def notice_out(notice: notification_pb2.Notice) -> NoticeOut:
    return NoticeOut(
        notice_id=notice.notice_id,
        case_number=notice.case_number,
        channel=notice.channel,
        recipient=notice.recipient,
        subject=notice.subject,
        body=notice.body,
        created_at=shown(notice.created_at),
        delivery_status=notice.delivery_status or "stored",
        kind=notice.kind or None,
        supersedes_notice_id=notice.supersedes_notice_id or None,
    )


def case_list_out(answer: cases_pb2.ListCasesResponse) -> CaseList:
    return CaseList(cases=[case_out(c) for c in answer.cases], next_page_token=answer.next_page_token or None)


def history_out(answer: cases_pb2.CaseHistory) -> History:
    return History(case_number=answer.case_number, transitions=[transition_out(t) for t in answer.transitions])


def voucher_list_out(answer: cases_pb2.ListVouchersResponse) -> VoucherList:
    return VoucherList(vouchers=[voucher_out(v) for v in answer.vouchers])


def scan_result_out(answer: cases_pb2.RunSupervisionScanResponse) -> ScanResult:
    return ScanResult(
        warnings=answer.warnings,
        yellow_cards=answer.yellow_cards,
        red_cards=answer.red_cards,
        deemed_accepted=answer.deemed_accepted,
    )


def notice_list_out(answer: notification_pb2.ListNoticesResponse) -> NoticeList:
    return NoticeList(notices=[notice_out(n) for n in answer.notices])


def service_item_list_out(answer: cases_pb2.ListServiceItemsResponse) -> ServiceItemList:
    return ServiceItemList(items=[item_out(i) for i in answer.items])


def guide_out(answer: cases_pb2.ServiceGuide) -> Guide:
    return Guide(item=item_out(answer.item), text=answer.text)
