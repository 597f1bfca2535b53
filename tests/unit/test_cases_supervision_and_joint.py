"""Electronic supervision raised exactly once per level, even with two scanners at once, and
joint cases decided in parallel without losing an update. Real concurrency (threads on their
own connections) against the real database: PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from services.cases import access, decisions, joint, lifecycle, queries, supervision
from services.cases.models import JointTask, OutboxMessage, SupervisionAlert
from shared.db import run_in_transaction
from shared.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from shared.kafka.envelope import decode
from tests.cases_hall import MANAGER, Hall, staff

AIC, HCB, LAND, PLAN = staff("AIC"), staff("HCB"), staff("LAND"), staff("PLAN")


def together(*works):
    """Run the callables at the same moment on their own threads; return results or errors."""
    barrier = threading.Barrier(len(works))
    results: list[object] = [None] * len(works)

    def run(index, work):
        barrier.wait()
        try:
            results[index] = work()
        except Exception as error:  # the test inspects it
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(works)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def supervision_events(hall: Hall, number: str) -> list[str]:
    with hall.session_factory() as session:
        rows = session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.partition_key == number).order_by(OutboxMessage.id)
        )
        return [decode(r.envelope)[1].level for r in rows if r.event_type.endswith("SupervisionRaised")]


def hall_day(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)  # 10:00 in the hall


@pytest.mark.own_database
def test_each_supervision_level_is_raised_once_even_with_two_scanners(hall, clock):
    clock.set(hall_day(date(2025, 11, 3)))  # Monday -> promised due Mon 17 Nov 2025
    number, _ = hall.submit("LAND-001")  # promised 10 working days
    hall.do(lambda s: decisions.accept(s, number, LAND))
    assert hall.case(number).promised_due == date(2025, 11, 17)

    def scan_twice_on(day):
        clock.set(hall_day(day))
        together(*(lambda: supervision.scan(hall.session_factory, warning_days=1) for _ in range(2)))

    scan_twice_on(date(2025, 11, 13))  # two working days left: nothing yet
    assert supervision_events(hall, number) == []
    scan_twice_on(date(2025, 11, 14))  # one working day left: warning
    assert supervision_events(hall, number) == ["warning"]
    scan_twice_on(date(2025, 11, 18))  # promised deadline passed: yellow
    assert supervision_events(hall, number) == ["warning", "yellow"]
    with pytest.raises(PermissionDenied):
        hall.do(lambda s: supervision.order(s, number, LAND, due_on=date(2025, 11, 21), note="加快"))
    hall.do(lambda s: supervision.order(s, number, MANAGER, due_on=date(2025, 11, 21), note="请于三日内办结"))
    scan_twice_on(date(2025, 11, 21))  # the order's deadline has not passed
    assert supervision_events(hall, number) == ["warning", "yellow"]
    scan_twice_on(date(2025, 11, 22))
    scan_twice_on(date(2025, 11, 23))
    assert supervision_events(hall, number) == ["warning", "yellow", "red"]
    assert hall.case(number).supervision_level == "red"
    with hall.session_factory() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(SupervisionAlert)) == 3


def test_a_supervision_order_cannot_be_due_in_the_past(hall, clock):
    clock.set(hall_day(date(2025, 11, 3)))
    number, _ = hall.submit("LAND-001")
    hall.do(lambda s: decisions.accept(s, number, LAND))
    with pytest.raises(InvalidArgument) as caught:
        hall.do(lambda s: supervision.order(s, number, MANAGER, due_on=date(2025, 11, 2), note="补记"))
    assert [v.field for v in caught.value.violations] == ["due_on"]


def test_a_concluded_case_is_no_longer_supervised(hall, clock):
    number, _ = hall.submit("LAND-001")
    hall.do(lambda s: decisions.accept(s, number, LAND))
    hall.do(lambda s: decisions.withdraw(s, number, LAND, reason="撤回"))
    clock.advance(days=400)
    assert supervision.scan(hall.session_factory)["yellow"] == 0


def _joint_case(hall: Hall) -> str:
    number, _ = hall.submit("HCB-009")  # HCB leads, LAND and PLAN approve in parallel
    hall.do(lambda s: decisions.accept(s, number, HCB))
    return number


def test_a_joint_case_fans_out_to_one_task_per_department_with_its_deadline(hall):
    number = _joint_case(hall)
    with hall.session_factory() as session:
        case = queries.find_case(session, number)
        tasks = joint.tasks(session, case)
    assert [t.department_code for t in tasks] == ["HCB", "LAND", "PLAN"]
    assert all(t.status == "pending" and t.due_on is not None for t in tasks)
    with pytest.raises(FailedPrecondition, match="joint case"):
        hall.do(lambda s: decisions.approve(s, number, HCB))  # not by the lead alone
    with pytest.raises(NotFound):  # AIC has no part in it: the case is not there for AIC
        hall.do(lambda s: decisions.decide_joint_task(s, number, AIC, department_code="LAND", approve=True))
    with pytest.raises(PermissionDenied):  # LAND sees the case, but PLAN's task is PLAN's
        hall.do(lambda s: decisions.decide_joint_task(s, number, LAND, department_code="PLAN", approve=True))


@pytest.mark.own_database
def test_concurrent_approvals_approve_the_case_exactly_once(hall):
    number = _joint_case(hall)
    hall.do(lambda s: decisions.decide_joint_task(s, number, HCB, department_code="HCB", approve=True))

    def decide(caller, department):
        return lambda: run_in_transaction(
            hall.session_factory,
            lambda s: decisions.decide_joint_task(s, number, caller, department_code=department, approve=True).status,
        )

    results = together(decide(LAND, "LAND"), decide(PLAN, "PLAN"))
    assert results == ["approved", "approved"], results
    assert hall.case(number).status == lifecycle.APPROVED
    moves = hall.do(lambda s: [t.to_status for t in access.history(s, number, HCB)])
    assert moves.count(lifecycle.APPROVED) == 1
    assert moves == ["accepted", "in_review", "approved"]


def test_one_denial_denies_the_joint_case_and_closes_the_other_tasks(hall):
    number = _joint_case(hall)
    hall.do(lambda s: decisions.decide_joint_task(s, number, HCB, department_code="HCB", approve=True))
    with pytest.raises(InvalidArgument):
        hall.do(
            lambda s: decisions.decide_joint_task(s, number, LAND, department_code="LAND", approve=False)
        )  # no reason
    hall.do(
        lambda s: decisions.decide_joint_task(
            s, number, LAND, department_code="LAND", approve=False, reason="用地不符合规划"
        )
    )
    assert hall.case(number).status == lifecycle.DENIED
    with hall.session_factory() as session:
        statuses = dict(session.execute(sa.select(JointTask.department_code, JointTask.status)).all())
    assert statuses == {"HCB": "approved", "LAND": "denied", "PLAN": "moot"}
    with pytest.raises(FailedPrecondition):
        hall.do(lambda s: decisions.decide_joint_task(s, number, PLAN, department_code="PLAN", approve=True))


@pytest.mark.own_database
def test_concurrent_approval_and_denial_leave_a_consistent_case(hall):
    number = _joint_case(hall)
    hall.do(lambda s: decisions.decide_joint_task(s, number, HCB, department_code="HCB", approve=True))
    results = together(
        lambda: run_in_transaction(
            hall.session_factory,
            lambda s: decisions.decide_joint_task(s, number, LAND, department_code="LAND", approve=True).status,
        ),
        lambda: run_in_transaction(
            hall.session_factory,
            lambda s: (
                decisions.decide_joint_task(
                    s, number, PLAN, department_code="PLAN", approve=False, reason="不符合规划"
                ).status
            ),
        ),
    )
    final = hall.case(number).status
    assert final == lifecycle.DENIED  # one denial denies, whichever came first
    with hall.session_factory() as session:
        statuses = dict(session.execute(sa.select(JointTask.department_code, JointTask.status)).all())
    assert statuses["PLAN"] == "denied"
    assert statuses["LAND"] in ("approved", "moot")
    assert (statuses["LAND"] == "moot") == isinstance(results[0], FailedPrecondition)
