"""Performance meetings on a contract or grant."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status
from sqlmodel import col

from app.auth.dependencies import Authorize
from app.auth.principal import Principal
from app.auth.roles import Action
from app.awards.models import AwardKind
from app.awards.service import award_resource
from app.config import SettingsDep
from app.db import SessionDep
from app.kit.pagination import Page
from app.kit.params import ERRORS, WRITE_ERRORS, OptionalIfMatch, RecordId
from app.kit.preconditions import etag
from app.meetings import service
from app.meetings.models import Meeting, MeetingCreate, MeetingHold, MeetingPublic, MeetingQuery
from app.meetings.service import meeting_resource
from app.records import crud
from app.records.routes import mount_crud, query_of, runtime_annotations, with_sort_fields

router = APIRouter(tags=["meetings and action items"])
meetings = meeting_resource()

MeetingsReader = Annotated[Principal, Depends(Authorize("meetings", Action.read))]
MeetingsWriter = Annotated[Principal, Depends(Authorize("meetings", Action.write))]


def _mount_award_meetings(kind: AwardKind) -> None:
    awards = award_resource(kind)
    path = f"/{kind.value}s/{{id}}/meetings"

    @runtime_annotations(query=query_of(with_sort_fields(meetings)))
    def list_meetings(
        session: SessionDep,
        principal: MeetingsReader,
        id: RecordId,
        query: Annotated[MeetingQuery, Query()],
    ) -> Any:
        award = crud.get_record(session, awards, principal=principal, record_id=id)
        rows, total = crud.list_records(
            session,
            meetings,
            principal=principal,
            query=query,
            where=(col(Meeting.award_id) == award.id,),
        )
        return {"items": rows, "total": total, "limit": query.limit, "offset": query.offset}

    def create_meeting(
        session: SessionDep,
        settings: SettingsDep,
        principal: MeetingsWriter,
        id: RecordId,
        body: MeetingCreate,
        response: Response,
    ) -> Any:
        award = crud.get_record(session, awards, principal=principal, record_id=id)
        record = service.create(
            session, principal=principal, award=award, data=body, fiscal_start_month=settings.fiscal_year_start_month
        )
        response.headers["ETag"] = etag(record)
        response.headers["Location"] = f"/api/v1/meetings/{record.id}"
        return record

    router.add_api_route(
        path,
        list_meetings,
        methods=["GET"],
        response_model=Page[MeetingPublic],
        responses=ERRORS,
        name=f"list_{kind.value}_meetings",
        summary=f"Performance meetings on a {kind.value}",
    )
    router.add_api_route(
        path,
        create_meeting,
        methods=["POST"],
        response_model=MeetingPublic,
        status_code=status.HTTP_201_CREATED,
        responses=WRITE_ERRORS,
        name=f"create_{kind.value}_meeting",
        summary=f"Plan a meeting on a {kind.value}; its agenda is generated from open alerts (worst first), "
        "overdue data, plan steps and action items due, and each metric's latest reading",
    )


for _kind in AwardKind:
    _mount_award_meetings(_kind)

mount_crud(router, meetings, "/meetings", with_create=False)


@router.post(
    "/meetings/{id}/agenda",
    response_model=MeetingPublic,
    responses=WRITE_ERRORS,
    name="regenerate_meeting_agenda",
    summary="Rebuild the agenda from the contract's state now (409 once the meeting is held)",
)
def regenerate_agenda(
    session: SessionDep,
    settings: SettingsDep,
    principal: MeetingsWriter,
    id: RecordId,
    response: Response,
    if_match: OptionalIfMatch = None,
) -> Any:
    record = service.regenerate_agenda(
        session,
        principal=principal,
        meeting_id=id,
        if_match=if_match,
        fiscal_start_month=settings.fiscal_year_start_month,
    )
    response.headers["ETag"] = etag(record)
    return record


@router.post(
    "/meetings/{id}/hold",
    response_model=MeetingPublic,
    responses=WRITE_ERRORS,
    name="hold_meeting",
    summary="Record the meeting as held, with its minutes; its agenda, date, title and attendees are then frozen",
)
def hold_meeting(
    session: SessionDep,
    principal: MeetingsWriter,
    id: RecordId,
    body: MeetingHold,
    response: Response,
    if_match: OptionalIfMatch = None,
) -> Any:
    record = service.hold(session, principal=principal, meeting_id=id, minutes=body.minutes, if_match=if_match)
    response.headers["ETag"] = etag(record)
    return record
