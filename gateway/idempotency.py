"""Idempotency-Key on the POSTs that create or pay (draft-ietf-httpapi-idempotency-key-header).

A route that needs it takes `key: IdempotencyKey` (or `KeyPassedDown`, when the service it
calls deduplicates by the key itself). Then, per principal and key:

- no key: 400 naming the header;
- first request: an `in_flight` row is committed before the route runs (INSERT ... ON
  CONFLICT DO NOTHING), so of any number of parallel requests exactly one runs;
- while it runs, the same key: 409; the same key with another method, path or body: 422;
- done: the stored answer again (status, body, Location), marked `Idempotent-Replayed: true`;
- a 5xx answer (or 401, 429: nothing was done) releases the key so a retry runs; a 504 is
  kept unless the service deduplicates by the key, since the work may have been done;
- records expire after IDEMPOTENCY_TTL_SECONDS (24 h); expired ones are ignored and purged.

The records live in the gateway database, shared by its replicas. Anonymous applicants have
no verified identity to scope a key by, so their keys must be random UUIDs and are scoped
`anonymous`: the key itself is the secret (122 random bits), like the query code it may
bring back. Scoping by client address instead would fail both ways: the hall's kiosks and
Wi-Fi share one address, and a phone that moves from Wi-Fi to 4G retries from another one,
which would then submit a second case. A stored body is encrypted with a key derived from
the Idempotency-Key, and the record holds only the key's sha256, so the database alone never
reveals a stored answer (the query code of a new case, say).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any

import sqlalchemy as sa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from fastapi import Depends, FastAPI, Header, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.dependencies import Principal
from gateway.models import IdempotencyRecord
from shared.db import run_in_transaction, table_of, upsert
from shared.timeutil import as_utc, utcnow

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
MAX_KEY = 100
IN_FLIGHT, DONE = "in_flight", "done"
KEPT_HEADERS = ("content-type", "location")  # what a replay needs besides status and body
PURGE_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Stored:
    status_code: int
    headers: dict[str, str]
    body: bytes


class Replay(Exception):
    """Not an error: the stored answer, raised past the route to the handler that sends it."""

    def __init__(self, stored: Stored) -> None:
        self.stored = stored


@dataclass(frozen=True)
class Claim:
    """The in_flight row this request holds; the middleware completes or releases it."""

    principal: str
    key: str
    passes_key_down: bool


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _cipher(principal: str, key: str) -> AESGCM:
    return AESGCM(hashlib.sha256(f"servicehall idempotency\0{principal}\0{key}".encode()).digest())


def seal(principal: str, key: str, body: bytes) -> bytes:
    nonce = os.urandom(12)
    return nonce + _cipher(principal, key).encrypt(nonce, body, principal.encode())


def unseal(principal: str, key: str, sealed: bytes) -> bytes:
    return _cipher(principal, key).decrypt(sealed[:12], sealed[12:], principal.encode())


class IdempotencyStore:
    """The idempotency_records table. `now` is settable (tests move it past the 24 h)."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        ttl_seconds: float,
        in_flight_seconds: float,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self.session_factory = session_factory
        self.ttl = timedelta(seconds=ttl_seconds)
        self.in_flight = timedelta(seconds=in_flight_seconds)
        self.now = now
        self._purged_at: datetime | None = None

    def claim(self, principal: str, key: str, fingerprint: str) -> Stored | None:
        """None: this request holds the key now and runs. A Stored: the answer to replay.
        Raises HTTPException 409 (still in flight) or 422 (another request)."""
        now = self.now()
        self._purge(now)
        digest = _digest(key)

        def work(session: Session) -> tuple[str, IdempotencyRecord | None]:
            inserted = session.execute(
                upsert(session, table_of(IdempotencyRecord))
                .values(
                    principal=principal,
                    key=digest,
                    fingerprint=fingerprint,
                    state=IN_FLIGHT,
                    status_code=0,
                    headers={},
                    body=b"",
                    created_at=now,
                    expires_at=now + self.ttl,
                )
                .on_conflict_do_nothing(index_elements=["principal", "key"])
                # RETURNING, not rowcount: it says whether this insert won on every driver.
                .returning(IdempotencyRecord.principal)
            )
            if inserted.first() is not None:
                return "claimed", None
            found = session.get(IdempotencyRecord, (principal, digest), populate_existing=True)
            if found is None:  # released between the insert and the read: try again
                return "again", None
            if as_utc(found.expires_at) <= now or (
                found.state == IN_FLIGHT and as_utc(found.created_at) + self.in_flight <= now
            ):
                # Expired, or abandoned by a replica that died mid-request: taken over only
                # if nobody else took it over first (compare and set on created_at).
                taken = session.execute(
                    sa.update(IdempotencyRecord)
                    .where(
                        IdempotencyRecord.principal == principal,
                        IdempotencyRecord.key == digest,
                        IdempotencyRecord.created_at == found.created_at,
                    )
                    .values(
                        fingerprint=fingerprint,
                        state=IN_FLIGHT,
                        status_code=0,
                        headers={},
                        body=b"",
                        created_at=now,
                        expires_at=now + self.ttl,
                    )
                    .returning(IdempotencyRecord.principal)
                )
                return ("claimed" if taken.first() is not None else "again"), None
            return "found", found

        for _ in range(3):
            outcome, found = run_in_transaction(self.session_factory, work)
            if outcome == "claimed":
                return None
            if outcome == "found":
                assert found is not None
                if found.fingerprint != fingerprint:
                    raise HTTPException(
                        422, f"this {HEADER} was used for another request (method, path or body); use a new key"
                    )
                if found.state == IN_FLIGHT:
                    raise HTTPException(409, f"a request with this {HEADER} is still being processed; retry later")
                return Stored(found.status_code, dict(found.headers), unseal(principal, key, found.body))
        raise HTTPException(409, f"a request with this {HEADER} is changing hands; retry")

    def complete(self, claim: Claim, stored: Stored) -> None:
        def work(session: Session) -> None:
            session.execute(
                sa.update(IdempotencyRecord)
                .where(IdempotencyRecord.principal == claim.principal, IdempotencyRecord.key == _digest(claim.key))
                .values(
                    state=DONE,
                    status_code=stored.status_code,
                    headers=stored.headers,
                    body=seal(claim.principal, claim.key, stored.body),
                )
            )

        run_in_transaction(self.session_factory, work)

    def release(self, claim: Claim) -> None:
        def work(session: Session) -> None:
            session.execute(
                sa.delete(IdempotencyRecord).where(
                    IdempotencyRecord.principal == claim.principal,
                    IdempotencyRecord.key == _digest(claim.key),
                    IdempotencyRecord.state == IN_FLIGHT,
                )
            )

        run_in_transaction(self.session_factory, work)

    def _purge(self, now: datetime) -> None:
        """Expired rows go, at most once a minute per replica (the index on expires_at)."""
        if self._purged_at is not None and now - self._purged_at < PURGE_EVERY:
            return
        self._purged_at = now
        run_in_transaction(
            self.session_factory,
            lambda s: s.execute(sa.delete(IdempotencyRecord).where(IdempotencyRecord.expires_at <= now)),
        )


def principal_of(request: Request, principal: Any) -> str:
    caller = getattr(principal, "caller", None)
    if caller is not None and caller.is_staff:
        return f"{caller.kind}:{caller.staff_id}"[:80]
    return "anonymous"


def _canonical(body: bytes) -> bytes:
    """JSON compared by meaning, not spacing or key order; anything else byte for byte."""
    try:
        return json.dumps(json.loads(body), sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    except ValueError:
        return body


def fingerprint(method: str, path: str, query: str, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), query.encode(), _canonical(body)):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def _store(request: Request) -> IdempotencyStore:
    store: IdempotencyStore = request.app.state.idempotency
    return store


UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"


def _check_key(key: str, principal: str) -> str:
    key = key.strip()
    if not key:
        raise HTTPException(400, f"the {HEADER} header is required: a new key per request, the same on a retry")
    if len(key) > MAX_KEY or not key.isascii() or not key.isprintable():
        raise HTTPException(400, f"the {HEADER} header is at most {MAX_KEY} printable ASCII characters")
    if principal == "anonymous":
        try:
            uuid.UUID(key)
        except ValueError:
            raise HTTPException(
                400, f"without sign-in the {HEADER} header must be a random UUID (it is the only proof of the request)"
            ) from None
    return key


def _dependency(passes_key_down: bool) -> Callable[..., Any]:
    async def claim_key(
        request: Request,
        principal: Principal,
        key: Annotated[
            str,
            Header(
                alias=HEADER,
                max_length=36,
                pattern=UUID_PATTERN,  # a random UUID: for an applicant it is the only proof of the request
                description="a new random UUID per request, the same on a retry",
            ),
        ],
    ) -> str:
        who = principal_of(request, principal)
        key = _check_key(key, who)
        store = _store(request)
        digest = fingerprint(request.method, request.url.path, request.url.query, await request.body())
        stored = await asyncio.to_thread(store.claim, who, key, digest)
        if stored is not None:
            raise Replay(stored)
        request.state.idempotency = Claim(who, key, passes_key_down)
        return key

    return claim_key


# A route that creates or pays takes one of these (after its `call`, so that a request
# without a valid token is refused before it claims a key).
IdempotencyKey = Annotated[str, Depends(_dependency(passes_key_down=False))]
KeyPassedDown = Annotated[str, Depends(_dependency(passes_key_down=True))]


def _released(status: int, passes_key_down: bool) -> bool:
    if status == 504:
        return passes_key_down  # the work may be done: only a service that dedups may see it again
    return status >= 500 or status in (401, 429)


class IdempotencyMiddleware:
    """Holds the answer of a request that claimed a key until it is stored, so that a client
    that has the answer always finds it stored; releases the key on a 5xx or a crash."""

    def __init__(self, app: ASGIApp, store: Callable[[], IdempotencyStore]) -> None:
        self.app = app
        self.store = store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        start: Message | None = None
        chunks: list[bytes] = []
        finished = False

        async def hold(message: Message) -> None:
            nonlocal start, finished
            claim = state.get("idempotency")
            if claim is None:
                await send(message)
                return
            if message["type"] == "http.response.start":
                start = message
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            finished = True
            assert start is not None
            await self._settle(claim, start, b"".join(chunks))
            await send(start)
            await send({"type": "http.response.body", "body": b"".join(chunks)})

        try:
            await self.app(scope, receive, hold)
        finally:
            claim = state.get("idempotency")
            if claim is not None and not finished:
                await self._quietly(self.store().release, claim)

    async def _settle(self, claim: Claim, start: Message, body: bytes) -> None:
        status = int(start["status"])
        if _released(status, claim.passes_key_down):
            await self._quietly(self.store().release, claim)
            return
        headers = {
            k.decode("latin-1").lower(): v.decode("latin-1")
            for k, v in start.get("headers", [])
            if k.decode("latin-1").lower() in KEPT_HEADERS
        }
        await self._quietly(self.store().complete, claim, Stored(status, headers, body))

    @staticmethod
    async def _quietly(action: Callable[..., None], *args: Any) -> None:
        # The answer still goes out; the key then stays in flight until the lease runs out.
        try:
            await asyncio.to_thread(action, *args)
        except Exception:
            log.exception("an idempotency record could not be written")


def install_idempotency(app: FastAPI, store: IdempotencyStore) -> None:
    app.state.idempotency = store

    @app.exception_handler(Replay)
    async def replay(_request: Request, error: Replay) -> Response:
        headers = {k: v for k, v in error.stored.headers.items() if k != "content-type"}
        return Response(
            error.stored.body,
            status_code=error.stored.status_code,
            headers={**headers, REPLAYED: "true"},
            media_type=error.stored.headers.get("content-type"),
        )

    app.add_middleware(IdempotencyMiddleware, store=lambda: app.state.idempotency)
