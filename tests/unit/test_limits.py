"""Rate limits of the gateway (gateway/limits.py): token buckets per client and route, with a
clock the test moves instead of sleeping. No backing service is needed: every service
address is dead, and the routes used answer from the gateway itself or fail fast."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from gateway.app import create_app
from gateway.limits import Limits, RateLimiter, Rule
from gateway.settings import GatewaySettings
from tests.identity import staff_headers
from tests.support import free_port


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def app(gateway_database_url, clock):
    dead = f"127.0.0.1:{free_port()}"
    settings = GatewaySettings(
        gateway_database_url=gateway_database_url,
        cases_addr=dead,
        fees_addr=dead,
        notification_addr=dead,
        attendance_addr=dead,
        evaluation_addr=dead,
    )
    app = create_app(settings)
    app.state.limits = Limits(enabled=True, default=Rule(5, 60), sign_in=Rule(3, 60), query_code=Rule(4, 60))
    app.state.limiter = RateLimiter(max_clients=1000, clock=clock)
    async with app.router.lifespan_context(app):
        yield app


def client_at(app, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 4000))
    return httpx.AsyncClient(transport=transport, base_url="http://gateway")


async def burst(http: httpx.AsyncClient, n: int, path: str, **kwargs) -> list[httpx.Response]:
    method = kwargs.pop("method", "GET")
    return await asyncio.gather(*(http.request(method, path, **kwargs) for _ in range(n)))


def limited(answers: list[httpx.Response]) -> list[httpx.Response]:
    return [a for a in answers if a.status_code == 429]


async def test_the_request_after_the_bucket_is_429_with_retry_after_until_the_window_passes(app, clock):
    async with client_at(app, "10.0.0.1") as one, client_at(app, "10.0.0.2") as two:
        answers = await burst(one, 6, "/.well-known/jwks.json")
        [refused] = limited(answers)
        assert sorted(a.status_code for a in answers) == [200] * 5 + [429]
        assert refused.headers["retry-after"] == "12"  # one request back per 60 s / 5
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["status"] == 429 and refused.json()["title"] == "Too many requests"
        # Another client, and the same client on another route, have buckets of their own.
        assert not limited(await burst(two, 5, "/.well-known/jwks.json"))
        assert (await one.get("/api/v1/service-items")).status_code != 429
        clock.now += 60
        assert not limited(await burst(one, 5, "/.well-known/jwks.json"))
        assert limited(await burst(one, 1, "/.well-known/jwks.json"))


async def test_a_signed_in_client_is_its_principal_not_its_address(app):
    async with client_at(app, "10.0.0.1") as hall:
        alice, bob = staff_headers("AIC", staff_id="aic-01"), staff_headers("AIC", staff_id="aic-02")
        assert not limited(await burst(hall, 5, "/.well-known/jwks.json", headers=alice))
        assert limited(await burst(hall, 1, "/.well-known/jwks.json", headers=alice))
        assert not limited(await burst(hall, 5, "/.well-known/jwks.json", headers=bob))
        assert not limited(await burst(hall, 5, "/.well-known/jwks.json"))  # the address itself


async def test_sign_in_is_stricter(app, clock):
    async with client_at(app, "10.0.0.3") as http:
        answers = await burst(http, 4, "/api/v1/auth/sign-in", method="POST", json={})
        assert [a.status_code for a in answers].count(429) == 1
        assert limited(await burst(http, 1, "/oauth/token", method="POST", data={}))  # one bucket for both
        clock.now += 60
        assert not limited(await burst(http, 3, "/oauth/token", method="POST", data={}))


async def test_query_code_attempts_share_one_bucket_across_routes(app):
    code = {"X-Query-Code": "123456"}
    async with client_at(app, "10.0.0.4") as http:
        for n in range(4):
            assert (await http.get(f"/api/v1/cases/AIC-20260101-0000{n}", headers=code)).status_code != 429
        refused = await http.get("/api/v1/cases/AIC-20260101-00009/history", headers=code)
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) == 15
        assert (await http.get("/api/v1/cases/AIC-20260101-00009/history")).status_code != 429  # no code


async def test_limits_can_be_switched_off(app):
    app.state.limits = Limits(enabled=False, default=Rule(1, 60), sign_in=Rule(1, 60), query_code=Rule(1, 60))
    async with client_at(app, "10.0.0.5") as http:
        assert not limited(await burst(http, 10, "/.well-known/jwks.json"))


async def test_probes_are_not_limited(app):
    async with client_at(app, "10.0.0.6") as http:
        assert not limited(await burst(http, 10, "/healthz"))


def test_memory_is_bounded_by_forgetting_the_least_recently_seen(clock):
    limiter = RateLimiter(max_clients=100, clock=clock)
    rule = Rule(2, 60)
    busy = ("address:10.9.9.9", "GET /x")
    limiter.take(busy, rule)
    for n in range(10_000):  # a flood of distinct addresses
        limiter.take((f"address:10.{n // 65536}.{n // 256 % 256}.{n % 256}", "GET /x"), rule)
        if n % 50 == 0:
            limiter.take(busy, rule)  # a client that keeps coming is kept
            clock.now += 60
    assert len(limiter) == 100
    clock.now += 1
    assert limiter.take(busy, rule) == 0  # refilled meanwhile, still tracked
    assert limiter.take(busy, rule) == 0
    assert limiter.take(busy, rule) > 0
