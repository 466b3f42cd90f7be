"""The published contract says exactly what the service accepts, so clients and fuzzers can rely on it."""

from __future__ import annotations

from typing import Any

from app.kit.contract import refine
from app.kit.fields import NO_NUL, NOT_BLANK
from tests.support import Actor, City, assert_problem

API = "/api/v1"


def _document() -> dict[str, Any]:
    return {
        "paths": {
            "/things": {
                "get": {
                    "parameters": [
                        {"name": "q", "in": "query", "schema": {"anyOf": [{"type": "string"}, {"type": "null"}]}},
                        {
                            "name": "sort",
                            "in": "query",
                            "schema": {
                                "anyOf": [{"type": "string", "pattern": "^[a-z]+$"}, {"type": "null"}],
                                "pattern": "^(id|name)$",
                            },
                        },
                    ]
                },
                "post": {"security": [{"HTTPBasic": []}]},
            }
        },
        "components": {
            "schemas": {
                "Thing": {
                    "properties": {
                        "name": {"type": "string", "minLength": 1},
                        "note": {"type": "string"},
                        "code": {"type": "string", "pattern": "^[A-Z]{3}$"},
                        "day": {"type": "string", "format": "date"},
                    }
                }
            }
        },
    }


def test_text_says_it_may_not_hold_nul_and_required_text_may_not_be_blank() -> None:
    properties = refine(_document())["components"]["schemas"]["Thing"]["properties"]

    assert properties["name"]["pattern"] == NOT_BLANK
    assert properties["note"]["pattern"] == NO_NUL
    assert properties["code"]["pattern"] == "^[A-Z]{3}$"  # an explicit rule is kept
    assert "pattern" not in properties["day"]  # formats say it already


def test_optional_parameters_are_absent_rather_than_null_and_keep_their_own_rules() -> None:
    parameters = {p["name"]: p["schema"] for p in refine(_document())["paths"]["/things"]["get"]["parameters"]}

    assert parameters["q"] == {"type": "string", "pattern": NO_NUL}
    assert parameters["sort"] == {"type": "string", "pattern": "^(id|name)$"}


def test_basic_credentials_are_optional_where_the_form_can_carry_them() -> None:
    assert refine(_document())["paths"]["/things"]["post"]["security"] == [{}, {"HTTPBasic": []}]


def test_a_method_the_path_does_not_have_is_405_listing_every_method_it_has(admin: Actor, city: City) -> None:
    collection = admin.request("PUT", f"{API}/contracts")
    record = admin.request("PUT", f"{API}/contracts/{city.pothole_contract}")

    assert_problem(collection, 405)
    assert set(collection.headers["Allow"].split(", ")) == {"GET", "HEAD", "POST"}
    assert_problem(record, 405)
    assert set(record.headers["Allow"].split(", ")) == {"DELETE", "GET", "HEAD", "PATCH"}


def test_a_created_or_read_record_links_to_changing_it_with_its_etag() -> None:
    document = {
        "paths": {
            "/things": {"post": {"responses": {"201": {}}}},
            "/things/{id}": {
                "get": {"operationId": "read_thing", "responses": {"200": {}}},
                "patch": {"operationId": "update_thing"},
                "delete": {"operationId": "delete_thing"},
            },
        }
    }

    paths = refine(document)["paths"]

    created = paths["/things"]["post"]["responses"]["201"]["links"]
    assert created["read"] == {"operationId": "read_thing", "parameters": {"id": "$response.body#/id"}}
    assert created["update"]["parameters"] == {"id": "$response.body#/id", "header.If-Match": "$response.header.ETag"}
    read = paths["/things/{id}"]["get"]["responses"]["200"]["links"]
    assert set(read) == {"update", "delete"}
    assert read["update"]["parameters"]["id"] == "$request.path.id"
