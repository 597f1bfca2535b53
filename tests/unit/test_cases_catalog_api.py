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
import shutil
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import grpc
import httpx
import pytest
import yaml

from gateway.app import create_app
from gateway.settings import GatewaySettings
from servicehall.cases.v1 import cases_pb2, cases_pb2_grpc
from services.cases.server import DEFINITION as CASES
from shared.clock import ShiftedClock
from tests.support import VALID_ID_CARD, free_port

ROOT = Path(__file__).resolve().parents[2]
GRPCURL = shutil.which("grpcurl") or str(ROOT / ".cache" / "bin" / "grpcurl")
CATALOG = yaml.safe_load((ROOT / "services/cases/catalog/demo_catalog.yaml").read_text("utf-8"))
ITEMS = {item["code"]: item for item in CATALOG["items"]}
MANAGER = {"x-staff-id": "zy-mgr", "x-department": "ZY", "x-roles": "manager"}
APPLICANT = cases_pb2.Applicant(name="李四", id_card_number=VALID_ID_CARD, phone="13912345678")


def staff(department: str) -> dict[str, str]:
    return {"x-staff-id": f"{department.lower()}-01", "x-department": department, "x-roles": "window_staff"}


def metadata(headers: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(headers.items())


async def grpcurl(port: int, method: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    """grpcurl -plaintext -H ... -d BODY 127.0.0.1:PORT METHOD: the answer as JSON, or the
    SimpleNamespace(code=..., message=...) of the error grpcurl printed."""
    assert os.access(GRPCURL, os.X_OK), "grpcurl is missing: run `make tools`"
    argv = [GRPCURL, "-plaintext", "-format-error"]
    for key, value in (headers or {}).items():
        argv += ["-H", f"{key}: {value}"]
    argv += ["-d", json.dumps(body, ensure_ascii=False), f"127.0.0.1:{port}", method]
    process = await asyncio.create_subprocess_exec(
        *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await process.communicate()
    if process.returncode == 0:
        return json.loads(out)
    try:
        error = json.loads(out or err)  # -format-error: the status as JSON
    except json.JSONDecodeError:  # grpcurl refused the request before sending it
        return SimpleNamespace(code=None, message=err.decode(), details=[])
    return SimpleNamespace(code=error.get("code"), message=error.get("message", ""), details=error.get("details", []))


@pytest.fixture
def clock() -> ShiftedClock:
    moment = ShiftedClock()
    moment.set(datetime(2026, 3, 10, 2, 0, tzinfo=UTC))  # a Tuesday, 10:00 in the hall
    return moment


@pytest.fixture
async def service(start_service, clock):
    return await start_service(CASES, clock=clock)


@pytest.fixture
async def stubs(service):
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{service.port}")
    yield SimpleNamespace(
        cases=cases_pb2_grpc.CasesServiceStub(channel),
        catalog=cases_pb2_grpc.CatalogServiceStub(channel),
        seals=cases_pb2_grpc.SealServiceStub(channel),
    )
    await channel.close()


@pytest.fixture
async def http(service):
    dead = f"127.0.0.1:{free_port()}"
    settings = GatewaySettings(
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
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as client,
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
        service.port, "servicehall.cases.v1.CatalogService/ListItemVersions", {"service_item_code": "ZY-009"}
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
        service.port, "servicehall.cases.v1.CatalogService/ListItemVersions", {"service_item_code": "ZY-009"}
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
