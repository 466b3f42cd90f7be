"""Helpers for the evidence tests: uploading through the API, and where the bytes landed."""

from __future__ import annotations

from pathlib import Path

import httpx
from sqlmodel import Session

from app.config import get_settings
from app.evidence.models import Attachment
from tests.support import Actor

API = "/api/v1"


def evidence_url(reading_id: int) -> str:
    return f"{API}/readings/{reading_id}/evidence"


def upload(
    actor: Actor, reading_id: int, name: str, content: bytes, declared: str = "application/octet-stream"
) -> httpx.Response:
    return actor.post(evidence_url(reading_id), files={"file": (name, content, declared)})


def upload_raw_name(actor: Actor, reading_id: int, raw_name: bytes, content: bytes) -> httpx.Response:
    """A multipart upload whose file name goes out byte for byte (clients escape what this test must send)."""
    boundary = b"evidence-boundary-7d1f"
    body = (
        b"--" + boundary + b"\r\n"
        b'Content-Disposition: form-data; name="file"; filename="' + raw_name + b'"\r\n'
        b"Content-Type: application/pdf\r\n\r\n" + content + b"\r\n--" + boundary + b"--\r\n"
    )
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary.decode()}"}
    return actor.post(evidence_url(reading_id), content=body, headers=headers)


def stored_path_of(session: Session, attachment_id: int) -> str:
    """Where local storage keeps the attachment's bytes."""
    session.expire_all()
    attachment = session.get(Attachment, attachment_id)
    assert attachment is not None
    return str(get_settings().evidence_root / attachment.storage_key)


def stored_files() -> list[Path]:
    """Every file local storage holds."""
    root = get_settings().evidence_root
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []
