"""Run the whole platform as local processes: `make up`, `make down`, `make status`.

Kafka (unless KAFKA_BOOTSTRAP_SERVERS names a cluster), then each service's migrations and
seed data and the gateway's migrations and demo accounts, then the five services and the
gateway in the background, each with a pid file and a log under the run folder. The
services verify tokens with the gateway's JWKS (AUTH_JWKS_URL), fetched on the first token
they meet, so they may start before the gateway. The end-to-end tests drive the same class.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from gateway.demo import DEMO_PASSWORD, DEMO_STAFF

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("cases", "fees", "attendance", "evaluation", "notification")
DEFAULT_GRPC_PORTS = {"cases": 50051, "fees": 50052, "attendance": 50053, "evaluation": 50054, "notification": 50055}
DEFAULT_METRICS_PORTS = {"cases": 9101, "fees": 9102, "attendance": 9103, "evaluation": 9104, "notification": 9105}
# The demo account the printed example signs in with (window staff: no one-time code).
EXAMPLE_STAFF = "aic-01"
# ... and the one with a second factor: (staff id, TOTP secret) of the manager.
EXAMPLE_TOTP = next((staff_id, secret) for staff_id, *_, secret in DEMO_STAFF if staff_id == "zy-mgr")


@dataclass
class Stack:
    run_dir: Path = ROOT / "run"
    python: str = sys.executable
    grpc_ports: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_GRPC_PORTS))
    metrics_ports: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_METRICS_PORTS))
    http_port: int = 8080
    kafka_port: int = 9092
    kafka_controller_port: int = 9093
    # Empty: a local broker is started. Set: that cluster is used and no broker is started.
    kafka_bootstrap_servers: str = ""
    # Per service and "gateway"; missing ones use the SQLite default under data/.
    database_urls: dict[str, str] = field(default_factory=dict)
    extra_env: dict[str, str] = field(default_factory=dict)
    # Children of this process (tests): polled so that an exited child is not taken for alive.
    _children: dict[str, subprocess.Popen] = field(default_factory=dict, repr=False)
    # What `python -m gateway seed-demo` printed: the demo accounts table of the summary.
    demo_accounts: list[str] = field(default_factory=list)

    @property
    def pid_dir(self) -> Path:
        return self.run_dir / "pids"

    @property
    def log_dir(self) -> Path:
        return self.run_dir / "logs"

    @property
    def bootstrap(self) -> str:
        return self.kafka_bootstrap_servers or f"127.0.0.1:{self.kafka_port}"

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    # ----------------------------------------------------------------- kafka
    def _kafka(self, command: str) -> None:
        subprocess.run(
            [
                self.python,
                "-m",
                "tools.kafka",
                command,
                "--port",
                str(self.kafka_port),
                "--controller-port",
                str(self.kafka_controller_port),
                "--data-dir",
                str(self.run_dir / "kafka"),
                "--pid-file",
                str(self.pid_dir / "kafka.pid"),
            ],
            cwd=ROOT,
            check=True,
            env=self._base_env(),
        )

    def start_kafka(self) -> None:
        if not self.kafka_bootstrap_servers:
            self._kafka("start")

    def stop_kafka(self) -> None:
        if not self.kafka_bootstrap_servers:
            self._kafka("stop")

    # --------------------------------------------------------------- services
    def _base_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "KAFKA_BOOTSTRAP_SERVERS"}
        env.update(self.extra_env)
        return env

    def service_env(self, name: str) -> dict[str, str]:
        env = self._base_env()
        env.update(
            GRPC_HOST="127.0.0.1",
            GRPC_PORT=str(self.grpc_ports[name]),
            METRICS_PORT=str(self.metrics_ports[name]),
            KAFKA_BOOTSTRAP_SERVERS=self.bootstrap,
            OTEL_SERVICE_NAME=name,
            AUTH_JWKS_URL=f"{self.gateway_url}/.well-known/jwks.json",
        )
        # A dev stack: grpcurl can list and describe the services (off in the chart).
        env.setdefault("GRPC_REFLECTION", "true")
        if name in self.database_urls:
            env["DATABASE_URL"] = self.database_urls[name]
        return env

    def gateway_env(self) -> dict[str, str]:
        env = self._base_env()
        env.update(HTTP_HOST="127.0.0.1", HTTP_PORT=str(self.http_port), OTEL_SERVICE_NAME="gateway")
        for name in SERVICES:
            env[f"{name.upper()}_ADDR"] = f"127.0.0.1:{self.grpc_ports[name]}"
        if "gateway" in self.database_urls:
            env["GATEWAY_DATABASE_URL"] = self.database_urls["gateway"]
        return env

    def prepare_databases(self) -> None:
        """Migrate every database and load the demo data and accounts (all idempotent)."""
        for name in SERVICES:
            for command in ("migrate", "seed"):
                self._run([self.python, "-m", f"services.{name}", command], self.service_env(name))
        self._run([self.python, "-m", "gateway", "migrate"], self.gateway_env())
        seeded = self._run([self.python, "-m", "gateway", "seed-demo"], self.gateway_env())
        self.demo_accounts = seeded.splitlines()

    def _run(self, args: list[str], env: dict[str, str]) -> str:
        done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
        if done.returncode != 0:  # the logs on stderr say why; without them "exit 1" says nothing
            raise RuntimeError(f"{' '.join(args[1:])} failed:\n{done.stderr.strip()[-2000:]}")
        return done.stdout

    def _spawn(self, name: str, args: list[str], env: dict[str, str]) -> None:
        if self.pid(name) is not None:
            return  # already running
        self.pid_dir.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log_dir / f"{name}.log", "ab") as log:
            process = subprocess.Popen(
                [self.python, *args],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self._children[name] = process
        (self.pid_dir / f"{name}.pid").write_text(str(process.pid))

    def start_service(self, name: str) -> None:
        self._spawn(name, ["-m", f"services.{name}", "serve"], self.service_env(name))

    def start_gateway(self) -> None:
        self._spawn("gateway", ["-m", "gateway"], self.gateway_env())

    def pid(self, name: str) -> int | None:
        """The pid of a process this stack started, if it is still alive."""
        child = self._children.get(name)
        if child is not None and child.poll() is not None:
            return None  # exited (and now reaped)
        try:
            pid = int((self.pid_dir / f"{name}.pid").read_text())
            os.kill(pid, 0)
        except (OSError, ValueError):
            return None
        return pid

    def stop_processes(self, names: list[str], timeout: float = 20) -> None:
        """SIGTERM all at once (each drains gracefully), SIGKILL what outlives the timeout."""
        pids = {name: self.pid(name) for name in names}
        for pid in pids.values():
            if pid is not None:
                os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while any(self.pid(n) is not None for n in names) and time.monotonic() < deadline:
            time.sleep(0.1)
        for name, pid in pids.items():
            if pid is not None and self.pid(name) is not None:
                os.killpg(pid, signal.SIGKILL)
            (self.pid_dir / f"{name}.pid").unlink(missing_ok=True)

    # ---------------------------------------------------------------- waiting
    def wait_serving(self, name: str, timeout: float = 60) -> None:

        deadline = time.monotonic() + timeout
        with grpc.insecure_channel(f"127.0.0.1:{self.grpc_ports[name]}") as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            while True:
                if self.pid(name) is None:
                    raise RuntimeError(f"{name} exited; see {self.log_dir / (name + '.log')}")
                try:
                    if (
                        stub.Check(health_pb2.HealthCheckRequest(), timeout=1).status
                        == health_pb2.HealthCheckResponse.SERVING
                    ):
                        return
                except grpc.RpcError:
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{name} not SERVING after {timeout}s; see {self.log_dir / (name + '.log')}")
                time.sleep(0.2)

    def wait_gateway_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.pid("gateway") is None:
                raise RuntimeError(f"gateway exited; see {self.log_dir / 'gateway.log'}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.http_port}/readyz", timeout=2) as answer:
                    if json.load(answer).get("ready"):
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"gateway not ready after {timeout}s")
            time.sleep(0.2)

    # ------------------------------------------------------------ whole stack
    def up(self) -> None:
        self.start_kafka()
        self.prepare_databases()
        for name in SERVICES:
            self.start_service(name)
        for name in SERVICES:
            self.wait_serving(name)
        self.start_gateway()
        self.wait_gateway_ready()

    def down(self) -> None:
        self.stop_processes(["gateway"])
        self.stop_processes(list(SERVICES))
        self.stop_kafka()

    def status(self) -> list[tuple[str, str, str]]:
        rows = []
        for name in SERVICES:
            pid = self.pid(name)
            rows.append((name, f"running (pid {pid})" if pid else "stopped", f"grpc 127.0.0.1:{self.grpc_ports[name]}"))
        pid = self.pid("gateway")
        rows.append(("gateway", f"running (pid {pid})" if pid else "stopped", f"http://127.0.0.1:{self.http_port}"))
        if self.kafka_bootstrap_servers:
            rows.append(("kafka", "external", self.kafka_bootstrap_servers))
        else:
            pid = self.pid("kafka")
            rows.append(("kafka", f"running (pid {pid})" if pid else "stopped", self.bootstrap))
        return rows

    def urls(self) -> str:
        gateway = self.gateway_url
        cases = f"127.0.0.1:{self.grpc_ports['cases']}"
        lines = [
            "servicehall is up.",
            "",
            f"  API docs (OpenAPI)   {gateway}/docs",
            f"  gateway              {gateway}   readiness {gateway}/readyz   metrics {gateway}/metrics",
        ]
        for name in SERVICES:
            lines.append(
                f"  {name:<20} grpc 127.0.0.1:{self.grpc_ports[name]:<6} "
                f"metrics http://127.0.0.1:{self.metrics_ports[name]}/metrics"
            )
        lines += [
            f"  kafka                {self.bootstrap}",
            f"  logs                 {self.log_dir}/",
            "",
            "Demo accounts (sign in at POST /api/v1/auth/sign-in; a token lasts 15 minutes):",
            *self.demo_accounts,
            "",
            "Try it (anyone: the catalog, submitting an application):",
            f"  curl -s {gateway}/api/v1/service-items",
            f"  curl -s -X POST {gateway}/api/v1/cases -H 'content-type: application/json' \\",
            '    -d \'{"service_item_code": "AIC-002", "applicant": {"name": "张三", '
            '"id_card_number": "340723199001010019", "phone": "13812345678"}}\'',
            "",
            "Staff sign in, then send the token as Authorization: Bearer (from the repository root):",
            *self._sign_in(EXAMPLE_STAFF, ""),
            f'  curl -s {gateway}/api/v1/cases -H "Authorization: Bearer $TOKEN"',
            f'  .cache/bin/grpcurl -plaintext -H "authorization: Bearer $TOKEN" {cases} '
            "servicehall.cases.v1.CasesService/ListCases",
            "An account with a TOTP secret adds the current one-time code (each code signs in once):",
            f"  otp=$(.venv/bin/python -c 'import pyotp; print(pyotp.TOTP(\"{EXAMPLE_TOTP[1]}\").now())')",
            *self._sign_in(EXAMPLE_TOTP[0], ', "otp_code": "\'"$otp"\'"'),
            f"Reflection is on here: .cache/bin/grpcurl -plaintext {cases} list   (make tools builds grpcurl)",
            "",
            "Stop everything with: make down",
        ]
        return "\n".join(lines)

    def _sign_in(self, staff_id: str, more: str) -> list[str]:
        """The two lines of a copy-paste sign-in that leaves the token in $TOKEN."""
        take_token = "python3 -c 'import json, sys; print(json.load(sys.stdin)[\"access_token\"])'"
        return [
            f"  TOKEN=$(curl -s -X POST {self.gateway_url}/api/v1/auth/sign-in -H 'content-type: application/json' \\",
            f'    -d \'{{"staff_id": "{staff_id}", "password": "{DEMO_PASSWORD}"{more}}}\' | {take_token})',
        ]


def from_environment() -> Stack:
    stack = Stack(
        run_dir=Path(os.environ.get("SERVICEHALL_RUN_DIR", ROOT / "run")),
        http_port=int(os.environ.get("HTTP_PORT", 8080)),
        kafka_port=int(os.environ.get("KAFKA_PORT", 9092)),
        kafka_controller_port=int(os.environ.get("KAFKA_CONTROLLER_PORT", 9093)),
        kafka_bootstrap_servers=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", ""),
    )
    for name in SERVICES:
        url = os.environ.get(f"{name.upper()}_DATABASE_URL")
        if url:
            stack.database_urls[name] = url
    return stack


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=["up", "down", "status"])
    command = parser.parse_args().command
    stack = from_environment()
    if command == "up":
        try:
            stack.up()
        except Exception as error:
            print(f"make up failed: {error}", file=sys.stderr)
            print("what was started is still running; `make down` stops it", file=sys.stderr)
            return 1
        print(stack.urls())
    elif command == "down":
        stack.down()
        print("servicehall stopped")
    else:
        for name, state, where in stack.status():
            print(f"{name:<14} {state:<24} {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
