"""The demo city's readings: generated from each metric's story, posted in batches by whoever reports them (the
ERP's feed, the vendor's people or feed, the contract manager), in two phases so that the latest month is news.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from random import Random

from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from app.auth.principal import Principal
from app.awards.models import Award
from app.db import utcnow
from app.demo import founding
from app.demo.build import PlannedMetric
from app.demo.seeding import Cast, add_months, machine, person, vendor_people
from app.demo.specs import Reporter
from app.demo.stories import reading_value, story_path
from app.metrics.models import Metric
from app.periods import Cadence, Period, containing, label, periods_between
from app.readings.ingest import ingest
from app.readings.schemas import BatchItem
from app.status.drain import drain
from app.status.models import MetricStatus, StatusTransition
from app.status.sweep import refresh_metrics

# How long ago the city's history had already been evaluated when the latest month arrived.
HISTORY_EVALUATED_DAYS_AGO = 40


@dataclass(frozen=True)
class Posting:
    """One reading to post, by the principal that reports it."""

    reporter: Principal
    metric_id: int
    period: Period
    cadence: Cadence
    value: Decimal


class Reporters:
    """Who posts a metric's readings: the ERP's feed, the vendor's first person or feed, or the contract manager
    by hand (the reading's source follows from the credential, as for any caller)."""

    def __init__(self, session: Session, cast: Cast) -> None:
        self.session, self.cast = session, cast
        self.erp = machine(cast.accounts["erp"])
        self.vendor_feeds = {cast.vendors["grounds"]: machine(cast.accounts["greenscape"])}
        self.vendor_people = {vendor_id: person(session, user) for vendor_id, user in vendor_people(session).items()}
        self.managers: dict[int, Principal] = {}

    def of(self, reporter: Reporter, award: Award) -> Principal:
        if reporter == Reporter.vendor:
            found = self.vendor_people.get(award.vendor_id) or self.vendor_feeds.get(award.vendor_id)
            if found is not None:
                return found
        if reporter != Reporter.erp and award.contract_manager_id is not None:
            return self._manager(award.contract_manager_id)
        return self.erp

    def _manager(self, user_id: int) -> Principal:
        if user_id not in self.managers:
            user = next(u for u in self.cast.users.values() if u.id == user_id)
            self.managers[user_id] = person(self.session, user)
        return self.managers[user_id]


def last_closed(today: date, cadence: Cadence, fiscal_start_month: int) -> date:
    """The last day of the latest period of this cadence that has ended."""
    return containing(today, cadence, fiscal_start_month=fiscal_start_month).start - timedelta(days=1)


def plan_postings(
    session: Session, cast: Cast, planned: list[PlannedMetric], rng: Random, fiscal_start_month: int
) -> list[Posting]:
    reporters = Reporters(session, cast)
    postings = _founding_postings(session, cast, reporters, fiscal_start_month)
    for metric in planned:
        spec, award = metric.spec, metric.award
        last = min(last_closed(cast.today, spec.cadence, fiscal_start_month), award.end_date)
        periods = periods_between(award.start_date, last, spec.cadence, fiscal_start_month=fiscal_start_month)
        share = float(metric.definition.at_risk_tolerance / metric.definition.off_track_tolerance)
        path = story_path(metric.story, spec, periods, rng, share)
        reporter = reporters.of(spec.reporter, award)
        for period, shortfall in zip(periods, path, strict=True):
            if shortfall is not None:
                value = reading_value(spec, metric.definition, period, shortfall)
                postings.append(Posting(reporter, metric.metric_id, period, spec.cadence, value))
    return postings


def _founding_postings(session: Session, cast: Cast, reporters: Reporters, fiscal_start_month: int) -> list[Posting]:
    """The founding contracts' fixed stories, the latest value in the latest closed period."""
    stories = founding.MONTHLY_STORIES | founding.QUARTERLY_STORIES
    rows = session.exec(
        select(Metric, Award).join(Award, col(Award.id) == col(Metric.award_id)).where(col(Metric.code).in_(stories))
    ).all()
    assert len(rows) == len(stories), "the founding metrics' codes are unique in the demo city"
    postings: list[Posting] = []
    for metric, award in rows:
        assert metric.id is not None
        values = stories[metric.code]
        last = min(last_closed(cast.today, metric.cadence, fiscal_start_month), award.end_date)
        periods = periods_between(award.start_date, last, metric.cadence, fiscal_start_month=fiscal_start_month)
        periods = periods[: len(periods) - founding.SILENT_PERIODS.get(metric.code, 0)][-len(values) :]
        reporter = reporters.of(Reporter.vendor if metric.code in founding.QUARTERLY_STORIES else Reporter.erp, award)
        for period, value in zip(periods, values[-len(periods) :], strict=True):
            postings.append(Posting(reporter, metric.id, period, metric.cadence, Decimal(str(value))))
    return postings


def in_latest_month(posting: Posting, today: date) -> bool:
    """Whether the reading's period ended in the latest closed month (the readings that arrive today)."""
    return posting.period.end >= add_months(today.replace(day=1), -1)


def post(session: Session, postings: list[Posting], *, fiscal_start_month: int) -> None:
    """Posts the readings in one batch per reporter (all or nothing: a story the rules refuse is a bug here)."""
    batches: dict[Principal, list[BatchItem]] = defaultdict(list)
    for posting in postings:
        batches[posting.reporter].append(
            BatchItem(
                metric_id=posting.metric_id,
                period=label(posting.period, posting.cadence, fiscal_start_month=fiscal_start_month),
                value=posting.value,
            )
        )
    for reporter, items in batches.items():
        ingest(
            session,
            principal=reporter,
            items=items,
            accept_valid=False,
            dry_run=False,
            fiscal_start_month=fiscal_start_month,
        )
        session.commit()


def drain_queue(session: Session, *, fiscal_start_month: int) -> None:
    """Works off the metric-refresh queue as the API's processes do after a commit: statuses, transitions and
    alerts as of today."""
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    drain(engine, fiscal_start_month=fiscal_start_month)


def judge_history(session: Session, *, today: date, fiscal_start_month: int) -> None:
    """Every metric judged as of 40 days ago, and its statuses dated then: the history was evaluated before the
    latest month arrived, so "what changed since last month" shows what the latest month changed (judged as of
    today, a month withheld past its grace days would open an overdue alert that the latest month closes again).
    The services stamp the present, so dating the statuses is the one direct UPDATE of the seed (the shell may:
    it owns no rules). The refresh queue keeps its requests: the next drain judges everything as of today."""
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    with Session(engine) as reader:
        metric_ids = [metric_id for metric_id in reader.exec(select(Metric.id)) if metric_id is not None]
    as_of = today - timedelta(days=HISTORY_EVALUATED_DAYS_AGO)
    refresh_metrics(engine, metric_ids, fiscal_start_month=fiscal_start_month, as_of=as_of)
    earlier = utcnow() - timedelta(days=HISTORY_EVALUATED_DAYS_AGO)
    session.execute(update(StatusTransition).values(occurred_at=earlier))
    session.execute(update(MetricStatus).values(evaluated_at=earlier))
    session.commit()
