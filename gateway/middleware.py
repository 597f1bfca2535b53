"""ASGI middleware: request body limit and HTTP metrics."""

from __future__ import annotations

import time
from typing import Any

from prometheus_client import Counter, Histogram
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.errors import problem
from shared.masking import bounded_label

HTTP_REQUESTS = Counter(
    "servicehall_http_requests_total", "HTTP requests answered by the gateway", ["method", "route", "status"]
)
HTTP_SECONDS = Histogram(
    "servicehall_http_request_duration_seconds", "HTTP request latency in the gateway", ["method", "route"]
)


# Any token is a valid HTTP method to the server: only these become label values.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class BodyTooLarge(HTTPException):
    """Raised while the body streams in. An HTTPException, so that the route reading the
    body passes it on as it is (FastAPI turns any other error there into a 400) and
    gateway.errors answers the 413 problem."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"the request body is larger than {max_bytes} bytes")


class BodyLimitMiddleware:
    """Refuse bodies over the limit with 413, by Content-Length or while streaming."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise BodyTooLarge(self.max_bytes)
            return message

        try:
            await self.app(scope, limited, send)
        except BodyTooLarge:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem(413, f"the request body is larger than {self.max_bytes} bytes")
        await response(scope, receive, send)


class MetricsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status_holder: dict[str, Any] = {"status": 500}

        async def observe(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, observe)
        finally:
            # The route template, not the path: case numbers must not become label values.
            route = getattr(scope.get("route"), "path", "unmatched")
            method = bounded_label(scope["method"], METHODS)
            HTTP_REQUESTS.labels(method, route, str(status_holder["status"])).inc()
            HTTP_SECONDS.labels(method, route).observe(time.perf_counter() - started)
