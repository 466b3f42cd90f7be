"""An uploaded file's name, kept to show and to offer on download: a plain name, never a path or a trick."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

MAX_NAME = 255
# Control characters, invisible format characters (a right-to-left override, U+202E, shows `invoice<RLO>fdp.exe`
# as `invoiceexe.pdf`), and line or paragraph separators.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


class BadName(ValueError):
    pass


def checked_filename(raw: str | None) -> str:
    """The name without surrounding blanks; raises BadName saying what is wrong with it."""
    name = (raw or "").strip()
    if not name:
        raise BadName("the file has no name: send it with a file name (e.g. report.pdf)")
    if len(name) > MAX_NAME:
        raise BadName(f"the file name is longer than {MAX_NAME} characters")
    if "/" in name or "\\" in name:
        raise BadName("send a file name, not a path: it may not contain / or \\")
    if name in {".", ".."}:
        raise BadName("the file name may not be . or ..")
    if any(unicodedata.category(char) in _REFUSED_CATEGORIES for char in name):
        raise BadName("the file name contains control or invisible formatting characters")
    return name


def content_disposition(name: str) -> str:
    """`attachment` with the name: plain ASCII for old clients, and the exact name in UTF-8 (RFC 6266)."""
    fallback = "".join(char if " " <= char <= "~" and char not in '"\\%' else "_" for char in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
