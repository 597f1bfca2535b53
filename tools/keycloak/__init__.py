"""A local Keycloak from Maven Central, the OpenID provider of the sign-on tests.

See :mod:`tools.keycloak.server`; ``python -m tools.keycloak ensure|start|stop|status``.
"""

from tools.keycloak.server import REALM_FILE, VERSION, KeycloakServer, ensure_distribution

__all__ = ["REALM_FILE", "VERSION", "KeycloakServer", "ensure_distribution"]
