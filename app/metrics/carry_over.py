"""Carrying a procurement's goals, with their metrics, over into the contract or grant made from it."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.audit import service as audit
from app.auth.principal import Principal
from app.awards.models import Award
from app.goals.models import Goal, GoalCreate
from app.jobs.refresh_queue import enqueue_metrics
from app.kit.problems import Conflict, InvalidInput
from app.metrics.models import Metric


def carry_over_goals(session: Session, *, principal: Principal, award: Award) -> tuple[list[Goal], list[int]]:
    """Copies the goals (with their metrics) of the award's procurement onto the award.

    Goals carried before are skipped, so repeating the call changes nothing.
    Returns (new goals, ids of procurement goals already carried).
    """
    if award.procurement_id is None:
        raise InvalidInput.on(
            "procurement_id", f"{award.kind} {award.id} was not made from a procurement", "no_procurement"
        )
    source_goals = session.exec(
        select(Goal).where(Goal.procurement_id == award.procurement_id).order_by(col(Goal.id))
    ).all()
    carried = set(
        session.exec(
            select(Goal.source_goal_id).where(Goal.award_id == award.id, col(Goal.source_goal_id).is_not(None))
        ).all()
    )
    taken_codes = set(session.exec(select(Metric.code).where(Metric.award_id == award.id)).all())
    created: list[Goal] = []
    new_metric_ids: list[int] = []
    for source in source_goals:
        if source.id in carried:
            continue
        goal = Goal.model_validate(
            source.model_dump(include=set(GoalCreate.model_fields)),
            update={"award_id": award.id, "source_goal_id": source.id},
        )
        session.add(goal)
        session.flush()
        audit.record_creation(session, actor=principal, entity="goal", created=goal)
        for source_metric in session.exec(select(Metric).where(Metric.goal_id == source.id)).all():
            if source_metric.code in taken_codes:
                session.rollback()
                raise Conflict(
                    f"{award.kind} {award.id} already has a metric with code {source_metric.code!r}; "
                    "rename one of them first"
                )
            metric = Metric.model_validate(
                source_metric.model_dump(exclude={"id", *audit.BOOKKEEPING}),
                update={"goal_id": goal.id, "award_id": award.id, "procurement_id": None},
            )
            session.add(metric)
            session.flush()
            taken_codes.add(metric.code)
            new_metric_ids.append(metric.id)  # type: ignore[arg-type]
            audit.record_creation(session, actor=principal, entity="metric", created=metric)
        created.append(goal)
    enqueue_metrics(session, new_metric_ids)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict("another request carried these goals over at the same time; repeat to see the result") from None
    for goal in created:
        session.refresh(goal)
    return created, sorted(i for i in carried if i is not None)
