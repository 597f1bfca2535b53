"""A hostile client at the HTTP gateway (issue 9), in front of real cases, fees and
notification servers on port 0: what it sends that the gateway must refuse, and how.

Strings: control and bidi characters are refused everywhere (body, keys, query, path) with
422 naming the field; a newline only in multi-line free text. Bodies: UTF-8 JSON only (415
for another media type or charset, 400 for a BOM, bytes that are not UTF-8, duplicate keys,
nesting too deep), strict types and bounded sizes (422), over the limit 413 even when
chunked. Integers beyond what the proto field holds: 422, never 500. The OpenAPI document
says all of it, with problem bodies."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from gateway.app import create_app
from gateway.settings import GatewaySettings
from services.cases.models import Case
from services.cases.server import DEFINITION as CASES
from services.fees.server import DEFINITION as FEES
from services.notification.server import DEFINITION as NOTIFICATION
from tests.identity import staff_headers
from tests.support import VALID_ID_CARD, free_port, fresh_idempotency_key

APPLICANT = {"name": "张三", "id_card_number": VALID_ID_CARD, "phone": "13812345678"}
VALID = {"service_item_code": "AIC-002", "applicant": APPLICANT}
WINDOW = staff_headers("AIC", "window_staff", staff_id="aic-01")
CHIEF = staff_headers("AIC", "chief_representative", staff_id="aic-09")
MANAGER = staff_headers("CENTER", "manager", staff_id="S-MGR-1")
APPROVER = staff_headers("FIN", "approver", staff_id="S-APPR-1")
CASHIER = staff_headers("FIN", "cashier", staff_id="S-CASH-1")
BIG = 2**63  # one past int64
LIMIT = 8192


@pytest.fixture
async def services(start_service):
    return await start_service(CASES), await start_service(FEES), await start_service(NOTIFICATION)


@pytest.fixture
async def client(services, gateway_database_url) -> AsyncIterator[httpx.AsyncClient]:
    cases, fees, notification = services
    dead = f"127.0.0.1:{free_port()}"
    settings = GatewaySettings(
        gateway_database_url=gateway_database_url,
        cases_addr=f"127.0.0.1:{cases.port}",
        fees_addr=f"127.0.0.1:{fees.port}",
        notification_addr=f"127.0.0.1:{notification.port}",
        attendance_addr=dead,
        evaluation_addr=dead,
        max_body_bytes=LIMIT,
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
        yield http


def case_count(services) -> int:
    with services[0].runtime.session_factory() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(Case))


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def fields(body: dict[str, Any]) -> set[str]:
    return {e["field"] for e in body.get("errors", [])}


def raw(content: bytes, content_type: str | None = "application/json") -> dict[str, Any]:
    return {"content": content, "headers": {"content-type": content_type} if content_type else {}}


# --- strings ------------------------------------------------------------------------------------

HOSTILE = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u202e", "\u202a", "\u2066", "\u2069", "\u200f", "\u2028", "\ufeff"]


@pytest.mark.parametrize("char", HOSTILE, ids=lambda c: f"U+{ord(c):04X}")
async def test_control_and_bidi_characters_are_refused_in_the_body(client, services, char):
    submission = {**VALID, "applicant": {**APPLICANT, "name": f"张{char}三"}, "remarks": f"说明{char}"}
    body = problem(await client.post("/api/v1/cases", json=submission), 422)
    assert {"applicant.name", "remarks"} <= fields(body)
    assert case_count(services) == 0


async def test_a_newline_only_in_multi_line_free_text(client, services):
    body = problem(
        await client.post("/api/v1/cases", json={**VALID, "applicant": {**APPLICANT, "name": "张\n三"}}), 422
    )
    assert fields(body) == {"applicant.name"}
    assert case_count(services) == 0
    taken = await client.post("/api/v1/cases", json={**VALID, "remarks": "第一行\n第二行\t附件"})
    assert taken.status_code == 201, taken.text
    assert taken.json()["remarks"] == "第一行\n第二行\t附件"


async def test_control_characters_are_refused_in_keys_and_list_items(client, services):
    keyed = problem(await client.post("/api/v1/cases", json={**VALID, "declared_values": {"price\u202e": 1}}), 422)
    assert any(f.startswith("declared_values") for f in fields(keyed))
    listed = problem(await client.post("/api/v1/cases", json={**VALID, "materials_supplied": ["身份证\x00"]}), 422)
    assert any(f.startswith("materials_supplied") for f in fields(listed))
    assert case_count(services) == 0


async def test_a_lone_surrogate_is_refused_not_a_500(client, services):
    content = b'{"service_item_code": "AIC-002", "applicant": {"name": "\\ud800", "id_card_number": "x"}}'
    body = problem(await client.post("/api/v1/cases", **raw(content)), 422)
    assert "applicant.name" in fields(body)


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/cases?department_code=AIC%00", "query.department_code"),
        ("/api/v1/cases?window_code=%E2%80%AEAIC", "query.window_code"),
        ("/api/v1/fees/standards?department_code=FIN%1B", "query.department_code"),
        ("/api/v1/fees/notices?department_code=%E2%81%A6FIN", "query.department_code"),
        ("/api/v1/fees/reconciliation?period=2026-11&department_code=%0AFIN", "query.department_code"),
        ("/api/v1/service-items?department_code=AIC%E2%80%AE", "query.department_code"),
    ],
)
async def test_control_and_bidi_characters_are_refused_in_query_parameters(client, path, field):
    body = problem(await client.get(path, headers=MANAGER), 422)
    assert field in fields(body)


async def test_control_characters_are_refused_in_path_parameters(client):
    body = problem(await client.get("/api/v1/cases/AIC%E2%80%AE-1", headers=MANAGER), 422)
    assert "path.case_number" in fields(body)


async def test_a_download_named_after_a_non_latin_department_is_not_a_500(client):
    response = await client.get("/api/v1/fees/ledger.csv?period=2026-11&department_code=财政", headers=MANAGER)
    assert response.status_code == 200, response.text
    assert "filename*=UTF-8''" in response.headers["content-disposition"]


# --- bodies -------------------------------------------------------------------------------------


async def test_a_body_that_is_not_utf8_is_400(client, services):
    utf16 = json.dumps(VALID).encode("utf-16-le")
    problem(await client.post("/api/v1/cases", **raw(utf16)), 400)
    problem(await client.post("/api/v1/cases", **raw(json.dumps(VALID).encode("utf-16"))), 400)  # with its BOM
    problem(await client.post("/api/v1/cases", **raw(b'{"remarks": "\xff"}')), 400)
    assert case_count(services) == 0


async def test_a_utf8_bom_is_400(client, services):
    body = problem(await client.post("/api/v1/cases", **raw(b"\xef\xbb\xbf" + json.dumps(VALID).encode())), 400)
    assert "BOM" in body["detail"]
    assert case_count(services) == 0


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "application/json; charset=utf-16", "application/xml"],
)
async def test_a_json_route_takes_only_application_json(client, services, content_type):
    problem(await client.post("/api/v1/cases", **raw(json.dumps(VALID).encode(), content_type)), 415)
    assert case_count(services) == 0


async def test_application_json_with_utf8_charset_is_taken(client):
    request = raw(json.dumps(VALID).encode(), "application/json; charset=UTF-8")
    taken = await client.post("/api/v1/cases", content=request["content"], headers={**request["headers"], **WINDOW})
    assert taken.status_code == 201, taken.text


async def test_duplicate_keys_are_400(client, services):
    content = b'{"service_item_code": "AIC-002", "service_item_code": "AIC-001", "applicant": {}}'
    body = problem(await client.post("/api/v1/cases", **raw(content)), 400)
    assert "service_item_code" in body["detail"] or "service_item_code" in fields(body)
    nested = b'{"service_item_code": "AIC-002", "applicant": {"name": "a", "name": "b", "id_card_number": "x"}}'
    problem(await client.post("/api/v1/cases", **raw(nested)), 400)
    assert case_count(services) == 0


async def test_nesting_deeper_than_the_limit_is_400(client, services):
    deep = "[" * 40 + "]" * 40
    content = f'{{"service_item_code": "AIC-002", "applicant": {deep}}}'.encode()
    problem(await client.post("/api/v1/cases", **raw(content)), 400)
    very_deep = ("[" * 4000 + "]" * 4000).encode()  # past the JSON parser's own recursion
    problem(await client.post("/api/v1/cases", **raw(very_deep)), 400)


@pytest.mark.parametrize("content", [b'{"remarks": NaN}', b'{"remarks": Infinity}', b"1" * 5000])
async def test_what_is_not_json_is_400(client, content):
    problem(await client.post("/api/v1/cases", **raw(content)), 400)


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/cases", {**VALID, "declared_values": {"declared_price_fen": False}}, "declared_values"),
        ("/api/v1/cases", {**VALID, "declared_values": {"declared_price_fen": "100"}}, "declared_values"),
        ("/api/v1/cases", {**VALID, "remarks": 12}, "remarks"),
        ("/api/v1/cases/AIC-20260101-00001/extensions", {"extra_days": True, "reason": "x"}, "extra_days"),
        ("/api/v1/cases/AIC-20260101-00001/extensions", {"extra_days": "3", "reason": "x"}, "extra_days"),
        ("/api/v1/cases/AIC-20260101-00001/joint-tasks/AIC/decision", {"approve": 1}, "approve"),
        ("/api/v1/fees/notices/N-1/reductions", {"amount_fen": 1.5, "reason": "x"}, "amount_fen"),
    ],
)
async def test_types_are_strict(client, path, body, field):
    found = fields(problem(await client.post(path, json=body, headers=MANAGER), 422))
    assert any(f == field or f.startswith(field + ".") for f in found), found


async def test_unknown_fields_are_refused_in_every_body(client):
    # A state, a number or an amount: nothing a client may set by adding a field.
    attempts = [
        ("/api/v1/cases", {**VALID, "status": "concluded"}, "status"),
        ("/api/v1/cases", {**VALID, "applicant": {**APPLICANT, "query_code": "1"}}, "applicant.query_code"),
        ("/api/v1/cases/AIC-20260101-00001/actions/accept", {"reason": "", "status": "approved"}, "status"),
        ("/api/v1/fees/notices/N-1/payments", {"method": "cash", "expected_amount_fen": 1, "paid_fen": 0}, "paid_fen"),
        ("/api/v1/consultations", {"window_code": "AIC-01", "asker": "a", "topic": "t", "id": 7}, "id"),
    ]
    for path, body, field in attempts:
        headers = CASHIER  # a fresh Idempotency-Key each (the hook): a reused one is its own 422
        assert field in fields(problem(await client.post(path, json=body, headers=headers), 422)), path


async def test_a_blank_required_string_is_422_and_a_number_with_a_zero_fraction_is_an_integer(client):
    blank = {"window_code": "  ", "asker": "王五", "topic": "咨询"}
    assert "window_code" in fields(problem(await client.post("/api/v1/consultations", json=blank, headers=WINDOW), 422))
    # 3.0 is the integer 3 in JSON (and to JSON Schema); 3.5 is not an integer.
    body = {"extra_days": 3.0, "reason": "专家评审"}
    answer = await client.post("/api/v1/cases/AIC-20260101-00001/extensions", json=body, headers=CHIEF)
    assert answer.status_code == 404, answer.text  # read, then not found: no such case
    body = {"extra_days": 3.5, "reason": "专家评审"}
    assert "extra_days" in fields(
        problem(await client.post("/api/v1/cases/AIC-20260101-00001/extensions", json=body, headers=CHIEF), 422)
    )


async def test_mappings_and_lists_are_bounded(client, services):
    many = {f"k{i}": 1 for i in range(500)}
    problem(await client.post("/api/v1/cases", json={**VALID, "declared_values": many}), 422)
    form = {"applicant": APPLICANT, "form_data": {f"f{i}": "" for i in range(500)}}
    problem(await client.post("/api/v1/forms/business_registration/applications", json=form), 422)
    assert case_count(services) == 0


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/cases", {**VALID, "materials_supplied": ["证" * 201]}, "materials_supplied.0"),
        ("/api/v1/cases", {**VALID, "declared_values": {"k" * 61: 1}}, "declared_values"),
        (
            "/api/v1/forms/business_registration/applications",
            {"applicant": APPLICANT, "form_data": {"name": "名" * 501}},
            "form_data",
        ),
        ("/api/v1/cases/AIC-20260101-00001/pauses", {"reason": "r" * 31, "expected_end": "2026-12-01"}, "reason"),
        ("/api/v1/cases/AIC-20260101-00001/correction", {"materials": ["证" * 201]}, "materials.0"),
        ("/api/v1/cases/AIC-20260101-00001/assessment", {"fee_item_codes": ["F" * 41]}, "fee_item_codes.0"),
    ],
)
async def test_every_string_has_a_max_length(client, path, body, field):
    found = fields(problem(await client.post(path, json=body, headers=MANAGER), 422))
    assert any(f == field or f.startswith(field + ".") for f in found), found


async def test_a_chunked_body_over_the_limit_is_413(client, services):
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"service_item_code": "AIC-002", "remarks": "'
        for _ in range(LIMIT // 1000 + 1):
            yield b"x" * 1000
        yield b'"}'

    response = await client.post("/api/v1/cases", content=chunks(), headers={"content-type": "application/json"})
    assert "content-length" not in response.request.headers  # sent chunked: no length declared
    problem(response, 413)
    assert case_count(services) == 0


# --- integers -----------------------------------------------------------------------------------

STANDARD = {
    "code": "FEE-AIC-COPY",
    "name": "档案查询费",
    "department_code": "AIC",
    "fee_type": "administrative",
    "legal_basis": "某文件",
    "effective_from": "2027-01-01",
    "rule": "fixed",
    "fixed_amount_fen": 100,
}
INTEGER_PROBES = [
    ("/api/v1/cases", {**VALID, "declared_values": {"declared_price_fen": BIG}}),
    ("/api/v1/cases", {**VALID, "declared_values": {"declared_price_fen": -BIG - 1}}),
    ("/api/v1/cases/AIC-20260101-00001/assessment", {"declared_values": {"declared_price_fen": BIG}}),
    ("/api/v1/fees/standards", {**STANDARD, "fixed_amount_fen": BIG}),
    ("/api/v1/fees/standards", {**STANDARD, "value_ranges": [{"value": "pages", "max": BIG}]}),
    ("/api/v1/fees/standards", {**STANDARD, "value_ranges": [{"value": "pages", "min": -BIG - 1}]}),
    ("/api/v1/fees/notices/N-1/reductions", {"amount_fen": BIG, "reason": "x"}),
    ("/api/v1/fees/notices/N-1/payments", {"method": "cash", "expected_amount_fen": BIG}),
    ("/api/v1/fees/receipts/NTR-2026-00000001/refunds", {"amount_fen": BIG, "reason": "x"}),
    ("/api/v1/consultations/18446744073709551616/handover", {"to_staff_id": "s-2"}),
    ("/api/v1/consultations/9223372036854775808/handover", {"to_staff_id": "s-2"}),
]


@pytest.mark.parametrize(("path", "body"), INTEGER_PROBES)
async def test_integers_beyond_their_proto_field_are_422_and_the_connection_lives(client, path, body):
    headers = {**MANAGER, "Idempotency-Key": "453c9d72-f3f0-5c74-aeb6-3a7609b0a79c"}
    problem(await client.post(path, json=body, headers=headers), 422)


async def test_a_page_size_beyond_uint32_is_422(client):
    problem(await client.get("/api/v1/cases", params={"page_size": str(2**64)}, headers=MANAGER), 422)


# --- the OpenAPI document and 405 ---------------------------------------------------------------


async def test_405_names_the_allowed_methods(client):
    response = await client.delete("/api/v1/cases")
    problem(response, 405)
    assert set(response.headers["allow"].replace(" ", "").split(",")) == {"GET", "POST"}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return create_app(GatewaySettings()).openapi()


def _operations(spec: dict[str, Any]):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            yield method, path, operation


def test_every_error_is_documented_as_a_problem_body(spec):
    problem_schema = spec["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "instance", "errors"} <= problem_schema["properties"].keys()
    for method, path, operation in _operations(spec):
        if not path.startswith("/api/"):
            continue
        statuses = set(operation["responses"])
        expected = {"401", "403", "404", "409", "422", "429", "503", "504"}
        if "requestBody" in operation:
            expected |= {"400", "413", "415"}
        assert expected <= statuses, f"{method.upper()} {path}: {sorted(expected - statuses)} not documented"
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")):
                assert list(response["content"]) == ["application/problem+json"], f"{method} {path} {status}"
                assert response["content"]["application/problem+json"]["schema"] == {
                    "$ref": "#/components/schemas/Problem"
                }


def _deref(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _unbounded(spec: dict[str, Any], schema: dict[str, Any], where: str) -> list[str]:
    """Where a schema lets an unbounded string or integer, or an open object, through."""
    schema = _deref(spec, schema)
    found: list[str] = []
    for option in schema.get("anyOf", []) + schema.get("allOf", []) + schema.get("oneOf", []):
        found += _unbounded(spec, option, where)
    kind = schema.get("type")
    if kind == "string" and "enum" not in schema and "const" not in schema:
        if "maxLength" not in schema or "pattern" not in schema:
            found.append(f"{where}: a string without maxLength and pattern")
    elif kind == "integer" and ("maximum" not in schema or "minimum" not in schema):
        found.append(f"{where}: an integer without minimum and maximum")
    elif kind == "array":
        if "maxItems" not in schema:
            found.append(f"{where}: an array without maxItems")
        found += _unbounded(spec, schema["items"], where + "[]")
    elif kind == "object":
        extra = schema.get("additionalProperties", True)
        if extra is True:
            found.append(f"{where}: an object open to unknown keys")
        elif isinstance(extra, dict):
            names = schema.get("propertyNames", {})
            if "maxProperties" not in schema or "pattern" not in names or "maxLength" not in names:
                found.append(f"{where}: a mapping without maxProperties and a key pattern")
            found += _unbounded(spec, extra, where + "{}")
        for name, prop in schema.get("properties", {}).items():
            found += _unbounded(spec, prop, f"{where}.{name}")
    return found


# gateway/dependencies.py reads these (bounded there, and a value gRPC metadata cannot carry
# is dropped, not forwarded); they are being replaced by `Authorization: Bearer`.
IDENTITY_HEADERS = {"authorization", "x-query-code"}


def test_every_input_is_bounded_in_the_openapi_document(spec):
    found: list[str] = []
    for method, path, operation in _operations(spec):
        where = f"{method.upper()} {path}"
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "header" and parameter["name"].lower() in IDENTITY_HEADERS:
                continue
            found += _unbounded(spec, parameter["schema"], f"{where} {parameter['in']}.{parameter['name']}")
        body = operation.get("requestBody", {}).get("content", {})
        if path == "/oauth/token":  # a form, by RFC 6749 §4.4.2; bounded in its schema
            continue
        assert set(body) <= {"application/json"}, where
        if body:
            found += _unbounded(spec, body["application/json"]["schema"], f"{where} body")
    assert found == []
