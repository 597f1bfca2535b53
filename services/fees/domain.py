"""Fee standards: importing the approved list and reading the version in force."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from sqlalchemy.orm import Session

from services.fees.models import FeeStandard

DEMO_STANDARDS = Path(__file__).parent / "standards" / "demo_fee_standards.yaml"


def import_standards(session: Session, path: Path = DEMO_STANDARDS) -> int:
    """Upsert by (code, effective_from): a new effective date is a new version."""
    rows: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))["standards"]
    for row in rows:
        session.merge(
            FeeStandard(
                code=row["code"],
                effective_from=date.fromisoformat(str(row["effective_from"])),
                name=row["name"],
                department_code=row["department"],
                fee_type=row["fee_type"],
                legal_basis=row["legal_basis"],
                fixed_amount_fen=int(row.get("fixed_amount_fen", 0)),
                rate_basis_points=int(row.get("rate_basis_points", 0)),
            )
        )
    return len(rows)


def standards_in_force(session: Session, *, on: date, department_code: str = "") -> list[FeeStandard]:
    """For each fee item, the newest version whose effective date is on or before `on`."""
    latest = (
        sa.select(FeeStandard.code, sa.func.max(FeeStandard.effective_from).label("effective_from"))
        .where(FeeStandard.effective_from <= on)
        .group_by(FeeStandard.code)
        .subquery()
    )
    query = (
        sa.select(FeeStandard)
        .join(latest, sa.and_(FeeStandard.code == latest.c.code, FeeStandard.effective_from == latest.c.effective_from))
        .order_by(FeeStandard.code)
    )
    if department_code:
        query = query.where(FeeStandard.department_code == department_code)
    return list(session.scalars(query))


def seed(session: Session) -> int:
    return import_standards(session, DEMO_STANDARDS)
