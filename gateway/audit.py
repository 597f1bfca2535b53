"""The audit log of staff actions: who, when, what (method and route), on which case, from
where, with what outcome. Written by AuditMiddleware after every request a signed-in staff
member or department system makes; append-only in the database; read by the efficiency
office (GET /api/v1/audit-entries)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import sqlalchemy as sa
from opentelemetry import trace
from sqlalchemy.orm import Session, sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.models import AuditEntry
from shared.auth import Caller
from shared.db import run_in_transaction
from shared.errors import PermissionDenied
from shared.identity import Verified
from shared.timeutil import utcnow

log = logging.getLogger(__name__)


def list_entries(
    session: Session, caller: Caller, *, actor: str, case_number: str, before: int, limit: int
) -> list[AuditEntry]:
    if caller.kind != "staff" or not caller.has_role("efficiency_office"):
        raise PermissionDenied("the audit log is read by the efficiency office")
    query = sa.select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if case_number:
        query = query.where(AuditEntry.case_number == case_number)
    if before:
        query = query.where(AuditEntry.id < before)
    return list(session.scalars(query))


class AuditMiddleware:
    """After the answer is sent (the client does not wait for the log), one row per request
    of a verified staff or system caller. A failed write is logged, never hidden."""

    def __init__(self, app: ASGIApp, session_factory: sessionmaker[Session]) -> None:
        self.app = app
        self.session_factory = session_factory

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = {"code": 500}

        async def observe(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, observe)
        finally:
            principal = scope.get("state", {}).get("principal")
            if isinstance(principal, Verified) and principal.caller.is_staff:
                await self._record(scope, principal.caller, status["code"])

    async def _record(self, scope: Scope, caller: Caller, status_code: int) -> None:
        route = str(getattr(scope.get("route"), "path", scope.get("path", "")))[:200]
        params: dict[str, Any] = scope.get("path_params", {})
        span = trace.get_current_span().get_span_context()
        entry = {
            "at": utcnow(),
            "actor": caller.staff_id,
            "roles": sorted(caller.roles),
            "department_code": caller.department_code,
            "method": scope["method"],
            "route": route,
            "case_number": str(params.get("case_number", ""))[:40],
            "status_code": status_code,
            "client_address": str((scope.get("client") or ("",))[0])[:64],
            "trace_id": f"{span.trace_id:032x}" if span.is_valid else "",
        }
        try:
            await asyncio.to_thread(run_in_transaction, self.session_factory, lambda s: s.add(AuditEntry(**entry)))
        except Exception:
            log.exception("an audit entry could not be written", extra={"route": route, "actor": caller.staff_id})
