"""create_app(settings): the FastAPI application, built from settings passed in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from prometheus_client import make_asgi_app

from gateway.audit import AuditMiddleware
from gateway.clients import open_clients
from gateway.errors import install_error_handlers, problem_components
from gateway.idempotency import IdempotencyStore, install_idempotency
from gateway.identity.oidc import OidcSettings, OidcSignOn
from gateway.identity.tokens import Tokens
from gateway.limits import Limits, RateLimiter, RateLimitMiddleware, Rule
from gateway.middleware import BodyLimitMiddleware, MetricsMiddleware
from gateway.routers import admin, auth, cases, fees, health, registers
from gateway.routers import sign_on as sign_on_routes
from gateway.settings import GatewaySettings
from shared.db import make_engine, make_session_factory


def create_app(settings: GatewaySettings, sign_on: OidcSettings | None = None) -> FastAPI:
    """`sign_on`: the OpenID provider staff sign in at (single sign-on), if any."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.clients = open_clients(settings)
        app.state.sign_on = OidcSignOn(sign_on) if sign_on is not None and sign_on.configured else None
        try:
            yield
        finally:
            await app.state.clients.close()
            if app.state.sign_on is not None:
                await app.state.sign_on.aclose()
            engine.dispose()

    app = FastAPI(
        title="servicehall gateway",
        summary="HTTP API of the county administrative service center",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    # The gateway's own database (accounts, keys, idempotency, audit); migrated beforehand
    # by `python -m gateway migrate`, like the services'.
    engine = make_engine(settings.resolved_database_url())
    session_factory = make_session_factory(engine)
    app.state.tokens = Tokens(settings, session_factory)
    install_error_handlers(app)
    app.include_router(auth.router)
    app.include_router(admin.router)
    app.include_router(sign_on_routes.router)
    app.include_router(cases.router)
    app.include_router(fees.router)
    app.include_router(registers.router)
    app.include_router(health.router)
    app.mount("/metrics", make_asgi_app())
    # Innermost: it stores the answer the routes gave, before the audit sees it go out.
    install_idempotency(
        app,
        IdempotencyStore(
            session_factory,
            ttl_seconds=settings.idempotency_ttl_seconds,
            in_flight_seconds=settings.idempotency_in_flight_seconds,
        ),
    )
    app.add_middleware(AuditMiddleware, session_factory=session_factory)
    app.add_middleware(MetricsMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    # Outermost: a refused request costs no body read and no database.
    window = settings.rate_limit_window_seconds
    app.state.limits = Limits(
        enabled=settings.rate_limits_enabled,
        default=Rule(settings.rate_limit_requests, window),
        sign_in=Rule(settings.rate_limit_sign_in_requests, window),
        query_code=Rule(settings.rate_limit_query_code_requests, window),
    )
    app.state.limiter = RateLimiter(max_clients=settings.rate_limit_max_clients)
    # Read from app.state on every request, so a test can switch them or set the clock.
    app.add_middleware(
        RateLimitMiddleware,
        limits=lambda: app.state.limits,
        limiter=lambda: app.state.limiter,
        tokens=lambda: app.state.tokens,
    )
    FastAPIInstrumentor.instrument_app(app, excluded_urls="healthz,readyz,metrics")

    def openapi() -> dict[str, Any]:
        # The routes document their problem responses by reference (gateway.routing); the
        # Problem schema they refer to is added here, once.
        if app.openapi_schema is None:
            document = get_openapi(title=app.title, version=app.version, summary=app.summary, routes=app.routes)
            document.setdefault("components", {}).setdefault("schemas", {}).update(problem_components())
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
