"""A corpus of malformed requests: the service refuses each with a 4xx problem+json, never a 500, and writes
nothing (rows are counted before and after every request).

An ERP integration or a careless script can send anything: wrong types, numbers no column can hold, NaN,
empty and 10 MB bodies, JSON nested 10,000 deep, bytes that are not UTF-8, impossible dates and periods, a
spreadsheet's CSV with the wrong header, a 10 KB Idempotency-Key, absurd paging, unknown parameters, the
wrong Content-Type. Text that merely looks dangerous (SQL, script tags) is data: stored and returned verbatim.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.reliability.helpers import check_refused, row_counts
from tests.support import Actor, City, contract_payload, created

API = "/api/v1"
JSON = {"Content-Type": "application/json"}
CSV = {"Content-Type": "text/csv"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
HUGE_KEY = {"Idempotency-Key": "k" * 10 * 1024}
DEEP = "[" * 10_000 + "]" * 10_000
TEN_MB = 10 * 1024 * 1024


def _raw(document: dict[str, Any], **replacements: str) -> str:
    """JSON text with some values replaced by raw tokens json.dumps would not write (1e400, NaN, ...)."""
    text = json.dumps(document)
    for key, token in replacements.items():
        text = text.replace(f'"{key}": "@"', f'"{key}": {token}')
    return text


def _body_corpus(valid: dict[str, Any]) -> dict[str, str | bytes]:
    """Malformed JSON bodies, whatever the endpoint: name -> body to send as application/json."""
    text = json.dumps(valid)
    return {
        "wrong type: body is a list": "[]",
        "wrong type: body is null": "null",
        "wrong type: body is a string": '"contract"',
        "empty body": "",
        "empty object": "{}",
        "truncated JSON": text[:-5],
        "nested 10,000 deep": text[:-1] + ', "extra": ' + DEEP + "}",
        "invalid UTF-8": text.encode()[:-1] + b', "extra": "\xff\xfe\xc3"}',
        "10 MB array in an unknown field": text[:-1] + ', "tags": [' + ",".join(["1"] * (TEN_MB // 2)) + "]}",
    }


def _field_corpus(valid: dict[str, Any], number_field: str, text_field: str, date_field: str) -> dict[str, str | bytes]:
    """Malformed values in the fields of a valid JSON body: name -> body to send as application/json."""
    with_token = valid | {number_field: "@"}
    return _body_corpus(valid) | {
        "wrong type: number field is a list": json.dumps(valid | {number_field: [1]}),
        "wrong type: text field is a number": json.dumps(valid | {text_field: 42}),
        "wrong type: date field is a boolean": json.dumps(valid | {date_field: True}),
        "huge number 1e400": _raw(with_token, **{number_field: "1e400"}),
        "huge number 10**40": json.dumps(valid | {number_field: 10**40}),
        "huge number as text": json.dumps(valid | {number_field: "1" + "0" * 40}),
        "NaN": _raw(with_token, **{number_field: "NaN"}),
        "Infinity": _raw(with_token, **{number_field: "Infinity"}),
        "-Infinity": _raw(with_token, **{number_field: "-Infinity"}),
        "10 MB of text in one field": json.dumps(valid | {text_field: "x" * TEN_MB}),
        "invalid UTF-8 in a field": json.dumps(valid | {text_field: "@@"}).encode().replace(b'"@@"', b'"\xff\xfe\xc3"'),
        "lone surrogate": json.dumps(valid | {text_field: "@@"}).replace('"@@"', '"\\ud800"'),
        "NUL character": json.dumps(valid | {text_field: "before\x00after"}),
        "impossible date": json.dumps(valid | {date_field: "2026-02-30"}),
        "month 13": json.dumps(valid | {date_field: "2026-13-01"}),
        "year 0": json.dumps(valid | {date_field: "0000-01-01"}),
        "date as prose": json.dumps(valid | {date_field: "next Tuesday"}),
        "unknown field": json.dumps(valid | {"is_admin": True}),
    }


def _run(actor: Actor, method: str, url: str, corpus: dict[str, Any], headers: dict[str, str]) -> list[str]:
    failures: list[str] = []
    for name, body in corpus.items():

        def send(body: Any = body) -> httpx.Response:
            return actor.request(method, url, content=body, headers=headers)

        check_refused(name, send, failures)
    return failures


def _extra(actor: Actor, cases: dict[str, Callable[[], httpx.Response]]) -> list[str]:
    failures: list[str] = []
    for name, send in cases.items():
        check_refused(name, send, failures)
    return failures


def test_creating_a_contract_refuses_every_malformed_body(admin: Actor, city: City) -> None:
    url = f"{API}/contracts"
    valid = contract_payload(
        number="C-2026-0999",
        external_id="PO-4500099999",
        vendor_id=city.paving_vendor,
        department_id=city.transportation,
    )
    failures = _run(admin, "POST", url, _field_corpus(valid, "value", "title", "start_date"), JSON)
    body = json.dumps(valid)
    failures += _extra(
        admin,
        {
            "end before start": lambda: admin.post(url, json=valid | {"end_date": "2020-01-01"}),
            "unknown query parameter": lambda: admin.post(url, json=valid, params={"notify": "all"}),
            "Content-Type text/plain": lambda: admin.post(url, content=body, headers={"Content-Type": "text/plain"}),
            "Content-Type missing": lambda: admin.post(url, content=body),
            "a form instead of JSON": lambda: admin.post(url, data={"number": "C-1", "title": "T"}),
            "Idempotency-Key of 10 KB": lambda: admin.post(url, json=valid, headers=HUGE_KEY),
            "vendor id beyond 32 bits": lambda: admin.post(url, json=valid | {"vendor_id": 2**31}),
            "negative value": lambda: admin.post(url, json=valid | {"value": "-1.00"}),
            "fractions of a cent": lambda: admin.post(url, json=valid | {"value": "1.001"}),
        },
    )
    assert failures == []
    assert admin.post(url, json=valid).status_code == 201  # the valid body itself was fine all along


def test_changing_a_contract_refuses_every_malformed_body_and_precondition(admin: Actor, city: City) -> None:
    url = f"{API}/contracts/{city.pothole_contract}"
    original = admin.get(url)
    etag = original.headers["ETag"]
    headers = JSON | {"If-Match": etag}
    valid = {"title": "Pothole repair, phase 2", "value": "4900000.00", "start_date": "2025-07-01"}
    corpus = _field_corpus(valid, "value", "title", "start_date")
    del corpus["empty object"]  # a PATCH that changes nothing is fine
    failures = _run(admin, "PATCH", url, corpus, headers)
    failures += _extra(
        admin,
        {
            "null for a required field": lambda: admin.patch(url, json={"title": None}, headers=headers),
            "end before start": lambda: admin.patch(url, json={"end_date": "2020-01-01"}, headers=headers),
            "If-Match missing": lambda: admin.patch(url, json=valid),
            "If-Match stale": lambda: admin.patch(url, json=valid, headers={"If-Match": '"v999"'}),
            "If-Match garbage": lambda: admin.patch(url, json=valid, headers={"If-Match": "not an etag \x01"}),
            "If-Match of 5,000 characters": lambda: admin.patch(url, json=valid, headers={"If-Match": "x" * 5000}),
            "If-Match of 10 KB": lambda: admin.patch(url, json=valid, headers={"If-Match": '"' + "v" * 10240 + '"'}),
            "id beyond 32 bits": lambda: admin.patch(f"{API}/contracts/{2**31}", json=valid, headers=headers),
            "id 10**40": lambda: admin.patch(f"{API}/contracts/{10**40}", json=valid, headers=headers),
            "id not a number": lambda: admin.patch(f"{API}/contracts/1;DROP", json=valid, headers=headers),
            "unknown query parameter": lambda: admin.patch(url, json=valid, headers=headers, params={"force": "1"}),
            "Content-Type text/plain": lambda: admin.patch(
                url, content=json.dumps(valid), headers={"If-Match": etag, "Content-Type": "text/plain"}
            ),
        },
    )
    assert failures == []
    assert admin.get(url).json() == original.json()  # not a field changed, not even the version


def _item(**overrides: Any) -> dict[str, Any]:
    return {"contract_external_id": "PO-4500012345", "metric_code": "POT-48H", "period": "2025-08", "value": "81"} | (
        overrides
    )


def test_a_batch_of_readings_refuses_every_malformed_body(admin: Actor, city: City) -> None:
    url = f"{API}/readings/batch"
    valid = {"readings": [_item(), _item(period="2025-09", value="83")]}
    corpus = _body_corpus(valid) | {"readings is an object": json.dumps({"readings": _item()})}
    items = {
        "item value is a list": _item(value=[1]),
        "item value 10**40": _item(value=str(10**40)),
        "item value too precise": _item(value="1.0000001"),
        "item metric_id 10**40": {"metric_id": 10**40, "period": "2025-08", "value": "1"},
        "item metric_id is text": {"metric_id": "POT-48H", "period": "2025-08", "value": "1"},
        "item is a number": 7,
        "item is null": None,
        "period month 13": _item(period="2025-13"),
        "period quarter 5": _item(period="2025-Q5"),
        "period week 54": _item(period="2025-W54"),
        "period of another cadence": _item(period="2025-Q3"),
        "period as prose": _item(period="last month"),
        "period before the contract": _item(period="2019-01"),
        "period in the future": _item(period="2099-01"),
        "explicit period that is not a month": {
            **{k: v for k, v in _item().items() if k != "period"},
            "period_start": "2025-08-01",
            "period_end": "2025-08-30",
        },
        "impossible period start": {
            **{k: v for k, v in _item().items() if k != "period"},
            "period_start": "2025-02-30",
            "period_end": "2025-03-31",
        },
        "value above valid_max": _item(value="101"),
        "unknown contract": _item(contract_external_id="PO-0000000000"),
        "unknown item field": _item(weight="2"),
        "the same period twice": None,
    }
    for name, item in items.items():
        batch = [_item(period="2025-10"), item] if name != "the same period twice" else [_item(), _item(value="82")]
        corpus[name] = json.dumps({"readings": batch})
    corpus["1e400 in an item"] = '{"readings": [{"metric_id": 1, "period": "2025-08", "value": 1e400}]}'
    corpus["NaN in an item"] = '{"readings": [{"metric_id": 1, "period": "2025-08", "value": NaN}]}'
    corpus["Infinity in an item"] = '{"readings": [{"metric_id": 1, "period": "2025-08", "value": Infinity}]}'
    corpus["no readings"] = '{"readings": []}'
    corpus["10,001 readings"] = json.dumps({"readings": [_item()] * 10_001})
    corpus["10 MB of readings"] = json.dumps({"readings": [_item(note="n" * 1990)] * 5000})
    corpus["a million numbers"] = json.dumps({"readings": [1] * 1_000_000})
    corpus["NUL in a note"] = json.dumps({"readings": [_item(note="a\x00b")]})
    corpus["SQL in the external id"] = json.dumps({"readings": [_item(contract_external_id="x' OR '1'='1")]})
    failures = _run(admin, "POST", url, corpus, JSON)
    failures += _extra(
        admin,
        {
            "Idempotency-Key of 10 KB": lambda: admin.post(url, json=valid, headers=HUGE_KEY),
            "Idempotency-Key of 256 characters": lambda: admin.post(
                url, json=valid, headers={"Idempotency-Key": "k" * 256}
            ),
            "empty Idempotency-Key": lambda: admin.post(url, json=valid, headers={"Idempotency-Key": ""}),
            "unknown query parameter (a typo of dry_run)": lambda: admin.post(url, json=valid, params={"dryrun": "1"}),
            "unknown mode": lambda: admin.post(url, json=valid, params={"mode": "best_effort"}),
            "dry_run neither true nor false": lambda: admin.post(url, json=valid, params={"dry_run": "maybe"}),
            "Content-Type text/csv": lambda: admin.post(url, content=json.dumps(valid), headers=CSV),
        },
    )
    assert failures == []
    assert row_counts()["reading"] == 0
    assert admin.post(url, json=valid).status_code == 200  # the valid batch itself was fine all along


def _csv(*lines: str, header: str = "contract_external_id,metric_code,period,value,note") -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


def test_a_csv_import_refuses_every_malformed_file(admin: Actor, city: City) -> None:
    url = f"{API}/readings/import"
    good = "PO-4500012345,POT-48H,2025-08,81,"
    corpus: dict[str, bytes] = {
        "wrong header": _csv(good, header="contract,kpi,month,amount,comment"),
        "header without value": _csv("PO-4500012345,POT-48H,2025-08", header="contract_external_id,metric_code,period"),
        "BOM and a wrong header": b"\xef\xbb\xbf" + _csv(good, header="Contract;KPI;Month;Value;Note"),
        "semicolons (a European spreadsheet)": _csv(good.replace(",", ";"), header="value;period"),
        "duplicate column": _csv("81,82", header="value,value"),
        "empty file": b"",
        "only a header": _csv(),
        "only blank lines": b"\n\n\r\n",
        "not UTF-8": _csv("PO-4500012345,POT-48H,2025-08,81,cafe").replace(b"cafe", b"caf\xe9"),
        "UTF-16": _csv(good).decode().encode("utf-16"),
        "NUL byte": _csv(good + "\x00"),
        "unterminated quote": _csv('PO-4500012345,POT-48H,"2025-08,81,'),
        "more cells than the header": _csv(good + ",extra"),
        "value 1e400": _csv("PO-4500012345,POT-48H,2025-08,1e400,"),
        "value NaN": _csv("PO-4500012345,POT-48H,2025-08,NaN,"),
        "value Infinity": _csv("PO-4500012345,POT-48H,2025-08,Infinity,"),
        "value 10**40": _csv(f"PO-4500012345,POT-48H,2025-08,{10**40},"),
        "value with a thousands separator": _csv('PO-4500012345,POT-48H,2025-08,"1,081",'),
        "month 13": _csv("PO-4500012345,POT-48H,2025-13,81,"),
        "a date instead of a period": _csv("PO-4500012345,POT-48H,08/01/2025,81,"),
        "one good row, one bad": _csv(good, "PO-4500012345,POT-48H,2025-09,abc,"),
        "a field of 200 KB": _csv("PO-4500012345,POT-48H,2025-08,81," + "n" * 200_000),
        "10 MB file": _csv(*[good] * (TEN_MB // len(good))),
        "10,001 rows": _csv(*[good] * 10_001),
        "a JSON batch sent as CSV": json.dumps({"readings": [_item()]}).encode(),
    }
    failures = _run(admin, "POST", url, corpus, CSV)
    file = _csv(good)
    failures += _extra(
        admin,
        {
            "Content-Type application/json": lambda: admin.post(url, content=file, headers=JSON),
            "Content-Type missing": lambda: admin.post(url, content=file),
            "multipart upload": lambda: admin.post(url, files={"file": ("readings.csv", file, "text/csv")}),
            "Idempotency-Key of 10 KB": lambda: admin.post(url, content=file, headers=CSV | HUGE_KEY),
            "unknown query parameter": lambda: admin.post(url, content=file, headers=CSV, params={"sheet": "1"}),
        },
    )
    assert failures == []
    assert admin.post(url, content=file, headers=CSV).status_code == 200


def test_a_spreadsheet_csv_with_a_bom_and_mixed_line_endings_is_read_correctly(admin: Actor, city: City) -> None:
    body = (
        b"\xef\xbb\xbfcontract_external_id,metric_code,period,value,note\r\n"
        b"PO-4500012345,POT-48H,2025-08,81,windows\r\n"
        b"PO-4500012345,POT-48H,2025-09,82,unix\n"
        b"PO-4500012345,POT-48H,2025-10,83,old mac\r"
        b"PO-4500012345,POT-48H,2025-11,84,no newline at the end"
    )
    response = admin.post(f"{API}/readings/import", content=body, headers=CSV)

    assert response.status_code == 200, response.text
    assert response.json()["summary"] == {"created": 4, "unchanged": 0, "corrected": 0, "rejected": 0}
    readings = admin.get(f"{API}/metrics/{city.pothole_metric}/readings").json()["items"]
    assert [(r["period_start"], r["value"], r["note"]) for r in readings] == [
        ("2025-08-01", "81", "windows"),
        ("2025-09-01", "82", "unix"),
        ("2025-10-01", "83", "old mac"),
        ("2025-11-01", "84", "no newline at the end"),
    ]


def test_listing_contracts_refuses_absurd_paging_and_unknown_parameters(admin: Actor, city: City) -> None:
    url = f"{API}/contracts"
    queries = {
        "limit 10**30": f"limit={10**30}",
        "limit 1e400": "limit=1e400",
        "limit NaN": "limit=NaN",
        "limit 0": "limit=0",
        "limit -1": "limit=-1",
        "limit over the page size": "limit=201",
        "offset 10**30": f"offset={10**30}",
        "offset -1": "offset=-1",
        "offset past the cap": "offset=1000001",
        "unknown parameter": "colour=red",
        "SQL in sort": "sort=title;DROP%20TABLE%20award",
        "unknown sort field": "sort=password_hash",
        "search of 5,000 characters": "q=" + "x" * 5000,
        "NUL in the search": "q=pot%00hole",
        "search that is not UTF-8": "q=%ff%fe",
        "department id not a number": "department_id=DOT",
        "department id 10**40": f"department_id={10**40}",
        "unknown status": "status=archived",
        "negative vendor id": "vendor_id=-5",
    }
    failures: list[str] = []
    for name, query in queries.items():
        check_refused(name, lambda query=query: admin.get(f"{url}?{query}"), failures)
    assert failures == []


def test_signing_in_refuses_every_malformed_request(client: Any, admin: Actor) -> None:
    url = f"{API}/auth/token"
    anonymous = Actor(client)
    cases: dict[str, Callable[[], httpx.Response]] = {
        "JSON instead of a form": lambda: anonymous.post(
            url, json={"grant_type": "password", "username": "admin@city.example", "password": "x"}
        ),
        "empty body": lambda: anonymous.post(url, content=b"", headers=FORM),
        "unknown grant type": lambda: anonymous.post(url, data={"grant_type": "implicit"}),
        "no grant type": lambda: anonymous.post(url, data={"username": "admin@city.example", "password": "x"}),
        "password grant without a password": lambda: anonymous.post(
            url, data={"grant_type": "password", "username": "a@b.example"}
        ),
        "username of 10,000 characters": lambda: anonymous.post(
            url, data={"grant_type": "password", "username": "a" * 10_000, "password": "x"}
        ),
        "password of 10 KB": lambda: anonymous.post(
            url, data={"grant_type": "password", "username": "admin@city.example", "password": "p" * 10240}
        ),
        "form of 10 MB": lambda: anonymous.post(
            url, content=b"grant_type=password&username=" + b"a" * TEN_MB, headers=FORM
        ),
        "NUL in the username": lambda: anonymous.post(
            url, content=b"grant_type=password&username=admin%00@city.example&password=x", headers=FORM
        ),
        "username not UTF-8": lambda: anonymous.post(
            url, content=b"grant_type=password&username=\xff\xfe&password=x", headers=FORM
        ),
        "SQL in the username": lambda: anonymous.post(
            url, data={"grant_type": "password", "username": "' OR '1'='1' --", "password": "' OR '1'='1"}
        ),
        "deep JSON": lambda: anonymous.post(url, content=DEEP, headers=JSON),
        "HTTP Basic that is not base64": lambda: anonymous.post(
            url, data={"grant_type": "client_credentials"}, headers={"Authorization": "Basic !!!"}
        ),
        "unknown query parameter": lambda: anonymous.post(
            url, data={"grant_type": "password", "username": "a@b.example", "password": "x"}, params={"debug": "1"}
        ),
        "Idempotency-Key of 10 KB": lambda: anonymous.post(url, data={"grant_type": "implicit"}, headers=HUGE_KEY),
    }
    failures = _extra(anonymous, cases)
    assert failures == []


def test_sql_and_script_fragments_are_stored_verbatim_and_never_executed(admin: Actor, city: City) -> None:
    title = "Robert'); DROP TABLE award; --"
    description = '<script>alert(document.cookie)</script> " OR 1=1 -- ; SELECT pg_sleep(10);'
    contract = created(
        admin.post(
            f"{API}/contracts",
            json=contract_payload(
                number="C-2026-0999",
                title=title,
                description=description,
                external_id="PO-4500099999",
                vendor_id=city.paving_vendor,
                department_id=city.transportation,
            ),
        )
    )
    note = "'); UPDATE reading SET value = 0; -- <img src=x onerror=alert(1)>"
    batch = admin.post(f"{API}/readings/batch", json={"readings": [_item(note=note)]})
    assert batch.status_code == 200, batch.text

    stored = admin.get(f"{API}/contracts/{contract}").json()
    assert (stored["title"], stored["description"]) == (title, description)
    [reading] = admin.get(f"{API}/metrics/{city.pothole_metric}/readings").json()["items"]
    assert (reading["note"], reading["value"]) == (note, "81")
    found = admin.get(f"{API}/contracts", params={"q": "DROP TABLE"}).json()
    assert [item["id"] for item in found["items"]] == [contract]
    assert row_counts()["award"] == 3  # the city's contract and grant, and this one: no table was dropped


@pytest.mark.parametrize("path", ["/api/v1/contracts", "/healthz"])
def test_unknown_methods_and_paths_are_problems_too(client: Any, path: str) -> None:
    failures: list[str] = []
    check_refused("PUT", lambda: client.put(path, json={}), failures)
    check_refused("unknown path", lambda: client.get(path + "/../../etc/passwd"), failures)
    check_refused("unknown method", lambda: client.request("BREW", path), failures)
    assert failures == []
