"""wirehouse serve: the configured sources as Prefect deployments with schedules, served from this process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import httpx

from flows.settings import Settings, SourceConfig

SERVER_START_TIMEOUT_S = 120.0
SERVER_STOP_TIMEOUT_S = 20.0
#: Flow runs at a time (see serve).
DEFAULT_RUN_LIMIT = 1


def deployment_parameters(source: SourceConfig, settings: Settings) -> dict:
    """The flow parameters of a source's deployment; lake locations stay out (they may hold passwords)."""
    return {
        **source.ingest_parameters(),
        "home": settings.home,
        "allow_private": settings.allow_private,
        "fetch_options": settings.fetch_options(),
    }


def build_deployments(config: Settings) -> list:
    """One deployment of the ingest flow per scheduled source (named ingest/<source>)."""
    from flows.backfill import backfill_flow
    from flows.ingest import ingest_flow

    deployments = []
    for source in config.sources:
        if not (source.cron or source.interval):
            continue
        deployments.append(
            ingest_flow.to_deployment(
                name=source.name,
                cron=source.cron,
                interval=source.interval,
                parameters=deployment_parameters(source, config),
                tags=["wirehouse", "scheduled"],
                description=f"Scheduled ingest of source {source.name}",
            )
        )
    deployments.append(
        backfill_flow.to_deployment(name="manual", parameters={"home": config.home}, tags=["wirehouse", "backfill"])
    )
    return deployments


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def local_prefect_server(port: int | None = None) -> Iterator[str]:
    """A `prefect server start` on 127.0.0.1 for as long as the block runs, unless an API URL is configured.

    The temporary server Prefect starts by itself does not fire schedules, so serve needs a real one. It runs
    in its own process group: a Ctrl-C on the terminal reaches this process only, which stops the runs
    first and the server (with anything it spawned) last.
    """
    from prefect.settings import PREFECT_API_URL, temporary_settings

    configured = PREFECT_API_URL.value()
    if configured:
        yield configured
        return
    port = port or _free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    process = subprocess.Popen(
        # through a guard that ends the server when this process ends, even by SIGKILL
        [sys.executable, "-m", "flows.server_guard", "--parent", str(os.getpid()), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PREFECT_UI_ENABLED": "true"},
        start_new_session=True,
    )
    try:
        _wait_healthy(api_url, process)
        # Prefect reads its settings once, at import: the environment alone would not reach this process.
        with temporary_settings(updates={PREFECT_API_URL: api_url}):
            yield api_url
    finally:
        _stop_process_group(process)


def _stop_process_group(process: subprocess.Popen, timeout_s: float = SERVER_STOP_TIMEOUT_S) -> None:
    """SIGTERM the server's process group, give it timeout_s to finish, then SIGKILL whatever is left."""
    _signal_group(process.pid, signal.SIGTERM)
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=timeout_s)
    _signal_group(process.pid, signal.SIGKILL)  # a hung server, or a child it started and left behind
    process.wait()


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with suppress(ProcessLookupError):
        os.killpg(pgid, sig)


def _wait_healthy(api_url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"prefect server exited with code {process.returncode}; run 'prefect server start' by hand to see why"
            )
        try:
            if httpx.get(f"{api_url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"prefect server did not answer on {api_url} within {SERVER_START_TIMEOUT_S:.0f} s")


def _exit_on_sigterm(signum: int, _frame: object) -> None:
    """Until Prefect's runner installs its own handler, SIGTERM unwinds like Ctrl-C, so the server is stopped."""
    raise SystemExit(128 + signum)


def serve(config: Settings, limit: int | None = DEFAULT_RUN_LIMIT) -> None:
    """Serve the deployments until interrupted; runs are not paused on shutdown so a restart resumes them.

    limit caps the flow runs at a time: with one writer per warehouse, runs side by side only wait for
    each other, and two runs of one source would fetch the same new pages twice.
    """
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    with local_prefect_server() as api_url:
        from prefect import serve as prefect_serve

        from flows.local_server import forget_server, record_server

        print(f"Prefect API on {api_url} (UI at {api_url.removesuffix('/api')})", flush=True)
        home = config.lake_home()
        # one-off commands for this home (wirehouse ingest ...) find the server here instead of starting their own
        record_server(home, api_url)
        try:
            prefect_serve(*build_deployments(config), pause_on_shutdown=False, limit=limit)
        finally:
            forget_server(home)
