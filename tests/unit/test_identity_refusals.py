"""Nobody is trusted for what they say they are (issue 9, acceptance 1): every RPC of every
service, called directly over gRPC the way a hostile client would — with the old staff
metadata typed in, with a token signed by another key, expired, from another issuer, with
alg "none" — is UNAUTHENTICATED before the method runs; a department system's token is
refused outside its scope. The RPCs are read from the descriptors, so a new one is covered
without an edit here."""

from __future__ import annotations

import base64
import json
import time

import grpc
import pytest
from google.protobuf import descriptor_pool, message_factory

from services.attendance.server import DEFINITION as ATTENDANCE
from services.cases.server import DEFINITION as CASES
from services.evaluation.server import DEFINITION as EVALUATION
from services.fees.server import DEFINITION as FEES
from services.notification.server import DEFINITION as NOTIFICATION
from shared.identity import SigningKey
from tests.identity import ISSUER, TEST_KEY, token

DEFINITIONS = [CASES, FEES, ATTENDANCE, EVALUATION, NOTIFICATION]
FORGED_STAFF = (("x-staff-id", "zy-mgr"), ("x-department", "ZY"), ("x-roles", "manager,cashier,approver"))
STRANGER = SigningKey.generate("test-key")  # the same key id as ours, another key


def _unsigned(claims: dict) -> str:
    def part(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT', 'kid': TEST_KEY.kid})}.{part(claims)}."


def _hostile_metadata() -> dict[str, tuple[tuple[str, str], ...]]:
    now = int(time.time())
    manager = {"departments": ["ZY"], "roles": ["manager"]}
    return {
        "typed staff metadata": FORGED_STAFF,
        "typed metadata and a garbage bearer": (*FORGED_STAFF, ("authorization", "Bearer not-a-token")),
        "signed by another key": (("authorization", f"Bearer {token('staff', 'zy-mgr', key=STRANGER, **manager)}"),),
        "expired": (("authorization", f"Bearer {token('staff', 'zy-mgr', ttl_seconds=-120, **manager)}"),),
        "alg none": (
            (
                "authorization",
                "Bearer "
                + _unsigned(
                    {"iss": ISSUER, "aud": "servicehall", "sub": "zy-mgr", "kind": "staff", "exp": now + 600, **manager}
                ),
            ),
        ),
        "basic instead of bearer": (("authorization", "Basic em15LW1ncjpwYXNzd29yZA=="),),
    }


def _rpcs(definition) -> list[tuple[str, str, type]]:
    """(service, method, request class) of every method of the service's servicers."""
    pool = descriptor_pool.Default()
    found = []
    for servicer in definition.servicers:
        service = pool.FindServiceByName(servicer.service_name)
        for method in service.methods:
            request_class = _message_class(method.input_type)
            found.append((service.full_name, method.name, request_class))
    return found


def _message_class(descriptor):
    return message_factory.GetMessageClass(descriptor)


def _unary(channel: grpc.aio.Channel, service: str, method: str, request_class: type):
    return channel.unary_unary(
        f"/{service}/{method}",
        request_serializer=lambda message: message.SerializeToString(),
        response_deserializer=lambda data: data,
    )


@pytest.mark.parametrize("definition", DEFINITIONS, ids=lambda d: d.name)
async def test_every_rpc_refuses_a_caller_without_a_valid_token(start_service, definition):
    service = await start_service(definition)
    rpcs = _rpcs(definition)
    assert rpcs, "the descriptors name no RPC"
    leaks = []
    async with grpc.aio.insecure_channel(f"127.0.0.1:{service.port}") as channel:
        for service_name, method, request_class in rpcs:
            call = _unary(channel, service_name, method, request_class)
            for how, metadata in {"no metadata": (), **_hostile_metadata()}.items():
                try:
                    await call(request_class(), metadata=metadata, timeout=5)
                    leaks.append(f"{method} ({how}): answered")
                except grpc.aio.AioRpcError as error:
                    if error.code() != grpc.StatusCode.UNAUTHENTICATED:
                        leaks.append(f"{method} ({how}): {error.code().name}")
    assert leaks == [], f"{definition.name}: calls not refused as UNAUTHENTICATED"


@pytest.mark.parametrize("definition", DEFINITIONS, ids=lambda d: d.name)
async def test_a_system_token_is_refused_outside_its_scope(start_service, definition):
    service = await start_service(definition)
    [(service_name, method, request_class), *_] = _rpcs(definition)
    other = "servicehall.nothing.v1.NothingService/*"
    scoped = token("system", "land-registry", departments=["LAND"], roles=["window_staff"], scopes=[other])
    async with grpc.aio.insecure_channel(f"127.0.0.1:{service.port}") as channel:
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await _unary(channel, service_name, method, request_class)(
                request_class(), metadata=(("authorization", f"Bearer {scoped}"),), timeout=5
            )
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert refused.value.details() == "this client may not call this method"
    in_scope = token(
        "system", "land-registry", departments=["LAND"], roles=["window_staff"], scopes=[f"{service_name}/*"]
    )
    async with grpc.aio.insecure_channel(f"127.0.0.1:{service.port}") as channel:
        try:
            await _unary(channel, service_name, method, request_class)(
                request_class(), metadata=(("authorization", f"Bearer {in_scope}"),), timeout=5
            )
        except grpc.aio.AioRpcError as error:  # the method ran and judged the request
            assert error.details() != "this client may not call this method"
            assert error.code() != grpc.StatusCode.UNAUTHENTICATED
