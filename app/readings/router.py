"""Readings: single and batch posts, CSV import, history, verification and period locks."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlmodel import Session

from app.auth.dependencies import Authorize
from app.auth.principal import Principal
from app.auth.roles import Action
from app.config import Settings, SettingsDep
from app.db import SessionDep
from app.kit import idempotency
from app.kit.pagination import MAX_PAGE_SIZE, Page
from app.kit.params import ERRORS, WRITE_ERRORS, OptionalIfMatch, RecordId
from app.kit.preconditions import etag
from app.kit.problems import PROBLEM_MEDIA_TYPE, InvalidInput, Problem, UnsupportedMediaType
from app.kit.telemetry import count_ingested, declare_outcomes
from app.metrics.service import metric_resource
from app.readings import csv_import, service
from app.readings.ingest import ingest
from app.readings.models import Outcome
from app.readings.schemas import (
    BatchItem,
    BatchRequest,
    BatchResult,
    InvalidItem,
    Mode,
    PeriodLockCreate,
    PeriodLockPublic,
    ReadingCreate,
    ReadingDetail,
    ReadingPublic,
    ReadingWriteResult,
    canonical_items,
)
from app.records import crud

router = APIRouter(tags=["readings"])
ReadingsReader = Annotated[Principal, Depends(Authorize("readings", Action.read))]
ReadingsWriter = Annotated[Principal, Depends(Authorize("readings", Action.write))]
ReadingVerifier = Annotated[Principal, Depends(Authorize("reading_verification", Action.write))]
PeriodLocksReader = Annotated[Principal, Depends(Authorize("period_locks", Action.read))]
PeriodLocksWriter = Annotated[Principal, Depends(Authorize("period_locks", Action.write))]
PeriodUnlocker = Annotated[Principal, Depends(Authorize("period_unlocks", Action.write))]
OUTCOMES = tuple(outcome.value for outcome in Outcome)
declare_outcomes(OUTCOMES)
_metrics = metric_resource()

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        description="Unique per request: a retry with the same key and payload returns the first response",
    ),
]
INGEST_ERRORS = WRITE_ERRORS | {413: WRITE_ERRORS[409]}


ModeQuery = Annotated[Mode, Query(description="all_or_nothing (default): one bad item rejects the whole batch")]
DryRunQuery = Annotated[bool, Query(description="Report what would happen without writing anything")]


def _respond(status_code: int, body: Any, replayed: bool) -> JSONResponse:
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    media_type = PROBLEM_MEDIA_TYPE if status_code >= 400 else "application/json"
    return JSONResponse(body, status_code=status_code, headers=headers, media_type=media_type)


def _run_batch(
    session: Session,
    settings: Settings,
    principal: Principal,
    items: list[BatchItem | InvalidItem],
    *,
    mode: Mode,
    dry_run: bool,
    key: str | None,
    request_fingerprint: str,
    instance: str,
) -> JSONResponse:
    def handler() -> tuple[int, Any]:
        result, _ = ingest(
            session,
            principal=principal,
            items=items,
            accept_valid=mode == Mode.accept_valid,
            dry_run=dry_run,
            fiscal_start_month=settings.fiscal_year_start_month,
        )
        if dry_run:
            session.rollback()
        return 200, result.as_json()

    if dry_run:  # nothing is written, so there is nothing to make idempotent
        return _respond(*handler(), False)
    status_code, result, replayed = idempotency.run_once(
        session,
        subject=principal.subject,
        key=key,
        request_fingerprint=request_fingerprint,
        handler=handler,
        instance=instance,
    )
    if status_code == 200 and not replayed:
        count_ingested(result["summary"], OUTCOMES)
    return _respond(status_code, result, replayed)


@router.post(
    "/readings/batch",
    response_model=BatchResult,
    summary="Post up to 10,000 readings; each is created, unchanged, corrected or rejected",
    responses=INGEST_ERRORS,
    name="post_reading_batch",
)
def post_batch(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: ReadingsWriter,
    body: BatchRequest,
    mode: ModeQuery = Mode.all_or_nothing,
    dry_run: DryRunQuery = False,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    # Only a keyed request is ever compared with another, so only then is the payload's canonical form needed.
    fingerprint = (
        idempotency.fingerprint(request.url.path, mode.value, canonical_items(body.readings)) if idempotency_key else ""
    )
    return _run_batch(
        session,
        settings,
        principal,
        list(body.readings),
        mode=mode,
        dry_run=dry_run,
        key=idempotency_key,
        request_fingerprint=fingerprint,
        instance=request.url.path,
    )


@router.post(
    "/readings/import",
    response_model=BatchResult,
    summary="Import readings from a CSV file (same columns as the batch); dry_run shows what would happen",
    responses=INGEST_ERRORS | {415: {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}}},
    name="import_readings_csv",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"text/csv": {"schema": {"type": "string", "maxLength": csv_import.MAX_CSV_BYTES}}},
        }
    },
)
async def import_csv(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: ReadingsWriter,
    mode: ModeQuery = Mode.all_or_nothing,
    dry_run: DryRunQuery = False,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in csv_import.MEDIA_TYPES:
        raise UnsupportedMediaType(f"send the file as text/csv, not {media_type or 'without a Content-Type'}")
    payload = await request.body()
    items = csv_import.parse(payload)
    fingerprint = idempotency.fingerprint(request.url.path, mode.value, payload.hex())
    return await run_in_threadpool(
        _run_batch,
        session,
        settings,
        principal,
        items,
        mode=mode,
        dry_run=dry_run,
        key=idempotency_key,
        request_fingerprint=fingerprint,
        instance=request.url.path,
    )


@router.post(
    "/metrics/{id}/readings",
    response_model=ReadingWriteResult,
    status_code=status.HTTP_201_CREATED,
    summary="Post one reading (201 created; 200 unchanged or corrected)",
    responses=INGEST_ERRORS,
    name="post_metric_reading",
)
def post_reading(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: ReadingsWriter,
    id: RecordId,
    body: ReadingCreate,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    item = BatchItem.model_validate(body.model_dump(exclude_unset=True) | {"metric_id": id})

    def handler() -> tuple[int, Any]:
        result, _ = ingest(
            session,
            principal=principal,
            items=[item],
            accept_valid=True,
            dry_run=False,
            fiscal_start_month=settings.fiscal_year_start_month,
        )
        outcome = result.items[0]
        if outcome.outcome == Outcome.rejected:
            raise InvalidInput.on(f"body.{outcome.field}", outcome.reason or "rejected", "rejected")
        session.flush()
        reading = service.visible_reading(session, principal=principal, reading_id=outcome.reading_id or 0)
        public = ReadingPublic.model_validate(reading, from_attributes=True).model_dump(mode="json")
        code = status.HTTP_201_CREATED if outcome.outcome == Outcome.created else status.HTTP_200_OK
        return code, public | {"outcome": outcome.outcome.value}

    fingerprint = idempotency.fingerprint(request.url.path, body.model_dump_json())
    crud.get_record(session, _metrics, principal=principal, record_id=id)  # 404 outside the caller's scope
    status_code, result, replayed = idempotency.run_once(
        session,
        subject=principal.subject,
        key=idempotency_key,
        request_fingerprint=fingerprint,
        handler=handler,
        instance=request.url.path,
    )
    if status_code < 300 and not replayed:
        count_ingested({result["outcome"]: 1}, OUTCOMES)
    return _respond(status_code, result, replayed)


@router.get(
    "/metrics/{id}/readings",
    response_model=Page[ReadingPublic],
    summary="The readings of a metric, by period",
    responses=ERRORS,
    name="list_metric_readings",
)
def list_readings(
    session: SessionDep,
    principal: ReadingsReader,
    id: RecordId,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    order: Annotated[str, Query(pattern="^(asc|desc)$", description="By period start")] = "asc",
) -> Any:
    rows, total = service.list_readings(
        session, principal=principal, metric_id=id, limit=limit, offset=offset, descending=order == "desc"
    )
    return {"items": rows, "total": total, "limit": limit, "offset": offset}


@router.get(
    "/readings/{id:int}",
    response_model=ReadingDetail,
    summary="A reading with every value it has had",
    responses=ERRORS,
    name="read_reading",
)
def read_reading(
    session: SessionDep,
    principal: ReadingsReader,
    id: RecordId,
    response: Response,
) -> Any:
    reading = service.visible_reading(session, principal=principal, reading_id=id)
    response.headers["ETag"] = etag(reading)
    return ReadingDetail.model_validate(reading.model_dump() | {"history": service.history(session, reading)})


@router.post(
    "/readings/{id}/verify",
    response_model=ReadingPublic,
    summary="Mark the current value as verified by the city",
    responses=WRITE_ERRORS,
    name="verify_reading",
)
def verify_reading(
    session: SessionDep,
    settings: SettingsDep,
    principal: ReadingVerifier,
    id: RecordId,
    response: Response,
    if_match: OptionalIfMatch = None,
) -> Any:
    reading = service.visible_reading(session, principal=principal, reading_id=id)
    reading = service.verify(
        session, principal=principal, reading=reading, if_match=if_match, separate=settings.separate_verification
    )
    response.headers["ETag"] = etag(reading)
    return reading


@router.get(
    "/period-locks",
    response_model=Page[PeriodLockPublic],
    responses=ERRORS,
    name="list_period_locks",
    summary="Closed periods",
)
def list_locks(
    session: SessionDep,
    principal: PeriodLocksReader,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Any:
    rows, total = service.list_locks(session, principal=principal, limit=limit, offset=offset)
    return {"items": rows, "total": total, "limit": limit, "offset": offset}


@router.post(
    "/period-locks",
    response_model=PeriodLockPublic,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
    name="create_period_lock",
    summary="Close periods ending on or before a date, for one contract/grant or citywide",
)
def create_lock(
    session: SessionDep,
    principal: PeriodLocksWriter,
    body: Annotated[PeriodLockCreate, Body()],
) -> Any:
    return service.create_lock(session, principal=principal, data=body)


@router.delete(
    "/period-locks/{id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=WRITE_ERRORS,
    name="delete_period_lock",
    summary="Reopen periods (admins only)",
)
def delete_lock(session: SessionDep, principal: PeriodUnlocker, id: RecordId) -> None:
    service.delete_lock(session, principal=principal, lock_id=id)
