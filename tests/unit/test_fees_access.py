"""Who may do what with fees (docs/fees.md "Access"), at the use-case level: the roles of each
action, another department's case or notice answering exactly like a missing one, and the
applicant's query code through the lockout."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from services.fees import use_cases
from shared import query_codes
from shared.auth import Caller
from shared.db import transaction
from shared.errors import DomainError, NotFound, PermissionDenied, to_rpc_status
from tests.fees_support import QUERY_CODE, accept, new_case_number

pytestmark = pytest.mark.seeded
NOT_A_HOME = {"first_home": 0, "second_home": 0}
WRONG = "000000"


def person(role: str, department: str, staff_id: str = "s-1") -> Caller:
    return Caller(staff_id=staff_id, department_code=department, roles=frozenset({role} if role else set()))


def do(factory, work: Callable):
    with transaction(factory) as session:
        return work(session)


ASSESSORS = {
    "no role": (person("", "FIN"), PermissionDenied),
    "cashier": (person("cashier", "FIN"), PermissionDenied),
    "approver": (person("approver", "FIN"), PermissionDenied),
    "manager": (person("manager", "CENTER"), PermissionDenied),
    "efficiency office": (person("efficiency_office", "XN"), PermissionDenied),
    "applicant": (Caller(query_code=QUERY_CODE), PermissionDenied),
    "window staff of a foreign department": (person("window_staff", "LAND"), NotFound),
    "chief representative of a foreign department": (person("chief_representative", "LAND"), NotFound),
    "window staff": (person("window_staff", "FIN"), None),
    "chief representative": (person("chief_representative", "FIN"), None),
}


@pytest.mark.parametrize("who", ASSESSORS)
def test_fees_are_assessed_by_the_window_of_the_cases_department_only(fees_db, who):
    case = new_case_number("FIN")
    accept(fees_db, case, fee_item_codes=("TAX-DEED",), department="FIN", item="FIN-001")  # no price yet
    caller, refused = ASSESSORS[who]

    def assess(session):
        return use_cases.assess_fees(
            session,
            caller,
            case_number=case,
            declared_values={"declared_price_fen": 50_000_000, **NOT_A_HOME},
            fee_item_codes=[],
        )

    if refused is None:
        _, notices = do(fees_db, assess)
        assert [n.total_due_fen for n in notices] == [1_500_000]
        return
    with pytest.raises(refused):
        do(fees_db, assess)


def _answer(work: Callable[[], object], *numbers: str) -> bytes:
    """The status (code, message, details) with the numbers the caller sent replaced."""
    with pytest.raises(DomainError) as caught:
        work()
    status = to_rpc_status(caught.value)
    for number in numbers:
        status.message = status.message.replace(number, "<number>")
    return status.SerializeToString(deterministic=True)


def test_a_foreign_case_or_notice_answers_exactly_like_a_missing_one(fees_db):
    foreign, wrong_code = person("window_staff", "AIC"), Caller(query_code=WRONG)
    for i in range(20):
        case = new_case_number("LAND")
        accept(fees_db, case)
        missing_case = new_case_number("LAND")
        [notice] = do(
            fees_db,
            lambda s, c=case: use_cases.list_payment_notices(
                s, person("window_staff", "LAND"), case_number=c, department_code="", status=""
            ),
        )
        number = notice.notice_number
        missing_notice = number[:-5] + f"{90000 + i:05d}"
        pairs = {
            "assess": lambda s, c, _n: use_cases.assess_fees(
                s, foreign, case_number=c, declared_values={}, fee_item_codes=[]
            ),
            "notice (staff)": lambda s, _c, n: use_cases.get_payment_notice(s, foreign, notice_number=n),
            "notice (applicant)": lambda s, _c, n: use_cases.get_payment_notice(s, wrong_code, notice_number=n),
            "notices of the case (applicant)": lambda s, c, _n: use_cases.list_payment_notices(
                s, wrong_code, case_number=c, department_code="", status=""
            ),
        }
        for name, work in pairs.items():
            answers = [
                _answer(lambda c=c, n=n: do(fees_db, lambda s: work(s, c, n)), c, n)
                for c, n in ((case, number), (missing_case, missing_notice))
            ]
            assert answers[0] == answers[1], (name, i)
        # Staff are told a case has no notices, whether it is another department's or unknown.
        for c in (case, missing_case):
            listed = do(
                fees_db,
                lambda s, c=c: use_cases.list_payment_notices(s, foreign, case_number=c, department_code="", status=""),
            )
            assert listed == []


@pytest.mark.own_database  # the failures are committed on their own
def test_wrong_query_codes_lock_the_applicants_notices(fees_db):
    case = new_case_number("LAND")
    accept(fees_db, case)

    def notices(code: str):
        return do(
            fees_db,
            lambda s: use_cases.list_payment_notices(
                s, Caller(query_code=code), case_number=case, department_code="", status=""
            ),
        )

    assert len(notices(QUERY_CODE)) == 1
    [notice] = notices(QUERY_CODE)
    for _ in range(query_codes.THRESHOLD):
        with pytest.raises(NotFound):
            notices(WRONG)
    with pytest.raises(NotFound):
        notices(QUERY_CODE)  # locked: the right code too
    with pytest.raises(NotFound):
        do(
            fees_db,
            lambda s: use_cases.get_payment_notice(
                s, Caller(query_code=QUERY_CODE), notice_number=notice.notice_number
            ),
        )
