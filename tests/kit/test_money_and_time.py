"""Money is exact to the cent and timestamps are unambiguous UTC, on SQLite and PostgreSQL alike."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from tests.support import Actor, City, contract_payload, created, metric_payload

API = "/api/v1"


def new_contract(city: City, number: str, value: str) -> dict[str, Any]:
    return contract_payload(
        number=number,
        value=value,
        external_id=None,
        vendor_id=city.paving_vendor,
        department_id=city.transportation,
    )


EXACT_AMOUNTS = ["1234567890123456.78", "9999999999999999.99", "0.10", "0.01", "0.00", "1000000.00", "7.50"]


def test_contract_values_round_trip_to_the_cent(buyer: Actor, city: City) -> None:
    for index, value in enumerate(EXACT_AMOUNTS):
        number = f"C-EXACT-{index}"
        response = buyer.post(f"{API}/contracts", json=new_contract(city, number, value))

        contract_id = created(response)
        assert response.json()["value"] == value
        assert buyer.get(f"{API}/contracts/{contract_id}").json()["value"] == value
        listed = buyer.get(f"{API}/contracts", params={"number": number}).json()["items"]
        assert [item["value"] for item in listed] == [value]


def test_amounts_without_cents_come_back_with_cents(buyer: Actor, city: City) -> None:
    contract_id = created(buyer.post(f"{API}/contracts", json=new_contract(city, "C-WHOLE", "250000")))

    assert buyer.get(f"{API}/contracts/{contract_id}").json()["value"] == "250000.00"


def test_an_amended_value_and_its_audit_entry_stay_exact(buyer: Actor, admin: Actor, city: City) -> None:
    url = f"{API}/contracts/{city.pothole_contract}"

    response = buyer.update(url, {"value": "1234567890123456.78"})

    assert response.json()["value"] == "1234567890123456.78"
    assert buyer.get(url).json()["value"] == "1234567890123456.78"
    entry = admin.get(f"{API}/audit", params={"entity": "contract", "entity_id": city.pothole_contract})
    assert entry.json()["items"][0]["changes"]["value"] == ["4800000.00", "1234567890123456.78"]


def test_sorting_by_value_is_numeric_not_alphabetical(buyer: Actor, city: City) -> None:
    for number, value in (("C-A", "9.00"), ("C-B", "100.00"), ("C-C", "10.00"), ("C-D", "0.10"), ("C-E", "99.99")):
        created(buyer.post(f"{API}/contracts", json=new_contract(city, number, value)))
    created(buyer.post(f"{API}/contracts", json=new_contract(city, "C-F", "1234567890123456.78")))

    ascending = [item["value"] for item in buyer.get(f"{API}/contracts", params={"sort": "value"}).json()["items"]]
    descending = [item["value"] for item in buyer.get(f"{API}/contracts", params={"sort": "-value"}).json()["items"]]

    assert ascending == ["0.10", "9.00", "10.00", "99.99", "100.00", "4800000.00", "1234567890123456.78"]
    assert descending == list(reversed(ascending))


def test_estimated_values_of_solicitations_are_exact_and_sort_numerically(buyer: Actor, city: City) -> None:
    for title, value in (("Small", "20.05"), ("Tiny", "3.30"), ("Huge", "9999999999999999.99")):
        payload = {"title": title, "department_id": city.transportation, "method": "rfq", "estimated_value": value}
        created(buyer.post(f"{API}/procurements", json=payload))

    items = buyer.get(f"{API}/procurements", params={"sort": "estimated_value"}).json()["items"]

    assert [item["estimated_value"] for item in items] == ["3.30", "20.05", "5000000.00", "9999999999999999.99"]


EXACT_MEASUREMENTS = ["123456789012.123456", "-987654321098.000001", "0.000001", "1000000", "81.5", "-0.5"]


def test_metric_values_are_kept_exactly(buyer: Actor, city: City) -> None:
    for index, value in enumerate(EXACT_MEASUREMENTS):
        payload = metric_payload(
            code=f"EXACT-{index}",
            direction="decrease",
            baseline_value=value,
            target_value="-999999999999.999999",
            valid_min=None,
            valid_max=None,
            interim_targets=[{"period": "2026-01", "value": value}],
        )

        metric_id = created(buyer.post(f"{API}/goals/{city.pothole_goal}/metrics", json=payload))

        body = buyer.get(f"{API}/metrics/{metric_id}").json()
        for text in (body["baseline_value"], body["target_value"], body["interim_targets"][0]["value"]):
            assert "E" not in text.upper(), text  # no scientific notation in an API for people and ERPs
        assert Decimal(body["baseline_value"]) == Decimal(value)
        assert Decimal(body["target_value"]) == Decimal("-999999999999.999999")
        assert Decimal(body["interim_targets"][0]["value"]) == Decimal(value)


def _utc(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    assert moment.tzinfo is not None, f"{text} has no time zone"
    assert moment.utcoffset() == timedelta(0), f"{text} is not UTC"
    return moment


def test_timestamps_are_timezone_aware_utc(buyer: Actor, admin: Actor, city: City) -> None:
    before = datetime.now(UTC)
    contract_id = created(buyer.post(f"{API}/contracts", json=new_contract(city, "C-TIME", "1.00")))
    after = datetime.now(UTC)

    body = buyer.get(f"{API}/contracts/{contract_id}").json()

    assert before - timedelta(seconds=1) <= _utc(body["created_at"]) <= after + timedelta(seconds=1)
    assert _utc(body["updated_at"]) >= _utc(body["created_at"])
    for url in (
        f"{API}/vendors/{city.paving_vendor}",
        f"{API}/procurements/{city.pothole_rfp}",
        f"{API}/goals/{city.pothole_goal}",
        f"{API}/metrics/{city.pothole_metric}",
        f"{API}/priorities/{city.vision_zero}",
    ):
        record = buyer.get(url).json()
        _utc(record["created_at"])
        _utc(record["updated_at"])
    entry = admin.get(f"{API}/audit", params={"entity": "contract", "entity_id": contract_id}).json()["items"][0]
    assert before - timedelta(seconds=1) <= _utc(entry["occurred_at"]) <= after + timedelta(seconds=1)


def test_an_update_moves_updated_at_but_not_created_at(buyer: Actor, city: City) -> None:
    url = f"{API}/contracts/{city.pothole_contract}"
    original = buyer.get(url).json()

    changed = buyer.update(url, {"title": "Pothole and crack sealing services"}).json()

    assert changed["created_at"] == original["created_at"]
    assert _utc(changed["updated_at"]) >= _utc(original["updated_at"])
    assert _utc(changed["updated_at"]) > _utc(original["created_at"])
