"""Who is calling: a user, a service account, or a user of the city's identity provider."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.auth.models import ServiceAccount
from app.auth.roles import Action, Role, is_allowed


class PrincipalKind(StrEnum):
    user = "user"
    service_account = "service_account"
    external = "external"
    system = "system"


@dataclass(frozen=True)
class Reach:
    """The part of the city a caller may see and change. Each limit that is not None narrows it further:
    departments (a department's staff), one vendor (a vendor's people, or a vendor's feed) and a list of
    contracts and grants (a service account for a few of them)."""

    department_ids: frozenset[int] | None = None
    vendor_id: int | None = None
    award_ids: frozenset[int] | None = None

    @property
    def citywide(self) -> bool:
        return self.department_ids is None and self.vendor_id is None and self.award_ids is None

    @property
    def by_award(self) -> bool:
        """Limited to some contracts and grants: what is not tied to one (procurements) is out of reach."""
        return self.vendor_id is not None or self.award_ids is not None

    def sees_department(self, department_id: int | None) -> bool:
        return self.department_ids is None or department_id in self.department_ids

    def sees_award(self, *, award_id: int, department_id: int | None, vendor_id: int | None) -> bool:
        return (
            self.sees_department(department_id)
            and (self.vendor_id is None or vendor_id == self.vendor_id)
            and (self.award_ids is None or award_id in self.award_ids)
        )


CITYWIDE = Reach()


@dataclass(frozen=True)
class Principal:
    kind: PrincipalKind
    id: int | None
    name: str
    role: Role
    reach: Reach = CITYWIDE
    scopes: frozenset[str] = frozenset()

    @property
    def subject(self) -> str:
        return f"{self.kind.value}:{self.id if self.id is not None else self.name}"

    def can(self, area: str, action: Action) -> bool:
        return is_allowed(self.role, self.scopes, area, action)

    @property
    def department_ids(self) -> frozenset[int] | None:
        """The departments this principal is limited to (None: no department limit; see `reach` for others)."""
        return self.reach.department_ids

    @property
    def is_vendor(self) -> bool:
        return self.role == Role.vendor

    def sees_department(self, department_id: int | None) -> bool:
        return self.reach.sees_department(department_id)


SYSTEM = Principal(kind=PrincipalKind.system, id=None, name="system", role=Role.admin)


def service_account_principal(account: ServiceAccount) -> Principal:
    """The principal a service account acts as: the integration role, its scopes, and its limits as a reach."""
    return Principal(
        kind=PrincipalKind.service_account,
        id=account.id,
        name=account.name,
        role=Role.integration,
        reach=Reach(
            department_ids=frozenset(account.department_ids) if account.department_ids else None,
            vendor_id=account.vendor_id,
            award_ids=frozenset(account.award_ids) if account.award_ids else None,
        ),
        scopes=frozenset(account.scopes),
    )
