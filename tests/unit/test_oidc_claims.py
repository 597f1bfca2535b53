"""The claim mapping of the single sign-on (gateway/identity/oidc.py): what the hall makes of
verified ID token claims. The flow itself runs against Keycloak in
tests/integration/test_oidc_sign_in.py."""

from __future__ import annotations

import pytest

from gateway.identity.oidc import OidcSettings, OidcSignOn, SignOnProfile, SignOnRefused, profile_from_claims

SETTINGS = OidcSettings(issuer="https://id.example/realms/hall", client_id="gw", redirect_uri="https://hall/cb")


def test_claims_map_to_a_profile_and_unknown_roles_drop():
    claims = {"preferred_username": "aic-01", "name": "王 晓明", "department": "AIC", "roles": ["window_staff", "x"]}
    assert profile_from_claims(claims, SETTINGS) == SignOnProfile(
        "aic-01", "王 晓明", "AIC", frozenset({"window_staff"})
    )


def test_claim_names_and_the_role_map_are_configurable():
    settings = SETTINGS.model_copy(
        update={
            "staff_id_claim": "employee_no",
            "department_claim": "org",
            "roles_claim": "groups",
            "display_name_claim": "cn",
            "role_map": {"hall-cashiers": "cashier"},
        }
    )
    claims = {"employee_no": "c-7", "org": ["ZY"], "groups": "hall-cashiers manager", "cn": ""}
    # a one-value list and a space-separated string are read too; an empty name falls back to the id
    assert profile_from_claims(claims, settings) == SignOnProfile("c-7", "c-7", "ZY", frozenset({"cashier", "manager"}))


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"department": "AIC", "roles": ["manager"]}, "no staff id"),
        ({"preferred_username": " ", "department": "AIC", "roles": ["manager"]}, "no staff id"),
        ({"preferred_username": "a", "roles": ["manager"]}, "no department"),
        ({"preferred_username": "a", "department": ["AIC", "ZY"], "roles": ["manager"]}, "no department"),
        ({"preferred_username": "a", "department": "AIC", "roles": ["offline_access"]}, "no role of the hall"),
        ({"preferred_username": "a", "department": "AIC"}, "no role of the hall"),
        ({"preferred_username": "a", "department": "AIC", "roles": {"manager": True}}, "not a list"),
    ],
)
def test_a_profile_the_hall_cannot_place_is_refused(claims: dict, reason: str):
    with pytest.raises(SignOnRefused, match=reason):
        profile_from_claims(claims, SETTINGS)


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("OIDC_ISSUER", "https://id.example/realms/hall")
    monkeypatch.setenv("OIDC_CLIENT_SECRET", "s3cret")
    monkeypatch.setenv("OIDC_ROLE_MAP", '{"province_clerk": "window_staff"}')
    settings = OidcSettings()
    assert settings.configured
    assert settings.role_map == {"province_clerk": "window_staff"}
    assert "s3cret" not in repr(settings)  # a SecretStr: never printed
    assert not OidcSettings(issuer="").configured


def test_an_incomplete_configuration_is_an_error_at_start():
    with pytest.raises(ValueError, match="client_id, redirect_uri"):
        OidcSignOn(OidcSettings(issuer="https://id.example/realms/hall"))
