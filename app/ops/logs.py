"""Structured logs: one JSON object per line, on standard error, through the standard `logging` module.

Every line has `time`, `level`, `logger`, `message` and `request_id` (the `X-Request-ID` of the request
being served, null outside requests); access lines add `method`, `route` (the template), `status` and
`duration_ms`. Nothing logs request headers or bodies; as a second line of defence, bearer/basic
credentials, JWTs, `password=...`-style assignments and passwords in URLs are masked in messages and
traces, and extra fields named like secrets are replaced by `[redacted]`.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

from app.kit.request_context import request_id_var

_RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
    "color_message",  # uvicorn's message with terminal colours
}
_REQUEST_ID = "_rdc_request_id"  # set when a record is made, so a handler formatting it later still knows it
_SECRET_NAME = re.compile(r"authorization|password|passwd|secret|token|cookie|api_?key|credential", re.IGNORECASE)
_CREDENTIALS = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")
_ASSIGNED = re.compile(r"(?i)\b(password|passwd|pwd|secret|client_secret|token|access_token)=([^\s&;,'\"]+)")
# user:password@ in a connection URL
_URL_PASSWORD = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^:/@\s]+):([^@/\s]+)@")
REDACTED = "[redacted]"


def redact(text: str) -> str:
    text = _CREDENTIALS.sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    text = _ASSIGNED.sub(lambda m: f"{m.group(1)}={REDACTED}", text)
    text = _URL_PASSWORD.sub(lambda m: f"{m.group(1)}:{REDACTED}@", text)
    return _JWT.sub(REDACTED, text)


def request_id_of(record: logging.LogRecord) -> str | None:
    return getattr(record, "request_id", None) or getattr(record, _REQUEST_ID, None) or request_id_var.get()


def _remember_request_ids() -> None:
    """Stamps each new log record with the current request id (once per process)."""
    make_record = logging.getLogRecordFactory()
    if getattr(make_record, "_rdc", False):
        return

    def stamped(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        setattr(record, _REQUEST_ID, request_id_var.get())
        return record

    stamped._rdc = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(stamped)


class JsonFormatter(logging.Formatter):
    """A log record as one line of JSON."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            "request_id": request_id_of(record),
        }
        for key, value in vars(record).items():
            if key not in _RESERVED and key not in entry and not key.startswith("_"):
                entry[key] = REDACTED if _SECRET_NAME.search(key) else value
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        elif record.exc_text:
            entry["exception"] = redact(record.exc_text)
        return json.dumps(entry, default=str)


class TextFormatter(logging.Formatter):
    """Human-readable lines for development (`RDC_LOG_FORMAT=text`)."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        record.request_id = request_id_of(record) or "-"
        return redact(super().format(record))


class _StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever `sys.stderr` is at the time (test runners swap it)."""

    _rdc = True

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def configure_logging(level: str = "INFO", fmt: str = "json") -> None:
    """Routes every logger (uvicorn's too) through one handler on the root logger; safe to call again."""
    _remember_request_ids()
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_rdc", False):
            root.removeHandler(handler)
    handler = _StderrHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # a line per plugin at every start
    # procrastinate logs several lines per job at INFO (deferred, started, finished): kept for debugging only.
    jobs_level = logging.DEBUG if level.upper() == "DEBUG" else logging.WARNING
    logging.getLogger("procrastinate").setLevel(jobs_level)
    # The application writes its own access lines (route template, request id, duration).
    access = logging.getLogger("uvicorn.access")
    access.handlers.clear()
    access.propagate = False
