"""Validating OCDS offline, against the schemas and codelists copied into tests/ocds/schemas/."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT4

SCHEMAS = Path(__file__).resolve().parent / "schemas"


def load(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((SCHEMAS / name).read_text())
    return document


def codelist(name: str) -> set[str]:
    with (SCHEMAS / "codelists" / f"{name}.csv").open(newline="") as file:
        return {row["Code"] for row in csv.DictReader(file)}


# The `format` checks jsonschema leaves out without optional packages, done with the standard library.
FORMATS = FormatChecker(formats=())


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if "T" not in value:
        raise ValueError(f"{value!r} has no time")
    if datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is None:
        raise ValueError(f"{value!r} has no offset")
    return True


@FORMATS.checks("uri", raises=ValueError)
def _uri(value: object) -> bool:
    if isinstance(value, str) and not urlsplit(value).scheme:
        raise ValueError(f"{value!r} is not an absolute URI")
    return True


@cache
def _package_validator() -> Draft4Validator:
    package = load("release-package-schema.json")
    release = load("release-schema.json")
    release_url = package["properties"]["releases"]["items"]["$ref"]
    assert release["id"] == release_url  # the package refers to the release schema by its id URL
    registry: Registry[Any] = Registry().with_resource(release_url, DRAFT4.create_resource(release))
    return Draft4Validator(package, registry=registry, format_checker=FORMATS)


@cache
def _release_validator() -> Draft4Validator:
    return Draft4Validator(load("release-schema-with-metrics.json"), format_checker=FORMATS)


def _messages(validator: Draft4Validator, instance: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path)))
    ]


def package_errors(package: Any) -> list[str]:
    """Errors against the OCDS 1.1 release package schema (with the release schema registered offline)."""
    return _messages(_package_validator(), package)


def release_errors(release: Any) -> list[str]:
    """Errors against the release schema with the Metrics extension merged in."""
    return _messages(_release_validator(), release)
