"""Every benchmark figure in one table (run by hand, never in CI).

    uv run python bench/run_all.py                      # the full set (hours on 2 busy cores; see --quick)
    uv run python bench/run_all.py --quick              # smaller inputs, same figures (~15 minutes)
    uv run python bench/run_all.py --only pipeline,extraction --pages 1500 --rss-sizes 1000,20000

Each benchmark runs in its own process, one after the other (never side by side: they would share the cores),
and writes JSON that this script turns into the table. Ratios are computed inside one process on the same pages.
Other engineers' benchmarks (bench_entities.py, bench_claims.py, bench_warehouse.py) are run too when present,
and their last lines are shown as their headline.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
TARGETS = {
    "w2_articles_per_s": (">=", 11.6),
    "w2_vs_baseline_w2": (">=", 0.75),
    "speedup_w2_over_w1": (">=", 1.8),
    "rerun_pct_w2": ("<=", 5.0),
    "rerun_pct_w1": ("<=", 5.0),
    "prefect_ms_per_article": ("<", 2.0),
    "growth_pct": ("<=", 10.0),
    "peak_rss_mb_large": ("<", 2048.0),
}
OTHERS = {
    "bench_entities.py": [],
    "bench_claims.py": [],
    "bench_warehouse.py": ["--articles", "20000"],
}


def _mark(key: str, value: float) -> str:
    if key not in TARGETS:
        return ""
    op, limit = TARGETS[key]
    ok = {">=": value >= limit, "<=": value <= limit, "<": value < limit}[op]
    return f"{'ok ' if ok else 'MISS'} (target {op} {limit:g})"


def _run(name: str, argv: list[str], timeout: float | None = None) -> tuple[int, str, float]:
    print(f"[{time.strftime('%H:%M:%S')}] running {name}: {' '.join(argv)}", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, *argv], capture_output=True, text=True, timeout=timeout, cwd=BENCH.parent
        )
    except subprocess.TimeoutExpired as exc:
        return -1, f"timed out after {timeout} s\n{exc.stdout or ''}", time.perf_counter() - t0
    if proc.returncode:
        sys.stderr.write(proc.stderr[-4000:])
    return proc.returncode, proc.stdout, time.perf_counter() - t0


def row(label: str, value: str, key: str | None = None, raw: float | None = None) -> str:
    mark = _mark(key, raw) if key and raw is not None else ""
    return f"  {label:<52} {value:>16}  {mark}"


def pipeline_section(tp: dict) -> list[str]:
    s = tp["summary"]
    r0 = tp["rounds"][0]
    out = [
        f"THROUGHPUT  {tp['pages']} pages ({tp['sources']['demo']} demo + {tp['sources']['corpus_en']} English "
        f"corpus pages, replicated with a marker), batch 100, {len(tp['rounds'])} round(s), medians"
    ]
    out.append(
        row("baseline: trafilatura.extract + spaCy parse, 1 proc", f"{s['baseline_w1_articles_per_s']:.2f} art/s")
    )
    out.append(row("baseline: the same in 2 spawned processes", f"{s['baseline_w2_articles_per_s']:.2f} art/s"))
    out.append(row("ingest_flow workers=1 (HTML dir -> warehouse)", f"{s['w1_articles_per_s']:.2f} art/s"))
    out.append(
        row("ingest_flow workers=2", f"{s['w2_articles_per_s']:.2f} art/s", "w2_articles_per_s", s["w2_articles_per_s"])
    )
    out.append(row("workers=1 / baseline 1 proc", f"{s['w1_vs_baseline_w1']:.2f}x"))
    out.append(
        row(
            "workers=2 / baseline 2 procs",
            f"{s['w2_vs_baseline_w2']:.2f}x",
            "w2_vs_baseline_w2",
            s["w2_vs_baseline_w2"],
        )
    )
    out.append(
        row(
            "BOTH CORES: speedup workers=2 over workers=1",
            f"{s['speedup_w2_over_w1']:.2f}x",
            "speedup_w2_over_w1",
            s["speedup_w2_over_w1"],
        )
    )
    out.append(row("  (baseline's own 2-process speedup)", f"{s['baseline_speedup']:.2f}x"))
    out.append(
        row(
            "RE-RUN unchanged, workers=2, % of first run",
            f"{s['rerun_pct_w2']:.1f} %",
            "rerun_pct_w2",
            s["rerun_pct_w2"],
        )
    )
    out.append(
        row(
            "RE-RUN unchanged, workers=1, % of first run",
            f"{s['rerun_pct_w1']:.1f} %",
            "rerun_pct_w1",
            s["rerun_pct_w1"],
        )
    )
    out.append(
        row(
            "PREFECT overhead per article (workers=1)",
            f"{s['prefect_ms_per_article']:.2f} ms",
            "prefect_ms_per_article",
            s["prefect_ms_per_article"],
        )
    )
    out.append(row("  per page of an unchanged re-run", f"{s['prefect_rerun_ms_per_page']:.2f} ms"))
    out.append(row("same row counts workers=1 vs workers=2", "yes" if s["same_rows_w1_w2"] == 1 else "NO"))
    out.append("  stage seconds (round 1; extract/transform are summed over workers):")
    for key in (
        "baseline_w1",
        "baseline_w2",
        "w1",
        "w2",
        "rerun_w1",
        "rerun_w2",
    ):
        if key not in r0:
            continue
        run = r0[key]
        stages = ", ".join(f"{k} {v:.1f}" for k, v in run["stage_seconds"].items() if v == v)
        words = run.get("words") or 0
        out.append(
            f"    {key:<12} {run['articles']:5d} articles ({words / max(1, run['articles']):.0f} words) "
            f"{run['wall_s']:7.1f} s wall: {stages}"
        )
    prefect = r0["w1"]["prefect"]
    out.append(
        f"    Prefect (w1): flow {prefect['flow_s']:.2f} s + {prefect['task_calls']} task calls "
        f"{prefect['tasks_s']:.2f} s " + json.dumps({k: round(v, 3) for k, v in prefect["per_task_s"].items()})
    )
    prof = tp.get("profile")
    if prof:
        n = max(1, prof["articles"])
        out.append(
            f"  PROFILE of one batch in-process ({prof['articles']} articles, {prof['wall_s']:.1f} s, "
            f"{1000 * prof['wall_s'] / n:.0f} ms/article):"
        )
        out.append(
            "    stages: " + ", ".join(f"{k} {1000 * v / n:.0f} ms/art" for k, v in prof["stage_seconds"].items())
        )
        out.append(
            "    self time: "
            + ", ".join(f"{k} {1000 * v / n:.0f}" for k, v in prof["self_time_by_group_s"].items())
            + " (ms/article)"
        )
        out.append(
            "    spaCy components: "
            + ", ".join(f"{k} {1000 * v / n:.0f}" for k, v in prof["spacy_components_s"].items())
            + " (ms/article)"
        )
    return out


def rss_section(rss: dict) -> list[str]:
    s = rss["summary"]
    out = [
        f"MEMORY  peak RSS of main + worker processes (workers=2), "
        f"{s['articles_small']} vs {s['articles_large']} articles"
    ]
    for run in rss["runs"]:
        out.append(
            row(
                f"{run['articles']} articles ({run['processes']} processes, main {run['peak_main_rss_mb']:.0f} MB)",
                f"{run['peak_rss_mb']:.0f} MB",
            )
        )
    out.append(row("growth, large vs small", f"{s['growth_pct']:+.1f} %", "growth_pct", s["growth_pct"]))
    out.append(row("peak, large", f"{s['peak_rss_mb_large']:.0f} MB", "peak_rss_mb_large", s["peak_rss_mb_large"]))
    return out


def extraction_section(rows: list[dict]) -> list[str]:
    ref = next((r for r in rows if r["setting"] == "default"), rows[0])
    out = [f"EXTRACTION  ../shared/corpus/extraction, {ref['pages']} pages, micro P/R/F1 (README convention)"]
    out.append(
        f"  {'setting':<15} {'P':>6} {'R':>6} {'F1':>6} {'F1 en':>6} {'empty':>5} {'ms/page':>8} {'time':>6}  what"
    )
    for r in rows:
        out.append(
            f"  {r['setting']:<15} {r['precision']:6.3f} {r['recall']:6.3f} {r['f1']:6.3f} {r['en_f1']:6.3f} "
            f"{r['empty']:5d} {r['ms_per_page']:8.1f} {r['seconds'] / ref['seconds']:5.2f}x  {r['description']}"
        )
    return out


def render(out_dir: Path) -> list[str]:
    """The table from whatever JSON the benchmarks left in out_dir."""
    lines: list[str] = []
    sections = (("pipeline.json", pipeline_section), ("rss.json", rss_section), ("extraction.json", extraction_section))
    for name, section in sections:
        path = out_dir / name
        if path.exists():
            lines += ([""] if lines else []) + section(json.loads(path.read_text()))
    others = out_dir / "others.txt"
    if others.exists():
        lines += [""] + others.read_text().splitlines()
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--quick", action="store_true", help="smaller inputs: 400 pages, RSS 400 vs 2000, 300 corpus pages"
    )
    parser.add_argument("--pages", type=int, default=None, help="pages for the throughput runs (default 1000)")
    parser.add_argument("--repeat", type=int, default=1, help="throughput rounds (medians reported)")
    parser.add_argument("--rss-sizes", default=None, help="page counts for the memory runs (default 1000,5000)")
    parser.add_argument("--extraction-limit", type=int, default=None)
    parser.add_argument("--only", default="pipeline,rss,extraction,others", help="which benchmarks to run")
    parser.add_argument("--out", type=Path, default=None, help="directory for the JSON of each benchmark")
    parser.add_argument(
        "--render", type=Path, default=None, help="only print the table from the JSON in this directory"
    )
    args = parser.parse_args(argv)
    if args.render:
        print("\n".join(render(args.render)))
        return 0
    only = set(args.only.split(","))
    pages = args.pages or (400 if args.quick else 1000)
    rss_sizes = args.rss_sizes or ("400,2000" if args.quick else "1000,5000")
    limit = args.extraction_limit or (300 if args.quick else None)
    out_dir = args.out or Path(tempfile.mkdtemp(prefix="wirehouse-run-all-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    pipeline = [str(BENCH / "bench_pipeline.py")]
    if "pipeline" in only:
        argv_p = [*pipeline, "throughput", "--pages", str(pages), "--repeat", str(args.repeat)]
        code, stdout, _ = _run("pipeline", [*argv_p, "--json", str(out_dir / "pipeline.json")])
        (out_dir / "pipeline.txt").write_text(stdout)
    if "rss" in only:
        _run("rss", [*pipeline, "rss", "--sizes", rss_sizes, "--json", str(out_dir / "rss.json")])
    if "extraction" in only:
        argv_x = [str(BENCH / "bench_extraction.py"), "--json", str(out_dir / "extraction.json")]
        _run("extraction", argv_x + (["--limit", str(limit)] if limit else []))
    if "others" in only:
        lines = []
        for script, extra in OTHERS.items():
            if not (BENCH / script).exists():
                continue
            code, stdout, seconds = _run(script, [str(BENCH / script), *extra], timeout=3600)
            tail = [ln for ln in stdout.strip().splitlines() if ln.strip()][-8:]
            lines += ["", f"{script} {' '.join(extra)} (exit {code}, {seconds:.0f} s), last lines:"]
            lines += [f"  {ln}" for ln in tail]
        (out_dir / "others.txt").write_text("\n".join(lines[1:]))
    print("\n".join(render(out_dir)))
    print(f"\n(JSON per benchmark in {out_dir}; print again with --render {out_dir})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
