"""The published API contract, `openapi/openapi.json`, generated from the app."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.main import create_app


def document() -> dict[str, Any]:
    return create_app().openapi()


def render() -> str:
    return json.dumps(document(), indent=2, sort_keys=True) + "\n"


def write(path: str | Path) -> None:
    Path(path).write_text(render())
