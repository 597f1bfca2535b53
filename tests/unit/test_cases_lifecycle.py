"""The life of a case by the hall's rules, on a real migrated database (PostgreSQL when
TEST_DATABASE_URL is set): the state table, the one-time notice, deemed acceptance, the
working-day clock, pauses and extensions, vouchers, seals, fees, department isolation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.cases import access, agency, clock, deadlines, decisions, intake, lifecycle, queries, supervision
from services.cases.models import Case, CaseTransition, OutboxMessage, SealUse, Voucher
from shared.auth import Caller
from shared.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from shared.kafka.envelope import decode
from shared.timeutil import as_utc, shanghai_day, utcnow
from tests.cases_hall import MANAGER, Hall, staff

AIC = staff("AIC")
CHIEF = staff("AIC", "chief_representative", staff_id="aic-chief")
LAND = staff("LAND")


def status(hall: Hall, number: str) -> str:
    return hall.case(number).status


def history(hall: Hall, number: str) -> list[tuple[str, str, str]]:
    return hall.do(lambda s: [(t.from_status, t.to_status, t.actor) for t in access.history(s, number, AIC)])


# ------------------------------------------------------------------------ the state table
OPERATIONS = {
    "accept": lambda s, n: decisions.accept(s, n, AIC),
    "reject": lambda s, n: decisions.reject(s, n, AIC, reason="不符合法定条件"),
    "correction": lambda s, n: decisions.request_correction(s, n, AIC, materials=[]),
    "supply": lambda s, n: decisions.supply_materials(s, n, AIC, materials=["场地证明"]),
    "waive": lambda s, n: decisions.waive_material(s, n, CHIEF, material="场地证明", reason="场地为自有房屋"),
    "review": lambda s, n: decisions.start_review(s, n, AIC),
    "approve": lambda s, n: decisions.approve(s, n, AIC),
    "deny": lambda s, n: decisions.deny(s, n, AIC, reason="材料不实"),
    "seal": lambda s, n: s.add(
        SealUse(seal_code="SEAL-AIC-01", case_number=n, staff_id="aic-01", used_at=datetime.now(UTC), note="")
    ),
    "fees_settled": lambda s, n: setattr(queries.find_case(s, n), "fees_settled_at", datetime.now(UTC)),
    "conclude": lambda s, n: decisions.conclude(s, n, AIC),
    "withdraw": lambda s, n: decisions.withdraw(s, n, AIC, reason="申请人撤回"),
}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.sampled_from(sorted(OPERATIONS)), min_size=1, max_size=9))
def test_no_sequence_of_operations_leaves_the_transition_table(hall, steps):
    number, _ = hall.submit(materials=["申请书", "营业执照"])  # one material missing: accepted after supply or waiver
    changes = 0
    for step in steps:
        before = status(hall, number)
        try:
            hall.do(lambda s: OPERATIONS[step](s, number))
        except (FailedPrecondition, InvalidArgument):
            assert status(hall, number) == before  # a refused move changes nothing
            continue
        after = status(hall, number)
        assert after in lifecycle.STATES
        assert after == before or lifecycle.can_move(before, after)
        changes += after != before
    moves = history(hall, number)
    assert len(moves) == changes  # every change of state, and only those, is in the history
    assert all(lifecycle.can_move(a, b) for a, b, _ in moves)
    # The history is one unbroken chain from receipt to the state the case is in now.
    chain = [lifecycle.RECEIVED] + [b for _, b, _ in moves]
    assert [a for a, _, _ in moves] == chain[:-1]
    assert chain[-1] == status(hall, number)


def test_a_refused_move_names_the_current_state(hall):
    number, _ = hall.submit()
    with pytest.raises(FailedPrecondition, match="is received; it cannot become approved"):
        hall.do(lambda s: decisions.approve(s, number, AIC))


def test_history_is_append_only_in_the_database(hall):
    number, _ = hall.submit()
    hall.do(lambda s: decisions.accept(s, number, AIC))
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        hall.do(lambda s: s.execute(sa.update(CaseTransition).values(reason="rewritten")))
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        hall.do(lambda s: s.execute(sa.delete(CaseTransition)))
    assert history(hall, number) == [("received", "accepted", "aic-01")]


# ------------------------------------------------------------------ one-time notice, Art. 32
def test_the_one_time_notice_names_every_missing_material_once(hall):
    number, _ = hall.submit(materials=["申请书"])
    with pytest.raises(InvalidArgument) as partial:
        hall.do(lambda s: decisions.request_correction(s, number, AIC, materials=["营业执照"]))
    assert "'场地证明' was not supplied and must be named" in str(partial.value.violations)
    notice = hall.do(lambda s: decisions.request_correction(s, number, AIC, materials=[]))
    assert notice.missing_materials == ["场地证明", "营业执照"]
    with pytest.raises(FailedPrecondition, match="already had its one-time notice"):
        hall.do(lambda s: decisions.request_correction(s, number, AIC, materials=[]))
    hall.do(lambda s: decisions.supply_materials(s, number, AIC, materials=["营业执照"]))
    assert status(hall, number) == lifecycle.CORRECTION_REQUESTED
    hall.do(lambda s: decisions.supply_materials(s, number, AIC, materials=["场地证明"]))
    assert status(hall, number) == lifecycle.ACCEPTED
    kinds = hall.do(lambda s: [v.kind for v in s.scalars(sa.select(Voucher).order_by(Voucher.id))])
    assert kinds == ["correction", "acceptance"]


def test_a_case_left_unanswered_five_working_days_is_deemed_accepted_from_receipt(hall, clock):
    clock.set(datetime(2025, 9, 26, 2, 0, tzinfo=UTC))  # Fri before National Day, 10:00 in the hall
    answered, _ = hall.submit(materials=["申请书"])
    quiet, _ = hall.submit()
    hall.do(lambda s: decisions.request_correction(s, answered, AIC, materials=[]))
    # 5 working days after 26 Sep 2025: 28 Sep (adjusted Sunday), 9, 10 Oct... due 10 Oct.
    clock.set(datetime(2025, 10, 10, 2, 0, tzinfo=UTC))
    assert supervision.scan(hall.session_factory)["deemed_accepted"] == 0
    clock.set(datetime(2025, 10, 11, 2, 0, tzinfo=UTC))
    assert supervision.scan(hall.session_factory)["deemed_accepted"] == 1
    case = hall.case(quiet)
    assert case.status == lifecycle.ACCEPTED and case.accepted_on == date(2025, 9, 26)
    assert history(hall, quiet)[-1] == ("received", "accepted", "system")
    assert status(hall, answered) == lifecycle.CORRECTION_REQUESTED  # a notice was given: not deemed
    clock.set(datetime(2025, 10, 13, 2, 0, tzinfo=UTC))
    assert supervision.scan(hall.session_factory)["deemed_accepted"] == 0


# ----------------------------------------------------------------------- working-day clock
def _accept_on(hall: Hall, number: str, day: date) -> Case:
    def work(session):
        case = decisions.accept(session, number, staff(queries.find_case(session, number).department_code))
        case.accepted_on = day
        clock.recompute(session, case, queries.case_version(session, case))
        return case

    return hall.do(work)


def test_the_clock_skips_national_day_and_counts_the_adjusted_working_weekend(hall):
    number, _ = hall.submit("LAND-001")  # promised 10, statutory 20
    case = _accept_on(hall, number, date(2025, 9, 26))
    # Sat 27 Sep is off; day 1 = Sun 28 Sep (adjusted working day), 2-3 = 29, 30 Sep; 1-8 Oct
    # off; 4-5 = 9, 10 Oct; 6 = Sat 11 Oct (adjusted working day); 7-10 = 13..16 Oct.
    assert case.promised_due == date(2025, 10, 16)
    # 11-15 = 17, 20..23 Oct; 16-20 = 24, 27..30 Oct.
    assert case.statutory_due == date(2025, 10, 30)
    assert case.due_provisional is False


def test_the_clock_skips_the_spring_festival(hall):
    number, _ = hall.submit()  # promised 3
    case = _accept_on(hall, number, date(2026, 2, 13))
    cal = clock.calendar()
    assert cal.is_working_day(date(2026, 2, 14))  # the Saturday before the festival is worked
    assert not any(cal.is_working_day(date(2026, 2, d)) for d in range(15, 24))
    assert case.promised_due == date(2026, 2, 25)


def test_a_deadline_in_an_unpublished_year_is_flagged_provisional(hall):
    number, _ = hall.submit("LAND-001")
    case = _accept_on(hall, number, date(2026, 12, 28))
    assert case.promised_due.year == 2027 and case.due_provisional is True


def test_pauses_stop_the_clock_and_extensions_follow_the_ladder(hall):
    number, _ = hall.submit("LAND-001")
    case = _accept_on(hall, number, date(2025, 11, 3))  # Monday; promised 10 -> 17 Nov
    assert case.promised_due == date(2025, 11, 17)

    def pause_for_inspection(session):
        pause = deadlines.pause(
            session,
            number,
            LAND,
            reason="inspection",
            note="现场核查",
            expected_end=shanghai_day(utcnow()) + timedelta(days=7),
        )
        pause.started_on, pause.ended_on = date(2025, 11, 5), date(2025, 11, 11)  # Wed..Tue: 5 working days
        clock.recompute(
            session,
            queries.find_case(session, number),
            queries.case_version(session, queries.find_case(session, number)),
        )

    hall.do(pause_for_inspection)
    assert hall.case(number).promised_due == date(2025, 11, 24)  # 5 working days later
    with pytest.raises(PermissionDenied):
        hall.do(lambda s: deadlines.extend(s, number, LAND, extra_days=5, reason="需专家评审"))  # not an approver
    approver = staff("LAND", "approver")
    with pytest.raises(InvalidArgument, match="extension is invalid"):
        hall.do(lambda s: deadlines.extend(s, number, approver, extra_days=11, reason="需专家评审"))
    hall.do(lambda s: deadlines.extend(s, number, approver, extra_days=10, reason="需专家评审"))
    assert hall.case(number).promised_due == date(2025, 12, 8)  # +10 working days
    with pytest.raises(FailedPrecondition, match="extended once already"):
        hall.do(lambda s: deadlines.extend(s, number, approver, extra_days=1, reason="再延"))
    events = hall.do(lambda s: [decode(m.envelope)[0].event_type for m in s.scalars(sa.select(OutboxMessage))])
    assert "servicehall.events.v1.ExtensionGranted" in events


def test_an_open_pause_leaves_no_due_date_until_resumed(hall):
    number, _ = hall.submit("LAND-001")
    _accept_on(hall, number, shanghai_day(utcnow()) - timedelta(days=1))
    assert hall.case(number).promised_due is not None
    week = shanghai_day(utcnow()) + timedelta(days=7)
    hall.do(lambda s: deadlines.pause(s, number, LAND, reason="testing", expected_end=week))
    case = hall.case(number)
    assert case.promised_due is None  # paused from today until the test results come back
    hall.do(lambda s: deadlines.resume(s, number, LAND))
    assert hall.case(number).promised_due is not None


# ------------------------------------------------------------------ conclusion: seal, fees
def test_a_sealed_item_concludes_only_after_sealing_and_at_the_sealing_time(hall):
    number, _ = hall.submit()
    for step in ("accept", "review", "approve"):
        hall.do(lambda s: OPERATIONS[step](s, number))
    hall.do(lambda s: setattr(queries.find_case(s, number), "fees_settled_at", datetime.now(UTC)))
    with pytest.raises(FailedPrecondition, match="needs the window approval seal"):
        hall.do(lambda s: decisions.conclude(s, number, AIC))
    sealed = datetime.now(UTC)
    hall.do(
        lambda s: s.add(
            SealUse(seal_code="SEAL-AIC-01", case_number=number, staff_id="aic-01", used_at=sealed, note="")
        )
    )
    case = hall.do(lambda s: decisions.conclude(s, number, AIC))
    assert case.status == lifecycle.CONCLUDED
    assert abs((as_utc(case.concluded_at) - sealed).total_seconds()) < 1e-3


def test_an_item_with_fees_cannot_conclude_before_the_fees_are_settled(hall):
    number, _ = hall.submit()
    for step in ("accept", "review", "approve", "seal"):
        hall.do(lambda s: OPERATIONS[step](s, number))
    with pytest.raises(FailedPrecondition, match="fees that are not settled"):
        hall.do(lambda s: decisions.conclude(s, number, AIC))
    hall.do(lambda s: OPERATIONS["fees_settled"](s, number))
    assert hall.do(lambda s: decisions.conclude(s, number, AIC)).status == lifecycle.CONCLUDED


def test_an_instant_case_is_concluded_on_the_spot_with_every_step_recorded(hall):
    number, _ = hall.submit("AIC-001")  # needs the window seal
    with pytest.raises(InvalidArgument, match="needs the window approval seal"):
        hall.do(lambda s: decisions.conclude_on_the_spot(s, number, AIC))
    with pytest.raises(PermissionDenied):  # another department's seal: refused, nothing written
        hall.do(lambda s: decisions.conclude_on_the_spot(s, number, AIC, seal_code="SEAL-LAND-01"))
    assert status(hall, number) == lifecycle.RECEIVED and history(hall, number) == []
    case = hall.do(lambda s: decisions.conclude_on_the_spot(s, number, AIC, seal_code="SEAL-AIC-01"))
    assert [b for _, b, _ in history(hall, number)] == ["accepted", "in_review", "approved", "concluded"]
    assert case.sealed_at is not None and case.concluded_at == case.sealed_at
    uses = hall.do(lambda s: [u.seal_code for u in s.scalars(sa.select(SealUse).where(SealUse.case_number == number))])
    assert uses == ["SEAL-AIC-01"]


# ------------------------------------------------------------------------ who may do what
def test_staff_act_only_on_their_own_departments_cases(hall):
    number, _query_code = hall.submit()
    with pytest.raises(NotFound):  # another department's case answers like a missing one
        hall.do(lambda s: decisions.accept(s, number, LAND))
    with pytest.raises(NotFound):
        hall.do(lambda s: access.get_case(s, number, LAND))
    hall.do(lambda s: access.get_case(s, number, MANAGER))  # managers see every department
    with pytest.raises(PermissionDenied):
        hall.do(lambda s: access.list_cases(s, LAND, access.CaseFilter(department_code="AIC")))
    listed, _ = hall.do(lambda s: access.list_cases(s, LAND, access.CaseFilter()))
    assert listed == []
    assert status(hall, number) == lifecycle.RECEIVED


def test_an_applicant_sees_only_their_case_with_its_query_code(hall):
    number, query_code = hall.submit()
    other, _ = hall.submit()
    hall.do(lambda s: access.get_case(s, number, Caller(query_code=query_code)))
    for case_number, code in (
        (number, "000000" if query_code != "000000" else "111111"),
        (other, query_code),
        (number, ""),
    ):
        with pytest.raises(NotFound):  # a wrong code: as if there were no such case
            hall.do(lambda s: access.get_case(s, case_number, Caller(query_code=code)))
    with pytest.raises(PermissionDenied):
        hall.do(lambda s: decisions.accept(s, number, Caller(query_code=query_code)))
    hall.do(lambda s: decisions.withdraw(s, number, Caller(query_code=query_code), reason="不办了"))
    assert history(hall, number) == [("received", "withdrawn", "applicant")]


def test_vouchers_are_numbered_per_department_and_year(hall):
    first, _ = hall.submit()
    second, _ = hall.submit()
    for number in (first, second):
        hall.do(lambda s: decisions.accept(s, number, AIC))
    numbers = hall.do(lambda s: [v.number for v in s.scalars(sa.select(Voucher).order_by(Voucher.id))])
    year = date.today().year
    assert numbers == [f"AIC-SL-{year}-00001", f"AIC-SL-{year}-00002"]
    content = hall.do(lambda s: s.scalar(sa.select(Voucher.content).where(Voucher.number == numbers[0])))
    assert "受理通知书" in content and first in content and "承诺于" in content


def test_the_enterprises_agent_acts_for_the_applicant(hall):

    enterprise = "91350100M000100Y43"
    hall.do(
        lambda s: agency.assign_agent(s, enterprise_code=enterprise, agent_staff_id="zy-agent-1", assigned_by="zy-mgr")
    )

    def submit(session):
        case, _, _ = intake.submit_application(
            session,
            service_item_code="LAND-001",
            applicant=intake.ApplicantInput(
                name="某某公司", id_card_number="340723199001010019", phone="13812345678", enterprise_code=enterprise
            ),
            materials_supplied=["申请书"],
        )
        return case.case_number

    number = hall.do(submit)
    assert hall.case(number).agent_staff_id == "zy-agent-1"
    agent, colleague = staff("ZY", staff_id="zy-agent-1"), staff("ZY", staff_id="zy-02")
    hall.do(lambda s: access.get_case(s, number, agent))
    with pytest.raises(NotFound):  # a colleague of another department is not the agent
        hall.do(lambda s: access.get_case(s, number, colleague))
    with pytest.raises(PermissionDenied):
        hall.do(lambda s: decisions.accept(s, number, agent))  # acting for the applicant, not deciding
    hall.do(lambda s: decisions.withdraw(s, number, agent, reason="企业决定暂缓"))
    moves = hall.do(lambda s: [(t.from_status, t.to_status, t.actor) for t in access.history(s, number, agent)])
    assert moves == [("received", "withdrawn", "agent:zy-agent-1")]
