"""The catalog over the wire, and the seal and reasons of a case's moves (issue 8, "the catalog
and the money", the cases service's part), against a real cases server on port 0.

- UpsertServiceItem, the managers' only catalog API, is called with grpcurl: JSON turned into
  the protobuf request over reflection, as a department system or a manager's script sends it.
- GET /api/v1/service-items and the guide (/api/v1/service-items/{code}/guide) read one
  source: the version of the item in force today.
- A seal use recorded through the seal register before ConcludeOnTheSpot is the seal of that
  conclusion: one stamping, one row in the log.
- The reason staff give to StartReview, ConcludeCase, ConcludeOnTheSpot and ResumeClock is in
  the case's history."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import grpc
import httpx
import pytest
import sqlalchemy as sa
import yaml

from gateway.app import create_app
from gateway.settings import GatewaySettings
from servicehall.cases.v1 import cases_pb2, cases_pb2_grpc
from services.cases.models import OutboxMessage, SealUse
from services.cases.server import DEFINITION as CASES
from shared.clock import ShiftedClock
from tests.identity import gateway_channel, staff_headers
from tests.support import VALID_ID_CARD, free_port, fresh_idempotency_key

ROOT = Path(__file__).resolve().parents[2]
GRPCURL = shutil.which("grpcurl") or str(ROOT / ".cache" / "bin" / "grpcurl")
CATALOG = yaml.safe_load((ROOT / "services/cases/catalog/demo_catalog.yaml").read_text("utf-8"))
ITEMS = {item["code"]: item for item in CATALOG["items"]}
MANAGER = staff_headers("ZY", "manager", staff_id="zy-mgr")
APPLICANT = cases_pb2.Applicant(name="李四", id_card_number=VALID_ID_CARD, phone="13912345678")


def staff(department: str) -> dict[str, str]:
    return staff_headers(department, "window_staff", staff_id=f"{department.lower()}-01")


def metadata(headers: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple((key.lower(), value) for key, value in headers.items())


PROTOS = Path(__file__).resolve().parents[2] / "protos"


def _snake(value: Any) -> Any:
    """grpcurl prints the JSON names (effectiveFrom); the tests read the proto names."""
    if isinstance(value, dict):
        return {re.sub(r"(?<!^)([A-Z])", r"_\1", k).lower(): _snake(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_snake(v) for v in value]
    return value


async def grpcurl(port: int, method: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    """grpcurl -plaintext -H ... -d BODY 127.0.0.1:PORT METHOD: the answer as JSON, or the
    SimpleNamespace(code=..., message=...) of the error grpcurl printed."""
    assert os.access(GRPCURL, os.X_OK), "grpcurl is missing: run `make tools`"
    # Reflection is switched on for this service (GRPC_REFLECTION, see the fixture), so that
    # grpcurl decodes the field details too. Every call still needs a token.
    argv = [GRPCURL, "-plaintext", "-format-error"]
    for key, value in (headers or {}).items():
        argv += ["-H", f"{key}: {value}"]
    argv += ["-d", json.dumps(body, ensure_ascii=False), f"127.0.0.1:{port}", method]
    process = await asyncio.create_subprocess_exec(
        *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await process.communicate()
    if process.returncode == 0:
        return _snake(json.loads(out))
    try:
        error = json.loads(out or err)  # -format-error: the status as JSON
    except json.JSONDecodeError:  # grpcurl refused the request before sending it
        return SimpleNamespace(code=None, message=err.decode(), details=[])
    return SimpleNamespace(
        code=error.get("code"), message=error.get("message", ""), details=_snake(error.get("details", []))
    )


@pytest.fixture
def clock() -> ShiftedClock:
    moment = ShiftedClock()
    moment.set(datetime(2026, 3, 10, 2, 0, tzinfo=UTC))  # a Tuesday, 10:00 in the hall
    return moment


@pytest.fixture
async def service(start_service, clock):
    return await start_service(CASES, clock=clock, grpc_reflection=True)


@pytest.fixture
async def stubs(service):
    channel = gateway_channel(f"127.0.0.1:{service.port}")
    yield SimpleNamespace(
        cases=cases_pb2_grpc.CasesServiceStub(channel),
        catalog=cases_pb2_grpc.CatalogServiceStub(channel),
        seals=cases_pb2_grpc.SealServiceStub(channel),
    )
    await channel.close()


@pytest.fixture
async def http(service, gateway_database_url):
    dead = f"127.0.0.1:{free_port()}"
    settings = GatewaySettings(
        gateway_database_url=gateway_database_url,
        cases_addr=f"127.0.0.1:{service.port}",
        fees_addr=dead,
        notification_addr=dead,
        attendance_addr=dead,
        evaluation_addr=dead,
        grpc_timeout_seconds=5,
    )
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://gateway",
            event_hooks={"request": [fresh_idempotency_key]},
        ) as client,
    ):
        yield client


def ok(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


# --- UpsertServiceItem over the wire --------------------------------------------------------------

# A new item as a manager's script writes it: the keys of the catalog file, numbers as JSON numbers.
NEW_ITEM: dict[str, Any] = {
    "code": "ZY-009",
    "name": "企业全程代理登记",
    "department": "ZY",
    "window": "ZY-01",
    "type": "public_service",
    "kind": "instant",
    "statutory_days": 0,
    "promised_days": 0,
    "effective_from": "2010-01-01",
    "needs_seal": True,
    "materials": [
        {"name": "代理委托书", "form": "original", "count": 1},
        {"name": "营业执照", "form": "copy", "count": 2},
    ],
    "fees": ["FEE-ZY-AGENCY"],
}


async def test_a_manager_upserts_an_item_with_grpcurl_as_a_department_system_would(service, http, clock):
    upsert = "servicehall.cases.v1.CatalogService/UpsertServiceItem"
    created = await grpcurl(service.port, upsert, {"item": NEW_ITEM}, MANAGER)
    assert not isinstance(created, SimpleNamespace), created
    assert (created["code"], created["version"], created["effective_from"]) == ("ZY-009", 1, "2010-01-01")
    assert created["needs_seal"] and created["fee_item_codes"] == ["FEE-ZY-AGENCY"]
    assert created["materials"] == NEW_ITEM["materials"]
    assert created["case_kind"] == "CASE_KIND_INSTANT" and created["department_name"] == "县行政服务中心"

    # The same entry again changes nothing; zeros and false may be left out (proto3 JSON leaves
    # them out), and a material's count left out is 1, as in the catalog file.
    sparse = {k: v for k, v in NEW_ITEM.items() if k not in ("statutory_days", "promised_days")}
    sparse["materials"] = [{"name": "代理委托书", "form": "original"}, NEW_ITEM["materials"][1]]
    same = await grpcurl(service.port, upsert, {"item": sparse}, MANAGER)
    assert not isinstance(same, SimpleNamespace), same
    assert same["version"] == 1

    # A change of rules is a new version, from its day on; until then the old one is in force.
    changed = dict(NEW_ITEM, fees=[], effective_from="2026-04-01")
    second = await grpcurl(service.port, upsert, {"item": changed}, MANAGER)
    assert not isinstance(second, SimpleNamespace), second
    assert (second["version"], second.get("fee_item_codes", [])) == (2, [])
    versions = await grpcurl(
        service.port, "servicehall.cases.v1.CatalogService/ListItemVersions", {"service_item_code": "ZY-009"}, MANAGER
    )
    assert [(v["version"], v.get("fee_item_codes", [])) for v in versions["items"]] == [(1, ["FEE-ZY-AGENCY"]), (2, [])]
    listed = {i["code"]: i for i in ok(await http.get("/api/v1/service-items"))["items"]}
    guide = ok(await http.get("/api/v1/service-items/ZY-009/guide"))
    assert listed["ZY-009"]["version"] == guide["item"]["version"] == 1
    assert listed["ZY-009"]["fee_item_codes"] == guide["item"]["fee_item_codes"] == ["FEE-ZY-AGENCY"]
    clock.set(datetime(2026, 4, 1, 1, 0, tzinfo=UTC))  # 09:00 in the hall on the day of version 2
    listed = {i["code"]: i for i in ok(await http.get("/api/v1/service-items"))["items"]}
    guide = ok(await http.get("/api/v1/service-items/ZY-009/guide"))
    assert listed["ZY-009"]["version"] == guide["item"]["version"] == 2
    assert listed["ZY-009"]["fee_item_codes"] == guide["item"]["fee_item_codes"] == []
    assert "收费标准：不收费" in guide["text"]


async def test_upsert_service_item_refuses_staff_and_names_every_problem_by_its_field(service):
    upsert = "servicehall.cases.v1.CatalogService/UpsertServiceItem"
    refused = await grpcurl(service.port, upsert, {"item": NEW_ITEM}, staff("ZY"))
    assert refused.code == grpc.StatusCode.PERMISSION_DENIED.value[0]
    wrong = dict(
        NEW_ITEM,
        kind="committed",
        statutory_days=5,
        promised_days=8,
        materials=[{"name": "代理委托书", "form": "scan", "count": 100}],
        fees=["not a fee"],
    )
    del wrong["window"]
    invalid = await grpcurl(service.port, upsert, {"item": wrong}, MANAGER)
    assert invalid.code == grpc.StatusCode.INVALID_ARGUMENT.value[0]
    print("DETAILS", invalid.details)
    [bad_request] = invalid.details
    assert {v["field"] for v in bad_request["field_violations"]} == {
        "item.window",
        "item.promised_days",
        "item.materials[0].form",
        "item.materials[0].count",
        "item.fees[0]",
    }
    nothing = await grpcurl(service.port, upsert, {"item": {}}, MANAGER)
    [bad_request] = nothing.details
    required = {v["field"] for v in bad_request["field_violations"] if v["description"] == "is required"}
    assert required == {
        f"item.{key}" for key in ("code", "name", "department", "window", "type", "kind", "effective_from")
    }
    # A whole number that is not one (JSON has only numbers) is refused by the wire format itself.
    fraction = await grpcurl(service.port, upsert, {"item": dict(NEW_ITEM, promised_days=1.5)}, MANAGER)
    assert fraction.code is None and "1.5" in fraction.message
    versions = await grpcurl(
        service.port, "servicehall.cases.v1.CatalogService/ListItemVersions", {"service_item_code": "ZY-009"}, MANAGER
    )
    assert isinstance(versions, SimpleNamespace) and versions.code == grpc.StatusCode.NOT_FOUND.value[0]


# --- the listing and the guide: one source ---------------------------------------------------------


def _as_listed(item: dict[str, Any]) -> dict[str, Any]:
    """What the listing and the guide must agree on: fees, seal, materials, time limits."""
    return {
        "version": item["version"],
        "fee_item_codes": item["fee_item_codes"],
        "needs_seal": item["needs_seal"],
        "materials": item["materials"],
        "statutory_days": item["statutory_days"],
        "promised_days": item["promised_days"],
        "case_kind": item["case_kind"],
        "department_code": item["department_code"],
        "window_code": item["window_code"],
    }


async def test_the_listing_and_the_guide_agree_on_every_demo_item(http):
    listed = {item["code"]: item for item in ok(await http.get("/api/v1/service-items"))["items"]}
    assert set(listed) == set(ITEMS)
    for code, entry in ITEMS.items():
        guide = ok(await http.get(f"/api/v1/service-items/{code}/guide"))
        assert _as_listed(listed[code]) == _as_listed(guide["item"]), code
        # ... and both say what the catalog file says.
        assert listed[code]["fee_item_codes"] == entry.get("fees", []), code
        assert listed[code]["needs_seal"] == entry.get("needs_seal", False), code
        assert listed[code]["materials"] == [
            {"name": m["name"], "form": m["form"], "count": m.get("count", 1)} for m in entry.get("materials", [])
        ], code
        assert (listed[code]["statutory_days"], listed[code]["promised_days"]) == (
            entry["statutory_days"],
            entry["promised_days"],
        ), code
        for material in entry.get("materials", []):
            assert material["name"] in guide["text"], code
    by_department = ok(await http.get("/api/v1/service-items", params={"department_code": "LAND"}))["items"]
    assert {i["code"] for i in by_department} == {c for c, e in ITEMS.items() if e["department"] == "LAND"}


# --- the seal of a conclusion on the spot -------------------------------------------------------------


def _seal_log(service, case_number: str) -> tuple[int, int]:
    """(rows in the seal-use log for the case, SealUsed events written for it)."""
    with service.runtime.session_factory() as session:
        uses = session.scalar(sa.select(sa.func.count()).select_from(SealUse).where(SealUse.case_number == case_number))
        events = session.scalar(
            sa.select(sa.func.count())
            .select_from(OutboxMessage)
            .where(
                OutboxMessage.event_type == "servicehall.events.v1.SealUsed", OutboxMessage.partition_key == case_number
            )
        )
    return uses, events


async def _instant_case(stubs, code: str = "AIC-001") -> str:
    materials = [m["name"] for m in ITEMS[code]["materials"]]
    submitted = await stubs.cases.SubmitApplication(
        cases_pb2.SubmitApplicationRequest(service_item_code=code, applicant=APPLICANT, materials_supplied=materials)
    )
    return submitted.case_number


async def test_a_seal_use_recorded_first_is_the_seal_of_the_conclusion_on_the_spot(service, stubs, clock):
    aic = metadata(staff("AIC"))
    number = await _instant_case(stubs)
    used = await stubs.seals.UseSeal(
        cases_pb2.UseSealRequest(seal_code="SEAL-AIC-01", case_number=number), metadata=aic
    )
    clock.advance(minutes=2)  # the result is handed over a little later
    concluded = await stubs.cases.ConcludeOnTheSpot(
        cases_pb2.CaseActionRequest(case_number=number, seal_code="SEAL-AIC-01"), metadata=aic
    )
    assert concluded.status == cases_pb2.CASE_STATUS_CONCLUDED
    assert _seal_log(service, number) == (1, 1)  # one stamping, one row, one event
    assert concluded.sealed_at == used.used_at  # the stamping recorded first is the seal on the result


async def test_a_conclusion_on_the_spot_records_the_seal_it_names_once(service, stubs):
    aic = metadata(staff("AIC"))
    number = await _instant_case(stubs)
    concluded = await stubs.cases.ConcludeOnTheSpot(
        cases_pb2.CaseActionRequest(case_number=number, seal_code="SEAL-AIC-01"), metadata=aic
    )
    assert concluded.status == cases_pb2.CASE_STATUS_CONCLUDED and concluded.HasField("sealed_at")
    assert _seal_log(service, number) == (1, 1)


# --- the reasons of the moves ---------------------------------------------------------------------------


async def test_the_reasons_of_start_review_resume_and_conclude_are_in_the_history(stubs):
    psb = metadata(staff("PSB"))
    submitted = await stubs.cases.SubmitApplication(
        cases_pb2.SubmitApplicationRequest(
            service_item_code="PSB-002",
            applicant=APPLICANT,
            materials_supplied=[m["name"] for m in ITEMS["PSB-002"]["materials"]],
        )
    )
    number = submitted.case_number

    def action(reason: str) -> cases_pb2.CaseActionRequest:
        return cases_pb2.CaseActionRequest(case_number=number, reason=reason)

    await stubs.cases.AcceptCase(action("材料齐全"), metadata=psb)
    await stubs.cases.StartReview(action("交审批股审查"), metadata=psb)
    pause = cases_pb2.PauseClockRequest(case_number=number, reason="inspection", expected_end="2026-03-20")
    await stubs.cases.PauseClock(pause, metadata=psb)
    await stubs.cases.ResumeClock(action("现场核查已完成"), metadata=psb)
    await stubs.cases.ApproveCase(action("符合条件"), metadata=psb)
    await stubs.seals.UseSeal(cases_pb2.UseSealRequest(seal_code="SEAL-PSB-01", case_number=number), metadata=psb)
    await stubs.cases.ConcludeCase(action("申请人已领取"), metadata=psb)
    history = await stubs.cases.GetCaseHistory(cases_pb2.GetCaseRequest(case_number=number), metadata=psb)
    reasons = [(t.to_status, t.reason) for t in history.transitions]
    assert ("in_review", "交审批股审查") in reasons
    assert ("concluded", "申请人已领取") in reasons
    [resumed] = [t.reason for t in history.transitions if t.reason.startswith("恢复计时")]
    assert "现场核查已完成" in resumed, resumed

    on_the_spot = await _instant_case(stubs)
    aic = metadata(staff("AIC"))
    await stubs.cases.ConcludeOnTheSpot(
        cases_pb2.CaseActionRequest(case_number=on_the_spot, seal_code="SEAL-AIC-01", reason="当场领取"), metadata=aic
    )
    history = await stubs.cases.GetCaseHistory(cases_pb2.GetCaseRequest(case_number=on_the_spot), metadata=aic)
    assert [t.reason for t in history.transitions if t.to_status == "concluded"] == ["当场领取"]


async def test_a_resumption_row_in_the_history_does_not_move_the_approval_the_seal_must_follow(stubs):
    """The resumption's row keeps the state (approved -> approved): the seal used after the
    approval still counts when the clock is resumed after the stamping."""
    psb = metadata(staff("PSB"))
    submitted = await stubs.cases.SubmitApplication(
        cases_pb2.SubmitApplicationRequest(
            service_item_code="PSB-002",
            applicant=APPLICANT,
            materials_supplied=[m["name"] for m in ITEMS["PSB-002"]["materials"]],
        )
    )
    action = cases_pb2.CaseActionRequest(case_number=submitted.case_number)
    await stubs.cases.AcceptCase(action, metadata=psb)
    await stubs.cases.StartReview(action, metadata=psb)
    pause = cases_pb2.PauseClockRequest(
        case_number=submitted.case_number, reason="expert_review", expected_end="2026-03-20"
    )
    await stubs.cases.PauseClock(pause, metadata=psb)
    await stubs.cases.ApproveCase(action, metadata=psb)
    use = cases_pb2.UseSealRequest(seal_code="SEAL-PSB-01", case_number=submitted.case_number)
    await stubs.seals.UseSeal(use, metadata=psb)
    await stubs.cases.ResumeClock(action, metadata=psb)
    concluded = await stubs.cases.ConcludeCase(action, metadata=psb)
    assert concluded.status == cases_pb2.CASE_STATUS_CONCLUDED
    history = await stubs.cases.GetCaseHistory(
        cases_pb2.GetCaseRequest(case_number=submitted.case_number), metadata=psb
    )
    assert [(t.from_status, t.to_status) for t in history.transitions][-2:] == [
        ("approved", "approved"),  # the resumption
        ("approved", "concluded"),
    ]
