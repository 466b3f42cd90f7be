"""Generic create/read/update/delete over a `Resource`, with scoping, ETags, checks and audit.

Every write runs in one transaction together with its audit entry.
"""

from __future__ import annotations

from typing import Any, cast

from pydantic import BaseModel, ValidationError
from sqlalchemy import ColumnElement, CursorResult, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, func, select

from app.audit import service as audit
from app.auth.principal import Principal
from app.db import utcnow
from app.kit.pagination import ListQuery, paginate
from app.kit.preconditions import check_if_match
from app.kit.problems import Conflict, FieldError, Forbidden, InvalidInput, NotFound, PreconditionFailed
from app.records.resource import M, Resource

_PAGING_FIELDS = {"limit", "offset", "sort", "q"}


def visibility(resource: Resource[M], principal: Principal) -> list[ColumnElement[bool]]:
    """SQL conditions limiting `resource` to what `principal` may see."""
    conditions: list[ColumnElement[bool]] = [
        getattr(resource.model, name) == value for name, value in resource.fixed.items()
    ]
    if resource.scope is not None and not principal.reach.citywide:
        conditions.append(resource.scope(principal.reach))
    return conditions


def list_records(
    session: Session,
    resource: Resource[M],
    *,
    principal: Principal,
    query: ListQuery,
    where: tuple[ColumnElement[bool], ...] = (),
) -> tuple[list[M], int]:
    model = resource.model
    statement = select(model).where(*visibility(resource, principal), *where)
    for name, value in query.model_dump(exclude_none=True).items():
        if name in resource.custom_filters:
            statement = statement.where(resource.custom_filters[name](value))
        elif name not in _PAGING_FIELDS:
            statement = statement.where(getattr(model, name) == value)
    text = getattr(query, "q", None)
    if text and resource.search_columns:
        pattern = f"%{_escape_like(text.lower())}%"
        statement = statement.where(
            or_(*(func.lower(getattr(model, column)).like(pattern, escape="\\") for column in resource.search_columns))
        )
    return paginate(session, statement, *_ordering(resource, query.sort), limit=query.limit, offset=query.offset)


def _escape_like(text: str) -> str:
    """`text` for a LIKE pattern, matched literally: `%` and `_` are not wildcards in a search box."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _ordering(resource: Resource[M], sort: str | None) -> list[Any]:
    model = resource.model
    order: list[Any] = []
    for term in (sort or "").split(","):
        if not term:
            continue
        name = term.lstrip("-")
        if name not in resource.sortable:
            allowed = ", ".join(resource.sortable)
            raise InvalidInput.on("query.sort", f"cannot sort by '{name}'; use one of: {allowed}", "bad_sort")
        column = col(getattr(model, name))
        order.append(column.desc() if term.startswith("-") else column.asc())
    order.append(col(model.id).asc())
    return order


def get_record(session: Session, resource: Resource[M], *, principal: Principal, record_id: int) -> M:
    """The record, or 404 when it does not exist *or* lies outside the principal's departments."""
    model = resource.model
    record = session.exec(select(model).where(col(model.id) == record_id, *visibility(resource, principal))).first()
    if record is None:
        raise NotFound(f"{resource.name} {record_id} not found")
    return record


def create_record(
    session: Session,
    resource: Resource[M],
    *,
    principal: Principal,
    data: BaseModel,
    extra: dict[str, Any] | None = None,
) -> M:
    if not resource.scoped_callers_create and not principal.reach.citywide:
        raise Forbidden(f"you are limited to part of the city; only a citywide user can create a {resource.name}")
    check_field_rules(data)
    values = {**data.model_dump(), **resource.fixed, **(extra or {})}
    if resource.prepare:
        values = resource.prepare(session, principal, None, values)
    _check_references(session, resource, principal, values)
    _check_unique(session, resource, values, record_id=None)
    record = resource.model.model_validate(values)
    if resource.check:
        resource.check(session, record)
    session.add(record)
    _flush(session, resource)
    assert record.id is not None  # the flush assigned it
    _ensure_in_scope(session, resource, principal, record.id)
    audit.record_creation(session, actor=principal, entity=resource.name, created=record)
    if resource.on_change:
        resource.on_change(session, record, None)
    session.commit()
    session.refresh(record)
    return record


def update_record(
    session: Session,
    resource: Resource[M],
    *,
    principal: Principal,
    record_id: int,
    patch: BaseModel,
    if_match: str | None,
) -> M:
    record = get_record(session, resource, principal=principal, record_id=record_id)
    expected_version = check_if_match(record, if_match, required=True)
    requested = patch.model_dump(exclude_unset=True)
    # Only real changes count: re-sending current values neither bumps the version nor writes an audit entry.
    changes = {name: value for name, value in requested.items() if getattr(record, name, None) != value}
    merged = {name: getattr(record, name) for name in resource.create_schema.model_fields} | changes
    try:
        whole = resource.create_schema.model_validate(merged)
    except ValidationError as error:  # e.g. an explicit null where the field is required
        raise InvalidInput(
            "the change would make the record invalid",
            errors=[
                FieldError(field="body." + ".".join(map(str, e["loc"])), message=e["msg"], code=e["type"])
                for e in error.errors()
            ],
        ) from None
    check_field_rules(whole)  # whole-record rules, e.g. start before end
    if resource.prepare:
        changes = resource.prepare(session, principal, record, changes)
    _check_references(session, resource, principal, changes)
    before = audit.snapshot(record)
    _check_unique(session, resource, before | changes, record_id=record_id)
    if resource.check:
        candidate = resource.model.model_validate({**before, **changes})
        resource.check(session, candidate)
    if changes:
        statement = (
            update(resource.model)
            .where(col(resource.model.id) == record_id, col(resource.model.version) == expected_version)
            .values(**changes, version=expected_version + 1, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        result = cast(CursorResult[Any], session.execute(statement))  # an UPDATE's result counts the matched rows
        if result.rowcount != 1:
            session.rollback()
            raise PreconditionFailed(f"{resource.name} {record_id} was changed by someone else; reload it")
        _flush(session, resource)
        _ensure_in_scope(session, resource, principal, record_id)
        session.refresh(record)
        audit.record(
            session,
            actor=principal,
            entity=resource.name,
            entity_id=record_id,
            action="update",
            changes=audit.diff(before, audit.snapshot(record)),
        )
        if resource.on_change:
            resource.on_change(session, record, before)
        session.commit()
        session.refresh(record)
    return record


def delete_record(
    session: Session, resource: Resource[M], *, principal: Principal, record_id: int, if_match: str | None
) -> None:
    record = get_record(session, resource, principal=principal, record_id=record_id)
    check_if_match(record, if_match, required=False)
    if resource.prepare:
        resource.prepare(session, principal, record, None)
    for dependent in resource.dependents:
        count = session.exec(select(func.count()).where(dependent.column_in(SQLModel.metadata) == record_id)).one()
        if count:
            raise Conflict(
                f"{resource.name} {record_id} still has {count} {dependent.label}; delete or reassign them first"
            )
    before = audit.snapshot(record)
    session.delete(record)
    _flush(session, resource)
    audit.record(
        session,
        actor=principal,
        entity=resource.name,
        entity_id=record_id,
        action="delete",
        changes=audit.diff(before, {}),
    )
    session.commit()


def check_field_rules(data: BaseModel) -> None:
    """Rules across fields, from the schema's optional `field_problems()`, as a 422 naming each field."""
    problems = data.field_problems() if hasattr(data, "field_problems") else []
    if problems:
        raise InvalidInput(
            "; ".join(f"{field} {message}" for field, message in problems),
            errors=[FieldError(field=f"body.{field}", message=message, code="invalid") for field, message in problems],
        )


def _check_references(session: Session, resource: Resource[M], principal: Principal, values: dict[str, Any]) -> None:
    errors: list[FieldError] = []
    for reference in resource.references:
        target_id = values.get(reference.field)
        if target_id is None:
            continue
        model = reference.model
        statement = select(func.count()).where(col(model.id) == target_id)
        if reference.scope is not None and not principal.reach.citywide:
            statement = statement.where(reference.scope(principal.reach))
        if not session.exec(statement).one():
            errors.append(
                FieldError(
                    field=f"body.{reference.field}",
                    message=f"no {reference.label} with id {target_id}",
                    code="unknown_reference",
                )
            )
    if errors:
        raise InvalidInput("the request refers to records that do not exist", errors=errors)


def _check_unique(session: Session, resource: Resource[M], values: dict[str, Any], *, record_id: int | None) -> None:
    model = resource.model
    for columns in resource.unique:
        if any(values.get(name) is None for name in columns):
            continue
        statement = select(col(model.id)).where(
            *(getattr(model, name) == values[name] for name in columns),
            *(getattr(model, name) == value for name, value in resource.fixed.items()),
        )
        if record_id is not None:
            statement = statement.where(col(model.id) != record_id)
        existing = session.exec(statement).first()
        if existing is not None:
            field = columns[-1]
            raise Conflict(
                # Never the other record's id: it may lie in a department the caller cannot see.
                f"another {resource.name} already has {field} {values[field]!r}",
                errors=[FieldError(field=f"body.{field}", message="already in use", code="duplicate")],
            )


def _ensure_in_scope(session: Session, resource: Resource[M], principal: Principal, record_id: int) -> None:
    if resource.scope is None or principal.reach.citywide:
        return
    visible = session.exec(
        select(func.count()).where(
            col(resource.model.id) == record_id,
            resource.scope(principal.reach),
        )
    ).one()
    if not visible:
        session.rollback()
        if principal.reach.by_award:
            raise InvalidInput.on(
                "body", f"the {resource.name} would lie outside the contracts and grants you may change", "out_of_scope"
            )
        raise InvalidInput.on(
            "body.department_id", "that department is outside the departments you manage", "out_of_scope"
        )


def _flush(session: Session, resource: Resource[M]) -> None:
    try:
        session.flush()
    except IntegrityError:
        # Backstop for races that slipped past the checks above (two requests at once).
        session.rollback()
        raise Conflict(f"the {resource.name} conflicts with existing data (a uniqueness or reference rule)") from None
