"""Process pools whose workers never outlive the process that started them.

A pool's workers are processes of their own: nothing ends them when their parent does. Two ways they could be
left behind, and what prevents each:

- The parent dies (kill -9, the OOM killer, a crash) and cannot clean up. Each worker's initializer
  (`die_with_parent`) asks Linux to SIGKILL the worker when its parent dies (`PR_SET_PDEATHSIG`), and starts a
  watchdog thread that ends the worker once its parent is no longer the process that started it (every
  platform; a backstop for the signal).
- The parent shuts down while a pool is working. `terminate_pools()` cancels the queued work and kills the
  workers of every live pool, so that shutdown does not wait for the work to finish.

Use a pool from the thread that opened it: Linux sends the death signal when the *thread* that started a
worker ends. Standard library only (ground floor).
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
import weakref
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, suppress
from typing import Any

WATCH_SECONDS = 0.5  # how often a worker's watchdog looks at its parent
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>

_lock = threading.Lock()
_live: set[ProcessPoolExecutor] = set()
_terminated: weakref.WeakSet[ProcessPoolExecutor] = weakref.WeakSet()
_refusing = False


class PoolsTerminated(RuntimeError):
    """The pool was stopped by `terminate_pools()` (the process is shutting down)."""


def die_with_parent(parent_pid: int, watch_seconds: float = WATCH_SECONDS) -> None:
    """Initializer of pool workers: the worker ends as soon as `parent_pid` is no longer its parent."""
    _kill_me_when_my_parent_dies()
    if os.getppid() != parent_pid:  # the parent died before the request above was made
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent_pid, watch_seconds), name="watch-parent", daemon=True).start()


def _kill_me_when_my_parent_dies() -> None:
    if not sys.platform.startswith("linux"):
        return
    with suppress(OSError, AttributeError):  # no libc to load, or no prctl in it: the watchdog still works
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)


def _watch_parent(parent_pid: int, watch_seconds: float) -> None:
    while os.getppid() == parent_pid:
        time.sleep(watch_seconds)
    os._exit(1)  # orphaned: adopted by init or a subreaper


@contextmanager
def worker_pool(max_workers: int, *, context: str = "spawn") -> Iterator[ProcessPoolExecutor]:
    """A process pool whose workers die with this process, and which `terminate_pools()` can stop.

    Leaving the block normally waits for the work, as `with ProcessPoolExecutor(...)` does; leaving it with an
    error stops the pool at once. Work cut off by `terminate_pools()` raises `PoolsTerminated` here.
    """
    global _refusing
    with _lock:
        if _refusing:
            raise PoolsTerminated("worker pools were terminated: this process is shutting down")
        pool = ProcessPoolExecutor(
            max_workers=max_workers,
            mp_context=multiprocessing.get_context(context),
            initializer=die_with_parent,
            initargs=(os.getpid(),),
        )
        _live.add(pool)
    try:
        yield pool
    except BaseException as error:
        _stop(pool)
        if pool in _terminated and not isinstance(error, PoolsTerminated):
            raise PoolsTerminated("the pool was terminated while working (shutdown)") from error
        raise
    else:
        pool.shutdown(wait=True)
    finally:
        with _lock:
            _live.discard(pool)


def terminate_pools(*, refuse_new: bool = False) -> int:
    """Stops every live pool now: queued work is cancelled and the workers are killed. Returns how many.

    With `refuse_new`, pools opened afterwards in this process raise `PoolsTerminated` (for a server's shutdown:
    a sweep that was about to open its pool must not start one the shutdown would then wait for).
    """
    global _refusing
    with _lock:
        _refusing = _refusing or refuse_new
        pools = list(_live)
        _terminated.update(pools)
    for pool in pools:
        _stop(pool)
    return len(pools)


def _stop(pool: ProcessPoolExecutor) -> None:
    # The pool's own table of its workers (shared with its manager thread): shutdown() drops the pool's
    # reference to it, and no worker is started after shutdown().
    processes: dict[int, Any] = getattr(pool, "_processes", None) or {}
    pool.shutdown(wait=False, cancel_futures=True)
    workers = list(processes.values())
    for worker in workers:
        with suppress(Exception):  # already gone
            worker.kill()
    for worker in workers:
        with suppress(Exception):  # reaped by the pool's manager thread first
            worker.join(timeout=5)
