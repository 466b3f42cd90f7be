"""Roles, scopes and the role x operation matrix: the single source of who may do what."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    admin = "admin"
    procurement_officer = "procurement_officer"
    contract_manager = "contract_manager"
    viewer = "viewer"
    vendor = "vendor"  # a person working for one vendor: sees only that vendor's contracts and grants
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
    evidence_write = "evidence:write"


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
VENDOR = frozenset({Role.vendor})

_CATALOGUE_READ = Rule(STAFF, Scope.catalog_read)
# What a vendor's people see of their own contracts and grants: the same records and statuses the city sees.
_AWARD_READ = Rule(STAFF | VENDOR, Scope.catalog_read)

MATRIX: dict[str, dict[Action, Rule]] = {
    "departments": {Action.read: _CATALOGUE_READ, Action.write: Rule(ADMINS)},
    "priorities": {Action.read: _CATALOGUE_READ, Action.write: Rule(ADMINS)},
    "vendors": {Action.read: _CATALOGUE_READ, Action.write: Rule(BUYERS)},
    "procurements": {Action.read: _CATALOGUE_READ, Action.write: Rule(BUYERS)},
    "contracts": {Action.read: _AWARD_READ, Action.write: Rule(BUYERS)},
    "grants": {Action.read: _AWARD_READ, Action.write: Rule(BUYERS)},
    "goals": {Action.read: _AWARD_READ, Action.write: Rule(BUYERS)},
    "metrics": {Action.read: _AWARD_READ, Action.write: Rule(BUYERS)},
    "readings": {
        Action.read: Rule(STAFF | VENDOR, Scope.readings_read),
        Action.write: Rule(MANAGERS | VENDOR, Scope.readings_write),
    },
    # Files that back a reading or a vendor's answer.
    "evidence": {
        Action.read: Rule(STAFF | VENDOR, Scope.readings_read),
        Action.write: Rule(MANAGERS | VENDOR, Scope.evidence_write),
    },
    "reading_verification": {Action.write: Rule(MANAGERS)},
    "status": {Action.read: _AWARD_READ},
    "alerts": {Action.read: Rule(STAFF | VENDOR), Action.write: Rule(MANAGERS)},
    # The city asks the vendor about an alert (and closes the question); the vendor answers.
    "alert_questions": {Action.read: Rule(STAFF | VENDOR), Action.write: Rule(MANAGERS)},
    "alert_answers": {Action.write: Rule(MANAGERS | VENDOR)},
    # Corrective action plans: either side proposes and updates; only the city agrees or rejects.
    "plans": {Action.read: Rule(STAFF | VENDOR), Action.write: Rule(MANAGERS | VENDOR)},
    "plan_decisions": {Action.write: Rule(MANAGERS)},
    "effectiveness": {Action.read: Rule(STAFF | VENDOR)},
    "meetings": {Action.read: Rule(STAFF), Action.write: Rule(MANAGERS)},
    "action_items": {Action.read: Rule(STAFF | VENDOR), Action.write: Rule(MANAGERS | VENDOR)},
    "period_locks": {Action.read: Rule(STAFF), Action.write: Rule(MANAGERS)},
    "period_unlocks": {Action.write: Rule(ADMINS)},
    "users": {Action.read: Rule(ADMINS), Action.write: Rule(ADMINS)},
    "service_accounts": {Action.read: Rule(ADMINS), Action.write: Rule(ADMINS)},
    "audit": {Action.read: Rule(ADMINS)},
    "export": {Action.read: Rule(STAFF)},
    "events": {Action.read: Rule(STAFF, Scope.events_read)},
    "webhooks": {Action.read: Rule(MANAGERS), Action.write: Rule(MANAGERS)},
    "notifications": {Action.read: Rule(STAFF | VENDOR), Action.write: Rule(STAFF | VENDOR)},
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
