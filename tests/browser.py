"""Headless Chromium for the report tests: find it, install Debian's package when missing, load and screenshot pages.

The report promises a page that renders with no network; only a real browser can check that, so the tests drive
Chromium in a locked-down headless mode (fresh profile, no background traffic) against a file:// URL.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

CANDIDATES = (
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
)
#: apt/dpkg output that means "no package access" (offline mirror, no such package), not a broken install.
NO_ACCESS_MARKERS = (
    "unable to locate package",
    "has no installation candidate",
    "temporary failure resolving",
    "could not resolve",
    "failed to fetch",
    "unable to fetch",
    "network is unreachable",
    "connection failed",
    "no route to host",
)
APT_TIMEOUT_S = 900
RUN_TIMEOUT_S = 120


class BrowserUnavailable(RuntimeError):
    """Chromium is missing and cannot be installed here because there is no package access."""


def find_chromium() -> str | None:
    """The first Chromium-family binary on this machine, if any."""
    for path in CANDIDATES:
        if Path(path).is_file() and os.access(path, os.X_OK):
            return path
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(name):
            return found
    return None


def _apt(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    command = ["apt-get", "-o", "DPkg::Lock::Timeout=600", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=APT_TIMEOUT_S, check=False)


def _no_access(output: str) -> bool:
    lowered = output.lower()
    return any(marker in lowered for marker in NO_ACCESS_MARKERS)


def install_chromium() -> str:
    """apt-get install Debian's chromium; BrowserUnavailable when packages cannot be reached, else errors loudly."""
    if shutil.which("apt-get") is None:
        raise BrowserUnavailable("chromium is not installed and there is no apt-get to install it with")
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        raise BrowserUnavailable("chromium is not installed and installing it needs root (apt-get install chromium)")
    update = _apt("update")
    install = _apt("install", "-y", "--no-install-recommends", "chromium")
    output = f"{update.stdout}\n{update.stderr}\n{install.stdout}\n{install.stderr}"
    if install.returncode != 0:
        tail = "\n".join(output.strip().splitlines()[-8:])
        if _no_access(output):
            raise BrowserUnavailable(f"cannot install chromium, no package access:\n{tail}")
        raise RuntimeError(f"apt-get install chromium failed:\n{tail}")
    found = find_chromium()
    if found is None:
        raise RuntimeError("apt-get installed chromium but no chromium binary was found")
    return found


def ensure_chromium() -> str:
    """A Chromium binary path, installing the Debian package the first time."""
    return find_chromium() or install_chromium()


def headless_args(user_data_dir: Path) -> list[str]:
    """Flags for a quiet, offline-friendly headless run with a throwaway profile."""
    return [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={user_data_dir}",
    ]


def _run(browser: str, args: list[str]) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="wirehouse-chromium-") as profile:
        command = [browser, *headless_args(Path(profile)), *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=RUN_TIMEOUT_S, check=False)


def dump_dom(browser: str, page: Path) -> str:
    """The DOM Chromium built from the page (after parsing and layout), as serialised HTML."""
    result = _run(browser, ["--dump-dom", page.resolve().as_uri()])
    if result.returncode != 0 or not result.stdout.strip():
        raise RuntimeError(f"chromium --dump-dom failed ({result.returncode}): {result.stderr[-2000:]}")
    return result.stdout


def screenshot(browser: str, page: Path, png: Path, width: int = 1280, height: int = 2400) -> Path:
    """Render the page at the given window size and write a PNG."""
    png.parent.mkdir(parents=True, exist_ok=True)
    png.unlink(missing_ok=True)
    result = _run(
        browser, [f"--screenshot={png.resolve()}", f"--window-size={width},{height}", page.resolve().as_uri()]
    )
    if result.returncode != 0 or not png.exists():
        raise RuntimeError(f"chromium --screenshot failed ({result.returncode}): {result.stderr[-2000:]}")
    return png
