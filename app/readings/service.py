"""Reading history, verification and period locks (ingestion itself lives in `ingest.py`)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from app.audit import service as audit
from app.auth.principal import Principal
from app.awards.models import Award
from app.awards.service import award_scope
from app.db import utcnow
from app.events import service as events
from app.events.types import EventType
from app.kit.pagination import paginate
from app.kit.preconditions import check_if_match
from app.kit.problems import FieldError, Forbidden, InvalidInput, NotFound
from app.metrics.models import Metric
from app.metrics.service import metric_resource, metric_scope
from app.readings.models import PeriodLock, Reading, ReadingRevision
from app.readings.schemas import PeriodLockCreate
from app.records import crud


def visible_reading(session: Session, *, principal: Principal, reading_id: int) -> Reading:
    statement = select(Reading).join(Metric, Metric.id == Reading.metric_id).where(Reading.id == reading_id)  # type: ignore[arg-type]
    if not principal.reach.citywide:
        statement = statement.where(metric_scope(principal.reach))
    reading = session.exec(statement).first()
    if reading is None:
        raise NotFound(f"reading {reading_id} not found")
    return reading


def history(session: Session, reading: Reading) -> list[dict[str, Any]]:
    """Every value the reading has had, oldest first: the archived ones, then the current one."""
    archived = session.exec(
        select(ReadingRevision).where(ReadingRevision.reading_id == reading.id).order_by(col(ReadingRevision.revision))
    ).all()
    current = reading.model_dump(
        include={"revision", "value", "source", "note", "reason", "provisional", "recorded_by"}
    )
    return [revision.model_dump() for revision in archived] + [current | {"recorded_at": reading.updated_at}]


def list_readings(
    session: Session, *, principal: Principal, metric_id: int, limit: int, offset: int, descending: bool
) -> tuple[list[Reading], int]:
    crud.get_record(session, metric_resource(), principal=principal, record_id=metric_id)  # 404 outside scope
    statement = select(Reading).where(Reading.metric_id == metric_id)
    order = col(Reading.period_start).desc() if descending else col(Reading.period_start).asc()
    return paginate(session, statement, order, limit=limit, offset=offset)


def verify(
    session: Session, *, principal: Principal, reading: Reading, if_match: str | None, separate: bool = True
) -> Reading:
    """Marks the current value as checked by the city; a later correction clears the mark. With `separate`
    (the default, RDC_SEPARATE_VERIFICATION), the person who recorded the value cannot be the one who checks it."""
    check_if_match(reading, if_match, required=False)
    if separate and reading.recorded_by == principal.subject:
        raise Forbidden(
            "you recorded this value; someone else must verify it (separation of duties)",
            errors=[FieldError(field="path.id", message="recorded by you", code="own_reading")],
        )
    if reading.verified_at is None:
        assert reading.id is not None
        reading.verified_at = verified_at = utcnow()
        reading.verified_by = principal.subject
        reading.version += 1
        session.add(reading)
        audit.record(
            session,
            actor=principal,
            entity="reading",
            entity_id=reading.id,
            action="update",
            changes={"verified_at": [None, verified_at.isoformat()], "verified_by": [None, principal.subject]},
        )
        session.commit()
        session.refresh(reading)
    return reading


def create_lock(session: Session, *, principal: Principal, data: PeriodLockCreate) -> PeriodLock:
    if data.award_id is not None:
        _visible_award(session, principal, data.award_id)
    elif not principal.reach.citywide:
        raise NotFound("only users who manage every department may lock periods citywide")
    lock = PeriodLock(
        award_id=data.award_id, locked_through=data.locked_through, reason=data.reason, locked_by=principal.subject
    )
    session.add(lock)
    session.flush()
    audit.record_creation(session, actor=principal, entity="period_lock", created=lock)
    award = session.get(Award, data.award_id) if data.award_id is not None else None
    events.record(
        session,
        EventType.period_locked,
        subject_type="period_lock",
        subject_id=lock.id,
        department_id=award.department_id if award else None,  # a citywide lock: citywide subscribers only
        award_id=data.award_id,
        payload={"award_id": data.award_id, "locked_through": data.locked_through.isoformat()},
    )
    session.commit()
    session.refresh(lock)
    return lock


def _visible_award(session: Session, principal: Principal, award_id: int) -> None:
    statement = select(Award.id).where(Award.id == award_id)
    if not principal.reach.citywide:
        statement = statement.where(award_scope(principal.reach))
    if session.exec(statement).first() is None:
        raise InvalidInput.on("body.award_id", f"no contract or grant with id {award_id}", "unknown_reference")


def list_locks(session: Session, *, principal: Principal, limit: int, offset: int) -> tuple[list[PeriodLock], int]:
    statement = select(PeriodLock)
    if not principal.reach.citywide:
        statement = statement.where(
            col(PeriodLock.award_id).is_(None)
            | col(PeriodLock.award_id).in_(select(Award.id).where(award_scope(principal.reach)))
        )
    return paginate(session, statement, col(PeriodLock.id), limit=limit, offset=offset)


def _lock_in_reach(session: Session, principal: Principal, lock: PeriodLock) -> bool:
    """A citywide lock is lifted only by someone who reaches the whole city; a contract's, by whoever reaches it."""
    if principal.reach.citywide:
        return True
    if lock.award_id is None:
        return False
    return (
        session.exec(select(Award.id).where(Award.id == lock.award_id, award_scope(principal.reach))).first()
        is not None
    )


def delete_lock(session: Session, *, principal: Principal, lock_id: int) -> None:
    lock = session.get(PeriodLock, lock_id)
    if lock is None or not _lock_in_reach(session, principal, lock):
        raise NotFound(f"period lock {lock_id} not found")
    before = audit.snapshot(lock)
    session.delete(lock)
    audit.record(
        session,
        actor=principal,
        entity="period_lock",
        entity_id=lock_id,
        action="delete",
        changes=audit.diff(before, {}),
    )
    session.commit()
