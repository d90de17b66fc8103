"""wirehouse serve: the configured sources as Prefect deployments with schedules, served from this process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from flows.config import Config, SourceConfig

SERVER_START_TIMEOUT_S = 120.0


def deployment_parameters(source: SourceConfig, config: Config) -> dict:
    return {
        **source.ingest_parameters(),
        "home": config.home,
        "allow_private": config.allow_private,
        "fetch_options": config.fetch or None,
    }


def build_deployments(config: Config) -> list:
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
    """A `prefect server start` on 127.0.0.1 for as long as the block runs.

    The temporary server Prefect starts by itself does not fire schedules, so serve needs a real one.
    """
    if os.environ.get("PREFECT_API_URL"):
        yield os.environ["PREFECT_API_URL"]
        return
    port = port or _free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    process = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PREFECT_UI_ENABLED": "true"},
    )
    try:
        _wait_healthy(api_url, process)
        os.environ["PREFECT_API_URL"] = api_url
        yield api_url
    finally:
        os.environ.pop("PREFECT_API_URL", None)
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


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


def serve(config: Config, limit: int | None = None) -> None:
    """Serve the deployments until interrupted; runs are not paused on shutdown so a restart resumes them."""
    from prefect import serve as prefect_serve

    with local_prefect_server() as api_url:
        print(f"Prefect API on {api_url} (UI at {api_url.removesuffix('/api')})", flush=True)
        prefect_serve(*build_deployments(config), pause_on_shutdown=False, limit=limit)
