"""Helpers for the fees tests (no tests here): accepted cases without Kafka, callers. (A test
that moves time passes a shared.clock.ShiftedClock to its session factory.)

Kept under a test_fees_ name because the fees work owns only those files; it could move to
tests/support.py."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from servicehall.events.v1 import cases_pb2 as case_events
from services.fees import handlers
from shared.auth import query_code_digest
from shared.db import transaction
from shared.kafka.envelope import new_envelope
from tests.identity import applicant_metadata, staff_metadata

QUERY_CODE = "246810"


def case_accepted(
    case_number: str,
    fee_item_codes: Sequence[str] = ("FEE-LAND-REG",),
    declared: Mapping[str, int] | None = None,
    department: str = "LAND",
    query_code: str = QUERY_CODE,
    item: str = "LAND-001",
    accepted_at: datetime | None = None,
) -> case_events.CaseAccepted:
    event = case_events.CaseAccepted(
        case_number=case_number,
        service_item_code=item,
        department_code=department,
        window_code=f"{department}-01",
        fee_item_codes=list(fee_item_codes),
        declared_values=declared or {},
        applicant_name="王五",
        query_code_sha256=query_code_digest(case_number, query_code),
    )
    if accepted_at is None:
        event.accepted_at.GetCurrentTime()
    else:
        event.accepted_at.FromDatetime(accepted_at)
    return event


def accept(session_factory: sessionmaker[Session], case_number: str, **kwargs: Any) -> case_events.CaseAccepted:
    """What the consumer does with a CaseAccepted record (its own transaction)."""
    event = case_accepted(case_number, **kwargs)
    envelope = new_envelope(event, source="cases", partition_key=case_number)
    with transaction(session_factory) as session:
        handlers.on_case_accepted(session, envelope, event)
    return event


def new_case_number(department: str = "LAND") -> str:
    return f"{department}-20261128-{uuid.uuid4().int % 10**5:05d}{uuid.uuid4().hex[:3].upper()}"


def staff(role: str, department: str = "FIN", staff_id: str = "") -> tuple[tuple[str, str], ...]:
    return staff_metadata(department, *role.split(","), staff_id=staff_id or f"S-{role.upper()}-1")


def applicant(query_code: str = QUERY_CODE) -> tuple[tuple[str, str], ...]:
    return applicant_metadata(query_code)


CASHIER = staff("cashier", "FIN", "S-CASH-1")
CASHIER_2 = staff("cashier", "FIN", "S-CASH-2")
APPROVER = staff("approver", "FIN", "S-APPR-1")
MANAGER = staff("manager", "CENTER", "S-MGR-1")
