"""The cases service's tables (its own database)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from shared.db import BigId, OutboxMessageMixin, ProcessedEventMixin, free_text
from shared.query_codes import QueryCodeAttemptMixin


class Base(DeclarativeBase):
    pass


class OutboxMessage(OutboxMessageMixin, Base):
    pass


class ProcessedEvent(ProcessedEventMixin, Base):
    pass


class QueryCodeAttempt(QueryCodeAttemptMixin, Base):
    """Wrong query codes per case number and its lockout (shared.query_codes)."""


class Department(Base):
    __tablename__ = "departments"

    code: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))


class Window(Base):
    __tablename__ = "windows"

    code: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    department_code: Mapped[str] = mapped_column(sa.ForeignKey("departments.code"))
    name: Mapped[str] = mapped_column(sa.String(100))


class ServiceItem(Base):
    """A catalog item's identity and its current version's headline (for listing)."""

    __tablename__ = "service_items"
    __table_args__ = (
        sa.CheckConstraint("promised_days <= statutory_days", name="ck_promised_within_statutory"),
        sa.CheckConstraint("case_kind IN ('instant', 'committed', 'joint')", name="ck_case_kind"),
    )

    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    department_code: Mapped[str] = mapped_column(sa.ForeignKey("departments.code"))
    window_code: Mapped[str] = mapped_column(sa.ForeignKey("windows.code"))
    case_kind: Mapped[str] = mapped_column(sa.String(20))
    # Working days; 0 for instant items (concluded on the spot).
    statutory_days: Mapped[int] = mapped_column(sa.Integer)
    promised_days: Mapped[int] = mapped_column(sa.Integer)
    current_version: Mapped[int] = mapped_column(sa.Integer, default=1)

    department: Mapped[Department] = relationship(lazy="joined")


class ServiceItemVersion(Base):
    """The rules of an item from a date on. A case keeps the version it was received under."""

    __tablename__ = "service_item_versions"
    __table_args__ = (
        sa.UniqueConstraint("code", "version", name="uq_item_version"),
        sa.CheckConstraint("promised_days <= statutory_days", name="ck_version_promised_within_statutory"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(sa.ForeignKey("service_items.code"))
    version: Mapped[int] = mapped_column(sa.Integer)
    effective_from: Mapped[date] = mapped_column(sa.Date)
    name: Mapped[str] = mapped_column(sa.String(200))
    department_code: Mapped[str] = mapped_column(sa.String(20))
    window_code: Mapped[str] = mapped_column(sa.String(20))
    item_type: Mapped[str] = mapped_column(sa.String(40))  # administrative_licence, public_service, ...
    case_kind: Mapped[str] = mapped_column(sa.String(20))
    statutory_days: Mapped[int] = mapped_column(sa.Integer)
    promised_days: Mapped[int] = mapped_column(sa.Integer)
    # [{"name": ..., "form": "original"|"copy", "count": n}]
    materials: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    fee_item_codes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    needs_seal: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    # [{"name": ..., "label": ..., "required": bool}]
    form_fields: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    # Joint items: the departments that approve in parallel (besides the lead department).
    joint_departments: Mapped[list[str]] = mapped_column(sa.JSON, default=list)


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_number: Mapped[str] = mapped_column(sa.String(40), unique=True)
    # Kept as a digest only (shared.auth.query_code_digest): the code itself went to the applicant.
    query_code_sha256: Mapped[str] = mapped_column(sa.String(64))
    service_item_code: Mapped[str] = mapped_column(sa.ForeignKey("service_items.code"))
    item_version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service_item_versions.id"))
    department_code: Mapped[str] = mapped_column(sa.String(20), index=True)
    window_code: Mapped[str] = mapped_column(sa.String(20))
    case_kind: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(30), index=True)
    applicant_name: Mapped[str] = mapped_column(sa.String(100))
    applicant_id_card_number: Mapped[str] = mapped_column(sa.String(18))
    applicant_phone: Mapped[str] = mapped_column(sa.String(20))
    applicant_email: Mapped[str] = mapped_column(sa.String(200))
    # An enterprise's unified social credit code, when an enterprise applies (agency).
    enterprise_code: Mapped[str] = mapped_column(sa.String(18), default="")
    remarks: Mapped[str] = mapped_column(sa.Text)
    submitted_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    received_by: Mapped[str] = mapped_column(sa.String(40), default="")
    materials_supplied: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    declared_values: Mapped[dict[str, int]] = mapped_column(sa.JSON, default=dict)
    form_data: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    form_code: Mapped[str] = mapped_column(sa.String(40), default="")
    accepted_on: Mapped[date | None] = mapped_column(sa.Date)
    # Due dates from the working-day clock, recomputed from the pause ledger and extensions.
    promised_due: Mapped[date | None] = mapped_column(sa.Date)
    statutory_due: Mapped[date | None] = mapped_column(sa.Date)
    due_provisional: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    supervision_level: Mapped[str] = mapped_column(sa.String(10), default="none")  # none|warning|yellow|red
    fees_settled_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    sealed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    concluded_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    agent_staff_id: Mapped[str] = mapped_column(sa.String(40), default="")
    # Optimistic lock: concurrent decisions on one case never overwrite each other.
    row_version: Mapped[int] = mapped_column(sa.Integer, default=1)

    __mapper_args__ = {"version_id_col": row_version}  # noqa: RUF012 (SQLAlchemy's declarative hook)

    item_version: Mapped[ServiceItemVersion | None] = relationship(lazy="joined")


class CaseTransition(Base):
    """The append-only history: who moved the case from which state to which, and why.
    Database triggers refuse UPDATE and DELETE on this table."""

    __tablename__ = "case_transitions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    from_status: Mapped[str] = mapped_column(sa.String(30))
    to_status: Mapped[str] = mapped_column(sa.String(30))
    actor: Mapped[str] = mapped_column(sa.String(40))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    # "" for a move between states; "clock_paused" / "clock_resumed" for the start and the end
    # of a pause (then from_status == to_status, and the reason says why and until when).
    event: Mapped[str] = mapped_column(sa.String(20), default="", server_default="")


class CorrectionNotice(Base):
    """The one-time notice (一次性告知): every missing material, once per submission."""

    __tablename__ = "correction_notices"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), unique=True)
    missing_materials: Mapped[list[str]] = mapped_column(sa.JSON)
    issued_by: Mapped[str] = mapped_column(sa.String(40))
    issued_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    supplied_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class MaterialWaiver(Base):
    """A required material the chief representative (首席代表) of the case's department waived
    for this case before acceptance, and why: a recorded fact, once per material. Database
    triggers refuse UPDATE and DELETE on this table."""

    __tablename__ = "material_waivers"
    __table_args__ = (sa.UniqueConstraint("case_id", "material", name="uq_waiver_once"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    material: Mapped[str] = mapped_column(sa.String(200))
    waived_by: Mapped[str] = mapped_column(sa.String(40))
    reason: Mapped[str] = mapped_column(sa.Text)
    waived_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class ClockPause(Base):
    """A period the deadline clock stands still: correction, or Art. 45 exclusions.

    ended_on is the last day not counted; a pause resumed on the day it began stopped no day
    and keeps its row (the applicant was told of it) with ended_on the day before started_on."""

    __tablename__ = "clock_pauses"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    # correction|hearing|tender|auction|testing|inspection|quarantine|appraisal|expert_review
    reason: Mapped[str] = mapped_column(sa.String(20))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    started_on: Mapped[date] = mapped_column(sa.Date)
    ended_on: Mapped[date | None] = mapped_column(sa.Date)
    started_by: Mapped[str] = mapped_column(sa.String(40))
    # The day the period is expected to end, told to the applicant (Art. 45); None before 0004.
    expected_end: Mapped[date | None] = mapped_column(sa.Date)
    resumed_by: Mapped[str] = mapped_column(sa.String(40), default="", server_default="")
    resumed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class Extension(Base):
    __tablename__ = "case_extensions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    extra_days: Mapped[int] = mapped_column(sa.Integer)
    approver: Mapped[str] = mapped_column(sa.String(40))
    reason: Mapped[str] = mapped_column(sa.Text)
    granted_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class Voucher(Base):
    """A dated written decision (受理通知书, 不予受理决定书, 准予/不予许可决定书, 补正告知书)."""

    __tablename__ = "vouchers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(sa.String(60), unique=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    # acceptance|rejection|correction|approval|denial|extension|pause|resumption
    kind: Mapped[str] = mapped_column(sa.String(20))
    title: Mapped[str] = mapped_column(sa.String(100))
    content: Mapped[str] = mapped_column(sa.Text)
    issued_by: Mapped[str] = mapped_column(sa.String(40))
    issued_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class SupervisionAlert(Base):
    """A supervision level raised on a case; the unique key makes each level happen once,
    whichever scanner replica gets there first."""

    __tablename__ = "supervision_alerts"
    __table_args__ = (sa.UniqueConstraint("case_id", "level", name="uq_alert_once"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"))
    level: Mapped[str] = mapped_column(sa.String(10))  # warning|yellow|red
    raised_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class SupervisionOrder(Base):
    """督办: a manager orders a late or stuck case to be finished by a date."""

    __tablename__ = "supervision_orders"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    issued_by: Mapped[str] = mapped_column(sa.String(40))
    due_on: Mapped[date] = mapped_column(sa.Date)
    note: Mapped[str] = mapped_column(sa.Text)
    issued_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class JointTask(Base):
    """One department's part of a joint case (并联审批), decided independently."""

    __tablename__ = "joint_tasks"
    __table_args__ = (sa.UniqueConstraint("case_id", "department_code", name="uq_task_department"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    department_code: Mapped[str] = mapped_column(sa.String(20))
    item_code: Mapped[str] = mapped_column(sa.String(40))
    status: Mapped[str] = mapped_column(sa.String(20), default="pending")  # pending|approved|denied
    # The department's projection of the one form.
    form_data: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    # The department's deadline: its item's promised limit with the case's pauses and
    # extension (clock.recompute); None while an open pause holds the clock.
    due_on: Mapped[date | None] = mapped_column(sa.Date)
    due_provisional: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())
    decided_by: Mapped[str] = mapped_column(sa.String(40), default="")
    decided_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    reason: Mapped[str] = mapped_column(sa.Text, default="")


class WindowSeal(Base):
    """窗口审批专用公章: the register of each window's seals."""

    __tablename__ = "window_seals"

    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    window_code: Mapped[str] = mapped_column(sa.String(20))
    department_code: Mapped[str] = mapped_column(sa.String(20))
    name: Mapped[str] = mapped_column(sa.String(200))
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)


class SealUse(Base):
    __tablename__ = "seal_uses"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    seal_code: Mapped[str] = mapped_column(sa.ForeignKey("window_seals.code"))
    # Empty for a use that names no case: the reconciliation lists those.
    case_number: Mapped[str] = mapped_column(sa.String(40), default="", index=True)
    staff_id: Mapped[str] = mapped_column(sa.String(40))
    used_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    note: Mapped[str] = mapped_column(sa.Text, default="")


class AgencyAssignment(Base):
    """全程代理: an agent carries an enterprise's cases; each hand-over is a new row."""

    __tablename__ = "agency_assignments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    enterprise_code: Mapped[str] = mapped_column(sa.String(18), index=True)
    agent_staff_id: Mapped[str] = mapped_column(sa.String(40), index=True)
    assigned_by: Mapped[str] = mapped_column(sa.String(40))
    assigned_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    note: Mapped[str] = mapped_column(sa.Text, default="")


class Consultation(Base):
    """咨询, owned by the first staff member asked until an explicit hand-over."""

    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    department_code: Mapped[str] = mapped_column(sa.String(20), index=True)
    window_code: Mapped[str] = mapped_column(sa.String(20), index=True)
    asker: Mapped[str] = mapped_column(sa.String(100))
    topic: Mapped[str] = mapped_column(sa.Text)
    answered_by: Mapped[str] = mapped_column(sa.String(40))
    owner_staff_id: Mapped[str] = mapped_column(sa.String(40))
    asked_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class ConsultationHandover(Base):
    __tablename__ = "consultation_handovers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    consultation_id: Mapped[int] = mapped_column(sa.ForeignKey("consultations.id"), index=True)
    from_staff_id: Mapped[str] = mapped_column(sa.String(40))
    to_staff_id: Mapped[str] = mapped_column(sa.String(40))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class SubmissionKey(Base):
    """An Idempotency-Key a submission was made with, per caller: a retry of the same
    request (after a gateway deadline, say) finds its case instead of making a second one."""

    __tablename__ = "submission_keys"

    owner: Mapped[str] = mapped_column(sa.String(60), primary_key=True)  # staff id, client:<id> or anonymous
    # sha256 of the key: the key itself unseals the query code below, so it is not kept.
    key_sha256: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    request_fingerprint: Mapped[str] = mapped_column(sa.String(64))
    case_id: Mapped[int] = mapped_column(BigId, sa.ForeignKey("cases.id"))
    # The query code plus a pad only the key derives (mod 10**6): a replay can show the code
    # again, while the database alone still does not hold it (cases keep only its digest).
    sealed_query_code: Mapped[str] = mapped_column(sa.String(6))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class CaseNumberSequence(Base):
    """The last sequence number given out per prefix and day; bumped atomically."""

    __tablename__ = "case_number_sequences"

    prefix: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    last_value: Mapped[int] = mapped_column(sa.Integer)


class HolidayArrangement(Base):
    """An official holiday arrangement imported into the hall's working-day calendar
    (services/cases/arrangements.py): one per year, never rewritten (append-only)."""

    __tablename__ = "holiday_arrangements"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    year: Mapped[int] = mapped_column(sa.Integer, unique=True)
    notice: Mapped[str] = mapped_column(sa.Text, default="")
    test_fixture: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    # {"year", "notice", "test_fixture", "holidays": [{"name", "first_day", "last_day"}],
    #  "adjusted_working_days": [...]}, ISO dates, sorted (clock.document).
    content: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    # sha256 of the canonical content: what tells an identical re-import from a conflicting one,
    # and what the process-wide calendar cache is keyed by (clock.calendar).
    content_sha256: Mapped[str] = mapped_column(sa.String(64))
    imported_by: Mapped[str] = mapped_column(sa.String(40))
    imported_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class DeadlineChange(Base):
    """A case's due dates moved by a change of the calendar (not by its own pauses or
    extensions): the dates before and after, and why. Append-only."""

    __tablename__ = "deadline_changes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    arrangement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("holiday_arrangements.id"), index=True)
    old_promised_due: Mapped[date | None] = mapped_column(sa.Date)
    new_promised_due: Mapped[date | None] = mapped_column(sa.Date)
    old_statutory_due: Mapped[date | None] = mapped_column(sa.Date)
    new_statutory_due: Mapped[date | None] = mapped_column(sa.Date)
    old_due_provisional: Mapped[bool] = mapped_column(sa.Boolean)
    new_due_provisional: Mapped[bool] = mapped_column(sa.Boolean)
    # Joint cases: the pending departments' task deadlines that moved,
    # [{"department_code", "old_due", "new_due"}] (ISO dates or null).
    task_changes: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    reason: Mapped[str] = mapped_column(sa.Text)  # e.g. "arrangement 2027 imported"
    changed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


# What staff and applicants type in their own words: ID card and phone numbers in it are masked
# as soon as it is set (docs/security.md, Personal data). Vouchers quote reasons and notes.
free_text(
    "cases",
    Case.remarks,
    CaseTransition.reason,
    MaterialWaiver.reason,
    ClockPause.note,
    Extension.reason,
    Voucher.content,
    SupervisionOrder.note,
    JointTask.reason,
    SealUse.note,
    AgencyAssignment.note,
    Consultation.asker,
    Consultation.topic,
    ConsultationHandover.note,
)
