"""schemathesis against the gateway (issue 9), in front of the five real services on port 0
(no Kafka: the events stay in the outbox), once per caller: every default check, every
phase, zero failures.

The run is seeded and deterministic, with a bounded number of examples per operation, so a
failure reproduces and the test keeps within the CI budget. One check is configured, not
disabled: positive_data_acceptance also takes 422 because the services refuse schema-valid
input by rules no schema can state (an ID card's check digit, an item code not in the
catalog); `gateway_refusals_are_documented` keeps that honest by failing any 422 the gateway
itself gives to data its own OpenAPI document allows."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

import jsonschema
import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.core import NotSet
from schemathesis.engine import Status, events, from_schema

from gateway.app import create_app
from gateway.errors import INVALID_REQUEST
from gateway.settings import GatewaySettings
from services.attendance.server import DEFINITION as ATTENDANCE
from services.cases.server import DEFINITION as CASES
from services.evaluation.server import DEFINITION as EVALUATION
from services.fees.server import DEFINITION as FEES
from services.notification.server import DEFINITION as NOTIFICATION
from tests.identity import staff_headers

SERVICES = {
    "cases": CASES,
    "fees": FEES,
    "attendance": ATTENDANCE,
    "evaluation": EVALUATION,
    "notification": NOTIFICATION,
}


def staff(staff_id: str, department: str, roles: str) -> dict[str, str]:
    """How a staff member proves who they are: the one place to switch to the bearer-token helper."""
    return staff_headers(department, *roles.split(","), staff_id=staff_id)


# Who schemathesis calls as: the anonymous public first, then staff of several roles.
CALLERS: dict[str, dict[str, str]] = {
    "anonymous": {},
    "window_staff": staff("aic-01", "AIC", "window_staff"),
    "chief_representative": staff("aic-09", "AIC", "chief_representative"),
    "cashier": staff("S-CASH-1", "FIN", "cashier"),
    "approver": staff("S-APPR-1", "FIN", "approver"),
    "manager": staff("S-MGR-1", "CENTER", "manager"),
    "efficiency_office": staff("xn-01", "XN", "efficiency_office"),
    "administrator": staff("admin", "ZY", "administrator"),
}
SEED = 20261128
MAX_EXAMPLES = 8  # per operation and phase
# The coverage phase (boundaries, every invalid shape, unexpected methods: ~3,300 requests,
# nine tenths of a run) probes the gateway's own input handling, which is the same for every
# caller: it runs for the public and for the manager, who may reach the most. The other roles
# get the examples, fuzzing and stateful phases, which reach their rules in the services.
FULL_COVERAGE = {"anonymous", "manager"}


@pytest.fixture
async def app(start_service, gateway_database_url):
    # All five: /readyz asks each, and schemathesis counts its 503 as a server error.
    ports = {name: (await start_service(definition)).port for name, definition in SERVICES.items()}
    addresses = {f"{name}_addr": f"127.0.0.1:{port}" for name, port in ports.items()}
    return create_app(
        GatewaySettings(
            gateway_database_url=gateway_database_url,
            grpc_timeout_seconds=5,
            # Five services share this test's one event loop with the fuzzing: a probe's 1 s is
            # a production figure, and a busy loop here would make /readyz answer 503.
            readiness_timeout_seconds=5,
            rate_limits_enabled=False,  # tests/unit/test_limits.py tests them; here they would answer 429
            **addresses,
        )
    )


def _conforms(spec: dict[str, Any], case: Any) -> bool:
    """Whether the case's body and parameters are valid by the gateway's own OpenAPI document."""
    operation = spec["paths"][case.operation.path][case.method.lower()]
    checks: list[tuple[dict[str, Any], Any]] = []
    for parameter in operation.get("parameters", []):
        values = {"path": case.path_parameters, "query": case.query, "header": case.headers}.get(parameter["in"])
        if values and parameter["name"] in values:
            checks.append((parameter["schema"], values[parameter["name"]]))
        elif parameter.get("required"):
            return False
    body = operation.get("requestBody", {})
    if isinstance(case.body, NotSet):
        if body.get("required"):
            return False
    elif "application/json" in body.get("content", {}):
        checks.append((body["content"]["application/json"]["schema"], case.body))
    return all(
        jsonschema.Draft202012Validator({**schema, "components": spec["components"]}).is_valid(value)
        for schema, value in checks
    )


def gateway_refusals_are_documented(spec: dict[str, Any]) -> Any:
    @schemathesis.check
    def gateway_refusals_are_documented(ctx: Any, response: Any, case: Any) -> bool | None:
        """Data the OpenAPI document allows is never refused by the gateway's own checks."""
        if response.status_code != 422 or response.json().get("detail") != INVALID_REQUEST:
            return None
        if _conforms(spec, case):
            raise AssertionError(f"the gateway refused data its OpenAPI document allows: {response.json()['errors']}")
        return None

    return gateway_refusals_are_documented


@dataclass
class Run:
    operations: set[str] = field(default_factory=set)
    examples: int = 0
    by_phase: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0


def run_schemathesis(app: Any, headers: dict[str, str], *, coverage: bool) -> Run:
    config = SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            # No state kept between runs: the same seed gives the same run on every machine.
            "cache": {"enabled": False},
            "headers": headers,
            "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
            "phases": {"coverage": {"enabled": coverage}},
            "checks": {
                # A body over the gateway's size limit is refused before it is read: 413 is a rejection too.
                "negative_data_rejection": {
                    "expected-statuses": ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422"]
                    + ["428", "429", "5xx"]
                },
                "positive_data_acceptance": {
                    "expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]
                },
            },
        }
    )
    gateway_refusals_are_documented(app.openapi())
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)
    run = Run()
    started = time.monotonic()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            run.operations.add(event.recorder.label)
            run.examples += len(event.recorder.cases)
            phase = str(event.phase.value if hasattr(event.phase, "value") else event.phase)
            run.by_phase[phase] = run.by_phase.get(phase, 0) + len(event.recorder.cases)
            for case_id, checks in event.recorder.checks.items():
                interaction = event.recorder.interactions.get(case_id)
                response = interaction.response if interaction is not None else None
                answer = f"answered {response.status_code}: {response.text[:300]}" if response is not None else ""
                for check in checks:
                    if check.status == Status.FAILURE and check.failure_info is not None:
                        failure = check.failure_info.failure
                        run.failures.append(
                            f"{event.recorder.label} [{check.name}] {failure.title}: {failure.message}\n"
                            f"{answer}\n{check.failure_info.code_sample[:2000]}"
                        )
        elif isinstance(event, events.NonFatalError | events.FatalError):
            run.errors.append(f"{getattr(event, 'label', '')}: {event.info.format()}")
    run.seconds = time.monotonic() - started
    return run


@pytest.mark.parametrize("caller", list(CALLERS))
async def test_schemathesis_finds_nothing(app, caller, capsys):
    # schemathesis is synchronous: it runs in a thread while this loop serves the gRPC servers.
    run = await asyncio.to_thread(run_schemathesis, app, CALLERS[caller], coverage=caller in FULL_COVERAGE)
    with capsys.disabled():
        print(
            f"\nschemathesis as {caller}: {len(run.operations)} operations, {run.examples} examples, "
            f"{len(run.failures)} failures, {run.seconds:.1f} s {run.by_phase}"
        )
    assert run.errors == []
    assert run.failures == [], "\n\n".join(run.failures[:20])
    assert len(run.operations) >= 40
