"""The registers beside the cases: window seals and their reconciliation, full-process
agency, consultations with first-inquiry ownership. Domain functions on a real migrated
database of the cases service (PostgreSQL when TEST_DATABASE_URL is set, else SQLite)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from services.cases import agency, catalog, consultations, queries, seals
from services.cases.models import AgencyAssignment, Case, Consultation, ConsultationHandover, SealUse
from shared.auth import Caller, query_code_digest
from shared.db import transaction
from shared.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from shared.timeutil import as_utc, utcnow
from tests.support import VALID_ID_CARD

MIGRATIONS = Path(__file__).resolve().parents[2] / "services" / "cases" / "migrations"
MANAGER = Caller(staff_id="M-001", department_code="ZY", roles=frozenset({"manager"}))
AIC_CLERK = Caller(staff_id="S-AIC-1", department_code="AIC", roles=frozenset({"window_staff"}))
# Unified social credit codes with a correct check character (GB 32100-2015).
ENTERPRISE = "91350100M000100Y43"
OTHER_ENTERPRISE = "91110000600037341L"


# Every test here works on the demo catalog.
pytestmark = pytest.mark.seeded


def add_case(
    session,
    number: str,
    item_code: str,
    *,
    status: str = "received",
    enterprise_code: str = "",
    agent: str = "",
    concluded_at: datetime | None = None,
    sealed_at: datetime | None = None,
    submitted_at: datetime | None = None,
) -> Case:
    version = queries.version_in_force(session, item_code, date(2011, 1, 1))
    case = Case(
        case_number=number,
        query_code_sha256=query_code_digest(number, "123456"),
        service_item_code=item_code,
        item_version_id=version.id,
        department_code=version.department_code,
        window_code=version.window_code,
        case_kind=version.case_kind,
        status=status,
        applicant_name="张三",
        applicant_id_card_number=VALID_ID_CARD,
        applicant_phone="13812345678",
        applicant_email="",
        enterprise_code=enterprise_code,
        remarks="",
        submitted_at=submitted_at or utcnow(),
        concluded_at=concluded_at,
        sealed_at=sealed_at,
        agent_staff_id=agent,
    )
    session.add(case)
    session.flush()
    return case


def count(cases_db, model) -> int:
    with cases_db() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(model))


# --- seals ----------------------------------------------------------------------------


def test_the_register_lists_a_windows_seals_and_a_manager_withdraws_one(cases_db):
    with transaction(cases_db) as session:
        assert [s.code for s in seals.list_seals(session, "AIC-01")] == ["SEAL-AIC-01"]
        with pytest.raises(PermissionDenied):
            seals.set_seal_active(session, seal_code="SEAL-AIC-01", active=False, actor=AIC_CLERK)
        seals.set_seal_active(session, seal_code="SEAL-AIC-01", active=False, actor=MANAGER)
    with cases_db() as session:
        assert seals.list_seals(session, "AIC-01", include_inactive=False) == []
        assert [s.active for s in seals.list_seals(session, "AIC-01")] == [False]
    with transaction(cases_db) as session:  # every `make up` seeds again: the seal stays withdrawn
        assert catalog.seed(session) == 0
    with cases_db() as session:
        assert [s.active for s in seals.list_seals(session, "AIC-01")] == [False]


def test_sealing_a_case_records_who_when_which_case_and_which_seal(cases_db):
    with transaction(cases_db) as session:
        add_case(session, "AIC-20110105-00001", "AIC-002", status="approved")
        first = seals.use_seal(
            session,
            seal_code="SEAL-AIC-01",
            case_number="AIC-20110105-00001",
            staff_id="S-AIC-1",
            caller_department="AIC",
        )
        second = seals.use_seal(
            session,
            seal_code="SEAL-AIC-01",
            case_number="AIC-20110105-00001",
            staff_id="S-AIC-2",
            caller_department="AIC",
            note="副本",
        )
    assert (first.seal_code, first.case_number, first.staff_id) == ("SEAL-AIC-01", "AIC-20110105-00001", "S-AIC-1")
    assert abs(as_utc(first.used_at) - utcnow()) < timedelta(minutes=1)
    with cases_db() as session:
        assert seals.latest_seal_use(session, "AIC-20110105-00001").id == second.id
        assert seals.latest_seal_use(session, "AIC-20110105-00001", department_code="LAND") is None
        assert [u.id for u in seals.seal_uses_of_case(session, "AIC-20110105-00001")] == [first.id, second.id]
        assert seals.latest_seal_use(session, "AIC-20110105-99999") is None


def test_staff_may_not_use_another_departments_seal(cases_db):
    with transaction(cases_db) as session:
        add_case(session, "AIC-20110105-00001", "AIC-002", status="approved")
    with transaction(cases_db) as session, pytest.raises(PermissionDenied) as caught:
        seals.use_seal(
            session,
            seal_code="SEAL-AIC-01",
            case_number="AIC-20110105-00001",
            staff_id="S-PSB-1",
            caller_department="PSB",
        )
    assert "SEAL-AIC-01" in str(caught.value)
    assert count(cases_db, SealUse) == 0


def test_a_seal_seals_only_its_departments_cases_including_joint_ones(cases_db):
    with transaction(cases_db) as session:
        add_case(session, "PSB-20110105-00001", "PSB-002", status="approved")
        add_case(session, "HCB-20110105-00001", "HCB-010", status="in_review")
    with transaction(cases_db) as session, pytest.raises(NotFound, match="no case with number"):
        seals.use_seal(  # another department's case answers like a missing one
            session,
            seal_code="SEAL-AIC-01",
            case_number="PSB-20110105-00001",
            staff_id="S-AIC-1",
            caller_department="AIC",
        )
    with transaction(cases_db) as session:  # LAND approves its part of the HCB-led joint case
        seals.use_seal(
            session,
            seal_code="SEAL-LAND-01",
            case_number="HCB-20110105-00001",
            staff_id="S-LAND-1",
            caller_department="LAND",
        )
    assert count(cases_db, SealUse) == 1


def test_refused_seal_uses(cases_db):
    with transaction(cases_db) as session:
        add_case(session, "AIC-20110105-00001", "AIC-002", status="concluded", concluded_at=utcnow())
        seals.set_seal_active(session, seal_code="SEAL-QTS-01", active=False, actor=MANAGER)
    attempts = [
        (
            {"seal_code": "SEAL-QTS-01", "case_number": "", "note": "证明", "caller_department": "QTS"},
            FailedPrecondition,
            None,
        ),
        (
            {"seal_code": "SEAL-NOPE", "case_number": "", "note": "证明", "caller_department": "AIC"},
            NotFound,
            "seal_code",
        ),
        (
            {"seal_code": "SEAL-AIC-01", "case_number": "AIC-20990101-00001", "caller_department": "AIC"},
            NotFound,
            "case_number",
        ),
        (
            {"seal_code": "SEAL-AIC-01", "case_number": "AIC-20110105-00001", "caller_department": "AIC"},
            FailedPrecondition,
            None,
        ),
        ({"seal_code": "SEAL-AIC-01", "case_number": "", "caller_department": "AIC"}, InvalidArgument, "note"),
    ]
    for arguments, error, field in attempts:
        with transaction(cases_db) as session, pytest.raises(error) as caught:
            seals.use_seal(session, staff_id="S-1", **arguments)
        if field:
            assert [v.field for v in caught.value.violations] == [field]
    assert count(cases_db, SealUse) == 0


def test_the_reconciliation_finds_both_kinds_of_discrepancy(cases_db):
    now = utcnow()
    since, until = now - timedelta(days=1), now + timedelta(days=1)
    long_ago = now - timedelta(days=30)
    with transaction(cases_db) as session:
        unsealed = add_case(session, "AIC-20110105-00001", "AIC-002", status="concluded", concluded_at=now)
        add_case(session, "AIC-20110105-00002", "AIC-002", status="concluded", concluded_at=now, sealed_at=now)
        add_case(session, "PSB-20110105-00001", "PSB-001", status="concluded", concluded_at=now)  # needs no seal
        add_case(session, "AIC-20110105-00003", "AIC-002", status="approved")  # not concluded yet
        add_case(session, "AIC-20110105-00004", "AIC-002", status="concluded", concluded_at=long_ago)  # another period
        add_case(session, "AIC-20110105-00005", "AIC-002", status="approved")
        loose = seals.use_seal(
            session, seal_code="SEAL-AIC-01", case_number="", staff_id="S-AIC-1", caller_department="AIC", note="证明信"
        )
        seals.use_seal(
            session,
            seal_code="SEAL-AIC-01",
            case_number="AIC-20110105-00005",
            staff_id="S-AIC-1",
            caller_department="AIC",
        )
        # Recorded by a department system for a number this hall never issued.
        stray = SealUse(
            seal_code="SEAL-AIC-01", case_number="AIC-20110105-09999", staff_id="S-AIC-1", used_at=now, note=""
        )
        old = SealUse(seal_code="SEAL-AIC-01", case_number="", staff_id="S-AIC-1", used_at=long_ago, note="旧")
        session.add_all([stray, old])
    with cases_db() as session:
        found = seals.reconcile_seals(session, since=since, until=until)
    assert [c.id for c in found.cases_concluded_without_seal] == [unsealed.id]
    assert sorted(u.id for u in found.seal_uses_without_case) == sorted([loose.id, stray.id])
    cases, uses = found
    assert len(cases) == 1 and len(uses) == 2
    with cases_db() as session, pytest.raises(InvalidArgument):
        seals.reconcile_seals(session, since=until, until=since)


# --- agency ---------------------------------------------------------------------------


def test_every_hand_over_is_a_row_in_the_history(cases_db):
    with transaction(cases_db) as session:
        first = agency.assign_agent(
            session, enterprise_code=ENTERPRISE, agent_staff_id="AG-A", assigned_by="M-001", note="入区"
        )
    with transaction(cases_db) as session:
        second = agency.assign_agent(
            session, enterprise_code=ENTERPRISE.lower(), agent_staff_id="AG-B", assigned_by="M-002", note="AG-A 调岗"
        )
    with transaction(cases_db) as session, pytest.raises(FailedPrecondition):
        agency.assign_agent(session, enterprise_code=ENTERPRISE, agent_staff_id="AG-B", assigned_by="M-002")
    with cases_db() as session:
        history = agency.assignment_history(session, ENTERPRISE)
        assert [(a.agent_staff_id, a.assigned_by, a.note) for a in history] == [
            ("AG-A", "M-001", "入区"),
            ("AG-B", "M-002", "AG-A 调岗"),
        ]
        assert history[0].id == first.id and as_utc(history[0].ended_at) == as_utc(second.assigned_at)
        assert history[1].ended_at is None
        assert agency.current_agent(session, ENTERPRISE).agent_staff_id == "AG-B"
        assert agency.current_agent(session, OTHER_ENTERPRISE) is None
        assert agency.enterprises_of(session, "AG-B") == [ENTERPRISE] and agency.enterprises_of(session, "AG-A") == []


def test_an_assignment_needs_a_valid_enterprise_code_and_names(cases_db):
    with transaction(cases_db) as session, pytest.raises(InvalidArgument) as caught:
        agency.assign_agent(session, enterprise_code=ENTERPRISE[:-1] + "4", agent_staff_id="", assigned_by="M-001")
    assert {v.field for v in caught.value.violations} == {"enterprise_code", "agent_staff_id"}
    assert agency.enterprise_code_problem(ENTERPRISE) is None
    assert agency.enterprise_code_problem("91350100M000100Y4I") is not None
    assert count(cases_db, AgencyAssignment) == 0


def test_an_agents_caseload_follows_the_hand_over(cases_db):
    with transaction(cases_db) as session:
        agency.assign_agent(session, enterprise_code=ENTERPRISE, agent_staff_id="AG-A", assigned_by="M-001")
        t0 = utcnow() - timedelta(hours=3)
        named = add_case(
            session, "AIC-20110105-00001", "AIC-002", enterprise_code=ENTERPRISE, agent="AG-A", submitted_at=t0
        )
        unnamed = add_case(
            session, "STAX-20110105-00001", "STAX-002", enterprise_code=ENTERPRISE, submitted_at=t0 + timedelta(hours=1)
        )
        add_case(session, "AIC-20110105-00002", "AIC-004", enterprise_code=ENTERPRISE, agent="AG-A", status="concluded")
        add_case(session, "AIC-20110105-00003", "AIC-005", enterprise_code=ENTERPRISE, status="withdrawn")
        elsewhere = add_case(
            session, "TRANS-20110105-00001", "TRANS-001", enterprise_code=OTHER_ENTERPRISE, agent="AG-C"
        )
        add_case(session, "LAND-20110105-00001", "LAND-001", enterprise_code=OTHER_ENTERPRISE)
    with cases_db() as session:
        assert [c.id for c in agency.agent_caseload(session, "AG-A")] == [named.id, unnamed.id]
        assert agency.agent_caseload(session, "AG-B") == []
        version_before = session.get(Case, named.id).row_version
    with transaction(cases_db) as session:
        agency.assign_agent(session, enterprise_code=ENTERPRISE, agent_staff_id="AG-B", assigned_by="M-001")
    with cases_db() as session:
        assert [c.id for c in agency.agent_caseload(session, "AG-B")] == [named.id, unnamed.id]
        assert agency.agent_caseload(session, "AG-A") == []
        moved = session.get(Case, named.id)
        assert moved.agent_staff_id == "AG-B" and moved.row_version == version_before + 1
        concluded = session.scalar(sa.select(Case).where(Case.case_number == "AIC-20110105-00002"))
        assert concluded.agent_staff_id == "AG-A"  # history of closed cases stays as it was
        # An agent named on a case carries it without an enterprise assignment.
        assert [c.id for c in agency.agent_caseload(session, "AG-C")] == [elsewhere.id]


# --- consultations --------------------------------------------------------------------


def test_the_first_staff_asked_owns_the_consultation_and_personal_data_is_masked(cases_db):
    with transaction(cases_db) as session:
        view = consultations.record_consultation(
            session,
            department_code="AIC",
            window_code="AIC-01",
            asker="王五 13812345678",
            topic="个体户设立要带什么材料？身份证340723199001010019",
            staff_id="S-AIC-1",
        )
    assert view.owner_staff_id == view.answered_by == "S-AIC-1"
    assert view.asker == "王五 138****5678"
    assert "340723199001010019" not in view.topic and "340723********0019" in view.topic
    with cases_db() as session:
        stored = session.get(Consultation, view.id)
        assert stored.asker == "王五 138****5678"  # stored masked: free text (shared.db.free_text)
        assert consultations.get_consultation(session, view.id).asker == "王五 138****5678"
        assert [c.id for c in consultations.consultations_owned_by(session, "S-AIC-1")] == [view.id]


def test_a_consultation_names_a_real_window_of_its_department(cases_db):
    with transaction(cases_db) as session, pytest.raises(InvalidArgument) as caught:
        consultations.record_consultation(
            session, department_code="AIC", window_code="PSB-01", asker="王五", topic="", staff_id="S-AIC-1"
        )
    assert {v.field for v in caught.value.violations} == {"window_code", "topic"}
    assert count(cases_db, Consultation) == 0


def test_only_the_owner_hands_over_and_every_hand_over_is_recorded(cases_db):
    with transaction(cases_db) as session:
        asked = consultations.record_consultation(
            session,
            department_code="LAND",
            window_code="LAND-01",
            asker="赵六",
            topic="宅基地审批",
            staff_id="S-LAND-1",
        )
    with transaction(cases_db) as session, pytest.raises(PermissionDenied) as caught:
        consultations.hand_over(session, consultation_id=asked.id, from_staff_id="S-LAND-2", to_staff_id="S-LAND-3")
    assert "S-LAND-1" in str(caught.value)
    assert count(cases_db, ConsultationHandover) == 0
    with transaction(cases_db) as session:
        moved = consultations.hand_over(
            session, consultation_id=asked.id, from_staff_id="S-LAND-1", to_staff_id="S-HCB-1", note="属住建业务"
        )
    assert moved.owner_staff_id == "S-HCB-1" and moved.answered_by == "S-LAND-1"
    with transaction(cases_db) as session, pytest.raises(PermissionDenied):  # no longer the owner
        consultations.hand_over(session, consultation_id=asked.id, from_staff_id="S-LAND-1", to_staff_id="S-LAND-2")
    with transaction(cases_db) as session, pytest.raises(InvalidArgument):
        consultations.hand_over(session, consultation_id=asked.id, from_staff_id="S-HCB-1", to_staff_id="S-HCB-1")
    with transaction(cases_db) as session:
        consultations.hand_over(session, consultation_id=asked.id, from_staff_id="S-HCB-1", to_staff_id="S-PLAN-1")
    with transaction(cases_db) as session, pytest.raises(NotFound):
        consultations.hand_over(
            session, consultation_id=asked.id + 100, from_staff_id="S-HCB-1", to_staff_id="S-PLAN-1"
        )
    with cases_db() as session:
        history = consultations.consultation_history(session, asked.id)
        assert history.consultation.owner_staff_id == "S-PLAN-1"
        assert [(h.from_staff_id, h.to_staff_id, h.note) for h in history.handovers] == [
            ("S-LAND-1", "S-HCB-1", "属住建业务"),
            ("S-HCB-1", "S-PLAN-1", ""),
        ]
        assert consultations.consultations_owned_by(session, "S-LAND-1") == []


def test_consultations_are_counted_per_window_in_a_period(cases_db):
    with transaction(cases_db) as session:
        for window, department, times in (("AIC-01", "AIC", 3), ("PSB-01", "PSB", 1)):
            for n in range(times):
                consultations.record_consultation(
                    session,
                    department_code=department,
                    window_code=window,
                    asker=f"群众{n}",
                    topic="咨询",
                    staff_id="S-1",
                )
        earlier = consultations.record_consultation(
            session, department_code="FIN", window_code="FIN-01", asker="群众", topic="契税", staff_id="S-FIN-1"
        )
        session.get(Consultation, earlier.id).asked_at = datetime(2010, 10, 8, 1, 0, tzinfo=UTC)
    now = utcnow()
    with cases_db() as session:
        assert consultations.count_by_window(session, now - timedelta(hours=1), now + timedelta(hours=1)) == {
            "AIC-01": 3,
            "PSB-01": 1,
        }
        october = consultations.count_by_window(
            session,
            datetime(2010, 10, 1, tzinfo=timezone(timedelta(hours=8))),
            datetime(2010, 11, 1, tzinfo=timezone(timedelta(hours=8))),
        )
        assert october == {"FIN-01": 1}
