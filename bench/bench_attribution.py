"""Claims on real news annotated by others: PolNeAR dev through the real CLI, scored by the shared scorer.

Builds the split's WARC with ../shared/tools/attribution/polnear_warc.py, runs `wirehouse ingest --warc` into a
fresh home, then prints the table of ../shared/tools/attribution/score_attribution.py (content, source, cue and
attribution F1), the same metric as the acceptance sets kept apart. Tune on train, report dev. Run by hand:

    uv run python bench/bench_attribution.py [--split dev] [--keep DIR]

Nothing of PolNeAR is written inside the repository: the WARC and the warehouse live in a temporary directory
(or --keep DIR). Exits 0 with a note when ../shared is absent.
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT.parent / "shared" / "tools" / "attribution"


def run(cmd: list[str]) -> str:
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{shlex.join(cmd)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", choices=["dev", "train"])
    parser.add_argument("--keep", type=Path, help="work in this directory and keep it (default: a temporary one)")
    args = parser.parse_args()
    if not (TOOLS / "score_attribution.py").exists():
        print(f"skipped: {TOOLS} not found (the PolNeAR tools sit beside the checkout in ../shared)")
        return
    work = args.keep or Path(tempfile.mkdtemp(prefix="wirehouse-polnear-"))
    work.mkdir(parents=True, exist_ok=True)
    warc, home = work / f"{args.split}.warc.gz", work / "home"
    python = sys.executable
    run([python, str(TOOLS / "polnear_warc.py"), str(warc), "--split", args.split])
    started = time.perf_counter()
    run([python, "-m", "shell.cli", "ingest", "--warc", str(warc), "--home", str(home)])
    ingest_s = time.perf_counter() - started
    sql = shlex.join([python, "-m", "shell.cli", "sql", "--home", str(home), "--format", "json"])
    table = run([python, str(TOOLS / "score_attribution.py"), sql, "--split", args.split, "--map", f"{warc}.map.json"])
    print(f"PolNeAR {args.split}: ingest {ingest_s:.1f} s through the CLI ({home})")
    print(table.rstrip())


if __name__ == "__main__":
    main()
