"""With RDC_EVIDENCE_STORAGE=s3 the same story runs against a real S3-compatible server (moto's, on this
machine): the file goes to the bucket and nowhere else, comes back verified, is refused when the object was
changed behind the service's back, and leaves the bucket when it is deleted."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from app.config import get_settings
from tests.evidence import files
from tests.evidence.helpers import API, stored_files, upload
from tests.support import Actor, assert_problem

REGION = "us-east-1"
CREDENTIALS = {"aws_access_key_id": "rdc-test", "aws_secret_access_key": "rdc-test-secret"}


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint: str, configured: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A bucket of this test's own, and the service pointed at it."""
    name = f"rdc-evidence-{uuid.uuid4().hex[:12]}"
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name=REGION, **CREDENTIALS)
    s3.create_bucket(Bucket=name)
    settings = {
        "RDC_EVIDENCE_STORAGE": "s3",
        "RDC_S3_ENDPOINT_URL": s3_endpoint,
        "RDC_S3_BUCKET": name,
        "RDC_S3_REGION": REGION,
        "RDC_S3_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"],
        "RDC_S3_SECRET_ACCESS_KEY": CREDENTIALS["aws_secret_access_key"],
    }
    for variable, value in settings.items():
        monkeypatch.setenv(variable, value)
    get_settings.cache_clear()
    return s3, name


def _keys(bucket: Any) -> list[str]:
    s3, name = bucket
    return [item["Key"] for item in s3.list_objects_v2(Bucket=name).get("Contents", [])]


def test_evidence_is_kept_in_the_bucket_verified_on_the_way_out_and_removed_on_delete(
    manager: Actor, viewer: Actor, reading: int, bucket: Any
) -> None:
    report = files.pdf()
    attachment = upload(manager, reading, "october.pdf", report)
    assert attachment.status_code == 201, attachment.text
    evidence = attachment.json()
    keys = _keys(bucket)
    assert len(keys) == 1 and keys[0].startswith("reading/")
    assert stored_files() == []  # nothing on the local disk

    download = viewer.get(evidence["links"]["content"])
    assert download.status_code == 200
    assert download.content == report
    assert download.headers["ETag"] == f'"{evidence["sha256"]}"'

    s3, name = bucket
    s3.put_object(Bucket=name, Key=keys[0], Body=report[:-1] + b"\x01")  # one byte changed in the bucket
    body = assert_problem(viewer.get(evidence["links"]["content"]), 409)
    assert body["type"].endswith("/evidence-corrupt")

    assert manager.delete(f"{API}/evidence/{evidence['id']}").status_code == 204
    assert _keys(bucket) == []


def test_a_bucket_that_cannot_be_reached_is_a_502_and_nothing_is_recorded(
    manager: Actor, reading: int, bucket: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RDC_S3_BUCKET", "no-such-bucket-" + uuid.uuid4().hex[:8])
    get_settings.cache_clear()
    body = assert_problem(upload(manager, reading, "october.pdf", files.pdf()), 502)
    assert body["type"].endswith("/storage-unavailable")
    assert manager.get(f"{API}/readings/{reading}/evidence").json()["total"] == 0
