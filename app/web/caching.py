"""HTTP caching for what anyone may read: a strong ETag from the body, Cache-Control, and 304 on If-None-Match."""

from __future__ import annotations

import hashlib

CACHE_CONTROL = "public, max-age=300"


def strong_etag(body: bytes) -> str:
    """A strong validator: the same bytes always give the same tag, different bytes a different one."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 13.1.2: If-None-Match uses the weak comparison, and `*` matches any current representation."""
    if not if_none_match:
        return False
    candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in candidates or etag in candidates
