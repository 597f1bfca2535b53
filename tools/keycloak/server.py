"""A real Keycloak (OpenID Connect provider) on loopback, for the sign-on tests and local runs.

The server is Keycloak's own distribution, ``org.keycloak:keycloak-quarkus-dist`` from Maven
Central, fetched with mvn into ``.cache/m2``, unpacked into ``.cache/keycloak/keycloak-<v>``
and built once there (``kc.sh build``: Quarkus' augmentation, ~20 s on 2 cores), all by
:func:`ensure_distribution`; a marker file makes every later call free.

Each :class:`KeycloakServer` then runs ``kc.sh start --optimized`` from a home of its own (a
copy of ``bin/kc.sh`` and ``conf/``, links to the shared ``lib/``, its own ``data/``), so
the shared distribution is only read and two sessions on one machine never share an H2
database or a transaction log. ``start-dev`` would re-augment into the shared ``lib/``
whenever an option differs, and costs the same ~20 s on every first start.

Creating the schema and importing the realm is half of a first start (~9 s of ~18 s), so the
first server of a realm saves its fresh H2 database as a template in
``.cache/keycloak/h2-templates/<digest of version and realm files>`` and every later server
starts from a copy of it.

Importable with the standard library alone: ``make keycloak-dist`` and ``.ci/run`` call
:func:`ensure_distribution` with the system python3 before any virtualenv exists.

CLI::

    python -m tools.keycloak ensure
    python -m tools.keycloak start|stop|status [--port 8180] [--home run/keycloak]
"""

from __future__ import annotations

import argparse
import atexit
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
import urllib.error
import urllib.request
import weakref
from collections.abc import Iterator, Sequence
from pathlib import Path

__all__ = ["REALM_FILE", "VERSION", "KeycloakServer", "ensure_distribution", "main"]

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
REALM_FILE = HERE / "realm-hall.json"

VERSION = "26.7.3"
ARTIFACT = f"org.keycloak:keycloak-quarkus-dist:{VERSION}:tar.gz"
# Build-time options, baked into lib/quarkus by `kc.sh build`; `start --optimized` refuses
# to run with other ones. dev-file: an H2 file in the server's own data/; local caches: a
# clustered Infinispan (the production default) would bind port 7800 and look for peers.
BUILD_OPTIONS = ("--db=dev-file", "--health-enabled=true", "--cache=local")
DIST_MARKER = ".servicehall-dist.json"
MVN_TIMEOUT = 20 * 60
BUILD_TIMEOUT = 10 * 60
# Only C1: a server of one test session never runs long enough for C2 to pay back its
# compile time on 2 cores (measured: ~18 s to ready instead of ~24 s, fresh database).
JVM_OPTIONS = ("-XX:TieredStopAtLevel=1",)


# ------------------------------------------------------------------ distribution


def _marker_ok(dist: Path) -> bool:
    try:
        marker = json.loads((dist / DIST_MARKER).read_text())
    except (OSError, ValueError):
        return False
    return (
        isinstance(marker, dict)
        and marker.get("version") == VERSION
        and marker.get("build_options") == list(BUILD_OPTIONS)
        and (dist / "bin" / "kc.sh").is_file()
        and (dist / "lib" / "quarkus" / "quarkus-application.dat").is_file()
    )


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _tail(path: Path, lines: int = 40) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - 64 * 1024))
            text = fh.read().decode("utf-8", "replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def java_env() -> dict[str, str]:
    """The environment kc.sh runs with. KEYCLOAK_JAVA_HOME wins over JAVA_HOME, so that CI
    can give Keycloak another JDK than Kafka's; Keycloak 26.7 runs on the Java 17 of Debian 12."""
    env = dict(os.environ)
    home = os.environ.get("KEYCLOAK_JAVA_HOME")
    if home:
        env["JAVA_HOME"] = home
    if not env.get("JAVA_HOME") and not shutil.which("java"):
        raise RuntimeError("no java found (set KEYCLOAK_JAVA_HOME or JAVA_HOME, or put java on PATH)")
    return env


def _run_logged(cmd: Sequence[str], log: Path, timeout: float, **kwargs: object) -> int:
    with open(log, "ab") as out:
        out.write(("$ " + " ".join(cmd) + "\n").encode())
        out.flush()
        completed: subprocess.CompletedProcess[bytes] = subprocess.run(
            list(cmd),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            timeout=timeout,
            check=False,  # the caller reads the exit code
            **kwargs,  # type: ignore[call-overload]
        )
        return completed.returncode


def ensure_distribution(repo_root: Path) -> Path:
    """Fetch, unpack and build Keycloak into ``<repo_root>/.cache/keycloak/keycloak-<VERSION>``
    (once; a marker names the version and the build options) and return that folder."""
    repo_root = Path(repo_root).resolve()
    cache = repo_root / ".cache"
    root = cache / "keycloak"
    dist = root / f"keycloak-{VERSION}"
    if _marker_ok(dist):
        return dist
    with _file_lock(root / ".ensure.lock"):
        if _marker_ok(dist):  # another process finished meanwhile
            return dist
        mvn = os.environ.get("MVN") or shutil.which("mvn")
        if not mvn:
            raise RuntimeError(
                f"Maven (mvn) is needed once to fetch {ARTIFACT} into {dist}; "
                "install it (Debian: apt-get install maven) or set MVN"
            )
        env = java_env()
        log = root / "ensure.log"
        log.write_bytes(b"")
        tmp = root / f"tmp.{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        timings: dict[str, float] = {}
        try:
            print(f"tools.keycloak: fetching {ARTIFACT} with Maven ...", file=sys.stderr)
            t0 = time.monotonic()
            m2 = cache / "m2"
            base = [mvn, "-B", "-q", f"-Dmaven.repo.local={m2}", "dependency:copy"]
            base += [f"-Dartifact={ARTIFACT}", f"-DoutputDirectory={tmp}"]
            # offline first when the local repository already holds it (no network needed)
            warm = (m2 / "org" / "keycloak" / "keycloak-quarkus-dist" / VERSION).is_dir()
            rc = 1
            for cmd in [[*base, "-o"], base] if warm else [base]:
                rc = _run_logged(cmd, log, MVN_TIMEOUT, cwd=str(tmp))
                if rc == 0:
                    break
            archive = tmp / f"keycloak-quarkus-dist-{VERSION}.tar.gz"
            if rc != 0 or not archive.is_file():
                raise RuntimeError(f"mvn failed (exit {rc}) fetching {ARTIFACT}; log {log}:\n{_tail(log)}")
            timings["download_s"] = round(time.monotonic() - t0, 1)

            t0 = time.monotonic()
            unpacked = tmp / "unpacked"
            unpacked.mkdir()
            # GNU tar: ~1 s for the 180 MB, several times faster than the tarfile module
            rc = _run_logged(["tar", "-xzf", str(archive), "-C", str(unpacked)], log, 600)
            built = unpacked / f"keycloak-{VERSION}"
            if rc != 0 or not (built / "bin" / "kc.sh").is_file():
                raise RuntimeError(f"unpacking {archive} failed (exit {rc}); log {log}")
            archive.unlink()  # the copy in .cache/m2 stays
            timings["unpack_s"] = round(time.monotonic() - t0, 1)

            print(f"tools.keycloak: kc.sh build {' '.join(BUILD_OPTIONS)} (once) ...", file=sys.stderr)
            t0 = time.monotonic()
            rc = _run_logged([str(built / "bin" / "kc.sh"), "build", *BUILD_OPTIONS], log, BUILD_TIMEOUT, env=env)
            if rc != 0:
                raise RuntimeError(f"kc.sh build failed (exit {rc}); log {log}:\n{_tail(log)}")
            timings["build_s"] = round(time.monotonic() - t0, 1)
            # the build's own scratch data (an H2 file, transaction logs) is nobody's
            shutil.rmtree(built / "data", ignore_errors=True)
            marker = {"version": VERSION, "build_options": list(BUILD_OPTIONS), **timings}
            (built / DIST_MARKER).write_text(json.dumps(marker, indent=1) + "\n")
            old = root / f"old.{os.getpid()}"
            if dist.exists():
                dist.rename(old)
            built.rename(dist)
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        print(f"tools.keycloak: Keycloak {VERSION} ready in {dist} ({timings})", file=sys.stderr)
    return dist


# ------------------------------------------------------------------------ server


def _get_status(url: str, timeout: float = 2.0) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except (OSError, ValueError):
        return None


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        # as the JVM binds: connections in TIME_WAIT from our own probes do not count
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


_LIVE: weakref.WeakSet[KeycloakServer] = weakref.WeakSet()


@atexit.register
def _stop_children() -> None:
    for server in list(_LIVE):
        if not server.detached:
            with contextlib.suppress(Exception):
                server.stop(timeout=15)


class KeycloakServer:
    """One Keycloak on 127.0.0.1 over plain HTTP, from the built distribution ``dist``.

    ``home`` becomes its KC home (see the module's docstring): H2 database, transaction logs
    and the realms to import (``data/import``) live there, and ``keycloak.out`` unless
    ``log_file`` says otherwise. The realm files are imported at start-up
    (``--import-realm``); a realm already in the database is left as it is. A new home's
    database is a copy of the template in ``templates`` (made by the first start).
    Set ``detached = True`` before :meth:`start` for the server to outlive this process.
    """

    def __init__(
        self,
        dist: Path,
        home: Path,
        port: int,
        management_port: int,
        realm_files: Sequence[Path] = (REALM_FILE,),
        log_file: Path | None = None,
        templates: Path | None = None,
    ) -> None:
        self.dist = Path(dist).resolve()
        self.home = Path(home).resolve()
        self.port = int(port)
        self.management_port = int(management_port)
        self.realm_files = [Path(p).resolve() for p in realm_files]
        self.log_file = Path(log_file).resolve() if log_file else self.home / "keycloak.out"
        self.templates = Path(templates).resolve() if templates else self.dist.parent / "h2-templates"
        self.detached = False
        self.startup_seconds: float | None = None
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def issuer(self, realm: str = "hall") -> str:
        return f"{self.base_url}/realms/{realm}"

    @property
    def pid(self) -> int | None:
        if self._proc is not None and self._proc.poll() is None:
            return self._proc.pid
        return None

    def _prepare_home(self) -> None:
        (self.home / "bin").mkdir(parents=True, exist_ok=True)
        # kc.sh takes its home from its own resolved path: a copy, not a link
        shutil.copy2(self.dist / "bin" / "kc.sh", self.home / "bin" / "kc.sh")
        for name in ("lib", "themes", "providers"):
            link = self.home / name
            if not link.is_symlink():
                link.symlink_to(self.dist / name, target_is_directory=True)
        if not (self.home / "conf").exists():
            shutil.copytree(self.dist / "conf", self.home / "conf")
        imports = self.home / "data" / "import"
        imports.mkdir(parents=True, exist_ok=True)
        for realm in self.realm_files:
            shutil.copyfile(realm, imports / realm.name)

    def template(self) -> Path:
        digest = hashlib.sha256(f"{VERSION} {BUILD_OPTIONS}".encode())
        for realm in self.realm_files:
            digest.update(realm.read_bytes())
        return self.templates / digest.hexdigest()[:16]

    def _save_template(self, database: Path, template: Path) -> None:
        """Copy the (stopped) server's database: the realm just imported, nothing used yet."""
        tmp = template.with_name(f"{template.name}.tmp.{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        for db_file in database.glob("*.mv.db"):
            shutil.copy2(db_file, tmp / db_file.name)
        try:
            tmp.rename(template)
        except OSError:  # another session saved it first: theirs is as good
            shutil.rmtree(tmp, ignore_errors=True)

    def command(self) -> list[str]:
        return [
            str(self.home / "bin" / "kc.sh"),
            "start",
            "--optimized",
            "--import-realm",
            "--http-enabled=true",
            "--http-host=127.0.0.1",
            f"--http-port={self.port}",
            "--http-management-host=127.0.0.1",
            f"--http-management-port={self.management_port}",
            # the issuer is whatever host:port the caller used: 127.0.0.1:<port> here
            "--hostname-strict=false",
        ]

    def start(self, timeout: float = 180) -> None:
        """Start and wait until ``/health/ready`` answers 200 and every imported realm
        publishes its discovery document. Raises RuntimeError (the process died) or
        TimeoutError with the tail of its log; the process is stopped in either case."""
        if self.pid is not None:
            return
        template = self.template()
        database = self.home / "data" / "h2"
        from_template = template.is_dir() and not database.exists()
        if from_template:
            database.mkdir(parents=True)
            for db_file in template.glob("*.mv.db"):
                shutil.copy2(db_file, database / db_file.name)
        fresh = not from_template and not database.exists()
        self._start(timeout)
        if fresh and not template.exists():
            # the first server of this realm: keep its database for the next ones
            self.stop()
            self._save_template(database, template)
            self._start(timeout)

    def _start(self, timeout: float) -> None:
        if not (self.dist / DIST_MARKER).is_file():
            raise RuntimeError(f"{self.dist} is no built Keycloak; call ensure_distribution(repo_root) first")
        for port in (self.port, self.management_port):
            if not _port_free(port):
                raise RuntimeError(f"Keycloak port 127.0.0.1:{port} is already in use")
        self._prepare_home()
        env = java_env()
        env["JAVA_OPTS_APPEND"] = " ".join([*JVM_OPTIONS, env.get("JAVA_OPTS_APPEND", "")]).strip()
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_file, "ab") as out:
            out.write(f"\n=== tools.keycloak: starting on {self.base_url} at {time.strftime('%F %T')} ===\n".encode())
            out.flush()
            # its own process group, so that stop() can reach the JVM behind kc.sh too
            self._proc = subprocess.Popen(
                self.command(),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=str(self.home),
                env=env,
                start_new_session=True,
                close_fds=True,
            )
        _LIVE.add(self)
        started = time.monotonic()
        realms = [json.loads(p.read_text())["realm"] for p in self.realm_files]
        ready_urls = [f"http://127.0.0.1:{self.management_port}/health/ready"]
        ready_urls += [f"{self.issuer(r)}/.well-known/openid-configuration" for r in realms]
        while True:
            rc = self._proc.poll()
            if rc is not None:
                self._proc = None
                raise RuntimeError(
                    f"Keycloak on {self.base_url} exited with code {rc} while starting; "
                    f"{self.log_file}:\n{_tail(self.log_file)}"
                )
            if all(_get_status(url) == 200 for url in ready_urls):
                self.startup_seconds = time.monotonic() - started
                return
            if time.monotonic() - started > timeout:
                report = _tail(self.log_file)
                self.stop()
                raise TimeoutError(f"Keycloak on {self.base_url} not ready within {timeout:.0f}s; log:\n{report}")
            time.sleep(0.25)

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM (kc.sh hands it to the JVM, which shuts down cleanly), then SIGKILL to the
        server's own process group after ``timeout``."""
        proc, self._proc = self._proc, None
        _LIVE.discard(self)
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)

    def __repr__(self) -> str:
        state = f"pid {self.pid}" if self.pid else "stopped"
        return f"KeycloakServer({self.base_url}, {self.home}, {state})"


# --------------------------------------------------------------------------- CLI


def _read_pid(pid_file: Path) -> int | None:
    try:
        return int(pid_file.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _is_our_server(pid: int, home: Path) -> bool:
    """The pid file's process is still the kc.sh of this home (not a reused pid)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return False
    return str(home / "bin" / "kc.sh") in cmdline


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.keycloak", description=__doc__.split("\n\n")[0])
    ap.add_argument("command", choices=("ensure", "start", "stop", "status"))
    ap.add_argument("--port", type=int, default=8180)
    ap.add_argument("--management-port", type=int, default=9180)
    ap.add_argument("--home", type=Path, default=Path("run/keycloak"))
    ap.add_argument("--timeout", type=float, default=180)
    args = ap.parse_args(argv)

    if args.command == "ensure":
        print(ensure_distribution(REPO_ROOT))
        return 0
    home = args.home.resolve()
    pid_file = home / "keycloak.pid"
    pid = _read_pid(pid_file)
    running = pid is not None and _is_our_server(pid, home)
    issuer = f"http://127.0.0.1:{args.port}/realms/hall"
    if args.command == "status":
        print(f"running {issuer} (pid {pid})" if running else "stopped")
        return 0 if running else 3
    if args.command == "stop":
        if running and pid is not None:
            os.kill(pid, signal.SIGTERM)  # kc.sh forwards it to the JVM
            deadline = time.monotonic() + 30
            while _is_our_server(pid, home) and time.monotonic() < deadline:
                time.sleep(0.2)
            if _is_our_server(pid, home):
                os.killpg(pid, signal.SIGKILL)  # its own group (started with a new session)
            print(f"stopped (pid {pid})")
        else:
            print("not running")
        pid_file.unlink(missing_ok=True)
        return 0
    if running:
        print(f"already running {issuer} (pid {pid})")
        return 0
    server = KeycloakServer(ensure_distribution(REPO_ROOT), home, args.port, args.management_port)
    server.detached = True
    server.start(timeout=args.timeout)
    pid_file.write_text(f"{server.pid}\n")
    print(f"Keycloak {VERSION} ready in {server.startup_seconds:.1f}s: issuer {issuer}, log {server.log_file}")
    return 0
