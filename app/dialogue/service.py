"""The alert dialogue: the city asks the vendor about an alert with a reply-by date, either side answers (the
city records answers given outside the system), and replies past their date are flagged once and escalate."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from app.actions.service import side_of
from app.alerts.models import Alert, AlertStatus
from app.alerts.service import SYSTEM_ACTOR, record_on_alert, visible_alert
from app.audit import service as audit
from app.auth.principal import Principal, PrincipalKind
from app.awards.models import Award
from app.awards.service import award_scope
from app.db import utcnow
from app.dialogue.models import AlertAnswer, AlertQuestion, QuestionStatus
from app.dialogue.schemas import AnswerCreate, QuestionCreate, QuestionQuery
from app.evidence.models import Attachment, EvidenceSubject
from app.evidence.schemas import AttachmentPublic
from app.kit.pagination import paginate
from app.kit.problems import Conflict, Forbidden, InvalidInput, NotFound


def _user_id(principal: Principal) -> int | None:
    """The user behind a principal, for notifications (None for machines and the identity provider's users)."""
    return principal.id if principal.kind == PrincipalKind.user else None


def _touch(session: Session, question: AlertQuestion, now: datetime) -> None:
    question.version += 1
    question.updated_at = now
    session.add(question)


def ask(session: Session, *, principal: Principal, alert_id: int, data: QuestionCreate) -> AlertQuestion:
    alert = visible_alert(session, principal=principal, alert_id=alert_id)
    if alert.status == AlertStatus.resolved:
        raise Conflict(f"alert {alert_id} is resolved; reopen it to ask about it")
    now = utcnow()
    if data.reply_by < now.date():
        raise InvalidInput.on("body.reply_by", f"is before today ({now.date().isoformat()})", "in_the_past")
    question = AlertQuestion(
        alert_id=alert_id,
        award_id=alert.award_id,
        question=data.question,
        reply_by=data.reply_by,
        asked_by=principal.subject,
        created_at=now,
        updated_at=now,
    )
    session.add(question)
    session.flush()
    assert question.id is not None
    audit.record_creation(session, actor=principal, entity="alert_question", created=question)
    record_on_alert(
        session,
        alert=alert,
        event="question_asked",
        actor=principal.subject,
        at=now,
        note=data.question,
        details={
            "question_id": question.id,
            "reply_by": data.reply_by.isoformat(),
            "asked_by_user_id": _user_id(principal),
            "message": f"{data.question}\n\nPlease reply by {data.reply_by.isoformat()}.",
        },
    )
    session.commit()
    session.refresh(question)
    return question


def visible_question(session: Session, *, principal: Principal, question_id: int) -> AlertQuestion:
    """The question, or 404 when it does not exist or its contract or grant is out of the caller's reach."""
    statement = select(AlertQuestion).where(AlertQuestion.id == question_id)
    if not principal.reach.citywide:
        statement = statement.join(Award, col(Award.id) == col(AlertQuestion.award_id)).where(
            award_scope(principal.reach)
        )
    question = session.exec(statement).first()
    if question is None:
        raise NotFound(f"question {question_id} not found")
    return question


def visible_answer(session: Session, *, principal: Principal, answer_id: int) -> tuple[AlertAnswer, AlertQuestion]:
    statement = select(AlertAnswer, AlertQuestion).join(
        AlertQuestion, col(AlertQuestion.id) == col(AlertAnswer.question_id)
    )
    statement = statement.where(AlertAnswer.id == answer_id)
    if not principal.reach.citywide:
        statement = statement.join(Award, col(Award.id) == col(AlertQuestion.award_id)).where(
            award_scope(principal.reach)
        )
    found = session.exec(statement).first()
    if found is None:
        raise NotFound(f"answer {answer_id} not found")
    return found[0], found[1]


def answer(session: Session, *, principal: Principal, question_id: int, data: AnswerCreate) -> AlertAnswer:
    """The vendor answers; a manager may record an answer the vendor gave outside the system (side `city`).
    Answers may follow the first one (more detail); a withdrawn question takes none."""
    question = visible_question(session, principal=principal, question_id=question_id)
    if question.status == QuestionStatus.withdrawn:
        raise Conflict(f"question {question_id} was withdrawn")
    now = utcnow()
    reply = AlertAnswer(
        question_id=question_id,
        text=data.text,
        answered_by=principal.subject,
        side=side_of(principal),
        created_at=now,
        updated_at=now,
    )
    session.add(reply)
    if question.status == QuestionStatus.open:
        before = audit.snapshot(question)
        question.status, question.answered_at = QuestionStatus.answered, now
        _touch(session, question, now)
        session.flush()
        audit.record(
            session,
            actor=principal,
            entity="alert_question",
            entity_id=question_id,
            action="update",
            changes=audit.diff(before, audit.snapshot(question)),
        )
    session.flush()
    assert reply.id is not None
    audit.record_creation(session, actor=principal, entity="alert_answer", created=reply)
    alert = session.get(Alert, question.alert_id)
    assert alert is not None
    record_on_alert(
        session,
        alert=alert,
        event="answered",
        actor=principal.subject,
        at=now,
        note=data.text,
        details={
            "question_id": question_id,
            "answer_id": reply.id,
            "side": reply.side.value,
            "asked_by_user_id": _asker(question),
            "message": data.text,
        },
    )
    session.commit()
    session.refresh(reply)
    return reply


def _asker(question: AlertQuestion) -> int | None:
    kind, _, raw_id = question.asked_by.partition(":")
    return int(raw_id) if kind == PrincipalKind.user.value and raw_id.isdigit() else None


def withdraw(session: Session, *, principal: Principal, question_id: int) -> AlertQuestion:
    question = visible_question(session, principal=principal, question_id=question_id)
    if question.status != QuestionStatus.open:
        raise Conflict(f"question {question_id} is {question.status.value}; only open questions can be withdrawn")
    now = utcnow()
    before = audit.snapshot(question)
    question.status = QuestionStatus.withdrawn
    _touch(session, question, now)
    session.flush()
    audit.record(
        session,
        actor=principal,
        entity="alert_question",
        entity_id=question_id,
        action="update",
        changes=audit.diff(before, audit.snapshot(question)),
    )
    alert = session.get(Alert, question.alert_id)
    assert alert is not None
    record_on_alert(
        session,
        alert=alert,
        event="question_withdrawn",
        actor=principal.subject,
        at=now,
        details={"question_id": question_id},
    )
    session.commit()
    session.refresh(question)
    return question


def questions(
    session: Session, *, principal: Principal, alert_id: int, query: QuestionQuery
) -> tuple[list[AlertQuestion], dict[int, list[AlertAnswer]], int]:
    """A page of the alert's questions (oldest first) and their answers, by question id."""
    visible_alert(session, principal=principal, alert_id=alert_id)
    statement = select(AlertQuestion).where(AlertQuestion.alert_id == alert_id)
    if query.status is not None:
        statement = statement.where(AlertQuestion.status == query.status)
    rows, total = paginate(session, statement, col(AlertQuestion.id), limit=query.limit, offset=query.offset)
    return rows, answers_to(session, [q.id for q in rows if q.id is not None]), total


def answers_to(session: Session, question_ids: Sequence[int]) -> dict[int, list[AlertAnswer]]:
    found: dict[int, list[AlertAnswer]] = {question_id: [] for question_id in question_ids}
    if question_ids:
        for reply in session.exec(
            select(AlertAnswer).where(col(AlertAnswer.question_id).in_(question_ids)).order_by(col(AlertAnswer.id))
        ):
            found[reply.question_id].append(reply)
    return found


def evidence_of(session: Session, *, answer_ids: Sequence[int]) -> dict[int, list[AttachmentPublic]]:
    """The files attached to these answers (not those deleted), oldest first, by answer id: one query for a page."""
    found: dict[int, list[AttachmentPublic]] = {}
    if answer_ids:
        for attachment in session.exec(
            select(Attachment)
            .where(
                Attachment.subject_type == EvidenceSubject.alert_answer,
                col(Attachment.subject_id).in_(answer_ids),
                col(Attachment.deleted_at).is_(None),
            )
            .order_by(col(Attachment.id))
        ):
            found.setdefault(attachment.subject_id, []).append(AttachmentPublic.model_validate(attachment))
    return found


def answer_for_evidence(
    session: Session, *, principal: Principal, answer_id: int, attaching: bool
) -> tuple[AlertAnswer, Award]:
    """The answer whose evidence is read or added, and its contract or grant (which decides who sees the files).
    A vendor's people attach files to their own side's answers only."""
    reply, question = visible_answer(session, principal=principal, answer_id=answer_id)
    if attaching and principal.is_vendor and reply.side != side_of(principal):
        raise Forbidden(f"answer {answer_id} was recorded by the city; attach your files to your own answer")
    award = session.get(Award, question.award_id)
    assert award is not None
    return reply, award


def record_overdue_replies(session: Session, *, today: date) -> int:
    """Flags open questions past their reply-by date, once each, with the event `alert.reply_overdue` (which
    escalates to the contract's and the department's managers). Returns how many were flagged."""
    late = session.exec(
        select(AlertQuestion, Alert)
        .join(Alert, col(Alert.id) == col(AlertQuestion.alert_id))
        .where(
            AlertQuestion.status == QuestionStatus.open,
            col(AlertQuestion.reply_by) < today,
            col(AlertQuestion.overdue_since).is_(None),
        )
        .order_by(col(AlertQuestion.id))
    ).all()
    now = utcnow()
    for question, alert in late:
        question.overdue_since = question.reply_by + timedelta(days=1)
        question.escalated_at = now
        _touch(session, question, now)
        record_on_alert(
            session,
            alert=alert,
            event="reply_overdue",
            actor=SYSTEM_ACTOR,
            at=now,
            note=f"no reply by {question.reply_by.isoformat()}",
            details=_overdue_details(question),
            once_key=f"alert.reply_overdue:{question.id}",
        )
    return len(late)


def _overdue_details(question: AlertQuestion) -> dict[str, Any]:
    return {
        "question_id": question.id,
        "reply_by": question.reply_by.isoformat(),
        "asked_by_user_id": _asker(question),
        "message": f"The vendor has not replied to this question, due {question.reply_by.isoformat()}:\n\n"
        f"{question.question}",
    }
