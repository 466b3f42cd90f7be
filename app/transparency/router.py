"""`/public/v1`: what residents read, without signing in. Read-only, cacheable (ETag, Cache-Control, 304).

No `from __future__ import annotations`: FastAPI reads the endpoint annotations at definition time.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Response

from app.awards.models import AwardKind
from app.config import SettingsDep
from app.db import SessionDep
from app.kit.pagination import Page
from app.kit.params import RecordId
from app.records.routes import query_of, runtime_annotations, with_sort_fields
from app.transparency import service
from app.transparency.caching import cached_json
from app.transparency.schemas import (
    PublicAward,
    PublicAwardQuery,
    PublicAwardSummary,
    PublicMetricDetail,
    PublicPriority,
    PublicPriorityDetail,
    PublicPriorityQuery,
)

PUBLIC_PREFIX = "/public/v1"

router = APIRouter(prefix=PUBLIC_PREFIX, tags=["public"])
PriorityFilters = with_sort_fields(service.public_priorities_resource())
AwardFilters = with_sort_fields(service.public_awards_resource(AwardKind.contract))

_PROBLEM = {"content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
_CACHE_HEADERS = {
    "ETag": {"description": "Strong validator of this representation", "schema": {"type": "string"}},
    "Cache-Control": {"description": "public, max-age=300", "schema": {"type": "string"}},
}
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"headers": _CACHE_HEADERS},
    304: {"description": "Not modified: the ETag in If-None-Match is still current", "headers": _CACHE_HEADERS},
    404: _PROBLEM | {"description": "Not published (or does not exist)"},
    422: _PROBLEM | {"description": "Invalid query parameters"},
}
IfNoneMatch = Annotated[
    str | None,
    Header(max_length=2000, description="ETags the client already holds: 304 when one is still current"),
]


@router.get(
    "/priorities",
    response_model=Page[PublicPriority],
    summary="Public citywide priorities",
    responses=RESPONSES,
    name="public_list_priorities",
)
@runtime_annotations(query=query_of(PriorityFilters))
def list_priorities(
    session: SessionDep, query: Annotated[PublicPriorityQuery, Query()], if_none_match: IfNoneMatch = None
) -> Response:
    page = Page[PublicPriority].model_validate(service.list_priorities(session, query))
    return cached_json(page, if_none_match)


@router.get(
    "/priorities/{id}",
    response_model=PublicPriorityDetail,
    summary="A public priority and the public goals of published contracts and grants that serve it",
    responses=RESPONSES,
    name="public_read_priority",
)
def read_priority(session: SessionDep, id: RecordId, if_none_match: IfNoneMatch = None) -> Response:
    return cached_json(service.read_priority(session, id), if_none_match)


def _mount_awards(kind: AwardKind) -> None:
    plural = f"{kind.value}s"

    @runtime_annotations(query=query_of(AwardFilters))
    def list_awards(
        session: SessionDep,
        settings: SettingsDep,
        query: Annotated[PublicAwardQuery, Query()],
        if_none_match: IfNoneMatch = None,
    ) -> Response:
        awards = service.list_awards(session, kind, query, fiscal_start_month=settings.fiscal_year_start_month)
        page = Page[PublicAwardSummary].model_validate(awards)
        return cached_json(page, if_none_match)

    def read_award(
        session: SessionDep, settings: SettingsDep, id: RecordId, if_none_match: IfNoneMatch = None
    ) -> Response:
        award = service.read_award(session, kind, id, fiscal_start_month=settings.fiscal_year_start_month)
        return cached_json(award, if_none_match)

    router.add_api_route(
        f"/{plural}",
        list_awards,
        methods=["GET"],
        response_model=Page[PublicAwardSummary],
        summary=f"Active and completed {plural}, each with the status of its public metrics",
        responses=RESPONSES,
        name=f"public_list_{plural}",
    )
    router.add_api_route(
        f"/{plural}/{{id}}",
        read_award,
        methods=["GET"],
        response_model=PublicAward,
        summary=f"A published {kind.value}: its public goals and metrics with target, latest reading and status",
        responses=RESPONSES,
        name=f"public_read_{kind.value}",
    )


for _kind in AwardKind:
    _mount_awards(_kind)


@router.get(
    "/metrics/{id}",
    response_model=PublicMetricDetail,
    summary="A public metric period by period: expected value, reading and status",
    responses=RESPONSES,
    name="public_read_metric",
)
def read_metric(
    session: SessionDep, settings: SettingsDep, id: RecordId, if_none_match: IfNoneMatch = None
) -> Response:
    metric = service.read_metric(session, id, fiscal_start_month=settings.fiscal_year_start_month)
    return cached_json(metric, if_none_match)
