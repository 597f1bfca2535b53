"""Every field a window can send over gRPC can be sent through the gateway too (issue 8).

For each RPC of CasesService, CatalogService, SealService, AgencyService, ConsultationService
and FeesService: the route(s) that call it, read from the gateway's OpenAPI, must accept every
field of the request message (as a path, query or header parameter or in the JSON body,
nested fields dotted), and must accept nothing the message cannot carry (a field the gateway
takes and drops silently). A field or an RPC left out says why, here. A new proto field with
no route breaks this test until it is forwarded or its absence is explained."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from google.protobuf.descriptor import Descriptor, FieldDescriptor, MethodDescriptor

from gateway.app import create_app
from gateway.settings import GatewaySettings
from servicehall.cases.v1 import cases_pb2
from servicehall.fees.v1 import fees_pb2

SERVICES = [
    cases_pb2.DESCRIPTOR.services_by_name[name]
    for name in ("CasesService", "CatalogService", "SealService", "AgencyService", "ConsultationService")
] + [fees_pb2.DESCRIPTOR.services_by_name["FeesService"]]

# The caller's identity: gRPC metadata, not request fields (gateway.dependencies).
IDENTITY_HEADERS = {"authorization", "x_query_code"}
# The gateway's own Idempotency-Key (gateway/idempotency.py): every creating route takes it,
# whether or not its RPC carries it down too.
GATEWAY_HEADERS = {"idempotency_key"}

ACTIONS = "/api/v1/cases/{case_number}/actions/{action}"
ROUTES: dict[str, list[tuple[str, str]]] = {
    "CasesService/SubmitApplication": [("post", "/api/v1/cases")],
    "CasesService/SubmitForm": [("post", "/api/v1/forms/{form_code}/applications")],
    "CasesService/WaiveMaterial": [("post", "/api/v1/cases/{case_number}/materials/waivers")],
    "CasesService/GetCase": [("get", "/api/v1/cases/{case_number}")],
    "CasesService/ListCases": [("get", "/api/v1/cases")],
    "CasesService/GetCaseHistory": [("get", "/api/v1/cases/{case_number}/history")],
    "CasesService/ListVouchers": [("get", "/api/v1/cases/{case_number}/vouchers")],
    "CasesService/AcceptCase": [("post", ACTIONS)],
    "CasesService/RejectCase": [("post", ACTIONS)],
    "CasesService/RequestCorrection": [("post", "/api/v1/cases/{case_number}/correction")],
    "CasesService/SupplyMaterials": [("post", "/api/v1/cases/{case_number}/materials")],
    "CasesService/StartReview": [("post", ACTIONS)],
    "CasesService/ApproveCase": [("post", ACTIONS)],
    "CasesService/DenyCase": [("post", ACTIONS)],
    "CasesService/ConcludeCase": [("post", ACTIONS)],
    "CasesService/ConcludeOnTheSpot": [("post", "/api/v1/cases/{case_number}/actions/conclude-on-the-spot")],
    "CasesService/WithdrawCase": [("post", ACTIONS)],
    "CasesService/DecideJointTask": [("post", "/api/v1/cases/{case_number}/joint-tasks/{department_code}/decision")],
    "CasesService/PauseClock": [("post", "/api/v1/cases/{case_number}/pauses")],
    "CasesService/ResumeClock": [("post", ACTIONS)],
    "CasesService/GrantExtension": [("post", "/api/v1/cases/{case_number}/extensions")],
    "CasesService/IssueSupervisionOrder": [("post", "/api/v1/cases/{case_number}/supervision-orders")],
    "CasesService/RunSupervisionScan": [("post", "/api/v1/supervision/scans")],
    "CatalogService/ListServiceItems": [("get", "/api/v1/service-items")],
    "CatalogService/GetServiceGuide": [("get", "/api/v1/service-items/{code}/guide")],
    "CatalogService/ListItemVersions": [("get", "/api/v1/service-items/{code}/versions")],
    "SealService/ListSeals": [("get", "/api/v1/windows/{window_code}/seals")],
    "SealService/UseSeal": [("post", "/api/v1/seals/{seal_code}/uses")],
    "SealService/ReconcileSeals": [("get", "/api/v1/seals/reconciliation")],
    "AgencyService/AssignAgent": [("post", "/api/v1/agency/assignments")],
    "AgencyService/ListAgentCaseload": [("get", "/api/v1/agents/{agent_staff_id}/caseload")],
    "AgencyService/GetAssignmentHistory": [("get", "/api/v1/enterprises/{enterprise_code}/agency-history")],
    "ConsultationService/RecordConsultation": [("post", "/api/v1/consultations")],
    "ConsultationService/HandOverConsultation": [("post", "/api/v1/consultations/{consultation_id}/handover")],
    "ConsultationService/CountConsultations": [("get", "/api/v1/consultations/counts")],
    "FeesService/ListFeeStandards": [("get", "/api/v1/fees/standards")],
    "FeesService/CreateFeeStandard": [("post", "/api/v1/fees/standards")],
    "FeesService/ImportFeeStandards": [("post", "/api/v1/fees/standards/import")],
    "FeesService/AssessFees": [("post", "/api/v1/cases/{case_number}/assessment")],
    "FeesService/GetPaymentNotice": [("get", "/api/v1/fees/notices/{notice_number}")],
    # One RPC, two readers: the notices of a case (applicant or staff), the department's (staff).
    "FeesService/ListPaymentNotices": [
        ("get", "/api/v1/cases/{case_number}/payment-notices"),
        ("get", "/api/v1/fees/notices"),
    ],
    "FeesService/ReduceFee": [("post", "/api/v1/fees/notices/{notice_number}/reductions")],
    "FeesService/WaivePaymentNotice": [("post", "/api/v1/fees/notices/{notice_number}/waiver")],
    "FeesService/VoidPaymentNotice": [("post", "/api/v1/fees/notices/{notice_number}/void")],
    "FeesService/RecordPayment": [("post", "/api/v1/fees/notices/{notice_number}/payments")],
    "FeesService/RecordRefund": [("post", "/api/v1/fees/receipts/{receipt_number}/refunds")],
    "FeesService/VoidReceipt": [("post", "/api/v1/fees/receipts/{receipt_number}/void")],
    "FeesService/GetReceipt": [("get", "/api/v1/fees/receipts/{receipt_number}")],
    "FeesService/CloseDay": [("post", "/api/v1/fees/day-closes")],
    "FeesService/Reconcile": [("get", "/api/v1/fees/reconciliation")],
    "FeesService/ExportLedger": [("get", "/api/v1/fees/ledger.csv")],
    "FeesService/GetRevenueSummary": [("get", "/api/v1/fees/revenue")],
}

GRPC_ONLY = {
    "CatalogService/UpsertServiceItem": "catalog maintenance by managers with their tools (grpcurl, a script, "
    "the catalog file's import), not a window's or a browser's work: a typed ServiceItemDefinition with the keys "
    "of the catalog file, documented in docs/cases.md as gRPC only and tested over the wire with grpcurl "
    "(tests/unit/test_cases_catalog_api.py)",
}

_NOT_ON_THE_SPOT = "read only by ConcludeOnTheSpot, which has its own route"
LEFT_OUT: dict[tuple[str, str], str] = {
    **{
        (f"CasesService/{rpc}", "seal_code"): _NOT_ON_THE_SPOT
        for rpc in ("AcceptCase", "RejectCase", "StartReview", "ApproveCase", "DenyCase", "ConcludeCase")
    },
    ("CasesService/WithdrawCase", "seal_code"): _NOT_ON_THE_SPOT,
    ("CasesService/ResumeClock", "seal_code"): _NOT_ON_THE_SPOT,
}

# proto field path -> the name the gateway gives it; a key ending in "." renames a prefix.
RENAMED: dict[str, dict[str, str]] = {
    "CatalogService/GetServiceGuide": {"service_item_code": "code"},
    "CatalogService/ListItemVersions": {"service_item_code": "code"},
    # The body is the standard itself; a condition names its value "value".
    "FeesService/CreateFeeStandard": {
        "standard": "",
        "standard.reduced_rates.conditions.value_name": "reduced_rates.conditions.value",
        "standard.value_ranges.value_name": "value_ranges.value",
        "standard.": "",
    },
}
# Route parameters that choose what to call rather than carry a field.
ROUTE_SELECTORS = {("post", ACTIONS): {"action"}}


def _proto_fields(message: Descriptor, prefix: str = "") -> Iterator[str]:
    for field in message.fields:
        path = prefix + field.name
        yield path
        nested = field.message_type
        if (
            field.type == FieldDescriptor.TYPE_MESSAGE
            and not nested.GetOptions().map_entry
            and not nested.full_name.startswith("google.protobuf.")
        ):
            yield from _proto_fields(nested, path + ".")


def _http_name(rpc: str, proto_path: str) -> str:
    renames = RENAMED.get(rpc, {})
    if proto_path in renames:
        return renames[proto_path]
    for old, new in renames.items():
        if old.endswith(".") and proto_path.startswith(old):
            return new + proto_path.removeprefix(old)
    return proto_path


def _schema_names(spec: dict[str, Any], schema: dict[str, Any], prefix: str = "") -> Iterator[str]:
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    for option in schema.get("anyOf", []):
        yield from _schema_names(spec, option, prefix)
    if schema.get("type") == "array":
        yield from _schema_names(spec, schema["items"], prefix)
    for name, prop in schema.get("properties", {}).items():
        yield prefix + name
        yield from _schema_names(spec, prop, prefix + name + ".")


def _route_names(spec: dict[str, Any], method: str, path: str) -> set[str]:
    operation = spec["paths"].get(path, {}).get(method, {})  # no route: it takes nothing
    names = {p["name"].lower().replace("-", "_") for p in operation.get("parameters", [])}
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    if body:
        names.update(_schema_names(spec, body))
    return names - IDENTITY_HEADERS - ROUTE_SELECTORS.get((method, path), set())


def _methods() -> list[tuple[str, MethodDescriptor]]:
    return [(f"{service.name}/{method.name}", method) for service in SERVICES for method in service.methods]


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return create_app(GatewaySettings()).openapi()


def test_every_rpc_has_a_route_or_says_why_not(spec):
    rpcs = {rpc for rpc, _ in _methods()}
    assert rpcs - ROUTES.keys() - GRPC_ONLY.keys() == set(), "an RPC with no route and no reason"
    assert (ROUTES.keys() | GRPC_ONLY.keys()) - rpcs == set(), "a route for an RPC that does not exist"
    missing = [
        (method, path)
        for routes in ROUTES.values()
        for method, path in routes
        if method not in spec["paths"].get(path, {})
    ]
    assert missing == []


@pytest.mark.parametrize("rpc", [rpc for rpc, _ in _methods() if rpc in ROUTES])
def test_the_route_takes_every_field_of_the_request_and_nothing_else(spec, rpc):
    method = dict(_methods())[rpc]
    fields = list(_proto_fields(method.input_type))
    accepted = set().union(*(_route_names(spec, m, p) for m, p in ROUTES[rpc]))
    accepted.add("")  # the JSON body itself (a request message that is the body)
    missing = [f for f in fields if (rpc, f) not in LEFT_OUT and _http_name(rpc, f) not in accepted]
    assert missing == [], f"{rpc}: request fields the gateway does not take"
    carried = {_http_name(rpc, f) for f in fields} - {""}
    for m, p in ROUTES[rpc]:
        dropped = _route_names(spec, m, p) - carried - GATEWAY_HEADERS
        assert dropped == set(), f"{m.upper()} {p} takes what {method.input_type.name} cannot carry"
    assert [key for key in LEFT_OUT if key[0] == rpc and key[1] not in fields] == [], "a stale LEFT_OUT entry"
