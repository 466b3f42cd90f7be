"""The role x operation matrix, checked against every operation the application actually serves.

The list of operations is generated from the app's routes, so a route added tomorrow is covered
without touching this file: it fails here if it has no `Authorize` rule, and it is then exercised
for every role (403 exactly where `app.auth.roles.is_allowed` says no) and anonymously (401).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import APIRouter, Depends, FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth.dependencies import Authorize
from app.auth.roles import MATRIX, Action, Role, Scope, is_allowed
from app.main import app
from tests.auth.helpers import API, add_service_account, assert_unauthenticated, service_account_actor
from tests.support import Actor, City, assert_problem, contract_payload, metric_payload

SIGN_IN = ("POST", f"{API}/auth/token")
# The unsubscribe link of an e-mail: its signed token is the authority (a person clicks it, not signed in).
UNSUBSCRIBE = {("GET", f"{API}/notifications/unsubscribe"), ("POST", f"{API}/notifications/unsubscribe")}
WITHOUT_SIGN_IN = {SIGN_IN, *UNSUBSCRIBE}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # the template, e.g. /api/v1/contracts/{id}/goals
    name: str
    rules: tuple[Authorize, ...]

    @property
    def key(self) -> tuple[str, str]:
        return self.method, self.path

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def _authorizers(dependant: Dependant) -> Iterator[Authorize]:
    if isinstance(dependant.call, Authorize):
        yield dependant.call
    for sub_dependant in dependant.dependencies:
        yield from _authorizers(sub_dependant)


def operations_of(application: FastAPI, prefix: str = API) -> list[Operation]:
    """Every (method, path) the application serves under `prefix`, with the rules guarding it.

    `iter_route_contexts` sees through the routers FastAPI wraps on `include_router`, and gives each
    route's effective dependant (its own dependencies plus those of every router it was included in).
    """
    found: list[Operation] = []
    for context in iter_route_contexts(application.routes):
        if not isinstance(context.original_route, APIRoute) or not context.path.startswith(prefix + "/"):
            continue
        rules = tuple(_authorizers(context.dependant))
        path = re.sub(r"\{(\w+):\w+\}", r"{\1}", context.path)  # "/readings/{id:int}" is documented as "{id}"
        found.extend(Operation(method, path, context.name, rules) for method in sorted(context.methods))
    return sorted(found, key=lambda op: (op.path, op.method))


def rule_problems(operations: list[Operation], exempt: set[tuple[str, str]]) -> list[str]:
    """What is wrong with the rules of `operations`, one line per problem (empty: all good)."""
    problems: list[str] = []
    for op in operations:
        if op.key in exempt:
            continue
        if not op.rules:
            problems.append(f"{op}: no Authorize rule among its dependencies")
            continue
        for rule in op.rules:
            if rule.area not in MATRIX or rule.action not in MATRIX[rule.area]:
                problems.append(f"{op}: rule {rule.area}/{rule.action} is not in the role matrix")
            expected_action = Action.write if op.method in WRITE_METHODS else Action.read
            if rule.action != expected_action:
                problems.append(f"{op}: guarded by {rule.action.value}, but a {op.method} is a {expected_action.value}")
    return problems


OPERATIONS = operations_of(app)


def test_the_generated_operation_list_matches_the_published_api() -> None:
    documented = {
        (method.upper(), path)
        for path, item in app.openapi()["paths"].items()
        if path.startswith(API + "/")
        for method in item
    }
    served = {op.key for op in OPERATIONS}
    assert documented <= served, f"operations in the OpenAPI document the route walk missed: {documented - served}"
    assert SIGN_IN in served
    assert len(served) >= 50, "the route walk found suspiciously few operations"


def test_every_operation_except_sign_in_and_unsubscribe_has_a_rule_of_the_matrix() -> None:
    assert rule_problems(OPERATIONS, exempt=WITHOUT_SIGN_IN) == []


def test_sign_in_and_the_signed_unsubscribe_link_are_the_only_operations_without_a_rule() -> None:
    unguarded = {op.key for op in OPERATIONS if not op.rules}
    assert unguarded == WITHOUT_SIGN_IN


def test_the_rule_check_catches_a_route_someone_forgot_to_guard() -> None:
    """The check above would fail for a new route without a rule, or with a rule the matrix does not know."""
    careless = FastAPI()
    router = APIRouter()

    @router.get("/reports")
    def reports() -> list[str]:
        return []

    @router.delete("/contracts/{id}", dependencies=[Depends(Authorize("contracts", Action.read))])
    def delete_contract(id: int) -> None:
        return None

    @router.get("/vendors", dependencies=[Depends(Authorize("vendor_secrets", Action.read))])
    def vendors() -> list[str]:
        return []

    outer = APIRouter(prefix=API)
    outer.include_router(router)
    careless.include_router(outer)

    problems = rule_problems(operations_of(careless), exempt=set())

    assert problems == [
        f"DELETE {API}/contracts/{{id}}: guarded by read, but a DELETE is a write",
        f"GET {API}/reports: no Authorize rule among its dependencies",
        f"GET {API}/vendors: rule vendor_secrets/read is not in the role matrix",
    ]


# --- requests --------------------------------------------------------------------------------------

PATCHES: dict[str, dict[str, Any]] = {
    "users": {"full_name": "Renamed In The Matrix Test"},
    "vendors": {"contact_name": "Pat Rivera"},
}
DEFAULT_PATCH = {"description": "Reviewed in the access-control matrix test"}


def _creates(city: City) -> dict[str, dict[str, Any]]:
    return {
        "departments": {"name": "Parks and Recreation", "code": "PRK"},
        "vendors": {"legal_name": "Green Fleet LLC", "identifier": "98-7654321"},
        "priorities": {"code": "net-zero-fleet", "title": "Net-zero city fleet by 2035"},
        "procurements": {"title": "Bus shelter replacement", "department_id": city.transportation, "method": "rfq"},
        "contracts": contract_payload(
            number="C-2026-0999",
            external_id="PO-4500099999",
            vendor_id=city.paving_vendor,
            department_id=city.transportation,
        ),
        "grants": contract_payload(
            number="G-2026-0999",
            external_id="GR-2026-999",
            vendor_id=city.housing_vendor,
            department_id=city.human_services,
        ),
        "goals": {"title": "Shorten the wait for shelter"},
        "metrics": metric_payload(code="MATRIX-1"),
        "users": {
            "email": "new.analyst@city.example",
            "full_name": "New Analyst",
            "role": "viewer",
            "password": "a long enough passphrase",
        },
        "service-accounts": {"name": "Oracle ERP nightly feed", "scopes": ["catalog:read"]},
    }


def _collection(path: str) -> str:
    return [segment for segment in path.split("/") if segment and not segment.startswith("{")][-1]


def _body_media_type(op: Operation) -> str | None:
    """The media type of the operation's request body, from the OpenAPI document (None: no body)."""
    operation = app.openapi()["paths"].get(op.path, {}).get(op.method.lower(), {})
    content = operation.get("requestBody", {}).get("content", {})
    return next(iter(content), None)


def concrete_url(path: str, ids: dict[str, int]) -> str:
    """The template with each `{param}` replaced by the id of the collection segment before it."""
    parts: list[str] = []
    previous = ""
    for segment in path.split("/"):
        if segment.startswith("{"):
            parts.append(str(ids.get(previous, 1)))
        else:
            parts.append(segment)
            previous = segment
    return "/".join(parts)


def request_for(op: Operation, ids: dict[str, int], creates: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A well-formed request for `op`: a realistic JSON body where one is known here, else `{}`.

    Whether and what body to send comes from the OpenAPI document, so new operations get one too.
    """
    headers: dict[str, str] = {"If-Match": "*"} if op.method in {"PATCH", "DELETE"} else {}
    media_type = _body_media_type(op)
    if media_type is None:
        return {"headers": headers}
    if media_type != "application/json":
        return {"headers": headers | {"Content-Type": media_type}, "content": b""}
    if op.method == "PATCH":
        return {"headers": headers, "json": PATCHES.get(_collection(op.path), DEFAULT_PATCH)}
    return {"headers": headers, "json": creates.get(_collection(op.path), {})}


def _in_safe_order(operations: list[Operation]) -> list[Operation]:
    """Deletes last, so that they do not turn the other requests into 404s (harmless, but less telling)."""
    return sorted(operations, key=lambda op: op.method == "DELETE")


# --- the matrix, role by role ----------------------------------------------------------------------

ALL_SCOPES = sorted(scope.value for scope in Scope)
CALLERS: dict[str, tuple[Role, list[str]]] = {
    "admin": (Role.admin, []),
    "procurement_officer": (Role.procurement_officer, []),
    "contract_manager": (Role.contract_manager, []),
    "viewer": (Role.viewer, []),
    "integration with every scope": (Role.integration, ALL_SCOPES),
    "integration with catalog:read": (Role.integration, [Scope.catalog_read.value]),
    "integration with readings scopes": (Role.integration, [Scope.readings_read.value, Scope.readings_write.value]),
    "integration without scopes": (Role.integration, []),
    # Limited callers, on records inside their reach (the paving vendor's pothole contract).
    "vendor": (Role.vendor, []),
    "integration limited to the paving vendor": (Role.integration, ALL_SCOPES),
    "integration limited to the pothole contract": (Role.integration, ALL_SCOPES),
}


def limited_caller(caller: str, city: City, make_actor: Any, client: TestClient, session: Session) -> Actor:
    role, scopes = CALLERS[caller]
    if role == Role.vendor:
        return make_actor(Role.vendor, vendor_id=city.paving_vendor)  # type: ignore[no-any-return]
    if "paving vendor" in caller:
        return service_account_actor(client, add_service_account(session, scopes, vendor_id=city.paving_vendor))
    if "pothole contract" in caller:
        return service_account_actor(client, add_service_account(session, scopes, award_ids=[city.pothole_contract]))
    if role == Role.integration:
        return service_account_actor(client, add_service_account(session, scopes))
    return make_actor(role)  # type: ignore[no-any-return]


def denial_status(role: Role) -> int:
    """A vendor is told the city's own work does not exist (404); everyone else is told it is not theirs (403)."""
    return 404 if role == Role.vendor else 403


@pytest.fixture
def limited_accounts_on_postgresql(caller: str, database_url: str) -> None:
    """Limited service accounts use the vendor's reach SQL, which runs on both databases: PostgreSQL suffices
    (skipped before the city is built)."""
    if caller.startswith("integration limited") and database_url.startswith("sqlite"):
        pytest.skip("limited service accounts are walked through the matrix on PostgreSQL")


@pytest.mark.parametrize("caller", list(CALLERS))
def test_each_caller_is_forbidden_exactly_where_the_matrix_says_no(
    limited_accounts_on_postgresql: None, caller: str, city: City, make_actor: Any, client: TestClient, session: Session
) -> None:
    role, scopes = CALLERS[caller]
    actor = limited_caller(caller, city, make_actor, client, session)
    target_user = make_actor(Role.viewer)
    target_account = add_service_account(session, [Scope.catalog_read.value], name="Target of revoke")
    ids = {
        "departments": city.transportation,
        "vendors": city.paving_vendor,
        "priorities": city.vision_zero,
        "procurements": city.pothole_rfp,
        "contracts": city.pothole_contract,
        "grants": city.rehousing_grant,
        "goals": city.pothole_goal,
        "metrics": city.pothole_metric,
        "users": target_user.user_id,
        "service-accounts": target_account.id,
    }
    creates = _creates(city)

    wrong: list[str] = []
    checked = 0
    for op in _in_safe_order(OPERATIONS):
        if op.key in WITHOUT_SIGN_IN:
            continue
        allowed = all(is_allowed(role, frozenset(scopes), rule.area, rule.action) for rule in op.rules)
        response = actor.request(op.method, concrete_url(op.path, ids), **request_for(op, ids, creates))
        checked += 1
        if not allowed:
            expected = denial_status(role)
            if response.status_code != expected:
                wrong.append(f"{op}: expected {expected}, got {response.status_code} {response.text[:200]}")
            else:
                assert_problem(response, expected)
        elif response.status_code in {401, 403} or response.status_code >= 500:
            wrong.append(f"{op}: allowed, but got {response.status_code} {response.text[:200]}")

    assert checked >= 50
    assert wrong == [], "\n".join(wrong)


def test_an_anonymous_caller_is_asked_to_authenticate_everywhere(anonymous: Actor, city: City) -> None:
    ids: dict[str, int] = {}
    creates = _creates(city)
    for op in OPERATIONS:
        if op.key in WITHOUT_SIGN_IN:
            continue
        response = anonymous.request(op.method, concrete_url(op.path, ids), **request_for(op, ids, creates))
        assert_unauthenticated(response)


def test_the_matrix_itself_reads_as_the_readme_promises() -> None:
    """Spot checks of the policy, in words: who may do what."""
    nothing: frozenset[str] = frozenset()
    assert is_allowed(Role.viewer, nothing, "contracts", Action.read)
    assert not is_allowed(Role.viewer, nothing, "contracts", Action.write)
    assert is_allowed(Role.procurement_officer, nothing, "contracts", Action.write)
    assert not is_allowed(Role.contract_manager, nothing, "contracts", Action.write)
    assert is_allowed(Role.contract_manager, nothing, "readings", Action.write)
    assert not is_allowed(Role.procurement_officer, nothing, "users", Action.read)
    assert not is_allowed(Role.procurement_officer, nothing, "audit", Action.read)
    assert is_allowed(Role.admin, nothing, "audit", Action.read)
    assert not is_allowed(Role.admin, nothing, "audit", Action.write)  # nobody edits the audit log
    assert is_allowed(Role.integration, frozenset({"catalog:read"}), "contracts", Action.read)
    assert not is_allowed(Role.integration, frozenset(ALL_SCOPES), "contracts", Action.write)
    assert not is_allowed(Role.integration, frozenset(ALL_SCOPES), "users", Action.read)
    assert not is_allowed(Role.integration, nothing, "contracts", Action.read)
