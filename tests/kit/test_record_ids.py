"""Ids out of range are the client's mistake (422), never a server error, on every route."""

from typing import Any

import pytest

from app.main import app
from tests.support import Actor, assert_problem

PORTFOLIO = ("departments", "vendors", "priorities", "procurements", "contracts", "grants", "goals", "metrics")


def _portfolio_routes_with_an_id() -> list[tuple[str, str]]:
    """(method, path) of every portfolio route that takes a record id (metric readings are not the portfolio)."""
    return [
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        if "{id}" in path and path.split("/")[3] in PORTFOLIO and "readings" not in path
        for method in operations
    ]


ROUTES = _portfolio_routes_with_an_id()


def test_every_portfolio_resource_has_routes_by_id() -> None:
    covered = {path.split("/")[3] for _, path in ROUTES}

    assert covered == set(PORTFOLIO)
    assert ("POST", "/api/v1/contracts/{id}/goals/carry-over") in ROUTES


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_an_impossible_id_in_the_path_is_a_validation_error(admin: Actor, method: str, path: str) -> None:
    for bad_id in ("99999999999", "2147483648", str(2**64), "0", "-1", "seven", "1.5"):
        response = admin.request(method, path.replace("{id}", bad_id), json={}, headers={"If-Match": "*"})

        assert_problem(response, 422, "path.id")

    largest = admin.request(method, path.replace("{id}", "2147483647"), json={}, headers={"If-Match": "*"})
    assert largest.status_code in (404, 422), largest.text  # 422 only for the empty body of a create
    assert "path.id" not in [error["field"] for error in largest.json().get("errors", [])]


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/v1/contracts", {"department_id": 99999999999}, "query.department_id"),
        ("/api/v1/grants", {"vendor_id": 2**63}, "query.vendor_id"),
        ("/api/v1/procurements", {"department_id": -5}, "query.department_id"),
        ("/api/v1/goals", {"award_id": 99999999999}, "query.award_id"),
        ("/api/v1/metrics", {"goal_id": 99999999999}, "query.goal_id"),
        ("/api/v1/audit", {"entity_id": 99999999999}, "query.entity_id"),
        ("/api/v1/vendors", {"offset": 10**12}, "query.offset"),
    ],
)
def test_an_impossible_id_in_a_filter_is_a_validation_error(
    admin: Actor, path: str, params: dict[str, Any], field: str
) -> None:
    assert_problem(admin.get(path, params=params), 422, field)


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        ("/api/v1/procurements", {"title": "X", "method": "rfp", "department_id": 99999999999}, "body.department_id"),
        ("/api/v1/contracts/1/goals", {"title": "X", "priority_id": 99999999999}, "body.priority_id"),
    ],
)
def test_an_impossible_id_in_a_body_is_a_validation_error(
    admin: Actor, path: str, payload: dict[str, Any], field: str
) -> None:
    assert_problem(admin.post(path, json=payload), 422, field)
