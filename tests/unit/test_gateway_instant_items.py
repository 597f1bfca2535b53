"""Every instant item (即办件) of the demo catalog, walked through the HTTP gateway against real
cases and fees servers on port 0: submitted with all its materials, its fees paid at the
cashier when it has any, its window seal used when it needs one, concluded on the spot.

Issue 8, defect 12: over gRPC ConcludeOnTheSpot names the seal used (`seal_code`); over HTTP
the route took only a reason, so every instant item that needs a seal answered 422 "name the
seal used on the result", even after the seal use was recorded.

There is no Kafka here: `relay` (tests/support.py) hands the outbox rows of one service to the other's consumer
(EventConsumer.handle_record, the code a Kafka record goes through), which is what the broker
and the two consumers do with CaseAccepted and FeesSettled in the running platform."""

from __future__ import annotations

import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
import yaml

from gateway.app import create_app
from gateway.settings import GatewaySettings
from services.cases.server import DEFINITION as CASES
from services.fees.server import DEFINITION as FEES
from tests.identity import staff_headers
from tests.support import VALID_ID_CARD, free_port, fresh_idempotency_key, relay

CATALOG = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "services/cases/catalog/demo_catalog.yaml").read_text("utf-8")
)
INSTANT_ITEMS = [item for item in CATALOG["items"] if item["kind"] == "instant"]
SEAL_OF_WINDOW = {seal["window"]: seal["code"] for seal in CATALOG["seals"]}
# What the fee rules of the demo standards read (services/fees/standards/demo_fee_standards.yaml).
DECLARED_FOR_FEE = {
    "FEE-TRANS-PERMIT": {"quantity": 2},
    # Not a home (first_home and second_home 0): the general 3%; the rate needs both named.
    "TAX-DEED": {"declared_price_fen": 60_000_000, "first_home": 0, "second_home": 0},
}
CASHIER = staff_headers("FIN", "cashier", staff_id="S-CASH-1")


def window_staff(department: str) -> dict[str, str]:
    return staff_headers(department, "window_staff", staff_id=f"{department.lower()}-01")


@pytest.fixture
async def stack(start_service, gateway_database_url):
    """The gateway in front of real cases and fees servers."""
    cases = await start_service(CASES)
    fees = await start_service(FEES)
    dead = f"127.0.0.1:{free_port()}"  # notification, attendance, evaluation: not needed here
    settings = GatewaySettings(
        gateway_database_url=gateway_database_url,
        cases_addr=f"127.0.0.1:{cases.port}",
        fees_addr=f"127.0.0.1:{fees.port}",
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
        ) as http,
    ):
        yield SimpleNamespace(http=http, cases=cases, fees=fees)


def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    return response.json()


async def test_the_walk_covers_every_instant_item_the_gateway_lists(stack):
    listed = ok(await stack.http.get("/api/v1/service-items"))["items"]
    assert {i["code"] for i in listed if i["case_kind"] == "instant"} == {i["code"] for i in INSTANT_ITEMS}
    assert any(i["needs_seal"] for i in INSTANT_ITEMS) and any(i["fees"] for i in INSTANT_ITEMS)
    # Anyone may read which version of an item is which (a case keeps the one it was received under).
    [version] = ok(await stack.http.get("/api/v1/service-items/AIC-001/versions"))["items"]
    assert version["version"] == 1 and version["needs_seal"]
    assert (await stack.http.get("/api/v1/service-items/NOPE-001/versions")).status_code == 404


@pytest.mark.parametrize("item", INSTANT_ITEMS, ids=[i["code"] for i in INSTANT_ITEMS])
async def test_an_instant_item_is_concluded_on_the_spot_through_the_gateway(stack, item):
    http, staff = stack.http, window_staff(item["department"])
    declared = {k: v for fee in item["fees"] for k, v in DECLARED_FOR_FEE.get(fee, {}).items()}
    submitted = ok(
        await http.post(
            "/api/v1/cases",
            json={
                "service_item_code": item["code"],
                "applicant": {"name": "张三", "id_card_number": VALID_ID_CARD, "phone": "13812345678"},
                "materials_supplied": [m["name"] for m in item["materials"]],
                "declared_values": declared,
            },
        ),
        201,
    )
    number = submitted["case_number"]
    assert submitted["service_item"]["case_kind"] == "instant"
    assert submitted["service_item"]["needs_seal"] == item["needs_seal"]

    if item["fees"]:
        # Fees are assessed on acceptance and paid at the one cashier before the result is handed over.
        ok(await http.post(f"/api/v1/cases/{number}/actions/accept", headers=staff))
        assert await relay(stack.cases, stack.fees)  # CaseAccepted -> the payment notices
        notices = ok(await http.get(f"/api/v1/cases/{number}/payment-notices", headers=staff))["notices"]
        assert {line["fee_item_code"] for n in notices for line in n["lines"]} == set(item["fees"])
        for notice in notices:
            paid = await http.post(
                f"/api/v1/fees/notices/{notice['notice_number']}/payments",
                json={"method": "cash", "expected_amount_fen": notice["total_due_fen"]},
                headers={**CASHIER, "Idempotency-Key": str(uuid.uuid4())},
            )
            ok(paid, 201)
        assert "applied" in await relay(stack.fees, stack.cases)  # FeesSettled -> the case may conclude

    body: dict[str, str] = {}
    if item["needs_seal"]:
        seal = SEAL_OF_WINDOW[item["window"]]
        window_seals = ok(await http.get(f"/api/v1/windows/{item['window']}/seals", headers=staff))
        assert seal in {s["code"] for s in window_seals}
        ok(await http.post(f"/api/v1/seals/{seal}/uses", json={"case_number": number}, headers=staff), 201)
        body = {"seal_code": seal}

    concluded = ok(await http.post(f"/api/v1/cases/{number}/actions/conclude-on-the-spot", json=body, headers=staff))
    assert concluded["status"] == "concluded" and concluded["concluded_at"]
    assert (concluded["sealed_at"] is not None) == item["needs_seal"]
    if item["fees"]:
        assert concluded["fees_settled"]
    as_applicant = {"X-Query-Code": submitted["query_code"]}
    assert ok(await http.get(f"/api/v1/cases/{number}", headers=as_applicant))["status"] == "concluded"
    history = ok(await http.get(f"/api/v1/cases/{number}/history", headers=as_applicant))["transitions"]
    assert [t["to_status"] for t in history] == ["accepted", "in_review", "approved", "concluded"]


async def test_conclude_on_the_spot_without_the_seal_its_item_needs_is_422_naming_seal_code(stack):
    item = next(i for i in INSTANT_ITEMS if i["needs_seal"] and not i["fees"])
    staff = window_staff(item["department"])
    submitted = ok(
        await stack.http.post(
            "/api/v1/cases",
            json={
                "service_item_code": item["code"],
                "applicant": {"name": "张三", "id_card_number": VALID_ID_CARD, "phone": "13812345678"},
                "materials_supplied": [m["name"] for m in item["materials"]],
            },
        ),
        201,
    )
    url = f"/api/v1/cases/{submitted['case_number']}/actions/conclude-on-the-spot"
    refused = await stack.http.post(url, headers=staff)
    assert refused.status_code == 422 and [e["field"] for e in refused.json()["errors"]] == ["seal_code"]
    another_window = await stack.http.post(url, json={"seal_code": "SEAL-LAND-01"}, headers=staff)
    assert another_window.status_code == 403  # staff use only their own department's seals
    still = ok(await stack.http.get(f"/api/v1/cases/{submitted['case_number']}", headers=staff))
    assert still["status"] == "received"  # a refusal writes nothing
