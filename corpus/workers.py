"""Process pools for CPU work (parsing pages, analysing articles) that end with their parent,
and an executor on a Dask cluster for analyses larger than one machine.

Threads cannot share CPU-bound Python work (the GIL), so these stages use processes.
They are spawned, not forked: forking a process that runs threads can copy a held lock.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing import get_context

from fincorpus.corpus.errors import BadInput


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


@contextmanager
def dask_executor(address: str) -> Iterator[tuple[Executor, int]]:
    """An executor on the Dask cluster whose scheduler is at `address`, and how many worker
    threads it has, for `analyze_articles(..., remote=True)`.

    The cluster's workers need fincorpus (the same version) installed; they never see the
    store, so it can stay on this machine.
    """
    try:
        from distributed import Client
    except ImportError:
        raise BadInput("--dask needs Dask: pip install 'fincorpus[dask]' here and on the "
                       "workers") from None
    try:
        client = Client(address)
    except (OSError, TimeoutError, ValueError) as error:
        raise BadInput(f"--dask {address}: cannot reach the scheduler ({error}); give its "
                       "address as `dask scheduler` prints it (tcp://HOST:8786)") from None
    with client:
        threads = sum(client.nthreads().values())
        if not threads:
            raise BadInput(f"--dask {address}: the cluster has no workers; start some with "
                           f"`dask worker {address}`")
        yield client.get_executor(), threads
