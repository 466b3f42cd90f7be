"""Evidence of a reading: files that back up its value (an ERP export, a signed report, a photo).

Whoever may see the reading may see its files; the file takes the reading's contract or grant and department,
which decide that from then on (`app.evidence.service.visible_attachment`)."""

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session

from app.auth.dependencies import Authorize
from app.auth.principal import Principal
from app.auth.roles import Action
from app.awards.models import Award
from app.config import SettingsDep
from app.db import SessionDep
from app.evidence import service as evidence
from app.evidence.models import EvidenceSubject
from app.evidence.router import UPLOAD_BODY, UPLOAD_ERRORS, received_file
from app.evidence.schemas import API, AttachmentPublic
from app.evidence.sniff import ACCEPTED_NAMES
from app.kit.pagination import MAX_PAGE_SIZE, Page
from app.kit.params import ERRORS, RecordId
from app.metrics.models import Metric
from app.procurements.models import Procurement
from app.readings.service import visible_reading

router = APIRouter(tags=["evidence"])
EvidenceReader = Annotated[Principal, Depends(Authorize("evidence", Action.read))]
EvidenceWriter = Annotated[Principal, Depends(Authorize("evidence", Action.write))]


def _owners_of_visible(session: Session, principal: Principal, reading_id: int) -> tuple[int | None, int | None]:
    """The reading's contract or grant and its department; 404 if the caller may not see the reading."""
    reading = visible_reading(session, principal=principal, reading_id=reading_id)
    metric = session.get(Metric, reading.metric_id)
    assert metric is not None
    if metric.award_id is not None:
        award = session.get(Award, metric.award_id)
        return metric.award_id, award.department_id if award else None
    procurement = session.get(Procurement, metric.procurement_id) if metric.procurement_id else None
    return None, procurement.department_id if procurement else None


@router.post(
    "/readings/{id}/evidence",
    response_model=AttachmentPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Attach a file to a reading (multipart part `file`; its type is decided by its content)",
    description=f"Accepted: {ACCEPTED_NAMES}. The file's type is read from its bytes, never from its name or the "
    "declared Content-Type; a plain file name (no path), up to the configured size (`RDC_EVIDENCE_MAX_BYTES`).",
    responses=UPLOAD_ERRORS,
    openapi_extra=UPLOAD_BODY,
    name="attach_reading_evidence",
)
async def attach_reading_evidence(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: EvidenceWriter,
    id: RecordId,
    response: Response,
) -> Any:
    award_id, department_id = await run_in_threadpool(_owners_of_visible, session, principal, id)
    async with received_file(request) as file:
        attachment = await run_in_threadpool(
            partial(
                evidence.store,
                session,
                principal=principal,
                subject_type=EvidenceSubject.reading,
                subject_id=id,
                award_id=award_id,
                department_id=department_id,
                upload=file,
                settings=settings,
            )
        )
    response.headers["Location"] = f"{API}/evidence/{attachment.id}"
    return attachment


@router.get(
    "/readings/{id}/evidence",
    response_model=Page[AttachmentPublic],
    summary="The files attached to a reading, oldest first",
    responses=ERRORS,
    name="list_reading_evidence",
)
def list_reading_evidence(
    session: SessionDep,
    principal: EvidenceReader,
    id: RecordId,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Any:
    visible_reading(session, principal=principal, reading_id=id)
    rows, total = evidence.page_for(
        session, subject_type=EvidenceSubject.reading, subject_id=id, limit=limit, offset=offset
    )
    return {"items": rows, "total": total, "limit": limit, "offset": offset}
