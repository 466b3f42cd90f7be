"""Status of a metric, a contract or grant, and the portfolio."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from app.auth.dependencies import Authorize
from app.auth.principal import Principal
from app.auth.roles import Action
from app.awards.models import AwardKind
from app.awards.service import award_resource
from app.config import SettingsDep
from app.db import SessionDep
from app.kit.params import ERRORS, RecordId
from app.metrics.service import metric_resource
from app.records import crud
from app.status import rollups
from app.status.schemas import AwardStatusOut, MetricStatusOut, PortfolioStatusOut, detail_of, summary_of
from app.status.service import evaluate_metrics

router = APIRouter(tags=["status"])
StatusReader = Annotated[Principal, Depends(Authorize("status", Action.read))]
_metrics = metric_resource()


@router.get(
    "/metrics/{id}/status",
    response_model=MetricStatusOut,
    summary="A metric's status now: every period's expected value, shortfall and status, with reasons",
    responses=ERRORS,
    name="read_metric_status",
)
def metric_status(session: SessionDep, settings: SettingsDep, principal: StatusReader, id: RecordId) -> Any:
    metric = crud.get_record(session, _metrics, principal=principal, record_id=id)
    evaluation = evaluate_metrics(session, [id], fiscal_start_month=settings.fiscal_year_start_month)[id]
    return detail_of(summary_of(id, metric.code, metric.name, metric.unit, evaluation), evaluation)


def _mount_award_status(kind: AwardKind) -> None:
    awards = award_resource(kind)

    def award_status(session: SessionDep, settings: SettingsDep, principal: StatusReader, id: RecordId) -> Any:
        award = crud.get_record(session, awards, principal=principal, record_id=id)
        return rollups.award_status(session, award, fiscal_start_month=settings.fiscal_year_start_month)

    router.add_api_route(
        f"/{kind.value}s/{{id}}/status",
        award_status,
        methods=["GET"],
        response_model=AwardStatusOut,
        summary=f"A {kind.value}'s status: the worst of its metrics, counts per status, and each metric",
        responses=ERRORS,
        name=f"read_{kind.value}_status",
    )


for _kind in AwardKind:
    _mount_award_status(_kind)


@router.get(
    "/portfolio/status",
    response_model=PortfolioStatusOut,
    summary="Status counts by department, vendor and priority (from the latest stored evaluations)",
    responses=ERRORS,
    name="read_portfolio_status",
)
def portfolio_status(session: SessionDep, principal: StatusReader) -> Any:
    return rollups.portfolio(session, principal)
