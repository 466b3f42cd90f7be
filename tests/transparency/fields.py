"""Every field a part of the API can return, from the OpenAPI document: a walk over response schemas."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

SUCCESS = ("200", "201", "203", "206")


def response_fields(document: dict[str, Any], prefix: str) -> set[str]:
    """Every field any GET under `prefix` can return, as `Schema.field`, following references recursively.

    `Schema` is the named component that declares the field (inline objects extend its name:
    `Schema.field.subfield`), so a field is listed once however many responses share it.
    """
    found: set[str] = set()
    for path, operations in document["paths"].items():
        if not path.startswith(prefix):
            continue
        for operation in operations.values():
            for status, response in operation["responses"].items():
                if status not in SUCCESS:
                    continue
                for media in response.get("content", {}).values():
                    found |= set(_walk(document, media.get("schema", {}), "(inline)", set()))
    return found


def _walk(document: dict[str, Any], schema: dict[str, Any], owner: str, seen: set[str]) -> Iterator[str]:
    reference = schema.get("$ref")
    if reference is not None:
        if reference in seen:  # already listed (or being listed: a recursive schema)
            return
        seen.add(reference)
        name = reference.rsplit("/", 1)[-1]
        target: Any = document
        for part in reference.removeprefix("#/").split("/"):
            target = target[part]
        yield from _walk(document, target, name, seen)
        return
    for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
        for option in schema.get(key, []):
            yield from _walk(document, option, owner, seen)
    if isinstance(schema.get("items"), dict):
        yield from _walk(document, schema["items"], owner, seen)
    for name, child in schema.get("properties", {}).items():
        yield f"{owner}.{name}"
        yield from _walk(document, child, f"{owner}.{name}", seen)
    if isinstance(schema.get("additionalProperties"), dict):
        yield from _walk(document, schema["additionalProperties"], f"{owner}.*", seen)
