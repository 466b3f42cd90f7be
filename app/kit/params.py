"""Path and header parameters and documented error answers shared by every router."""

from typing import Annotated, Any

from fastapi import Header, Path

from app.kit.fields import MAX_INT_ID
from app.kit.problems import Problem

RecordId = Annotated[int, Path(ge=1, le=MAX_INT_ID, description="Record id")]
_ENTITY_TAG = r'(W/)?"[\x21\x23-\x7e]*"'
IF_MATCH_PATTERN = rf"^(\*|{_ENTITY_TAG}(\s*,\s*{_ENTITY_TAG})*)$"
OPTIONAL_IF_MATCH_PATTERN = IF_MATCH_PATTERN.replace("^(", "^(|", 1)  # sent empty counts as absent
# Required: a missing If-Match is answered 428 (RFC 6585), see `kit.problems`.
IfMatch = Annotated[
    str,
    Header(
        alias="If-Match",
        pattern=IF_MATCH_PATTERN,
        description='ETag of the version being changed, from the last GET, e.g. "v3"',
    ),
]
OptionalIfMatch = Annotated[
    str | None,
    Header(alias="If-Match", pattern=OPTIONAL_IF_MATCH_PATTERN, description="Optional ETag guard"),
]

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "content": {"application/problem+json": {}}} for code in (400, 401, 403, 404, 422)
}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = ERRORS | {
    code: {"model": Problem, "content": {"application/problem+json": {}}} for code in (409, 412, 428)
}
