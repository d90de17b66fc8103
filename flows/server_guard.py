"""Runs the local Prefect server for `wirehouse serve` and ends it when serve is gone, however serve ended.

A SIGKILL gives serve no chance to stop what it started, and a server left behind keeps its port and its
database. This guard leads the server's process group, watches the parent every half second, and when the
parent is gone stops the whole group (SIGTERM, then SIGKILL after a grace period).

    python -m flows.server_guard --parent PID --port PORT
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time

POLL_S = 0.5
GRACE_S = 10.0


def parent_alive(parent: int) -> bool:
    """The parent still runs and is still ours (an orphan is re-parented, so its parent id changes)."""
    if os.getppid() != parent:
        return False
    try:
        os.kill(parent, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop_group(child: subprocess.Popen) -> None:
    """SIGTERM this process group (the server and what it spawned), then SIGKILL it, this guard included."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    os.killpg(0, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        child.wait(timeout=GRACE_S)
    os.killpg(0, signal.SIGKILL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parent", type=int, required=True, help="process id of wirehouse serve")
    parser.add_argument("--port", type=int, required=True, help="port of the Prefect server")
    args = parser.parse_args(argv)
    command = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(args.port)]
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stopping: list[int] = []
    # serve stops the group with SIGTERM: the server got it too, so wait for it to finish rather than die first
    signal.signal(signal.SIGTERM, lambda signum, _frame: stopping.append(signum))
    while child.poll() is None:
        if stopping:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=GRACE_S)
            return 0
        if not parent_alive(args.parent):
            stop_group(child)
            return 0
        time.sleep(POLL_S)
    return child.returncode


if __name__ == "__main__":
    sys.exit(main())
