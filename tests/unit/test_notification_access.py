"""Who reads an applicant's notices: a case another department owns, or a wrong query code,
answers exactly as a case without notices; the query code goes through the lockout."""

from __future__ import annotations

import uuid

import pytest

from servicehall.events.v1 import cases_pb2 as case_events
from services.notification import handlers, notices
from shared import query_codes
from shared.auth import Caller, query_code_digest
from shared.db import transaction
from shared.errors import DomainError, to_rpc_status
from shared.kafka.envelope import new_envelope

CODE, WRONG = "135790", "000000"


def person(role: str, department: str) -> Caller:
    return Caller(staff_id="s-1", department_code=department, roles=frozenset({role} if role else set()))


def receive(factory, case_number: str) -> str:
    """The receipt notice of a LAND case, as the consumer stores it; its id."""
    event = case_events.ApplicantNoticeDue(
        applicant=case_events.Applicant(name="张三", phone="13812345678"),
        query_code_sha256=query_code_digest(case_number, CODE),
        case_submitted=case_events.CaseSubmitted(
            case_number=case_number,
            department_code="LAND",
            service_item_name="建设用地规划许可",
            window_code="LAND-01",
            case_kind="committed",
            promised_days=10,
        ),
    )
    with transaction(factory) as session:
        envelope = new_envelope(event, source="cases", partition_key=case_number)
        handlers.on_applicant_notice_due(session, envelope, event)
        return notices.list_notices(session, case_number, person("window_staff", "LAND"))[0].notice_id


def listed(factory, case_number: str, caller: Caller) -> list[str]:
    with transaction(factory) as session:
        return [n.notice_id for n in notices.list_notices(session, case_number, caller)]


def refusal(factory, notice_id: str, caller: Caller) -> bytes:
    with pytest.raises(DomainError) as caught, transaction(factory) as session:
        notices.get_notice(session, notice_id, caller)
    status = to_rpc_status(caught.value)
    status.message = status.message.replace(notice_id, "<id>")
    return status.SerializeToString(deterministic=True)


def test_a_foreign_case_reads_exactly_like_a_case_without_notices(notification_db):
    for i in range(20):
        existing = f"LAND-20251103-{i:05d}"
        missing = f"LAND-20251103-{90000 + i:05d}"
        notice_id = receive(notification_db, existing)
        for caller in (
            person("window_staff", "AIC"),
            person("", "LAND"),
            person("cashier", "LAND"),
            Caller(query_code=WRONG),
            Caller(),
        ):
            assert listed(notification_db, existing, caller) == listed(notification_db, missing, caller) == []
            assert refusal(notification_db, notice_id, caller) == refusal(notification_db, str(uuid.uuid4()), caller)
        assert listed(notification_db, existing, Caller(query_code=CODE)) == [notice_id]
        assert listed(notification_db, existing, person("manager", "ZY")) == [notice_id]


@pytest.mark.own_database  # the failures are committed on their own
def test_wrong_query_codes_lock_the_case_numbers_notices(notification_db):
    case_number = "LAND-20251103-00007"
    notice_id = receive(notification_db, case_number)
    for _ in range(query_codes.THRESHOLD):
        assert listed(notification_db, case_number, Caller(query_code=WRONG)) == []
    assert listed(notification_db, case_number, Caller(query_code=CODE)) == []  # locked: the right code too
    refusal(notification_db, notice_id, Caller(query_code=CODE))
