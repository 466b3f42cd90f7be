"""The README's walk of a contract manager and a vendor through the loop is run as written, with curl, against a
live demo server: if the API drifts from the README, this fails."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.evidence.files import pdf
from tests.servers import Server, start_uvicorn

README = Path(__file__).resolve().parents[1] / "README.md"
RDC = Path(sys.executable).with_name("rdc")


def vendor_loop_block() -> str:
    text = README.read_text(encoding="utf-8")
    found = re.search(r"<!-- vendor-loop -->\n```bash\n(.*?)```\n<!-- /vendor-loop -->", text, re.DOTALL)
    assert found, "the README has lost its vendor-loop block"
    return found.group(1)


@pytest.fixture
def demo_server(tmp_path: Path) -> Iterator[Server]:
    env = os.environ | {
        "RDC_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}",
        "RDC_EVIDENCE_DIR": str(tmp_path / "evidence"),
        "RDC_MAIL_BACKEND": "off",
        "RDC_LOG_LEVEL": "warning",
    }
    for command in ("migrate", "demo"):
        subprocess.run([str(RDC), command], env=env, check=True, capture_output=True, timeout=300)
    server = start_uvicorn(env)
    yield server
    server.stop()


def test_the_readme_walks_a_manager_and_a_vendor_through_the_loop(demo_server: Server, tmp_path: Path) -> None:
    assert shutil.which("curl"), "curl is needed to follow the README (.ci/run installs it)"
    (tmp_path / "crew-roster.pdf").write_bytes(pdf())
    script = vendor_loop_block().replace("http://127.0.0.1:8000", demo_server.base)

    run = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )

    assert run.returncode == 0, run.stderr + run.stdout
    lines = run.stdout.splitlines()
    assert lines[0:2] == ["1", "404"]  # one contract for Metro Paving; the city's departments do not exist for her
    assert lines[2].startswith("No October figures yet")
    assert re.fullmatch(r"[0-9a-f]{64}", lines[3])  # the PDF's checksum
    assert lines[4] == "agreed"
    assert all(re.match(r"\d{4}-\d\d-\d\dT", line) for line in lines[5:8])  # both steps done, resolution asked
    assert lines[8:] == ["partly_resolved", "too early to tell: 0 months of data after completion"]
