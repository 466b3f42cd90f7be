"""Every list pages, sorts and filters the same way, and says clearly when a query makes no sense."""

from typing import Any

import pytest

from tests.support import Actor, City, assert_problem, contract_payload, created

API = "/api/v1"


def list_paths(city: City) -> list[str]:
    return [
        f"{API}/departments",
        f"{API}/vendors",
        f"{API}/priorities",
        f"{API}/procurements",
        f"{API}/contracts",
        f"{API}/grants",
        f"{API}/goals",
        f"{API}/metrics",
        f"{API}/procurements/{city.pothole_rfp}/goals",
        f"{API}/contracts/{city.pothole_contract}/goals",
        f"{API}/grants/{city.rehousing_grant}/goals",
        f"{API}/goals/{city.pothole_goal}/metrics",
    ]


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({"limit": 201}, "query.limit", "less_than_equal"),
        ({"limit": 0}, "query.limit", "greater_than_equal"),
        ({"limit": "ten"}, "query.limit", "int_parsing"),
        ({"offset": -1}, "query.offset", "greater_than_equal"),
        ({"offset": 1_000_001}, "query.offset", "less_than_equal"),
        ({"sort": "password_hash"}, "query.sort", "bad_sort"),
        ({"sort": "id;drop table vendor"}, "query.sort", "string_pattern_mismatch"),
        ({"sort": ""}, "query.sort", "string_pattern_mismatch"),
        ({"page": 2}, "query.page", "extra_forbidden"),
    ],
)
def test_every_list_rejects_a_nonsensical_query(
    viewer: Actor, city: City, params: dict[str, Any], field: str, code: str
) -> None:
    for path in list_paths(city):
        body = assert_problem(viewer.get(path, params=params), 422, field)
        assert code in [error["code"] for error in body["errors"]], (path, body)


def test_every_list_accepts_the_largest_page(viewer: Actor, city: City) -> None:
    for path in list_paths(city):
        response = viewer.get(path, params={"limit": 200, "offset": 0, "sort": "-id"})
        assert response.status_code == 200, (path, response.text)
        body = response.json()
        assert body["limit"] == 200
        assert body["total"] == len(body["items"]), path


def test_a_buyer_pages_through_the_vendor_register(buyer: Actor, city: City) -> None:
    for number in range(5):
        created(buyer.post(f"{API}/vendors", json={"legal_name": f"Supplier {number}"}))

    pages = [buyer.get(f"{API}/vendors", params={"limit": 3, "offset": offset}).json() for offset in (0, 3, 6, 9)]

    assert [len(page["items"]) for page in pages] == [3, 3, 1, 0]
    assert {page["total"] for page in pages} == {7}
    assert [(page["limit"], page["offset"]) for page in pages] == [(3, 0), (3, 3), (3, 6), (3, 9)]
    seen = [item["id"] for page in pages for item in page["items"]]
    assert seen == sorted(seen)
    assert len(set(seen)) == 7


def test_the_total_counts_every_match_not_just_the_page(buyer: Actor, city: City) -> None:
    for number in range(3):
        created(buyer.post(f"{API}/vendors", json={"legal_name": f"Paving Partner {number}"}))

    page = buyer.get(f"{API}/vendors", params={"q": "paving", "limit": 2}).json()

    assert page["total"] == 4
    assert len(page["items"]) == 2


def test_sorting_by_an_allowed_field_in_either_direction(buyer: Actor, city: City) -> None:
    for name in ("Zenith Asphalt", "Acme Cones", "Midtown Signs"):
        created(buyer.post(f"{API}/vendors", json={"legal_name": name}))

    ascending = [
        item["legal_name"] for item in buyer.get(f"{API}/vendors", params={"sort": "legal_name"}).json()["items"]
    ]
    descending = [
        item["legal_name"] for item in buyer.get(f"{API}/vendors", params={"sort": "-legal_name"}).json()["items"]
    ]

    assert ascending == sorted(ascending)
    assert ascending[0] == "Acme Cones"
    assert descending == list(reversed(ascending))


def test_sorting_by_several_fields(buyer: Actor, city: City) -> None:
    for number, status, value in (("C-1", "draft", "10.00"), ("C-2", "draft", "30.00"), ("C-3", "active", "20.00")):
        payload = contract_payload(
            number=number, external_id=None, status=status, value=value, vendor_id=city.paving_vendor
        )
        created(buyer.post(f"{API}/contracts", json=payload | {"department_id": city.transportation}))

    items = buyer.get(f"{API}/contracts", params={"sort": "status,-value"}).json()["items"]

    assert [(item["status"], item["value"]) for item in items] == [
        ("active", "4800000.00"),
        ("active", "20.00"),
        ("draft", "30.00"),
        ("draft", "10.00"),
    ]


def test_sorting_by_an_unknown_field_lists_the_allowed_ones(viewer: Actor, city: City) -> None:
    body = assert_problem(viewer.get(f"{API}/contracts", params={"sort": "-vendor_name"}), 422, "query.sort")

    assert "vendor_name" in body["detail"]
    assert "value" in body["detail"]


def test_a_field_sortable_elsewhere_is_not_sortable_here(viewer: Actor, city: City) -> None:
    assert viewer.get(f"{API}/contracts", params={"sort": "value"}).status_code == 200

    assert_problem(viewer.get(f"{API}/vendors", params={"sort": "value"}), 422, "query.sort")


def test_the_default_page_is_fifty_in_creation_order(viewer: Actor, city: City) -> None:
    body = viewer.get(f"{API}/goals").json()

    assert (body["limit"], body["offset"]) == (50, 0)
    assert [item["id"] for item in body["items"]] == [city.pothole_goal, city.rehousing_goal]
