"""Registering, changing and removing webhook endpoints, scoped to the caller's departments.

Visibility: citywide callers see every endpoint; a department-limited caller sees an endpoint only when every
department it names is one of theirs (an endpoint that names none covers the whole city, so it is theirs only
if they are citywide). Every write is audited, never with a secret in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import column, select, table
from sqlmodel import Session, col
from sqlmodel import select as select_models

from app.audit import service as audit
from app.auth.principal import Principal, PrincipalKind
from app.config import get_settings
from app.db import utcnow
from app.kit.preconditions import check_if_match
from app.kit.problems import Forbidden, InvalidInput, NotFound
from app.webhooks.guard import UnsafeTarget, allow_list, check
from app.webhooks.models import WebhookEndpoint
from app.webhooks.schemas import EndpointCreate, EndpointUpdate
from app.webhooks.signing import new_secret

ENTITY = "webhook_endpoint"
# What the audit log shows of an endpoint: its subscription, never its secrets.
AUDITED = ("url", "description", "event_types", "department_ids", "owner_id", "active", "disabled_reason")
_department = table("department", column("id"))


def visible_to(principal: Principal, endpoint: WebhookEndpoint) -> bool:
    if principal.department_ids is None:
        return True
    return bool(endpoint.department_ids) and set(endpoint.department_ids) <= principal.department_ids


def visible_endpoint(session: Session, *, principal: Principal, endpoint_id: int) -> WebhookEndpoint:
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or not visible_to(principal, endpoint):
        raise NotFound(f"no webhook endpoint {endpoint_id}")
    return endpoint


def list_endpoints(
    session: Session, *, principal: Principal, limit: int, offset: int
) -> tuple[list[WebhookEndpoint], int]:
    """A page of the endpoints the caller may see (scoped in Python: department lists are JSON, and a city has
    tens of endpoints, not millions)."""
    rows = session.exec(select_models(WebhookEndpoint).order_by(col(WebhookEndpoint.id))).all()
    visible = [endpoint for endpoint in rows if visible_to(principal, endpoint)]
    return visible[offset : offset + limit], len(visible)


def create(session: Session, *, principal: Principal, data: EndpointCreate) -> tuple[WebhookEndpoint, str]:
    """The new endpoint and its secret (the only time the secret leaves the service, with `rotate_secret`)."""
    if principal.kind != PrincipalKind.user or principal.id is None:
        raise Forbidden("webhook endpoints belong to a user account; sign in as a user to register one")
    _check_url(data.url)
    departments = _check_departments(session, principal, data.department_ids)
    secret = new_secret()
    endpoint = WebhookEndpoint(
        url=data.url,
        description=data.description,
        event_types=[t.value for t in data.event_types],
        department_ids=departments,
        owner_id=principal.id,
        secret=secret,
    )
    session.add(endpoint)
    session.flush()
    audit.record_creation(session, actor=principal, entity=ENTITY, created=endpoint, fields=set(AUDITED))
    session.commit()
    session.refresh(endpoint)
    return endpoint, secret


def update(
    session: Session, *, principal: Principal, endpoint: WebhookEndpoint, patch: EndpointUpdate, if_match: str
) -> WebhookEndpoint:
    check_if_match(endpoint, if_match, required=True)
    requested = patch.model_dump(exclude_unset=True)
    for name in ("url", "event_types", "department_ids", "active"):
        if name in requested and requested[name] is None:
            raise InvalidInput.on(f"body.{name}", f"{name} cannot be null; leave it out to keep it", "null")
    changes: dict[str, Any] = {}
    if "url" in requested and requested["url"] != endpoint.url:
        _check_url(requested["url"])
        changes["url"] = requested["url"]
    if "description" in requested and requested["description"] != endpoint.description:
        changes["description"] = requested["description"]
    if "event_types" in requested:
        types = [t.value for t in patch.event_types or []]
        if types != endpoint.event_types:
            changes["event_types"] = types
    if "department_ids" in requested:
        departments = _check_departments(session, principal, requested["department_ids"])
        if departments != endpoint.department_ids:
            changes["department_ids"] = departments
    if "active" in requested and requested["active"] != endpoint.active:
        changes.update(_activation(requested["active"], utcnow()))
    if not changes:
        return endpoint
    before = _audited(endpoint)
    for name, value in changes.items():
        setattr(endpoint, name, value)
    endpoint.version += 1
    endpoint.updated_at = utcnow()
    session.add(endpoint)
    record_change(session, principal, endpoint, audit.diff(before, _audited(endpoint)))
    session.commit()
    session.refresh(endpoint)
    return endpoint


def delete(session: Session, *, principal: Principal, endpoint: WebhookEndpoint, if_match: str | None) -> None:
    check_if_match(endpoint, if_match, required=False)
    record_change(session, principal, endpoint, audit.diff(_audited(endpoint), {}), action="delete")
    session.delete(endpoint)  # its deliveries and their attempt log go with it (ON DELETE CASCADE)
    session.commit()


def rotate_secret(
    session: Session, *, principal: Principal, endpoint: WebhookEndpoint, overlap: timedelta, if_match: str | None
) -> tuple[WebhookEndpoint, str]:
    """A new secret; the current one keeps signing alongside it for `overlap`, so receivers can switch over."""
    check_if_match(endpoint, if_match, required=False)
    now = utcnow()
    secret = new_secret()
    endpoint.previous_secret = endpoint.secret if overlap > timedelta(0) else None
    endpoint.previous_secret_expires_at = now + overlap if overlap > timedelta(0) else None
    endpoint.secret = secret
    endpoint.version += 1
    endpoint.updated_at = now
    session.add(endpoint)
    record_change(
        session,
        principal,
        endpoint,
        {
            "secret": ["(rotated)", "(new secret issued)"],
            "previous_secret_expires_at": [None, audit_value(endpoint.previous_secret_expires_at)],
        },
    )
    session.commit()
    session.refresh(endpoint)
    return endpoint, secret


def signing_secrets(endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    """The secrets that sign a delivery now: the current one, and the previous one while its overlap lasts."""
    found = [endpoint.secret]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret and expires is not None and expires > now:
        found.append(endpoint.previous_secret)
    return found


def audit_value(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _activation(active: bool, now: datetime) -> dict[str, Any]:
    if active:  # re-enabled: a fresh start, its old failures forgiven
        return {
            "active": True,
            "disabled_reason": None,
            "disabled_at": None,
            "consecutive_failures": 0,
            "failing_since": None,
        }
    return {"active": False, "disabled_reason": "disabled by a user", "disabled_at": now}


def _audited(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {name: getattr(endpoint, name) for name in AUDITED}


def _check_url(url: str) -> None:
    try:
        check(url, allow_list(get_settings().webhook_allowed_hosts))
    except UnsafeTarget as refused:
        raise InvalidInput.on("body.url", str(refused), refused.code) from None


def _check_departments(session: Session, principal: Principal, department_ids: Sequence[int]) -> list[int]:
    wanted = sorted(set(department_ids))
    if principal.department_ids is not None:
        if not wanted:
            raise InvalidInput.on(
                "body.department_ids",
                "name the departments this endpoint is for (yours: "
                f"{', '.join(map(str, sorted(principal.department_ids)))})",
                "required",
            )
        outside = [d for d in wanted if d not in principal.department_ids]
        if outside:
            raise InvalidInput.on(
                "body.department_ids", f"departments {outside} are not yours to subscribe to", "outside_scope"
            )
    if wanted:
        known = select(_department.c.id).where(_department.c.id.in_(wanted))
        found = set(session.connection().execute(known).scalars())
        missing = [d for d in wanted if d not in found]
        if missing:
            raise InvalidInput.on("body.department_ids", f"no departments with ids {missing}", "unknown_reference")
    return wanted


def record_change(
    session: Session, actor: Principal, endpoint: WebhookEndpoint, changes: dict[str, Any], action: str = "update"
) -> None:
    """The audit entry of a change to an endpoint (never its secret)."""
    assert endpoint.id is not None
    audit.record(session, actor=actor, entity=ENTITY, entity_id=endpoint.id, action=action, changes=changes)
