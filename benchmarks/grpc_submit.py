"""1. CasesService/SubmitApplication over gRPC against one cases service process.

The service runs in its own process (benchmarks/cases_server.py) with a fresh database:
a SQLite file in a temporary folder, and a scratch PostgreSQL database when
BENCH_DATABASE_URL names a server whose role may create databases (created here, dropped
afterwards). N concurrent clients (asyncio tasks sharing one grpc.aio channel) each send one
request, wait for the answer and send the next, until the level's request count is reached.
Kafka is off in that process: every submission writes its case and its outbox row, nothing
is published.
"""

from __future__ import annotations

import asyncio
import json
import os
import select
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from benchmarks.common import Summary, table
from servicehall.cases.v1 import cases_pb2, cases_pb2_grpc

ROOT = Path(__file__).resolve().parent.parent
# Four windows of four departments, so that the per-department case-number sequences differ.
ITEMS = ("AIC-002", "PSB-002", "TRANS-001", "HCB-002")
APPLICANT = cases_pb2.Applicant(name="张三", id_card_number="340723199001010019", phone="13812345678")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Row:
    backend: str
    clients: int
    requests: int
    errors: int
    seconds: float
    latency: Summary
    server_cpu_seconds: float
    stopped_early: bool

    def cells(self) -> list[str]:
        throughput = self.latency.count / self.seconds if self.seconds else 0.0
        cpu = self.server_cpu_seconds / self.seconds * 100 if self.seconds else 0.0
        return [
            self.backend,
            str(self.clients),
            str(self.requests) + (" (time limit)" if self.stopped_early else ""),
            str(self.errors),
            f"{throughput:.0f}",
            *self.latency.cells(),
            f"{self.server_cpu_seconds / max(self.requests, 1) * 1e3:.1f}",
            f"{cpu:.0f}%",
        ]


HEADER = [
    "database",
    "clients",
    "requests",
    "errors",
    "req/s",
    "min ms",
    "median ms",
    "p95 ms",
    "p99 ms",
    "max ms",
    "server CPU ms/req",
    "server CPU",
]


def render(rows: list[Row]) -> str:
    return table(HEADER, [row.cells() for row in rows])


# ------------------------------------------------------------------------------- databases


class ScratchPostgres:
    """A database of its own on the PostgreSQL server of BENCH_DATABASE_URL, dropped at the end."""

    def __init__(self, server_url: str) -> None:
        self.server_url = server_url
        self.name = f"sh_bench_cases_{uuid.uuid4().hex[:10]}"

    def __enter__(self) -> str:
        self._admin(f'CREATE DATABASE "{self.name}"')
        return make_url(self.server_url).set(database=self.name).render_as_string(hide_password=False)

    def __exit__(self, *exc: object) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def _admin(self, statement: str) -> None:
        engine = sa.create_engine(self.server_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(sa.text(statement))
        finally:
            engine.dispose()


# ---------------------------------------------------------------------------------- server


class CasesProcess:
    def __init__(self, database_url: str, log_file: Path) -> None:
        self.database_url, self.log_file = database_url, log_file
        self.process: subprocess.Popen | None = None
        self.port = 0

    def __enter__(self) -> CasesProcess:
        with open(self.log_file, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "benchmarks.cases_server", self.database_url],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=log,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        stdout = self.process.stdout
        assert stdout is not None  # stdout=PIPE above
        ready, _, _ = select.select([stdout], [], [], 60)
        line = stdout.readline() if ready else b""
        if not line:
            self.__exit__()
            raise RuntimeError(f"the cases service did not start; see {self.log_file}")
        self.port = json.loads(line)["port"]
        return self

    def cpu_seconds(self) -> float:
        assert self.process is not None, "used inside the with block"
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime

    def __exit__(self, *exc: object) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


# ------------------------------------------------------------------------------------ load


async def _load(stub: Any, clients: int, total: int, time_limit: float) -> tuple[list[float], int, float, bool]:
    latencies: list[float] = []
    errors = 0
    issued = 0
    deadline = time.perf_counter() + time_limit
    stopped_early = False

    async def client(number: int) -> None:
        nonlocal issued, errors, stopped_early
        while issued < total:
            if time.perf_counter() > deadline:
                stopped_early = True
                return
            request = cases_pb2.SubmitApplicationRequest(
                service_item_code=ITEMS[issued % len(ITEMS)], applicant=APPLICANT
            )
            issued += 1
            started = time.perf_counter()
            try:
                await stub.SubmitApplication(request, timeout=30)
            except grpc.aio.AioRpcError:
                errors += 1
                continue
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(clients)))
    return latencies, errors, time.perf_counter() - started, stopped_early


async def _levels(
    backend: str,
    server: CasesProcess,
    levels: list[int],
    requests: int,
    warmup: int,
    time_limit: float,
    deadline: float,
) -> list[Row]:
    def limit() -> float:  # the level's own limit, or what is left of the whole run's
        return max(1.0, min(time_limit, deadline - time.perf_counter()))

    rows = []
    async with grpc.aio.insecure_channel(f"127.0.0.1:{server.port}") as channel:
        stub = cases_pb2_grpc.CasesServiceStub(channel)
        await _load(stub, 1, warmup, limit())  # connection, caches, the first SQLAlchemy compilations
        for clients in levels:
            await _load(stub, clients, max(clients, warmup // 2), limit())
            cpu_before = server.cpu_seconds()
            latencies, errors, seconds, early = await _load(stub, clients, requests, limit())
            cpu = server.cpu_seconds() - cpu_before
            rows.append(
                Row(backend, clients, len(latencies) + errors, errors, seconds, Summary.of(latencies), cpu, early)
            )
            print(f"  {backend}, {clients} clients: {rows[-1].latency.count / seconds:.0f} req/s", flush=True)
    return rows


def run(
    workdir: Path,
    *,
    levels: list[int],
    requests: int,
    warmup: int = 40,
    time_limit: float = 20,
    postgres_url: str = "",
    deadline: float = float("inf"),
) -> list[Row]:
    """time_limit: seconds per level at most; deadline: a perf_counter() time no level runs past."""
    rows: list[Row] = []
    sqlite_url = f"sqlite:///{workdir / 'bench-cases.db'}"
    with CasesProcess(sqlite_url, workdir / "cases-sqlite.log") as server:
        rows += asyncio.run(_levels("SQLite", server, levels, requests, warmup, time_limit, deadline))
    if postgres_url:
        with ScratchPostgres(postgres_url) as url, CasesProcess(url, workdir / "cases-postgresql.log") as server:
            rows += asyncio.run(_levels("PostgreSQL", server, levels, requests, warmup, time_limit, deadline))
    return rows
