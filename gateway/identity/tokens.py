"""The gateway as token issuer: staff and system tokens on sign-in, its own short token for
the calls it makes for anonymous people and applicants, the JWKS, and the verification of
the bearer tokens that reach it (the same TokenVerifier the services use)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from gateway.identity import keys
from gateway.identity.accounts import StaffProfile
from gateway.models import SystemClient
from gateway.settings import GatewaySettings
from shared.db import read_only, run_in_transaction
from shared.identity import TokenVerifier, UnknownKey, Verified, issue_token
from shared.timeutil import utcnow

T = TypeVar("T")
GATEWAY_TOKEN_SECONDS = 300


class Tokens:
    def __init__(self, settings: GatewaySettings, session_factory: sessionmaker[Session]) -> None:
        self.settings = settings
        self.session_factory = session_factory
        self.verifier = TokenVerifier(self._jwks, issuer=settings.auth_issuer)
        self._gateway_token: tuple[str, float] = ("", 0.0)

    # -- the database, off the event loop ------------------------------------------------
    async def write(self, work: Callable[[Session], T]) -> T:
        return await asyncio.to_thread(run_in_transaction, self.session_factory, work)

    async def read(self, work: Callable[[Session], T]) -> T:
        return await asyncio.to_thread(read_only, self.session_factory, work)

    # -- keys ------------------------------------------------------------------------------
    def _jwks(self) -> dict[str, Any]:
        return run_in_transaction(self.session_factory, self._published)

    def _published(self, session: Session) -> dict[str, Any]:
        longest = max(self.settings.staff_token_seconds, self.settings.system_token_seconds)
        return keys.published(
            session, utcnow(), longest_token_seconds=longest, grace_seconds=self.settings.key_retire_grace_seconds
        )

    async def jwks(self) -> dict[str, Any]:
        return await asyncio.to_thread(self._jwks)

    async def _sign(self, **claims: Any) -> str:
        key = await self.write(lambda session: keys.signing_key(session, utcnow()))
        return issue_token(key, issuer=self.settings.auth_issuer, **claims)

    # -- issuing ---------------------------------------------------------------------------
    async def for_staff(self, profile: StaffProfile) -> tuple[str, int]:
        ttl = self.settings.staff_token_seconds
        token = await self._sign(
            subject=profile.staff_id,
            kind="staff",
            departments=[profile.department_code] if profile.department_code else [],
            roles=profile.roles,
            amr=profile.amr,
            ttl_seconds=ttl,
        )
        return token, ttl

    async def for_system(self, client: SystemClient) -> tuple[str, int]:
        ttl = self.settings.system_token_seconds
        token = await self._sign(
            subject=client.client_id,
            kind="system",
            departments=client.departments,
            roles=client.roles,
            scopes=client.scopes,
            amr=["client_secret"],
            ttl_seconds=ttl,
        )
        return token, ttl

    async def for_gateway(self) -> str:
        """The gateway's own token (no rights: the services treat it as anonymous), reused
        until a minute before it expires."""
        token, expires = self._gateway_token
        if time.time() < expires - 60:
            return token
        token = await self._sign(subject="gateway", kind="gateway", ttl_seconds=GATEWAY_TOKEN_SECONDS)
        self._gateway_token = (token, time.time() + GATEWAY_TOKEN_SECONDS)
        return token

    # -- verifying -------------------------------------------------------------------------
    async def verify(self, token: str) -> Verified:
        """Raises shared.identity.InvalidToken."""
        try:
            return self.verifier.verify(token)
        except UnknownKey as unknown:
            await asyncio.to_thread(self.verifier.refresh, str(unknown))
            return self.verifier.verify(token)
