"""Request and response schemas of the alert list and the alert lifecycle."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.alerts.models import AlertKind, AlertOutcome, AlertStatus, Severity
from app.kit.fields import MAX_INT_ID, Instant
from app.kit.pagination import PageQuery


class AlertPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    metric_id: int
    award_id: int
    kind: AlertKind
    severity: Severity
    status: AlertStatus
    summary: str
    assignee_id: int | None
    opened_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    resolution_note: str | None
    outcome: AlertOutcome | None = Field(description="How the city closed it: resolved, partly_resolved, not_resolved")
    resolution_requested_at: datetime | None = Field(
        description="When the last step of its agreed corrective plan was done: a resolution is due"
    )
    version: int


class AlertEventPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    occurred_at: datetime
    actor: str
    event: str
    from_severity: str | None
    to_severity: str | None
    note: str | None
    outcome: AlertOutcome | None = None


class AlertConversation(BaseModel):
    """The dialogue with the vendor about the alert, in numbers, and where to read it."""

    questions: int
    open_questions: int
    overdue_questions: int
    answers: int
    plans: int
    open_plans: int = Field(description="Proposed or agreed")
    questions_url: str
    plans_url: str


class AlertDetail(AlertPublic):
    history: list[AlertEventPublic]
    conversation: AlertConversation


class AlertQuery(PageQuery):
    status: list[AlertStatus] | None = Field(default=None, description="Default: open and acknowledged")
    kind: AlertKind | None = None
    severity: Severity | None = None
    department_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
    vendor_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
    contract_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
    grant_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
    award_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
    metric_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
    assignee: Literal["me"] | Annotated[str, Field(pattern=r"^[1-9][0-9]{0,9}$")] | None = Field(
        default=None, description="`me` or a user id"
    )
    opened_since: Instant | None = None


class ResolveBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    note: str = Field(min_length=1, max_length=2000)
    outcome: AlertOutcome = Field(default=AlertOutcome.resolved, description="How it ended; `resolved` if left out")


class NoteBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    note: str = Field(min_length=1, max_length=2000)


class OptionalNoteBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    note: str | None = Field(default=None, max_length=2000)


class AssignBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    assignee_id: int | None = Field(ge=1, le=MAX_INT_ID)
