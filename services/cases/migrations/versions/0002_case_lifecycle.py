"""Case lifecycle: item versions, history, notices, clock, vouchers, supervision, joint
tasks, seals, agency, consultations; the query code kept as a digest only.

Revision ID: 0002
Revises: 0001
"""

import hashlib
from datetime import date

import sqlalchemy as sa
from alembic import op

from shared.db import BigId, drop_append_only, make_append_only

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

NEW_TABLES = (
    "consultation_handovers",
    "consultations",
    "agency_assignments",
    "seal_uses",
    "window_seals",
    "joint_tasks",
    "supervision_orders",
    "supervision_alerts",
    "vouchers",
    "case_extensions",
    "clock_pauses",
    "correction_notices",
    "case_transitions",
)


def _id() -> sa.Column:
    return sa.Column("id", BigId, primary_key=True, autoincrement=True)


def _case_fk(unique: bool = False) -> sa.Column:
    return sa.Column("case_id", BigId, sa.ForeignKey("cases.id"), nullable=False, unique=unique, index=not unique)


def upgrade() -> None:
    with op.batch_alter_table("service_items") as batch:
        batch.add_column(sa.Column("current_version", sa.Integer, nullable=False, server_default="1"))
    op.create_table(
        "service_item_versions",
        _id(),
        sa.Column("code", sa.String(40), sa.ForeignKey("service_items.code"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("effective_from", sa.Date, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("department_code", sa.String(20), nullable=False),
        sa.Column("window_code", sa.String(20), nullable=False),
        sa.Column("item_type", sa.String(40), nullable=False),
        sa.Column("case_kind", sa.String(20), nullable=False),
        sa.Column("statutory_days", sa.Integer, nullable=False),
        sa.Column("promised_days", sa.Integer, nullable=False),
        sa.Column("materials", sa.JSON, nullable=False),
        sa.Column("fee_item_codes", sa.JSON, nullable=False),
        sa.Column("needs_seal", sa.Boolean, nullable=False),
        sa.Column("form_fields", sa.JSON, nullable=False),
        sa.Column("joint_departments", sa.JSON, nullable=False),
        sa.UniqueConstraint("code", "version", name="uq_item_version"),
        sa.CheckConstraint("promised_days <= statutory_days", name="ck_version_promised_within_statutory"),
    )
    connection = op.get_bind()
    # Every existing item becomes its own version 1, so existing cases keep their rules.
    items = connection.execute(
        sa.text(
            "SELECT code, name, department_code, window_code, case_kind, statutory_days, promised_days "
            "FROM service_items"
        )
    ).all()
    versions = sa.table(
        "service_item_versions",
        *(
            sa.column(c)
            for c in (
                "code",
                "version",
                "effective_from",
                "name",
                "department_code",
                "window_code",
                "item_type",
                "case_kind",
                "statutory_days",
                "promised_days",
                "materials",
                "fee_item_codes",
                "needs_seal",
                "form_fields",
                "joint_departments",
            )
        ),
    )
    versions.c.materials.type = versions.c.fee_item_codes.type = sa.JSON()
    versions.c.form_fields.type = versions.c.joint_departments.type = sa.JSON()
    for code, name, department, window, kind, statutory, promised in items:
        connection.execute(
            versions.insert().values(
                code=code,
                version=1,
                effective_from=date(2010, 1, 1),
                name=name,
                department_code=department,
                window_code=window,
                item_type="administrative_licence",
                case_kind=kind,
                statutory_days=statutory,
                promised_days=promised,
                materials=[],
                fee_item_codes=[],
                needs_seal=False,
                form_fields=[],
                joint_departments=[],
            )
        )

    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("query_code_sha256", sa.String(64), nullable=False, server_default=""))
        batch.add_column(
            sa.Column(
                "item_version_id",
                BigId,
                sa.ForeignKey("service_item_versions.id", name="fk_cases_item_version"),
                nullable=True,
            )
        )
        for column in (
            sa.Column("enterprise_code", sa.String(18), nullable=False, server_default=""),
            sa.Column("received_by", sa.String(40), nullable=False, server_default=""),
            sa.Column("materials_supplied", sa.JSON, nullable=False, server_default="[]"),
            sa.Column("declared_values", sa.JSON, nullable=False, server_default="{}"),
            sa.Column("form_data", sa.JSON, nullable=False, server_default="{}"),
            sa.Column("form_code", sa.String(40), nullable=False, server_default=""),
            sa.Column("accepted_on", sa.Date, nullable=True),
            sa.Column("promised_due", sa.Date, nullable=True),
            sa.Column("statutory_due", sa.Date, nullable=True),
            sa.Column("due_provisional", sa.Boolean, nullable=False, server_default=sa.false()),
            sa.Column("supervision_level", sa.String(10), nullable=False, server_default="none"),
            sa.Column("fees_settled_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("sealed_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("concluded_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("agent_staff_id", sa.String(40), nullable=False, server_default=""),
            sa.Column("row_version", sa.Integer, nullable=False, server_default="1"),
        ):
            batch.add_column(column)
    for case_id, number, code, item in connection.execute(
        sa.text("SELECT id, case_number, query_code, service_item_code FROM cases")
    ).all():
        digest = hashlib.sha256(f"{number}:{code}".encode()).hexdigest()
        connection.execute(
            sa.text(
                "UPDATE cases SET query_code_sha256 = :digest, item_version_id = "
                "(SELECT id FROM service_item_versions WHERE code = :item AND version = 1) WHERE id = :id"
            ),
            {"digest": digest, "item": item, "id": case_id},
        )
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("query_code")
        batch.create_index("ix_cases_status", ["status"])

    op.create_table(
        "case_transitions",
        _id(),
        _case_fk(),
        sa.Column("from_status", sa.String(30), nullable=False),
        sa.Column("to_status", sa.String(30), nullable=False),
        sa.Column("actor", sa.String(40), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    make_append_only(op, "case_transitions")
    op.create_table(
        "correction_notices",
        _id(),
        _case_fk(unique=True),
        sa.Column("missing_materials", sa.JSON, nullable=False),
        sa.Column("issued_by", sa.String(40), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("supplied_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "clock_pauses",
        _id(),
        _case_fk(),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("ended_on", sa.Date, nullable=True),
        sa.Column("started_by", sa.String(40), nullable=False),
    )
    op.create_table(
        "case_extensions",
        _id(),
        _case_fk(),
        sa.Column("extra_days", sa.Integer, nullable=False),
        sa.Column("approver", sa.String(40), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "vouchers",
        _id(),
        _case_fk(),
        sa.Column("number", sa.String(60), nullable=False, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("title", sa.String(100), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("issued_by", sa.String(40), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "supervision_alerts",
        _id(),
        sa.Column("case_id", BigId, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("level", sa.String(10), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("case_id", "level", name="uq_alert_once"),
    )
    op.create_table(
        "supervision_orders",
        _id(),
        _case_fk(),
        sa.Column("issued_by", sa.String(40), nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "joint_tasks",
        _id(),
        _case_fk(),
        sa.Column("department_code", sa.String(20), nullable=False),
        sa.Column("item_code", sa.String(40), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("form_data", sa.JSON, nullable=False),
        sa.Column("due_on", sa.Date, nullable=True),
        sa.Column("decided_by", sa.String(40), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.UniqueConstraint("case_id", "department_code", name="uq_task_department"),
    )
    op.create_table(
        "window_seals",
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column("window_code", sa.String(20), nullable=False),
        sa.Column("department_code", sa.String(20), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
    )
    op.create_table(
        "seal_uses",
        _id(),
        sa.Column("seal_code", sa.String(40), sa.ForeignKey("window_seals.code"), nullable=False),
        sa.Column("case_number", sa.String(40), nullable=False, index=True),
        sa.Column("staff_id", sa.String(40), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
    )
    op.create_table(
        "agency_assignments",
        _id(),
        sa.Column("enterprise_code", sa.String(18), nullable=False, index=True),
        sa.Column("agent_staff_id", sa.String(40), nullable=False, index=True),
        sa.Column("assigned_by", sa.String(40), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text, nullable=False),
    )
    op.create_table(
        "consultations",
        _id(),
        sa.Column("department_code", sa.String(20), nullable=False, index=True),
        sa.Column("window_code", sa.String(20), nullable=False, index=True),
        sa.Column("asker", sa.String(100), nullable=False),
        sa.Column("topic", sa.Text, nullable=False),
        sa.Column("answered_by", sa.String(40), nullable=False),
        sa.Column("owner_staff_id", sa.String(40), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "consultation_handovers",
        _id(),
        sa.Column("consultation_id", BigId, sa.ForeignKey("consultations.id"), nullable=False, index=True),
        sa.Column("from_staff_id", sa.String(40), nullable=False),
        sa.Column("to_staff_id", sa.String(40), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    drop_append_only(op, "case_transitions")
    for table in NEW_TABLES:
        op.drop_table(table)
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("query_code", sa.String(12), nullable=False, server_default=""))
        batch.drop_index("ix_cases_status")
        for column in (
            "item_version_id",
            "query_code_sha256",
            "enterprise_code",
            "received_by",
            "materials_supplied",
            "declared_values",
            "form_data",
            "form_code",
            "accepted_on",
            "promised_due",
            "statutory_due",
            "due_provisional",
            "supervision_level",
            "fees_settled_at",
            "sealed_at",
            "concluded_at",
            "agent_staff_id",
            "row_version",
        ):
            batch.drop_column(column)
    op.drop_table("service_item_versions")
    with op.batch_alter_table("service_items") as batch:
        batch.drop_column("current_version")
