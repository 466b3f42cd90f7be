"""Builds the standard list/create/read/update/delete endpoints of a `Resource`.

No `from __future__ import annotations` here: FastAPI reads the endpoint annotations at definition
time, and they refer to the resource's own schema classes.
"""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status
from pydantic import BaseModel, Field, create_model

from app.auth.dependencies import Authorize, SessionDep
from app.auth.principal import Principal
from app.auth.roles import Action
from app.kit.pagination import Page
from app.kit.params import ERRORS, WRITE_ERRORS, IfMatch, OptionalIfMatch, RecordId
from app.kit.preconditions import etag
from app.records import crud
from app.records.resource import Resource

_QUERY_MODELS: dict[tuple[str, tuple[str, ...]], type[BaseModel]] = {}


def with_sort_fields(resource: Resource) -> type[BaseModel]:
    """The resource's query model, its `sort` parameter limited (in the published schema too) to sortable fields."""
    return sortable_query(resource.query_schema, resource.sortable)


def sortable_query(query_schema: type[BaseModel], fields: tuple[str, ...]) -> type[BaseModel]:
    """`query_schema` whose `sort` parameter publishes exactly which `fields` it accepts."""
    key = (query_schema.__qualname__, fields)
    if key not in _QUERY_MODELS:
        names = "|".join(sorted(fields, key=len, reverse=True))
        term = f"-?({names})"
        _QUERY_MODELS[key] = create_model(
            query_schema.__name__,
            __base__=query_schema,
            sort=(
                str | None,
                Field(
                    default=None,
                    max_length=200,
                    pattern=r"^-?[a-z_]+(,-?[a-z_]+)*$",
                    # The exact list is published for clients and fuzzers; the service checks it with a friendlier
                    # message.
                    json_schema_extra={"pattern": f"^{term}(,{term})*$"},
                    description=f"Comma-separated fields, `-` for descending; one of: {', '.join(fields)}",
                ),
            ),
        )
    return _QUERY_MODELS[key]


def reader(resource: Resource) -> Any:
    return Annotated[Principal, Depends(Authorize(resource.area, Action.read))]


def writer(resource: Resource) -> Any:
    return Annotated[Principal, Depends(Authorize(resource.area, Action.write))]


def mount_crud(router: APIRouter, resource: Resource, path: str, *, with_create: bool = True) -> None:
    """Adds `GET/POST path` and `GET/PATCH/DELETE path/{id}` for `resource` to `router`."""
    Public = resource.public_schema
    Create = resource.create_schema
    Update = resource.update_schema
    Filters = with_sort_fields(resource)
    Reader, Writer = reader(resource), writer(resource)
    label = resource.name

    @router.get(
        path,
        response_model=Page[Public],
        summary=f"List {resource.area}",
        responses=ERRORS,
        name=f"list_{resource.area}",
    )  # type: ignore[valid-type]
    def list_(session: SessionDep, principal: Reader, query: Annotated[Filters, Query()]) -> Any:  # type: ignore[valid-type]
        rows, total = crud.list_records(session, resource, principal=principal, query=query)
        return {"items": rows, "total": total, "limit": query.limit, "offset": query.offset}  # type: ignore[attr-defined]

    if with_create:

        @router.post(
            path,
            response_model=Public,
            status_code=status.HTTP_201_CREATED,
            summary=f"Create a {label}",
            name=f"create_{label}",
            responses=WRITE_ERRORS,
        )
        def create(
            session: SessionDep,
            principal: Writer,
            body: Create,
            request: Request,
            response: Response,  # type: ignore[valid-type]
        ) -> Any:  # type: ignore[valid-type]
            record = crud.create_record(session, resource, principal=principal, data=body)
            response.headers["ETag"] = etag(record)
            response.headers["Location"] = f"{request.url.path.rstrip('/')}/{record.id}"
            return record

    @router.get(
        f"{path}/{{id}}",
        response_model=Public,
        summary=f"Read a {label}",
        responses=ERRORS,
        name=f"read_{label}",
    )
    def read(session: SessionDep, principal: Reader, id: RecordId, response: Response) -> Any:
        record = crud.get_record(session, resource, principal=principal, record_id=id)
        response.headers["ETag"] = etag(record)
        return record

    @router.patch(
        f"{path}/{{id}}",
        response_model=Public,
        summary=f"Update a {label} (If-Match required)",
        name=f"update_{label}",
        responses=WRITE_ERRORS,
    )
    def update(
        session: SessionDep,
        principal: Writer,
        id: RecordId,
        body: Update,  # type: ignore[valid-type]
        response: Response,
        if_match: IfMatch,
    ) -> Any:
        record = crud.update_record(session, resource, principal=principal, record_id=id, patch=body, if_match=if_match)
        response.headers["ETag"] = etag(record)
        return record

    @router.delete(
        f"{path}/{{id}}",
        status_code=status.HTTP_204_NO_CONTENT,
        summary=f"Delete a {label}",
        name=f"delete_{label}",
        responses=WRITE_ERRORS,
    )
    def delete(session: SessionDep, principal: Writer, id: RecordId, if_match: OptionalIfMatch = None) -> None:
        crud.delete_record(session, resource, principal=principal, record_id=id, if_match=if_match)


def mount_children(
    router: APIRouter,
    *,
    parent: Resource,
    parent_path: str,
    child: Resource,
    child_path: str,
    owner_fields: Callable[[Any], dict[str, Any]],
) -> None:
    """Adds `GET/POST parent_path/{id}/child_path`: a child is listed and created through its parent.

    `owner_fields(parent_record)` gives the columns that tie a child to that parent. The parent must be
    visible to the caller (404 otherwise), so nested routes are scoped exactly like their parents.
    """
    Public = child.public_schema
    Create = child.create_schema
    Filters = with_sort_fields(child)
    Reader, Writer = reader(child), writer(child)
    path = f"{parent_path}/{{id}}/{child_path}"

    @router.get(
        path,
        response_model=Page[Public],  # type: ignore[valid-type]
        summary=f"List the {child.area} of a {parent.name}",
        responses=ERRORS,
        name=f"list_{parent.name}_{child.area}",
    )
    def list_children(session: SessionDep, principal: Reader, id: RecordId, query: Annotated[Filters, Query()]) -> Any:  # type: ignore[valid-type]
        owner = crud.get_record(session, parent, principal=principal, record_id=id)
        where = tuple(getattr(child.model, name) == value for name, value in owner_fields(owner).items())
        rows, total = crud.list_records(session, child, principal=principal, query=query, where=where)
        return {"items": rows, "total": total, "limit": query.limit, "offset": query.offset}  # type: ignore[attr-defined]

    @router.post(
        path,
        response_model=Public,
        status_code=status.HTTP_201_CREATED,
        summary=f"Add a {child.name} to a {parent.name}",
        responses=WRITE_ERRORS,
        name=f"create_{parent.name}_{child.name}",
    )
    def create_child(
        session: SessionDep,
        principal: Writer,
        id: RecordId,
        body: Create,  # type: ignore[valid-type]
        response: Response,
    ) -> Any:
        owner = crud.get_record(session, parent, principal=principal, record_id=id)
        record = crud.create_record(session, child, principal=principal, data=body, extra=owner_fields(owner))
        response.headers["ETag"] = etag(record)
        response.headers["Location"] = f"/api/v1/{child.area}/{record.id}"
        return record
