"""The published OpenAPI document, made as exact as the service: what it says is valid, the service accepts.

FastAPI derives the document from the routes; a few rules live outside pydantic's view and are added here:

- Text never contains NUL (U+0000): `kit.input_guards` refuses it everywhere, because PostgreSQL cannot
  store it. Every free-text string says so with a pattern.
- Request bodies strip surrounding whitespace before checking a minimum length, so a required text must
  hold at least one non-blank character.
- Optional parameters are optional by being absent; their schemas do not offer `null`.
- Links (OpenAPI 3.1) tie a created or read record to reading, changing and deleting it, with the id from
  the body and the ETag for If-Match: clients see the protocol, and fuzzers can follow it.
- The token endpoint takes its client credentials either as HTTP Basic or in the form: Basic is optional.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI

from app.kit.fields import NO_NUL, NOT_BLANK


def install_contract(app: FastAPI) -> None:
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            refine(generate())
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def refine(document: dict[str, Any]) -> dict[str, Any]:
    for operation in _operations(document):
        for parameter in operation.get("parameters", []):
            _drop_null(parameter)
    for schema in _string_schemas(document):
        if not {"pattern", "format", "enum", "const", "contentMediaType"} & schema.keys():
            schema["pattern"] = NOT_BLANK if schema.get("minLength", 0) >= 1 else NO_NUL
    _link_records(document.get("paths", {}))
    for operation in _operations(document):
        security = operation.get("security")
        if security and all("HTTPBasic" in requirement for requirement in security):
            operation["security"] = [{}, *security]  # Basic or form fields: the header is optional
    return document


def _link_records(paths: dict[str, Any]) -> None:
    for path, item in paths.items():
        record = paths.get(f"{path}/{{id}}")
        if record is None:
            continue
        targets = {method: op["operationId"] for method, op in record.items() if method in {"get", "patch", "delete"}}
        created = item.get("post", {}).get("responses", {}).get("201")
        if created is not None:
            created["links"] = _links(targets, source="$response.body#/id")
        read = record.get("get", {}).get("responses", {}).get("200")
        if read is not None:
            read["links"] = _links({m: t for m, t in targets.items() if m != "get"}, source="$request.path.id")


def _links(targets: dict[str, str], *, source: str) -> dict[str, Any]:
    names = {"get": "read", "patch": "update", "delete": "delete"}
    links: dict[str, Any] = {}
    for method, operation_id in targets.items():
        parameters: dict[str, str] = {"id": source}
        if method in {"patch", "delete"}:
            parameters["header.If-Match"] = "$response.header.ETag"
        links[names[method]] = {"operationId": operation_id, "parameters": parameters}
    return links


def _drop_null(parameter: dict[str, Any]) -> None:
    """A parameter is optional by being absent: `null` would be sent as the text "null"."""
    schema = parameter.get("schema", {})
    if "anyOf" not in schema:
        return
    schema["anyOf"] = [variant for variant in schema["anyOf"] if variant.get("type") != "null"]
    if len(schema["anyOf"]) == 1:
        variant = schema.pop("anyOf")[0]
        parameter["schema"] = variant | schema  # the parameter's own keywords (e.g. an exact pattern) win


def _operations(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for item in document.get("paths", {}).values():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield operation


def _string_schemas(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every string schema a client sends: component schemas, parameters and inline request bodies."""
    roots: list[Any] = list(document.get("components", {}).get("schemas", {}).values())
    for operation in _operations(document):
        roots.extend(parameter.get("schema", {}) for parameter in operation.get("parameters", []))
        for media in operation.get("requestBody", {}).get("content", {}).values():
            roots.append(media.get("schema", {}))
    pending = roots
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            if node.get("type") == "string":
                yield node
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
