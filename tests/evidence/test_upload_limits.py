"""Files are larger than JSON bodies: the upload routes get a body limit of their own (a file of the evidence
limit with its multipart framing), refused naming the file; every other route keeps the general limit. Their
bytes are any bytes, NUL included, which the text guard refuses everywhere else."""

from __future__ import annotations

from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from app.evidence.service import UPLOAD_PATHS
from app.kit.input_guards import TextInputMiddleware
from app.kit.limits import BodyLimitMiddleware, UploadLimit
from tests.support import assert_problem


async def _echo(request: Request) -> JSONResponse:
    return JSONResponse({"received": len(await request.body())})


def _client() -> TestClient:
    app = Starlette(routes=[Route("/api/v1/{rest:path}", _echo, methods=["POST"])])
    uploads = UploadLimit(paths=UPLOAD_PATHS, max_bytes=1000, field="body.file")
    guarded = BodyLimitMiddleware(TextInputMiddleware(app, binary_paths=UPLOAD_PATHS), max_bytes=100, uploads=uploads)
    return TestClient(guarded)


def test_an_upload_route_takes_a_file_up_to_its_own_limit_and_names_the_file_beyond_it() -> None:
    client = _client()
    for path in ("/api/v1/readings/7/evidence", "/api/v1/alerts/3/questions/4/answers/5/evidence"):
        assert client.post(path, content=b"\x00" * 1000).json() == {"received": 1000}
        body = assert_problem(client.post(path, content=b"x" * 1001), 413, "body.file")
        assert body["detail"] == "request bodies are limited to 1000 bytes"


def test_every_other_route_keeps_the_general_limit_and_refuses_nul() -> None:
    client = _client()
    for path in ("/api/v1/readings/batch", "/api/v1/readings/7/evidence/extra", "/api/v1/evidence"):
        body = assert_problem(client.post(path, content=b"x" * 101), 413)
        assert "errors" not in body
        assert_problem(client.post(path, content=b"{\x00}"), 422)
