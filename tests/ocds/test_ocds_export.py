"""A publisher downloads the city's contracting data as OCDS 1.1, with targets and results (Metrics extension)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from app.auth.roles import Role
from app.cli import cli
from app.config import get_settings
from app.ocds.codelists import METRICS_EXTENSION_URL
from tests.ocds.validation import codelist, load, package_errors, release_errors
from tests.readings.helpers import post_reading
from tests.support import Actor, City, assert_problem
from tests.transparency.scenario import (
    READING_NOTE,
    VENDOR_CONTACT,
    VENDOR_EMAIL,
    VENDOR_PHONE,
    Published,
    correct_reading,
)

EXPORT = "/api/v1/export/ocds"
PREFIX = "ocds-a1b2c3"


@pytest.fixture(autouse=True)
def ocid_prefix(monkeypatch: pytest.MonkeyPatch, configured: str) -> None:
    """The city's registered ocid prefix."""
    monkeypatch.setenv("RDC_OCDS_PREFIX", PREFIX)
    get_settings.cache_clear()


def export(actor: Actor) -> dict[str, Any]:
    response = actor.get(EXPORT)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    package: dict[str, Any] = response.json()
    return package


def by_ocid(package: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {release["ocid"]: release for release in package["releases"]}


def metrics_of(section: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {metric["id"]: metric for metric in section}


def observations(metric: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {observation["id"]: observation for observation in metric.get("observations", [])}


def test_the_package_validates_against_ocds_1_1_and_the_metrics_extension(
    publisher: Actor, published: Published
) -> None:
    package = export(publisher)

    assert package_errors(package) == []
    for release in package["releases"]:
        assert release_errors(release) == [], release["ocid"]
    assert package["version"] == "1.1"
    assert package["extensions"] == [METRICS_EXTENSION_URL]
    # the registry's address of the Metrics extension (repository ocds_metrics_extension, plural)
    assert METRICS_EXTENSION_URL.endswith("/open-contracting-extensions/ocds_metrics_extension/master/extension.json")
    assert load("metrics-extension.json")["name"]["en"] == "Metrics"
    assert package["publishedDate"] == max(release["date"] for release in package["releases"])
    assert package["uri"].endswith(EXPORT)


def test_every_code_comes_from_its_ocds_codelist(publisher: Actor, published: Published) -> None:
    releases = export(publisher)["releases"]

    used: dict[str, set[str]] = {
        "releaseTag": {tag for r in releases for tag in r["tag"]},
        "partyRole": {role for r in releases for party in r["parties"] for role in party["roles"]},
        "tenderStatus": {r["tender"]["status"] for r in releases if "tender" in r},
        "method": {r["tender"]["procurementMethod"] for r in releases if "tender" in r},
        "awardStatus": {a["status"] for r in releases for a in r.get("awards", [])},
        "contractStatus": {c["status"] for r in releases for c in r.get("contracts", [])},
        "currency": {c["value"]["currency"] for r in releases for c in r.get("contracts", [])},
        "unitClassificationScheme": {
            o["unit"]["scheme"]
            for r in releases
            for c in r.get("contracts", [])
            for m in c.get("agreedMetrics", []) + c.get("implementation", {}).get("metrics", [])
            for o in m.get("observations", [])
            if "scheme" in o["unit"]
        },
    }
    for name, codes in used.items():
        assert codes, f"the test city uses no {name} code"
        assert codes <= codelist(name), (name, codes - codelist(name))


def test_one_contracting_process_per_procurement_and_per_direct_award(
    publisher: Actor, city: City, published: Published
) -> None:
    releases = by_ocid(export(publisher))

    assert set(releases) == {
        f"{PREFIX}-procurement-{city.pothole_rfp}",
        f"{PREFIX}-procurement-{published.planning_procurement}",
        f"{PREFIX}-grant-{city.rehousing_grant}",  # made without a procurement
        f"{PREFIX}-contract-{published.terminated_contract}",
    }
    potholes = releases[f"{PREFIX}-procurement-{city.pothole_rfp}"]
    assert potholes["tag"] == ["implementation"]  # results have been reported
    assert potholes["id"].startswith(potholes["ocid"] + "-")
    assert potholes["buyer"] == {"id": f"department-{city.transportation}", "name": "Department of Transportation"}
    assert {p["id"]: p["roles"] for p in potholes["parties"]} == {
        f"department-{city.transportation}": ["buyer", "procuringEntity"],
        f"vendor-{city.paving_vendor}": ["supplier"],
    }
    supplier = next(p for p in potholes["parties"] if "supplier" in p["roles"])
    assert supplier["identifier"] == {"scheme": "US-EIN", "id": "12-3456789", "legalName": "Metro Paving Co."}
    tender = potholes["tender"]
    assert (tender["title"], tender["status"], tender["procurementMethod"]) == (
        "Citywide pothole repair services",
        "complete",
        "open",
    )
    assert tender["procurementMethodDetails"] == "Request for proposals (RFP)"
    assert tender["value"] == {"amount": 5000000, "currency": "USD"}
    assert [a["id"] for a in potholes["awards"]] == [f"contract-{city.pothole_contract}"]  # the draft is not there
    assert potholes["awards"][0]["suppliers"] == [{"id": f"vendor-{city.paving_vendor}", "name": "Metro Paving Co."}]
    contract = potholes["contracts"][0]
    assert (contract["awardID"], contract["status"]) == (f"contract-{city.pothole_contract}", "active")
    assert contract["period"] == {"startDate": "2025-07-01T00:00:00Z", "endDate": "2027-06-30T23:59:59Z"}

    planned = releases[f"{PREFIX}-procurement-{published.planning_procurement}"]
    assert planned["tag"] == ["planning"]
    assert (planned["tender"]["status"], planned["tender"]["procurementMethod"]) == ("planning", "limited")
    assert planned["tender"]["value"] == {"amount": 250000.5, "currency": "USD"}
    assert [m["title"] for m in planned["tender"]["targets"]] == ["Bridges inspected"]
    assert "awards" not in planned

    grant = releases[f"{PREFIX}-grant-{city.rehousing_grant}"]
    assert grant["tag"] == ["contract"]  # agreed targets, no results yet
    assert "tender" not in grant
    assert {p["name"]: p["roles"] for p in grant["parties"]} == {
        "Human Services Department": ["buyer", "procuringEntity"],
        "Safe Haven Housing Alliance": ["supplier"],  # the grantee
    }

    ended = releases[f"{PREFIX}-contract-{published.terminated_contract}"]
    assert (ended["awards"][0]["status"], ended["contracts"][0]["status"]) == ("active", "terminated")


def test_targets_and_results_pair_up_by_metric_id(publisher: Actor, city: City, published: Published) -> None:
    contract = by_ocid(export(publisher))[f"{PREFIX}-procurement-{city.pothole_rfp}"]["contracts"][0]
    targets = metrics_of(contract["agreedMetrics"])
    results = metrics_of(contract["implementation"]["metrics"])

    assert set(results) <= set(targets)  # every result has its target under the same id
    potholes = str(city.pothole_metric)
    assert targets[potholes]["title"] == results[potholes]["title"] == "Potholes repaired within 48 hours"
    percent = {"name": "percent", "scheme": "UNCEFACT", "id": "P1"}
    assert observations(targets[potholes]) == {
        "target": {
            "id": "target",
            "period": {"startDate": "2027-06-01T00:00:00Z", "endDate": "2027-06-30T23:59:59Z"},
            "measure": 90,
            "unit": percent,
        }
    }
    actuals = observations(results[potholes])
    assert {key: o["measure"] for key, o in actuals.items()} == {"2025-07": 74, "2025-08": 77, "2025-09": 79.5}
    assert actuals["2025-09"]["period"] == {"startDate": "2025-09-01T00:00:00Z", "endDate": "2025-09-30T23:59:59Z"}
    assert all(o["unit"] == percent for o in actuals.values())

    crew = str(published.range_metric)
    bounds = observations(targets[crew])
    assert {key: (o["measure"], o["dimensions"]) for key, o in bounds.items()} == {
        "range-minimum": (4, {"bound": "minimum"}),
        "range-maximum": (24, {"bound": "maximum"}),
    }
    assert bounds["range-minimum"]["unit"] == {"name": "hours", "scheme": "UNCEFACT", "id": "HUR"}
    assert [o["measure"] for o in observations(results[crew]).values()] == [30]


def test_grants_carry_interim_targets_and_units_without_a_code(
    publisher: Actor, city: City, published: Published
) -> None:
    grant = by_ocid(export(publisher))[f"{PREFIX}-grant-{city.rehousing_grant}"]["contracts"][0]
    targets = metrics_of(grant["agreedMetrics"])

    housed = observations(targets[str(city.rehousing_metric)])["target"]
    assert (housed["measure"], housed["unit"]) == (20, {"name": "households"})  # no UN/CEFACT code was given
    staged = observations(targets[str(published.quarterly_metric)])
    assert staged["target-FY2026-Q4"]["measure"] == 70
    assert staged["target-FY2026-Q4"]["period"] == {
        "startDate": "2026-04-01T00:00:00Z",
        "endDate": "2026-06-30T23:59:59Z",
    }
    assert "implementation" not in grant


def test_drafts_private_metrics_and_internal_details_stay_out(
    publisher: Actor, city: City, published: Published
) -> None:
    package = export(publisher)
    sections = [release.get("tender", {}).get("targets", []) for release in package["releases"]]
    for release in package["releases"]:
        for contract in release.get("contracts", []):
            sections += [contract.get("agreedMetrics", []), contract.get("implementation", {}).get("metrics", [])]
    exported_metrics = {metric["id"] for section in sections for metric in section}

    assert exported_metrics == {
        str(i)
        for i in (
            city.pothole_metric,
            city.rehousing_metric,
            published.range_metric,
            published.quarterly_metric,
            published.planning_metric,
        )
    }
    text = json.dumps(package)
    for secret in (
        VENDOR_EMAIL,
        VENDOR_PHONE,
        VENDOR_CONTACT,
        "1 Asphalt Way",
        READING_NOTE,
        "C-2026-0200",  # the draft contract's number
        "Night-time pothole patrol",
        "Cost per repair",  # the private metric
        "Crew output",  # the public metric of a private goal
        "412.75",  # the private metric's reading
        "user:",  # who recorded readings
    ):
        assert secret not in text


def test_the_release_id_changes_when_a_reading_is_corrected_and_only_then(
    publisher: Actor, admin: Actor, city: City, published: Published
) -> None:
    process = f"{PREFIX}-procurement-{city.pothole_rfp}"
    first = by_ocid(export(publisher))
    again = by_ocid(export(publisher))
    assert {o: r["id"] for o, r in again.items()} == {o: r["id"] for o, r in first.items()}
    assert again == first  # nothing changed, so nothing moved

    correct_reading(admin, city.pothole_metric, "2025-09", "81")
    corrected = by_ocid(export(publisher))

    assert corrected[process]["id"] != first[process]["id"]
    assert corrected[process]["date"] > first[process]["date"]
    results = metrics_of(corrected[process]["contracts"][0]["implementation"]["metrics"])
    assert observations(results[str(city.pothole_metric)])["2025-09"]["measure"] == 81
    assert {o: r["id"] for o, r in corrected.items() if o != process} == {
        o: r["id"] for o, r in first.items() if o != process
    }  # the other processes did not change

    resent = post_reading(admin, city.pothole_metric, period="2025-09", value="81")
    assert resent.json()["outcome"] == "unchanged"
    assert by_ocid(export(publisher))[process]["id"] == corrected[process]["id"]


def test_the_command_line_writes_the_same_package_to_a_file(
    publisher: Actor, published: Published, tmp_path: Path
) -> None:
    target = tmp_path / "ocds" / "release-package.json"
    target.parent.mkdir()

    result = CliRunner().invoke(cli, ["export-ocds", "--output", str(target)])

    assert result.exit_code == 0, result.output
    written = json.loads(target.read_text())
    assert package_errors(written) == []
    assert written["uri"] == target.as_uri()
    assert written["releases"] == export(publisher)["releases"]
    assert not list(target.parent.glob("*.partial"))


def test_only_staff_export_and_department_staff_export_their_own_processes(
    anonymous: Actor, make_actor: Any, city: City, published: Published
) -> None:
    assert_problem(anonymous.get(EXPORT), 401)

    housing_viewer = make_actor(Role.viewer, (city.human_services,))
    releases = export(housing_viewer)["releases"]
    assert [r["ocid"] for r in releases] == [f"{PREFIX}-grant-{city.rehousing_grant}"]


def test_a_city_with_nothing_to_publish_yet_gets_a_clear_answer_not_an_invalid_package(
    publisher: Actor, tmp_path: Path
) -> None:
    # OCDS requires at least one release in a package, so an empty one would fail every validator.
    response = publisher.get(EXPORT)

    assert_problem(response, 404)
    assert "nothing to export yet" in response.json()["detail"]
    written = CliRunner().invoke(cli, ["export-ocds", "--output", str(tmp_path / "package.json")])
    assert written.exit_code == 1
    assert not (tmp_path / "package.json").exists()
