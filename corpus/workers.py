"""Process pools for CPU work (parsing pages, analysing articles) that end with their parent.

Threads cannot share CPU-bound Python work (the GIL), so these stages use processes.
They are spawned, not forked: forking a process that runs threads can copy a held lock.
"""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` spawned processes that exit if this process dies."""
    return ProcessPoolExecutor(workers, mp_context=get_context("spawn"),
                               initializer=_exit_with, initargs=(os.getpid(),))


def _exit_with(parent: int) -> None:
    """In a worker: end when the process that started it is gone (even by SIGKILL).

    Pool workers hold both ends of their task queue, so they never see it close; without
    this watch, every killed crawl or analysis would leave its workers running.
    """
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()
