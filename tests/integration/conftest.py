"""Session fixtures of the integration tests that need a peer of their own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import free_port
from tools.keycloak import KeycloakServer, ensure_distribution

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def keycloak(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KeycloakServer]:
    """A real Keycloak with the realm `hall` of tools/keycloak/realm-hall.json, started once
    per session (~20 s on 2 cores; the distribution comes from .cache/keycloak, fetched
    from Maven Central and built on first use). Its log: <tmp>/keycloak0/keycloak.out."""
    home = tmp_path_factory.mktemp("keycloak")
    server = KeycloakServer(ensure_distribution(REPO_ROOT), home, free_port(), free_port())
    server.start()
    yield server
    server.stop()
