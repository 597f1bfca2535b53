"""The shell examples of README.md and docs/*.md run, as a reader would run them after `make up`
(issue 8, defect 13): every fenced `bash`/`sh` block with a `curl` or `grpcurl` in it is run,
statement by statement, in the order of its page, against the gateway and real cases and fees
servers on port 0 (an event written by one service is handed to the other after each
statement, as Kafka does between two commands a reader types).

- bash expands every statement, so quoting, variables and command substitutions mean what
  they mean in a shell; a `curl` then goes to the gateway in process and a `grpcurl` to the
  service whose `make up` port it names, and what they print (the gateway's JSON; grpcurl's
  JSON, with the proto field names) is what `$( )` captures. Anything else bash runs itself (python3, date).
- A `curl` must name a route and method of the gateway's OpenAPI and succeed (2xx); a
  `grpcurl` a method of the protos, with a body that parses, and succeed. A renamed route or
  field, a stale body, or a call made in the wrong order fails here.
- The examples sign in as the demo accounts `make up` prints (gateway/demo.py), seeded here
  into the gateway's database: a token is what `make up`'s gateway would issue, the services
  verify it. A TOTP code signs in once per account and 30 s, so a page signs each account in
  once and reuses the token.
- A value that differs from one run to the next (a case number, the query code, a notice or
  receipt number, today's date) is never written into an example: it comes from an answer.

A curl or grpcurl is recognised as a statement of its own (`curl ...`) or captured whole
(`name=$(curl ...)`); every other statement (an assignment, `echo`) bash runs as it is."""

from __future__ import annotations

import base64
import json
import os
import re
import shlex
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import grpc
import httpx
import pytest
import yaml
from google.protobuf import descriptor_pool, json_format, message_factory

from gateway.app import create_app
from gateway.demo import seed_demo_accounts
from gateway.settings import GatewaySettings
from servicehall.cases.v1 import cases_pb2
from servicehall.fees.v1 import fees_pb2
from services.cases.server import DEFINITION as CASES
from services.fees.server import DEFINITION as FEES
from tests.identity import gateway_channel
from tests.support import free_port, fresh_idempotency_key, relay

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["README.md", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "docs").glob("*.md"))]
# The pages with examples to run: a page that loses its examples (or gains some) is noticed.
PAGES_WITH_EXAMPLES = {"README.md", "docs/cases.md", "docs/fees.md", "docs/security.md"}
GATEWAY_HOSTS = {"localhost:8080", "127.0.0.1:8080"}  # make up: HTTP_PORT 8080
GRPC_PORTS = {"cases": 50051, "fees": 50052}  # make up: tools/stack.py DEFAULT_GRPC_PORTS
CATALOG = yaml.safe_load((ROOT / "services/cases/catalog/demo_catalog.yaml").read_text("utf-8"))
DEPARTMENTS = {d["code"] for d in CATALOG["departments"]}
PROTOS = (cases_pb2, fees_pb2)  # imported, so the default pool knows what a grpcurl example names

# Values that change from run to run, never literal in a command.
PER_RUN = {
    "a case number": re.compile(r"\b[A-Z]+-\d{8}-\d{5}\b"),
    "a payment notice number": re.compile(r"\bPN-\d{8}-\d{5}\b"),
    "a receipt number": re.compile(r"\b\d{4}-\d{8}\b"),
    "a query code": re.compile(r"(?i)x-query-code:\s*\d"),
    # Today, this month, next year: from `date`. Days of the demo data's past (2010) stay valid.
    "a date of these years": re.compile(r"\b20[2-9]\d-\d\d(-\d\d)?\b"),
}
CASE_NUMBER_IN_PROSE = re.compile(r"\b([A-Z]+)-(\d{8})-(\d+)\b")


def code_blocks(page: str) -> list[str]:
    text = (ROOT / page).read_text("utf-8")
    return re.findall(r"^```(?:bash|sh)\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)


def example_blocks(page: str) -> list[str]:
    return [b for b in code_blocks(page) if re.search(r"\b(curl|grpcurl)\b", b)]


def statements(block: str) -> list[str]:
    """Logical statements: backslash continuations joined, a quote left open carried over."""
    found, pending, continued = [], "", False
    for line in block.splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        # A backslash-newline is dropped (as bash does); a newline inside quotes is kept.
        pending = pending + line if continued or not pending else f"{pending}\n{line}"
        continued = pending.endswith("\\")
        if continued:
            pending = pending[:-1]
            continue
        try:
            shlex.split(pending, comments=True)
        except ValueError:  # an open quote: the statement goes on
            continue
        found.append(pending.strip())
        pending = ""
    assert not pending, f"unterminated statement: {pending!r}"
    return found


@dataclass
class Shell:
    http: httpx.AsyncClient
    ports: dict[int, int]
    openapi: dict[str, Any]
    services: list[Any]
    variables: dict[str, str | list[str]] = field(default_factory=dict)

    def _bash(self, script: str) -> str:
        """Run a script in bash with the variables the example has set so far."""
        prelude = "".join(
            f"{name}=({' '.join(map(shlex.quote, value))})\n"
            if isinstance(value, list)
            else f"{name}={shlex.quote(value)}\n"
            for name, value in self.variables.items()
        )
        env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
        done = subprocess.run(
            ["bash", "-c", prelude + script], env=env, capture_output=True, text=True, cwd=ROOT, timeout=30
        )
        assert done.returncode == 0, f"bash failed on {script!r}: {done.stderr}"
        return done.stdout

    def argv(self, arguments: str) -> list[str]:
        """The words bash makes of the arguments (expanded, unquoted)."""
        return self._bash(f"printf '%s\\0' {arguments}").split("\0")[:-1]

    async def run(self, statement: str) -> None:
        for what, pattern in PER_RUN.items():
            assert not pattern.search(statement), f"{what} is written into the example: {statement!r}"
        if statement.startswith("export PATH="):
            return  # where the reader's grpcurl is
        if re.fullmatch(r"sleep \d+(\s+#.*)?", statement):
            return  # waits for Kafka: here the events were handed over after the last statement
        tool = r"(?:\S*/)?(curl|grpcurl)"  # on the PATH, or .cache/bin/grpcurl
        captured = re.fullmatch(rf"(\w+)=\$\({tool}\s+(.*)\)", statement, flags=re.DOTALL)
        command = re.fullmatch(rf"{tool}\s+(.*)", statement, flags=re.DOTALL)
        array = re.fullmatch(r"(\w+)=(\(.*\))", statement, flags=re.DOTALL)
        assignment = re.fullmatch(r"(?:export\s+)?(\w+)=(.*)", statement, flags=re.DOTALL)
        if captured:
            name, used, arguments = captured.groups()
            self.variables[name] = await self.tool(used, self.argv(arguments))
        elif command:
            await self.tool(command.group(1), self.argv(command.group(2)))
        elif array:
            name, value = array.groups()
            self.variables[name] = self._bash(f"{name}={value}; printf '%s\\0' \"${{{name}[@]}}\"").split("\0")[:-1]
        elif assignment:
            name, value = assignment.groups()
            self.variables[name] = self._bash(f"{name}={value}; printf '%s' \"${name}\"")
        else:
            self._bash(statement)  # echo, ...: bash runs it
        for source in self.services:  # what Kafka would have delivered before the next command
            for target in self.services:
                if source is not target:
                    await relay(source, target)

    async def tool(self, tool: str, argv: list[str]) -> str:
        return await (self.curl(argv) if tool == "curl" else self.grpcurl(argv))

    async def curl(self, argv: list[str]) -> str:
        method, headers, body, url = "", {}, None, ""
        words = iter(argv)
        for word in words:
            if word in ("-s", "-sS", "-S"):
                continue
            if word == "-X":
                method = next(words)
            elif word == "-H":
                key, _, value = next(words).partition(":")
                headers[key.strip()] = value.strip()
            elif word in ("-d", "--data", "--data-raw"):
                body = next(words)
            elif word == "-u":  # HTTP Basic, as curl sends it
                headers["Authorization"] = "Basic " + base64.b64encode(next(words).encode()).decode()
            elif word == "-o":
                next(words)  # the file the answer is saved to
            else:
                assert not word.startswith("-"), f"a curl option the examples do not use: {word}"
                assert not url, f"two URLs: {url} {word}"
                url = word
        method = method or ("POST" if body is not None else "GET")
        parts = urlsplit(url if "://" in url else f"http://{url}")
        assert parts.netloc in GATEWAY_HOSTS, f"not the gateway of make up: {url}"
        template = self._route(method, parts.path)
        content_type = next((value for key, value in headers.items() if key.lower() == "content-type"), "")
        if body is not None and not content_type:
            content_type = headers["Content-Type"] = "application/x-www-form-urlencoded"  # curl's default for -d
        if body is not None and content_type.startswith("application/json"):
            json.loads(body)  # a JSON body is JSON
        response = await self.http.request(
            method, parts.path + (f"?{parts.query}" if parts.query else ""), content=body, headers=headers
        )
        assert response.is_success, f"{method} {url} ({template}): {response.status_code} {response.text}"
        return response.text

    def _route(self, method: str, path: str) -> str:
        for template, operations in self.openapi["paths"].items():
            pattern = re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(template))
            if re.fullmatch(pattern, path) and method.lower() in operations:
                return template
        pytest.fail(f"no gateway route {method} {path} in the OpenAPI")

    async def grpcurl(self, argv: list[str]) -> str:
        metadata, body, rest = [], "", []
        words = iter(argv)
        for word in words:
            if word == "-plaintext":
                continue
            if word == "-H":
                key, _, value = next(words).partition(":")
                metadata.append((key.strip(), value.strip()))
            elif word == "-d":
                body = next(words)
            else:
                assert not word.startswith("-"), f"a grpcurl option the examples do not use: {word}"
                rest.append(word)
        address, *call = rest
        host, _, port = address.rpartition(":")
        assert host in ("127.0.0.1", "localhost") and int(port) in self.ports, f"not a service of make up: {address}"
        pool = descriptor_pool.Default()
        if call[0] == "list":
            for name in call[1:]:
                pool.FindServiceByName(name)  # KeyError: no such service in the protos
            return ""
        [full_method] = call
        service_name, _, method_name = full_method.rpartition("/")
        method = pool.FindServiceByName(service_name).FindMethodByName(method_name)
        assert GRPC_PORTS[method.containing_service.full_name.split(".")[1]] == int(port), (
            f"{full_method} is not served on {address}"
        )
        request = json_format.Parse(body or "{}", message_factory.GetMessageClass(method.input_type)())
        response_class = message_factory.GetMessageClass(method.output_type)
        async with gateway_channel(f"127.0.0.1:{self.ports[int(port)]}") as channel:
            stub = channel.unary_unary(
                f"/{service_name}/{method_name}",
                request_serializer=lambda m: m.SerializeToString(),
                response_deserializer=response_class.FromString,
            )
            try:
                answer = await stub(request, metadata=metadata, timeout=5)
            except grpc.aio.AioRpcError as error:
                pytest.fail(f"{full_method} {body}: {error.code().name} {error.details()}")
        return json_format.MessageToJson(answer, indent=2, preserving_proto_field_name=True)  # as grpcurl prints it


@pytest.fixture
async def shell(start_service, gateway_database_url):
    cases, fees = await start_service(CASES), await start_service(FEES)
    dead = f"127.0.0.1:{free_port()}"
    settings = GatewaySettings(
        gateway_database_url=gateway_database_url,
        cases_addr=f"127.0.0.1:{cases.port}",
        fees_addr=f"127.0.0.1:{fees.port}",
        notification_addr=dead,
        attendance_addr=dead,
        evaluation_addr=dead,
        grpc_timeout_seconds=5,
    )
    seed_demo_accounts(settings)  # what `make up` does before it starts the gateway
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://gateway",
            event_hooks={"request": [fresh_idempotency_key]},
        ) as http,
    ):
        yield Shell(
            http=http,
            ports={GRPC_PORTS["cases"]: cases.port, GRPC_PORTS["fees"]: fees.port},
            openapi=app.openapi(),
            services=[cases, fees],
        )


def test_the_pages_with_examples_are_the_known_ones():
    assert {page for page in PAGES if example_blocks(page)} == PAGES_WITH_EXAMPLES


@pytest.mark.parametrize("page", sorted(PAGES_WITH_EXAMPLES))
async def test_the_examples_of_a_page_run_after_make_up(shell, page):
    for block in example_blocks(page):
        for statement in statements(block):
            await shell.run(statement)


@pytest.mark.parametrize("page", PAGES)
def test_case_numbers_in_the_text_have_the_platform_format(page):
    for department, day, serial in CASE_NUMBER_IN_PROSE.findall((ROOT / page).read_text("utf-8")):
        if department in ("PN", "DEPT"):
            continue  # a payment notice number; the format itself
        assert department in DEPARTMENTS and len(serial) == 5, f"{department}-{day}-{serial}"


def _anchors(page: Path) -> set[str]:
    headings = re.findall(r"^#+\s+(.*)$", page.read_text("utf-8"), flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


@pytest.mark.parametrize("page", PAGES)
def test_links_between_the_pages_resolve(page):
    here = ROOT / page
    for target in re.findall(r"\]\(([^)\s]+)\)", here.read_text("utf-8")):
        if "://" in target or target.startswith("mailto:"):
            continue
        path, _, anchor = target.partition("#")
        linked = (here.parent / path).resolve() if path else here
        assert linked.exists(), f"{page}: {target} does not exist"
        if anchor and linked.suffix == ".md":
            assert anchor in _anchors(linked), f"{page}: no heading #{anchor} in {linked.relative_to(ROOT)}"


def test_the_readme_says_the_platform_shows_beijing_time_and_links_the_details():
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "dates-and-times" in _anchors(ROOT / "README.md")
    section = readme.split("## Dates and times", 1)[1].split("\n## ", 1)[0]
    assert "Asia/Shanghai" in section and "+08:00" in section and "UTC" in section
    assert "docs/cases.md#the-working-day-clock" in section
    assert "README.md#dates-and-times" in (ROOT / "docs/architecture.md").read_text("utf-8")
