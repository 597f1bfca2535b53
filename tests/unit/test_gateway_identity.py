"""Sign-in and the gateway's own refusals (issue 9): local accounts with Argon2id and TOTP,
lockout with backoff, administration with its audit, client credentials for department
systems, signing-key rotation without downtime, and a 401 on every staff route for a
caller who only types headers."""

from __future__ import annotations

import asyncio
import base64
from datetime import timedelta

import httpx
import pyotp
import pytest
import sqlalchemy as sa
from fastapi.routing import APIRoute

from gateway.app import create_app
from gateway.demo import DEMO_PASSWORD, seed_demo_accounts
from gateway.models import AccountChange, AuditEntry, SignInAttempts
from gateway.settings import GatewaySettings
from services.cases.server import DEFINITION as CASES
from services.fees.server import DEFINITION as FEES
from shared.db import make_engine
from shared.timeutil import utcnow
from tests.support import VALID_ID_CARD, free_port, fresh_idempotency_key

MANAGER_SECRET = "DEMOMANAGERTOTPSECRETAAAAAAAAAAA"
ADMIN_SECRET = "DEMOADMINISTRATORTOTPSECRETAAAAA"
FORGED = {"X-Staff-Id": "zy-mgr", "X-Department": "ZY", "X-Roles": "manager,cashier,approver,administrator"}
APPLICATION = {
    "service_item_code": "AIC-002",
    "applicant": {"name": "张三", "id_card_number": VALID_ID_CARD, "phone": "13812345678"},
}


@pytest.fixture
async def gateway(start_service, gateway_database_url):
    cases, fees = await start_service(CASES), await start_service(FEES)
    dead = f"127.0.0.1:{free_port()}"
    settings = GatewaySettings(
        gateway_database_url=gateway_database_url,
        cases_addr=f"127.0.0.1:{cases.port}",
        fees_addr=f"127.0.0.1:{fees.port}",
        attendance_addr=dead,
        evaluation_addr=dead,
        notification_addr=dead,
        grpc_timeout_seconds=5,
    )
    seed_demo_accounts(settings)
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://gateway",
            event_hooks={"request": [fresh_idempotency_key]},
        ) as http,
    ):
        http.app = app  # type: ignore[attr-defined]
        http.settings = settings  # type: ignore[attr-defined]
        yield http


def rows(http, model):
    engine = make_engine(http.settings.resolved_database_url())
    try:
        with engine.connect() as connection:
            return connection.execute(sa.select(model)).all()
    finally:
        engine.dispose()


async def sign_in(http, staff_id, password=DEMO_PASSWORD, otp=""):
    return await http.post("/api/v1/auth/sign-in", json={"staff_id": staff_id, "password": password, "otp_code": otp})


def bearer(answer) -> dict[str, str]:
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def test_window_staff_sign_in_with_a_password_and_act_with_the_token(gateway):
    answer = await sign_in(gateway, "aic-01")
    assert answer.json()["roles"] == ["window_staff"] and answer.json()["expires_in"] == 900
    case = (await gateway.post("/api/v1/cases", json=APPLICATION)).json()
    rejected = await gateway.post(
        f"/api/v1/cases/{case['case_number']}/actions/reject", headers=bearer(answer), json={"reason": "不属于本窗口"}
    )
    assert rejected.status_code == 200, rejected.text
    history = (await gateway.get(f"/api/v1/cases/{case['case_number']}/history", headers=bearer(answer))).json()
    assert history["transitions"][-1]["actor"] == "aic-01"  # who the token says, not who typed a header


async def test_a_manager_needs_the_one_time_code_and_it_works_once(gateway):
    without = await sign_in(gateway, "zy-mgr")
    assert without.status_code == 401 and without.json()["errors"] == [{"field": "otp_code", "message": "required"}]
    code = pyotp.TOTP(MANAGER_SECRET).now()
    signed = await sign_in(gateway, "zy-mgr", otp=code)
    assert signed.json()["roles"] == ["manager"]
    replayed = await sign_in(gateway, "zy-mgr", otp=code)  # a code seen on a shoulder is spent
    assert replayed.status_code == 401
    wrong = await sign_in(gateway, "zy-mgr", otp="000000" if code != "000000" else "111111")
    assert wrong.status_code == 401


async def test_an_unknown_login_is_answered_like_a_wrong_password(gateway):
    unknown = await sign_in(gateway, "nobody-here", password="Whatever-2026!")
    wrong = await sign_in(gateway, "aic-01", password="Whatever-2026!")
    assert (unknown.status_code, unknown.json()) == (wrong.status_code, wrong.json()) == (401, wrong.json())


async def test_repeated_failures_lock_the_login_with_a_backoff_even_for_the_right_password(gateway):
    for _ in range(5):
        assert (await sign_in(gateway, "aic-01", password="Wrong-password-1")).status_code == 401
    locked = await sign_in(gateway, "aic-01")
    assert locked.status_code == 429 and 1 <= int(locked.headers["retry-after"]) <= 30
    engine = make_engine(gateway.settings.resolved_database_url())
    with engine.begin() as connection:  # the lock runs out ...
        connection.execute(sa.update(SignInAttempts).values(locked_until=utcnow() - timedelta(seconds=1)))
    engine.dispose()
    assert (await sign_in(gateway, "aic-01", password="Wrong-password-1")).status_code == 401
    again = await sign_in(gateway, "aic-01")  # ... and one more failure locks twice as long
    assert again.status_code == 429 and 31 <= int(again.headers["retry-after"]) <= 60
    unknown = [await sign_in(gateway, "ghost") for _ in range(6)]
    assert unknown[-1].status_code == 429  # an unknown login locks alike: no enumeration


async def test_an_administrator_manages_accounts_and_every_change_is_recorded(gateway):
    admin = bearer(await sign_in(gateway, "admin", otp=pyotp.TOTP(ADMIN_SECRET).now()))
    weak = await gateway.post(
        "/api/v1/admin/accounts",
        headers=admin,
        json={
            "staff_id": "aic-02",
            "display_name": "新窗口",
            "department_code": "AIC",
            "roles": ["cashier"],
            "password": "short",
        },
    )
    assert weak.status_code == 422 and weak.json()["errors"][0]["field"] == "password"
    created = await gateway.post(
        "/api/v1/admin/accounts",
        headers=admin,
        json={
            "staff_id": "aic-02",
            "display_name": "新窗口",
            "department_code": "AIC",
            "roles": ["cashier"],
            "password": "Correct-Horse-42",
        },
    )
    assert created.status_code == 201, created.text
    uri = created.json()["totp_provisioning_uri"]
    assert uri.startswith("otpauth://totp/servicehall:aic-02")  # a cashier gets a second factor
    secret = pyotp.parse_uri(uri).secret
    signed = await sign_in(gateway, "aic-02", password="Correct-Horse-42", otp=pyotp.TOTP(secret).now())
    assert signed.json()["roles"] == ["cashier"]
    demoted = await gateway.patch("/api/v1/admin/accounts/aic-02", headers=admin, json={"disabled": True})
    assert demoted.json()["disabled"] is True
    assert (await sign_in(gateway, "aic-02", password="Correct-Horse-42")).status_code == 401
    window = bearer(await sign_in(gateway, "aic-01"))
    assert (await gateway.get("/api/v1/admin/accounts", headers=window)).status_code == 403
    changes = [(c.actor, c.action, c.subject) for c in rows(gateway, AccountChange)]
    assert changes == [("admin", "account_created", "aic-02"), ("admin", "account_updated", "aic-02")]
    efficiency = bearer(await sign_in(gateway, "xn-01", otp=pyotp.TOTP("DEMOEFFICIENCYOFFICETOTPSECRETAA").now()))
    listed = await gateway.get("/api/v1/admin/account-changes", headers=efficiency)
    assert [c["action"] for c in listed.json()] == ["account_updated", "account_created"]


async def test_a_department_system_gets_a_scoped_token_and_a_rotated_secret_overlaps(gateway):
    def basic(secret: str) -> dict[str, str]:
        return {"Authorization": "Basic " + base64.b64encode(f"land-registry:{secret}".encode()).decode()}

    form = {"content-type": "application/x-www-form-urlencoded"}
    denied = await gateway.post("/oauth/token", content="grant_type=client_credentials", headers={**form, **basic("x")})
    assert denied.status_code == 401 and denied.json()["error"] == "invalid_client"
    issued = await gateway.post(
        "/oauth/token",
        content="grant_type=client_credentials",
        headers={**form, **basic("demo-secret-of-the-land-registry-system")},
    )
    assert issued.status_code == 200, issued.text
    assert issued.json()["scope"] == "servicehall.cases.v1.CasesService/*"
    system = {"Authorization": f"Bearer {issued.json()['access_token']}"}
    listed = await gateway.get("/api/v1/cases", headers=system)
    assert listed.status_code == 200, listed.text
    fees = await gateway.get("/api/v1/fees/notices", headers=system)  # FeesService is out of its scope
    assert fees.status_code == 403
    admin = bearer(await sign_in(gateway, "admin", otp=pyotp.TOTP(ADMIN_SECRET).now()))
    rotated = await gateway.post("/api/v1/admin/clients/land-registry/secret", headers=admin)
    new_secret = rotated.json()["client_secret"]
    for secret in ("demo-secret-of-the-land-registry-system", new_secret):  # both, for a day
        answer = await gateway.post(
            "/oauth/token", content="grant_type=client_credentials", headers={**form, **basic(secret)}
        )
        assert answer.status_code == 200


async def test_a_rotated_signing_key_takes_over_without_refusing_the_tokens_already_out(gateway):
    before = bearer(await sign_in(gateway, "aic-01"))
    admin = bearer(await sign_in(gateway, "admin", otp=pyotp.TOTP(ADMIN_SECRET).now()))
    kid = (await gateway.post("/api/v1/admin/signing-keys", headers=admin)).json()["kid"]
    published = {key["kid"] for key in (await gateway.get("/.well-known/jwks.json")).json()["keys"]}
    assert kid in published and len(published) == 2  # the old key stays until its tokens expire
    after = bearer(await sign_in(gateway, "aic-01"))
    # The services were started with the test key only: a real service fetches the JWKS
    # again on an unknown key id; here the gateway's own check stands for it.
    assert (await gateway.get("/api/v1/admin/accounts", headers=before)).status_code == 403
    assert (await gateway.get("/api/v1/admin/accounts", headers=after)).status_code == 403


def _staff_routes(app) -> list[APIRoute]:
    def needs_staff(dependant) -> bool:
        return any(
            getattr(d.call, "__name__", "") in ("_staff_call", "_signed_in") or needs_staff(d)
            for d in dependant.dependencies
        )

    def flat(routes):  # FastAPI keeps an included router as one entry: its routes are inside
        for route in routes:
            inner = getattr(route, "original_router", None)
            yield from flat(inner.routes) if inner is not None else [route]

    return [r for r in flat(app.routes) if isinstance(r, APIRoute) and needs_staff(r.dependant)]


async def test_every_staff_route_refuses_typed_headers_with_401(gateway):
    routes = _staff_routes(gateway.app)
    assert len(routes) >= 40, [r.path for r in routes]
    answers = {}
    for route in routes:
        path = route.path
        for name in route.param_convertors:
            path = path.replace("{" + name + "}", "X-1")
        for method in route.methods:
            answer = await gateway.request(method, path, headers=FORGED, json={})
            answers[f"{method} {route.path}"] = (answer.status_code, answer.headers.get("www-authenticate"))
    wrong = {route: answer for route, answer in answers.items() if answer != (401, 'Bearer realm="servicehall"')}
    assert wrong == {}
    assert rows(gateway, AuditEntry) == []  # nobody signed in: nothing to attribute


async def test_every_request_of_staff_is_in_the_audit_log_for_the_efficiency_office(gateway):
    window = bearer(await sign_in(gateway, "aic-01"))
    case = (await gateway.post("/api/v1/cases", json=APPLICATION)).json()["case_number"]
    await gateway.post(f"/api/v1/cases/{case}/actions/reject", headers=window, json={"reason": "材料不全"})
    await gateway.get("/api/v1/cases/AIC-20000101-99999", headers=window)
    efficiency = bearer(await sign_in(gateway, "xn-01", otp=pyotp.TOTP("DEMOEFFICIENCYOFFICETOTPSECRETAA").now()))
    page = (await gateway.get("/api/v1/audit-entries", headers=efficiency, params={"actor": "aic-01"})).json()
    seen = [(e["method"], e["route"], e["case_number"], e["status_code"]) for e in page["entries"]]
    assert seen == [
        ("GET", "/api/v1/cases/{case_number}", "AIC-20000101-99999", 404),
        ("POST", "/api/v1/cases/{case_number}/actions/{action}", case, 200),
    ]
    assert all(e["client_address"] for e in page["entries"])
    assert (await gateway.get("/api/v1/audit-entries", headers=window)).status_code == 403
    engine = make_engine(gateway.settings.resolved_database_url())
    with pytest.raises(sa.exc.DBAPIError), engine.begin() as connection:  # append-only
        connection.execute(sa.delete(AuditEntry))
    engine.dispose()


async def test_parallel_sign_ins_count_every_failure(gateway):
    answers = await asyncio.gather(*(sign_in(gateway, "land-01", password=f"Wrong-{i}-pass") for i in range(8)))
    assert {a.status_code for a in answers} <= {401, 429}
    [attempts] = [r for r in rows(gateway, SignInAttempts) if r.login == "land-01"]
    assert attempts.failures + sum(a.status_code == 429 for a in answers) == 8
