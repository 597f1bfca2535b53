"""Fee metrics, read from the database at scrape time: they survive restarts, agree with the
gRPC answers, and count what several replicas did. Labels: department and fee type only."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime

import sqlalchemy as sa
from prometheus_client.core import CounterMetricFamily, GaugeHistogramMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.orm import Session

from services.fees import queries
from services.fees.models import UNPAID, NoticeLine, Payment, PaymentNotice, Refund
from services.fees.settings import FeesSettings
from shared import clock
from shared.runtime import Runtime
from shared.timeutil import as_utc

# Ages of outstanding notices: an hour, a day, three days, a week, the due period, a month.
AGE_BUCKETS = (3600, 86400, 3 * 86400, 7 * 86400, 15 * 86400, 30 * 86400)


def ledger_totals(session: Session) -> dict[str, dict[tuple[str, str], tuple[int, int]]]:
    """{"payments"|"refunds": {(department, fee type): (count, fen)}} over all time."""
    out: dict[str, dict[tuple[str, str], tuple[int, int]]] = {}
    for name, model in (("payments", Payment), ("refunds", Refund)):
        query = sa.select(
            model.department_code, model.fee_type, sa.func.count(), sa.func.sum(model.amount_fen)
        ).group_by(model.department_code, model.fee_type)
        out[name] = {(d, f): (int(n), int(fen or 0)) for d, f, n, fen in session.execute(query)}
    return out


def outstanding_notices(session: Session) -> list[tuple[str, str, datetime, int]]:
    """(department, fee type, issued at, due fen) of every unpaid notice."""
    due = sa.func.sum(NoticeLine.assessed_fen - NoticeLine.reduced_fen)
    query = (
        sa.select(PaymentNotice.department_code, PaymentNotice.fee_type, PaymentNotice.issued_at, due)
        .join(NoticeLine, NoticeLine.notice_id == PaymentNotice.id)
        .where(PaymentNotice.status == UNPAID)
        .group_by(PaymentNotice.id, PaymentNotice.department_code, PaymentNotice.fee_type, PaymentNotice.issued_at)
    )
    return [(d, f, as_utc(at), int(fen)) for d, f, at, fen in session.execute(query)]


class FeesCollector(Collector):
    def __init__(self, runtime: Runtime[FeesSettings]) -> None:
        self.runtime = runtime

    def collect(self) -> Iterator[Metric]:
        labels = ["department", "fee_type"]
        in_force = GaugeMetricFamily(
            "servicehall_fee_standards_in_force", "Fee standards in force today", labels=labels
        )
        collected = CounterMetricFamily(
            "servicehall_fees_collected_fen", "Amount collected at the cashier, in fen", labels=labels
        )
        payments = CounterMetricFamily("servicehall_fee_payments", "Payments recorded at the cashier", labels=labels)
        refunded = CounterMetricFamily("servicehall_fees_refunded_fen", "Amount refunded, in fen", labels=labels)
        refunds = CounterMetricFamily("servicehall_fee_refunds", "Refunds recorded", labels=labels)
        outstanding = GaugeMetricFamily(
            "servicehall_payment_notices_outstanding", "Unpaid payment notices", labels=labels
        )
        outstanding_fen = GaugeMetricFamily(
            "servicehall_payment_notices_outstanding_fen", "Amount due on unpaid payment notices, in fen", labels=labels
        )
        oldest = GaugeMetricFamily(
            "servicehall_payment_notice_oldest_outstanding_age_seconds",
            "Age of the oldest unpaid payment notice",
            labels=labels,
        )
        ages = GaugeHistogramMetricFamily(
            "servicehall_payment_notice_outstanding_age_seconds", "Ages of the unpaid payment notices", labels=labels
        )
        with self.runtime.session_factory() as session:
            standards = queries.standards_in_force(session, on=clock.today(session))
            totals = ledger_totals(session)
            unpaid = outstanding_notices(session)
            now = clock.now(session)  # after the reads: no notice is younger than this
        for key, count in sorted(Counter((s.department_code, s.fee_type) for s in standards).items()):
            in_force.add_metric(list(key), count)
        for key, (count, fen) in sorted(totals["payments"].items()):
            payments.add_metric(list(key), count)
            collected.add_metric(list(key), fen)
        for key, (count, fen) in sorted(totals["refunds"].items()):
            refunds.add_metric(list(key), count)
            refunded.add_metric(list(key), fen)
        grouped: dict[tuple[str, str], list[tuple[float, int]]] = {}
        for department, fee_type, issued_at, fen in unpaid:
            grouped.setdefault((department, fee_type), []).append(((now - issued_at).total_seconds(), fen))
        for key, notices in sorted(grouped.items()):
            outstanding.add_metric(list(key), len(notices))
            outstanding_fen.add_metric(list(key), sum(fen for _, fen in notices))
            oldest.add_metric(list(key), max(age for age, _ in notices))
            buckets = [(str(float(b)), sum(1 for age, _ in notices if age <= b)) for b in AGE_BUCKETS]
            buckets.append(("+Inf", len(notices)))
            ages.add_metric(list(key), buckets, gsum_value=sum(age for age, _ in notices))
        yield from (in_force, collected, payments, refunded, refunds, outstanding, outstanding_fen, oldest, ages)


def collectors(runtime: Runtime[FeesSettings]) -> list[Collector]:
    return [FeesCollector(runtime)]
