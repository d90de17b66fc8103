"""Wall time of short commands against the start-up targets: `wirehouse sql "select 1"`, `wirehouse status`
(1 s each) and an ingest with nothing to fetch (5 s): median wall and CPU time of a few runs. Numbers, not
assertions.

Each command runs as its own process, as a user would start it: through the environment's `wirehouse` script
and, with --uv, through `uv run --locked wirehouse` as well (uv checks the environment first). No Prefect server
runs (PREFECT_API_URL unset, a throwaway PREFECT_HOME), so an ingest that has work would start a temporary one.
--src runs another checkout's code with this interpreter (before/after on the same machine and environment):

    uv run python bench/bench_startup.py [--runs 5] [--uv] [--src /path/to/older/checkout]
"""

from __future__ import annotations

import argparse
import gzip
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: target wall seconds, by the first word of the command label
TARGETS_S = {"sql": 1.0, "status": 1.0, "ingest": 5.0}


def commands(work: Path) -> dict[str, list[str]]:
    """The commands timed, with their inputs written into work."""
    warc = work / "empty.warc.gz"
    with gzip.open(warc, "wb"):
        pass
    urls = work / "empty-urls.txt"
    urls.write_text("# no URLs yet\n", encoding="utf-8")
    home = ["--home", str(work / "home")]
    return {
        'sql "select 1"': ["sql", "select 1", *home],
        "status": ["status", *home],
        "ingest --warc empty.warc.gz": ["--quiet", "ingest", "--warc", str(warc), "--json", *home],
        "ingest --urls (empty list)": ["--quiet", "ingest", "--urls", str(urls), "--json", *home],
    }


def launcher(kind: str, src: Path | None) -> list[str]:
    """How the CLI is started: the environment's script, uv run, or this interpreter on another checkout."""
    if src is not None:
        return [
            sys.executable,
            "-c",
            f"import sys; sys.path.insert(0, {str(src)!r}); from shell.cli import main; main()",
        ]
    if kind == "uv":
        return ["uv", "run", "--locked", "--project", str(REPO), "wirehouse"]
    return [str(Path(sys.executable).parent / "wirehouse")]


def environment(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = str(work / "prefect-home")
    return env


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, the command and its children) of one run.

    CPU time says what the command costs when the machine is shared: wall time grows with the load average.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def target_of(label: str) -> float:
    return next(seconds for prefix, seconds in TARGETS_S.items() if label.startswith(prefix))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per command (the median is shown)")
    parser.add_argument("--uv", action="store_true", help="time `uv run --locked wirehouse` too")
    parser.add_argument("--src", type=Path, default=None, help="run this checkout's code instead")
    args = parser.parse_args()
    kinds = ["script", "uv"] if args.uv and args.src is None else ["script"]
    with tempfile.TemporaryDirectory(prefix="wirehouse-startup-") as tmp:
        work = Path(tmp)
        env = environment(work)
        todo = commands(work)
        # the first ingest creates the warehouse (and, before the empty-run path, a Prefect database): not timed
        timed(launcher("script", args.src) + todo["ingest --warc empty.warc.gz"], env)
        print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; median of {args.runs} runs")
        print(f"{'command':30} {'launcher':8} {'wall s':>7} {'min s':>6} {'CPU s':>6} {'target s':>8} {'ratio':>6}")
        for label, cli_args in todo.items():
            for kind in kinds:
                runs = [timed(launcher(kind, args.src) + cli_args, env) for _ in range(args.runs)]
                wall, cpu = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
                target = target_of(label)
                print(
                    f"{label:30} {kind:8} {wall:7.2f} {min(r[0] for r in runs):6.2f} {cpu:6.2f} "
                    f"{target:8.1f} {wall / target:6.2f}"
                )
        print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
