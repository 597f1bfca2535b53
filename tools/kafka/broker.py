"""A real single-node Apache Kafka broker (KRaft, combined broker+controller) for
development, tests and the local stack.

The broker is the official ``kafka_2.13`` artifact from Maven Central, resolved by
``tools/kafka/pom.xml`` into ``.cache/kafka/libs`` (:func:`ensure_jars`) and run
as ``java -cp libs/* kafka.Kafka server.properties`` (:class:`KafkaBroker`).

Importable with the standard library alone: ``.ci/run`` and ``make kafka-jars`` call
:func:`ensure_jars` with the system python3 before any virtualenv exists. Only
:func:`probe` (and so :meth:`KafkaBroker.start`) needs kafka-python, imported on first use.

CLI::

    python -m tools.kafka start|stop|status [--port 9092] [--controller-port 9093]
                                            [--data-dir run/kafka] [--pid-file run/kafka.pid]
"""

from __future__ import annotations

import argparse
import atexit
import base64
import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypedDict

__all__ = ["KafkaBroker", "ensure_jars", "main", "probe"]

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
LOG4J_CONFIG = HERE / "log4j2.properties"

NODE_ID = 1
LIBS_MARKER = ".servicehall-libs.json"
# jars whose absence means the resolution is broken, whatever the marker says
REQUIRED_JAR_PREFIXES = ("kafka_2.13-", "kafka-clients-", "kafka-server-", "log4j-core-")
MVN_TIMEOUT = 20 * 60


# --------------------------------------------------------------------------- jars


def _pom_digest(pom: Path) -> str:
    return hashlib.sha256(pom.read_bytes()).hexdigest()


def _libs_complete(libs: Path, digest: str) -> bool:
    """True when ``libs`` holds exactly the jars of a finished resolution of this pom."""
    try:
        marker = json.loads((libs / LIBS_MARKER).read_text())
    except (OSError, ValueError):
        return False
    if not isinstance(marker, dict) or marker.get("pom_sha256") != digest:
        return False
    listed = marker.get("jars")
    if not isinstance(listed, list) or not listed:
        return False
    present = sorted(p.name for p in libs.glob("*.jar"))
    if present != sorted(listed):
        return False
    return all(any(n.startswith(pre) for n in present) for pre in REQUIRED_JAR_PREFIXES)


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _tail(path: Path | None, lines: int = 40, max_bytes: int = 64 * 1024) -> str:
    if path is None:
        return ""
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - max_bytes))
            data = fh.read()
    except OSError:
        return ""
    text = data.decode("utf-8", "replace")
    return "\n".join(text.splitlines()[-lines:])


def ensure_jars(repo_root: Path) -> Path:
    """Resolve the Kafka broker jars into ``<repo_root>/.cache/kafka/libs`` and return it.

    Runs ``mvn dependency:copy-dependencies`` on ``tools/kafka/pom.xml`` with the
    local repository ``<repo_root>/.cache/m2`` (offline first, online if that
    fails). Skipped altogether when the libs dir already holds a complete
    resolution of the current pom (a marker file records the pom's sha256 and the
    jar list), so it costs nothing and needs no network after the first run.
    """
    repo_root = Path(repo_root).resolve()
    pom = repo_root / "tools" / "kafka" / "pom.xml"
    cache = repo_root / ".cache"
    libs = cache / "kafka" / "libs"
    m2 = cache / "m2"
    digest = _pom_digest(pom)
    if _libs_complete(libs, digest):
        return libs

    with _file_lock(cache / "kafka" / ".ensure_jars.lock"):
        if _libs_complete(libs, digest):  # another process finished meanwhile
            return libs
        mvn = os.environ.get("MVN") or shutil.which("mvn")
        if not mvn:
            raise RuntimeError(
                "Maven (mvn) is needed once to fetch the Kafka broker jars into "
                f"{libs}; install it (Debian: apt-get install maven) or set MVN"
            )
        tmp = libs.parent / f"libs.tmp.{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        mvn_log = libs.parent / "mvn.log"
        base = [
            mvn,
            "-B",
            "-q",
            f"-Dmaven.repo.local={m2}",
            "-f",
            str(pom),
            "dependency:copy-dependencies",
            f"-DoutputDirectory={tmp}",
            "-DincludeScope=runtime",
        ]
        # offline first when the local repository already holds Kafka (no network needed)
        warm = (m2 / "org" / "apache" / "kafka" / "kafka_2.13").is_dir()
        attempts = [base + ["-o"], base] if warm else [base]
        print(f"tools.kafka: resolving Kafka jars with Maven into {libs} ...", file=sys.stderr)
        started = time.monotonic()
        rc = None
        try:
            with open(mvn_log, "wb") as log:
                for cmd in attempts:
                    for stale in tmp.glob("*"):
                        stale.unlink()
                    log.write(("$ " + " ".join(cmd) + "\n").encode())
                    log.flush()
                    rc = subprocess.run(
                        cmd,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        stdin=subprocess.DEVNULL,
                        cwd=str(repo_root),
                        timeout=MVN_TIMEOUT,
                        check=False,  # the exit code is read below
                    ).returncode
                    if rc == 0:
                        break
            if rc != 0:
                raise RuntimeError(f"mvn failed (exit {rc}) resolving {pom}; log {mvn_log}:\n{_tail(mvn_log)}")
            jars = sorted(p.name for p in tmp.glob("*.jar"))
            missing = [p for p in REQUIRED_JAR_PREFIXES if not any(j.startswith(p) for j in jars)]
            if missing:
                raise RuntimeError(f"mvn finished but {tmp} lacks {missing}; log {mvn_log}")
            (tmp / LIBS_MARKER).write_text(json.dumps({"pom_sha256": digest, "jars": jars}, indent=1) + "\n")
            old = libs.parent / f"libs.old.{os.getpid()}"
            if libs.exists():
                libs.rename(old)
            tmp.rename(libs)
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        print(
            f"tools.kafka: {len(jars)} jars ready in {time.monotonic() - started:.1f}s",
            file=sys.stderr,
        )
    return libs


# --------------------------------------------------------------------- readiness


class ProbeResult(TypedDict):
    broker_version: tuple[int, ...]
    brokers: list[tuple[int, str, int]]
    cluster_id: str | None


def _kafka_client() -> Any:
    """kafka-python's KafkaClient (``kafka.net.compat.KafkaNetClient`` since 3.0).

    Imported here, not at the top, so that ensure_jars keeps working under a python3
    without kafka-python (.ci/run, make kafka-jars)."""
    try:
        from kafka.net.compat import KafkaNetClient  # noqa: PLC0415 (see the docstring)
    except ImportError as exc:
        raise RuntimeError(
            "kafka-python is needed to tell when the broker is ready; run this with the "
            "project's virtualenv (make venv)"
        ) from exc
    return KafkaNetClient


def probe(host: str, port: int, timeout: float = 3.0) -> ProbeResult:
    """Bootstrap kafka-python's client from ``host:port`` and return what it learnt:
    ``{"broker_version": (4, 1, ...), "brokers": [(node_id, host, port)], "cluster_id": str | None}``.

    The bootstrap is an ApiVersions and a Metadata round trip, and it succeeds only once
    Metadata lists a broker; a KRaft broker lists itself only once it is registered and
    unfenced, i.e. ready for clients. Raises ConnectionError when that does not happen
    within ``timeout`` seconds.
    """
    # The bare client, not KafkaAdminClient: in kafka-python 3.0.12 the admin client
    # bootstraps in its constructor and, when that times out, leaves its IO thread and
    # sockets behind; this client is closed below whatever happens.
    client_class = _kafka_client()
    from kafka.errors import KafkaError  # noqa: PLC0415 (present: _kafka_client() found kafka-python)

    client = client_class(
        bootstrap_servers=f"{host}:{port}",
        client_id="servicehall-probe",
        request_timeout_ms=int(timeout * 1000),
        reconnect_backoff_max_ms=250,  # retry at the pace of the start loop, not up to 30 s
    )
    try:
        version = client.check_version(timeout_ms=int(timeout * 1000))
        cluster = client.cluster
        return {
            "broker_version": tuple(version),
            "brokers": sorted((b.node_id, b.host, b.port) for b in cluster.brokers()),
            "cluster_id": cluster.cluster_id,
        }
    except KafkaError as exc:
        raise ConnectionError(f"no Kafka broker ready at {host}:{port}: {exc!r}") from exc
    finally:
        client.close()


# ------------------------------------------------------------------------ broker


def _java() -> str:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return str(Path(home) / "bin" / "java")
    java = shutil.which("java")
    if not java:
        raise RuntimeError("no java found (set JAVA_HOME or put java on PATH); Kafka needs Java 17+")
    return java


def _new_cluster_id() -> str:
    # same shape as org.apache.kafka.common.Uuid.randomUuid().toString()
    while True:
        cid = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cid.startswith("-"):
            return cid


def _prop(value: object) -> str:
    return str(value).replace("\\", "\\\\")


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie is not running
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _cmdline(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return []


_LIVE: weakref.WeakSet[KafkaBroker] = weakref.WeakSet()


@atexit.register
def _stop_children() -> None:
    for broker in list(_LIVE):
        if not broker.detached:
            with contextlib.suppress(Exception):
                broker.stop(timeout=15)


class KafkaBroker:
    """One Kafka process in KRaft combined mode (broker + controller, node id 1),
    listening on 127.0.0.1 only.

    ``data_dir`` holds ``server.properties``, the log dir (``kraft-combined-logs``)
    and the broker's own logs (``logs/server.log``); it survives stop/start.
    Set ``detached = True`` before :meth:`start` to run the JVM in its own session
    so that it outlives this Python process (the CLI does); otherwise it is stopped
    at interpreter exit.
    """

    def __init__(
        self,
        data_dir: Path,
        port: int,
        controller_port: int,
        libs_dir: Path,
        log_file: Path | None = None,
        heap: str = "512m",
    ):
        self.data_dir = Path(data_dir).resolve()
        self.port = int(port)
        self.controller_port = int(controller_port)
        self.libs_dir = Path(libs_dir).resolve()
        self.log_file = Path(log_file).resolve() if log_file else self.data_dir / "broker.out"
        self.heap = heap
        self.detached = False
        self.startup_seconds: float | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._pid: int | None = None  # set when adopted from a pid file
        if self.port == self.controller_port:
            raise ValueError("port and controller_port must differ")

    # ------------------------------------------------------------ paths/config
    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "kraft-combined-logs"

    @property
    def config_file(self) -> Path:
        return self.data_dir / "server.properties"

    @property
    def server_log(self) -> Path:
        return self.data_dir / "logs" / "server.log"

    @property
    def pid(self) -> int | None:
        if self._proc is not None:
            return self._proc.pid if self._proc.poll() is None else None
        if self._pid is not None and _pid_alive(self._pid):
            return self._pid
        return None

    def is_formatted(self) -> bool:
        return (self.log_dir / "meta.properties").exists()

    def write_config(self) -> Path:
        ctrl = f"127.0.0.1:{self.controller_port}"
        plain = f"127.0.0.1:{self.port}"
        props = {
            "process.roles": "broker,controller",
            "node.id": NODE_ID,
            "controller.quorum.bootstrap.servers": ctrl,
            "listeners": f"PLAINTEXT://{plain},CONTROLLER://{ctrl}",
            "advertised.listeners": f"PLAINTEXT://{plain},CONTROLLER://{ctrl}",
            "inter.broker.listener.name": "PLAINTEXT",
            "controller.listener.names": "CONTROLLER",
            "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "log.dirs": self.log_dir,
            "auto.create.topics.enable": "false",
            "num.partitions": 3,
            "default.replication.factor": 1,
            "min.insync.replicas": 1,
            "offsets.topic.replication.factor": 1,
            "offsets.topic.num.partitions": 3,
            "transaction.state.log.replication.factor": 1,
            "transaction.state.log.min.isr": 1,
            "transaction.state.log.num.partitions": 3,
            "share.coordinator.state.topic.replication.factor": 1,
            "share.coordinator.state.topic.min.isr": 1,
            "group.initial.rebalance.delay.ms": 0,
            "num.network.threads": 2,
            "num.io.threads": 4,
            "num.recovery.threads.per.data.dir": 1,
        }
        self.data_dir.mkdir(parents=True, exist_ok=True)
        text = "# written by tools/kafka/broker.py on every format/start\n" + "".join(
            f"{k}={_prop(v)}\n" for k, v in props.items()
        )
        self.config_file.write_text(text)
        return self.config_file

    def _java_cmd(self, main: str, *args: str, heap: str | None = None) -> list[str]:
        return [
            _java(),
            f"-Xmx{heap or self.heap}",
            "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20",
            "-XX:+ExitOnOutOfMemoryError",
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={LOG4J_CONFIG}",
            f"-Dkafka.logs.dir={self.server_log.parent}",
            "-cp",
            str(self.libs_dir / "*"),
            main,
            *args,
        ]

    def _check_libs(self) -> None:
        if not any(self.libs_dir.glob("kafka_2.13-*.jar")):
            raise RuntimeError(f"no Kafka jars in {self.libs_dir}; call ensure_jars(repo_root) first")

    # --------------------------------------------------------------- lifecycle
    def format(self) -> None:
        """``kafka.tools.StorageTool format --standalone`` with a new cluster id,
        unless the log dir is already formatted (meta.properties exists)."""
        if self.is_formatted():
            return
        self._check_libs()
        self.write_config()
        self.server_log.parent.mkdir(parents=True, exist_ok=True)
        cmd = self._java_cmd(
            "kafka.tools.StorageTool",
            "format",
            "--standalone",
            "--cluster-id",
            _new_cluster_id(),
            "--config",
            str(self.config_file),
            heap="256m",
        )
        res = subprocess.run(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            timeout=180,
            check=False,  # the exit code is read below
        )
        if res.returncode != 0 or not self.is_formatted():
            raise RuntimeError(
                f"kafka StorageTool format failed (exit {res.returncode}) for {self.log_dir}:\n"
                + "\n".join(res.stdout.splitlines()[-40:])
            )

    def is_running(self) -> bool:
        return self.pid is not None

    def _failure_report(self) -> str:
        parts = []
        out = _tail(self.log_file, 40)
        if out:
            parts.append(f"--- {self.log_file} (tail) ---\n{out}")
        srv = _tail(self.server_log, 25)
        if srv:
            parts.append(f"--- {self.server_log} (tail) ---\n{srv}")
        return "\n".join(parts) or "(no broker output)"

    def start(self, timeout: float = 60) -> None:
        """Start the broker and wait until it answers ApiVersions + Metadata and lists
        itself as a live broker (:func:`probe`). Raises RuntimeError (process died) or
        TimeoutError, with the tail of its logs; the process is stopped in either case."""
        if self.is_running():
            return
        self._check_libs()
        _kafka_client()  # fail before the JVM starts, not after, when kafka-python is missing
        for p, what in ((self.port, "port"), (self.controller_port, "controller_port")):
            if not _port_free(p):
                raise RuntimeError(f"Kafka {what} 127.0.0.1:{p} is already in use")
        self.format()
        self.write_config()
        self.server_log.parent.mkdir(parents=True, exist_ok=True)
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        cmd = self._java_cmd("kafka.Kafka", str(self.config_file))
        with open(self.log_file, "ab") as out:
            out.write(
                f"\n=== tools.kafka: starting broker {self.bootstrap_servers} "
                f"at {time.strftime('%Y-%m-%d %H:%M:%S')} ===\n".encode()
            )
            out.flush()
            self._proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=str(self.data_dir),
                start_new_session=self.detached,
                close_fds=True,
            )
        self._pid = None
        _LIVE.add(self)
        started = time.monotonic()
        deadline = started + timeout
        last_error: Exception | None = None
        while True:
            rc = self._proc.poll()
            if rc is not None:
                self._proc = None
                raise RuntimeError(
                    f"Kafka broker on {self.bootstrap_servers} exited with code {rc} while "
                    f"starting\n{self._failure_report()}"
                )
            try:
                info = probe("127.0.0.1", self.port, timeout=2.0)
                if any(node == NODE_ID for node, _, _ in info["brokers"]):
                    self.startup_seconds = time.monotonic() - started
                    return
                last_error = ValueError(f"broker not listed yet: {info['brokers']}")
            except OSError as exc:  # ConnectionError: not ready yet
                last_error = exc
            if time.monotonic() >= deadline:
                report = self._failure_report()
                self.stop()
                raise TimeoutError(
                    f"Kafka broker on {self.bootstrap_servers} did not answer within "
                    f"{timeout:.0f}s (last probe error: {last_error!r})\n{report}"
                )
            time.sleep(0.25)

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM (controlled shutdown), wait up to ``timeout``, then SIGKILL.
        Does nothing when the broker is not running."""
        pid = self.pid
        if pid is None:
            self._proc = None
            self._pid = None
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        if not self._wait_gone(timeout):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            self._wait_gone(10)
        self._proc = None
        self._pid = None
        _LIVE.discard(self)

    def _wait_gone(self, timeout: float) -> bool:
        if self._proc is not None:
            try:
                self._proc.wait(timeout)
                return True
            except subprocess.TimeoutExpired:
                return False
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._pid is None or not _pid_alive(self._pid):
                return True
            time.sleep(0.1)
        return False

    def adopt(self, pid: int) -> bool:
        """Attach to an already running broker of this data_dir (from a pid file).
        Returns False when ``pid`` is not such a process."""
        cmd = _cmdline(pid)
        if "kafka.Kafka" not in cmd or str(self.config_file) not in cmd or not _pid_alive(pid):
            return False
        self._proc, self._pid = None, pid
        return True

    def __repr__(self) -> str:
        state = f"pid {self.pid}" if self.is_running() else "stopped"
        return f"KafkaBroker({self.bootstrap_servers}, {self.data_dir}, {state})"


# --------------------------------------------------------------------------- CLI


def _read_pid(pid_file: Path) -> int | None:
    try:
        return int(pid_file.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m tools.kafka",
        description="Local single-node Kafka broker (KRaft) on 127.0.0.1.",
    )
    ap.add_argument("command", choices=("start", "stop", "status"))
    ap.add_argument("--port", type=int, default=9092)
    ap.add_argument("--controller-port", type=int, default=9093)
    ap.add_argument("--data-dir", type=Path, default=Path("run/kafka"))
    ap.add_argument("--pid-file", type=Path, default=Path("run/kafka.pid"))
    ap.add_argument("--timeout", type=float, default=90, help="seconds to wait for start/stop")
    ap.add_argument("--heap", default="512m")
    args = ap.parse_args(argv)

    external = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if external:
        if args.command == "status":
            print(f"external {external} (KAFKA_BOOTSTRAP_SERVERS)")
        else:
            print(f"KAFKA_BOOTSTRAP_SERVERS={external}: using the external Kafka cluster, nothing to {args.command}")
        return 0

    data_dir = args.data_dir.resolve()
    pid_file = args.pid_file.resolve()
    libs = REPO_ROOT / ".cache" / "kafka" / "libs"
    broker = KafkaBroker(
        data_dir, args.port, args.controller_port, libs, log_file=data_dir / "broker.out", heap=args.heap
    )
    pid = _read_pid(pid_file)
    running = pid is not None and broker.adopt(pid)

    if args.command == "status":
        if running:
            print(f"running {broker.bootstrap_servers} (pid {pid}, data {data_dir})")
            return 0
        print(f"stopped {broker.bootstrap_servers}")
        return 3

    if args.command == "stop":
        if running:
            broker.stop(timeout=min(args.timeout, 60))
            print(f"stopped {broker.bootstrap_servers} (pid {pid})")
        else:
            print(f"not running {broker.bootstrap_servers}")
        pid_file.unlink(missing_ok=True)
        return 0

    # start
    if running:
        print(f"already running {broker.bootstrap_servers} (pid {pid})")
        return 0
    broker.libs_dir = ensure_jars(REPO_ROOT)
    broker.detached = True
    try:
        broker.start(timeout=args.timeout)
    except KeyboardInterrupt:
        broker.stop()
        return 130
    except (RuntimeError, TimeoutError) as exc:
        print(f"tools.kafka: {exc}", file=sys.stderr)
        return 1
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    pid_file.write_text(f"{broker.pid}\n")
    print(
        f"running {broker.bootstrap_servers} (pid {broker.pid}, "
        f"ready in {broker.startup_seconds:.1f}s, log {broker.server_log})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
