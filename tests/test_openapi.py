"""`openapi/openapi.json` is the published contract: it must match what the app serves."""

import json
from pathlib import Path

from app.openapi_doc import render

CONTRACT = Path(__file__).resolve().parent.parent / "openapi" / "openapi.json"


def test_committed_openapi_document_matches_the_app() -> None:
    assert CONTRACT.exists(), "run `.venv/bin/rdc openapi` to write openapi/openapi.json"
    assert json.loads(CONTRACT.read_text()) == json.loads(render()), (
        "openapi/openapi.json is stale: run `.venv/bin/rdc openapi` and commit the result"
    )


def test_every_error_response_is_documented_as_problem_json() -> None:
    document = json.loads(render())
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")):
                    assert "application/problem+json" in response.get("content", {}), (method, path, status)
