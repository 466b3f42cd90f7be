"""One HTTP attempt: check the target, POST to the checked address, never follow a redirect.

No database work happens here: the caller reads the delivery, calls `send` outside any transaction (SQLite has
one writer, and a slow receiver must not hold it), then records the outcome in a short write transaction.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache

import httpx

from app.webhooks.guard import AllowList, Target, UnsafeTarget, check

SNIPPET_CHARS = 500
_MAX_READ = 4096


@dataclass(frozen=True)
class Outcome:
    status_code: int | None  # None: no HTTP answer (refused target, connection error, time-out)
    duration_ms: int
    error: str | None = None
    snippet: str | None = None
    retry_after: str | None = None  # the raw header; `retry.retry_after` interprets it

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def send(url: str, body: str, headers: dict[str, str], *, allowed: AllowList, timeout: float) -> Outcome:
    started = time.perf_counter()
    try:
        target = check(url, allowed)
    except UnsafeTarget as refused:
        return Outcome(None, _elapsed(started), error=f"refused: {refused}"[:SNIPPET_CHARS])
    try:
        return _post(target, body, headers, timeout, started)
    except httpx.TimeoutException:
        return Outcome(None, _elapsed(started), error=f"timed out after {timeout:g} s")
    except httpx.HTTPError as error:
        return Outcome(None, _elapsed(started), error=f"{type(error).__name__}: {error}"[:SNIPPET_CHARS])


def _post(target: Target, body: str, headers: dict[str, str], timeout: float, started: float) -> Outcome:
    """POSTs to the address the guard checked, naming the original host in Host and (for https) in SNI, so the
    receiver's certificate is verified for its own name while DNS is not consulted a second time."""
    request_url = httpx.URL(target.url).copy_with(host=str(target.address))
    default_port = 443 if target.scheme == "https" else 80
    host_header = f"[{target.host}]" if ":" in target.host else target.host
    if target.port != default_port:
        host_header += f":{target.port}"
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    client = _client_for(target.host)
    request = client.build_request(
        "POST",
        request_url,
        content=body.encode(),
        headers=headers | {"host": host_header},
        extensions=extensions,
        timeout=timeout,
    )
    response = client.send(request, stream=True)
    try:
        snippet = _read_snippet(response)
    finally:
        response.close()
    error = None
    if response.is_redirect:
        location = response.headers.get("location", "")[:200]
        error = f"redirect ({response.status_code}) to {location!r} not followed; register the final URL"
    elif not response.is_success:
        error = f"HTTP {response.status_code}"
    return Outcome(
        response.status_code,
        _elapsed(started),
        error=error,
        snippet=snippet,
        retry_after=response.headers.get("retry-after"),
    )


@lru_cache(maxsize=256)
def _client_for(host: str) -> httpx.Client:
    """A client per receiving host name (thread-safe; it keeps connections open between deliveries).

    Per name, because requests go to the checked address: a pool shared by names would reuse a TLS connection
    verified for one name to send to another name on the same address. trust_env=False: a proxy from the
    environment would make its own DNS lookup and bypass the guard.
    """
    return httpx.Client(follow_redirects=False, trust_env=False)


def _read_snippet(response: httpx.Response) -> str | None:
    """The start of the response body, for the delivery log (never more than a few kilobytes are read)."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size >= _MAX_READ:
            break
    text = b"".join(chunks).decode("utf-8", errors="replace")[:SNIPPET_CHARS]
    return text or None


def _elapsed(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)
