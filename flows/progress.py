"""Progress of long CLI work: a rich bar on a terminal, plain lines otherwise, nothing with --quiet.

Flows report through the module-level reporter; the CLI installs one before it starts a flow, so flows run
from Prefect deployments stay silent.
"""

from __future__ import annotations

import sys
import time
from typing import Protocol


class Reporter(Protocol):
    def start(self, label: str, total: int | None) -> None: ...
    def advance(self, done: int, note: str = "") -> None: ...
    def stop(self) -> None: ...


class Silent:
    def start(self, label: str, total: int | None) -> None:
        pass

    def advance(self, done: int, note: str = "") -> None:
        pass

    def stop(self) -> None:
        pass


class PlainLines:
    """One line per batch, for logs and pipes."""

    def __init__(self, stream=sys.stderr) -> None:
        self.stream, self.label, self.total, self.done, self.started = stream, "", None, 0, time.monotonic()

    def start(self, label: str, total: int | None) -> None:
        self.label, self.total, self.done, self.started = label, total, 0, time.monotonic()

    def advance(self, done: int, note: str = "") -> None:
        self.done += done
        rate = self.done / max(time.monotonic() - self.started, 1e-6)
        of = f"/{self.total}" if self.total else ""
        print(f"{self.label}: {self.done}{of} ({rate:.1f}/s){' ' + note if note else ''}", file=self.stream, flush=True)

    def stop(self) -> None:
        pass


class RichBar:
    """A progress bar with rate and ETA."""

    def __init__(self) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]:.1f}/s"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[note]}"),
            transient=False,
        )
        self.task = None
        self.started = time.monotonic()

    def start(self, label: str, total: int | None) -> None:
        if self.task is None:
            self.progress.start()
            self.task = self.progress.add_task(label, total=total, rate=0.0, note="")
        else:
            self.progress.update(self.task, description=label, total=total)
        self.started = time.monotonic()

    def advance(self, done: int, note: str = "") -> None:
        if self.task is None:
            self.start("working", None)
        finished = self.progress.tasks[0].completed + done
        rate = finished / max(time.monotonic() - self.started, 1e-6)
        self.progress.update(self.task, advance=done, rate=rate, note=note)

    def stop(self) -> None:
        if self.task is not None:
            self.progress.stop()


reporter: Reporter = Silent()


def install(quiet: bool) -> Reporter:
    """Pick the reporter for this process: silent, a bar on a terminal, or plain lines."""
    global reporter
    if quiet:
        reporter = Silent()
    elif sys.stderr.isatty():
        reporter = RichBar()
    else:
        reporter = PlainLines()
    return reporter
