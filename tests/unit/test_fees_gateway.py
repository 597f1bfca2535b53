"""The fees routes of the gateway in front of a real fees server on port 0: identity headers
forwarded as metadata, Idempotency-Key, problem bodies, CSV."""

from __future__ import annotations

import httpx
import pytest

from gateway.app import create_app
from gateway.settings import GatewaySettings
from services.fees.server import DEFINITION as FEES
from tests.fees_support import QUERY_CODE, accept, new_case_number
from tests.identity import staff_headers
from tests.support import free_port

CASHIER = staff_headers("FIN", "cashier", staff_id="S-CASH-1")
APPROVER = staff_headers("FIN", "approver", staff_id="S-APPR-1")
MANAGER = staff_headers("CENTER", "manager", staff_id="S-MGR-1")


@pytest.fixture
async def fees(start_service):
    return await start_service(FEES)


@pytest.fixture
async def client(fees, gateway_database_url):
    dead = f"127.0.0.1:{free_port()}"
    settings = GatewaySettings(
        gateway_database_url=gateway_database_url,
        fees_addr=f"127.0.0.1:{fees.port}",
        cases_addr=dead,
        notification_addr=dead,
        attendance_addr=dead,
        evaluation_addr=dead,
        grpc_timeout_seconds=5,
    )
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as http,
    ):
        yield http


def problem(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return response.json()


async def test_standards_are_public_and_created_by_a_manager(client):
    listed = await client.get("/api/v1/fees/standards", params={"department_code": "FIN"})
    assert listed.status_code == 200
    [deed] = listed.json()["standards"]
    assert (
        deed["rule"] == "rate"
        and deed["fee_type"] == "deed_tax"
        and deed["reduced_rates"][0]["conditions"][0] == {"value": "first_home", "min": 1, "max": 1}
        and {"value": "floor_area_cm2", "min": 1, "max": None} in deed["value_ranges"]
    )
    body = {
        "code": "FEE-AIC-COPY",
        "name": "档案查询费",
        "department_code": "AIC",
        "fee_type": "administrative",
        "legal_basis": "某文件",
        "effective_from": "2027-01-01",
        "rule": "per_unit",
        "unit_price_fen": 100,
        "quantity_value": "pages",
        "value_ranges": [{"value": "pages", "max": 500}],
    }
    problem(
        await client.post(
            "/api/v1/fees/standards",
            json=body,
            headers={**CASHIER, "Idempotency-Key": "6912faa6-a663-55f8-a447-a411709a9700"},
        ),
        403,
    )
    created = await client.post(
        "/api/v1/fees/standards",
        json=body,
        headers={**MANAGER, "Idempotency-Key": "e30c6c95-5329-5ba8-b81d-0b1a0c8ede38"},
    )
    assert created.status_code == 201 and created.json()["unit_price_fen"] == 100
    assert created.json()["value_ranges"] == [{"value": "pages", "min": None, "max": 500}]
    rate = await client.post(
        "/api/v1/fees/standards",
        json={**body, "rule": "rate"},
        headers={**MANAGER, "Idempotency-Key": "6697440d-b62a-52ee-b71f-1993e8a7685b"},
    )
    errors = problem(rate, 422)["errors"]
    assert {"standard.unit_price_fen", "standard.rate_basis_points"} <= {e["field"] for e in errors}


async def test_the_applicant_reads_and_the_cashier_pays_once(client, fees):
    case = new_case_number()
    accept(fees.runtime.session_factory, case)
    mine = await client.get(f"/api/v1/cases/{case}/payment-notices", headers={"X-Query-Code": QUERY_CODE})
    [notice] = mine.json()["notices"]
    assert notice["total_due_fen"] == 10000 and notice["status"] == "unpaid" and notice["issued_at"].endswith("+08:00")
    # A wrong code is told what a case without notices is told: nothing says the case exists.
    problem(await client.get(f"/api/v1/cases/{case}/payment-notices", headers={"X-Query-Code": "999999"}), 404)
    # A header gRPC cannot carry is dropped, not forwarded: the call is simply anonymous.
    problem(
        await client.get(f"/api/v1/cases/{case}/payment-notices", headers={"X-Query-Code": "２４６８１０".encode()}),
        404,
    )

    url = f"/api/v1/fees/notices/{notice['notice_number']}/payments"
    payment = {"method": "cash", "expected_amount_fen": 10000}
    assert "Idempotency-Key" in problem(await client.post(url, json=payment, headers=CASHIER), 400)["detail"]
    problem(
        await client.post(
            url, json=payment, headers={**APPROVER, "Idempotency-Key": "1bdd323c-938f-5d7b-8dfa-7f6d666522ac"}
        ),
        403,
    )
    first = await client.post(
        url, json=payment, headers={**CASHIER, "Idempotency-Key": "1bdd323c-938f-5d7b-8dfa-7f6d666522ac"}
    )
    assert first.status_code == 201, first.text
    receipt = first.json()["receipt"]
    assert first.headers["location"] == f"/api/v1/fees/receipts/{receipt['receipt_number']}"
    assert first.json()["case_settled"] and receipt["kind"] == "payment" and receipt["total_fen"] == 10000
    assert receipt["receipt_type"] == "non_tax_receipt" and receipt["receipt_number"].startswith("NTR-")
    # The gateway answers a retry with its stored answer; another request with the key is 422.
    again = await client.post(
        url, json=payment, headers={**CASHIER, "Idempotency-Key": "1bdd323c-938f-5d7b-8dfa-7f6d666522ac"}
    )
    assert again.status_code == 201 and again.content == first.content
    assert again.headers["idempotent-replayed"] == "true"
    problem(
        await client.post(
            url,
            json={**payment, "method": "qr"},
            headers={**CASHIER, "Idempotency-Key": "1bdd323c-938f-5d7b-8dfa-7f6d666522ac"},
        ),
        422,
    )
    problem(
        await client.post(
            url, json=payment, headers={**CASHIER, "Idempotency-Key": "ac6b48cb-49bf-522d-a39b-1212de06e9c5"}
        ),
        409,
    )

    refund = await client.post(
        f"/api/v1/fees/receipts/{receipt['receipt_number']}/refunds",
        json={"amount_fen": 2500, "reason": "多收"},
        headers={**APPROVER, "Idempotency-Key": "b3003da5-f84f-5fc6-bdba-dbf1ccf7b3c5"},
    )
    assert refund.status_code == 201 and refund.json()["red_letter_receipt"]["total_fen"] == -2500
    too_much = await client.post(
        f"/api/v1/fees/receipts/{receipt['receipt_number']}/refunds",
        json={"amount_fen": 7501, "reason": "再退"},
        headers={**APPROVER, "Idempotency-Key": "c4312d8c-4f19-5712-b619-f0d40e80dfa9"},
    )
    assert problem(too_much, 422)["errors"][0]["field"] == "amount_fen"


async def test_day_close_reports_and_csv(client, fees):
    case = new_case_number()
    accept(fees.runtime.session_factory, case)
    [notice] = (await client.get(f"/api/v1/cases/{case}/payment-notices", headers=CASHIER)).json()["notices"]
    paid = await client.post(
        f"/api/v1/fees/notices/{notice['notice_number']}/payments",
        json={"method": "card", "expected_amount_fen": 10000, "reference": "POS-1"},
        headers={**CASHIER, "Idempotency-Key": "ceb6d6d9-94b8-5c93-99b9-accd63035625"},
    )
    day = paid.json()["receipt"]["day"]
    closed = await client.post("/api/v1/fees/day-closes", json={}, headers=CASHIER)
    assert closed.status_code == 200 and closed.json()["net_by_method_fen"] == {"card": 10000}
    [by_type] = closed.json()["receipts"]
    assert (by_type["receipt_type"], by_type["receipts_issued"], by_type["net_by_method_fen"]) == (
        "non_tax_receipt",
        1,
        {"card": 10000},
    )
    reconciled = await client.get("/api/v1/fees/reconciliation", params={"period": day}, headers=MANAGER)
    assert reconciled.json()["balanced"] is True
    assert [(t["receipt_type"], t["receipts_fen"]) for t in reconciled.json()["receipt_types"]] == [
        ("non_tax_receipt", 10000),
        ("tax_certificate", 0),
    ]
    problem(await client.get("/api/v1/fees/reconciliation", params={"period": "yesterday"}, headers=MANAGER), 422)
    exported = await client.get("/api/v1/fees/ledger.csv", params={"period": day[:7]}, headers=MANAGER)
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    assert exported.headers["content-disposition"] == f'attachment; filename="fees-{day[:7]}.csv"'
    assert exported.text.splitlines()[0].startswith("receipt_number,kind,status,day")
    revenue = await client.get("/api/v1/fees/revenue", params={"month": day[:7]}, headers=MANAGER)
    assert revenue.json()["non_tax_revenue_fen"] == 10000 and revenue.json()["deed_tax_fen"] == 0
    problem(await client.get("/api/v1/fees/revenue", params={"month": day[:7]}), 401)  # not signed in
