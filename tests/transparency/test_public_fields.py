"""Every field the public API can return is a decision written down here.

The list is walked out of the OpenAPI document (every /public/v1 success response, references followed
recursively), so a field added to a public schema tomorrow fails this test until someone adds it below,
on purpose, after asking: may residents see this?
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from app.auth.dependencies import Authorize
from app.main import app
from app.transparency.router import PUBLIC_PREFIX
from tests.transparency.fields import response_fields

PAGE = {"items", "limit", "offset", "total"}
PRIORITY = {"id", "code", "title", "description", "target_year", "counts", "changes"}  # counts of public metrics
AWARD_SUMMARY = {
    "id",
    "kind",
    "number",
    "title",
    "description",
    "status",
    "department",
    "vendor",  # legal name only: never contact name, email, phone, address or tax id
    "value",
    "currency",
    "start_date",
    "end_date",
    "performance",
    "standing",  # derived from the public metrics' statuses and freshness
    "freshness",
    "last_reported",  # the end of a reported period: not when or by whom it was recorded
    "counts",
}
METRIC = {
    "id",
    "code",
    "name",
    "description",
    "unit",
    "unit_code",
    "direction",
    "cadence",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
    "range_min",
    "range_max",
    "interim_targets",
    "latest_reading",  # the value and its period: never who recorded it, the note, or verification
    "expected_value",
    "performance",
    "freshness",
    "standing",
    "projected_miss",
    "forecast",  # the trend line through public readings, to the public target date
    "reasons",  # the engine's reasons in numbers, never alert comments
    "as_of",
}  # never the tolerance settings, validity bounds, grace days or data source (each period's edges in values: yes)

ALLOWED: dict[str, set[str]] = {
    "Page_PublicPriority_": PAGE,
    "Page_PublicAwardSummary_": PAGE,
    "PublicPriority": PRIORITY,
    "PublicPriorityDetail": PRIORITY | {"goals"},
    "PublicPriorityGoal": {"id", "title", "award"},
    "PublicAwardRef": {"id", "kind", "number", "title"},
    "PublicAwardSummary": AWARD_SUMMARY,
    "PublicAward": AWARD_SUMMARY | {"goals"},
    "PublicDepartment": {"id", "code", "name"},
    "PublicVendor": {"id", "legal_name"},
    "PublicStatusCounts": {"on_track", "at_risk", "off_track", "overdue", "no_data", "evaluation_error"},
    "PublicChanges": {"since", "improved", "worsened", "stopped_reporting", "resumed_reporting"},
    "PublicGoal": {"id", "title", "description", "priority", "metrics"},
    "PublicGoalPriority": {"id", "code", "title"},
    "PublicGoalRef": {"id", "title"},
    "PublicMetric": METRIC,
    "PublicMetricDetail": METRIC | {"award", "goal", "periods"},
    "PublicInterimTarget": {"period", "value"},
    "PublicReading": {"period", "period_start", "period_end", "value"},
    "PublicReason": {"code", "message"},
    "PublicPeriod": {
        "period",
        "start",
        "end",
        "expected",
        "expected_range",
        "actual",
        "status",
        "on_track_within",  # the band the chart draws, in the metric's unit
        "off_track_outside",
    },
    "PublicForecast": {"projected_value", "target_date", "based_on"},
}
# Words that must never name a public field, whatever the schema.
FORBIDDEN = ("contact", "email", "phone", "address", "note", "comment", "recorded_by", "verified", "audit", "password")


def _allowed_fields() -> set[str]:
    return {f"{schema}.{field}" for schema, fields in ALLOWED.items() for field in fields}


def test_every_public_field_has_been_decided() -> None:
    returned = response_fields(app.openapi(), PUBLIC_PREFIX + "/")
    allowed = _allowed_fields()

    undecided = sorted(returned - allowed)
    assert not undecided, (
        f"new fields in the public API: decide whether residents may see them, then add them to ALLOWED: {undecided}"
    )
    assert returned == allowed, f"ALLOWED lists fields the public API no longer returns: {sorted(allowed - returned)}"


def test_no_public_field_is_named_like_private_data() -> None:
    for field in _allowed_fields():
        assert not any(word in field.lower() for word in FORBIDDEN), field


def test_the_walk_notices_a_field_added_deep_inside_a_response() -> None:
    """The check is only as good as the walk: a new nested field must show up in it."""
    document: dict[str, Any] = {
        "paths": {
            "/public/v1/things/{id}": {
                "get": {
                    "responses": {
                        "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
                        "404": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/P"}}}},
                    }
                }
            },
            "/api/v1/secrets": {
                "get": {"responses": {"200": {"content": {"application/json": {"schema": {"type": "object"}}}}}}
            },
        },
        "components": {
            "schemas": {
                "Thing": {
                    "properties": {
                        "name": {"type": "string"},
                        "vendor": {"anyOf": [{"$ref": "#/components/schemas/Vendor"}, {"type": "null"}]},
                        "children": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}},
                    }
                },
                "Vendor": {"properties": {"legal_name": {}, "contact": {"properties": {"email": {}}}}},
                "P": {"properties": {"detail": {}}},
            }
        },
    }

    assert response_fields(document, "/public/v1/") == {
        "Thing.name",
        "Thing.vendor",
        "Thing.children",
        "Vendor.legal_name",
        "Vendor.contact",
        "Vendor.contact.email",
    }


def _public_operations(application: FastAPI) -> list[tuple[str, set[str], Dependant]]:
    """(path, methods, effective dependant) of every route under /public/v1, through included routers."""
    return [
        (context.path, set(context.methods), context.dependant)
        for context in iter_route_contexts(application.routes)
        if isinstance(context.original_route, APIRoute) and context.path.startswith(PUBLIC_PREFIX + "/")
    ]


def _authorizers(dependant: Dependant) -> list[Authorize]:
    found = [dependant.call] if isinstance(dependant.call, Authorize) else []
    return found + [rule for sub in dependant.dependencies for rule in _authorizers(sub)]


def test_the_public_api_is_read_only_and_asks_nobody_to_sign_in() -> None:
    operations = _public_operations(app)
    assert len(operations) >= 7
    for path, methods, dependant in operations:
        assert methods == {"GET"}, path
        assert _authorizers(dependant) == [], path
    for path, operations_of_path in app.openapi()["paths"].items():
        if path.startswith(PUBLIC_PREFIX + "/"):
            assert all("security" not in operation for operation in operations_of_path.values()), path
