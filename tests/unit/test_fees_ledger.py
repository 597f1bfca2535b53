"""The fees ledger against a real database (PostgreSQL when TEST_DATABASE_URL is set):
standards versioning by date, idempotent and concurrent payments, gapless receipt numbers,
day close, bounded refunds and the reconciliation invariant, with hypothesis driving
sequences of operations and threads driving real concurrency."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import TypeVar

import pytest
import sqlalchemy as sa
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.fees import adjustments, assessment, collection, ledger, messages, queries, reporting, standards
from services.fees.models import (
    NON_TAX_RECEIPT,
    CashierDay,
    FeeCase,
    FeeStandard,
    NoticeLine,
    Payment,
    PaymentNotice,
    Receipt,
)
from services.fees.rules import Rule
from services.fees.server import DEFINITION as FEES
from shared.clock import ShiftedClock
from shared.clock import today as hall_today
from shared.db import make_engine, make_session_factory, migrate, run_in_transaction, transaction
from shared.errors import AlreadyExists, DomainError, FailedPrecondition, InvalidArgument
from shared.timeutil import SHANGHAI
from tests.fees_support import accept, new_case_number

T = TypeVar("T")
DB_SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


# Every test here reads the demo fee standards; `clock` (tests/conftest.py) is the hall's time
# for everything the test's sessions do (advance it to change days).
pytestmark = pytest.mark.seeded


def run(factory, work: Callable[..., T]) -> T:
    """What the servicer does (runtime.write): one transaction, run again after a lost race."""
    return run_in_transaction(factory, work)


def notice_of(factory, case_number: str) -> PaymentNotice:
    with factory() as session:
        return session.scalars(sa.select(PaymentNotice).where(PaymentNotice.case_number == case_number)).one()


def pay(factory, notice_number: str, key: str, cashier: str = "C-1", amount: int = 10000):
    return run(
        factory,
        lambda s: collection.record_payment(
            s,
            notice_number=notice_number,
            method="cash",
            expected_amount_fen=amount,
            reference="",
            idempotency_key=key,
            cashier=cashier,
        ),
    )


def count(factory, model, *where) -> int:
    with factory() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def all_at_once(n: int, work: Callable[[int], T]) -> list[T | BaseException | None]:
    """Run work(i) in n threads released together; results or exceptions, by i."""
    barrier = threading.Barrier(n)
    results: list[T | BaseException | None] = [None] * n

    def target(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except BaseException as exc:
            results[i] = exc

    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


# --- standards versioning ---------------------------------------------------------------

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31))


@DB_SETTINGS
@given(
    versions=st.dictionaries(days, st.integers(min_value=1, max_value=10**8), min_size=1, max_size=6),
    assessed_on=days,
    later_amount=st.integers(min_value=1, max_value=10**8),
)
def test_an_assessment_uses_the_version_in_force_on_its_day_for_good(fees_db, versions, assessed_on, later_amount):
    code = f"FEE-P-{uuid.uuid4().hex[:8].upper()}"

    def version(on: date, amount: int, today: date) -> Callable:
        standard = standards.StandardInput(
            code=code,
            effective_from=on,
            name="测试",
            department_code="PROP",
            fee_type="administrative",
            legal_basis="测试依据",
            rule=Rule(kind="fixed", fixed_amount_fen=amount),
        )
        return lambda s: standards.create_standard(s, standard, actor="t", today=today)

    for on, amount in versions.items():
        run(fees_db, version(on, amount, date(1999, 1, 1)))
    in_force = [d for d in versions if d <= assessed_on]
    case = new_case_number("PROP")
    accepted_at = datetime.combine(assessed_on, time(12), SHANGHAI)
    with transaction(fees_db) as session:
        notices = assessment.accept_case(
            session,
            assessment.AcceptedCase(
                case_number=case,
                service_item_code="PROP-001",
                department_code="PROP",
                window_code="PROP-01",
                fee_item_codes=(code,),
                declared_values={},
                accepted_at=accepted_at,
            ),
        )
        expected = versions[max(in_force)] if in_force else None
        assert [n.total_assessed_fen for n in notices] == ([expected] if expected else [])
    if not in_force:
        with fees_db() as session:
            assert "no fee standard" in session.get(FeeCase, case).assessment_error
        return
    # A newer version, even one taking effect on the very day, never touches the notice.
    if assessed_on not in versions:
        run(fees_db, version(assessed_on, later_amount, assessed_on))
    with fees_db() as session:
        [standard] = queries.standards_in_force(session, on=assessed_on, codes=[code])
        line = session.scalars(sa.select(NoticeLine).join(PaymentNotice).where(PaymentNotice.case_number == case)).one()
        assert line.assessed_fen == expected and line.standard_effective_from == max(in_force)
        assert standard.effective_from == assessed_on or standard.effective_from == max(in_force)


def test_a_past_version_of_a_known_standard_is_refused(fees_db):
    standard = standards.StandardInput(
        code="FEE-LAND-REG",
        effective_from=date(2020, 1, 1),
        name="土地登记费",
        department_code="LAND",
        fee_type="administrative",
        legal_basis="x",
        rule=Rule(kind="fixed", fixed_amount_fen=1),
    )
    with pytest.raises(FailedPrecondition):
        run(fees_db, lambda s: standards.create_standard(s, standard, actor="t", today=date(2026, 11, 28)))
    assert count(fees_db, FeeStandard, FeeStandard.code == "FEE-LAND-REG") == 1


def test_the_shipped_standards_import_whole_into_a_fresh_database(migrated_database, clock):
    # Issue 8: the shipped file holds several past versions of a code (TAX-DEED, the permit);
    # on a fresh database they are the code's history, not a back-dated change.
    engine = make_engine(migrated_database(FEES))  # at head, nothing seeded
    fresh = make_session_factory(engine, clock)
    document = standards.DEMO_STANDARDS.read_text(encoding="utf-8")
    entries = len(yaml.safe_load(document)["standards"])
    with transaction(fresh) as session:
        today = hall_today(session)
        assert standards.import_document(session, document, actor="t", today=today) == (entries, 0)
    with transaction(fresh) as session:
        assert standards.import_document(session, document, actor="t", today=today) == (0, entries)
        versions = [s.effective_from for s in queries.all_versions(session) if s.code == "TAX-DEED"]
    engine.dispose()
    assert versions == [date(2010, 1, 1), date(2010, 10, 1), date(2024, 12, 1)]


def test_seeding_never_backdates_a_standard_in_use(fees_db, tmp_path):
    with transaction(fees_db) as session:
        standards.seed(session)
    later = tmp_path / "later.yaml"
    later.write_text(
        """
standards:
  - {code: FEE-LAND-REG, name: 土地登记费, department: LAND, fee_type: administrative, legal_basis: 新文件, fixed_amount_fen: 20000, effective_from: 2020-01-01}
  - {code: FEE-NEW-PAST, name: 新收费, department: LAND, fee_type: administrative, legal_basis: 某文件, fixed_amount_fen: 500, effective_from: 2015-01-01}
""",
        encoding="utf-8",
    )
    # The seed loads the new code's past version, and leaves out the back-dated one.
    with transaction(fees_db) as session:
        assert standards.import_file(session, later, today=hall_today(session)) == 1
    with fees_db() as session:
        codes = [(s.code, s.effective_from) for s in queries.all_versions(session, department_code="LAND")]
    assert ("FEE-NEW-PAST", date(2015, 1, 1)) in codes and ("FEE-LAND-REG", date(2020, 1, 1)) not in codes
    # An import refuses it (all or nothing).
    with pytest.raises(FailedPrecondition), transaction(fees_db) as session:
        standards.import_document(session, later.read_text(encoding="utf-8"), actor="t", today=hall_today(session))
    assert count(fees_db, FeeStandard, FeeStandard.code == "FEE-LAND-REG") == 1


# --- the deed tax by the version in force ---------------------------------------------------

PRICE = 100_000_000  # fen: 1,000,000 yuan
DEED_TAX_LAW = date(2024, 12, 1)  # 契税法 with 财政部 税务总局 住房城乡建设部公告2024年第16号


def assess_deed_tax(db, clock: ShiftedClock, on: date, declared: dict[str, int]) -> NoticeLine:
    """A deed-tax case accepted without values, assessed by window staff on `on` (the clock)."""
    clock.set(datetime.combine(on, time(10), SHANGHAI))
    case = new_case_number("FIN")
    accept(db, case, fee_item_codes=("TAX-DEED",), department="FIN", item="FIN-001", accepted_at=clock.now())
    _, [notice] = run(
        db,
        lambda s: assessment.assess(
            s, case_number=case, declared_values={"declared_price_fen": PRICE, **declared}, fee_item_codes=[], actor="t"
        ),
    )
    [line] = notice.lines
    return line


@pytest.mark.parametrize(
    ("on", "declared", "amount", "reduced_rate", "version"),
    [
        # From 2024-12-01: the family's only home 1% up to 140 m2, 1.5% above; its second
        # home 1% up to 140 m2, 2% above (outside the four first-tier cities); else 3%.
        (
            DEED_TAX_LAW,
            {"first_home": 1, "floor_area_cm2": 1_400_000},
            1_000_000,
            "FIRST_HOME_UP_TO_140M2",
            DEED_TAX_LAW,
        ),
        (
            DEED_TAX_LAW,
            {"first_home": 1, "floor_area_cm2": 1_400_001},
            1_500_000,
            "FIRST_HOME_OVER_140M2",
            DEED_TAX_LAW,
        ),
        (
            DEED_TAX_LAW,
            {"first_home": 0, "second_home": 1, "floor_area_cm2": 1_400_000},
            1_000_000,
            "SECOND_HOME_UP_TO_140M2",
            DEED_TAX_LAW,
        ),
        (
            DEED_TAX_LAW,
            {"first_home": 0, "second_home": 1, "floor_area_cm2": 2_000_000},
            2_000_000,
            "SECOND_HOME_OVER_140M2",
            DEED_TAX_LAW,
        ),
        (DEED_TAX_LAW, {"first_home": 0, "second_home": 0, "floor_area_cm2": 500_000}, 3_000_000, None, DEED_TAX_LAW),
        # The day before, the 2010 version: a first home over 90 m2 1.5%, no second-home rate.
        (
            date(2024, 11, 30),
            {"first_home": 1, "floor_area_cm2": 1_000_000},
            1_500_000,
            "FIRST_HOME_OVER_90M2",
            date(2010, 10, 1),
        ),
        (
            date(2024, 11, 30),
            {"first_home": 0, "second_home": 1, "floor_area_cm2": 1_000_000},
            3_000_000,
            None,
            date(2010, 10, 1),
        ),
    ],
)
def test_the_deed_tax_follows_the_version_in_force_on_the_assessment_day(
    fees_db, clock, on, declared, amount, reduced_rate, version
):
    line = assess_deed_tax(fees_db, clock, on, declared)
    assert (line.assessed_fen, line.standard_effective_from) == (amount, version)
    assert ("reduced rate" not in line.basis) if reduced_rate is None else line.basis.endswith(reduced_rate)


def test_a_second_home_without_its_floor_area_is_refused(fees_db, clock):
    with pytest.raises(InvalidArgument) as caught:
        assess_deed_tax(fees_db, clock, DEED_TAX_LAW, {"first_home": 0, "second_home": 1})
    assert [v.field for v in caught.value.violations] == ["declared_values.floor_area_cm2"]


@pytest.mark.parametrize(
    ("declared", "named"),
    [
        ({"first_home": 1, "floor_area_cm2": 0}, "floor_area_cm2"),  # no area: not a small home
        ({"first_home": 1, "floor_area_cm2": -500_000}, "floor_area_cm2"),
        ({"first_home": 2, "second_home": 0, "floor_area_cm2": 800_000}, "first_home"),  # a flag is 0 or 1
        ({"first_home": 0, "second_home": -1}, "second_home"),
    ],
)
def test_a_value_a_condition_reads_outside_its_range_is_refused(fees_db, clock, declared, named):
    # Issue 8's class: an impossible value used to fall through the conditions to some rate.
    with pytest.raises(InvalidArgument) as caught:
        assess_deed_tax(fees_db, clock, DEED_TAX_LAW, declared)
    assert [v.field for v in caught.value.violations] == [f"declared_values.{named}"]


# --- payments: idempotency and concurrency --------------------------------------------------


@pytest.mark.own_database
def test_concurrent_payments_of_one_notice_charge_it_once(fees_db):
    case = new_case_number()
    accept(fees_db, case)
    notice = notice_of(fees_db, case)
    results = all_at_once(8, lambda i: pay(fees_db, notice.notice_number, f"conc-{case}-{i}", cashier=f"C-{i % 2}"))
    paid = [r for r in results if isinstance(r, collection.PaymentOutcome)]
    refused = [r for r in results if isinstance(r, FailedPrecondition)]
    assert len(paid) == 1 and len(refused) == 7, results
    assert count(fees_db, Payment, Payment.notice_id == notice.id) == 1
    assert count(fees_db, Receipt, Receipt.notice_number == notice.notice_number) == 1


@pytest.mark.own_database
def test_concurrent_retries_with_one_key_pay_once_and_answer_alike(fees_db):
    case = new_case_number()
    accept(fees_db, case)
    notice = notice_of(fees_db, case)
    results = all_at_once(6, lambda i: pay(fees_db, notice.notice_number, f"same-{case}"))
    assert all(isinstance(r, collection.PaymentOutcome) for r in results), results
    assert len({r.payment.id for r in results}) == 1 and len({r.receipt.receipt_number for r in results}) == 1
    assert sorted(r.replayed for r in results) == [False] + [True] * 5
    with pytest.raises(AlreadyExists):
        pay(fees_db, notice.notice_number, f"same-{case}", cashier="C-other")  # same key, another request


@pytest.mark.own_database
def test_receipt_numbers_are_gapless_under_concurrency_and_rollbacks(fees_db):
    cases = [new_case_number() for _ in range(10)]
    for case in cases:
        accept(fees_db, case)
    notices = [notice_of(fees_db, case) for case in cases]

    def work(i: int):
        if i % 3 == 0:  # a transaction that takes a number and then fails gives it back
            with pytest.raises(RuntimeError), transaction(fees_db) as session:
                ledger.next_receipt_serial(session, ledger.receipt_series(NON_TAX_RECEIPT, hall_today(session).year))
                raise RuntimeError("printer jammed")
        return pay(fees_db, notices[i].notice_number, f"gap-{cases[i]}", cashier=f"C-{i % 3}")

    results = all_at_once(len(notices), work)
    assert all(isinstance(r, collection.PaymentOutcome) for r in results), results
    with fees_db() as session:
        year = hall_today(session).year
        serials = queries.receipt_serials(session, range(year, year + 1))
    assert serials == {f"NTR-{year}": list(range(1, len(notices) + 1))}
    assert ledger.missing_serials([1, 2, 4, 7]) == [3, 5, 6]


def test_receipts_from_before_the_kinds_keep_their_numbers_and_take_their_notices_kind(database_url, clock):
    """Revision 0004 on a database with receipts of the former shared sequence."""
    url = database_url("fees")
    migrate(url, FEES.migrations_dir, "0003")
    engine = make_engine(url)
    now = clock.now()
    day = now.astimezone(SHANGHAI).date()
    tables = sa.MetaData()
    tables.reflect(engine)
    t = tables.tables
    with engine.begin() as connection:
        connection.execute(
            t["fee_cases"].insert(),
            {
                "case_number": "LAND-OLD-1",
                "service_item_code": "LAND-001",
                "department_code": "LAND",
                "window_code": "LAND-01",
                "fee_item_codes": ["FEE-LAND-REG", "TAX-DEED"],
                "declared_values": {},
                "zero_fee_items": [],
                "query_code_sha256": "",
                "applicant_name": "王五",
                "accepted_at": now,
                "assessment_error": "",
                "created_at": now,
            },
        )
        for serial, (department, fee_type, amount) in enumerate(
            [("LAND", "administrative", 10_000), ("FIN", "deed_tax", 300_000), ("LAND", "administrative", 10_000)],
            start=1,
        ):
            notice_number = f"PN-OLD-{serial}"
            notice_id = connection.execute(
                t["payment_notices"].insert().returning(t["payment_notices"].c.id),
                {
                    "notice_number": notice_number,
                    "case_number": "LAND-OLD-1",
                    "department_code": department,
                    "fee_type": fee_type,
                    "status": "paid",
                    "assessed_on": day,
                    "due_date": day,
                    "issued_at": now,
                    "issued_by": "system",
                    "total_assessed_fen": amount,
                },
            ).scalar_one()
            connection.execute(
                t["payments"].insert(),
                {
                    "id": f"old-payment-{serial}",
                    "notice_id": notice_id,
                    "idempotency_key": f"old-{serial}",
                    "request_fingerprint": "",
                    "amount_fen": amount,
                    "method": "cash",
                    "reference": "",
                    "cashier_staff_id": "C-old",
                    "department_code": department,
                    "fee_type": fee_type,
                    "day": day,
                    "paid_at": now,
                },
            )
            receipt_id = connection.execute(
                t["receipts"].insert().returning(t["receipts"].c.id),
                {
                    "receipt_number": f"{day.year}-{serial:08d}",
                    "year": day.year,
                    "serial": serial,
                    "kind": "payment",
                    "status": "valid",
                    "payment_id": f"old-payment-{serial}",
                    "notice_number": notice_number,
                    "case_number": "LAND-OLD-1",
                    "department_code": department,
                    "fee_type": fee_type,
                    "payer_name": "王五",
                    "total_fen": amount,
                    "cashier_staff_id": "C-old",
                    "day": day,
                    "issued_at": now,
                    "related_receipt_number": "",
                    "void_reason": "",
                    "voided_by": "",
                },
            ).scalar_one()
            connection.execute(
                t["receipt_lines"].insert(),
                {"receipt_id": receipt_id, "fee_item_code": "X", "fee_item_name": "X", "amount_fen": amount},
            )
        connection.execute(t["sequence_counters"].insert(), {"name": f"receipt:{day.year}", "value": 3})
    migrate(url, FEES.migrations_dir)
    factory = make_session_factory(engine, clock)
    with factory() as session:
        old = session.scalars(sa.select(Receipt).order_by(Receipt.serial)).all()
        assert [(r.receipt_number, r.receipt_type) for r in old] == [
            (f"{day.year}-00000001", "non_tax_receipt"),
            (f"{day.year}-00000002", "tax_certificate"),
            (f"{day.year}-00000003", "non_tax_receipt"),
        ]
    with transaction(factory) as session:
        standards.seed(session)
    case = new_case_number()
    accept(factory, case)
    paid = pay(factory, notice_of(factory, case).notice_number, f"new-{case}")
    assert paid.receipt.receipt_number == f"NTR-{day.year}-00000001"  # the kind's own sequence starts
    with factory() as session:
        rows, missing = reporting.reconcile(session, period=reporting.Period(day, day, "x"))
    # The former shared sequence (1, 2, 3) has no gap as a whole, the new one none either.
    assert missing == [] and all(r.difference_fen == 0 for r in rows)
    engine.dispose()


# --- the ledger as a sequence of operations ---------------------------------------------------

operation = st.one_of(
    st.tuples(st.just("pay"), st.integers(0, 2), st.integers(0, 1)),
    st.tuples(st.just("refund"), st.integers(0, 2), st.integers(1, 12000)),
    st.tuples(st.just("reduce"), st.integers(0, 2), st.integers(1, 12000)),
    st.tuples(st.just("void"), st.integers(0, 2), st.just(0)),
    st.tuples(st.just("close"), st.just(0), st.integers(0, 1)),
)


@DB_SETTINGS
@given(st.lists(operation, min_size=1, max_size=14))
def test_the_ledger_stays_reconciled_refunds_stay_bounded_and_closed_tills_stay_closed(fees_db, operations):
    run_id = uuid.uuid4().hex[:6]
    cashiers = [f"C{run_id}-a", f"C{run_id}-b"]
    cases = [new_case_number() for _ in range(3)]
    for case in cases:
        accept(fees_db, case)
    numbers = [notice_of(fees_db, case).notice_number for case in cases]
    due = [10000, 10000, 10000]
    paid_by: list[str | None] = [None, None, None]
    refunded = [0, 0, 0]
    receipts: list[str] = ["", "", ""]
    closed: dict[str, int] = {}
    collected = dict.fromkeys(cashiers, 0)

    for kind, i, value in operations:

        def attempt(work: Callable) -> object:
            try:
                return run(fees_db, work)
            except DomainError as error:
                return error

        if kind == "pay":
            cashier = cashiers[value]
            outcome = attempt(
                lambda s: collection.record_payment(
                    s,
                    notice_number=numbers[i],
                    method="card",
                    expected_amount_fen=due[i],
                    reference="",
                    idempotency_key=uuid.uuid4().hex,
                    cashier=cashier,
                )
            )
            if paid_by[i] is None and due[i] > 0 and cashier not in closed:
                assert isinstance(outcome, collection.PaymentOutcome), outcome
                paid_by[i], receipts[i] = cashier, outcome.receipt.receipt_number
                collected[cashier] += due[i]
            else:
                assert isinstance(outcome, FailedPrecondition), outcome
        elif kind == "refund":
            outcome = attempt(
                lambda s: collection.record_refund(
                    s,
                    receipt_number=receipts[i] or "none",
                    fee_item_code="",
                    amount_fen=value,
                    reason="退",
                    idempotency_key=uuid.uuid4().hex,
                    cashier_staff_id="",
                    approver="A",
                )
            )
            if paid_by[i] is None:
                assert isinstance(outcome, DomainError), outcome
            elif value > due[i] - refunded[i]:
                assert isinstance(outcome, InvalidArgument), outcome  # never more than was paid
            elif paid_by[i] in closed:
                assert isinstance(outcome, FailedPrecondition), outcome
            else:
                assert isinstance(outcome, collection.RefundOutcome), outcome
                refunded[i] += value
                collected[paid_by[i]] -= value
        elif kind == "reduce":
            outcome = attempt(
                lambda s: adjustments.reduce_fee(
                    s, notice_number=numbers[i], fee_item_code="", amount_fen=value, reason="减免", approver="A"
                )
            )
            if paid_by[i] is None and due[i] > 0 and value <= due[i]:
                assert isinstance(outcome, PaymentNotice), outcome
                due[i] -= value
            else:
                assert isinstance(outcome, DomainError), outcome
        elif kind == "void":
            outcome = attempt(
                lambda s: collection.void_receipt(s, receipt_number=receipts[i] or "none", reason="重打", approver="A")
            )
            if paid_by[i] is not None and paid_by[i] not in closed:
                assert isinstance(outcome, tuple), outcome
                receipts[i] = outcome[1].receipt_number
            else:
                assert isinstance(outcome, DomainError), outcome
        else:
            cashier = cashiers[value]
            till, already = run(
                fees_db,
                lambda s: reporting.close_day(s, day=hall_today(s), cashier_staff_id=cashier, closed_by=cashier),
            )
            net = sum(t["payments_fen"] - t["refunds_fen"] for t in till.summary["totals"])
            assert already == (cashier in closed)
            assert net == (closed[cashier] if already else collected[cashier])
            closed.setdefault(cashier, net)

    with fees_db() as session:
        rows, missing = reporting.reconcile(session, period=messages.parse_period(hall_today(session).isoformat()))
        lines = session.scalars(
            sa.select(NoticeLine).join(PaymentNotice).where(PaymentNotice.notice_number.in_(numbers))
        ).all()
    assert all(r.difference_fen == 0 for r in rows) and missing == []
    assert sorted(line.refunded_fen for line in lines) == sorted(refunded)
    assert all(0 <= line.refunded_fen <= line.due_fen for line in lines)


# --- day close across days -------------------------------------------------------------------


def test_a_closed_day_is_corrected_on_the_next_day_with_a_reference(fees_db, clock):
    case = new_case_number()
    accept(fees_db, case)
    notice = notice_of(fees_db, case)
    paid = pay(fees_db, notice.notice_number, f"day-{case}", cashier="C-day")
    first_day = paid.payment.day
    run(fees_db, lambda s: reporting.close_day(s, day=first_day, cashier_staff_id="C-day", closed_by="C-day"))
    with pytest.raises(FailedPrecondition):
        run(
            fees_db,
            lambda s: collection.record_refund(
                s,
                receipt_number=paid.receipt.receipt_number,
                fee_item_code="",
                amount_fen=100,
                reason="退",
                idempotency_key="r-0",
                cashier_staff_id="",
                approver="A",
            ),
        )
    clock.advance(days=1)
    with pytest.raises(FailedPrecondition):  # a receipt of a past day is not voided
        run(
            fees_db,
            lambda s: collection.void_receipt(s, receipt_number=paid.receipt.receipt_number, reason="x", approver="A"),
        )
    refund = run(
        fees_db,
        lambda s: collection.record_refund(
            s,
            receipt_number=paid.receipt.receipt_number,
            fee_item_code="",
            amount_fen=100,
            reason="退",
            idempotency_key="r-1",
            cashier_staff_id="",
            approver="A",
        ),
    )
    assert refund.refund.day == first_day + timedelta(days=1)
    assert refund.red_letter.related_receipt_number == paid.receipt.receipt_number
    with fees_db() as session:
        closed = session.get(CashierDay, (first_day, "C-day"))
        assert closed.summary["totals"][0]["refunds_fen"] == 0  # the closed day is as it was
        rows, _ = reporting.reconcile(session, period=reporting.Period(first_day, first_day + timedelta(days=1), "x"))
    assert [(r.day, r.receipts_fen, r.payments_fen, r.refunds_fen) for r in rows] == [
        (first_day, 10000, 10000, 0),
        (first_day + timedelta(days=1), -100, 0, 100),
    ]
