"""Request and response schemas of the alert dialogue."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from app.actions.models import Side
from app.dialogue.models import QuestionStatus
from app.evidence.schemas import AttachmentPublic
from app.kit.fields import NOT_BLANK, Day
from app.kit.pagination import PageQuery


class QuestionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    question: str = Field(min_length=1, max_length=5000, pattern=NOT_BLANK, description="What the city asks")
    reply_by: Day = Field(description="The last day for the vendor's reply (today or later)")


class AnswerCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: str = Field(min_length=1, max_length=5000, pattern=NOT_BLANK)


class AnswerPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    question_id: int
    text: str
    answered_by: str
    side: Side = Field(description="`vendor`, or `city` when a manager recorded an answer given outside the system")
    created_at: datetime


class AnswerDetail(AnswerPublic):
    evidence: list[AttachmentPublic] = Field(description="Files attached to the answer")


class QuestionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    alert_id: int
    award_id: int
    question: str
    reply_by: date
    asked_by: str
    status: QuestionStatus
    answered_at: datetime | None
    overdue_since: date | None = Field(description="The first day without a reply, once past reply_by")
    escalated_at: datetime | None
    created_at: datetime
    version: int


class QuestionDetail(QuestionPublic):
    answers: list[AnswerDetail]


class QuestionQuery(PageQuery):
    status: QuestionStatus | None = None
