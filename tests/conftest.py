"""Shared fixtures: a throwaway Prefect home and server, warehouse homes in temp dirs, the shared corpus."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

# Prefect reads its settings at import: point it at a throwaway home before anything imports it.
_PREFECT_HOME = tempfile.mkdtemp(prefix="wirehouse-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
os.environ.pop("PREFECT_API_URL", None)
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")


@pytest.fixture(scope="session")
def prefect_server():
    """A real, temporary Prefect server and database for the flow tests of this session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def home(tmp_path: Path):
    from warehouse.paths import Home

    return Home.resolve(tmp_path / "home")


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    path = SHARED / "corpus"
    if not path.is_dir():
        pytest.skip(f"shared corpus not found at {path}")
    return path


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test that starts the Prefect server must be marked slow, so that `-m "not slow"` stays a quick loop."""
    unmarked = [
        item.nodeid
        for item in items
        if "prefect_server" in getattr(item, "fixturenames", ()) and item.get_closest_marker("slow") is None
    ]
    if unmarked:
        raise pytest.UsageError("these tests start Prefect; mark them @pytest.mark.slow: " + ", ".join(unmarked))
