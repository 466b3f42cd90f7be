"""The people notifications go to: who is active, which departments they may see, who manages what."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.auth.models import User, UserDepartment
from app.auth.roles import Role


@dataclass(frozen=True)
class Person:
    id: int
    email: str
    full_name: str
    role: Role
    active: bool
    department_ids: frozenset[int] | None  # None: every department (like `Principal.department_ids`)
    vendor_id: int | None = None  # a vendor's person: only that vendor's contracts and grants

    def sees(self, department_id: int | None, vendor_id: int | None = None) -> bool:
        """A user is never told about something the API would not show them: outside their departments, or,
        for a vendor's person, about anything but their vendor's contracts and grants."""
        if self.role == Role.vendor:
            return self.vendor_id is not None and vendor_id == self.vendor_id
        return self.department_ids is None or department_id in self.department_ids


def people(session: Session, user_ids: Iterable[int]) -> dict[int, Person]:
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    departments: dict[int, set[int]] = {}
    for user_id, department_id in session.exec(
        select(UserDepartment.user_id, UserDepartment.department_id).where(col(UserDepartment.user_id).in_(ids))
    ):
        departments.setdefault(user_id, set()).add(department_id)
    found: dict[int, Person] = {}
    for user in session.exec(select(User).where(col(User.id).in_(ids))):
        assert user.id is not None
        mine = departments.get(user.id)
        found[user.id] = Person(
            user.id,
            user.email,
            user.full_name,
            Role(user.role),
            user.is_active,
            frozenset(mine) if mine else None,
            user.vendor_id,
        )
    return found


def department_managers(session: Session, department_id: int) -> list[int]:
    """Active contract managers assigned to this department (by membership, not by seeing every department)."""
    statement = (
        select(User.id)
        .join(UserDepartment, col(UserDepartment.user_id) == col(User.id))
        .where(
            UserDepartment.department_id == department_id,
            User.role == Role.contract_manager,
            col(User.is_active).is_(True),
        )
        .order_by(col(User.id))
    )
    return [int(user_id) for user_id in session.exec(statement) if user_id is not None]


def responsible_for(session: Session, contract_manager_id: int | None, department_id: int) -> list[int]:
    """Who answers for a contract or grant: its contract manager and the department's contract managers.

    Used whenever nobody in particular is named (an unassigned alert, an escalation), so that the message
    always reaches someone.
    """
    ids = department_managers(session, department_id)
    if contract_manager_id is not None and contract_manager_id not in ids:
        ids.insert(0, contract_manager_id)
    return ids


def escalation_for(session: Session, contract_manager_id: int | None, department_id: int) -> list[int]:
    """Who hears of something left undone on a contract or grant: those `responsible_for` it and the department's
    admins (by membership: a citywide admin is not told of every department's escalations)."""
    ids = responsible_for(session, contract_manager_id, department_id)
    admins = session.exec(
        select(User.id)
        .join(UserDepartment, col(UserDepartment.user_id) == col(User.id))
        .where(UserDepartment.department_id == department_id, User.role == Role.admin, col(User.is_active).is_(True))
        .order_by(col(User.id))
    )
    return ids + [int(user_id) for user_id in admins if user_id is not None and user_id not in ids]


def vendor_people(session: Session, vendor_id: int) -> list[int]:
    """The active people of a vendor (role `vendor`): whom the city's questions and decisions reach."""
    statement = (
        select(User.id)
        .where(User.vendor_id == vendor_id, User.role == Role.vendor, col(User.is_active).is_(True))
        .order_by(col(User.id))
    )
    return [int(user_id) for user_id in session.exec(statement) if user_id is not None]
