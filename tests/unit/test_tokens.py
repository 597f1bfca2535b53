"""shared/identity.py: what a token must be for a service to believe it."""

from __future__ import annotations

import time

import pytest
from joserfc import jwt

from shared.identity import InvalidToken, SigningKey, TokenVerifier, UnknownKey, issue_token, jwks_of

KEY = SigningKey.generate("k1")


def verifier(*keys: SigningKey, fetches: list[int] | None = None) -> TokenVerifier:
    published = list(keys)

    def source():
        if fetches is not None:
            fetches.append(1)
        return jwks_of(published)

    made = TokenVerifier(source, issuer="servicehall")
    made.published = published  # type: ignore[attr-defined]
    made.refresh()
    return made


def signed(key: SigningKey = KEY, **overrides) -> str:
    claims = {
        "subject": "aic-01",
        "kind": "staff",
        "departments": ["AIC"],
        "roles": ["window_staff"],
        "ttl_seconds": 600,
    }
    claims.update(overrides)
    return issue_token(key, issuer=claims.pop("issuer", "servicehall"), **claims)


def test_a_good_token_becomes_the_caller_it_names():
    caller = verifier(KEY).verify(signed()).caller
    assert (caller.kind, caller.staff_id, caller.department_code, caller.roles) == (
        "staff",
        "aic-01",
        "AIC",
        frozenset({"window_staff"}),
    )


def test_a_system_token_acts_as_its_client_and_only_within_its_scope():
    verified = verifier(KEY).verify(
        signed(kind="system", subject="land-registry", scopes=["servicehall.cases.v1.CasesService/GetCase"])
    )
    assert verified.caller.staff_id == "client:land-registry"
    assert verified.may_call("/servicehall.cases.v1.CasesService/GetCase")
    assert not verified.may_call("/servicehall.cases.v1.CasesService/AcceptCase")
    assert not verified.may_call("/servicehall.fees.v1.FeesService/RecordPayment")


def test_the_gateway_token_grants_nothing_and_unknown_roles_are_dropped():
    assert (
        verifier(KEY).verify(signed(kind="gateway", subject="gateway", roles=["manager"])).caller.roles == frozenset()
    )
    assert verifier(KEY).verify(signed(roles=["window_staff", "god"])).caller.roles == frozenset({"window_staff"})


@pytest.mark.parametrize(
    "token",
    [
        signed(ttl_seconds=-60),  # expired beyond the leeway
        signed(issuer="someone-else"),
        signed(SigningKey.generate("k1")),  # our key id, another key
        signed(subject=""),
        "",
        "a.b.c",
    ],
)
def test_a_token_that_is_not_ours_or_not_now_is_refused(token):
    with pytest.raises(InvalidToken):
        verifier(KEY).verify(token)


def test_another_audience_and_a_future_token_are_refused():
    now = int(time.time())
    other = jwt.encode(
        {"alg": "ES256", "kid": "k1"},
        {"iss": "servicehall", "aud": "elsewhere", "sub": "x", "kind": "staff", "exp": now + 600},
        KEY.key,
    )
    future = issue_token(KEY, issuer="servicehall", subject="x", kind="staff", ttl_seconds=600, now=now + 3600)
    for token in (other, future):
        with pytest.raises(InvalidToken):
            verifier(KEY).verify(token)


def test_a_new_key_is_fetched_once_and_a_removed_key_stops_working():
    fetches: list[int] = []
    keys = verifier(KEY, fetches=fetches)
    old = signed()
    keys.verify(old)
    new_key = SigningKey.generate("k2")
    keys.published.append(new_key)  # type: ignore[attr-defined]
    with pytest.raises(UnknownKey):
        keys.verify(signed(new_key))
    keys.refresh("k2")
    assert keys.verify(signed(new_key)).caller.staff_id == "aic-01"
    keys.refresh("k2")  # known now: no fetch
    assert len(fetches) == 2
    keys.published.remove(KEY)  # type: ignore[attr-defined]
    keys.refresh("k3")
    with pytest.raises(UnknownKey):
        keys.verify(old)  # the cache of verified tokens went with the key


def test_forged_key_ids_do_not_make_a_fetch_each():
    fetches: list[int] = []
    keys = verifier(KEY, fetches=fetches)
    keys.REFRESH_AT_MOST_EVERY = 0.01
    for _ in range(3):
        keys.refresh("forged")
    assert len(fetches) == 2  # the first ask of "forged"; the same id again waits 30 s
