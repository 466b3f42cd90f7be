"""Roles, scopes and the role x operation matrix: the single source of who may do what."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    admin = "admin"
    procurement_officer = "procurement_officer"
    contract_manager = "contract_manager"
    viewer = "viewer"
    integration = "integration"


class Action(StrEnum):
    read = "read"
    write = "write"


class Scope(StrEnum):
    """What a service account (role `integration`) may do."""

    catalog_read = "catalog:read"
    readings_read = "readings:read"
    readings_write = "readings:write"
    events_read = "events:read"


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]
    scope: Scope | None = None  # integrations need this scope; other roles ignore it
    # Admins pass every rule; listing them keeps the README table honest.
    admin: bool = field(default=True)


STAFF = frozenset({Role.admin, Role.procurement_officer, Role.contract_manager, Role.viewer})
BUYERS = frozenset({Role.admin, Role.procurement_officer})
MANAGERS = frozenset({Role.admin, Role.contract_manager})
ADMINS = frozenset({Role.admin})

_CATALOGUE_READ = Rule(STAFF, Scope.catalog_read)

MATRIX: dict[str, dict[Action, Rule]] = {
    "departments": {Action.read: _CATALOGUE_READ, Action.write: Rule(ADMINS)},
    "priorities": {Action.read: _CATALOGUE_READ, Action.write: Rule(ADMINS)},
    "vendors": {Action.read: _CATALOGUE_READ, Action.write: Rule(BUYERS)},
    "procurements": {Action.read: _CATALOGUE_READ, Action.write: Rule(BUYERS)},
    "contracts": {Action.read: _CATALOGUE_READ, Action.write: Rule(BUYERS)},
    "grants": {Action.read: _CATALOGUE_READ, Action.write: Rule(BUYERS)},
    "goals": {Action.read: _CATALOGUE_READ, Action.write: Rule(BUYERS)},
    "metrics": {Action.read: _CATALOGUE_READ, Action.write: Rule(BUYERS)},
    "readings": {
        Action.read: Rule(STAFF, Scope.readings_read),
        Action.write: Rule(MANAGERS, Scope.readings_write),
    },
    "reading_verification": {Action.write: Rule(MANAGERS)},
    "status": {Action.read: _CATALOGUE_READ},
    "alerts": {Action.read: Rule(STAFF), Action.write: Rule(MANAGERS)},
    "meetings": {Action.read: Rule(STAFF), Action.write: Rule(MANAGERS)},
    "action_items": {Action.read: Rule(STAFF), Action.write: Rule(MANAGERS)},
    "period_locks": {Action.read: Rule(STAFF), Action.write: Rule(MANAGERS)},
    "period_unlocks": {Action.write: Rule(ADMINS)},
    "users": {Action.read: Rule(ADMINS), Action.write: Rule(ADMINS)},
    "service_accounts": {Action.read: Rule(ADMINS), Action.write: Rule(ADMINS)},
    "audit": {Action.read: Rule(ADMINS)},
    "export": {Action.read: Rule(STAFF)},
    "events": {Action.read: Rule(STAFF, Scope.events_read)},
    "webhooks": {Action.read: Rule(MANAGERS), Action.write: Rule(MANAGERS)},
    "notifications": {Action.read: Rule(STAFF), Action.write: Rule(STAFF)},
}


def is_allowed(role: Role, scopes: frozenset[str], area: str, action: Action) -> bool:
    rule = MATRIX[area].get(action)
    if rule is None:
        return False
    if role == Role.admin:
        return True
    if role == Role.integration:
        return rule.scope is not None and rule.scope.value in scopes
    return role in rule.roles
