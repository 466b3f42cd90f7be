"""The retry schedule, Retry-After parsing and the address guard, on their own (no database)."""

from __future__ import annotations

import ipaddress
import random
from datetime import UTC, datetime, timedelta

import pytest

from app.webhooks import retry
from app.webhooks.guard import UnsafeTarget, allow_list, check, restricted


def test_back_off_grows_with_jitter_and_spans_about_three_days() -> None:
    rng = random.Random(1)
    totals = []
    for _ in range(200):
        waits = [retry.backoff(n, rng) for n in range(1, retry.MAX_ATTEMPTS)]
        assert all(w is not None for w in waits)
        totals.append(sum((w for w in waits if w is not None), timedelta()))
    assert retry.backoff(retry.MAX_ATTEMPTS, rng) is None
    assert min(totals) > timedelta(hours=48) and max(totals) < timedelta(hours=100)
    assert timedelta(hours=66) < sum(totals, timedelta()) / len(totals) < timedelta(hours=84)
    assert len({retry.backoff(3, rng) for _ in range(5)}) == 5  # jittered, never the same twice


def test_retry_after_is_read_as_seconds_or_an_http_date_and_capped() -> None:
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    assert retry.retry_after("120", now=now) == timedelta(seconds=120)
    assert retry.retry_after("Tue, 01 Dec 2026 13:30:00 GMT", now=now) == timedelta(minutes=90)
    assert retry.retry_after("999999", now=now) == retry.RETRY_AFTER_CAP
    assert retry.retry_after("Tue, 01 Dec 2026 11:00:00 GMT", now=now) == timedelta(0)
    assert retry.retry_after("soon", now=now) is None and retry.retry_after(None, now=now) is None
    assert retry.next_wait(1, timedelta(minutes=10), random.Random(0)) == timedelta(minutes=10)
    assert retry.next_wait(retry.MAX_ATTEMPTS, timedelta(minutes=10)) is None


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "2002:7f00:1::1",
        "ff02::1",
        "::",
    ],
)
def test_non_public_addresses_are_restricted(address: str) -> None:
    assert restricted(ipaddress.ip_address(address))


def test_public_addresses_pass_and_the_allow_list_takes_hosts_addresses_and_networks() -> None:
    assert not restricted(ipaddress.ip_address("93.184.215.14"))
    assert not restricted(ipaddress.ip_address("2606:4700::1111"))
    allowed = allow_list("127.0.0.1, 10.0.0.0/8 ,erp.internal")
    assert check("http://10.9.8.7:8080/hook", allowed).address == ipaddress.ip_address("10.9.8.7")
    assert allowed.names_host("ERP.internal.")
    with pytest.raises(UnsafeTarget):
        check("https://192.168.0.1/hook", allowed)
    with pytest.raises(UnsafeTarget):
        check("http://93.184.215.14/hook", allowed)  # public, but plain http
