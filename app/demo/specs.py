"""The shapes of the demo city's catalogue: programmes (contracts and grants), their goals and metrics, as data.

Dates are not data: a programme says how many months ago it began and how long it runs, and the seed places it
relative to today, so the city moves with the calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from app.awards.models import AwardKind, AwardStatus
from app.engine import Direction
from app.periods import Cadence
from app.procurements.models import ProcurementMethod


class Story(StrEnum):
    """How a metric's readings unfold over its history (see `stories.py`)."""

    steady = "steady"  # on track throughout, small wobbles
    noisy = "noisy"  # scattered around the expected line; now and then at risk
    recovering = "recovering"  # fell off track mid-term, back on track for the last few periods
    turnaround = "turnaround"  # off track until the latest period, which is back on track
    slipping = "slipping"  # on track, then drifting off track over the last months
    dip = "dip"  # on track until the latest period, which is at risk
    stale = "stale"  # reported, then stopped 2-5 periods ago
    never = "never"  # not a single reading
    seasonal = "seasonal"  # swings with the seasons (worst in `worst_month`)


class Reporter(StrEnum):
    """Who posts a metric's readings (the reading's source follows from the credential)."""

    erp = "erp"  # the city's ERP feed (a service account)
    vendor = "vendor"  # the vendor's own people or feed; the contract manager keys it in otherwise
    manager = "manager"  # the contract manager, by hand


@dataclass(frozen=True)
class MetricSpec:
    code: str
    name: str
    unit: str
    direction: Direction
    start: Decimal  # baseline value (maintain_range: range_min)
    goal: Decimal  # target value (maintain_range: range_max)
    cadence: Cadence = Cadence.monthly
    story: Story | None = None  # None: drawn by the seed's random generator
    decimals: int = 0  # readings are rounded to this many places
    unit_code: str | None = None
    valid: tuple[Decimal | None, Decimal | None] = (Decimal(0), None)
    bands: tuple[Decimal, Decimal] = (Decimal(5), Decimal(15))  # at-risk and off-track tolerances
    absolute: bool = False  # tolerance bands in the metric's unit instead of percent
    interim: bool = False  # yearly interim targets on a slow-start path
    public: bool = True
    source: str | None = None
    reporter: Reporter = Reporter.erp
    leading: bool = False
    worst_month: int = 1  # seasonal stories: the month furthest from the line
    breach_high: bool = False  # maintain_range stories leave the range above it (else below)


@dataclass(frozen=True)
class GoalSpec:
    title: str
    priority: str  # priority code
    metrics: tuple[MetricSpec, ...]
    public: bool = True


@dataclass(frozen=True)
class ProcurementSpec:
    title: str
    method: ProcurementMethod


@dataclass(frozen=True)
class AwardSpec:
    serial: int  # makes the number (C-<start year>-<serial>) and the ERP key unique
    kind: AwardKind
    title: str
    department: str  # department code
    vendor: str  # vendor key
    value: Decimal
    began: int  # months before the current month's first day (negative: starts in the future)
    months: int  # length of the term
    goals: tuple[GoalSpec, ...]
    status: AwardStatus = AwardStatus.active
    manager: str | None = None  # the contract manager's e-mail
    procurement: ProcurementSpec | None = None
    description: str | None = None


def _decimal(value: float | int | str) -> Decimal:
    return Decimal(str(value))


def measure(code: str, name: str, unit: str, start: float, goal: float, **options: Any) -> MetricSpec:
    """A metric heading from `start` to `goal`: higher is better when the goal is above the start."""
    direction = Direction.decrease if goal < start else Direction.increase
    return MetricSpec(code, name, unit, direction, _decimal(start), _decimal(goal), **options)


def percent(code: str, name: str, start: float, goal: float, **options: Any) -> MetricSpec:
    options = {"unit_code": "P1", "decimals": 1, "valid": (Decimal(0), Decimal(100))} | options
    return measure(code, name, "percent", start, goal, **options)


def within(code: str, name: str, unit: str, low: float, high: float, **options: Any) -> MetricSpec:
    """A metric that should stay inside [low, high] (bands in the metric's unit unless told otherwise)."""
    options = {"absolute": True} | options
    return MetricSpec(code, name, unit, Direction.maintain_range, _decimal(low), _decimal(high), **options)


def bands(at_risk: float, off_track: float) -> tuple[Decimal, Decimal]:
    return _decimal(at_risk), _decimal(off_track)
