"""Builds the standard list/create/read/update/delete endpoints of a `Resource`.

No `from __future__ import annotations` here: FastAPI reads the endpoint annotations when a route is added.
A resource's schema classes are known only at run time, so each endpoint is declared with their static base
classes and `runtime_annotations` puts the resource's own classes into its annotations before the route is
added.
"""

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Query, Request, Response, status
from pydantic import BaseModel, Field, create_model

from app.auth.dependencies import Authorize
from app.auth.principal import Principal
from app.auth.roles import Action
from app.db import SessionDep
from app.kit.pagination import ListQuery, Page
from app.kit.params import ERRORS, WRITE_ERRORS, IfMatch, OptionalIfMatch, RecordId
from app.kit.preconditions import etag
from app.records import crud
from app.records.resource import Resource

_QUERY_MODELS: dict[tuple[str, tuple[str, ...]], type[ListQuery]] = {}

Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


def runtime_annotations(**annotations: Any) -> Callable[[Endpoint], Endpoint]:
    """Sets parameter annotations of the decorated endpoint to classes known only at run time.

    Apply it below the route decorator (it must run first): FastAPI reads the annotations, through
    `inspect.signature`, when the route is added.
    """

    def annotate(endpoint: Endpoint) -> Endpoint:
        unknown = annotations.keys() - endpoint.__annotations__.keys()
        if unknown:
            raise TypeError(f"{endpoint.__name__} has no annotated parameter {', '.join(sorted(unknown))}")
        endpoint.__annotations__.update(annotations)
        return endpoint

    return annotate


def query_of(schema: type[BaseModel]) -> Any:
    """The annotation of query parameters read from `schema`, a model known only at run time."""
    return Annotated[schema, Query()]


def page_of(schema: type[BaseModel]) -> type[BaseModel]:
    """`Page[schema]`, for a `schema` known only at run time."""
    generic: Any = Page  # a type checker accepts only static classes in `Page[...]`
    return generic[schema]


def with_sort_fields(resource: Resource[Any]) -> type[ListQuery]:
    """The resource's query model, its `sort` parameter limited (in the published schema too) to sortable fields."""
    return sortable_query(resource.query_schema, resource.sortable)


def sortable_query(query_schema: type[ListQuery], fields: tuple[str, ...]) -> type[ListQuery]:
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


def mount_crud(router: APIRouter, resource: Resource[Any], path: str, *, with_create: bool = True) -> None:
    """Adds `GET/POST path` and `GET/PATCH/DELETE path/{id}` for `resource` to `router`."""
    Public = resource.public_schema
    reads, writes = Authorize(resource.area, Action.read), Authorize(resource.area, Action.write)
    label = resource.name

    @router.get(
        path,
        response_model=page_of(Public),
        summary=f"List {resource.area}",
        responses=ERRORS,
        name=f"list_{resource.area}",
    )
    @runtime_annotations(query=query_of(with_sort_fields(resource)))
    def list_(
        session: SessionDep,
        principal: Annotated[Principal, Depends(reads)],
        query: Annotated[ListQuery, Query()],
    ) -> Any:
        rows, total = crud.list_records(session, resource, principal=principal, query=query)
        return {"items": rows, "total": total, "limit": query.limit, "offset": query.offset}

    if with_create:

        @router.post(
            path,
            response_model=Public,
            status_code=status.HTTP_201_CREATED,
            summary=f"Create a {label}",
            name=f"create_{label}",
            responses=WRITE_ERRORS,
        )
        @runtime_annotations(body=resource.create_schema)
        def create(
            session: SessionDep,
            principal: Annotated[Principal, Depends(writes)],
            body: BaseModel,
            request: Request,
            response: Response,
        ) -> Any:
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
    def read(
        session: SessionDep, principal: Annotated[Principal, Depends(reads)], id: RecordId, response: Response
    ) -> Any:
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
    @runtime_annotations(body=resource.update_schema)
    def update(
        session: SessionDep,
        principal: Annotated[Principal, Depends(writes)],
        id: RecordId,
        body: BaseModel,
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
    def delete(
        session: SessionDep,
        principal: Annotated[Principal, Depends(writes)],
        id: RecordId,
        if_match: OptionalIfMatch = None,
    ) -> None:
        crud.delete_record(session, resource, principal=principal, record_id=id, if_match=if_match)


def mount_children(
    router: APIRouter,
    *,
    parent: Resource[Any],
    parent_path: str,
    child: Resource[Any],
    child_path: str,
    owner_fields: Callable[[Any], dict[str, Any]],
) -> None:
    """Adds `GET/POST parent_path/{id}/child_path`: a child is listed and created through its parent.

    `owner_fields(parent_record)` gives the columns that tie a child to that parent. The parent must be
    visible to the caller (404 otherwise), so nested routes are scoped exactly like their parents.
    """
    Public = child.public_schema
    reads, writes = Authorize(child.area, Action.read), Authorize(child.area, Action.write)
    path = f"{parent_path}/{{id}}/{child_path}"

    @router.get(
        path,
        response_model=page_of(Public),
        summary=f"List the {child.area} of a {parent.name}",
        responses=ERRORS,
        name=f"list_{parent.name}_{child.area}",
    )
    @runtime_annotations(query=query_of(with_sort_fields(child)))
    def list_children(
        session: SessionDep,
        principal: Annotated[Principal, Depends(reads)],
        id: RecordId,
        query: Annotated[ListQuery, Query()],
    ) -> Any:
        owner = crud.get_record(session, parent, principal=principal, record_id=id)
        where = tuple(getattr(child.model, name) == value for name, value in owner_fields(owner).items())
        rows, total = crud.list_records(session, child, principal=principal, query=query, where=where)
        return {"items": rows, "total": total, "limit": query.limit, "offset": query.offset}

    @router.post(
        path,
        response_model=Public,
        status_code=status.HTTP_201_CREATED,
        summary=f"Add a {child.name} to a {parent.name}",
        responses=WRITE_ERRORS,
        name=f"create_{parent.name}_{child.name}",
    )
    @runtime_annotations(body=child.create_schema)
    def create_child(
        session: SessionDep,
        principal: Annotated[Principal, Depends(writes)],
        id: RecordId,
        body: BaseModel,
        request: Request,
        response: Response,
    ) -> Any:
        owner = crud.get_record(session, parent, principal=principal, record_id=id)
        record = crud.create_record(session, child, principal=principal, data=body, extra=owner_fields(owner))
        response.headers["ETag"] = etag(record)
        # The route that reads the child (its path is not always its area's name: action_items at /action-items).
        response.headers["Location"] = request.url_for(f"read_{child.name}", id=record.id).path
        return record
