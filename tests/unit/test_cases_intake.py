"""Receiving an application under the item version in force, not the catalog's headline row
(which already shows a version that takes effect later)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from services.cases.models import Case, OutboxMessage, ServiceItem, ServiceItemVersion
from shared.clock import today
from shared.errors import InvalidArgument
from shared.kafka.envelope import decode


def announce_version_2(hall, code: str, *, promised_days: int, starts_in_days: int = 30) -> None:
    """A version 2 of the item that takes effect later, the headline updated as an upsert does."""
    with hall.session_factory.begin() as session:
        current = session.scalars(sa.select(ServiceItemVersion).where(ServiceItemVersion.code == code)).one()
        columns = {c.key: getattr(current, c.key) for c in sa.inspect(ServiceItemVersion).column_attrs if c.key != "id"}
        later = ServiceItemVersion(
            **{
                **columns,
                "version": 2,
                "promised_days": promised_days,
                "name": f"{current.name}（新版）",
                "effective_from": today(session) + timedelta(days=starts_in_days),
            }
        )
        session.add(later)
        headline = session.get(ServiceItem, code)
        headline.name, headline.promised_days, headline.current_version = later.name, promised_days, 2


def case_submitted(hall, case_number: str):
    with hall.session_factory() as session:
        for row in session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)):
            _, payload = decode(row.envelope)
            if type(payload).__name__ == "CaseSubmitted" and payload.case_number == case_number:
                return payload
    raise AssertionError(f"no CaseSubmitted for {case_number}")


def test_the_receipt_tells_the_promised_limit_of_the_version_the_case_is_received_under(hall):
    announce_version_2(hall, "LAND-001", promised_days=1)
    number, _ = hall.submit("LAND-001")
    event = case_submitted(hall, number)
    # Version 1 (promised 10 working days) is in force today; version 2's 1 day is not yet.
    assert (event.promised_days, event.service_item_name) == (10, "事项 LAND-001")
    with hall.session_factory() as session:
        case = session.scalars(sa.select(Case).where(Case.case_number == number)).one()
        version = session.get(ServiceItemVersion, case.item_version_id)
        assert version is not None and version.version == 1


def test_an_item_whose_only_version_starts_later_cannot_be_applied_for_yet(hall):
    with hall.session_factory.begin() as session:
        for version in session.scalars(sa.select(ServiceItemVersion).where(ServiceItemVersion.code == "AIC-001")):
            version.effective_from = today(session) + timedelta(days=10)
    with pytest.raises(InvalidArgument) as refused:
        hall.submit("AIC-001")
    assert [v.field for v in refused.value.violations] == ["service_item_code"]
    assert "not in force yet" in refused.value.violations[0].description
    with hall.session_factory() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0  # nothing written
