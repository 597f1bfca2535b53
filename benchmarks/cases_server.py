"""One cases service for the gRPC benchmark, in a process of its own (so that the load
generator does not share its interpreter): `python -m benchmarks.cases_server DATABASE_URL`.

Started like `python -m services.cases serve` (JSON logging, tracing, the interceptor, the
periodic jobs), except that Kafka is off: the CaseSubmitted envelopes stay in the outbox, as
in the unit tests' `start_service`. Migrates and seeds the database, prints
{"port": N} on stdout once it is SERVING, and stops gracefully on SIGTERM.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys

from services.cases.server import DEFINITION as CASES
from shared.db import migrate
from shared.logging import configure_logging
from shared.runtime import RunningService, run_seed
from shared.telemetry import setup_tracing


async def main(database_url: str) -> None:
    settings = CASES.settings_class(
        database_url=database_url, grpc_host="127.0.0.1", grpc_port=0, metrics_port=0, kafka_bootstrap_servers=""
    )
    configure_logging(CASES.name, settings.log_level)
    setup_tracing(CASES.name, "")
    migrate(database_url, CASES.migrations_dir)
    run_seed(CASES, settings)
    service = RunningService(CASES, settings, kafka=False)
    await service.start()
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    print(json.dumps({"port": service.port}), flush=True)
    await stopping.wait()
    await service.stop()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
