"""Staff single sign-on at an OpenID Connect issuer (a province's unified identity platform,
Keycloak, ...): the authorization code flow with PKCE (S256), on authlib and joserfc.

The gateway calls :meth:`OidcSignOn.begin`, keeps the :class:`PendingSignOn` (its database)
and redirects the browser to the URL; the issuer sends the browser back to ``redirect_uri``
with ``code`` and ``state``, and :meth:`OidcSignOn.finish` turns them into a
:class:`SignOnProfile`, or refuses with :class:`SignOnRefused`. What the hall trusts:

- the discovery document (``/.well-known/openid-configuration``) only if it names the
  configured issuer (a mix-up of issuers is refused);
- the ID token only with a signature by a key of the issuer's JWKS, an asymmetric algorithm,
  ``iss`` = the issuer, ``aud`` holding our client id (``azp`` ours when present), ``exp`` in
  the future, the ``nonce`` of this sign-on, and ``at_hash`` matching the access token;
- staff id, department and roles only from the ID token's claims (names configurable);
  roles the hall does not know are dropped, and a sign-on without staff id, department or
  any known role is refused.

Tokens, codes, verifiers and secrets are never logged, nor put into an error's reason.
"""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.auth import KNOWN_ROLES

__all__ = ["IssuerUnavailable", "OidcSettings", "OidcSignOn", "PendingSignOn", "SignOnProfile", "SignOnRefused"]

log = logging.getLogger(__name__)

# Only public-key signatures: an HS* token would be "signed" with our own client secret, and
# "none" is no signature at all.
ASYMMETRIC_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
# How often a token naming an unknown key may make us fetch the JWKS again (key rotation).
JWKS_REFRESH_SECONDS = 60.0


class SignOnRefused(Exception):
    """The sign-on cannot make a staff member of this: the reason says why, in words safe to
    log and to show (never a token or a code)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class IssuerUnavailable(SignOnRefused):
    """The issuer did not answer (network, 5xx): the sign-on may work when tried again."""


@dataclass(frozen=True)
class SignOnProfile:
    """Who the issuer says signed in, after the claim mapping."""

    staff_id: str
    display_name: str
    department_code: str
    roles: frozenset[str]


@dataclass(frozen=True)
class PendingSignOn:
    """Kept by the gateway between begin and finish (in its database); secret, like a password:
    the code verifier is what turns a stolen code into tokens."""

    state: str
    nonce: str
    code_verifier: str
    redirect_uri: str


class OidcSettings(BaseSettings):
    """``OIDC_*`` environment variables. Single sign-on is on when ``OIDC_ISSUER`` is set."""

    model_config = SettingsConfigDict(env_prefix="OIDC_", extra="ignore")

    issuer: str = ""  # e.g. https://id.example.gov.cn/realms/hall, exactly as the issuer names itself
    client_id: str = ""
    client_secret: SecretStr = SecretStr("")
    redirect_uri: str = ""  # the gateway's .../api/v1/auth/oidc/callback, registered at the issuer
    scope: str = "openid profile"
    staff_id_claim: str = "preferred_username"
    department_claim: str = "department"
    roles_claim: str = "roles"
    display_name_claim: str = "name"
    # issuer role name -> our role name (OIDC_ROLE_MAP='{"province_clerk": "window_staff"}');
    # a role not in the map keeps its name, and is dropped unless it is one of ours
    role_map: dict[str, str] = Field(default_factory=dict)
    http_timeout_seconds: float = Field(10.0, gt=0)
    # clocks of the issuer and the gateway may differ by this much (exp, iat, nbf)
    clock_skew_seconds: int = Field(60, ge=0, le=300)

    @property
    def configured(self) -> bool:
        return bool(self.issuer)


def profile_from_claims(claims: Mapping[str, Any], settings: OidcSettings) -> SignOnProfile:
    """The hall's view of a verified ID token's claims (see the module's docstring)."""
    staff_id = claims.get(settings.staff_id_claim)
    if not isinstance(staff_id, str) or not staff_id.strip():
        raise SignOnRefused(f"the issuer's token has no staff id (claim {settings.staff_id_claim!r})")
    department = claims.get(settings.department_claim)
    if isinstance(department, list) and len(department) == 1:  # a multivalued attribute of one value
        department = department[0]
    if not isinstance(department, str) or not department.strip():
        raise SignOnRefused(
            f"the issuer's token has no department for {staff_id} (claim {settings.department_claim!r})"
        )
    raw_roles = claims.get(settings.roles_claim, [])
    if isinstance(raw_roles, str):
        raw_roles = raw_roles.split()
    if not isinstance(raw_roles, list):
        raise SignOnRefused(f"the issuer's roles claim {settings.roles_claim!r} is not a list")
    roles = frozenset(settings.role_map.get(r, r) for r in raw_roles if isinstance(r, str)) & KNOWN_ROLES
    if not roles:
        raise SignOnRefused(f"{staff_id} has no role of the hall at the issuer (claim {settings.roles_claim!r})")
    display_name = claims.get(settings.display_name_claim)
    if not isinstance(display_name, str) or not display_name.strip():
        display_name = staff_id
    return SignOnProfile(
        staff_id=staff_id.strip(),
        display_name=display_name.strip(),
        department_code=department.strip(),
        roles=roles,
    )


class OidcSignOn:
    """The relying party of one issuer. One instance serves every sign-on (it caches the
    discovery document and the JWKS); ``http`` is closed by whoever made it."""

    def __init__(self, settings: OidcSettings, http: httpx.AsyncClient | None = None) -> None:
        missing = [n for n in ("issuer", "client_id", "redirect_uri") if not getattr(settings, n)]
        if missing:
            raise ValueError(f"OIDC settings lack {', '.join(missing)}")
        self.settings = settings
        self.issuer = settings.issuer.rstrip("/")
        self._own_http = http is None
        self._http = http or httpx.AsyncClient(timeout=settings.http_timeout_seconds)
        self._metadata: dict[str, Any] | None = None
        self._keys: KeySet | None = None
        self._keys_fetched_at = 0.0

    async def aclose(self) -> None:
        if self._own_http:
            await self._http.aclose()

    async def __aenter__(self) -> OidcSignOn:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    # ------------------------------------------------------------------ the flow

    async def begin(self) -> tuple[str, PendingSignOn]:
        """The authorization URL to send the browser to, and what to keep until it returns."""
        metadata = await self.metadata()
        pending = PendingSignOn(
            state=generate_token(43),
            nonce=generate_token(43),
            code_verifier=generate_token(64),  # letters and digits: within RFC 7636's 43-128 characters
            redirect_uri=self.settings.redirect_uri,
        )
        url = prepare_grant_uri(
            metadata["authorization_endpoint"],
            self.settings.client_id,
            "code",
            redirect_uri=pending.redirect_uri,
            scope=self.settings.scope,
            state=pending.state,
            nonce=pending.nonce,
            code_challenge=create_s256_code_challenge(pending.code_verifier),
            code_challenge_method="S256",
        )
        return str(url), pending

    async def finish(self, pending: PendingSignOn, *, code: str, state: str) -> SignOnProfile:
        """Check ``state``, redeem ``code`` (with the PKCE verifier) at the token endpoint,
        verify the ID token and map its claims. Raises SignOnRefused."""
        if not state or not hmac.compare_digest(state.encode(), pending.state.encode()):
            raise SignOnRefused("the state does not belong to this sign-on")
        if not code:
            raise SignOnRefused("the issuer sent no authorization code")
        tokens = await self._redeem(pending, code)
        id_token = tokens.get("id_token")
        if not isinstance(id_token, str):
            raise SignOnRefused("the issuer's token response has no ID token")
        access_token = tokens.get("access_token")
        claims = await self.verify_id_token(
            id_token, nonce=pending.nonce, access_token=access_token if isinstance(access_token, str) else None
        )
        profile = profile_from_claims(claims, self.settings)
        log.info(
            "oidc sign-on",
            extra={"staff_id": profile.staff_id, "department": profile.department_code, "roles": sorted(profile.roles)},
        )
        return profile

    async def verify_id_token(self, id_token: str, *, nonce: str, access_token: str | None = None) -> dict[str, Any]:
        """The claims of an ID token of this issuer, for this client and this sign-on's nonce,
        once its signature and claims are checked. Raises SignOnRefused."""
        metadata = await self.metadata()
        offered = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
        algorithms = [a for a in offered if a in ASYMMETRIC_ALGORITHMS]
        try:
            try:
                token = jwt.decode(id_token, await self._key_set(), algorithms=algorithms)
            except InvalidKeyIdError:
                # the issuer may have rotated its keys since we fetched them
                token = jwt.decode(id_token, await self._key_set(refresh=True), algorithms=algorithms)
            claims = CodeIDToken(
                token.claims,
                token.header,
                options={
                    "iss": {"essential": True, "value": self.issuer},
                    "aud": {"essential": True, "value": self.settings.client_id},
                    "exp": {"essential": True},
                    "nonce": {"essential": True},
                },
                params={"nonce": nonce, "client_id": self.settings.client_id, "access_token": access_token},
            )
            claims.validate(now=int(time.time()), leeway=self.settings.clock_skew_seconds)
        except JoseError as error:
            # error.error is joserfc's short code (bad_signature, invalid_claim, ...), safe to show
            detail = f"{error.error}: {error.description}" if error.description else error.error
            raise SignOnRefused(f"the ID token is not valid: {detail}") from None
        except ValueError as error:  # a token that is not even a JWS
            raise SignOnRefused(f"the ID token is not valid: {type(error).__name__}") from None
        return dict(claims)

    # ------------------------------------------------------------ the issuer

    async def metadata(self) -> dict[str, Any]:
        """The issuer's discovery document, fetched once."""
        if self._metadata is None:
            document = await self._get_json(f"{self.issuer}/.well-known/openid-configuration")
            if document.get("issuer") != self.issuer:
                raise SignOnRefused(
                    f"the discovery document names issuer {document.get('issuer')!r}, not {self.issuer!r}"
                )
            for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
                if not isinstance(document.get(key), str):
                    raise SignOnRefused(f"the issuer's discovery document lacks {key}")
            if "S256" not in document.get("code_challenge_methods_supported", ["S256"]):
                raise SignOnRefused("the issuer does not support PKCE with S256")
            self._metadata = document
        return self._metadata

    async def _key_set(self, *, refresh: bool = False) -> KeySet:
        now = time.monotonic()
        if self._keys is None or (refresh and now - self._keys_fetched_at > JWKS_REFRESH_SECONDS):
            document = await self._get_json((await self.metadata())["jwks_uri"])
            # encryption keys are published beside the signing keys; they verify nothing
            keys = [k for k in document.get("keys", []) if isinstance(k, dict) and k.get("use", "sig") == "sig"]
            try:
                self._keys = KeySet.import_key_set({"keys": keys})
            except (JoseError, ValueError) as error:
                raise SignOnRefused(f"the issuer's JWKS cannot be read: {type(error).__name__}") from None
            self._keys_fetched_at = now
        return self._keys

    async def _redeem(self, pending: PendingSignOn, code: str) -> dict[str, Any]:
        endpoint = (await self.metadata())["token_endpoint"]
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": pending.redirect_uri,
            "code_verifier": pending.code_verifier,
        }
        secret = self.settings.client_secret.get_secret_value()
        try:
            # client_secret_basic: the method every issuer must support (RFC 6749 2.3.1)
            response = await self._http.post(
                endpoint,
                data=form,
                auth=httpx.BasicAuth(self.settings.client_id, secret) if secret else httpx.USE_CLIENT_DEFAULT,
                headers={"Accept": "application/json"},
            )
        except httpx.HTTPError as error:
            raise IssuerUnavailable(f"the issuer's token endpoint did not answer: {type(error).__name__}") from None
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code >= 500:
            raise IssuerUnavailable(f"the issuer's token endpoint failed ({response.status_code})")
        if response.status_code != 200 or not isinstance(body, dict):
            # the OAuth error code only (invalid_grant, ...): its description may echo the code
            error_code = body.get("error", "no error code") if isinstance(body, dict) else "no error code"
            raise SignOnRefused(f"the issuer refused the code ({response.status_code} {error_code})")
        return body

    async def _get_json(self, url: str) -> dict[str, Any]:
        try:
            response = await self._http.get(url, headers={"Accept": "application/json"})
            response.raise_for_status()
            document = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise IssuerUnavailable(f"the issuer did not answer {url}: {type(error).__name__}") from None
        if not isinstance(document, dict):
            raise SignOnRefused(f"the issuer's {url} is no JSON object")
        return document
