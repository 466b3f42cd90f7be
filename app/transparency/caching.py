"""Cache-friendly public responses: a strong ETag from the body, Cache-Control, and 304 on If-None-Match."""

from __future__ import annotations

import hashlib

from fastapi import Response
from pydantic import BaseModel

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


def cached_json(model: BaseModel, if_none_match: str | None) -> Response:
    """`model` as JSON with its ETag and Cache-Control, or an empty 304 when the client already has it."""
    body = model.model_dump_json().encode()
    etag = strong_etag(body)
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL}
    if matches(if_none_match, etag):
        return Response(status_code=304, headers=headers)
    return Response(content=body, media_type="application/json", headers=headers)
