"""Responses of the effectiveness API: one action's before-and-after, and reports over many with their tallies."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, Field

from app.effectiveness.rules import Verdict


class SubjectType(StrEnum):
    plan = "plan"
    action_item = "action_item"


class SideOut(BaseModel):
    periods: list[str] = Field(description="The periods compared on this side, oldest first")
    shortfall_percent: Decimal = Field(
        description="Mean shortfall in percent of the expected value, in the metric's direction (0: met)"
    )
    trend_per_period: Decimal | None = Field(
        description="Least-squares slope of the value per period, in the metric's unit (null for one period)"
    )


class EffectivenessOut(BaseModel):
    subject_type: SubjectType
    subject_id: int
    title: str
    award_id: int
    alert_id: int | None
    plan_id: int | None = Field(description="For an action item: the plan it is a step of")
    metric_id: int | None
    metric_code: str | None
    unit: str | None
    completed_at: datetime | None
    completed_period: str | None = Field(
        description="The metric's period the completion fell in (compared by neither side)"
    )
    verdict: Verdict
    periods_used: int = Field(description="Periods compared on each side: the same number before and after (0: none)")
    periods_before: int = Field(description="Judged periods available before the completion")
    periods_after: int = Field(description="Judged periods available after the completion")
    before: SideOut | None
    after: SideOut | None
    shortfall_change: Decimal | None = Field(description="Mean shortfall after minus before, percentage points")
    summary: str = Field(description="The finding in words, e.g. 'after Night crew (2026-08), shortfall fell ...'")


class TallyOut(BaseModel):
    total: int = Field(description="Completed and linked to a metric")
    improved: int
    unchanged: int
    worsened: int
    not_yet_known: int = Field(description="Too early to tell, or too little history before the completion")


class EffectivenessReport(BaseModel):
    as_of: date
    summary: str = Field(description="e.g. '4 of 6 plans improved their metric (1 unchanged, 1 worsened)'")
    plans: TallyOut
    action_items: TallyOut = Field(description="Action items outside plans (a plan's steps count with their plan)")
    items: list[EffectivenessOut] = Field(description="Each completed plan, then each completed action item")
