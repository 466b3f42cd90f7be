"""Turning the catalogue into records: procurements, contracts and grants, goals and metrics, placed in time
relative to today and created through the same resources as the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from random import Random

from sqlmodel import Session

from app.awards.models import Award, AwardCreate, AwardKind
from app.awards.service import award_resource
from app.demo import stories
from app.demo.seeding import Cast, add, add_months
from app.demo.specs import AwardSpec, MetricSpec, Reporter, Story
from app.engine import Definition, Direction, ToleranceMode
from app.goals.models import GoalCreate
from app.goals.service import goal_resource
from app.metrics.models import IndicatorType, InterimTarget, MetricCreate
from app.metrics.service import metric_resource
from app.periods import Period, label, periods_between
from app.procurements.models import ProcurementCreate, ProcurementMethod, ProcurementStatus
from app.procurements.service import procurement_resource

GRACE_DAYS = 15  # the metrics' default
_PREFIX = {
    ProcurementMethod.rfp: "RFP",
    ProcurementMethod.rfq: "RFQ",
    ProcurementMethod.ifb: "IFB",
    ProcurementMethod.sole_source: "SS",
    ProcurementMethod.cooperative: "COOP",
    ProcurementMethod.grant_nofo: "NOFO",
}
_DATA_SOURCE = {
    Reporter.erp: "City ERP (work orders and billing)",
    Reporter.vendor: "Vendor performance report",
    Reporter.manager: "Contract manager's log",
}


@dataclass(frozen=True)
class PlannedMetric:
    """A metric of the new city, with what its readings are generated from."""

    spec: MetricSpec
    metric_id: int
    award: Award
    definition: Definition
    story: Story


def open_programmes(
    session: Session, cast: Cast, programmes: list[AwardSpec], rng: Random, fiscal_start_month: int
) -> list[PlannedMetric]:
    planned: list[PlannedMetric] = []
    for spec in programmes:
        award = _award(session, cast, spec)
        for goal_spec in spec.goals:
            goal = add(
                session,
                goal_resource(),
                GoalCreate(
                    title=goal_spec.title, priority_id=cast.priorities[goal_spec.priority], is_public=goal_spec.public
                ),
                award_id=award.id,
            )
            for metric_spec in goal_spec.metrics:
                interim = _interim_targets(metric_spec, award, fiscal_start_month)
                data = _metric(metric_spec, award, interim, fiscal_start_month)
                metric = add(session, metric_resource(), data, goal_id=goal.id, award_id=award.id)
                definition = _definition(metric_spec, award, interim, fiscal_start_month)
                story = metric_spec.story or stories.draw(rng)
                planned.append(PlannedMetric(metric_spec, metric.id, award, definition, story))
    return planned


def term_of(spec: AwardSpec, today: date) -> tuple[date, date]:
    start = add_months(today.replace(day=1), -spec.began)
    return start, add_months(start, spec.months) - timedelta(days=1)


def _award(session: Session, cast: Cast, spec: AwardSpec) -> Award:
    start, end = term_of(spec, cast.today)
    department_id = cast.departments[spec.department]
    procurement_id = None
    if spec.procurement is not None:
        released = add_months(start, -6)
        procurement = add(
            session,
            procurement_resource(),
            ProcurementCreate(
                title=spec.procurement.title,
                department_id=department_id,
                method=spec.procurement.method,
                status=ProcurementStatus.awarded,
                estimated_value=_estimate(spec.value),
                release_date=released,
                response_due_date=released + timedelta(days=42),
                expected_award_date=add_months(start, -2),
                external_id=f"{_PREFIX[spec.procurement.method]}-{released.year % 100:02d}-{spec.serial}",
            ),
        )
        procurement_id = procurement.id
    contract = spec.kind == AwardKind.contract
    award: Award = add(
        session,
        award_resource(spec.kind),
        AwardCreate(
            number=f"{'C' if contract else 'G'}-{start.year}-{spec.serial}",
            title=spec.title,
            description=spec.description,
            vendor_id=cast.vendors[spec.vendor],
            department_id=department_id,
            procurement_id=procurement_id,
            value=spec.value,
            start_date=start,
            end_date=end,
            status=spec.status,
            contract_manager_id=cast.user_id(spec.manager) if spec.manager else None,
            external_id=f"PO-45000{spec.serial:05d}" if contract else f"GR-{start.year}-{spec.serial}",
        ),
    )
    return award


def _estimate(value: Decimal) -> Decimal:
    """The buyer's estimate: a little above the awarded value, in round thousands."""
    return (value * Decimal("1.06") / 1000).quantize(Decimal(1)) * 1000


def _interim_targets(spec: MetricSpec, award: Award, fiscal_start_month: int) -> dict[Period, Decimal]:
    """At each fiscal year's end inside the term, a target on a slow-start path (the first year is the hardest)."""
    if not spec.interim or spec.direction == Direction.maintain_range:
        return {}
    span = (award.end_date - award.start_date).days
    found: dict[Period, Decimal] = {}
    for period in periods_between(
        award.start_date, award.end_date, spec.cadence, fiscal_start_month=fiscal_start_month
    ):
        after = period.end + timedelta(days=1)
        if after.month != fiscal_start_month or after.day != 1 or period.end >= award.end_date:
            continue
        progress = Decimal((period.end - award.start_date).days) / span
        value = spec.start + (spec.goal - spec.start) * Decimal(float(progress) ** 1.4)
        found[period] = value.quantize(Decimal(1).scaleb(-spec.decimals))
    return found


def _metric(spec: MetricSpec, award: Award, interim: dict[Period, Decimal], fiscal_start_month: int) -> MetricCreate:
    ranged = spec.direction == Direction.maintain_range
    at_risk, off_track = spec.bands
    low, high = spec.valid
    return MetricCreate(
        code=spec.code,
        name=spec.name,
        unit=spec.unit,
        unit_code=spec.unit_code,
        direction=spec.direction,
        baseline_value=None if ranged else spec.start,
        baseline_date=None if ranged else award.start_date,
        target_value=None if ranged else spec.goal,
        target_date=None if ranged else award.end_date,
        range_min=spec.start if ranged else None,
        range_max=spec.goal if ranged else None,
        interim_targets=[
            InterimTarget(period=label(period, spec.cadence, fiscal_start_month=fiscal_start_month), value=value)
            for period, value in interim.items()
        ],
        cadence=spec.cadence,
        indicator_type=IndicatorType.leading if spec.leading else IndicatorType.lagging,
        data_source=spec.source or _DATA_SOURCE[spec.reporter],
        is_public=spec.public,
        tolerance_mode=ToleranceMode.absolute if spec.absolute else ToleranceMode.percent,
        at_risk_tolerance=at_risk,
        off_track_tolerance=off_track,
        valid_min=low,
        valid_max=high,
        grace_days=GRACE_DAYS,
    )


def _definition(spec: MetricSpec, award: Award, interim: dict[Period, Decimal], fiscal_start_month: int) -> Definition:
    """What the engine will judge the metric by (as `app.status.service` builds it from the stored row)."""
    ranged = spec.direction == Direction.maintain_range
    at_risk, off_track = spec.bands
    return Definition(
        direction=spec.direction,
        cadence=spec.cadence,
        unit=spec.unit,
        target_value=None if ranged else spec.goal,
        target_date=None if ranged else award.end_date,
        baseline_value=None if ranged else spec.start,
        baseline_date=None if ranged else award.start_date,
        range_min=spec.start if ranged else None,
        range_max=spec.goal if ranged else None,
        interim_targets=interim,
        tolerance_mode=ToleranceMode.absolute if spec.absolute else ToleranceMode.percent,
        at_risk_tolerance=at_risk,
        off_track_tolerance=off_track,
        grace_days=GRACE_DAYS,
        term_start=award.start_date,
        term_end=award.end_date,
        fiscal_start_month=fiscal_start_month,
    )
