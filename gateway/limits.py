"""Rate limits per client and route: a token bucket each, 429 with Retry-After when empty.

The client is the verified principal when the request carries a valid bearer token, else the
client address (an invalid token counts against the address; the route then answers 401).
Three kinds of bucket, each its own size per window:

- sign-in (`/api/v1/auth/sign-in`, `/oauth/token`): per client, strict: password and
  client-secret guessing;
- query code (any request with `X-Query-Code`): per client across all routes, strict, so
  guesses cannot be spread over routes;
- everything else: per client, method and resource (`/api/v1/cases`, `/api/v1/fees`, ...:
  the first segment after /api/v1), generous (the hall's kiosks and Wi-Fi share one address).

Buckets are in memory per replica (the limit is per replica, N replicas allow N times as
much): what must hold across replicas is held in a database, the per-case query-code lockout
in the cases service and the per-login sign-in lockout in the gateway's. The table of buckets
is bounded: the least recently used goes first when it is full, which is usually one that
has filled up again and so loses nothing.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.errors import problem
from gateway.identity.tokens import Tokens
from shared.identity import InvalidToken

SIGN_IN_PATHS = frozenset({"/api/v1/auth/sign-in", "/oauth/token"})
UNLIMITED_PATHS = frozenset({"/healthz", "/readyz"})  # probes; /metrics below: scrapers


@dataclass(frozen=True)
class Rule:
    requests: int  # the bucket's size: this many at once, then one per window/requests
    window_seconds: float


@dataclass
class _Bucket:
    tokens: float
    at: float


class RateLimiter:
    """Token buckets keyed by (client, kind); `clock` is monotonic seconds (tests set it)."""

    def __init__(self, *, max_clients: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_clients = max_clients
        self.clock = clock
        self._buckets: OrderedDict[tuple[str, str], _Bucket] = OrderedDict()

    def __len__(self) -> int:
        return len(self._buckets)

    def take(self, key: tuple[str, str], rule: Rule) -> float:
        """0 when the request may go, else the seconds until it may. No await inside: one
        request at a time on the event loop, so concurrent requests cannot both take the last."""
        now = self.clock()
        rate = rule.requests / rule.window_seconds
        bucket = self._buckets.pop(key, None)
        if bucket is None:
            bucket = _Bucket(float(rule.requests), now)
        else:
            bucket.tokens = min(float(rule.requests), bucket.tokens + (now - bucket.at) * rate)
            bucket.at = now
        self._buckets[key] = bucket  # most recently used last
        while len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / rate


@dataclass(frozen=True)
class Limits:
    enabled: bool
    default: Rule
    sign_in: Rule
    query_code: Rule


class RateLimitMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        limits: Callable[[], Limits],
        limiter: Callable[[], RateLimiter],
        tokens: Callable[[], Tokens],
    ) -> None:
        self.app = app
        self.limits = limits
        self.limiter = limiter
        self.tokens = tokens

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limits = self.limits()
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or not limits.enabled or path in UNLIMITED_PATHS or path.startswith("/metrics"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        client = await self._client(scope, headers)
        if path in SIGN_IN_PATHS:
            key, rule = (client, "sign-in"), limits.sign_in
        elif headers.get("x-query-code", "").strip():
            key, rule = (client, "query-code"), limits.query_code
        else:
            key, rule = (client, f"{scope['method']} {self._route(scope)}"), limits.default
        wait = self.limiter().take(key, rule)
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            response = problem(
                429, f"too many requests; try again in {seconds} s", headers={"Retry-After": str(seconds)}
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _client(self, scope: Scope, headers: dict[str, str]) -> str:
        scheme, _, token = headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            try:
                verified = await self.tokens().verify(token.strip())
            except InvalidToken:
                pass
            else:
                return f"{verified.caller.kind}:{verified.caller.staff_id}"
        return f"address:{(scope.get('client') or ('',))[0]}"

    @staticmethod
    def _route(scope: Scope) -> str:
        """The resource, not the path (`/api/v1/cases/...` is one route for every case
        number), so neither case numbers nor invented paths make a bucket each."""
        parts = str(scope.get("path", "")).split("/")
        return "/".join(parts[:4] if parts[1:3] == ["api", "v1"] else parts[:2])
