"""A worker thread that runs a unit of background work at start and then at every poll.

API processes run one (unless `RDC_JOBS_IN_PROCESS=false`) to pick up work that another process queued or
left behind (for instance one killed between its commit and its response); `rdc worker` runs the same loop
in a process of its own.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger("app.jobs")


class Worker:
    def __init__(self, name: str, work: Callable[[], object], *, poll_seconds: float) -> None:
        self._name = name
        self._work = work
        self._poll_seconds = poll_seconds
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Lets the current round finish (it is one transaction per batch), then ends the loop."""
        self._stopping.set()
        self._thread.join(timeout)

    def run_forever(self) -> None:
        """The loop, in the calling thread (for `rdc worker`)."""
        self._run()

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self._work()
            except Exception:  # the work stays queued; the next round retries it
                log.exception("%s: round failed", self._name)
            self._stopping.wait(self._poll_seconds)
