"""How the tracker's codes and numbers become OCDS (pure functions, no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.awards.models import AwardStatus
from app.ocds import codelists
from app.ocds.releases import content_hash, number
from app.procurements.models import ProcurementMethod, ProcurementStatus
from tests.ocds.validation import codelist


def test_every_procurement_method_and_status_maps_into_the_closed_codelists() -> None:
    assert set(codelists.PROCUREMENT_METHOD) == set(ProcurementMethod)
    assert {method for method, _ in codelists.PROCUREMENT_METHOD.values()} <= codelist("method")
    assert codelists.PROCUREMENT_METHOD[ProcurementMethod.sole_source][0] == "direct"
    assert codelists.PROCUREMENT_METHOD[ProcurementMethod.rfp][0] == "open"
    assert set(codelists.TENDER_STATUS) == set(ProcurementStatus)
    assert set(codelists.TENDER_STATUS.values()) <= codelist("tenderStatus")


def test_every_published_award_status_maps_into_the_closed_codelists() -> None:
    published = set(AwardStatus) - {AwardStatus.draft}
    assert set(codelists.AWARD_STATUS) == set(codelists.CONTRACT_STATUS) == published
    assert set(codelists.AWARD_STATUS.values()) <= codelist("awardStatus")
    assert set(codelists.CONTRACT_STATUS.values()) <= codelist("contractStatus")


@pytest.mark.parametrize(
    ("status", "contracts", "actuals", "tag"),
    [
        (ProcurementStatus.planning, False, False, "planning"),
        (ProcurementStatus.open, False, False, "tender"),
        (ProcurementStatus.evaluation, False, False, "tender"),
        (ProcurementStatus.awarded, False, False, "tender"),
        (ProcurementStatus.cancelled, False, False, "tenderCancellation"),
        (ProcurementStatus.awarded, True, False, "contract"),
        (None, True, False, "contract"),
        (None, True, True, "implementation"),
    ],
)
def test_the_tag_names_the_stage_the_process_has_reached(
    status: ProcurementStatus | None, contracts: bool, actuals: bool, tag: str
) -> None:
    found = codelists.stage_tag(procurement_status=status, has_contracts=contracts, has_actuals=actuals)
    assert found == tag
    assert found in codelist("releaseTag")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("90"), 90),
        (Decimal("79.5"), 79.5),
        (Decimal("0.1"), 0.1),
        (Decimal("-2.25"), -2.25),
        (Decimal("123456789012.123456"), "123456789012.123456"),  # a float would round it: keep the exact text
    ],
)
def test_measures_are_numbers_unless_a_number_would_not_be_exact(value: Decimal, expected: object) -> None:
    assert number(value) == expected
    assert type(number(value)) is type(expected)


def test_the_release_hash_ignores_key_order_and_the_id_itself() -> None:
    release = {"ocid": "ocds-x-1", "id": "a", "tag": ["contract"], "date": "2026-01-01T00:00:00Z"}
    reordered = {"date": "2026-01-01T00:00:00Z", "tag": ["contract"], "id": "b", "ocid": "ocds-x-1"}
    assert content_hash(release) == content_hash(reordered)
    assert content_hash(release) != content_hash(release | {"date": "2026-01-02T00:00:00Z"})
