"""The alert dialogue: the city asks the vendor about an alert, with a reply-by date; the vendor answers."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlmodel import Field

from app.actions.models import Side
from app.db import UTCDateTime, choice
from app.kit.models import TableBase


class QuestionStatus(StrEnum):
    open = "open"
    answered = "answered"
    withdrawn = "withdrawn"


class AlertQuestion(TableBase, table=True):
    __tablename__ = "alert_question"

    alert_id: int = Field(foreign_key="alert.id", ondelete="CASCADE", index=True)
    award_id: int = Field(foreign_key="award.id", ondelete="CASCADE", index=True)
    question: str = Field(max_length=5000)
    reply_by: date
    asked_by: str = Field(max_length=200, description="The subject of the principal who asked")
    status: QuestionStatus = Field(default=QuestionStatus.open, sa_type=choice(QuestionStatus))
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The first day without a reply (the day after reply_by), and when that was escalated (once).
    overdue_since: date | None = None
    escalated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AlertAnswer(TableBase, table=True):
    __tablename__ = "alert_answer"

    question_id: int = Field(foreign_key="alert_question.id", ondelete="CASCADE", index=True)
    text: str = Field(max_length=5000)
    answered_by: str = Field(max_length=200, description="The subject of the principal who answered")
    side: Side = Field(sa_type=choice(Side), description="`city` when a manager records an answer given elsewhere")
