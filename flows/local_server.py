"""The Prefect server `wirehouse serve` runs for a home, recorded there so that one-off commands use it.

Without a server to talk to, every `wirehouse ingest` (or reprocess, backfill, demo) makes Prefect start a
temporary one and import its server package: 10-20 s before the first page, on a two-core machine. serve
writes the API URL of its server into the home; a command for the same home finds it, checks that it answers,
and points Prefect at it through PREFECT_API_URL before Prefect is imported. A stale file (serve killed) is
ignored: its process is gone or its server does not answer.
"""

from __future__ import annotations

import contextlib
import json
import os
import urllib.error
import urllib.request
from pathlib import Path

from warehouse.paths import Home

SERVER_FILE = "prefect-server.json"
#: How long a command waits for the recorded server to answer its health check before starting its own.
HEALTH_TIMEOUT_S = 1.0


def server_file(home: Home) -> Path:
    return home.root / SERVER_FILE


def record_server(home: Home, api_url: str) -> None:
    """Say in the home that this process serves a Prefect API at api_url (written atomically)."""
    home.root.mkdir(parents=True, exist_ok=True)
    path = server_file(home)
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(json.dumps({"api_url": api_url, "pid": os.getpid()}), encoding="utf-8")
    partial.replace(path)


def forget_server(home: Home) -> None:
    """Remove the record if this process wrote it (another serve may have taken over the home since)."""
    path = server_file(home)
    with contextlib.suppress(OSError, ValueError):
        if json.loads(path.read_text(encoding="utf-8")).get("pid") == os.getpid():
            path.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def running_server(home: Home, timeout_s: float = HEALTH_TIMEOUT_S) -> str | None:
    """The API URL recorded in the home when its process lives and the server answers, else None."""
    try:
        record = json.loads(server_file(home).read_text(encoding="utf-8"))
        api_url, pid = str(record["api_url"]), int(record["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not api_url.startswith("http://127.0.0.1:") or not _alive(pid):
        return None
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=timeout_s) as response:  # noqa: S310 - loopback
            return api_url if response.status == 200 else None
    except (urllib.error.URLError, OSError, ValueError):
        return None


def use_running_server(home: str | None) -> str | None:
    """Point Prefect at the server serve runs for this home, unless an API URL is configured already.

    Must run before Prefect is imported: Prefect reads its settings once, at import.
    """
    if os.environ.get("PREFECT_API_URL"):
        return None
    api_url = running_server(Home.resolve(home))
    if api_url:
        os.environ["PREFECT_API_URL"] = api_url
    return api_url
