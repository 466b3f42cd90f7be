"""Reading contracting processes from the database, a chunk at a time, limited to what may be published.

Published: every procurement; contracts and grants that are not drafts; goals and metrics marked public
(a metric under a private goal stays private); the readings of those metrics. A caller limited to some
departments exports only those departments' processes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, or_
from sqlmodel import Session, col, select

from app.auth.principal import Principal
from app.awards.models import Award, AwardStatus
from app.awards.service import award_scope
from app.departments.models import Department
from app.goals.models import Goal
from app.kit.sql import in_values
from app.metrics.models import Metric
from app.ocds.releases import ProcessData
from app.procurements.models import Procurement
from app.procurements.service import procurement_scope
from app.readings.models import Reading
from app.vendors.models import Vendor

CHUNK = 100
EXPORTED_AWARD_STATUSES = (AwardStatus.active, AwardStatus.completed, AwardStatus.terminated)


def exported_awards() -> ColumnElement[bool]:
    return col(Award.status).in_(EXPORTED_AWARD_STATUSES)


def process_ids(session: Session, principal: Principal) -> tuple[list[int], list[int]]:
    """(procurement ids, ids of contracts and grants made without a procurement), in id order."""
    procurements = select(Procurement.id)
    direct = select(Award.id).where(col(Award.procurement_id).is_(None), exported_awards())
    if not principal.reach.citywide:
        procurements = procurements.where(procurement_scope(principal.reach))
        direct = direct.where(award_scope(principal.reach))
    return (
        [int(i) for i in session.exec(procurements.order_by(col(Procurement.id))).all() if i is not None],
        [int(i) for i in session.exec(direct.order_by(col(Award.id))).all() if i is not None],
    )


def iter_processes(session: Session, principal: Principal, chunk: int = CHUNK) -> Iterator[ProcessData]:
    """Every contracting process the principal may export, loaded `chunk` processes at a time."""
    procurement_ids, direct_ids = process_ids(session, principal)
    dialect = session.get_bind().dialect.name
    for batch in _chunks(procurement_ids, chunk):
        procurements = session.exec(
            select(Procurement).where(in_values(Procurement.id, batch, dialect=dialect)).order_by(col(Procurement.id))
        ).all()
        awards = session.exec(
            select(Award)
            .where(in_values(Award.procurement_id, batch, dialect=dialect), exported_awards())
            .order_by(col(Award.id))
        ).all()
        yield from _assemble(session, list(procurements), list(awards), direct=False)
    for batch in _chunks(direct_ids, chunk):
        awards = session.exec(
            select(Award).where(in_values(Award.id, batch, dialect=dialect)).order_by(col(Award.id))
        ).all()
        yield from _assemble(session, [], list(awards), direct=True)


def _chunks(ids: Sequence[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def _assemble(
    session: Session, procurements: list[Procurement], awards: list[Award], *, direct: bool
) -> Iterator[ProcessData]:
    procurement_ids = [p.id for p in procurements if p.id is not None]
    award_ids = [a.id for a in awards if a.id is not None]
    metrics, goal_updates = _public_metrics(session, procurement_ids, award_ids)
    readings = _readings(session, [m.id for m in metrics if m.award_id is not None and m.id is not None])
    department_ids = {p.department_id for p in procurements} | {a.department_id for a in awards}
    departments = _by_id(session, Department, department_ids)
    vendors = _by_id(session, Vendor, {a.vendor_id for a in awards})

    by_procurement: dict[int, list[Metric]] = defaultdict(list)
    by_award: dict[int, list[Metric]] = defaultdict(list)
    for metric in metrics:
        if metric.award_id is not None:
            by_award[metric.award_id].append(metric)
        elif metric.procurement_id is not None:
            by_procurement[metric.procurement_id].append(metric)
    awards_of: dict[int, list[Award]] = defaultdict(list)
    for award in awards:
        if award.procurement_id is not None:
            awards_of[award.procurement_id].append(award)

    def process(procurement: Procurement | None, members: list[Award], department_id: int) -> ProcessData:
        own_metrics = {a.id or 0: by_award[a.id or 0] for a in members if by_award.get(a.id or 0)}
        procurement_metrics = by_procurement.get(procurement.id or 0, []) if procurement else []
        metric_ids = [m.id for m in procurement_metrics] + [m.id for ms in own_metrics.values() for m in ms]
        return ProcessData(
            procurement=procurement,
            awards=members,
            department=departments[department_id],
            vendors=vendors,
            procurement_metrics=procurement_metrics,
            award_metrics=own_metrics,
            readings={i: readings[i] for i in metric_ids if i is not None and readings.get(i)},
            other_updates=[goal_updates[i] for i in metric_ids if i is not None],
        )

    if direct:
        for award in awards:
            yield process(None, [award], award.department_id)
        return
    for procurement in procurements:
        yield process(procurement, awards_of.get(procurement.id or 0, []), procurement.department_id)


def _public_metrics(
    session: Session, procurement_ids: list[int], award_ids: list[int]
) -> tuple[list[Metric], dict[int, datetime]]:
    """Public metrics under public goals of these procurements and awards, and when each one's goal last changed."""
    owners: list[ColumnElement[bool]] = []
    dialect = session.get_bind().dialect.name
    if procurement_ids:
        owners.append(in_values(Metric.procurement_id, procurement_ids, dialect=dialect))
    if award_ids:
        owners.append(in_values(Metric.award_id, award_ids, dialect=dialect))
    if not owners:
        return [], {}
    rows = session.exec(
        select(Metric, Goal.updated_at)
        .join(Goal, col(Goal.id) == Metric.goal_id)
        .where(or_(*owners), col(Metric.is_public).is_(True), col(Goal.is_public).is_(True))
        .order_by(col(Metric.id))
    ).all()
    return [metric for metric, _ in rows], {metric.id: updated for metric, updated in rows if metric.id is not None}


def _readings(session: Session, metric_ids: list[int]) -> dict[int, list[Reading]]:
    found: dict[int, list[Reading]] = defaultdict(list)
    if not metric_ids:
        return found
    dialect = session.get_bind().dialect.name
    rows = session.exec(
        select(Reading)
        .where(in_values(Reading.metric_id, metric_ids, dialect=dialect))
        .order_by(col(Reading.metric_id), col(Reading.period_start))
    ).all()
    for reading in rows:
        found[reading.metric_id].append(reading)
    return found


def _by_id(session: Session, model: Any, ids: set[int]) -> dict[int, Any]:
    if not ids:
        return {}
    rows = session.exec(select(model).where(col(model.id).in_(ids))).all()
    return {row.id: row for row in rows}
