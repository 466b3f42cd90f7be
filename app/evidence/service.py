"""Storing, finding, downloading and deleting evidence.

The owners of evidence (readings, vendors' answers) live on floors above this one: their routes find the
subject, check that the caller may see it, and hand over its contract or grant and department, which decide
from then on who may see the file.

Downloads are verified before the first byte is sent: the stored bytes are copied to a spool (memory, then a
temporary file) while their SHA-256 is computed, and only a copy that matches is streamed. A file that does not
match, or is gone, is a 409 problem (`evidence-corrupt`: retrying cannot help; the city restores or deletes it);
storage that cannot be reached is a 502 (`storage-unavailable`, retry later).
"""

from __future__ import annotations

import hashlib
import logging
import re
import tempfile
from collections.abc import Iterator
from typing import IO, Any, BinaryIO

from sqlalchemy import update
from sqlmodel import Session, col, func, select
from starlette.datastructures import UploadFile

from app.audit import service as audit
from app.auth.principal import Principal, PrincipalKind, Reach
from app.awards.models import Award
from app.awards.service import award_scope
from app.config import Settings, get_settings
from app.db import utcnow
from app.events import service as events
from app.events.types import EventType
from app.evidence import sniff
from app.evidence.models import Attachment, EvidenceSubject, UploaderSide
from app.evidence.names import BadName, checked_filename
from app.evidence.storage import CHUNK_BYTES, Storage, StorageError, StoredFileMissing, new_key, storage_for
from app.kit.limits import UploadLimit
from app.kit.pagination import paginate
from app.kit.preconditions import check_if_match
from app.kit.problems import AppError, FieldError, Forbidden, InvalidInput, NotFound, PayloadTooLarge

log = logging.getLogger("app.evidence")

FILE_FIELD = "body.file"
AUDIT_ENTITY = "attachment"
# The routes that take a file: POST .../{id}/evidence under any owner (a reading, a vendor's answer).
UPLOAD_PATHS = re.compile(r"/api/v1(?:/[a-z][a-z0-9-]*/[0-9]+)+/evidence")
MULTIPART_ROOM = 64 * 1024  # the multipart framing around the file: boundaries and part headers
SPOOL_IN_MEMORY = 1024 * 1024


class EvidenceCorrupt(AppError):
    status, slug, title = 409, "evidence-corrupt", "The stored file is damaged or missing"


class StorageUnavailable(AppError):
    status, slug, title = 502, "storage-unavailable", "The file storage did not answer"

    def __init__(self, detail: str) -> None:
        super().__init__(detail, headers={"Retry-After": "30"})


def upload_limit(settings: Settings) -> UploadLimit:
    """The body limit of the upload routes: one file of the configured size, with its multipart framing."""
    return UploadLimit(paths=UPLOAD_PATHS, max_bytes=settings.evidence_max_bytes + MULTIPART_ROOM, field=FILE_FIELD)


def side_of(principal: Principal) -> UploaderSide:
    if principal.is_vendor:
        return UploaderSide.vendor
    if principal.kind == PrincipalKind.service_account:
        return UploaderSide.integration
    return UploaderSide.city


# --- storing -------------------------------------------------------------------------------------------------


def store(
    session: Session,
    *,
    principal: Principal,
    subject_type: EvidenceSubject,
    subject_id: int,
    award_id: int | None,
    department_id: int | None,
    upload: UploadFile,
    settings: Settings,
) -> Attachment:
    """Checks the file (name, size, type by content), stores its bytes and records it with an audit entry and an
    `evidence.attached` event, then commits the session (with whatever the caller added to it). If the database
    write fails, the stored bytes are removed again."""
    try:
        filename = checked_filename(upload.filename)
    except BadName as error:
        raise InvalidInput.on(FILE_FIELD, str(error), "bad_file_name") from None
    source = upload.file
    source.seek(0)
    scan, size, sha256 = _scan(source, settings.evidence_max_bytes)
    try:
        content_type = sniff.content_type(scan)
    except sniff.Refused as error:
        message = f"{error}; accepted are {sniff.ACCEPTED_NAMES}, recognised by their content"
        raise InvalidInput.on(FILE_FIELD, message, "unsupported_file_type") from None
    storage = storage_for(settings)
    key = new_key(subject_type.value)
    source.seek(0)
    try:
        storage.put(key, source)
    except StorageError as error:
        log.error("evidence upload not stored: %s", error)
        raise StorageUnavailable("the file could not be stored; nothing was saved, try again later") from None
    try:
        attachment = Attachment(
            subject_type=subject_type,
            subject_id=subject_id,
            award_id=award_id,
            department_id=department_id,
            filename=filename,
            content_type=content_type,
            size_bytes=size,
            sha256=sha256,
            storage_key=key,
            uploaded_by=principal.subject,
            uploaded_side=side_of(principal),
        )
        session.add(attachment)
        session.flush()
        audit.record_creation(session, actor=principal, entity=AUDIT_ENTITY, created=attachment)
        _record_event(
            session,
            attachment,
            EventType.evidence_attached,
            size_bytes=size,
            sha256=sha256,
            uploaded_side=attachment.uploaded_side.value,
        )
        session.commit()
    except BaseException:
        session.rollback()
        _discard(storage, key)
        raise
    return attachment


def _scan(source: BinaryIO, max_bytes: int) -> tuple[sniff.Scan, int, str]:
    """Reads the upload once: what it looks like, its size (refused past `max_bytes`) and its SHA-256."""
    scan = sniff.Scan()
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(CHUNK_BYTES):
        size += len(chunk)
        if size > max_bytes:
            message = f"files are limited to {max_bytes} bytes"
            raise PayloadTooLarge(message, errors=[FieldError(field=FILE_FIELD, message=message, code="too_large")])
        digest.update(chunk)
        scan.feed(chunk)
    scan.finish()
    return scan, size, digest.hexdigest()


def _discard(storage: Storage, key: str) -> None:
    try:
        storage.delete(key)
    except StorageError as error:  # an orphan file costs space, not correctness: nothing points at it
        log.warning("could not remove the stored bytes of a failed upload (%s): %s", key, error)


# --- finding -------------------------------------------------------------------------------------------------


def _of_subject(subject_type: EvidenceSubject, subject_id: int) -> Any:
    return select(Attachment).where(
        Attachment.subject_type == subject_type,
        Attachment.subject_id == subject_id,
        col(Attachment.deleted_at).is_(None),
    )


def list_for(session: Session, *, subject_type: EvidenceSubject, subject_id: int) -> list[Attachment]:
    """The subject's evidence, oldest first (not what was deleted). The caller has checked the subject's
    visibility: whoever sees a subject sees all its evidence."""
    return list(session.exec(_of_subject(subject_type, subject_id).order_by(col(Attachment.id))).all())


def page_for(
    session: Session, *, subject_type: EvidenceSubject, subject_id: int, limit: int, offset: int
) -> tuple[list[Attachment], int]:
    """A page of `list_for`, and the total."""
    return paginate(session, _of_subject(subject_type, subject_id), col(Attachment.id), limit=limit, offset=offset)


def visible_attachment(session: Session, *, principal: Principal, attachment_id: int) -> Attachment:
    """The evidence, if the caller may see it (404 otherwise, and for evidence that was deleted)."""
    attachment = session.get(Attachment, attachment_id)
    if attachment is None or not _within(session, principal.reach, attachment):
        raise NotFound(f"evidence {attachment_id} not found")
    if attachment.deleted_at is not None:
        raise NotFound(f"evidence {attachment_id} was deleted on {attachment.deleted_at:%Y-%m-%d}")
    return attachment


def _within(session: Session, reach: Reach, attachment: Attachment) -> bool:
    if reach.citywide:
        return True
    if attachment.award_id is not None:
        visible = select(func.count()).where(Award.id == attachment.award_id, award_scope(reach))
        return bool(session.exec(visible).one())
    # Not tied to a contract or grant: only callers limited by department (at most) may see it.
    return not reach.by_award and reach.sees_department(attachment.department_id)


# --- downloading ---------------------------------------------------------------------------------------------


def open_verified(attachment: Attachment, settings: Settings) -> Iterator[bytes]:
    """The stored bytes, once they are known to match the recorded size and SHA-256 (raises EvidenceCorrupt
    or StorageUnavailable before anything is sent)."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115 (closed by the stream)
    try:
        digest = hashlib.sha256()
        size = 0
        for chunk in storage_for(settings).open(attachment.storage_key):
            digest.update(chunk)
            size += len(chunk)
            spool.write(chunk)
    except StoredFileMissing:
        spool.close()
        log.error("evidence %s: the stored file %s is missing", attachment.id, attachment.storage_key)
        raise EvidenceCorrupt(f"the stored file of evidence {attachment.id} is missing") from None
    except StorageError as error:
        spool.close()
        log.error("evidence %s could not be read: %s", attachment.id, error)
        raise StorageUnavailable(f"the file of evidence {attachment.id} could not be read; try again later") from None
    except BaseException:
        spool.close()
        raise
    if size != attachment.size_bytes or digest.hexdigest() != attachment.sha256:
        spool.close()
        log.error("evidence %s: the stored file %s does not match its checksum", attachment.id, attachment.storage_key)
        raise EvidenceCorrupt(
            f"the stored file of evidence {attachment.id} does not match the SHA-256 recorded at upload; "
            "it was not sent"
        )
    spool.seek(0)
    return _stream(spool)


def _stream(spool: IO[bytes]) -> Iterator[bytes]:
    with spool:
        while chunk := spool.read(CHUNK_BYTES):
            yield chunk


# --- deleting ------------------------------------------------------------------------------------------------


def delete(
    session: Session,
    *,
    principal: Principal,
    attachment: Attachment,
    reason: str | None,
    if_match: str | None = None,
    settings: Settings | None = None,
) -> Attachment:
    """Removes the bytes and marks the record deleted (kept, with who and why), audited with the values before
    and after, and an `evidence.deleted` event; commits. A vendor's people delete only what their side
    uploaded, a service account only what it uploaded itself; the city's managers any."""
    _check_may_delete(principal, attachment)
    check_if_match(attachment, if_match, required=False)
    assert attachment.id is not None
    before = audit.snapshot(attachment)
    now = utcnow()
    # Guarded by deleted_at: of two deletes at once, one wins and the other finds it gone.
    done = session.connection().execute(
        update(Attachment)
        .where(col(Attachment.id) == attachment.id, col(Attachment.deleted_at).is_(None))
        .values(
            deleted_at=now,
            deleted_by=principal.subject,
            deletion_reason=reason,
            version=Attachment.version + 1,
            updated_at=now,
        )
    )
    if done.rowcount != 1:
        session.rollback()
        raise NotFound(f"evidence {attachment.id} was already deleted")
    session.refresh(attachment)
    audit.record(
        session,
        actor=principal,
        entity=AUDIT_ENTITY,
        entity_id=attachment.id,
        action="delete",
        changes=audit.diff(before, audit.snapshot(attachment)),
    )
    _record_event(session, attachment, EventType.evidence_deleted, reason=reason)
    try:  # before the commit: if the bytes cannot be removed, nothing changes and the caller may retry
        storage_for(settings or get_settings()).delete(attachment.storage_key)
    except StorageError as error:
        session.rollback()
        log.error("evidence %s: the stored file could not be deleted: %s", attachment.id, error)
        raise StorageUnavailable("the file could not be deleted; nothing changed, try again later") from None
    session.commit()
    return attachment


def _check_may_delete(principal: Principal, attachment: Attachment) -> None:
    if principal.is_vendor and attachment.uploaded_side != UploaderSide.vendor:
        raise Forbidden(
            f"evidence {attachment.id} was uploaded by the {attachment.uploaded_side.value}; you may "
            "delete only your own side's evidence"
        )
    if principal.kind == PrincipalKind.service_account and attachment.uploaded_by != principal.subject:
        raise Forbidden(
            f"evidence {attachment.id} was uploaded by someone else; a service account may delete only what it uploaded"
        )


def _record_event(session: Session, attachment: Attachment, type_: EventType, **extra: Any) -> None:
    events.record(
        session,
        type_,
        subject_type=AUDIT_ENTITY,
        subject_id=attachment.id,
        department_id=attachment.department_id,
        award_id=attachment.award_id,
        payload={
            "attachment_id": attachment.id,
            "subject_type": attachment.subject_type.value,
            "subject_id": attachment.subject_id,
            "filename": attachment.filename,
            "content_type": attachment.content_type,
        }
        | extra,
    )
