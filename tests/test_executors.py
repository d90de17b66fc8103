"""Where batches run: one worker parses on one thread beside the loads, never two batches at once."""

from __future__ import annotations

import threading
import time

from flows.executors import InlineExecutor, make_executor, parallelism


def test_one_worker_parses_one_batch_at_a_time_off_the_loading_thread():
    executor = make_executor(1)
    active, most = [0], [0]
    guard = threading.Lock()

    def parse(batch: int) -> tuple[int, str]:
        with guard:
            active[0] += 1
            most[0] = max(most[0], active[0])
        time.sleep(0.02)  # long enough for a second batch to start if the executor allowed it
        with guard:
            active[0] -= 1
        return batch, threading.current_thread().name

    with executor:
        assert parallelism(executor, 1) == 2  # one batch loading while the next one parses
        results = [f.result() for f in [executor.submit(parse, n) for n in range(5)]]
    assert [batch for batch, _thread in results] == list(range(5))
    assert most[0] == 1
    assert {thread for _batch, thread in results} != {threading.current_thread().name}


def test_inline_work_runs_at_submit_time_and_keeps_one_batch_in_flight():
    executor = InlineExecutor()
    ran: list[int] = []
    future = executor.submit(ran.append, 1)
    assert ran == [1] and future.done()
    assert parallelism(executor, 1) == 1
