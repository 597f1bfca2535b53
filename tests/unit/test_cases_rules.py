"""Who may do what to a case (docs/cases.md "Who may do what"), at the use-case level: every
action that changes a case against every kind of caller; a foreign case answers exactly like
a missing one; the applicant's query code locks after repeated wrong codes."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
import sqlalchemy as sa

from services.cases import access, deadlines, decisions, lifecycle, supervision
from services.cases.models import QueryCodeAttempt
from shared import query_codes
from shared.auth import Caller
from shared.errors import DomainError, NotFound, PermissionDenied, to_rpc_status
from shared.timeutil import shanghai_day, utcnow
from tests.cases_hall import Hall, staff

WEEK = shanghai_day(utcnow()) + timedelta(days=7)


def _to(hall: Hall, item: str, *steps: str, materials: list[str] | None = None) -> str:
    """A case of `item` moved through `steps` by its own department's window staff."""
    number, _ = hall.submit(item, materials=materials)
    department = hall.case(number).department_code
    own = staff(department)
    moves: dict[str, Callable] = {
        "accept": lambda s: decisions.accept(s, number, own),
        "correction": lambda s: decisions.request_correction(s, number, own, materials=[]),
        "review": lambda s: decisions.start_review(s, number, own),
        "approve": lambda s: decisions.approve(s, number, own),
        "pause": lambda s: deadlines.pause(s, number, own, reason="testing", expected_end=WEEK),
    }
    for step in steps:
        hall.do(moves[step])
    return number


# action: (item, department of the case, roles that may, how to prepare, the use case)
ACTIONS: dict[str, tuple[str, tuple[str, ...], Callable[[Hall], str], Callable]] = {
    "accept": ("LAND-001", ("window_staff", "chief_representative"), lambda h: _to(h, "LAND-001"),
               lambda s, n, c: decisions.accept(s, n, c)),
    "reject": ("LAND-001", ("window_staff", "chief_representative"), lambda h: _to(h, "LAND-001"),
               lambda s, n, c: decisions.reject(s, n, c, reason="不符合法定条件")),
    "request_correction": ("LAND-001", ("window_staff", "chief_representative"),
                           lambda h: _to(h, "LAND-001", materials=[]),
                           lambda s, n, c: decisions.request_correction(s, n, c, materials=[])),
    "supply_materials": ("LAND-001", ("window_staff", "chief_representative"),
                         lambda h: _to(h, "LAND-001", "correction", materials=[]),
                         lambda s, n, c: decisions.supply_materials(s, n, c, materials=["申请书"])),
    "waive_material": ("LAND-001", ("chief_representative",), lambda h: _to(h, "LAND-001", materials=[]),
                       lambda s, n, c: decisions.waive_material(s, n, c, material="申请书", reason="已在档")),
    "start_review": ("LAND-001", ("window_staff", "chief_representative"), lambda h: _to(h, "LAND-001", "accept"),
                     lambda s, n, c: decisions.start_review(s, n, c)),
    "approve": ("LAND-001", ("window_staff", "chief_representative"),
                lambda h: _to(h, "LAND-001", "accept", "review"), lambda s, n, c: decisions.approve(s, n, c)),
    "deny": ("LAND-001", ("window_staff", "chief_representative"),
             lambda h: _to(h, "LAND-001", "accept", "review"),
             lambda s, n, c: decisions.deny(s, n, c, reason="材料不实")),
    "conclude": ("LAND-001", ("window_staff", "chief_representative"),
                 lambda h: _to(h, "LAND-001", "accept", "review", "approve"),
                 lambda s, n, c: decisions.conclude(s, n, c)),
    "conclude_on_the_spot": ("AIC-001", ("window_staff", "chief_representative"), lambda h: _to(h, "AIC-001"),
                             lambda s, n, c: decisions.conclude_on_the_spot(s, n, c, seal_code="SEAL-AIC-01")),
    "withdraw": ("LAND-001", ("window_staff", "chief_representative"), lambda h: _to(h, "LAND-001"),
                 lambda s, n, c: decisions.withdraw(s, n, c, reason="申请人撤回")),
    "decide_joint_task": ("HCB-009", ("window_staff", "chief_representative"),
                          lambda h: _to(h, "HCB-009", "accept"),
                          lambda s, n, c: decisions.decide_joint_task(
                              s, n, c, department_code=c.department_code, approve=True)),
    "pause_clock": ("LAND-001", ("window_staff", "chief_representative"), lambda h: _to(h, "LAND-001", "accept"),
                    lambda s, n, c: deadlines.pause(s, n, c, reason="testing", expected_end=WEEK)),
    "resume_clock": ("LAND-001", ("window_staff", "chief_representative"),
                     lambda h: _to(h, "LAND-001", "accept", "pause"), lambda s, n, c: deadlines.resume(s, n, c)),
    "grant_extension": ("LAND-001", ("approver", "chief_representative"), lambda h: _to(h, "LAND-001", "accept"),
                        lambda s, n, c: deadlines.extend(s, n, c, extra_days=5, reason="需专家评审")),
}  # fmt: skip


def _callers(department: str, foreign: str, roles: tuple[str, ...]) -> dict[str, tuple[Caller, type | None]]:
    """Each kind of caller and what it gets: a role the action does not have is refused
    before the case is looked up (the same answer for every number); a foreign department
    is told the case does not exist; the right role of the case's department acts."""
    wrong = next(r for r in ("cashier", "window_staff", "approver") if r not in roles)
    found: dict[str, tuple[Caller, type | None]] = {
        "no role": (Caller(staff_id="x-01", department_code=department), PermissionDenied),
        "wrong role": (staff(department, wrong, staff_id="x-02"), PermissionDenied),
        "manager": (Caller(staff_id="zy-mgr", department_code="ZY", roles=frozenset({"manager"})), PermissionDenied),
        "efficiency office": (
            Caller(staff_id="xn-01", department_code="XN", roles=frozenset({"efficiency_office"})),
            PermissionDenied,
        ),
        "applicant without the code": (Caller(query_code="000000"), PermissionDenied),
    }
    for role in roles:
        found[f"{role} of a foreign department"] = (staff(foreign, role, staff_id="f-9"), NotFound)
        found[f"{role}"] = (staff(department, role, staff_id=f"{department.lower()}-9"), None)
    return found


# The department that acts on each item's case (a joint case's task: LAND's) and a foreign one.
DEPARTMENTS = {"LAND-001": ("LAND", "AIC"), "AIC-001": ("AIC", "ZY"), "HCB-009": ("LAND", "AIC")}
CASES = [
    pytest.param(action, who, id=f"{action}-{who}")
    for action, (item, roles, _, _) in ACTIONS.items()
    for who in _callers(*DEPARTMENTS[item], roles)
]


@pytest.mark.parametrize(("action", "who"), CASES)
def test_every_action_needs_its_role_in_the_cases_department(hall, action, who):
    item, roles, prepare, use_case = ACTIONS[action]
    number = prepare(hall)
    caller, refused = _callers(*DEPARTMENTS[item], roles)[who]
    if action == "withdraw" and who in ("no role", "applicant without the code"):
        refused = NotFound  # withdrawing is also the applicant's: who cannot see the case is told it is not there
    before = hall.case(number).status
    if refused is None:
        hall.do(lambda s: use_case(s, number, caller))
        return
    with pytest.raises(refused) as caught:
        hall.do(lambda s: use_case(s, number, caller))
    if refused is NotFound:
        assert str(caught.value) == f"no case with number '{number}'"  # as if it did not exist
    assert hall.case(number).status == before  # nothing written


def test_supervision_is_the_managers_and_the_efficiency_offices_of_every_department(hall):
    number = _to(hall, "LAND-001", "accept")
    for caller in (staff("LAND"), staff("LAND", "chief_representative"), Caller(staff_id="x", department_code="LAND")):
        with pytest.raises(PermissionDenied):
            hall.do(lambda s: supervision.order(s, number, caller, due_on=WEEK, note="加快"))
    for role in ("manager", "efficiency_office"):
        boss = Caller(staff_id=f"{role}-1", department_code="ZY", roles=frozenset({role}))
        hall.do(lambda s: supervision.order(s, number, boss, due_on=WEEK, note="请于一周内办结"))
        hall.do(lambda s: access.get_case(s, number, boss))  # they see every department's cases


# --------------------------------------------------------------- a foreign case is a missing one
def _answer(work: Callable[[], object], number: str) -> bytes:
    """The status a caller would get (code, message, details), with the number they sent
    replaced: that part of the message only repeats the request."""
    with pytest.raises(DomainError) as caught:
        work()
    status = to_rpc_status(caught.value)
    status.message = status.message.replace(number, "<number>")
    return status.SerializeToString(deterministic=True)


def test_a_foreign_case_answers_exactly_like_a_missing_one(hall):
    foreign = staff("LAND", "window_staff", staff_id="land-7")
    not_their_agent = staff("ZY", "window_staff", staff_id="zy-agent-2")
    reads: dict[str, Callable] = {
        "get_case": lambda s, n, c: access.get_case(s, n, c),
        "history": lambda s, n, c: access.history(s, n, c),
        "vouchers": lambda s, n, c: access.list_vouchers(s, n, c),
        "withdraw": lambda s, n, c: decisions.withdraw(s, n, c, reason="撤回"),
        "accept": lambda s, n, c: decisions.accept(s, n, c),
        "pause": lambda s, n, c: deadlines.pause(s, n, c, reason="testing", expected_end=WEEK),
    }
    for i in range(20):
        existing, code = hall.submit()  # AIC's
        missing = existing[:-5] + f"{90000 + i:05d}"
        wrong = "000000" if code != "000000" else "111111"
        for caller in (foreign, not_their_agent, Caller(query_code=wrong)):
            for name, read in reads.items():
                if name in ("accept", "pause") and not caller.is_staff:
                    continue
                answers = [_answer(lambda n=n: hall.do(lambda s: read(s, n, caller)), n) for n in (existing, missing)]
                assert answers[0] == answers[1], (name, caller, i)


# ------------------------------------------------------------------------- the query code lockout
@pytest.mark.own_database  # the failures are committed on their own: a database of its own
def test_wrong_query_codes_lock_the_case_number_even_for_the_right_code(hall, clock):
    number, code = hall.submit()
    wrong = "000000" if code != "000000" else "111111"
    applicant, guesser = Caller(query_code=code), Caller(query_code=wrong)
    for _ in range(query_codes.THRESHOLD - 1):
        with pytest.raises(NotFound):
            hall.do(lambda s: access.get_case(s, number, guesser))
    hall.do(lambda s: access.get_case(s, number, applicant))  # 4 wrong: not locked; the right code resets
    for _ in range(query_codes.THRESHOLD):
        with pytest.raises(NotFound):
            hall.do(lambda s: access.get_case(s, number, guesser))
    locked = _answer(lambda: hall.do(lambda s: access.get_case(s, number, applicant)), number)
    assert locked == _answer(lambda: hall.do(lambda s: access.get_case(s, number, guesser)), number)
    for read in (access.history, access.list_vouchers):
        with pytest.raises(NotFound):
            hall.do(lambda s: read(s, number, applicant))
    with pytest.raises(NotFound):
        hall.do(lambda s: decisions.withdraw(s, number, applicant))
    clock.advance(seconds=query_codes.BASE_LOCK.total_seconds() + 1)
    hall.do(lambda s: access.get_case(s, number, applicant))  # the lock has run out


def test_the_lock_doubles_with_each_further_failure_up_to_its_cap():
    periods = [query_codes.lock_period(n) for n in range(1, 30)]
    assert periods[: query_codes.THRESHOLD - 1] == [timedelta(0)] * (query_codes.THRESHOLD - 1)
    assert periods[query_codes.THRESHOLD - 1 : query_codes.THRESHOLD + 2] == [
        query_codes.BASE_LOCK,
        2 * query_codes.BASE_LOCK,
        4 * query_codes.BASE_LOCK,
    ]
    assert max(periods) == query_codes.MAX_LOCK == periods[-1]


@pytest.mark.own_database
def test_three_hundred_wrong_codes_then_the_right_one_is_refused(hall):
    """The hostile run's case: the failures are kept although each request fails (their own
    transaction). A number that does not exist is refused alike but not counted: counting it
    would let a guesser lock the next sequential numbers before they are issued."""
    number, code = hall.submit()
    missing = number[:-5] + "99999"
    wrong = "000000" if code != "000000" else "111111"
    for case_number in (number, missing):
        for _ in range(300 // 2):
            with pytest.raises(NotFound):
                hall.do(lambda s: access.get_case(s, case_number, Caller(query_code=wrong)))
    with pytest.raises(NotFound):
        hall.do(lambda s: access.get_case(s, number, Caller(query_code=code)))
    with hall.session_factory() as session:
        counts = dict(session.execute(sa.select(QueryCodeAttempt.case_number, QueryCodeAttempt.failures)).all())
    assert counts == {number: query_codes.THRESHOLD}  # a lock takes no more; the missing number has no row


@pytest.mark.own_database
def test_concurrent_wrong_codes_are_all_counted(hall):
    number, code = hall.submit()
    wrong = "000000" if code != "000000" else "111111"
    barrier = threading.Barrier(4)

    def guess() -> None:
        barrier.wait()
        with pytest.raises(NotFound):
            hall.do(lambda s: access.get_case(s, number, Caller(query_code=wrong)))

    threads = [threading.Thread(target=guess) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with hall.session_factory() as session:
        assert session.scalar(sa.select(QueryCodeAttempt.failures).where(QueryCodeAttempt.case_number == number)) == 4
    assert hall.case(number).status == lifecycle.RECEIVED
