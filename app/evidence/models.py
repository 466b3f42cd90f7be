"""Evidence: files attached to a reading or to a vendor's answer. The bytes live in storage (`storage.py`);
the row says what they are, whose they are and who may see them, and stays after the file is deleted."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field

from app.db import UTCDateTime, choice
from app.kit.models import TableBase


class EvidenceSubject(StrEnum):
    """What a file backs up."""

    reading = "reading"
    alert_answer = "alert_answer"


class UploaderSide(StrEnum):
    city = "city"
    vendor = "vendor"
    integration = "integration"


class Attachment(TableBase, table=True):
    __table_args__ = (Index("ix_attachment_subject", "subject_type", "subject_id"),)

    subject_type: EvidenceSubject = Field(sa_type=choice(EvidenceSubject))
    subject_id: int
    # Who may see it: those who see this contract or grant (or, without one, this department).
    award_id: int | None = Field(default=None, foreign_key="award.id", index=True)
    department_id: int | None = Field(default=None, foreign_key="department.id")
    filename: str = Field(max_length=255, description="The name it was uploaded with (checked, never a path)")
    content_type: str = Field(max_length=100, description="Decided from the bytes, not from the upload's claim")
    size_bytes: int
    sha256: str = Field(max_length=64)
    storage_key: str = Field(max_length=200, description="Generated here; never derived from the file name")
    uploaded_by: str = Field(max_length=200)
    uploaded_side: UploaderSide = Field(sa_type=choice(UploaderSide))
    # Deleting evidence removes the bytes and keeps this row (with the audit trail) to say who did it and why.
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    deleted_by: str | None = Field(default=None, max_length=200)
    deletion_reason: str | None = Field(default=None, max_length=2000)
