"""The address that sign-in limits count is the connection's own: an `X-Forwarded-For` header is believed only
from the proxies an operator names (`RDC_FORWARDED_ALLOW_IPS`), never by default, even from the same host."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from app.auth.roles import Role
from tests.servers import Server, free_port

PAT = "pat.viewer@city.example"
TOKEN = "/api/v1/auth/token"


def _serve(database_url: str, **env: str) -> Server:
    port = free_port()
    command = [sys.executable, "-m", "app.cli", "serve", "--port", str(port)]
    server = Server(
        command,
        port=port,
        env=os.environ | {"RDC_DATABASE_URL": database_url, "RDC_SIGNIN_MAX_FAILURES": "2"} | env,
    )
    if not server.wait_until_alive("/healthz"):
        pytest.fail(f"rdc serve did not start:\n{server.output()}")
    return server


@pytest.fixture
def guesser(configured: str, make_actor: Any) -> Iterator[Any]:
    make_actor(Role.viewer, email=PAT)
    servers: list[Server] = []

    def guess(forwarded_for: str, **env: str) -> int:
        if not servers:
            servers.append(_serve(configured, **env))
        form = {"grant_type": "password", "username": PAT, "password": "not the password"}
        return httpx.post(
            f"{servers[0].base}{TOKEN}", data=form, headers={"X-Forwarded-For": forwarded_for}, timeout=60
        ).status_code

    yield guess
    for server in servers:
        server.stop()


def test_a_forged_forwarded_for_header_does_not_buy_new_attempts(guesser: Any) -> None:
    answers = [guesser(f"203.0.113.{n}") for n in range(1, 4)]

    assert answers == [401, 401, 429]  # all three came from this test's own address


def test_a_named_proxy_passes_on_the_clients_address(guesser: Any) -> None:
    answers = [guesser(f"203.0.113.{n}", RDC_FORWARDED_ALLOW_IPS="127.0.0.1") for n in range(1, 4)]

    assert answers == [401, 401, 401]  # three clients behind the proxy, one attempt each
