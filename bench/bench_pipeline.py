"""End-to-end ingest benchmark (run by hand, never in CI): throughput, cores, memory, re-runs, Prefect overhead.

Input: the demo site's 20 articles and the English pages of ../shared/corpus/extraction, replicated to N pages
with a marker sentence per copy (bench/corpus.py), read from an HTML directory by the real ingest_flow under a
real temporary Prefect server, into a fresh warehouse home per run.

    uv run python bench/bench_pipeline.py throughput --pages 1000        # baseline vs workers=1 and 2, re-runs,
                                                                        # Prefect overhead, a cProfile of one batch
    uv run python bench/bench_pipeline.py rss --sizes 1000,20000         # peak RSS (main + workers), workers=2

Every figure compared with another comes from the same process and the same pages; the machine may be shared,
so --repeat runs the throughput sequence again and the ratios are reported per round and as medians.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from functools import wraps
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# Prefect reads its settings at import: a throwaway home and quiet logs before anything imports it.
if __name__ == "__main__":
    os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="wirehouse-bench-prefect-")
    os.environ.pop("PREFECT_API_URL", None)
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "ERROR")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_LOGGING_LOG_PRINTS", "false")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from bench.corpus import describe, english_pages, replicate  # noqa: E402

BATCH_SIZE = 100
COUNTED = ("article_versions", "mentions", "entities", "claim_rows", "quarantine")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------------ inputs


def build_input(root: Path, n: int, start: int = 0) -> Path:
    """n replicated English pages in root/pages-<n>-<start>; built once per process."""
    directory = root / f"pages-{n}-{start}"
    if not directory.exists():
        sources = _sources()
        t0 = time.perf_counter()
        replicate(sources, n, directory, start=start)
        log(f"wrote {n} pages from {describe(sources)} to {directory} in {time.perf_counter() - t0:.1f} s")
    return directory


_SOURCES: list = []


def _sources():
    if not _SOURCES:
        _SOURCES.extend(english_pages())
    return _SOURCES


def html_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.name.endswith(".html"))


# ------------------------------------------------------------------------------------------------ baseline


_BASE_NLP = None


def _baseline_init(model: str | None) -> None:
    global _BASE_NLP
    import spacy

    from transforms.nlp import DEFAULT_PIPELINE

    _BASE_NLP = spacy.load(model or DEFAULT_PIPELINE)


def _baseline_chunk(paths: list[str]) -> tuple[int, float, float]:
    """trafilatura.extract + one spaCy parse per page, nothing else: (articles, extract s, parse s)."""
    import trafilatura

    t0 = time.perf_counter()
    texts: list[str] = []
    for path in paths:
        body = Path(path).read_bytes()
        text = trafilatura.extract(body, url=Path(path).as_uri(), include_comments=False)
        if text and len(text) >= 200:
            texts.append(text)
    t1 = time.perf_counter()
    for _doc in _BASE_NLP.pipe(texts, batch_size=16):
        pass
    return len(texts), t1 - t0, time.perf_counter() - t1, sum(len(t.split()) for t in texts)


def baseline(directory: Path, workers: int, model: str | None = None) -> dict:
    """The work floor: extract and parse the same pages, in this process or in `workers` spawned processes."""
    import multiprocessing

    paths = [str(p) for p in html_files(directory)]
    chunks = [paths[i : i + 25] for i in range(0, len(paths), 25)]
    t0 = time.perf_counter()
    articles, extract_s, parse_s, words = 0, 0.0, 0.0, 0
    if workers <= 1:
        _baseline_init(model)
        load_s = time.perf_counter() - t0
        t0 = time.perf_counter()  # this process keeps its model loaded between runs, as the ingest here does
        results = map(_baseline_chunk, chunks)
        for n, e, p, w in results:
            articles, extract_s, parse_s, words = articles + n, extract_s + e, parse_s + p, words + w
    else:
        load_s = float("nan")
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(workers, initializer=_baseline_init, initargs=(model,)) as pool:
            for n, e, p, w in pool.imap_unordered(_baseline_chunk, chunks):
                articles, extract_s, parse_s, words = articles + n, extract_s + e, parse_s + p, words + w
    wall = time.perf_counter() - t0
    return {
        "kind": f"baseline-w{workers}",
        "workers": workers,
        "articles": articles,
        "words": words,
        "wall_s": wall,
        "articles_per_s": articles / wall,
        "stage_seconds": {"model_load": load_s, "extract": extract_s, "parse": parse_s},
    }


# ------------------------------------------------------------------------------------------------ memory


class RssSampler:
    """Peak of (this process + its descendants) RSS, sampled every interval; ignores processes in `exclude`."""

    def __init__(self, interval: float = 0.1, exclude: set[int] | None = None, pid: int | None = None) -> None:
        import psutil

        self.psutil = psutil
        self.me = psutil.Process(pid)
        self.interval = interval
        self.exclude = set(exclude or ())
        self.peak = 0
        self.peak_main = 0
        #: peak of the descendants alone (the worker processes, with their models)
        self.peak_children = 0
        self.peak_processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="rss-sampler")

    def _sample(self) -> None:
        total, count = 0, 0
        try:
            main = self.me.memory_info().rss
        except self.psutil.Error:
            return
        children = 0
        for child in self.me.children(recursive=True):
            if child.pid in self.exclude:
                continue
            try:
                children += child.memory_info().rss
                count += 1
            except self.psutil.Error:
                continue
        total += main + children
        self.peak = max(self.peak, total)
        self.peak_main = max(self.peak_main, main)
        self.peak_children = max(self.peak_children, children)
        self.peak_processes = max(self.peak_processes, count + 1)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()


def server_pids() -> set[int]:
    """Descendants that exist before a run starts (the Prefect test server and its helpers)."""
    import psutil

    return {p.pid for p in psutil.Process().children(recursive=True)}


# ------------------------------------------------------------------------------------------------ Prefect accounting


class PrefectAccounting:
    """Time inside the flow and task functions vs around their Prefect calls (workers=1 only: sequential).

    overhead = (flow call - flow body) + sum over task calls of (task call - task body)
    """

    TASKS = ("process_task", "load_task", "cluster_task", "checks_task", "compact_task")

    def __init__(self) -> None:
        self.inner = Counter()
        self.outer = Counter()
        self.calls = Counter()
        self._patched: list[tuple[object, str, object]] = []

    def _timed_fn(self, key: str, fn):
        @wraps(fn)
        def inner(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.inner[key] += time.perf_counter() - t0

        return inner

    def _proxy(self, key: str, real):
        accounting = self

        class Future:
            def __init__(self, future, started):
                self._future, self._started = future, started

            def result(self, *args, **kwargs):
                try:
                    return self._future.result(*args, **kwargs)
                finally:
                    accounting.outer[key] += time.perf_counter() - self._started

        class Proxy:
            def __call__(self, *args, **kwargs):
                accounting.calls[key] += 1
                t0 = time.perf_counter()
                try:
                    return real(*args, **kwargs)
                finally:
                    accounting.outer[key] += time.perf_counter() - t0

            def submit(self, *args, **kwargs):
                accounting.calls[key] += 1
                return Future(real.submit(*args, **kwargs), time.perf_counter())

            def __getattr__(self, name):
                return getattr(real, name)

        return Proxy()

    @contextmanager
    def patched(self, flow_obj):
        from flows import tasks

        def setattr_saved(obj, name, value):
            self._patched.append((obj, name, getattr(obj, name)))
            setattr(obj, name, value)

        try:
            for name in self.TASKS:
                real = getattr(tasks, name)
                setattr_saved(real, "fn", self._timed_fn(name, real.fn))
                setattr_saved(tasks, name, self._proxy(name, real))
            setattr_saved(flow_obj, "fn", self._timed_fn("flow", flow_obj.fn))
            yield self
        finally:
            for obj, name, value in reversed(self._patched):
                setattr(obj, name, value)
            self._patched.clear()

    def overhead(self, flow_wall: float) -> dict:
        per_task = {k: self.outer[k] - self.inner[k] for k in self.TASKS if self.calls[k]}
        flow = flow_wall - self.inner["flow"]
        return {
            "flow_s": flow,
            "tasks_s": sum(per_task.values()),
            "task_calls": sum(self.calls.values()),
            "per_task_s": per_task,
            "total_s": flow + sum(per_task.values()),
        }


# ------------------------------------------------------------------------------------------------ ingest runs


def counts(home: Path) -> dict[str, int]:
    from warehouse.lake import connect
    from warehouse.paths import Home

    con = connect(Home.resolve(home), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED}
    finally:
        con.close()


def ingest(
    directory: Path,
    home: Path,
    workers: int,
    accounting: PrefectAccounting | None = None,
    rss: bool = False,
    batch_size: int = BATCH_SIZE,
) -> dict:
    from flows.ingest import ingest_flow

    exclude = server_pids()
    sampler = RssSampler(exclude=exclude) if rss else None
    t0 = time.perf_counter()
    with (
        accounting.patched(ingest_flow) if accounting else _nothing(),
        sampler or _nothing(),
    ):
        summary = ingest_flow(html_dirs=[str(directory)], home=str(home), workers=workers, batch_size=batch_size)
    wall = time.perf_counter() - t0
    result = {
        "kind": f"ingest-w{workers}",
        "workers": workers,
        "pages": len(html_files(directory)),
        "articles": summary["extracted"],
        "unchanged": summary["unchanged"],
        "quarantined": summary["quarantined"],
        "mentions": summary["mentions"],
        "claims": summary["claims"],
        "wall_s": wall,
        "summary_duration_s": summary["duration_s"],
        "articles_per_s": summary["extracted"] / wall if wall else 0.0,
        "stage_seconds": summary["stage_seconds"],
        "words": _words(home),
    }
    if sampler:
        result.update(
            peak_rss_mb=sampler.peak / 2**20,
            peak_main_rss_mb=sampler.peak_main / 2**20,
            processes=sampler.peak_processes,
        )
    if accounting:
        result["prefect"] = accounting.overhead(wall)
    return result


def _words(home: Path) -> int:
    from warehouse.lake import connect
    from warehouse.paths import Home

    con = connect(Home.resolve(home), read_only=True)
    try:
        return con.execute("SELECT coalesce(sum(word_count), 0) FROM article_versions").fetchone()[0]
    finally:
        con.close()


@contextmanager
def _nothing():
    yield None


# ------------------------------------------------------------------------------------------------ profile


PROFILE_GROUPS = (
    ("spacy/thinc", ("spacy", "thinc", "srsly", "cymem", "preshed")),
    ("trafilatura", ("trafilatura", "justext", "htmldate", "courlan", "lxml", "charset_normalizer")),
    ("py3langid", ("py3langid", "numpy")),
    ("entities", ("transforms/entities", "transforms/names", "transforms/gazetteers")),
    ("claims", ("transforms/claims", "transforms/quantities", "transforms/dates")),
    ("hash+gzip", ("gzip", "zlib", "hashlib", "_hashlib")),
    ("duckdb/arrow", ("duckdb", "pyarrow", "warehouse/")),
)


def _group(filename: str, funcname: str) -> str:
    for name, needles in PROFILE_GROUPS:
        if any(n in filename or n in funcname for n in needles):
            return name
    return "other"


def profile_batch(directory: Path, tmp: Path, n: int = BATCH_SIZE, model: str | None = None) -> dict:
    """cProfile extract + transform + load of one batch, in this process (model loaded beforehand)."""
    from acquisition.sources import iter_html_dir
    from flows.settings import NlpOptions
    from flows.stages import PARSES, process_pages, shared_nlp, to_arrow
    from warehouse.lake import open_writer
    from warehouse.load import load_batch
    from warehouse.paths import Home

    pages = [p for _, p in zip(range(n), iter_html_dir(str(directory)), strict=False)]
    nlp = shared_nlp(model)
    options = NlpOptions(model=model)
    process_pages(pages[:5], frozenset(), {}, options)  # warm the code paths, untimed
    PARSES.clear()  # the timed run parses every page, the warm-up's too
    home = Home.resolve(tmp / "profile-home")
    with open_writer(home) as con:
        profiler = cProfile.Profile()
        t0 = time.perf_counter()
        profiler.enable()
        rows = process_pages(pages, frozenset(), {}, options)
        timings = rows.pop("stage_seconds")[0]
        rows["watermarks"] = []
        rows.pop("unchanged", None)
        t_load = time.perf_counter()
        load_batch(con, to_arrow(rows), {"run_id": "profile", "code_version": "bench"})
        profiler.disable()
        timings["load"] = time.perf_counter() - t_load
        wall = time.perf_counter() - t0
    stats = pstats.Stats(profiler)
    groups = Counter()
    for (filename, _line, funcname), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        groups[_group(filename, funcname)] += tottime
    out = io.StringIO()
    stats.stream = out
    stats.sort_stats("cumulative").print_stats(30)
    top_cum = out.getvalue()
    out = io.StringIO()
    stats.stream = out
    stats.sort_stats("tottime").print_stats(20)
    top_tot = out.getvalue()
    components = spacy_components([a["text"] for a in rows["article_versions"]], nlp)
    return {
        "pages": len(pages),
        "articles": len(rows["article_versions"]),
        "wall_s": wall,
        "stage_seconds": timings,
        "self_time_by_group_s": dict(groups.most_common()),
        "spacy_components_s": components,
        "top_cumulative": top_cum,
        "top_self": top_tot,
    }


def spacy_components(texts: list[str], nlp) -> dict[str, float]:
    """Seconds per pipeline component over the texts (the tokenizer too), batch size 16 like the pipeline."""
    timings: dict[str, float] = defaultdict(float)
    t0 = time.perf_counter()
    docs = [nlp.make_doc(t) for t in texts]
    timings["tokenizer"] = time.perf_counter() - t0
    for name, proc in nlp.pipeline:
        t0 = time.perf_counter()
        docs = list(proc.pipe(docs, batch_size=16)) if hasattr(proc, "pipe") else [proc(d) for d in docs]
        timings[name] = time.perf_counter() - t0
    return dict(timings)


# ------------------------------------------------------------------------------------------------ modes


def throughput(args) -> dict:
    from prefect.testing.utilities import prefect_test_harness

    root = Path(tempfile.mkdtemp(prefix="wirehouse-bench-", dir=args.tmp))
    result: dict = {"pages": args.pages, "rounds": []}
    try:
        directory = build_input(root, args.pages)
        warm_dir = build_input(root, 40, start=10_000_000)
        result["sources"] = describe(_sources())
        with prefect_test_harness(server_startup_timeout=180):
            log("warm-up flow run (server, imports, model), not timed")
            ingest(warm_dir, root / "warm-home", workers=1)
            for r in range(args.repeat):
                rnd: dict = {}
                log(f"round {r + 1}: baseline, 2 processes")
                rnd["baseline_w2"] = baseline(directory, 2)
                log(f"round {r + 1}: ingest workers=2")
                rnd["w2"] = ingest(directory, root / f"home-w2-{r}", workers=2)
                log(f"round {r + 1}: re-run, workers=2")
                rnd["rerun_w2"] = ingest(directory, root / f"home-w2-{r}", workers=2)
                log(f"round {r + 1}: baseline, this process")
                rnd["baseline_w1"] = baseline(directory, 1)
                log(f"round {r + 1}: ingest workers=1 (with Prefect accounting)")
                rnd["w1"] = ingest(directory, root / f"home-w1-{r}", workers=1, accounting=PrefectAccounting())
                log(f"round {r + 1}: re-run, workers=1")
                rnd["rerun_w1"] = ingest(directory, root / f"home-w1-{r}", workers=1, accounting=PrefectAccounting())
                rnd["counts_w1"] = counts(root / f"home-w1-{r}")
                rnd["counts_w2"] = counts(root / f"home-w2-{r}")
                rnd["ratios"] = ratios(rnd)
                result["rounds"].append(rnd)
                log(f"round {r + 1}: {json.dumps(rnd['ratios'])}")
        if args.profile:
            log("cProfile of one batch")
            result["profile"] = profile_batch(directory, root)
        result["summary"] = {
            k: statistics.median(rnd["ratios"][k] for rnd in result["rounds"]) for k in result["rounds"][0]["ratios"]
        }
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return result


def ratios(rnd: dict) -> dict:
    w1, w2 = rnd["w1"], rnd["w2"]
    b1, b2 = rnd["baseline_w1"], rnd["baseline_w2"]
    prefect = w1["prefect"]
    out = {
        "w1_articles_per_s": w1["articles_per_s"],
        "w2_articles_per_s": w2["articles_per_s"],
        "baseline_w1_articles_per_s": b1["articles_per_s"],
        "baseline_w2_articles_per_s": b2["articles_per_s"],
        "w1_vs_baseline_w1": w1["articles_per_s"] / b1["articles_per_s"],
        "w2_vs_baseline_w2": w2["articles_per_s"] / b2["articles_per_s"],
        "speedup_w2_over_w1": w2["articles_per_s"] / w1["articles_per_s"],
        "baseline_speedup": b2["articles_per_s"] / b1["articles_per_s"],
        "rerun_pct_w1": 100 * rnd["rerun_w1"]["wall_s"] / w1["wall_s"],
        "rerun_pct_w2": 100 * rnd["rerun_w2"]["wall_s"] / w2["wall_s"],
        "prefect_ms_per_article": 1000 * prefect["total_s"] / max(1, w1["articles"]),
        "prefect_rerun_ms_per_page": 1000 * rnd["rerun_w1"]["prefect"]["total_s"] / max(1, rnd["rerun_w1"]["pages"]),
        "same_rows_w1_w2": float(rnd["counts_w1"] == rnd["counts_w2"]),
    }
    return out


def cli_ingest(directory: Path, home: Path, workers: int) -> dict:
    """`wirehouse ingest` in its own process, peak RSS of its process tree: what a user's run costs, without this
    benchmark's own memory (the corpus it keeps for building pages)."""
    import subprocess

    from prefect.settings import PREFECT_API_URL

    cli = Path(sys.executable).parent / "wirehouse"
    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()}
    argv = [str(cli), "--quiet", "ingest", "--home", str(home), "--html-dir", str(directory), "--workers", str(workers)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with RssSampler(pid=proc.pid) as sampler:
        out, err = proc.communicate()
    wall = time.perf_counter() - t0
    if proc.returncode:
        raise RuntimeError(f"wirehouse ingest failed ({proc.returncode}): {err[-2000:]}")
    articles = _count(home, "article_versions")
    return {
        "kind": f"cli-ingest-w{workers}",
        "workers": workers,
        "pages": len(html_files(directory)),
        "articles": articles,
        "wall_s": wall,
        "articles_per_s": articles / wall if wall else 0.0,
        "stage_seconds": {},
        "peak_rss_mb": sampler.peak / 2**20,
        "peak_main_rss_mb": sampler.peak_main / 2**20,
        "peak_workers_rss_mb": sampler.peak_children / 2**20,
        "processes": sampler.peak_processes,
    }


def _count(home: Path, table: str) -> int:
    from warehouse.lake import connect
    from warehouse.paths import Home

    con = connect(Home.resolve(home))
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


def rss(args) -> dict:
    from prefect.testing.utilities import prefect_test_harness

    sizes = [int(s) for s in args.sizes.split(",")]
    root = Path(tempfile.mkdtemp(prefix="wirehouse-bench-rss-", dir=args.tmp))
    result: dict = {"sizes": sizes, "runs": []}
    try:
        with prefect_test_harness(server_startup_timeout=180):
            for n in sizes:
                directory = build_input(root, n)
                log(f"rss: {n} pages, workers={args.workers}, wirehouse ingest in its own process")
                run = cli_ingest(directory, root / f"home-{n}", workers=args.workers)
                result["runs"].append(run)
                log(
                    f"rss: {n} pages: peak {run['peak_rss_mb']:.0f} MB ({run['processes']} processes, main "
                    f"{run['peak_main_rss_mb']:.0f} MB, workers together {run['peak_workers_rss_mb']:.0f} MB), "
                    f"{run['articles_per_s']:.1f} articles/s"
                )
                shutil.rmtree(directory, ignore_errors=True)
        first, last = result["runs"][0], result["runs"][-1]
        result["summary"] = {
            "peak_rss_mb_small": first["peak_rss_mb"],
            "peak_rss_mb_large": last["peak_rss_mb"],
            "growth_pct": 100 * (last["peak_rss_mb"] / first["peak_rss_mb"] - 1),
            "articles_small": first["articles"],
            "articles_large": last["articles"],
        }
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return result


def print_report(mode: str, result: dict) -> None:
    if mode == "throughput":
        for i, rnd in enumerate(result["rounds"]):
            print(f"round {i + 1}")
            for key in (
                "baseline_w1",
                "baseline_w2",
                "w1",
                "w2",
                "rerun_w1",
                "rerun_w2",
            ):
                if key not in rnd:
                    continue
                run = rnd[key]
                stages = ", ".join(f"{k} {v:.1f}" for k, v in run["stage_seconds"].items())
                print(
                    f"  {key:<12} {run['articles']:5d} art {run['wall_s']:7.1f} s "
                    f"{run['articles_per_s']:6.2f}/s  [{stages}]"
                )
            print(f"  counts w1 {rnd['counts_w1']}\n  counts w2 {rnd['counts_w2']}")
            print(f"  prefect (w1): {rnd['w1']['prefect']}")
            print("  " + json.dumps({k: round(v, 3) for k, v in rnd["ratios"].items()}))
        if "profile" in result:
            prof = result["profile"]
            print(
                f"profile of one batch ({prof['articles']} articles, {prof['wall_s']:.1f} s): {prof['stage_seconds']}"
            )
            print("  self time by group: " + ", ".join(f"{k} {v:.2f}" for k, v in prof["self_time_by_group_s"].items()))
            print("  spaCy components: " + ", ".join(f"{k} {v:.2f}" for k, v in prof["spacy_components_s"].items()))
            print(prof["top_cumulative"])
    else:
        for run in result["runs"]:
            print(
                f"  {run['pages']:6d} pages {run['articles']:6d} articles: peak RSS {run['peak_rss_mb']:.0f} MB "
                f"(main {run['peak_main_rss_mb']:.0f} MB, workers {run.get('peak_workers_rss_mb', 0):.0f} MB, "
                f"{run['processes']} processes), {run['wall_s']:.0f} s, "
                f"{run['articles_per_s']:.1f}/s, stages {run['stage_seconds']}"
            )
        print("  " + json.dumps(result["summary"]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="mode", required=True)
    t = sub.add_parser("throughput")
    t.add_argument("--pages", type=int, default=1000)
    t.add_argument("--repeat", type=int, default=1)
    t.add_argument("--no-profile", dest="profile", action="store_false")
    r = sub.add_parser("rss")
    r.add_argument("--sizes", default="1000,20000")
    r.add_argument("--workers", type=int, default=2)
    for p in (t, r):
        p.add_argument("--json", type=Path, help="write all figures here as JSON")
        p.add_argument("--tmp", default=None, help="directory for pages and warehouse homes (default: system temp)")
        p.add_argument("--keep", action="store_true", help="keep the pages and homes")
    args = parser.parse_args(argv)
    result = throughput(args) if args.mode == "throughput" else rss(args)
    print_report(args.mode, result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
