"""`wirehouse serve` end to end: it starts its own Prefect server, the schedule of a configured source fires,
the scheduled run loads the demo site into the warehouse with the configured parameters, and SIGTERM stops
the runs and the server it started.

Everything is real: the demo site on loopback, `wirehouse serve` in a subprocess with a Prefect home of its
own (not this session's test server), and the DuckLake warehouse on disk, read while serve writes to it.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import duckdb
import httpx
import pytest

from demo_site import DemoSite
from demo_site.templates import OUTLETS
from warehouse.lake import WarehouseMissing, connect
from warehouse.paths import Home

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
OUTLET = "harbour-ledger"
INTERVAL_S = 5
FETCH = {"per_host_delay_s": 0.0, "timeout_s": 10.0}
#: Everything, Prefect server start-up included; a quiet machine needs about a minute.
DEADLINE_S = 240.0
STOP_TIMEOUT_S = 60.0
ARTICLES = "SELECT count(*) FROM articles HAVING count(*) > 0"
RUNS = "SELECT run_id, flow, status, params, articles FROM runs WHERE status = 'completed' ORDER BY started_at"
API_LINE = re.compile(r"Prefect API on (http://127\.0\.0\.1:(\d+)/api)")

T = TypeVar("T")


@dataclass
class Serve:
    """A running `wirehouse serve` and where it writes."""

    process: subprocess.Popen
    log: Path
    home: Home
    feed: str
    articles: int  # what the feed lists
    deadline: float

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def wait_for(self, probe: Callable[[], T | None], what: str) -> T:
        """Poll probe until it returns something, failing early (with serve's output) if serve dies."""
        while time.monotonic() < self.deadline:
            found = probe()
            if found is not None:
                return found
            if self.process.poll() is not None:
                pytest.fail(f"serve exited with {self.process.returncode} waiting for {what}:\n{self.output()}")
            time.sleep(1)
        pytest.fail(f"no {what} within {DEADLINE_S:.0f} s:\n{self.output()}")


def write_config(path: Path, home: Path, feed: str) -> None:
    path.write_text(
        "[wirehouse]\n"
        f"home = {json.dumps(str(home))}\n"
        "allow_private = true\n\n"
        "[fetch]\n" + "".join(f"{key} = {value}\n" for key, value in FETCH.items()) + "\n[[sources]]\n"
        'name = "demo"\n'
        f"feeds = [{json.dumps(feed)}]\n"
        f'schedule = {{ interval = "{INTERVAL_S}s" }}\n'
    )


def clean_env(prefect_home: Path) -> dict[str, str]:
    """This session's Prefect settings (the test server's API URL above all) must not reach serve."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "WIREHOUSE_"))}
    env.update(PREFECT_HOME=str(prefect_home), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    return env


def children(pid: int) -> list[int]:
    """Direct child processes of pid (Linux /proc)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def descendants(pid: int) -> list[int]:
    """Children, grandchildren and so on (the Prefect server runs under a guard process)."""
    found = children(pid)
    for child in list(found):
        found += descendants(child)
    return found


def command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def alive(pid: int) -> bool:
    """Running, not a zombie waiting for its parent."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def port_answers(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def query(home: Home, sql: str) -> list[tuple] | None:
    """Rows of a read-only query beside serve's writer; None while there is no warehouse or nothing matches."""
    try:
        con = connect(home, read_only=True)
    except (WarehouseMissing, duckdb.Error):
        return None
    try:
        return con.execute(sql).fetchall() or None
    except duckdb.Error:  # the first run is still creating the tables
        return None
    finally:
        con.close()


def stop_for_good(process: subprocess.Popen) -> None:
    """Cleanup after a failure: serve and everything it started (the server runs in a process group of its own)."""
    if process.poll() is not None:
        return
    for pid in children(process.pid):
        with suppress(ProcessLookupError):
            if os.getpgid(pid) == pid:
                os.killpg(pid, signal.SIGKILL)
            else:
                os.kill(pid, signal.SIGKILL)
    process.kill()
    process.wait()


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Serve]:
    with DemoSite() as site:
        feed = site.base_url + OUTLETS[OUTLET].feed_path
        home = tmp_path / "home"
        config = tmp_path / "wirehouse.toml"
        write_config(config, home, feed)
        log = tmp_path / "serve.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "shell.cli", "serve", "--config", str(config)],
                cwd=tmp_path,
                env={**clean_env(tmp_path / "prefect"), "PYTHONPATH": str(REPO)},
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            listed = len([a for a in site.articles() if a.outlet == OUTLET])
            yield Serve(process, log, Home.resolve(home), feed, listed, time.monotonic() + DEADLINE_S)
        finally:
            stop_for_good(process)


def api_address(output: str) -> tuple[str, int] | None:
    """The API URL and port serve prints once its Prefect server answers."""
    match = API_LINE.search(output)
    return (match.group(1), int(match.group(2))) if match else None


def prefect_get(api_url: str, path: str) -> dict:
    response = httpx.get(f"{api_url}{path}", timeout=10, trust_env=False)
    response.raise_for_status()
    return response.json()


def test_serve_runs_the_schedule_and_stops_cleanly(serve: Serve):
    api_url, port = serve.wait_for(lambda: api_address(serve.output()), "the Prefect API line")
    expected = serve.articles

    # a scheduled run loaded every article of the configured feed
    loaded = serve.wait_for(lambda: query(serve.home, ARTICLES), "articles in the warehouse")
    assert loaded == [(expected,)]
    runs = serve.wait_for(lambda: query(serve.home, RUNS), "a completed run")
    run_id, flow, status, params, articles = runs[0]
    assert (flow, status, articles) == ("ingest", "completed", expected)
    assert json.loads(params) == {"feeds": [serve.feed]}

    # ... as a run of the source's deployment, made by the schedule, with the parameters of the configuration
    flow_run = prefect_get(api_url, f"/flow_runs/{run_id}")
    assert flow_run["auto_scheduled"] is True
    assert flow_run["parameters"] == {
        "feeds": [serve.feed],
        "sitemaps": [],
        "url_files": [],
        "html_dirs": [],
        "warcs": [],
        "home": str(serve.home.root),
        "allow_private": True,
        "fetch_options": FETCH,
    }
    deployment = prefect_get(api_url, f"/deployments/{flow_run['deployment_id']}")
    assert deployment["name"] == "demo"
    assert [s["schedule"]["interval"] for s in deployment["schedules"]] == [INTERVAL_S]

    # SIGTERM stops serve, its runs and the server it started
    started = descendants(serve.process.pid)
    servers = [command(pid) for pid in started if "prefect server start" in command(pid)]
    assert len(servers) == 1, [command(pid) for pid in started]
    # Prefect's temporary server (uvicorn) would mean serve talks to a second server on the same database
    direct = children(serve.process.pid)
    assert not [pid for pid in direct if "uvicorn" in command(pid)], [command(pid) for pid in direct]
    t0 = time.monotonic()
    serve.process.send_signal(signal.SIGTERM)
    try:
        returncode = serve.process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        pytest.fail(f"serve did not stop within {STOP_TIMEOUT_S:.0f} s of SIGTERM:\n{serve.output()}")
    print(f"serve stopped {time.monotonic() - t0:.1f} s after SIGTERM")
    assert returncode == 0, serve.output()
    assert not port_answers(port), f"the Prefect server still answers on port {port}"
    assert not [pid for pid in started if alive(pid)], "processes serve started outlived it"


#: How long the server may outlive a serve killed with SIGKILL (the guard polls twice a second, then stops it).
ORPHAN_TIMEOUT_S = 30.0


def test_a_killed_serve_takes_its_prefect_server_with_it(serve: Serve):
    _api_url, port = serve.wait_for(lambda: api_address(serve.output()), "the Prefect API line")
    started = descendants(serve.process.pid)
    assert [pid for pid in started if "prefect server start" in command(pid)], [command(p) for p in started]
    serve.process.kill()  # SIGKILL: serve itself can clean nothing up
    serve.process.wait()
    deadline = time.monotonic() + ORPHAN_TIMEOUT_S
    while time.monotonic() < deadline and (port_answers(port) or any(alive(pid) for pid in started)):
        time.sleep(0.5)
    assert not port_answers(port), f"the Prefect server still answers on port {port} after serve was killed"
    assert not [pid for pid in started if alive(pid)], [command(pid) for pid in started if alive(pid)]
