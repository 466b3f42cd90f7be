"""`/export`: the OCDS release package and the readings CSV, streamed (both bounded in memory).

No `from __future__ import annotations`: FastAPI reads the endpoint annotations at definition time.
"""

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from sqlmodel import Session

from app.auth.dependencies import Authorize
from app.auth.principal import Principal
from app.auth.roles import Action
from app.config import Settings, SettingsDep
from app.db import SessionDep, get_engine
from app.kit.problems import NotFound
from app.ocds import readings_csv
from app.ocds.package import has_processes, iter_package, use_snapshot

router = APIRouter(prefix="/export", tags=["export"])

ExportReader = Annotated[Principal, Depends(Authorize("export", Action.read))]

# Declared by content (not `model`), or FastAPI would list the problem under the success media type too.
_PROBLEM = {"content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
ERRORS: dict[int | str, dict[str, Any]] = {
    401: _PROBLEM | {"description": "Not signed in"},
    403: _PROBLEM | {"description": "The role may not export"},
}
NOTHING_YET = "nothing to export yet: no procurement, contract or grant you may see (OCDS needs one release)"


class OCDSResponse(StreamingResponse):
    media_type = "application/json"


class CSVResponse(StreamingResponse):
    media_type = "text/csv"


def _package(principal: Principal, settings: Settings, uri: str) -> Iterator[str]:
    # A session of its own: the stream outlives the request's dependencies.
    with Session(get_engine(), expire_on_commit=False) as session:
        use_snapshot(session)
        yield from iter_package(session, principal=principal, settings=settings, uri=uri)


def _readings(principal: Principal, fiscal_start_month: int) -> Iterator[str]:
    with Session(get_engine(), expire_on_commit=False) as session:
        yield from readings_csv.iter_csv(session, principal=principal, fiscal_start_month=fiscal_start_month)


@router.get(
    "/ocds",
    response_class=OCDSResponse,
    summary="OCDS 1.1 release package with the Metrics extension: one release per contracting process",
    responses=ERRORS
    | {
        404: _PROBLEM | {"description": "Nothing to export yet"},
        200: {
            "description": "An OCDS 1.1 release package (https://standard.open-contracting.org/1.1/en/schema/)",
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
    },
    name="export_ocds",
)
def export_ocds(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: ExportReader,
) -> OCDSResponse:
    if not has_processes(session, principal):
        raise NotFound(NOTHING_YET)
    return OCDSResponse(
        _package(principal, settings, str(request.url)),
        headers={"Content-Disposition": 'attachment; filename="ocds-release-package.json"'},
    )


@router.get(
    "/readings.csv",
    response_class=CSVResponse,
    summary="Every reading with its expected value and status, as CSV (by metric, then period)",
    responses=ERRORS
    | {
        200: {
            "description": "CSV with a header row: " + ", ".join(readings_csv.COLUMNS),
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    },
    name="export_readings_csv",
)
def export_readings(principal: ExportReader, settings: SettingsDep) -> CSVResponse:
    return CSVResponse(
        _readings(principal, settings.fiscal_year_start_month),
        headers={"Content-Disposition": 'attachment; filename="readings.csv"'},
    )
