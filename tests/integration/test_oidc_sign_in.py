"""Staff single sign-on (gateway/identity/oidc.py) against a real Keycloak (tools/keycloak):
the browser's part is played with httpx — open the authorization URL, post the login form,
read the redirect back to the gateway (not followed: nothing listens there) — and the
adapter does the rest, as in production. The realm: tools/keycloak/realm-hall.json."""

from __future__ import annotations

import base64
import dataclasses
import json
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from gateway.app import create_app
from gateway.identity.oidc import OidcSettings, OidcSignOn, PendingSignOn, SignOnProfile, SignOnRefused
from gateway.settings import GatewaySettings
from services.cases.server import DEFINITION as CASES
from tests.support import free_port
from tools.keycloak import KeycloakServer

pytestmark = pytest.mark.integration

GATEWAY_SECRET = "servicehall-gateway-test-secret"  # the realm file's, a test realm's
PASSWORDS = {"aic-01": "aic-01-pass", "zy-mgr": "zy-mgr-pass", "no-dept": "no-dept-pass", "prov-01": "prov-01-pass"}


def settings_for(keycloak: KeycloakServer, **overrides: object) -> OidcSettings:
    options: dict[str, object] = {
        "issuer": keycloak.issuer("hall"),
        "client_id": "servicehall-gateway",
        "client_secret": GATEWAY_SECRET,
        # any port of 127.0.0.1 is accepted for the registered loopback URI (RFC 8252 7.3)
        "redirect_uri": f"http://127.0.0.1:{free_port()}/api/v1/auth/oidc/callback",
    }
    return OidcSettings(**{**options, **overrides})


class _LoginForm(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        fields = dict(attrs)
        if tag == "form" and fields.get("id") == "kc-form-login":
            self.action = fields.get("action")


async def sign_in_at_issuer(authorization_url: str, username: str, password: str | None = None) -> dict[str, str]:
    """What a browser does: the login page, the form, the redirect. Returns the query of the
    redirect back to the gateway (code, state, iss, ...)."""
    async with httpx.AsyncClient(follow_redirects=False, timeout=30) as browser:
        page = await browser.get(authorization_url)
        assert page.status_code == 200, (
            f"the issuer refused the authorization request: {page.status_code} {page.text[:500]}"
        )
        form = _LoginForm()
        form.feed(page.text)
        assert form.action, f"no login form on the issuer's page: {page.text[:500]}"
        # Keycloak marks its session cookies Secure; browsers send them to http://127.0.0.1
        # (a secure context for them), Python's cookie jar only over https
        for cookie in browser.cookies.jar:
            cookie.secure = False
        answer = await browser.post(
            form.action, data={"username": username, "password": password or PASSWORDS[username], "credentialId": ""}
        )
        assert answer.status_code == 302, f"the login was not accepted: {answer.status_code} {answer.text[:500]}"
    location = answer.headers["location"]
    query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    assert "error" not in query, query
    return query


@pytest.fixture
async def sign_on(keycloak: KeycloakServer) -> AsyncIterator[OidcSignOn]:
    async with OidcSignOn(settings_for(keycloak)) as adapter:
        yield adapter


async def sign_in(adapter: OidcSignOn, username: str) -> SignOnProfile:
    url, pending = await adapter.begin()
    back = await sign_in_at_issuer(url, username)
    return await adapter.finish(pending, code=back["code"], state=back["state"])


async def redeem(keycloak: KeycloakServer, pending: PendingSignOn, code: str, client_id: str, secret: str) -> dict:
    """The token request done by hand, for tests that need the issuer's raw tokens."""
    async with httpx.AsyncClient(timeout=30) as http:
        response = await http.post(
            f"{keycloak.issuer('hall')}/protocol/openid-connect/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": pending.redirect_uri,
                "code_verifier": pending.code_verifier,
            },
            auth=(client_id, secret),
        )
    assert response.status_code == 200, response.text
    return response.json()


async def test_window_staff_signs_in_with_department_and_role_from_claims(sign_on: OidcSignOn):
    url, pending = await sign_on.begin()
    query = parse_qs(urlsplit(url).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["state"] == [pending.state] and query["nonce"] == [pending.nonce]
    assert pending.code_verifier not in url  # only its S256 hash travels through the browser
    assert url.startswith(f"{sign_on.issuer}/protocol/openid-connect/auth?")

    back = await sign_in_at_issuer(url, "aic-01")
    assert back["state"] == pending.state
    profile = await sign_on.finish(pending, code=back["code"], state=back["state"])

    assert profile == SignOnProfile(
        staff_id="aic-01", display_name="晓明 王", department_code="AIC", roles=frozenset({"window_staff"})
    )


async def test_manager_gets_every_known_role_and_none_of_the_issuers_own(sign_on: OidcSignOn):
    # zy-mgr also holds province_clerk at the issuer, a role the hall does not know
    profile = await sign_in(sign_on, "zy-mgr")
    assert (profile.staff_id, profile.department_code) == ("zy-mgr", "ZY")
    assert profile.roles == {"manager", "approver"}


async def test_the_role_map_renames_an_issuer_role(keycloak: KeycloakServer):
    async with OidcSignOn(settings_for(keycloak, role_map={"province_clerk": "window_staff"})) as adapter:
        profile = await sign_in(adapter, "prov-01")
    assert profile.roles == {"window_staff"}


async def test_a_user_with_no_role_of_ours_is_refused(sign_on: OidcSignOn):
    with pytest.raises(SignOnRefused, match="no role of the hall"):
        await sign_in(sign_on, "prov-01")  # province_clerk only, and no role map


async def test_a_user_without_department_is_refused(sign_on: OidcSignOn):
    with pytest.raises(SignOnRefused, match="no department for no-dept"):
        await sign_in(sign_on, "no-dept")


async def test_a_wrong_state_is_refused_before_the_code_is_redeemed(sign_on: OidcSignOn):
    url, pending = await sign_on.begin()
    back = await sign_in_at_issuer(url, "aic-01")
    _, other = await sign_on.begin()
    with pytest.raises(SignOnRefused, match="state"):
        await sign_on.finish(pending, code=back["code"], state=other.state)
    with pytest.raises(SignOnRefused, match="state"):
        await sign_on.finish(pending, code=back["code"], state="")
    # the refused attempts never reached the issuer: the code is still good
    profile = await sign_on.finish(pending, code=back["code"], state=back["state"])
    assert profile.staff_id == "aic-01"


async def test_a_replayed_code_is_refused(sign_on: OidcSignOn):
    url, pending = await sign_on.begin()
    back = await sign_in_at_issuer(url, "aic-01")
    await sign_on.finish(pending, code=back["code"], state=back["state"])
    with pytest.raises(SignOnRefused, match="invalid_grant") as refused:
        await sign_on.finish(pending, code=back["code"], state=back["state"])
    assert back["code"] not in refused.value.reason


async def test_the_issuer_enforces_pkce(sign_on: OidcSignOn):
    url, pending = await sign_on.begin()
    back = await sign_in_at_issuer(url, "aic-01")
    stolen = dataclasses.replace(pending, code_verifier="x" * 64)  # a thief has the code, not the verifier
    with pytest.raises(SignOnRefused, match="invalid_grant"):
        await sign_on.finish(stolen, code=back["code"], state=back["state"])


async def test_an_id_token_of_another_sign_on_is_refused(sign_on: OidcSignOn):
    url, pending = await sign_on.begin()
    back = await sign_in_at_issuer(url, "aic-01")
    other_nonce = dataclasses.replace(pending, nonce="a-nonce-of-another-sign-on")
    with pytest.raises(SignOnRefused, match="nonce"):
        await sign_on.finish(other_nonce, code=back["code"], state=back["state"])


async def test_a_wrong_client_secret_is_refused(keycloak: KeycloakServer):
    async with OidcSignOn(settings_for(keycloak, client_secret="not-the-secret")) as adapter:
        with pytest.raises(SignOnRefused, match=r"401 (unauthorized_client|invalid_client)"):
            await sign_in(adapter, "aic-01")


async def test_a_tampered_id_token_is_refused(keycloak: KeycloakServer, sign_on: OidcSignOn):
    url, pending = await sign_on.begin()
    back = await sign_in_at_issuer(url, "aic-01")
    tokens = await redeem(keycloak, pending, back["code"], "servicehall-gateway", GATEWAY_SECRET)
    genuine = tokens["id_token"]
    claims = await sign_on.verify_id_token(genuine, nonce=pending.nonce, access_token=tokens["access_token"])
    assert claims["department"] == "AIC"
    assert {"window_staff", "offline_access"} <= set(claims["roles"])  # the issuer's own roles are in the claim

    header, payload, signature = genuine.split(".")
    forged = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    forged["roles"] = ["window_staff", "manager"]
    forged_payload = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
    with pytest.raises(SignOnRefused, match="bad_signature"):
        await sign_on.verify_id_token(f"{header}.{forged_payload}.{signature}", nonce=pending.nonce)
    # the same token with the signature of none: alg "none" is never accepted
    none_header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    with pytest.raises(SignOnRefused):
        await sign_on.verify_id_token(f"{none_header}.{payload}.", nonce=pending.nonce)
    # a genuine access token is no ID token (another audience, no nonce)
    with pytest.raises(SignOnRefused):
        await sign_on.verify_id_token(tokens["access_token"], nonce=pending.nonce)


async def test_an_id_token_issued_to_another_client_is_refused(keycloak: KeycloakServer, sign_on: OidcSignOn):
    # hall-kiosk is another client of the same realm: its ID tokens are genuine, but not ours
    kiosk = OidcSignOn(settings_for(keycloak, client_id="hall-kiosk", client_secret="hall-kiosk-test-secret"))
    async with kiosk:
        url, pending = await kiosk.begin()
        back = await sign_in_at_issuer(url, "aic-01")
        tokens = await redeem(keycloak, pending, back["code"], "hall-kiosk", "hall-kiosk-test-secret")
        assert (await kiosk.verify_id_token(tokens["id_token"], nonce=pending.nonce))["aud"] == "hall-kiosk"
    with pytest.raises(SignOnRefused, match="aud"):
        await sign_on.verify_id_token(tokens["id_token"], nonce=pending.nonce)


async def test_staff_sign_in_through_the_gateway_at_the_local_openid_provider(
    keycloak, start_service, gateway_database_url
):
    """The whole path: the gateway sends the browser to Keycloak, takes the callback once, and
    the staff token it issues opens the case department's routes and nothing more."""
    cases = await start_service(CASES)
    dead = f"127.0.0.1:{free_port()}"
    settings = GatewaySettings(
        gateway_database_url=gateway_database_url,
        cases_addr=f"127.0.0.1:{cases.port}",
        fees_addr=dead,
        attendance_addr=dead,
        evaluation_addr=dead,
        notification_addr=dead,
    )
    app = create_app(settings, settings_for(keycloak))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as gateway,
    ):
        login = await gateway.get("/api/v1/auth/oidc/login")
        assert login.status_code == 302
        back = await sign_in_at_issuer(login.headers["location"], "aic-01")
        signed = await gateway.get("/api/v1/auth/oidc/callback", params={"code": back["code"], "state": back["state"]})
        assert signed.status_code == 200, signed.text
        assert (signed.json()["staff_id"], signed.json()["department_code"]) == ("aic-01", "AIC")
        bearer = {"Authorization": f"Bearer {signed.json()['access_token']}"}
        assert (await gateway.get("/api/v1/cases", headers=bearer)).status_code == 200
        foreign = await gateway.get("/api/v1/cases", params={"department_code": "LAND"}, headers=bearer)
        assert foreign.status_code == 403
        replayed = await gateway.get(
            "/api/v1/auth/oidc/callback", params={"code": back["code"], "state": back["state"]}
        )
        assert replayed.status_code == 401  # the pending sign-on is spent
