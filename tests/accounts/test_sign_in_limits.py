"""Sign-in limits that hold under attack and do not lock out the people they protect: parallel guesses are
counted before any is checked, an account is locked per address first (its owner elsewhere still signs in), a
service account is never locked as a whole, and a password change refuses every older token, even one issued
in the same second."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from app.auth.roles import Role
from app.main import app
from tests.accounts.test_sign_in import TOKEN, client_credentials, new_service_account, sign_in
from tests.auth.helpers import API, assert_unauthenticated, bearer, reconfigure
from tests.conftest import TEST_PASSWORD
from tests.support import Actor, assert_problem

PAT = "pat.viewer@city.example"


def _from(address: str) -> TestClient:
    """A client at another address (the server sees the connection's peer)."""
    return TestClient(app, client=(address, 50000))


def test_a_token_issued_in_the_same_second_as_a_password_change_is_refused(
    admin: Actor, make_actor: Any, client: TestClient
) -> None:
    pat = make_actor(Role.viewer, email=PAT)
    token = sign_in(client, PAT, TEST_PASSWORD).json()["access_token"]

    changed = admin.update(f"{API}/users/{pat.user_id}", {"password": "A-new-long-passphrase-2026"})
    assert changed.status_code == 200, changed.text

    assert_problem(client.get(f"{API}/contracts", headers=bearer(token)), 401)
    fresh = sign_in(client, PAT, "A-new-long-passphrase-2026").json()["access_token"]
    assert client.get(f"{API}/contracts", headers=bearer(fresh)).status_code == 200


def test_parallel_wrong_passwords_get_no_more_checks_than_the_limit(
    live_server: str, make_actor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_actor(Role.viewer, email=PAT)
    limit = 5  # the default the server runs with

    def guess(number: int) -> int:
        form = {"grant_type": "password", "username": PAT, "password": f"guess number {number}"}
        return httpx.post(f"{live_server}{TOKEN}", data=form, timeout=120).status_code

    with ThreadPoolExecutor(max_workers=24) as pool:
        answers = Counter(pool.map(guess, range(24)))

    assert set(answers) <= {401, 429}
    assert answers[401] <= limit, answers  # each 401 is a password actually checked


def test_guesses_from_one_address_do_not_lock_the_owner_out_elsewhere(
    make_actor: Any, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = reconfigure(monkeypatch, signin_max_failures="3")
    make_actor(Role.viewer, email=PAT)
    attacker, owner = _from("203.0.113.50"), _from("198.51.100.7")

    for _ in range(settings.signin_max_failures):
        assert_unauthenticated(sign_in(attacker, PAT, "Summer2026!Summer"))
    assert_problem(sign_in(attacker, PAT, "Autumn2026!Autumn"), 429)

    assert sign_in(owner, PAT, TEST_PASSWORD).status_code == 200


def test_the_account_as_a_whole_is_locked_at_four_times_the_limit(
    make_actor: Any, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = reconfigure(monkeypatch, signin_max_failures="2")
    make_actor(Role.viewer, email=PAT)
    addresses = [f"203.0.113.{n}" for n in range(1, 5)]  # four addresses, each up to its own limit
    for address in addresses:
        for _ in range(settings.signin_max_failures):
            assert_unauthenticated(sign_in(_from(address), PAT, "guessing guessing"))

    assert_problem(sign_in(_from("198.51.100.7"), PAT, TEST_PASSWORD), 429)


def test_a_service_account_is_never_locked_by_guesses_from_elsewhere(
    admin: Actor, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = reconfigure(monkeypatch, signin_max_failures="2")
    account = new_service_account(admin, ["readings:write"])
    for n in range(1, 6):  # more failures than even the account-wide limit of a person
        for _ in range(settings.signin_max_failures):
            assert_unauthenticated(client_credentials(_from(f"203.0.113.{n}"), account["client_id"], "wrong"))

    erp = client_credentials(_from("10.20.0.5"), account["client_id"], account["client_secret"])

    assert erp.status_code == 200, erp.text
