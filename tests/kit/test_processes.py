"""Worker processes never outlive the process that started them: not when it is killed with kill -9, and not
when it shuts down in the middle of their work.

Real processes throughout: a parent script opens a `worker_pool` whose workers run an hour-long task, and the
workers are watched through /proc. Waits are generous (a loaded machine is slow to start interpreters); the
tasks would run for an hour, so workers that are gone within a minute were stopped, not finished.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 2
START_SECONDS = 180  # for the parent to start its workers and the workers their task
GONE_SECONDS = 60  # for the workers to end once they must

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="watches processes through /proc")

PARENT = """
import os
import sys
import threading
import time
from pathlib import Path

from app.kit import processes

if os.environ.get("RDC_TEST_WATCHDOG_ONLY"):  # runs in the workers too (spawn re-runs this script)
    processes._kill_me_when_my_parent_dies = lambda: None


def long_task(markers: str) -> None:
    Path(markers, str(os.getpid())).touch()
    time.sleep(3600)


stopped: list[int] = []


def terminate_when_told(markers: str) -> None:
    while not Path(markers).with_name("terminate-now").exists():
        time.sleep(0.05)
    stopped.append(processes.terminate_pools(refuse_new=True))


def main(markers: str, workers: int, mode: str) -> None:
    terminator = threading.Thread(target=terminate_when_told, args=(markers,), daemon=True)
    if mode == "terminate":
        terminator.start()
    try:
        with processes.worker_pool(workers) as pool:
            for future in [pool.submit(long_task, markers) for _ in range(workers)]:
                future.result()
    except processes.PoolsTerminated:
        print("work terminated", flush=True)
    if mode == "terminate":
        terminator.join()
        print("stopped", stopped[0], "pools", flush=True)
    try:
        with processes.worker_pool(1):
            print("a new pool was opened", flush=True)
    except processes.PoolsTerminated:
        print("new pool refused", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
"""


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (state first), or None if there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()


def _identity(pid: int) -> tuple[int, str] | None:
    """The pid with its start time, so that a reused pid is not mistaken for the worker."""
    fields = _stat(pid)
    return None if fields is None else (pid, fields[19])


def _alive(worker: tuple[int, str]) -> bool:
    fields = _stat(worker[0])
    return fields is not None and fields[19] == worker[1] and fields[0] not in ("Z", "X")  # a zombie is dead


def _parent_of(pid: int) -> int | None:
    fields = _stat(pid)
    return None if fields is None else int(fields[1])


class Parent:
    """The parent script, its output captured to a file."""

    def __init__(self, tmp_path: Path, mode: str, watchdog_only: bool = False) -> None:
        self.markers = tmp_path / "running"
        self.markers.mkdir()
        script = tmp_path / "parent.py"
        script.write_text(PARENT)
        self.log = tmp_path / "parent.log"
        env = os.environ | {"PYTHONPATH": str(ROOT)}
        if watchdog_only:
            env["RDC_TEST_WATCHDOG_ONLY"] = "1"
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, str(script), str(self.markers), str(WORKERS), mode],
                cwd=tmp_path,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.workers: list[tuple[int, str]] = []

    def output(self) -> str:
        return self.log.read_text()

    def wait_for_running_workers(self) -> list[tuple[int, str]]:
        deadline = time.monotonic() + START_SECONDS
        while len(os.listdir(self.markers)) < WORKERS:
            if self.process.poll() is not None:
                pytest.fail(f"the parent exited ({self.process.returncode}) before its workers ran:\n{self.output()}")
            if time.monotonic() > deadline:
                pytest.fail(f"the workers did not start their task within {START_SECONDS} s:\n{self.output()}")
            time.sleep(0.1)
        for name in os.listdir(self.markers):
            worker = _identity(int(name))
            assert worker is not None, f"worker {name} ended before it was asked to"
            assert _parent_of(worker[0]) == self.process.pid, "the workers are the parent's own children"
            self.workers.append(worker)
        return self.workers

    def clean_up(self) -> None:
        """Whatever the test's outcome: no process of this test is left running."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for pid, _ in filter(_alive, self.workers):
            os.kill(pid, signal.SIGKILL)


@pytest.fixture
def parents(tmp_path: Path) -> Iterator[list[Parent]]:
    started: list[Parent] = []
    yield started
    for parent in started:
        parent.clean_up()


def _assert_gone(workers: list[tuple[int, str]], why: str) -> None:
    deadline = time.monotonic() + GONE_SECONDS
    while any(map(_alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.2)
    survivors = [pid for pid, _ in filter(_alive, workers)]
    assert not survivors, f"workers {survivors} still running {GONE_SECONDS} s after {why}"


@pytest.mark.parametrize("watchdog_only", [False, True], ids=["death-signal-and-watchdog", "watchdog-alone"])
def test_workers_die_when_their_parent_is_killed(tmp_path: Path, parents: list[Parent], watchdog_only: bool) -> None:
    parent = Parent(tmp_path, "wait", watchdog_only=watchdog_only)
    parents.append(parent)
    workers = parent.wait_for_running_workers()

    parent.process.send_signal(signal.SIGKILL)
    parent.process.wait()

    _assert_gone(workers, "their parent was killed with SIGKILL")


def test_terminate_pools_stops_a_working_pool_and_refuses_new_ones(tmp_path: Path, parents: list[Parent]) -> None:
    parent = Parent(tmp_path, "terminate")
    parents.append(parent)
    workers = parent.wait_for_running_workers()

    (tmp_path / "terminate-now").touch()
    try:
        parent.process.wait(timeout=START_SECONDS)  # the hour-long work was cut off
    except subprocess.TimeoutExpired:
        pytest.fail(f"the parent was still waiting for its pool after {START_SECONDS} s:\n{parent.output()}")
    output = parent.output()
    assert parent.process.returncode == 0, output
    assert output.splitlines() == ["work terminated", "stopped 1 pools", "new pool refused"], output
    _assert_gone(workers, "terminate_pools()")
