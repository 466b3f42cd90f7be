"""Real servers for tests: a uvicorn process on a free local port, waited for by liveness, never left behind.

Start-up is waited for as long as the server is alive and starting (up to START_SECONDS: a loaded machine
can take a long time to start interpreters); a server that exits fails the test at once, with its output.
A test is never a speed test. Each server runs in a session of its own, so stopping it also ends whatever it
started (uvicorn's worker processes, a sweep's worker pool).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from contextlib import suppress
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
START_SECONDS = 180  # until the server answers its liveness check
STOP_SECONDS = 60  # for a graceful stop, before the server is killed
PORT_ATTEMPTS = 3  # a free port can be taken by someone else before the server binds it
OUTPUT_SHOWN = 20_000  # characters of the server's output shown when it fails, or at the end of its test


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """One server process on 127.0.0.1 (started, not yet waited for), its output captured to a file."""

    def __init__(self, command: list[str], *, port: int, env: Mapping[str, str]) -> None:
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self._output = tempfile.TemporaryFile(prefix="server-", suffix=".log")  # noqa: SIM115 (closed by stop)
        self.process = subprocess.Popen(
            command,
            env=dict(env),
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=self._output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._stopped = False

    def output(self, *, whole: bool = False) -> str:
        """What the server printed so far, its tail unless `whole` (read without moving the file offset it writes
        at); empty once the server is stopped."""
        if self._output.closed:
            return ""
        size = os.fstat(self._output.fileno()).st_size
        text = os.pread(self._output.fileno(), size, 0).decode(errors="replace")
        return text if whole else text[-OUTPUT_SHOWN:]

    def wait_until_alive(self, path: str, seconds: float = START_SECONDS) -> bool:
        """True once `path` answers 200; False if the server exited first. Fails the test after `seconds`."""
        deadline = time.monotonic() + seconds
        while self.process.poll() is None:
            with suppress(httpx.HTTPError):
                if httpx.get(f"{self.base}{path}", timeout=5).status_code == 200:
                    return True
            if time.monotonic() > deadline:
                output = self.output()
                self.stop(quiet=True)
                pytest.fail(f"the server was running but not answering {path} after {seconds:.0f} s:\n{output}")
            time.sleep(0.1)
        return False

    def stop(self, *, kill: bool = False, quiet: bool = False) -> None:
        """Stops the server (SIGTERM, or SIGKILL with `kill`) and anything it started; shows its output."""
        if self._stopped:
            return
        self._stopped = True
        if self.process.poll() is None:
            if kill:
                self.process.kill()
            else:
                self.process.terminate()
            try:
                self.process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        # Whatever the server left behind in its session (the session's id is the server's pid).
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        output = self.output()
        if output.strip() and not quiet:  # shown by pytest with a failing test, as the server's own output used to be
            sys.stderr.write(f"--- output of the server on port {self.port} ---\n{output}\n")
        self._output.close()


def start_uvicorn(env: Mapping[str, str], *, workers: int = 1, alive_path: str = "/healthz") -> Server:
    """`uvicorn app.main:app` with `env`, alive once `alive_path` answers 200; fails the test if it cannot start.

    A server process runs its job worker thread, as in production (the in-process test clients do not).
    """
    env = dict(env) | {"RDC_JOBS_WORKER_THREAD": "true"}
    attempt = 1
    while True:
        port = free_port()
        command = [sys.executable, "-m", "uvicorn", "app.main:app", "--port", str(port), "--log-level", "warning"]
        if workers > 1:
            command += ["--workers", str(workers)]
        server = Server(command, port=port, env=env)
        if server.wait_until_alive(alive_path):
            return server
        output = server.output()
        server.stop(quiet=True)
        if "address already in use" in output.lower() and attempt < PORT_ATTEMPTS:
            attempt += 1
            continue
        pytest.fail(f"the server exited ({server.process.returncode}) before answering {alive_path}:\n{output}")
