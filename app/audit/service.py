"""Writing and reading audit entries."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlmodel import Session, SQLModel, col, select

from app.audit.models import AuditEntry
from app.auth.principal import Principal
from app.kit.pagination import paginate
from app.kit.request_context import request_id_var


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")  # plain notation: "80", never "8E+1"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, Mapping):
        return {key: _jsonable(item) for key, item in value.items()}
    return value


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value differs, as field -> [before, after]."""
    keys = sorted(set(before) | set(after))
    return {
        key: [_jsonable(before.get(key)), _jsonable(after.get(key))]
        for key in keys
        if before.get(key) != after.get(key)
    }


BOOKKEEPING = frozenset({"created_at", "updated_at", "version"})


def snapshot(record: SQLModel) -> dict[str, Any]:
    """A record's values as the audit log shows them (without bookkeeping columns)."""
    return record.model_dump(exclude=set(BOOKKEEPING))


def record_creation(
    session: Session, *, actor: Principal, entity: str, created: SQLModel, fields: set[str] | None = None
) -> None:
    """Audits a newly flushed record: every value (or only `fields`, e.g. never a secret's hash) as added."""
    values = created.model_dump(include=fields) if fields else snapshot(created)
    entity_id = created.id  # type: ignore[attr-defined]
    assert entity_id is not None, "flush the record before auditing it"
    record(session, actor=actor, entity=entity, entity_id=entity_id, action="create", changes=diff({}, values))


def record(
    session: Session,
    *,
    actor: Principal,
    entity: str,
    entity_id: int,
    action: str,
    changes: dict[str, list[Any]],
) -> None:
    """Adds an entry to the session: it commits (or rolls back) together with the audited change."""
    session.add(
        AuditEntry(
            actor=actor.subject,
            actor_role=actor.role.value,
            entity=entity,
            entity_id=entity_id,
            action=action,
            changes=changes,
            request_id=request_id_var.get(),
        )
    )


def search(
    session: Session,
    *,
    entity: str | None,
    entity_id: int | None,
    actor: str | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    offset: int,
) -> tuple[list[AuditEntry], int]:
    query = select(AuditEntry)
    if entity:
        query = query.where(AuditEntry.entity == entity)
    if entity_id is not None:
        query = query.where(AuditEntry.entity_id == entity_id)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if since:
        query = query.where(col(AuditEntry.occurred_at) >= since)
    if until:
        query = query.where(col(AuditEntry.occurred_at) < until)
    return paginate(
        session, query, col(AuditEntry.occurred_at).desc(), col(AuditEntry.id).desc(), limit=limit, offset=offset
    )
