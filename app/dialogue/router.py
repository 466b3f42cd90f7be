"""The alert dialogue: questions about an alert with a reply-by date, their answers, and the answers' evidence."""

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool

from app.auth.dependencies import Authorize
from app.auth.principal import Principal
from app.auth.roles import Action
from app.config import SettingsDep
from app.db import SessionDep
from app.dialogue import service
from app.dialogue.schemas import (
    AnswerCreate,
    AnswerPublic,
    QuestionCreate,
    QuestionDetail,
    QuestionPublic,
    QuestionQuery,
)
from app.evidence import service as evidence
from app.evidence.models import EvidenceSubject
from app.evidence.router import UPLOAD_BODY, UPLOAD_ERRORS, received_file
from app.evidence.schemas import API, AttachmentPublic
from app.evidence.sniff import ACCEPTED_NAMES
from app.kit.pagination import Page, PageQuery
from app.kit.params import ERRORS, WRITE_ERRORS, RecordId
from app.kit.preconditions import etag

router = APIRouter(tags=["alert dialogue"])

QuestionReader = Annotated[Principal, Depends(Authorize("alert_questions", Action.read))]
QuestionWriter = Annotated[Principal, Depends(Authorize("alert_questions", Action.write))]
AnswerWriter = Annotated[Principal, Depends(Authorize("alert_answers", Action.write))]
EvidenceReader = Annotated[Principal, Depends(Authorize("evidence", Action.read))]
EvidenceWriter = Annotated[Principal, Depends(Authorize("evidence", Action.write))]


@router.post(
    "/alerts/{id}/questions",
    response_model=QuestionPublic,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
    name="ask_about_alert",
    summary="Ask the vendor about an alert, with a reply-by date",
)
def ask(session: SessionDep, principal: QuestionWriter, id: RecordId, body: QuestionCreate, response: Response) -> Any:
    question = service.ask(session, principal=principal, alert_id=id, data=body)
    response.headers["ETag"] = etag(question)
    return question


@router.get(
    "/alerts/{id}/questions",
    response_model=Page[QuestionDetail],
    responses=ERRORS,
    name="list_alert_questions",
    summary="The questions about an alert, oldest first, each with its answers and their evidence",
)
def list_questions(
    session: SessionDep, principal: QuestionReader, id: RecordId, query: Annotated[QuestionQuery, Query()]
) -> Any:
    rows, answers, total = service.questions(session, principal=principal, alert_id=id, query=query)
    evidence = service.evidence_of(session, answer_ids=[a.id for q in answers.values() for a in q if a.id])
    items = [
        QuestionPublic.model_validate(q).model_dump()
        | {
            "answers": [
                AnswerPublic.model_validate(a).model_dump() | {"evidence": evidence.get(a.id or 0, [])}
                for a in answers[q.id or 0]
            ]
        }
        for q in rows
    ]
    return {"items": items, "total": total, "limit": query.limit, "offset": query.offset}


@router.post(
    "/questions/{id}/answers",
    response_model=AnswerPublic,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
    name="answer_question",
    summary="Answer a question about an alert (a manager may record an answer given outside the system)",
)
def answer(session: SessionDep, principal: AnswerWriter, id: RecordId, body: AnswerCreate) -> Any:
    return service.answer(session, principal=principal, question_id=id, data=body)


@router.post(
    "/questions/{id}/withdraw",
    response_model=QuestionPublic,
    responses=WRITE_ERRORS,
    name="withdraw_question",
    summary="Withdraw an open question",
)
def withdraw(session: SessionDep, principal: QuestionWriter, id: RecordId, response: Response) -> Any:
    question = service.withdraw(session, principal=principal, question_id=id)
    response.headers["ETag"] = etag(question)
    return question


@router.post(
    "/answers/{id}/evidence",
    response_model=AttachmentPublic,
    status_code=status.HTTP_201_CREATED,
    responses=UPLOAD_ERRORS,
    openapi_extra=UPLOAD_BODY,
    name="attach_answer_evidence",
    summary="Attach a file to an answer (multipart part `file`; its type is decided by its content)",
    description=f"Accepted: {ACCEPTED_NAMES}. The vendor's people attach files to their own side's answers.",
)
async def attach_evidence(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: EvidenceWriter,
    id: RecordId,
    response: Response,
) -> Any:
    find = partial(service.answer_for_evidence, session, principal=principal, answer_id=id, attaching=True)
    _, award = await run_in_threadpool(find)
    async with received_file(request) as file:
        attachment = await run_in_threadpool(
            partial(
                evidence.store,
                session,
                principal=principal,
                subject_type=EvidenceSubject.alert_answer,
                subject_id=id,
                award_id=award.id,
                department_id=award.department_id,
                upload=file,
                settings=settings,
            )
        )
    response.headers["ETag"] = etag(attachment)
    response.headers["Location"] = f"{API}/evidence/{attachment.id}"
    return attachment


@router.get(
    "/answers/{id}/evidence",
    response_model=Page[AttachmentPublic],
    responses=ERRORS,
    name="list_answer_evidence",
    summary="The files attached to an answer, oldest first",
)
def list_evidence(
    session: SessionDep, principal: EvidenceReader, id: RecordId, query: Annotated[PageQuery, Query()]
) -> Any:
    reply, _ = service.answer_for_evidence(session, principal=principal, answer_id=id, attaching=False)
    assert reply.id is not None
    rows, total = evidence.page_for(
        session,
        subject_type=EvidenceSubject.alert_answer,
        subject_id=reply.id,
        limit=query.limit,
        offset=query.offset,
    )
    return {"items": rows, "total": total, "limit": query.limit, "offset": query.offset}
