"""The hall's numbers: case numbers and voucher numbers, each from a gapless counter; and the
vouchers themselves (dated, numbered written notices and decisions), since the number is what
makes one."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from services.cases.models import Case, CaseNumberSequence, Voucher
from shared.clock import now
from shared.db import table_of, upsert
from shared.timeutil import SHANGHAI, shanghai_day

# kind -> (number code, title). DEPT-CODE-YYYY-NNNNN, a gapless yearly sequence per department and kind.
VOUCHER_TITLES = {
    "acceptance": ("SL", "受理通知书"),
    "rejection": ("BSL", "不予受理决定书"),
    "correction": ("BZ", "补正材料通知书（一次性告知）"),
    "approval": ("ZY", "准予行政许可决定书"),
    "denial": ("BY", "不予行政许可决定书"),
    # 《行政许可法》第四十二条: the applicant is told the extension and its reason.
    "extension": ("YQ", "延长行政许可期限告知书"),
    # 第四十五条: the time a hearing, testing, expert review ... takes is told in writing.
    "pause": ("ZT", "暂停计算行政许可期限告知书"),
    "resumption": ("HF", "恢复计算行政许可期限告知书"),
}


def next_number(session: Session, prefix: str, day: date, *, digits: int) -> str:
    """PREFIX-YYYYMMDD-NNNNN from a counter per prefix and day, bumped by one upsert in the
    caller's transaction, so concurrent callers never share a number and none is skipped."""
    table = table_of(CaseNumberSequence)
    statement = (
        upsert(session, table)
        .values(prefix=prefix, day=day, last_value=1)
        .on_conflict_do_update(index_elements=["prefix", "day"], set_={"last_value": table.c.last_value + 1})
        .returning(table.c.last_value)
    )
    value = session.execute(statement).scalar_one()
    return f"{prefix}-{day:%Y%m%d}-{value:0{digits}d}"


def issue_voucher(session: Session, case: Case, kind: str, *, actor: str, body: str) -> Voucher:
    """A dated written decision or notice with a number from a yearly sequence per department
    and kind."""
    code, title = VOUCHER_TITLES[kind]
    moment = now(session)
    year_start = date(shanghai_day(moment).year, 1, 1)
    number = next_number(session, f"{case.department_code}-{code}", year_start, digits=5).replace(
        f"-{year_start:%Y%m%d}-", f"-{year_start:%Y}-"
    )
    shown = moment.astimezone(SHANGHAI)
    content = (
        f"{title}\n编号：{number}\n办件编号：{case.case_number}\n申请人：{case.applicant_name}\n"
        f"{body}\n\n{shown:%Y年%m月%d日}"
    )
    voucher = Voucher(
        number=number, case_id=case.id, kind=kind, title=title, content=content, issued_by=actor, issued_at=moment
    )
    session.add(voucher)
    return voucher
