"""Batch ingestion of readings: resolve, check, classify, then write with a few set-based statements.

One current reading per (metric, period) is guaranteed by a unique constraint; new readings are
inserted with ON CONFLICT DO NOTHING and existing ones are locked (SELECT ... FOR UPDATE) before they
are compared, so overlapping batches from several processes never duplicate or lose a value.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import or_
from sqlmodel import Session, col, func, select

from app.auth.principal import Principal, PrincipalKind, Reach
from app.auth.roles import Role
from app.awards.models import Award, AwardKind
from app.db import begin_write, utcnow
from app.events import service as events
from app.events.types import EventType
from app.jobs.refresh_queue import enqueue_metrics
from app.kit.problems import FieldError, InvalidInput
from app.kit.sql import in_values
from app.metrics.models import Metric
from app.metrics.service import lock_for_writes, metric_scope
from app.periods import Period
from app.readings.models import Outcome, PeriodLock, ReadingSource
from app.readings.rules import MetricTarget, Rejection, check_lock, check_reading, is_provisional, resolve_period
from app.readings.schemas import BatchItem, BatchSummary, InvalidItem
from app.readings.store import Candidate, Store, store_for, write_audit


class BatchRejected(InvalidInput):
    """All-or-nothing batch with at least one bad item: nothing was written."""

    def __init__(self, results: list[ItemOutcome]) -> None:
        rejected = [r for r in results if r.outcome == Outcome.rejected]
        super().__init__(
            f"{len(rejected)} of {len(results)} readings were rejected, so none was written "
            "(send ?mode=accept_valid to write the valid ones)",
            errors=[
                FieldError(field=f"body.readings.{r.position}.{r.field}", message=r.reason or "", code="rejected")
                for r in rejected
            ],
        )


@dataclass
class _Plan:
    """What happens to each item: an outcome, with its candidate or its rejection."""

    outcomes: dict[int, tuple[Outcome, Candidate | None, Rejection | None]] = field(default_factory=dict)
    new: list[Candidate] = field(default_factory=list)
    corrections: list[Candidate] = field(default_factory=list)
    has_rejections: bool = False

    def reject(self, index: int, rejection: Rejection, candidate: Candidate | None = None) -> None:
        self.outcomes[index] = (Outcome.rejected, candidate, rejection)
        self.has_rejections = True

    def settle(self, candidate: Candidate, outcome: Outcome) -> None:
        self.outcomes[candidate.index] = (outcome, candidate, None)

    def results(self) -> list[ItemOutcome]:
        return [_item_result(index, *self.outcomes[index]) for index in sorted(self.outcomes)]


class ItemOutcome(NamedTuple):
    """What happened to one item (the API shape is `schemas.ItemResult`; a tuple is ~10x cheaper to build)."""

    position: int  # the item's index in the request ("index" would shadow tuple.index)
    outcome: Outcome
    reading_id: int | None
    metric_id: int | None
    period_start: date | None
    period_end: date | None
    field: str | None
    reason: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "index": self.position,
            "outcome": self.outcome.value,
            "reading_id": self.reading_id,
            "metric_id": self.metric_id,
            "period_start": self.period_start.isoformat() if self.period_start else None,
            "period_end": self.period_end.isoformat() if self.period_end else None,
            "field": self.field,
            "reason": self.reason,
        }


@dataclass
class BatchReport:
    """The answer to a batch: `schemas.BatchResult` in the API."""

    committed: bool
    items: list[ItemOutcome]

    @property
    def summary(self) -> BatchSummary:
        return _summary(self.items)

    def as_json(self) -> dict[str, Any]:
        return {
            "committed": self.committed,
            "summary": self.summary.model_dump(),
            "items": [item.as_json() for item in self.items],
        }


def _item_result(index: int, outcome: Outcome, candidate: Candidate | None, rejection: Rejection | None) -> ItemOutcome:
    return ItemOutcome(
        index,
        outcome,
        candidate.reading_id if candidate and not rejection else None,
        candidate.metric.id if candidate else None,
        candidate.period_start if candidate else None,
        candidate.period_end if candidate else None,
        rejection.field if rejection else None,
        rejection.reason if rejection else None,
    )


def ingest(
    session: Session,
    *,
    principal: Principal,
    items: Sequence[BatchItem | InvalidItem],
    accept_valid: bool,
    dry_run: bool,
    fiscal_start_month: int,
    today: date | None = None,
) -> tuple[BatchReport, set[int]]:
    """Checks and writes (unless dry_run) the readings; the caller commits.

    Returns the per-item result and the ids of metrics whose readings changed.
    """
    today = today or utcnow().date()
    if not dry_run:
        begin_write(session)
    plan = _Plan()
    targets = _resolve_metrics(session, principal, items)
    candidates: list[Candidate] = []
    source = source_of(principal)
    for index, item in enumerate(items):
        if isinstance(item, InvalidItem):
            plan.reject(index, Rejection(item.field, item.reason))
            continue
        if item.source != source:
            if "source" in item.model_fields_set:
                plan.reject(index, _claimed_source(item.source, source))
                continue
            item = item.model_copy(update={"source": source})
        target = targets.get(index)
        if isinstance(target, Rejection):
            plan.reject(index, target)
            continue
        assert target is not None
        period = resolve_period(
            label=item.period,
            start=item.period_start,
            end=item.period_end,
            cadence=target.cadence,
            fiscal_start_month=fiscal_start_month,
        )
        if isinstance(period, Rejection):
            plan.reject(index, period)
            continue
        candidate = Candidate(
            index, item, target, period.start, period.end, provisional=is_provisional(period, today=today)
        )
        problem = check_reading(target, period, item.value, today=today, provisional=item.provisional)
        if problem:
            plan.reject(index, problem, candidate)
            continue
        candidates.append(candidate)
    candidates = _reject_duplicates(plan, candidates)
    locks = _locked_through(session, {c.metric.award_id for c in candidates if c.metric.award_id})
    lock_for_writes(session, {c.metric.id for c in candidates})  # before any reading row: one lock order
    store = store_for(session)
    if candidates:
        store.stage(candidates)
    existing = store.lock_existing(candidates) if candidates else {}
    is_admin = principal.role == Role.admin
    for candidate in sorted(candidates, key=lambda c: c.key):
        _classify(plan, candidate, existing.get(candidate.key), locks, is_admin)
    if not accept_valid and plan.has_rejections:
        raise BatchRejected(plan.results())  # a dry run answers exactly what the real call would
    if dry_run:  # the report shows every item; nothing is written
        return BatchReport(committed=False, items=plan.results()), set()
    _write(session, store, principal, plan, locks, is_admin)
    if not accept_valid and plan.has_rejections:
        raise BatchRejected(plan.results())  # a race turned up a locked period
    touched = {c.metric.id for c in plan.new} | {c.metric.id for c in plan.corrections}
    enqueue_metrics(session, touched)  # re-evaluated once this commits, even if the process dies first
    events.record_all(session, _batch_events(session, plan))
    return BatchReport(committed=True, items=plan.results()), touched


def source_of(principal: Principal) -> ReadingSource:
    """Where a reading comes from, decided by the credential that sent it, never by what the sender claims."""
    if principal.role == Role.vendor or principal.reach.vendor_id is not None:
        return ReadingSource.vendor
    if principal.kind == PrincipalKind.service_account:
        return ReadingSource.erp
    return ReadingSource.manual


def _claimed_source(claimed: ReadingSource, source: ReadingSource) -> Rejection:
    return Rejection(
        "source", f"the source is set from your credential ({source.value}); it cannot be claimed as {claimed.value}"
    )


def _batch_events(session: Session, plan: _Plan) -> list[events.NewEvent]:
    """One `readings.batch_committed` per department (counts only), and one `reading.corrected` per correction."""
    changed = plan.new + plan.corrections
    award_ids = sorted({c.metric.award_id for c in changed if c.metric.award_id is not None})
    department_of: dict[int, int | None] = {}
    if award_ids:
        rows = session.exec(select(Award.id, Award.department_id).where(col(Award.id).in_(award_ids))).all()
        department_of = {award_id: department_id for award_id, department_id in rows if award_id is not None}
    by_department: dict[int | None, list[Candidate]] = defaultdict(list)
    for candidate in changed:
        by_department[department_of.get(candidate.metric.award_id or 0)].append(candidate)
    corrections = {id(c) for c in plan.corrections}  # identity: candidates compare by value, and slowly
    found: list[events.NewEvent] = []
    for department_id, candidates in sorted(by_department.items(), key=lambda item: item[0] or 0):
        corrected = sum(1 for c in candidates if id(c) in corrections)
        awards = sorted({c.metric.award_id for c in candidates if c.metric.award_id is not None})
        found.append(
            events.NewEvent(
                type=EventType.readings_batch_committed,
                subject_type="reading_batch",
                subject_id=None,
                department_id=department_id,
                award_id=awards[0] if len(awards) == 1 else None,
                payload={
                    "readings_new": len(candidates) - corrected,
                    "readings_corrected": corrected,
                    "metrics": len({c.metric.id for c in candidates}),
                    "award_ids": awards,
                },
            )
        )
    found += [
        events.NewEvent(
            type=EventType.reading_corrected,
            subject_type="reading",
            subject_id=c.reading_id,
            department_id=department_of.get(c.metric.award_id or 0),
            award_id=c.metric.award_id,
            payload={
                "reading_id": c.reading_id,
                "metric_id": c.metric.id,
                "period_start": c.period_start.isoformat(),
                "period_end": c.period_end.isoformat(),
                "revision": c.revision,
            },
        )
        for c in plan.corrections
    ]
    return found


def _summary(results: Iterable[ItemOutcome]) -> BatchSummary:
    counts = Counter(result.outcome for result in results)
    return BatchSummary(**{outcome.value: counts.get(outcome, 0) for outcome in Outcome})


def _reject_duplicates(plan: _Plan, candidates: list[Candidate]) -> list[Candidate]:
    counts = Counter(c.key for c in candidates)
    kept = []
    for candidate in candidates:
        if counts[candidate.key] > 1:
            plan.reject(
                candidate.index,
                Rejection(
                    "period", f"metric {candidate.metric.id} has {candidate.period_start} more than once in this batch"
                ),
                candidate,
            )
        else:
            kept.append(candidate)
    return kept


# --- resolving metrics -----------------------------------------------------------------------------

_TARGET_COLUMNS = (
    Metric.id,
    Metric.code,
    Metric.cadence,
    Metric.valid_min,
    Metric.valid_max,
    Metric.award_id,
    Award.start_date,
    Award.end_date,
)


def _target(row: Any) -> MetricTarget:
    return MetricTarget._make(row)


def _resolve_metrics(
    session: Session, principal: Principal, all_items: Sequence[BatchItem | InvalidItem]
) -> dict[int, MetricTarget | Rejection]:
    """Each item's metric, by id or by (contract/grant external id, metric code), within the caller's scope."""
    items = {index: item for index, item in enumerate(all_items) if isinstance(item, BatchItem)}
    scope = [] if principal.reach.citywide else [metric_scope(principal.reach)]
    by_id_wanted = {item.metric_id for item in items.values() if item.metric_id is not None}
    by_id: dict[int, MetricTarget] = {}
    if by_id_wanted:
        rows = (
            session.connection()
            .execute(
                select(*_TARGET_COLUMNS)  # type: ignore[call-overload]
                .outerjoin(Award, Award.id == Metric.award_id)
                .where(in_values(Metric.id, by_id_wanted, dialect=session.get_bind().dialect.name), *scope)
            )
            .all()
        )
        by_id = {row[0]: _target(row) for row in rows}
    by_code_wanted = {key for item in items.values() if (key := _external_key(item)) is not None}
    by_code: dict[tuple[AwardKind, str, str], MetricTarget] = {}
    if by_code_wanted:
        dialect = session.get_bind().dialect.name
        rows = (
            session.connection()
            .execute(
                select(*_TARGET_COLUMNS, Award.kind, Award.external_id)  # type: ignore[call-overload]
                .join(Award, Award.id == Metric.award_id)
                .where(
                    col(Award.kind).in_({kind for kind, _, _ in by_code_wanted}),
                    in_values(
                        Award.external_id, {external_id for _, external_id, _ in by_code_wanted}, dialect=dialect
                    ),
                    *scope,
                )
            )
            .all()
        )
        for row in rows:
            key = (AwardKind(row[8]), row[9], row[1])
            if key in by_code_wanted:
                by_code[key] = _target(row[:8])
    resolved: dict[int, MetricTarget | Rejection] = {}
    for index, item in items.items():
        found = _resolve_one(item, by_id, by_code)
        if isinstance(found, Rejection) and not principal.reach.citywide and found.field != "metric_code":
            found = Rejection(found.field, f"{found.reason} {_within(principal.reach)}")
        resolved[index] = found
    return resolved


def _within(reach: Reach) -> str:
    """Why a metric that may exist was not found: the caller's limits, in words (without revealing the metric)."""
    limits = []
    if reach.department_ids is not None:
        limits.append(f"departments {sorted(reach.department_ids)}")
    if reach.vendor_id is not None:
        limits.append(f"vendor {reach.vendor_id}")
    if reach.award_ids is not None:
        limits.append(f"contracts and grants {sorted(reach.award_ids)}")
    return "within your reach (you are limited to " + " and ".join(limits) + ")"


def _external_key(item: BatchItem) -> tuple[AwardKind, str, str] | None:
    if item.metric_id is not None or item.metric_code is None:
        return None
    if item.contract_external_id and not item.grant_external_id:
        return AwardKind.contract, item.contract_external_id, item.metric_code
    if item.grant_external_id and not item.contract_external_id:
        return AwardKind.grant, item.grant_external_id, item.metric_code
    return None


def _resolve_one(
    item: BatchItem, by_id: dict[int, MetricTarget], by_code: dict[tuple[AwardKind, str, str], MetricTarget]
) -> MetricTarget | Rejection:
    if item.metric_id is not None:
        if item.contract_external_id or item.grant_external_id or item.metric_code:
            return Rejection("metric_id", "name the metric either by metric_id or by external id and code, not both")
        return by_id.get(item.metric_id) or Rejection("metric_id", f"no metric with id {item.metric_id}")
    key = _external_key(item)
    if key is None:
        return Rejection(
            "metric_code",
            "name the metric by metric_id, or by metric_code with one of contract_external_id / grant_external_id",
        )
    kind, external_id, code = key
    found = by_code.get(key)
    if found is None:
        return Rejection(
            f"{kind.value}_external_id", f"no metric {code!r} on a {kind.value} with external id {external_id!r}"
        )
    return found


# --- locks and existing readings -------------------------------------------------------------------


def _locked_through(session: Session, award_ids: set[int]) -> dict[int | None, date]:
    """The latest locked date per award (key None: the citywide lock)."""
    rows = session.exec(
        select(PeriodLock.award_id, func.max(PeriodLock.locked_through))
        .where(or_(col(PeriodLock.award_id).in_(award_ids), col(PeriodLock.award_id).is_(None)))
        .group_by(PeriodLock.award_id)  # type: ignore[arg-type]
    ).all()
    return {award_id: through for award_id, through in rows}


def _lock_for(locks: dict[int | None, date], award_id: int | None) -> date | None:
    dates = [d for d in (locks.get(award_id), locks.get(None)) if d is not None]
    return max(dates) if dates else None


def _classify(
    plan: _Plan,
    candidate: Candidate,
    existing: tuple[int, Decimal, int] | None,
    locks: dict[int | None, date],
    is_admin: bool,
) -> None:
    if existing is not None:
        candidate.reading_id, candidate.previous_value, candidate.revision = existing
        if candidate.previous_value == candidate.item.value:
            plan.settle(candidate, Outcome.unchanged)
            return
    locked_through = _lock_for(locks, candidate.metric.award_id)
    period = Period(candidate.period_start, candidate.period_end)
    problem = check_lock(period, locked_through, is_admin=is_admin, reason=candidate.item.reason)
    if problem:
        plan.reject(candidate.index, problem, candidate)
    elif existing is None:
        plan.new.append(candidate)
        plan.settle(candidate, Outcome.created)
    else:
        plan.corrections.append(candidate)
        plan.settle(candidate, Outcome.corrected)


# --- writing ---------------------------------------------------------------------------------------


def _write(
    session: Session, store: Store, principal: Principal, plan: _Plan, locks: dict[int | None, date], is_admin: bool
) -> None:
    now = utcnow()
    raced = store.insert_new(plan.new, principal.subject, now)
    if raced:
        # Another request inserted these between our read and our insert: they are existing readings now.
        plan.new = [c for c in plan.new if c not in raced]
        existing = store.lock_existing(raced)
        for candidate in raced:
            _classify(plan, candidate, existing.get(candidate.key), locks, is_admin)
    store.correct(plan.corrections, principal.subject, now)
    write_audit(store, principal, plan.new + plan.corrections, now)
