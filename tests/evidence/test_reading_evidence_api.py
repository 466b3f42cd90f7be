"""A contract manager backs a reading up with files; whoever may see the reading may download them, checked
against the checksum taken at upload; nobody else learns they exist. Files are judged by their content, kept
to a size, and named plainly; deleting one removes the bytes and keeps the record and its audit trail."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, col, select

from app.auth.roles import Role
from app.config import get_settings
from app.events.models import Event
from tests.evidence import files
from tests.evidence.helpers import API, evidence_url, stored_files, stored_path_of, upload, upload_raw_name
from tests.support import Actor, City, assert_problem


def test_a_manager_attaches_a_pdf_and_a_viewer_downloads_exactly_those_bytes(
    manager: Actor, viewer: Actor, city: City, reading: int, session: Session
) -> None:
    report = files.pdf()
    response = upload(manager, reading, "Pothole report \u2013 October.pdf", report, declared="application/pdf")

    assert response.status_code == 201, response.text
    attachment = response.json()
    sha256 = hashlib.sha256(report).hexdigest()
    assert attachment | {"id": 0, "created_at": ""} == {
        "id": 0,
        "subject_type": "reading",
        "subject_id": reading,
        "filename": "Pothole report \u2013 October.pdf",
        "content_type": "application/pdf",
        "size_bytes": len(report),
        "sha256": sha256,
        "uploaded_by": f"user:{manager.user_id}",
        "uploaded_side": "city",
        "created_at": "",
        "links": {"content": f"{API}/evidence/{attachment['id']}/content"},
    }
    assert response.headers["Location"] == f"{API}/evidence/{attachment['id']}"
    assert [item["id"] for item in viewer.get(evidence_url(reading)).json()["items"]] == [attachment["id"]]

    download = viewer.get(attachment["links"]["content"])
    assert download.status_code == 200
    assert download.content == report
    assert download.headers["ETag"] == f'"{sha256}"'
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"] == (
        'attachment; filename="Pothole report _ October.pdf"; '
        "filename*=UTF-8''Pothole%20report%20%E2%80%93%20October.pdf"
    )
    assert download.headers["X-Content-Type-Options"] == "nosniff"

    attached = events_of(session, "attached")
    assert [(event.subject_id, event.payload["sha256"], event.award_id) for event in attached] == [
        (attachment["id"], sha256, city.pothole_contract)
    ]


def events_of(session: Session, kind: str) -> list[Event]:
    """The evidence events written so far (the feed itself is tested in tests/events)."""
    session.expire_all()
    return list(session.exec(select(Event).where(Event.type == f"evidence.{kind}").order_by(col(Event.id))).all())


def test_the_type_comes_from_the_content_never_from_the_name_or_the_declared_type(manager: Actor, reading: int) -> None:
    refused = [
        ("invoice.pdf", files.executable(), "application/pdf", "application/x-msdownload"),
        ("readings.csv", files.html(), "text/csv", "markup"),
        ("chart.png", files.svg(), "image/png", "markup"),
        ("readings.xlsx", files.zip_archive(), "application/vnd.ms-excel", "application/zip"),
    ]
    for name, content, declared, detected in refused:
        body = assert_problem(upload(manager, reading, name, content, declared), 422, "body.file")
        assert detected in body["errors"][0]["message"], body
        assert "PDF, PNG, JPEG" in body["errors"][0]["message"]

    accepted = [
        ("readings.txt", files.csv(), "application/octet-stream", "text/csv"),
        ("photo.pdf", files.png(), "application/pdf", "image/png"),
        ("october.ods", files.ods(), "text/plain", "application/vnd.oasis.opendocument.spreadsheet"),
    ]
    for name, content, declared, sniffed in accepted:
        response = upload(manager, reading, name, content, declared)
        assert response.status_code == 201, response.text
        assert response.json()["content_type"] == sniffed
    listed = manager.get(evidence_url(reading)).json()
    assert [item["filename"] for item in listed["items"]] == ["readings.txt", "photo.pdf", "october.ods"]
    assert listed["total"] == 3


def csv_of(size: int) -> bytes:
    """A two-line CSV of exactly `size` bytes."""
    start = b"period,note\n2026-10,"
    return start + b"x" * (size - len(start) - 1) + b"\n"


def test_a_file_over_the_size_limit_is_refused_and_nothing_is_kept(
    manager: Actor, reading: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RDC_EVIDENCE_MAX_BYTES", "2000")
    get_settings.cache_clear()

    body = assert_problem(upload(manager, reading, "big.csv", csv_of(2001)), 413, "body.file")
    assert body["errors"][0]["code"] == "too_large"
    assert "2000 bytes" in body["detail"]
    assert manager.get(evidence_url(reading)).json()["total"] == 0
    assert stored_files() == []

    assert upload(manager, reading, "fits.csv", csv_of(2000)).status_code == 201
    assert len(stored_files()) == 1


def test_a_file_name_that_is_a_path_or_hides_characters_is_refused(manager: Actor, reading: int) -> None:
    refused = {
        b"../../etc/cron.d/evil.pdf": "not a path",
        b"reports/october.pdf": "not a path",
        b"..\\\\windows\\\\evil.pdf": "not a path",
        b"bad\x07name.pdf": "control",
        b"\xe2\x80\xaeinvoice.pdf": "control",  # U+202E, the right-to-left override
        b"": "no name",
    }
    for raw_name, said in refused.items():
        body = assert_problem(upload_raw_name(manager, reading, raw_name, files.pdf()), 422, "body.file")
        assert said in body["errors"][0]["message"], (raw_name, body)
    assert manager.get(evidence_url(reading)).json()["total"] == 0
    assert stored_files() == []


def test_a_name_longer_than_255_characters_is_refused(manager: Actor, reading: int) -> None:
    body = assert_problem(upload(manager, reading, "a" * 256 + ".pdf", files.pdf()), 422, "body.file")
    assert "255" in body["errors"][0]["message"]


def test_a_damaged_or_lost_file_is_never_sent(manager: Actor, reading: int, session: Session) -> None:
    attachment = upload(manager, reading, "october.pdf", files.pdf()).json()
    stored = Path(stored_path_of(session, attachment["id"]))
    assert stored.read_bytes() == files.pdf()

    damaged = bytearray(stored.read_bytes())
    damaged[100] ^= 0xFF  # one flipped bit in storage
    stored.write_bytes(bytes(damaged))
    body = assert_problem(manager.get(attachment["links"]["content"]), 409)
    assert body["type"].endswith("/evidence-corrupt")
    assert "does not match the SHA-256" in body["detail"]

    stored.unlink()
    body = assert_problem(manager.get(attachment["links"]["content"]), 409)
    assert "missing" in body["detail"]
    assert manager.get(f"{API}/evidence/{attachment['id']}").status_code == 200  # the record is still there


def test_deleting_evidence_removes_the_file_and_keeps_who_why_and_when(
    manager: Actor, admin: Actor, reading: int, session: Session
) -> None:
    attachment = upload(manager, reading, "wrong month.csv", files.csv()).json()
    stored = Path(stored_path_of(session, attachment["id"]))
    assert stored.exists()

    deleted = manager.delete(f"{API}/evidence/{attachment['id']}", params={"reason": "uploaded to the wrong month"})

    assert deleted.status_code == 204, deleted.text
    assert not stored.exists()
    assert_problem(manager.get(f"{API}/evidence/{attachment['id']}"), 404)
    assert_problem(manager.get(attachment["links"]["content"]), 404)
    assert manager.get(evidence_url(reading)).json()["items"] == []
    assert_problem(manager.delete(f"{API}/evidence/{attachment['id']}"), 404)

    trail = admin.get(f"{API}/audit", params={"entity": "attachment", "entity_id": attachment["id"]}).json()
    by_action = {entry["action"]: entry for entry in trail["items"]}
    assert set(by_action) == {"create", "delete"}
    assert by_action["create"]["changes"]["sha256"] == [None, attachment["sha256"]]
    removal = by_action["delete"]
    assert removal["actor"] == f"user:{manager.user_id}"
    assert removal["changes"]["deleted_by"] == [None, f"user:{manager.user_id}"]
    assert removal["changes"]["deletion_reason"] == [None, "uploaded to the wrong month"]
    assert removal["changes"]["deleted_at"][0] is None
    assert [event.payload["reason"] for event in events_of(session, "deleted")] == ["uploaded to the wrong month"]


def test_another_departments_manager_learns_nothing_of_the_evidence(
    manager: Actor, housing_manager: Actor, reading: int
) -> None:
    attachment = upload(manager, reading, "october.pdf", files.pdf()).json()
    evidence = f"{API}/evidence/{attachment['id']}"
    for response in (
        housing_manager.get(evidence_url(reading)),
        upload(housing_manager, reading, "mine.pdf", files.pdf()),
        housing_manager.get(evidence),
        housing_manager.get(f"{evidence}/content"),
        housing_manager.delete(evidence),
    ):
        assert_problem(response, 404)
    assert manager.get(evidence).status_code == 200  # still there


def test_a_viewer_may_download_but_not_upload_or_delete(manager: Actor, viewer: Actor, reading: int) -> None:
    attachment = upload(manager, reading, "october.pdf", files.pdf()).json()
    assert_problem(upload(viewer, reading, "mine.pdf", files.pdf()), 403)
    assert_problem(viewer.delete(f"{API}/evidence/{attachment['id']}"), 403)
    assert viewer.get(attachment["links"]["content"]).status_code == 200


def test_the_vendors_people_back_up_their_own_readings_and_another_vendor_sees_nothing(
    make_actor: Any, manager: Actor, city: City, reading: int
) -> None:
    paving = make_actor(Role.vendor, vendor_id=city.paving_vendor)
    housing = make_actor(Role.vendor, vendor_id=city.housing_vendor)
    ours = upload(paving, reading, "crew log.xlsx", files.xlsx())
    assert ours.status_code == 201, ours.text
    assert ours.json()["uploaded_side"] == "vendor"
    city_file = upload(manager, reading, "inspection.jpg", files.jpeg()).json()

    for response in (
        housing.get(evidence_url(reading)),
        upload(housing, reading, "theirs.pdf", files.pdf()),
        housing.get(f"{API}/evidence/{ours.json()['id']}"),
        housing.get(f"{API}/evidence/{ours.json()['id']}/content"),
        housing.delete(f"{API}/evidence/{ours.json()['id']}"),
    ):
        assert_problem(response, 404)

    assert paving.get(city_file["links"]["content"]).content == files.jpeg()  # what the city sees of its reading
    assert_problem(paving.delete(f"{API}/evidence/{city_file['id']}"), 403)  # but only its own side's files go
    assert paving.delete(f"{API}/evidence/{ours.json()['id']}").status_code == 204


def test_a_body_that_is_not_one_file_in_a_file_part_is_refused_saying_so(manager: Actor, reading: int) -> None:
    url = evidence_url(reading)
    assert_problem(manager.post(url, json={"file": "october.pdf"}), 415)
    assert_problem(manager.post(url, content=b"", headers={"Content-Type": "multipart/form-data"}), 422, "body.file")
    assert_problem(manager.post(url, data={"file": "october.pdf"}, files={"x": ("a.pdf", files.pdf())}), 422)
    assert_problem(manager.post(url, files={"file": ("a.pdf", files.pdf()), "note": ("b.pdf", files.pdf())}), 422)
    assert_problem(manager.post(url, files={"evidence": ("a.pdf", files.pdf())}), 422, "body.evidence")
    assert manager.get(url).json()["total"] == 0
