"""The supervision scan records legal facts only when they are due (issue 8).

It runs at the moment it runs, by the service's clock: no caller chooses its day, so no
deemed acceptance (Art. 32) or card is ever dated ahead of its time, and a clock behind a
receipt records nothing instead of failing. Two scans racing on the same deemed acceptance:
one records it, the other sees it done. Time moves with the `clock` fixture, never by passing
a day. On a real migrated database (PostgreSQL when TEST_DATABASE_URL is set)."""

from __future__ import annotations

import inspect
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from google.protobuf import descriptor_pb2

from servicehall.cases.v1 import cases_pb2, cases_pb2_grpc
from services.cases import access, lifecycle, supervision
from services.cases.models import CaseTransition, Voucher
from services.cases.server import DEFINITION as CASES
from shared.timeutil import as_utc, shanghai_day
from tests.cases_hall import MANAGER, Hall
from tests.identity import gateway_channel, staff_metadata
from tests.support import VALID_ID_CARD
from tests.unit.test_cases_supervision_and_joint import together


def hall_time(day: date, hour: int = 10) -> datetime:
    """`hour` o'clock in the hall (Asia/Shanghai, UTC+8) on `day`."""
    return datetime(day.year, day.month, day.day, hour - 8, 0, tzinfo=UTC)


def transitions(hall: Hall, number: str) -> list[CaseTransition]:
    return hall.do(lambda s: access.history(s, number, MANAGER))


# ------------------------------------------------------------------ the scan's time (defect 1)
def test_the_scan_request_has_no_day_and_its_field_number_stays_reserved():
    descriptor = cases_pb2.RunSupervisionScanRequest.DESCRIPTOR
    assert "today" not in descriptor.fields_by_name
    proto = descriptor_pb2.DescriptorProto()
    descriptor.CopyToProto(proto)
    assert "today" in proto.reserved_name
    assert any(r.start <= 1 < r.end for r in proto.reserved_range)


def test_the_domain_scan_cannot_be_asked_for_another_day():
    for function in (supervision.scan, supervision.run_scan):
        assert "today" not in inspect.signature(function).parameters


def test_a_scan_deems_nothing_on_the_day_of_receipt_and_deems_it_when_due_dated_that_day(hall, clock):
    clock.set(hall_time(date(2025, 9, 26)))  # Fri, before National Day
    number, _ = hall.submit()
    assert supervision.scan(hall.session_factory)["deemed_accepted"] == 0
    assert hall.case(number).status == lifecycle.RECEIVED
    # 5 working days after 26 Sep 2025: Sun 28 Sep (adjusted), 29, 30 Sep, 9, 10 Oct.
    clock.set(hall_time(date(2025, 10, 10), 17))
    assert supervision.scan(hall.session_factory)["deemed_accepted"] == 0
    clock.set(hall_time(date(2025, 10, 11), 9))  # Sat, an adjusted working day: the 6th
    assert supervision.scan(hall.session_factory)["deemed_accepted"] == 1
    case = hall.case(number)
    assert case.status == lifecycle.ACCEPTED and case.accepted_on == date(2025, 9, 26)  # the law's date
    [move] = transitions(hall, number)
    assert (move.actor, shanghai_day(as_utc(move.at))) == ("system", date(2025, 10, 11))  # recorded when due
    issued = hall.do(lambda s: s.scalar(sa.select(Voucher.issued_at).where(Voucher.kind == "acceptance")))
    assert shanghai_day(as_utc(issued)) == date(2025, 10, 11)


def test_a_scan_whose_clock_is_behind_a_receipt_records_nothing_and_does_not_fail(hall, clock):
    clock.set(hall_time(date(2025, 11, 10)))
    number, _ = hall.submit()
    clock.set(hall_time(date(2025, 11, 3)))  # another replica's clock, or a clock set back
    assert supervision.scan(hall.session_factory) == {"warning": 0, "yellow": 0, "red": 0, "deemed_accepted": 0}
    assert hall.case(number).status == lifecycle.RECEIVED


def test_a_case_left_without_a_notice_is_deemed_accepted_even_with_materials_missing(hall, clock):
    """Art. 32: the hall's silence is the acceptance; the materials rule binds staff, not the law."""
    clock.set(hall_time(date(2025, 11, 3)))
    number, _ = hall.submit(materials=["申请书"])
    clock.set(hall_time(date(2025, 11, 11)))  # the 6th working day
    assert supervision.scan(hall.session_factory)["deemed_accepted"] == 1
    assert hall.case(number).accepted_on == date(2025, 11, 3)


async def test_the_scan_over_grpc_runs_at_the_services_clock(start_service, clock):
    clock.set(hall_time(date(2025, 11, 3)))
    service = await start_service(CASES, clock=clock)
    async with gateway_channel(f"127.0.0.1:{service.port}") as channel:
        cases = cases_pb2_grpc.CasesServiceStub(channel)
        submitted = await cases.SubmitApplication(
            cases_pb2.SubmitApplicationRequest(
                service_item_code="PSB-002",
                applicant=cases_pb2.Applicant(name="李四", id_card_number=VALID_ID_CARD, phone="13912345678"),
                materials_supplied=["户口迁移证", "居民户口簿", "合法固定住所证明"],
            )
        )
        scan = cases_pb2.RunSupervisionScanRequest()
        manager = staff_metadata("ZY", "manager", staff_id="zy-mgr")
        assert (await cases.RunSupervisionScan(scan, metadata=manager)).deemed_accepted == 0
        clock.set(hall_time(date(2025, 11, 11)))
        assert (await cases.RunSupervisionScan(scan, metadata=manager)).deemed_accepted == 1
        seen = await cases.GetCase(cases_pb2.GetCaseRequest(case_number=submitted.case_number), metadata=manager)
    assert seen.status == cases_pb2.CASE_STATUS_ACCEPTED and seen.accepted_on == "2025-11-03"


# --------------------------------------------------------------------- the lost race (defect 3)
@pytest.mark.own_database
def test_two_scans_racing_on_the_same_deemed_acceptances_both_answer_and_record_each_once(hall, clock):
    clock.set(hall_time(date(2025, 11, 3)))
    numbers = [hall.submit()[0] for _ in range(4)]
    clock.set(hall_time(date(2025, 11, 11)))
    results = together(*(lambda: supervision.scan(hall.session_factory) for _ in range(2)))
    assert all(isinstance(r, dict) for r in results), results  # the loser answers too, no error
    assert sum(r["deemed_accepted"] for r in results) == len(numbers)  # each counted by its winner
    for number in numbers:
        assert [(t.to_status, t.actor) for t in transitions(hall, number)] == [("accepted", "system")]
    with hall.session_factory() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Voucher)) == len(numbers)
