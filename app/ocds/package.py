"""The OCDS release package, written as a stream: one release per contracting process, never all in memory.

`publishedDate` comes last (key order carries no meaning in JSON): it is the latest release date, which is
only known once every release has been built.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import datetime

from sqlmodel import Session

from app.auth.principal import Principal
from app.config import Settings
from app.db import utcnow
from app.kit.telemetry import EXPORT_RECORDS_SKIPPED
from app.ocds import codelists
from app.ocds.releases import build_release, latest_update, timestamp
from app.ocds.source import iter_processes, process_ids

log = logging.getLogger("app.ocds")


def use_snapshot(session: Session) -> None:
    """On PostgreSQL, read every chunk from one snapshot, so a package never mixes before and after a write."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def package_head(settings: Settings, uri: str) -> dict[str, object]:
    return {
        "uri": uri,
        "version": codelists.OCDS_VERSION,
        "extensions": [codelists.METRICS_EXTENSION_URL],
        "publisher": {"name": settings.ocds_publisher_name},
    }


def has_processes(session: Session, principal: Principal) -> bool:
    """False when there is no contracting process to export: OCDS requires a package to hold a release."""
    procurements, direct = process_ids(session, principal)
    return bool(procurements or direct)


def iter_package(session: Session, *, principal: Principal, settings: Settings, uri: str) -> Iterator[str]:
    """The release package as JSON text, in pieces."""
    head = json.dumps(package_head(settings, uri), ensure_ascii=False)
    yield head[:-1] + ', "releases": ['
    latest: datetime | None = None
    written = 0
    for process in iter_processes(session, principal):
        try:
            release = build_release(
                process, prefix=settings.ocds_prefix, fiscal_start_month=settings.fiscal_year_start_month
            )
        except Exception:
            # A record stored before today's validation cannot become a release: the package goes on without it
            # (a stream already under way cannot turn into an error), and the log and /metrics report it.
            log.exception("OCDS export: contracting process %s skipped", process.process_id)
            EXPORT_RECORDS_SKIPPED.labels("ocds").inc()
            continue
        changed = latest_update(process)
        latest = changed if latest is None or changed > latest else latest
        yield ("," if written else "") + json.dumps(release, ensure_ascii=False)
        written += 1
    yield '], "publishedDate": ' + json.dumps(timestamp(latest or utcnow())) + "}"
