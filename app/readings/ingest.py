"""Batch ingestion of readings: resolve, check, classify, then write with a few set-based statements.

One current reading per (metric, period) is guaranteed by a unique constraint; new readings are
inserted with ON CONFLICT DO NOTHING and existing ones are locked (SELECT ... FOR UPDATE) before they
are compared, so overlapping batches from several processes never duplicate or lose a value.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, insert, or_, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, func, select

from app.audit.models import AuditEntry
from app.auth.principal import Principal
from app.auth.roles import Role
from app.awards.models import Award, AwardKind
from app.db import utcnow
from app.kit.problems import FieldError, InvalidInput
from app.kit.request_context import request_id_var
from app.metrics.models import Metric
from app.metrics.service import metric_scope
from app.periods import Period
from app.readings.models import Outcome, PeriodLock, Reading, ReadingRevision
from app.readings.rules import MetricTarget, Rejection, check_lock, check_reading, resolve_period
from app.readings.schemas import BatchItem, BatchResult, BatchSummary, InvalidItem, ItemResult

_CHUNK = 1000  # rows per INSERT statement: well under both databases' bound-parameter limits


class BatchRejected(InvalidInput):
    """All-or-nothing batch with at least one bad item: nothing was written."""

    def __init__(self, results: list[ItemResult]) -> None:
        rejected = [r for r in results if r.outcome == Outcome.rejected]
        super().__init__(
            f"{len(rejected)} of {len(results)} readings were rejected, so none was written "
            "(send ?mode=accept_valid to write the valid ones)",
            errors=[
                FieldError(field=f"body.readings.{r.index}.{r.field}", message=r.reason or "", code="rejected")
                for r in rejected
            ],
        )


@dataclass
class _Candidate:
    index: int
    item: BatchItem
    metric: MetricTarget
    period: Period
    reading_id: int | None = None
    previous_value: Decimal | None = None
    revision: int = 0


@dataclass
class _Plan:
    results: dict[int, ItemResult] = field(default_factory=dict)
    new: list[_Candidate] = field(default_factory=list)
    corrections: list[_Candidate] = field(default_factory=list)

    def reject(self, index: int, rejection: Rejection, candidate: _Candidate | None = None) -> None:
        self.results[index] = ItemResult(
            index=index,
            outcome=Outcome.rejected,
            field=rejection.field,
            reason=rejection.reason,
            metric_id=candidate.metric.id if candidate else None,
        )

    def settle(self, candidate: _Candidate, outcome: Outcome) -> None:
        self.results[candidate.index] = ItemResult(
            index=candidate.index,
            outcome=outcome,
            reading_id=candidate.reading_id,
            metric_id=candidate.metric.id,
            period_start=candidate.period.start,
            period_end=candidate.period.end,
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
) -> tuple[BatchResult, set[int]]:
    """Checks and writes (unless dry_run) the readings; the caller commits.

    Returns the per-item result and the ids of metrics whose readings changed.
    """
    today = today or utcnow().date()
    if not dry_run:
        _begin_write(session)
    plan = _Plan()
    targets = _resolve_metrics(session, principal, items)
    candidates: list[_Candidate] = []
    for index, item in enumerate(items):
        if isinstance(item, InvalidItem):
            plan.reject(index, Rejection(item.field, item.reason))
            continue
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
        candidate = _Candidate(index, item, target, period)
        problem = check_reading(target, period, item.value, today=today)
        if problem:
            plan.reject(index, problem, candidate)
            continue
        candidates.append(candidate)
    candidates = _reject_duplicates(plan, candidates)
    locks = _locked_through(session, {c.metric.award_id for c in candidates if c.metric.award_id})
    existing = _lock_existing(session, candidates)
    is_admin = principal.role == Role.admin
    for candidate in sorted(candidates, key=lambda c: (c.metric.id, c.period.start)):
        _classify(plan, candidate, existing.get((candidate.metric.id, candidate.period.start)), locks, is_admin)
    results = [plan.results[i] for i in sorted(plan.results)] if dry_run else []
    if not accept_valid and any(r.outcome == Outcome.rejected for r in plan.results.values()):
        raise BatchRejected([plan.results[i] for i in sorted(plan.results)])
    if dry_run:
        return BatchResult(committed=False, summary=_summary(results), items=results), set()
    _write(session, principal, plan, locks, is_admin)
    if not accept_valid and any(r.outcome == Outcome.rejected for r in plan.results.values()):
        raise BatchRejected([plan.results[i] for i in sorted(plan.results)])  # a race turned up a locked row
    results = [plan.results[i] for i in sorted(plan.results)]
    touched = {c.metric.id for c in plan.new} | {c.metric.id for c in plan.corrections}
    return BatchResult(committed=True, summary=_summary(results), items=results), touched


def _begin_write(session: Session) -> None:
    # SQLite: take the write lock up front, so that the rows read below cannot change before they are written.
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        raw = connection.connection.dbapi_connection
        if raw is not None and not raw.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def _summary(results: Iterable[ItemResult]) -> BatchSummary:
    counts = Counter(result.outcome for result in results)
    return BatchSummary(**{outcome.value: counts.get(outcome, 0) for outcome in Outcome})


def _reject_duplicates(plan: _Plan, candidates: list[_Candidate]) -> list[_Candidate]:
    counts = Counter((c.metric.id, c.period.start) for c in candidates)
    kept = []
    for candidate in candidates:
        if counts[(candidate.metric.id, candidate.period.start)] > 1:
            plan.reject(
                candidate.index,
                Rejection(
                    "period", f"metric {candidate.metric.id} has {candidate.period.start} more than once in this batch"
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
    return MetricTarget(*row)


def _resolve_metrics(
    session: Session, principal: Principal, all_items: Sequence[BatchItem | InvalidItem]
) -> dict[int, MetricTarget | Rejection]:
    """Each item's metric, by id or by (contract/grant external id, metric code), within the caller's scope."""
    items = {index: item for index, item in enumerate(all_items) if isinstance(item, BatchItem)}
    scope = [metric_scope(principal.department_ids)] if principal.department_ids is not None else []
    by_id_wanted = {item.metric_id for item in items.values() if item.metric_id is not None}
    by_id: dict[int, MetricTarget] = {}
    if by_id_wanted:
        rows = session.exec(
            select(*_TARGET_COLUMNS)
            .outerjoin(Award, Award.id == Metric.award_id)  # type: ignore[arg-type]
            .where(col(Metric.id).in_(by_id_wanted), *scope)
        ).all()
        by_id = {row[0]: _target(row) for row in rows}
    by_code_wanted = {key for item in items.values() if (key := _external_key(item)) is not None}
    by_code: dict[tuple[AwardKind, str, str], MetricTarget] = {}
    if by_code_wanted:
        rows = session.exec(
            select(*_TARGET_COLUMNS, Award.kind, Award.external_id)
            .join(Award, Award.id == Metric.award_id)  # type: ignore[arg-type]
            .where(
                tuple_(Award.kind, Award.external_id, Metric.code).in_(
                    [(kind.value, ext, code) for kind, ext, code in by_code_wanted]
                ),
                *scope,
            )
        ).all()
        by_code = {(AwardKind(row[8]), row[9], row[1]): _target(row[:8]) for row in rows}
    resolved: dict[int, MetricTarget | Rejection] = {}
    for index, item in items.items():
        resolved[index] = _resolve_one(item, by_id, by_code)
    return resolved


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
        .group_by(PeriodLock.award_id)
    ).all()
    return {award_id: through for award_id, through in rows}


def _lock_for(locks: dict[int | None, date], award_id: int | None) -> date | None:
    dates = [d for d in (locks.get(award_id), locks.get(None)) if d is not None]
    return max(dates) if dates else None


def _lock_existing(
    session: Session, candidates: Sequence[_Candidate]
) -> dict[tuple[int, date], tuple[int, Decimal, int]]:
    """Current (id, value, revision) of the readings these candidates would touch, locked for update."""
    found: dict[tuple[int, date], tuple[int, Decimal, int]] = {}
    keys = sorted({(c.metric.id, c.period.start) for c in candidates})
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        rows = session.exec(
            select(Reading.id, Reading.metric_id, Reading.period_start, Reading.value, Reading.revision)
            .where(tuple_(Reading.metric_id, Reading.period_start).in_(chunk))
            .order_by(col(Reading.metric_id), col(Reading.period_start))
            .with_for_update()
        ).all()
        for reading_id, metric_id, period_start, value, revision in rows:
            found[(metric_id, period_start)] = (reading_id, value, revision)  # type: ignore[assignment]
    return found


def _classify(
    plan: _Plan,
    candidate: _Candidate,
    existing: tuple[int, Decimal, int] | None,
    locks: dict[int | None, date],
    is_admin: bool,
) -> None:
    if existing is not None:
        candidate.reading_id, candidate.previous_value, candidate.revision = existing
        if candidate.previous_value == candidate.item.value:
            plan.settle(candidate, Outcome.unchanged)
            return
    problem = check_lock(
        candidate.period, _lock_for(locks, candidate.metric.award_id), is_admin=is_admin, reason=candidate.item.reason
    )
    if problem:
        plan.reject(candidate.index, problem, candidate)
    elif existing is None:
        plan.new.append(candidate)
        plan.settle(candidate, Outcome.created)
    else:
        plan.corrections.append(candidate)
        plan.settle(candidate, Outcome.corrected)


# --- writing ---------------------------------------------------------------------------------------


def _write(session: Session, principal: Principal, plan: _Plan, locks: dict[int | None, date], is_admin: bool) -> None:
    now = utcnow()
    actor = principal.subject
    raced = _insert_new(session, plan.new, actor, now)
    if raced:
        # Another request inserted these between our read and our insert: treat them as existing.
        plan.new = [c for c in plan.new if c not in raced]
        existing = _lock_existing(session, raced)
        for candidate in raced:
            _classify(plan, candidate, existing.get((candidate.metric.id, candidate.period.start)), locks, is_admin)
    _apply_corrections(session, plan.corrections, actor, now)
    _record_history(session, principal, plan, now)
    for candidate in plan.new:  # their ids are known only now
        plan.settle(candidate, Outcome.created)


def _dialect_insert(session: Session) -> Any:
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def _insert_new(session: Session, new: list[_Candidate], actor: str, now: Any) -> list[_Candidate]:
    """Inserts new readings; returns those that lost a race to another request's insert."""
    table = Reading.__table__  # type: ignore[attr-defined]
    insert_ = _dialect_insert(session)
    by_key = {(c.metric.id, c.period.start): c for c in new}
    for start in range(0, len(new), _CHUNK):
        chunk = new[start : start + _CHUNK]
        rows = [
            {
                "metric_id": c.metric.id,
                "period_start": c.period.start,
                "period_end": c.period.end,
                "value": c.item.value,
                "note": c.item.note,
                "source": c.item.source,
                "revision": 1,
                "recorded_by": actor,
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
            for c in chunk
        ]
        statement = (
            insert_(table)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["metric_id", "period_start"])
            .returning(table.c.id, table.c.metric_id, table.c.period_start)
        )
        for reading_id, metric_id, period_start in session.execute(statement):
            candidate = by_key.pop((metric_id, period_start))
            candidate.reading_id = reading_id
            candidate.revision = 1
    return list(by_key.values())


def _apply_corrections(session: Session, corrections: list[_Candidate], actor: str, now: Any) -> None:
    if not corrections:
        return
    table = Reading.__table__  # type: ignore[attr-defined]
    statement = (
        update(table)
        .where(table.c.id == bindparam("reading_id"))
        .values(
            value=bindparam("new_value"),
            note=bindparam("new_note"),
            source=bindparam("new_source"),
            revision=table.c.revision + 1,
            version=table.c.version + 1,
            recorded_by=actor,
            updated_at=now,
            verified_at=None,
            verified_by=None,  # a changed value needs verifying again
        )
    )
    session.connection().execute(
        statement,
        [
            {
                "reading_id": c.reading_id,
                "new_value": c.item.value,
                "new_note": c.item.note,
                "new_source": c.item.source,
            }
            for c in corrections
        ],
    )
    for candidate in corrections:
        candidate.revision += 1


def _record_history(session: Session, principal: Principal, plan: _Plan, now: Any) -> None:
    """One revision row per new value, and the matching audit entries, each in one statement."""
    changed = plan.new + plan.corrections
    if not changed:
        return
    connection = session.connection()
    connection.execute(
        insert(ReadingRevision.__table__),  # type: ignore[attr-defined]
        [
            {
                "reading_id": c.reading_id,
                "revision": c.revision,
                "value": c.item.value,
                "source": c.item.source,
                "note": c.item.note,
                "reason": c.item.reason,
                "recorded_by": principal.subject,
                "recorded_at": now,
            }
            for c in changed
        ],
    )
    request_id = request_id_var.get()
    connection.execute(
        insert(AuditEntry.__table__),  # type: ignore[attr-defined]
        [
            {
                "occurred_at": now,
                "actor": principal.subject,
                "actor_role": principal.role.value,
                "entity": "reading",
                "entity_id": c.reading_id,
                "action": "create" if c.previous_value is None else "update",
                "changes": _changes(c),
                "request_id": request_id,
            }
            for c in changed
        ],
    )


def _changes(candidate: _Candidate) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {
        "value": [
            None if candidate.previous_value is None else str(candidate.previous_value),
            str(candidate.item.value),
        ],
    }
    if candidate.previous_value is None:
        changes["metric_id"] = [None, candidate.metric.id]
        changes["period_start"] = [None, candidate.period.start.isoformat()]
    if candidate.item.reason:
        changes["reason"] = [None, candidate.item.reason]
    return changes
