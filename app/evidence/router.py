"""Evidence by id: its record, its file, and deleting it. Uploads go through the owner's routes
(`POST /readings/{id}/evidence`, `POST /answers/{id}/evidence`), which know who may see the owner; they share
`received_file`, `UPLOAD_BODY` and `UPLOAD_ERRORS` from here."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.responses import StreamingResponse
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from app.auth.dependencies import Authorize
from app.auth.principal import Principal
from app.auth.roles import Action
from app.config import SettingsDep
from app.db import SessionDep
from app.evidence import service
from app.evidence.names import content_disposition
from app.evidence.schemas import AttachmentPublic
from app.evidence.sniff import ACCEPTED, ACCEPTED_NAMES
from app.kit.fields import NOT_BLANK
from app.kit.params import ERRORS, WRITE_ERRORS, OptionalIfMatch, RecordId
from app.kit.preconditions import etag
from app.kit.problems import PROBLEM_MEDIA_TYPE, FieldError, InvalidInput, Problem, UnsupportedMediaType

router = APIRouter(tags=["evidence"])
EvidenceReader = Annotated[Principal, Depends(Authorize("evidence", Action.read))]
EvidenceWriter = Annotated[Principal, Depends(Authorize("evidence", Action.write))]

_PROBLEM = {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}}
# A stored file that is damaged or gone (409), storage that does not answer (502).
STORAGE_ERRORS: dict[int | str, dict[str, Any]] = {409: _PROBLEM, 502: _PROBLEM}
# What an upload route may answer: a file too large (413), not multipart (415), storage that does not answer (502).
UPLOAD_ERRORS: dict[int | str, dict[str, Any]] = WRITE_ERRORS | {413: _PROBLEM, 415: _PROBLEM, 502: _PROBLEM}
# The body of an upload route (`openapi_extra`): the route reads it itself, once the caller may upload there.
UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {
                            "type": "string",
                            "contentMediaType": "application/octet-stream",
                            "description": f"The file, sent with its name. Accepted: {ACCEPTED_NAMES}, recognised by "
                            "their content (never by the name or the declared type).",
                        }
                    },
                    "required": ["file"],
                    "additionalProperties": False,
                }
            }
        },
    }
}
_FILE = {"schema": {"type": "string", "format": "binary"}}


@asynccontextmanager
async def received_file(request: Request) -> AsyncIterator[UploadFile]:
    """The `file` part of a multipart body, parsed only now: an upload route first authorises the caller and finds
    the owner, so that a caller who may not upload there hears 403 or 404, whatever the body. Its temporary copy
    is removed on leaving."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "multipart/form-data":
        raise UnsupportedMediaType(
            f"send the file as multipart/form-data in a part named `file`, not {media_type or 'without a Content-Type'}"
        )
    try:
        form = await request.form(max_files=1, max_fields=1)
    except HTTPException as error:  # the parser's complaint about a malformed body
        raise InvalidInput.on(
            service.FILE_FIELD, f"the multipart body cannot be read: {error.detail}", "invalid"
        ) from None
    try:
        extra = sorted(name for name in form if name != "file")
        if extra:
            raise InvalidInput(
                "send only the file, in a part named `file`",
                errors=[
                    FieldError(field=f"body.{name}", message="unknown part", code="extra_forbidden") for name in extra
                ],
            )
        file = form.get("file")
        if not isinstance(file, UploadFile):
            raise InvalidInput.on(
                service.FILE_FIELD, "send the file in a part named `file`, with a file name", "missing"
            )
        yield file
    finally:
        await form.close()


@router.get(
    "/evidence/{id}",
    response_model=AttachmentPublic,
    summary="A file attached to a reading or a vendor's answer: name, type, size and checksum",
    responses=ERRORS,
    name="read_evidence",
)
def read_evidence(session: SessionDep, principal: EvidenceReader, id: RecordId, response: Response) -> Any:
    attachment = service.visible_attachment(session, principal=principal, attachment_id=id)
    response.headers["ETag"] = etag(attachment)
    return attachment


@router.get(
    "/evidence/{id}/content",
    response_class=StreamingResponse,
    summary="Download the file (sent only after its SHA-256 matched the one recorded at upload)",
    responses={
        200: {
            "description": "The file, as the attachment it was uploaded as; ETag: its SHA-256",
            "content": {media_type: _FILE for media_type in ACCEPTED},
        }
    }
    | ERRORS
    | STORAGE_ERRORS,
    name="download_evidence",
)
def download_evidence(session: SessionDep, settings: SettingsDep, principal: EvidenceReader, id: RecordId) -> Any:
    attachment = service.visible_attachment(session, principal=principal, attachment_id=id)
    chunks = service.open_verified(attachment, settings)
    return StreamingResponse(
        chunks,
        media_type=attachment.content_type,
        headers={
            "Content-Disposition": content_disposition(attachment.filename),
            "Content-Length": str(attachment.size_bytes),
            "ETag": f'"{attachment.sha256}"',
            # Opened in a browser tab anyway, it runs nothing and loads nothing.
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )


@router.delete(
    "/evidence/{id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete the file; its record stays (who deleted it, when and why) with its audit entries",
    responses=WRITE_ERRORS | STORAGE_ERRORS,
    name="delete_evidence",
)
def delete_evidence(
    session: SessionDep,
    settings: SettingsDep,
    principal: EvidenceWriter,
    id: RecordId,
    reason: Annotated[str | None, Query(max_length=2000, pattern=NOT_BLANK, description="Why it is deleted")] = None,
    if_match: OptionalIfMatch = None,
) -> None:
    attachment = service.visible_attachment(session, principal=principal, attachment_id=id)
    service.delete(
        session,
        principal=principal,
        attachment=attachment,
        reason=reason.strip() if reason else None,
        if_match=if_match,
        settings=settings,
    )
