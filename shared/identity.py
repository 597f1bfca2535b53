"""Signed tokens: issued by the gateway, verified by every service (docs/security.md).

A token is a JWT signed with ES256 under a key id. `issue_token` makes one from a
`SigningKey`; `TokenVerifier` checks signature, issuer, audience and lifetime against a
JWKS and turns the claims into the `Caller` the use cases authorize. Keys come from a
`KeySource`: the gateway's JWKS URL in production, a JWKS given inline in tests and
`make up`. A token naming an unknown key id makes the verifier fetch the keys again (at
most every few seconds), which is what lets the gateway rotate keys without downtime.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import httpx
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet

from shared.auth import AUTHORIZATION, CLIENT_ADDRESS, KNOWN_ROLES, QUERY_CODE, Caller

ALGORITHM = "ES256"
AUDIENCE = "servicehall"
KINDS = frozenset({"staff", "system", "gateway"})
LEEWAY_SECONDS = 30  # clocks of gateway and services may differ a little

# A JWKS as a dict ({"keys": [...]}); a KeySource returns the current one.
KeySource = Callable[[], Mapping[str, Any]]


class InvalidToken(Exception):
    """The token is missing, malformed, forged, expired or not meant for us. The message is
    for the log; callers are told only that a valid token is needed."""


class UnknownKey(InvalidToken):
    """Signed under a key id not (yet) in the key set: fetch the keys again and retry."""


@dataclass(frozen=True)
class SigningKey:
    """A private key with its id. The gateway keeps these; only the public half leaves it."""

    kid: str
    key: ECKey

    @classmethod
    def generate(cls, kid: str | None = None) -> SigningKey:
        kid = kid or uuid.uuid4().hex[:16]
        return cls(kid, ECKey.generate_key("P-256", parameters={"kid": kid, "alg": ALGORITHM, "use": "sig"}))

    @classmethod
    def from_pem(cls, kid: str, pem: str) -> SigningKey:
        return cls(kid, ECKey.import_key(pem, parameters={"kid": kid, "alg": ALGORITHM, "use": "sig"}))

    def private_pem(self) -> str:
        return self.key.as_pem(private=True).decode()

    def public_jwk(self) -> dict[str, Any]:
        return dict(self.key.as_dict(private=False))


def jwks_of(keys: Iterable[SigningKey]) -> dict[str, Any]:
    return {"keys": [key.public_jwk() for key in keys]}


def issue_token(
    key: SigningKey,
    *,
    issuer: str,
    subject: str,
    kind: str,
    departments: Iterable[str] = (),
    roles: Iterable[str] = (),
    scopes: Iterable[str] = (),
    amr: Iterable[str] = (),
    ttl_seconds: int,
    now: float | None = None,
) -> str:
    if kind not in KINDS:
        raise ValueError(f"unknown token kind {kind!r}")
    issued = int(now if now is not None else time.time())
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": AUDIENCE,
        "sub": subject,
        "kind": kind,
        "departments": sorted(set(departments)),
        "roles": sorted(set(roles)),
        "amr": list(amr),
        "iat": issued,
        "nbf": issued,
        "exp": issued + ttl_seconds,
        "jti": uuid.uuid4().hex,
    }
    if scopes:
        claims["scope"] = " ".join(sorted(set(scopes)))
    return jwt.encode({"alg": ALGORITHM, "kid": key.kid, "typ": "JWT"}, claims, key.key)


def static_keys(jwks: Mapping[str, Any] | str) -> KeySource:
    parsed = json.loads(jwks) if isinstance(jwks, str) else dict(jwks)
    return lambda: parsed


def remote_keys(url: str, timeout: float = 5.0) -> KeySource:
    def fetch() -> Mapping[str, Any]:
        response = httpx.get(url, timeout=timeout)
        response.raise_for_status()
        jwks: Mapping[str, Any] = response.json()
        return jwks

    return fetch


@dataclass(frozen=True)
class Verified:
    caller: Caller
    scopes: frozenset[str]
    expires_at: float

    def may_call(self, method: str) -> bool:
        """System tokens are limited to the RPCs in their scope (`pkg.Service/Method` or
        `pkg.Service/*`); staff and gateway tokens are limited by the use cases' rules."""
        if self.caller.kind != "system":
            return True
        service = method.lstrip("/").partition("/")[0]
        return method.lstrip("/") in self.scopes or f"{service}/*" in self.scopes


class TokenVerifier:
    """Thread-safe; verified tokens are remembered until they expire (a verification costs
    ~80 µs, a hit a dict lookup), so a busy caller pays for its token once."""

    # A token with an unknown key id makes a fetch, but at most once a second overall (forged
    # key ids must not hammer the JWKS) and once per key id every 30 s.
    REFRESH_AT_MOST_EVERY = 1.0
    RETRY_KEY_ID_AFTER = 30.0
    CACHE_SIZE = 10_000

    def __init__(
        self, source: KeySource, *, issuer: str, clock: Callable[[], float] = time.time, leeway: int = LEEWAY_SECONDS
    ) -> None:
        self._source = source
        self._issuer = issuer
        self._clock = clock
        self._leeway = leeway
        self._lock = threading.Lock()
        self._keys: KeySet | None = None
        self._kids: frozenset[str] = frozenset()
        self._fetched_at = float("-inf")
        self._asked: OrderedDict[str, float] = OrderedDict()  # unknown key id -> when fetched for it
        self._cache: OrderedDict[str, Verified] = OrderedDict()

    def refresh(self, kid: str = "") -> None:
        """Fetch the key set (again) for a key id not in it; cheap to call often. Within a
        second of the last fetch it waits out the second rather than refuse a new key."""
        with self._lock:
            now = time.monotonic()
            recently_asked = now - self._asked.get(kid, float("-inf")) < self.RETRY_KEY_ID_AFTER
            if self._keys is not None and (kid in self._kids or recently_asked):
                return
            self._asked[kid] = now
            self._asked.move_to_end(kid)
            while len(self._asked) > 1000:
                self._asked.popitem(last=False)
            wait = self._fetched_at + self.REFRESH_AT_MOST_EVERY - now
            self._fetched_at = max(now, self._fetched_at + self.REFRESH_AT_MOST_EVERY)
        if wait > 0:
            time.sleep(wait)
        jwks = self._source()
        keys = KeySet.import_key_set(dict(jwks))  # type: ignore[arg-type]
        kids = frozenset(str(key.kid) for key in keys.keys)
        with self._lock:
            self._keys, self._kids = keys, kids
            self._cache.clear()  # a key that left the set must stop working now

    def verify(self, token: str) -> Verified:
        now = self._clock()
        with self._lock:
            hit = self._cache.get(token)
            if hit is not None and hit.expires_at + self._leeway > now:
                self._cache.move_to_end(token)
                return hit
            keys, kids = self._keys, self._kids
        try:
            header = jws.extract_compact(token.encode()).protected if token else {}
        except (JoseError, ValueError) as error:
            raise InvalidToken(f"malformed token: {error}") from None
        if header.get("alg") != ALGORITHM:
            raise InvalidToken("token not signed with ES256")
        if keys is None or header.get("kid") not in kids:
            raise UnknownKey(str(header.get("kid", "")))
        try:
            decoded = jwt.decode(token, keys, algorithms=[ALGORITHM])
        except (JoseError, ValueError) as error:
            raise InvalidToken(f"bad signature or token: {error}") from None
        verified = self._check(decoded.claims, now)
        with self._lock:
            self._cache[token] = verified
            if len(self._cache) > self.CACHE_SIZE:
                self._cache.popitem(last=False)
        return verified

    def _check(self, claims: Mapping[str, Any], now: float) -> Verified:
        if claims.get("iss") != self._issuer:
            raise InvalidToken("token from another issuer")
        audience = claims.get("aud")
        if audience != AUDIENCE and not (isinstance(audience, list) and AUDIENCE in audience):
            raise InvalidToken("token meant for another audience")
        expires, not_before = claims.get("exp"), claims.get("nbf", claims.get("iat"))
        if not isinstance(expires, int) or expires + self._leeway <= now:
            raise InvalidToken("token expired")
        if isinstance(not_before, int) and not_before - self._leeway > now:
            raise InvalidToken("token not yet valid")
        kind, subject = claims.get("kind"), claims.get("sub")
        if kind not in KINDS or not isinstance(subject, str) or not subject:
            raise InvalidToken("token without a kind or subject")
        departments = _strings(claims.get("departments"))
        roles = _strings(claims.get("roles")) & KNOWN_ROLES
        scopes = frozenset(str(claims.get("scope", "")).split())
        if kind == "staff":
            caller = Caller(staff_id=subject, departments=departments, roles=roles, kind="staff")
        elif kind == "system":
            caller = Caller(staff_id=f"client:{subject}", departments=departments, roles=roles, kind="system")
        else:  # the gateway calling for an anonymous person or an applicant: no rights of its own
            caller = Caller(kind="anonymous")
        return Verified(caller=caller, scopes=scopes, expires_at=float(expires))


def _strings(value: Any) -> frozenset[str]:
    if not isinstance(value, list):
        return frozenset()
    return frozenset(item for item in value if isinstance(item, str) and item)


class Unauthenticated(Exception):
    pass


class Authenticator:
    """What the interceptor asks about each call: who is it (a verified Caller), and may
    they call this method at all. Fetches the keys in a thread, off the event loop."""

    def __init__(self, verifier: TokenVerifier) -> None:
        self.verifier = verifier

    async def authenticate(self, metadata: Iterable[tuple[str, str | bytes]] | None, method: str) -> Verified:
        values = {key: value.decode() if isinstance(value, bytes) else value for key, value in metadata or ()}
        scheme, _, token = values.get(AUTHORIZATION, "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("no bearer token")
        token = token.strip()
        try:
            verified = self.verifier.verify(token)
        except UnknownKey as unknown:
            await asyncio.to_thread(self.verifier.refresh, str(unknown))
            try:
                verified = self.verifier.verify(token)
            except InvalidToken as error:
                raise Unauthenticated(str(error)) from None
        except InvalidToken as error:
            raise Unauthenticated(str(error)) from None
        caller = verified.caller
        extra: dict[str, Any] = {"client_address": values.get(CLIENT_ADDRESS, "")[:64]}
        if caller.kind == "anonymous":  # only an applicant proves anything by metadata
            extra["query_code"] = values.get(QUERY_CODE, "").strip()[:12]
        return Verified(replace(caller, **extra), verified.scopes, verified.expires_at)
