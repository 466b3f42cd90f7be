"""The offline validation the export tests rely on does catch what it should."""

from __future__ import annotations

from typing import Any

from tests.ocds.validation import package_errors, release_errors


def _release(**changes: Any) -> dict[str, Any]:
    release: dict[str, Any] = {
        "ocid": "ocds-xxxxxx-contract-1",
        "id": "ocds-xxxxxx-contract-1-0123456789abcdef",
        "date": "2026-01-31T10:00:00Z",
        "tag": ["contract"],
        "initiationType": "tender",
    }
    return release | changes


def _package(*releases: dict[str, Any]) -> dict[str, Any]:
    return {
        "uri": "https://city.example/ocds.json",
        "version": "1.1",
        "publisher": {"name": "City"},
        "publishedDate": "2026-01-31T10:00:00Z",
        "releases": list(releases),
    }


def test_a_minimal_release_and_package_are_valid() -> None:
    assert release_errors(_release()) == []
    assert package_errors(_package(_release())) == []


def test_the_package_check_reaches_into_the_registered_release_schema() -> None:
    errors = package_errors(_package(_release(tag=["signed"])))
    assert errors and all(e.startswith("releases/0/tag/0") for e in errors), errors


def test_dates_and_uris_are_checked() -> None:
    assert release_errors(_release(date="31/01/2026"))
    assert package_errors(_package(_release()) | {"uri": "ocds.json"})


def test_the_metrics_extension_is_applied_to_releases() -> None:
    metric_without_id = {"observations": [{"id": "target", "measure": 90}]}
    contract = {"id": "1", "awardID": "1", "agreedMetrics": [metric_without_id]}
    errors = release_errors(_release(contracts=[contract]))
    assert any("'id' is a required property" in e for e in errors), errors
