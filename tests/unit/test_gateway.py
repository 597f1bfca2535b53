"""The HTTP gateway in front of real gRPC servers (cases, notification) on port 0.

Checks the error contract: every failure is a problem body with a 4xx/5xx status and, for
invalid input, the fields at fault; never a 500 for bad input."""

from __future__ import annotations

import httpx
import pytest
import sqlalchemy as sa

from gateway.app import create_app
from gateway.settings import GatewaySettings
from services.cases.models import Case
from services.cases.server import DEFINITION as CASES
from services.notification.server import DEFINITION as NOTIFICATION
from tests.identity import staff_headers
from tests.support import VALID_ID_CARD, free_port, fresh_idempotency_key

VALID = {
    "service_item_code": "AIC-002",
    "applicant": {"name": "张三", "id_card_number": VALID_ID_CARD, "phone": "13812345678"},
}


@pytest.fixture
async def services(start_service):
    return await start_service(CASES), await start_service(NOTIFICATION)


@pytest.fixture
async def client(services, gateway_database_url):
    cases, notification = services
    dead = f"127.0.0.1:{free_port()}"  # nothing listens: fees & co. are not needed here
    settings = GatewaySettings(
        gateway_database_url=gateway_database_url,
        cases_addr=f"127.0.0.1:{cases.port}",
        notification_addr=f"127.0.0.1:{notification.port}",
        fees_addr=dead,
        attendance_addr=dead,
        evaluation_addr=dead,
        max_body_bytes=4096,
        grpc_timeout_seconds=2,
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
        yield http


def case_count(services) -> int:
    with services[0].runtime.session_factory() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(Case))


def assert_problem(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


async def test_submit_returns_201_with_case_number_and_location(client):
    response = await client.post("/api/v1/cases", json=VALID)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["case_number"].startswith("AIC-")
    assert response.headers["location"] == f"/api/v1/cases/{body['case_number']}"
    assert body["applicant"]["id_card_number"] == "340723********0019"
    assert body["submitted_at"].endswith("+08:00")  # shown in Asia/Shanghai
    as_applicant = {"X-Query-Code": body["query_code"]}
    read = await client.get(f"/api/v1/cases/{body['case_number']}", headers=as_applicant)
    assert read.status_code == 200 and read.json()["query_code"] is None
    assert_problem(await client.get(f"/api/v1/cases/{body['case_number']}"), 404)  # no code, no case
    notices = await client.get(f"/api/v1/cases/{body['case_number']}/notices", headers=as_applicant)
    assert notices.status_code == 200 and notices.json() == {"notices": []}  # no Kafka here


async def test_unknown_item_is_422_with_the_field(client, services):
    body = assert_problem(await client.post("/api/v1/cases", json={**VALID, "service_item_code": "NOPE"}), 422)
    assert body["errors"] == [
        {"field": "service_item_code", "message": "no service item with code 'NOPE' in the catalog"}
    ]
    assert case_count(services) == 0


async def test_invalid_fields_are_422_and_never_echo_the_id_card(client, services):
    bad = {"service_item_code": "AIC-002", "applicant": {"name": "李四", "id_card_number": "110105194912310021"}}
    response = await client.post("/api/v1/cases", json=bad)
    body = assert_problem(response, 422)
    assert {e["field"] for e in body["errors"]} == {"applicant.id_card_number", "applicant.phone"}
    assert "110105194912310021" not in response.text
    assert case_count(services) == 0


async def test_missing_and_unknown_fields_are_422(client, services):
    body = assert_problem(await client.post("/api/v1/cases", json={"applicant": {"name": "x"}, "colour": "red"}), 422)
    fields = {e["field"] for e in body["errors"]}
    assert {"service_item_code", "applicant.id_card_number", "colour"} <= fields
    assert case_count(services) == 0


async def test_malformed_json_is_400(client, services):
    response = await client.post(
        "/api/v1/cases", content=b'{"service_item_code": ', headers={"content-type": "application/json"}
    )
    assert_problem(response, 400)
    assert case_count(services) == 0


async def test_oversized_body_is_413(client, services):
    response = await client.post("/api/v1/cases", json={**VALID, "remarks": "很" * 5000})
    assert_problem(response, 413)
    assert case_count(services) == 0


async def test_unknown_case_is_404(client):
    assert_problem(await client.get("/api/v1/cases/AIC-20200101-99999"), 404)


async def test_bad_case_number_in_path_is_422(client):
    assert_problem(await client.get("/api/v1/cases/not%20a%20number"), 422)


async def test_readiness_reports_unreachable_services_as_503(client):
    response = await client.get("/readyz")
    assert response.status_code == 503
    services = response.json()["services"]
    assert services["cases"] == "SERVING" and services["fees"] == "UNREACHABLE"
    assert (await client.get("/healthz")).status_code == 200


async def test_a_service_that_is_down_is_503(client, services):
    await services[0].stop()
    response = await client.get("/api/v1/service-items")
    body = assert_problem(response, 503)
    assert "unavailable" in body["detail"]


async def test_metrics_use_route_templates_not_case_numbers(client):
    await client.get("/api/v1/cases/AIC-20200101-99999")
    text = (await client.get("/metrics/")).text
    assert 'route="/api/v1/cases/{case_number}"' in text
    assert "AIC-20200101-99999" not in text


async def test_the_chief_representative_waives_a_material_through_the_gateway(client):
    chief = staff_headers("AIC", "chief_representative", staff_id="aic-09")
    window = staff_headers("AIC", "window_staff", staff_id="aic-01")
    submitted = await client.post(
        "/api/v1/cases",
        json={
            "service_item_code": "AIC-002",
            "applicant": {"name": "张三", "id_card_number": VALID_ID_CARD, "phone": "13812345678"},
        },
        headers=window,
    )
    assert submitted.status_code == 201, submitted.text
    case = submitted.json()
    missing = case["materials_missing"]
    assert missing, "the test needs an item with required materials"
    waiver = {"material": missing[0], "reason": "原件已在部门存档"}
    refused = await client.post(f"/api/v1/cases/{case['case_number']}/materials/waivers", json=waiver, headers=window)
    assert refused.status_code == 403  # window staff may not waive
    waived = await client.post(f"/api/v1/cases/{case['case_number']}/materials/waivers", json=waiver, headers=chief)
    assert waived.status_code == 200, waived.text
    body = waived.json()
    assert missing[0] not in body["materials_missing"]
    assert [(w["material"], w["waived_by"], w["reason"]) for w in body["material_waivers"]] == [
        (missing[0], "aic-09", "原件已在部门存档")
    ]
