"""2. End-to-end event latency over the whole stack (tools/stack.py, every process its own).

The platform is started on free ports with its own Kafka broker (from .cache) and SQLite
databases in a temporary folder. Each case is POSTed to the gateway; then its notices are
read (GET /api/v1/cases/{n}/notices with the X-Query-Code from the answer) every POLL
seconds until the notice is there. Three durations per case:
- POST: the submission through gateway and cases (case and outbox row committed);
- notice after POST: from the POST's answer to the first GET that shows the notice
  (outbox relay -> Kafka -> notification's consumer -> its database -> gateway);
- total: from sending the POST to that GET's answer.
A notice is only seen by a poll, so the notice durations are upper bounds, too high by at
most POLL plus one GET. Two more, without polling, from the timestamps the services store
(all processes on one machine, one clock): the outbox row's created_at (written in the
submit transaction) to the notice row's created_at in notification's database (the event's
whole way), and to the outbox row's published_at (when the relay had Kafka's acks=all
answer; the relay stamps it after flushing its batch, so the consumer may already have the
record by then, and the two do not add up).
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import httpx

from benchmarks.common import Summary, free_port, table
from tools.stack import SERVICES, Stack

APPLICATION = {
    "service_item_code": "TRANS-001",
    "applicant": {"name": "孙七", "id_card_number": "340723199001010019", "phone": "13512345678"},
}
POLL = 0.01  # seconds between two reads of a case's notices
NOTICE_TIMEOUT = 30.0


@dataclass
class Row:
    mode: str
    cases: int
    failures: int
    seconds: float
    post: Summary
    notice: Summary
    total: Summary
    stopped_early: bool
    gets: int = 0
    case_numbers: list[str] = field(default_factory=list, repr=False)
    event: Summary = field(default_factory=lambda: Summary.of([]))
    relay: Summary = field(default_factory=lambda: Summary.of([]))


HEADER = [
    "mode",
    "cases",
    "failures",
    "cases/s",
    "GETs/case",
    "measure",
    "min ms",
    "median ms",
    "p95 ms",
    "p99 ms",
    "max ms",
]


def render(rows: list[Row]) -> str:
    lines = []
    for row in rows:
        rate = f"{row.total.count / row.seconds:.1f}" if row.seconds else "-"
        cases = str(row.cases) + (" (time limit)" if row.stopped_early else "")
        measures = (
            ("POST", row.post),
            ("notice after POST", row.notice),
            ("total", row.total),
            ("outbox row → notice row", row.event),
            ("outbox row → relay has ack", row.relay),
        )
        for i, (name, summary) in enumerate(measures):
            gets = f"{row.gets / row.cases:.1f}" if row.cases else "-"
            head = [row.mode, cases, str(row.failures), rate, gets] if i == 0 else ["", "", "", "", ""]
            lines.append([*head, name, *summary.cells()])
    return table(HEADER, lines)


def make_stack(workdir: Path) -> Stack:
    return Stack(
        run_dir=workdir / "run",
        python=sys.executable,
        grpc_ports={name: free_port() for name in SERVICES},
        metrics_ports={name: free_port() for name in SERVICES},
        http_port=free_port(),
        kafka_port=free_port(),
        kafka_controller_port=free_port(),
        database_urls={name: f"sqlite:///{workdir / 'db' / f'{name}.db'}" for name in SERVICES},
    )


class Failed(Exception):
    pass


async def one_case(
    client: httpx.AsyncClient, timeout: float = NOTICE_TIMEOUT, gets: list[int] | None = None
) -> tuple[str, float, float, float]:
    """(case number, POST, notice after POST, total) in seconds for one new case; counts its
    GETs in gets[0]."""
    gets = [0] if gets is None else gets
    sent = time.perf_counter()
    answer = await client.post("/api/v1/cases", json=APPLICATION, headers={"Idempotency-Key": str(uuid.uuid4())})
    answered = time.perf_counter()
    if answer.status_code != 201:
        raise Failed(f"POST answered {answer.status_code}")
    case = answer.json()
    path, headers = f"/api/v1/cases/{case['case_number']}/notices", {"X-Query-Code": case["query_code"]}
    deadline = answered + timeout
    while time.perf_counter() < deadline:
        reply = await client.get(path, headers=headers)
        gets[0] += 1
        if reply.status_code == 200 and reply.json()["notices"]:
            seen = time.perf_counter()
            return case["case_number"], answered - sent, seen - answered, seen - sent
        await asyncio.sleep(POLL)
    raise Failed(f"no notice within {timeout}s")


async def measure(client: httpx.AsyncClient, mode: str, workers: int, cases: int, time_limit: float) -> Row:
    post, notice, total, numbers = [], [], [], []
    gets = [0]
    failures = 0
    issued = 0
    deadline = time.perf_counter() + time_limit
    stopped_early = False

    async def worker() -> None:
        nonlocal issued, failures, stopped_early
        while issued < cases:
            if time.perf_counter() > deadline:
                stopped_early = True
                return
            issued += 1
            try:
                number, p, n, t = await one_case(client, gets=gets)
            except (Failed, httpx.HTTPError):
                failures += 1
                continue
            numbers.append(number)
            post.append(p)
            notice.append(n)
            total.append(t)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(workers)))
    seconds = time.perf_counter() - started
    row = Row(
        mode,
        len(total) + failures,
        failures,
        seconds,
        Summary.of(post),
        Summary.of(notice),
        Summary.of(total),
        stopped_early,
        gets[0],
        numbers,
    )
    print(
        f"  {mode}: {row.total.count / seconds:.1f} cases/s, median total {row.total.median * 1e3:.0f} ms", flush=True
    )
    return row


async def _run(
    stack: Stack, cases: int, concurrency: list[int], warmup: int, time_limit: float, deadline: float
) -> list[Row]:
    def limit() -> float:  # the level's own limit, or what is left of the whole run's
        return max(1.0, min(time_limit, deadline - time.perf_counter()))

    limits = httpx.Limits(max_connections=max(concurrency) * 2, max_keepalive_connections=max(concurrency) * 2)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{stack.http_port}", timeout=30, limits=limits) as client:
        # The first event waits for the consumers to join their groups; not measured.
        await one_case(client, timeout=120)
        await measure(client, "warm-up", 2, warmup, limit())
        rows = []
        for workers in concurrency:
            mode = "sequential" if workers == 1 else f"{workers} concurrent"
            rows.append(await measure(client, mode, workers, cases, limit()))
        return rows


def _stored_times(stack: Stack, rows: list[Row]) -> None:
    """Fill in event and relay from the timestamps in the cases and notification databases."""

    def rows_of(service: str, query: str) -> list[tuple]:
        path = stack.database_urls[service].removeprefix("sqlite:///")
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            return connection.execute(query).fetchall()

    def at(text: str) -> datetime:
        return datetime.fromisoformat(text).replace(tzinfo=None)

    outbox = {
        key: (event_id, at(created), at(published))
        for key, event_id, created, published in rows_of(
            "cases",
            "SELECT partition_key, event_id, created_at, published_at FROM outbox_messages "
            "WHERE event_type LIKE '%.CaseSubmitted' AND published_at IS NOT NULL",
        )
    }
    stored = {
        event_id: at(created)
        for event_id, created in rows_of("notification", "SELECT source_event_id, created_at FROM notices")
    }
    for row in rows:
        event, relay = [], []
        for number in row.case_numbers:
            if number in outbox:
                event_id, created, published = outbox[number]
                relay.append((published - created).total_seconds())
                if event_id in stored:
                    event.append((stored[event_id] - created).total_seconds())
        row.event, row.relay = Summary.of(event), Summary.of(relay)


def run(
    workdir: Path,
    *,
    cases: int,
    concurrency: list[int],
    warmup: int = 10,
    time_limit: float = 30,
    deadline: float = float("inf"),
) -> tuple[list[Row], float]:
    """The rows, and how long the stack took to come up (seconds). time_limit: seconds per level
    at most; deadline: a perf_counter() time no level runs past."""
    stack = make_stack(workdir)
    try:
        started = time.perf_counter()
        stack.up()
        startup = time.perf_counter() - started
        print(f"  stack up in {startup:.1f}s (logs: {stack.log_dir})", flush=True)
        rows = asyncio.run(_run(stack, cases, concurrency, warmup, time_limit, deadline))
        _stored_times(stack, rows)
        return rows, startup
    finally:
        stack.down()
