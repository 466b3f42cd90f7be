"""Imports every table so that `SQLModel.metadata` is complete (for Alembic and the tests)."""

from sqlmodel import SQLModel

import app.notifications.models
import app.webhooks.models  # noqa: F401  (their tables)
from app.actions.models import ActionItem
from app.alerts.models import Alert, AlertEvent
from app.audit.models import AuditEntry, AuditSeal
from app.auth.models import ServiceAccount, SignInAttempt, User, UserDepartment
from app.awards.models import Award
from app.departments.models import Department
from app.dialogue.models import AlertAnswer, AlertQuestion
from app.events.models import Event
from app.evidence.models import Attachment
from app.goals.models import Goal
from app.jobs.models import MetricRefreshRequest
from app.kit.idempotency import IdempotencyRecord
from app.meetings.models import Meeting
from app.metrics.models import Metric
from app.plans.models import CorrectivePlan
from app.priorities.models import Priority
from app.procurements.models import Procurement
from app.readings.models import PeriodLock, Reading, ReadingRevision
from app.status.models import MetricStatus, StatusTransition
from app.vendors.models import Vendor

metadata = SQLModel.metadata

__all__ = [
    "ActionItem",
    "Alert",
    "AlertAnswer",
    "AlertEvent",
    "AlertQuestion",
    "Attachment",
    "AuditEntry",
    "AuditSeal",
    "Award",
    "CorrectivePlan",
    "Department",
    "Event",
    "Goal",
    "IdempotencyRecord",
    "Meeting",
    "Metric",
    "MetricRefreshRequest",
    "MetricStatus",
    "PeriodLock",
    "Priority",
    "Procurement",
    "Reading",
    "ReadingRevision",
    "ServiceAccount",
    "SignInAttempt",
    "StatusTransition",
    "User",
    "UserDepartment",
    "Vendor",
    "metadata",
]
