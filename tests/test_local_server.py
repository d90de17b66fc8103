"""One-off commands find the Prefect server `wirehouse serve` records in the home, and only a live one."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from flows.local_server import forget_server, record_server, running_server, server_file, use_running_server
from warehouse.paths import Home


class _Health(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        self.send_response(200 if self.path == "/api/health" else 404)
        self.end_headers()
        self.wfile.write(b"true")

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def api_url() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api"
    server.shutdown()


def test_a_recorded_live_server_is_found_and_used(tmp_path: Path, api_url: str, monkeypatch) -> None:
    home = Home.resolve(tmp_path)
    record_server(home, api_url)
    assert running_server(home) == api_url
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    assert use_running_server(str(tmp_path)) == api_url
    assert os.environ["PREFECT_API_URL"] == api_url
    forget_server(home)
    assert not server_file(home).exists()


def test_a_configured_api_url_wins(tmp_path: Path, api_url: str, monkeypatch) -> None:
    record_server(Home.resolve(tmp_path), api_url)
    monkeypatch.setenv("PREFECT_API_URL", "http://prefect.internal/api")
    assert use_running_server(str(tmp_path)) is None


def test_a_stale_record_is_ignored(tmp_path: Path, api_url: str) -> None:
    home = Home.resolve(tmp_path)
    # a process id that cannot be alive (above the kernel's pid_max)
    server_file(home).write_text(json.dumps({"api_url": api_url, "pid": 2**22 + 1}))
    assert running_server(home) is None
    record_server(home, "http://127.0.0.1:9/api")  # nothing listens on the discard port
    assert running_server(home, timeout_s=0.5) is None
    server_file(home).write_text("not json")
    assert running_server(home) is None


def test_forget_leaves_another_process_record(tmp_path: Path, api_url: str) -> None:
    home = Home.resolve(tmp_path)
    server_file(home).write_text(json.dumps({"api_url": api_url, "pid": 1}))
    forget_server(home)
    assert server_file(home).exists()


def test_transform_versions_read_without_importing_spacy() -> None:
    """The versions stamped on every run come from the modules' source, equal to the imported constants."""
    import subprocess
    import sys

    code = (
        "import sys; from flows.versions import claims_version, entities_version; "
        "print(entities_version(), claims_version(), 'spacy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    from transforms.claims import TRANSFORM_VERSION as claims
    from transforms.entities import TRANSFORM_VERSION as entities

    assert out == [entities, claims, "False"]
