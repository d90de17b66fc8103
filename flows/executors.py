"""Where the CPU-bound stages run: in this process, in a pool of worker processes, or on a Dask cluster.

All three hand out concurrent.futures-style futures, so the pipeline does not care which it has.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any


class InlineExecutor(Executor):
    """Runs the work at submit time: no pickling, no extra model load; the default for one worker."""

    def submit(self, fn, /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - delivered through the future like a pool would
            future.set_exception(exc)
        return future


class DaskExecutor(Executor):
    """Batches sent to a Dask cluster (distributed.Client); each worker process keeps its own model."""

    def __init__(self, address: str) -> None:
        from distributed import Client

        self.client = Client(address)

    def submit(self, fn, /, *args: Any, **kwargs: Any):
        return self.client.submit(fn, *args, pure=False, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.client.close()


def make_executor(workers: int = 1, dask_address: str | None = None) -> Executor:
    """Where batches run; no model is loaded here (workers load it with their first article to parse)."""
    if dask_address:
        return DaskExecutor(dask_address)
    if workers <= 1:
        return InlineExecutor()
    # spawn, not fork: the parent has Prefect and DuckDB threads that a forked child would inherit mid-state.
    # Workers start with the first batch that has new pages, and each loads spaCy (once, kept by shared_nlp)
    # with the first batch that has an article to parse: a run with nothing new starts neither.
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


def parallelism(executor: Executor, workers: int) -> int:
    """How many batches to keep in flight so that every worker stays busy while the main process loads."""
    if isinstance(executor, InlineExecutor):
        return 1
    if isinstance(executor, DaskExecutor):
        return max(2, 2 * sum(w.get("nthreads", 1) for w in executor.client.scheduler_info()["workers"].values()))
    return 2 * workers
