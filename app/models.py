"""Imports every table so that `SQLModel.metadata` is complete (for Alembic and the tests)."""

from sqlmodel import SQLModel

from app.audit.models import AuditEntry
from app.auth.models import ServiceAccount, SignInFailure, User, UserDepartment
from app.awards.models import Award
from app.departments.models import Department
from app.goals.models import Goal
from app.kit.idempotency import IdempotencyRecord
from app.metrics.models import Metric
from app.priorities.models import Priority
from app.procurements.models import Procurement
from app.readings.models import PeriodLock, Reading, ReadingRevision
from app.vendors.models import Vendor

metadata = SQLModel.metadata

__all__ = [
    "AuditEntry",
    "Award",
    "Department",
    "Goal",
    "IdempotencyRecord",
    "Metric",
    "PeriodLock",
    "Priority",
    "Procurement",
    "Reading",
    "ReadingRevision",
    "ServiceAccount",
    "SignInFailure",
    "User",
    "UserDepartment",
    "Vendor",
    "metadata",
]
