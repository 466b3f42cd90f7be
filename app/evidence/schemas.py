"""What the API shows of a piece of evidence."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, computed_field

from app.evidence.models import EvidenceSubject, UploaderSide

API = "/api/v1"


class AttachmentLinks(BaseModel):
    content: str = Field(description="GET it to download the file (its checksum is verified first)")


class AttachmentPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    subject_type: EvidenceSubject = Field(description="What the file backs up")
    subject_id: int
    filename: str
    content_type: str = Field(description="Decided from the file's bytes")
    size_bytes: int
    sha256: str = Field(description="Hex SHA-256 of the bytes; the download's ETag")
    uploaded_by: str
    uploaded_side: UploaderSide
    created_at: datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def links(self) -> AttachmentLinks:
        return AttachmentLinks(content=f"{API}/evidence/{self.id}/content")
