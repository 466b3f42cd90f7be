"""A file is stored before its record is written; when the record cannot be written, the file goes again, so
storage never keeps bytes that nothing points at."""

from __future__ import annotations

import io

import pytest
from fastapi import UploadFile
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from app.auth.principal import SYSTEM
from app.config import get_settings
from app.evidence import service
from app.evidence.models import Attachment, EvidenceSubject
from tests.evidence import files
from tests.evidence.helpers import stored_files


def test_a_record_that_cannot_be_written_takes_its_stored_file_with_it(session: Session) -> None:
    with pytest.raises(IntegrityError):
        service.store(
            session,
            principal=SYSTEM,
            subject_type=EvidenceSubject.reading,
            subject_id=1,
            award_id=424242,  # no such contract: the foreign key refuses the row after the bytes were stored
            department_id=None,
            upload=UploadFile(io.BytesIO(files.pdf()), filename="october.pdf"),
            settings=get_settings(),
        )
    assert (get_settings().evidence_root / "reading").is_dir()  # the bytes had been written there
    assert stored_files() == []
    assert session.exec(select(func.count()).select_from(Attachment)).one() == 0
