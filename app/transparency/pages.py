"""The public pages: what residents read in a browser, from the same service functions as `/public/v1`.

`/` (priorities and how they are going), `/priorities/{id}`, `/contracts/{id}` and `/grants/{id}`,
`/metrics/{id}` (chart, table, CSV), `/search` (filters and paging) and `/embed/metrics/{id}` (a chart other
sites may frame). Server-rendered, no cookies, no script needed; cacheable like the public API.

No `from __future__ import annotations`: FastAPI reads the endpoint annotations at definition time.
"""

import csv
import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from math import ceil
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Header, Request, Response
from pydantic import ValidationError
from sqlmodel import Session

from app.awards.models import AwardKind
from app.config import Settings, SettingsDep
from app.db import SessionDep, utcnow
from app.engine import Performance
from app.kit.problems import NotFound
from app.transparency import charts, service
from app.transparency.schemas import (
    PublicAwardSearch,
    PublicChanges,
    PublicMetric,
    PublicMetricDetail,
    PublicPriorityQuery,
    PublicStatusCounts,
)
from app.transparency.standing import Standing
from app.web.format import NONE, ago, measure, number, span
from app.web.pages import cached, environment, html_page

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20
CHARTS = charts.RenderCache()
IfNoneMatch = Annotated[str | None, Header(max_length=2000)]

STANDING_WORDS = {
    Standing.on_track: "On track",
    Standing.at_risk: "At risk",
    Standing.off_track: "Off track",
    Standing.overdue: "Not reported recently",
    Standing.no_data: "No data yet",
    Standing.evaluation_error: "Cannot be evaluated",
}
# The order residents read them in: good news first, late data last but never hidden.
STANDINGS_SHOWN = (Standing.on_track, Standing.at_risk, Standing.off_track, Standing.overdue, Standing.no_data)


def changes_line(changes: PublicChanges) -> str:
    """`Since November 1: 2 measures improved, 1 stopped reporting.`"""
    moved = [
        (changes.improved, "improved"),
        (changes.worsened, "worsened"),
        (changes.stopped_reporting, "stopped reporting"),
        (changes.resumed_reporting, "reported again after a gap"),
    ]
    since = f"{changes.since:%B} {changes.since.day}"
    parts = [f"{count} {'measure' if count == 1 else 'measures'} {what}" for count, what in moved if count]
    return f"Since {since}: {', '.join(parts)}." if parts else f"No change since {since}."


def metric_summary(metric: PublicMetric) -> str:
    """The latest reading against what was expected, and when it came, in one sentence."""
    latest = metric.latest_reading
    if latest is None:
        return "No readings yet."
    today = utcnow().date()
    reading = f"{measure(latest.value, metric.unit)} for {span(latest.period_start, latest.period_end)}"
    expected = (
        f", against {measure(metric.expected_value, metric.unit)} expected" if metric.expected_value is not None else ""
    )
    if metric.standing == Standing.overdue:
        return f"Last reported {ago(latest.period_end, today)}: {reading}{expected}. A newer reading is overdue."
    return f"{reading}{expected}."


def band_words(edges: tuple[Decimal | None, Decimal | None] | None) -> str:
    if edges is None:
        return NONE
    low, high = edges
    if low is not None and high is not None:
        return f"{number(low)} to {number(high)}"
    return f"{number(low)} or more" if low is not None else f"{number(high)} or less"


def query_string(form: dict[str, str], page: int) -> str:
    return urlencode(form | {"page": str(page)})


TEMPLATES = environment(
    Path(__file__).resolve().parent / "templates",
    standing_words=STANDING_WORDS,
    standings_shown=STANDINGS_SHOWN,
    ago=ago,
    changes_line=changes_line,
    metric_summary=metric_summary,
    chart_words=charts.describe_briefly,
    band_words=band_words,
    standing_of_period=lambda status: Standing(Performance(status).value),
    query_string=query_string,
)


def _render(
    name: str,
    settings: Settings,
    if_none_match: str | None = None,
    *,
    status_code: int = 200,
    embeddable: bool = False,
    **context: Any,
) -> Response:
    today = utcnow().date()
    return html_page(
        TEMPLATES,
        name,
        {"site_name": settings.site_name, "today": today, "nav": ""} | context,
        if_none_match=if_none_match,
        status_code=status_code,
        embeddable=embeddable,
    )


def _or_not_found(settings: Settings, find: Callable[[], Any]) -> Any:
    """What `find` returns, or the not-found page when the record does not exist or is not published."""
    try:
        return find()
    except NotFound:
        return _render("not_found.html", settings, status_code=404)


def _record_id(text: str) -> int | None:
    return int(text) if text.isdigit() and 0 < int(text) < 2**31 else None


@router.get("/", name="page_home")
def home(session: SessionDep, settings: SettingsDep, if_none_match: IfNoneMatch = None) -> Response:
    priorities = service.list_priorities(session, PublicPriorityQuery(limit=200))["items"]
    totals = PublicStatusCounts(
        **{name: sum(getattr(p.counts, name) for p in priorities) for name in PublicStatusCounts.model_fields}
    )
    return _render("home.html", settings, if_none_match, priorities=priorities, totals_counts=totals)


@router.get("/priorities/{id}", name="page_priority")
def priority(
    session: SessionDep, settings: SettingsDep, id: str, page: int = 1, if_none_match: IfNoneMatch = None
) -> Response:
    priority_id = _record_id(id)
    if priority_id is None:
        return _render("not_found.html", settings, status_code=404)
    found = _or_not_found(settings, lambda: service.read_priority(session, priority_id))
    if isinstance(found, Response):
        return found
    query = PublicAwardSearch(priority_id=priority_id, **_paging(page))
    awards = service.list_awards(session, None, query, fiscal_start_month=settings.fiscal_year_start_month)
    return _render(
        "priority.html", settings, if_none_match, priority=found, awards=awards, pager=_pager(awards, page, {})
    )


def _award_page(kind: AwardKind) -> Callable[..., Response]:
    def award(session: SessionDep, settings: SettingsDep, id: str, if_none_match: IfNoneMatch = None) -> Response:
        award_id = _record_id(id)
        if award_id is None:
            return _render("not_found.html", settings, status_code=404)
        found = _or_not_found(
            settings,
            lambda: service.read_award(session, kind, award_id, fiscal_start_month=settings.fiscal_year_start_month),
        )
        if isinstance(found, Response):
            return found
        return _render("award.html", settings, if_none_match, award=found)

    return award


for _kind in AwardKind:
    router.add_api_route(f"/{_kind.value}s/{{id}}", _award_page(_kind), methods=["GET"], name=f"page_{_kind.value}")


def _metric(session: Session, settings: Settings, id: str) -> PublicMetricDetail | Response:
    metric_id = _record_id(id)
    if metric_id is None:
        return _render("not_found.html", settings, status_code=404)
    found: PublicMetricDetail | Response = _or_not_found(
        settings,
        lambda: service.read_metric(session, metric_id, fiscal_start_month=settings.fiscal_year_start_month),
    )
    return found


def _metric_view(
    template: str, session: Session, settings: Settings, id: str, if_none_match: str | None, *, embeddable: bool
) -> Response:
    """The metric page, or its embeddable view: the same figures, with links to each other."""
    found = _metric(session, settings, id)
    if isinstance(found, Response):
        return found
    base = settings.public_base_url.rstrip("/")
    return _render(
        template,
        settings,
        if_none_match,
        embeddable=embeddable,
        metric=found,
        description=charts.describe(found),
        embed_url=f"{base}/embed/metrics/{found.id}",
        page_url=f"{base}/metrics/{found.id}",
    )


@router.get("/metrics/{id}", name="page_metric")
def metric(session: SessionDep, settings: SettingsDep, id: str, if_none_match: IfNoneMatch = None) -> Response:
    return _metric_view("metric.html", session, settings, id, if_none_match, embeddable=False)


@router.get("/embed/metrics/{id}", name="page_metric_embed")
def metric_embed(session: SessionDep, settings: SettingsDep, id: str, if_none_match: IfNoneMatch = None) -> Response:
    return _metric_view("embed_metric.html", session, settings, id, if_none_match, embeddable=True)


@router.get("/metrics/{id}/chart.svg", name="page_metric_chart")
def metric_chart(
    session: SessionDep,
    settings: SettingsDep,
    id: str,
    size: Literal["full", "small"] = "full",
    if_none_match: IfNoneMatch = None,
) -> Response:
    found = _metric(session, settings, id)
    if isinstance(found, Response):
        return found
    _, svg = CHARTS.get(found, charts.FULL if size == "full" else charts.SMALL)
    # The SVG carries its own <style>: as an image it runs no script and reaches nothing else.
    policy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
    return cached(svg, "image/svg+xml", if_none_match, headers={"Content-Security-Policy": policy})


@router.get("/metrics/{id}/data.csv", name="page_metric_csv")
def metric_csv(session: SessionDep, settings: SettingsDep, id: str, if_none_match: IfNoneMatch = None) -> Response:
    found = _metric(session, settings, id)
    if isinstance(found, Response):
        return found
    disposition = f'attachment; filename="{_safe_filename(found.code)}.csv"'
    return cached(
        metric_table_csv(found).encode(),
        "text/csv; charset=utf-8",
        if_none_match,
        headers={"Content-Disposition": disposition},
    )


CSV_COLUMNS = (
    "period",
    "start",
    "end",
    "expected",
    "expected_low",
    "expected_high",
    "on_track_from",
    "on_track_to",
    "off_track_below",
    "off_track_above",
    "reading",
    "status",
)


def metric_table_csv(metric: PublicMetricDetail) -> str:
    """The metric page's table, one row per period, in exact figures (as `/public/v1/metrics/{id}`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for p in metric.periods:
        expected_range = p.expected_range or (None, None)
        on_track = p.on_track_within or (None, None)
        off_track = p.off_track_outside or (None, None)
        writer.writerow(
            _blank(v)
            for v in (
                p.period,
                p.start,
                p.end,
                p.expected,
                *expected_range,
                *on_track,
                *off_track,
                p.actual,
                p.status.value,
            )
        )
    return out.getvalue()


@router.get("/search", name="page_search")
def search(request: Request, session: SessionDep, settings: SettingsDep, if_none_match: IfNoneMatch = None) -> Response:
    raw = {k: v for k, v in request.query_params.items() if v != "" and k in SEARCH_FIELDS}
    page = _record_id(raw.pop("page", "1")) or 1
    choices = service.filter_choices(session)
    try:
        query = PublicAwardSearch.model_validate(raw | _paging(page))
    except ValidationError as error:
        problems = [f"{'.'.join(str(part) for part in e['loc'])}: {e['msg']}" for e in error.errors()]
        return _render(
            "search.html", settings, status_code=400, problems=problems, awards=None, form=raw, choices=choices
        )
    awards = service.list_awards(session, query.kind, query, fiscal_start_month=settings.fiscal_year_start_month)
    return _render(
        "search.html",
        settings,
        if_none_match,
        problems=[],
        awards=awards,
        form=raw,
        choices=choices,
        pager=_pager(awards, page, raw),
    )


SEARCH_FIELDS = ("q", "kind", "department_id", "vendor_id", "standing", "priority_id", "page")


def _paging(page: int) -> dict[str, int]:
    return {"limit": PAGE_SIZE, "offset": (max(page, 1) - 1) * PAGE_SIZE}


def _pager(awards: dict[str, Any], page: int, form: dict[str, str]) -> dict[str, Any]:
    pages = max(1, ceil(awards["total"] / PAGE_SIZE))
    return {"page": page, "pages": pages, "form": form, "total": awards["total"]}


def _blank(value: object) -> object:
    return "" if value is None else value.isoformat() if isinstance(value, date) else value


def _safe_filename(code: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in code) or "metric"
