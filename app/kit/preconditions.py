"""ETags and If-Match (RFC 9110 13.1.1): every stored record carries a version; a change names the one it saw."""

from __future__ import annotations

from typing import Any

from app.kit.problems import IF_MATCH_MISSING, PreconditionFailed, PreconditionRequired


def etag(record: Any) -> str:
    return f'"v{record.version}"'


def check_if_match(record: Any, if_match: str | None, *, required: bool) -> int:
    """The record's version, after checking the client's If-Match against it (RFC 9110 13.1.1)."""
    if not if_match:  # absent, or sent empty
        if required:
            raise PreconditionRequired(IF_MATCH_MISSING)
        return int(record.version)
    candidates = {tag.strip().removeprefix("W/") for tag in if_match.split(",")}
    if "*" not in candidates and etag(record) not in candidates:
        raise PreconditionFailed(
            f"If-Match {if_match!r} does not match the current version {etag(record)}; reload and retry"
        )
    return int(record.version)
