"""Who is calling: a user, a service account, or a user of the city's identity provider."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.auth.roles import Action, Role, is_allowed


class PrincipalKind(StrEnum):
    user = "user"
    service_account = "service_account"
    external = "external"
    system = "system"


@dataclass(frozen=True)
class Principal:
    kind: PrincipalKind
    id: int | None
    name: str
    role: Role
    # None means every department; otherwise the departments this principal may see and change.
    department_ids: frozenset[int] | None = None
    scopes: frozenset[str] = frozenset()

    @property
    def subject(self) -> str:
        return f"{self.kind.value}:{self.id if self.id is not None else self.name}"

    def can(self, area: str, action: Action) -> bool:
        return is_allowed(self.role, self.scopes, area, action)

    def sees_department(self, department_id: int | None) -> bool:
        return self.department_ids is None or department_id in self.department_ids


SYSTEM = Principal(kind=PrincipalKind.system, id=None, name="system", role=Role.admin)
