"""Do two revisions load the same rows? A check for refactors, run by hand (never in CI).

    uv run python bench/compare_revisions.py REV_A [REV_B] [--inputs demo,extraction] [--keep DIR] [--limit N]

Each revision is checked out in a detached `git worktree` (REV_B defaults to this checkout as it is, uncommitted
changes included), synced with `uv sync --locked`, and its own `wirehouse` CLI builds a fresh warehouse per input:

- extraction: `wirehouse ingest --html-dir` over ../shared/corpus/extraction/pages (990 saved pages; --limit N
  takes the first N file names in sorted order); skipped with a note when ../shared is absent.
- demo: the built-in demo site served by `wirehouse demo --serve` and ingested with `wirehouse ingest --feed ...
  --sitemap ... --allow-private`, the ingest `wirehouse demo` runs. `wirehouse demo` itself binds a random port,
  and article ids hash the canonical URL, port included, so two of its runs never share an id: here both
  revisions serve the site on one port picked for the whole comparison.

Each checkout's CLI then reads its own warehouse (`wirehouse sql --format json`), so the comparison does not
depend on either revision's Python API. Every table and view of both warehouses is compared as a multiset of
rows, without the columns in VOLATILE_COLUMNS (those that differ between two runs of the same code, found by
running HEAD against HEAD with --no-exclusions) and with loopback ports and the warehouse's own path written
out of string values. One line per table; exit status 1 when any table differs.

--keep DIR keeps the warehouses under DIR, and a warehouse already built there for the same revision, input and
limit is read again rather than rebuilt, so a comparison can be repeated cheaply.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
EXTRACTION_PAGES = SHARED / "corpus" / "extraction" / "pages"
INPUTS = ("demo", "extraction")

# Columns left out of the comparison ("column" in every table that has it, "table.column" in that table only), each
# with why. These are the columns that differed between two runs of the same code (HEAD against HEAD with
# --no-exclusions, on the demo and 100 extraction pages), plus the code and transform versions, which name the
# revision rather than describe the data, and two run-id columns whose tables were empty in that run.
VOLATILE_COLUMNS: dict[str, str] = {
    "run_id": "a fresh id per run",
    "resolved_by_run": "a run id (empty in the discovery run)",
    "flow_run_id": "a Prefect flow run id (empty in the discovery run)",
    "started_at": "when the run started",
    "finished_at": "when the run finished",
    "duration_s": "wall time of the run",
    "stage_seconds": "wall time of each stage of the run",
    "processed_at": "when the run processed the article",
    "fetched_at": "when the run fetched the page (a saved page's file time, which is stable, for --html-dir)",
    "checked_at": "when the run's checks ran",
    "created_at": "when the run wrote the row (quarantine)",
    "updated_at": "when the run wrote the row (watermarks)",
    "applied_at": "when this warehouse's migrations ran",
    "raw_pages.body_gzip": "the gzip header holds the time of compression; raw_sha256 and body_bytes hold the body",
    "watermarks.last_modified": "the demo site's feeds are Last-Modified at the newest article file's mtime, "
    "which is when the checkout was made",
    "code_version": "names the revision, not the data",
    "transform_version": "names the revision, not the data",
    "extractor_version": "names the revision, not the data",
}

PORT = re.compile(r"\b(127\.0\.0\.1|localhost):\d+")
EXAMPLES = 2
EXAMPLE_CHARS = 400

Row = Mapping[str, object]


# -- comparison (pure, tested in tests/test_compare_revisions.py) ------------------------------------------------


def normalise(value: object, substitutions: Mapping[str, str]) -> object:
    """A value with loopback ports and run-specific paths written out, so equal data compares equal."""
    if isinstance(value, str):
        for old, new in substitutions.items():
            value = value.replace(old, new)
        return PORT.sub(r"\1:<port>", value)
    if isinstance(value, list):
        return [normalise(v, substitutions) for v in value]
    if isinstance(value, dict):
        return {k: normalise(v, substitutions) for k, v in value.items()}
    return value


def excluded_for(table: str, spec: Iterable[str]) -> set[str]:
    """The columns of table that spec leaves out: plain names everywhere, "table.column" names in that table."""
    names = set()
    for item in spec:
        owner, _, column = item.rpartition(".")
        if not owner or owner == table:
            names.add(column)
    return names


def row_key(row: Row, excluded: Sequence[str] | set[str], substitutions: Mapping[str, str]) -> str:
    """One row as canonical JSON of its kept columns: hashable, order-independent, readable in a report."""
    kept = {k: normalise(v, substitutions) for k, v in row.items() if k not in excluded}
    return json.dumps(kept, sort_keys=True, ensure_ascii=False, default=str)


@dataclass(frozen=True)
class TableDiff:
    """How one table's rows differ between A and B, as multisets."""

    rows_a: int
    rows_b: int
    only_a: Counter[str]
    only_b: Counter[str]

    @property
    def identical(self) -> bool:
        return not self.only_a and not self.only_b


def diff_rows(
    rows_a: Sequence[Row],
    rows_b: Sequence[Row],
    excluded: Sequence[str] | set[str] = (),
    subs_a: Mapping[str, str] | None = None,
    subs_b: Mapping[str, str] | None = None,
) -> TableDiff:
    """Multiset difference of two tables' rows: a duplicated row counts as often as it occurs."""
    keys_a = Counter(row_key(r, excluded, subs_a or {}) for r in rows_a)
    keys_b = Counter(row_key(r, excluded, subs_b or {}) for r in rows_b)
    return TableDiff(len(rows_a), len(rows_b), keys_a - keys_b, keys_b - keys_a)


def varying_columns(
    rows_a: Sequence[Row],
    rows_b: Sequence[Row],
    subs_a: Mapping[str, str] | None = None,
    subs_b: Mapping[str, str] | None = None,
) -> list[str]:
    """Columns whose values, taken alone, differ between A and B: where to look when a table differs."""
    columns = sorted({k for r in rows_a for k in r} | {k for r in rows_b for k in r})

    def values(rows: Sequence[Row], column: str, subs: Mapping[str, str]) -> Counter[str]:
        return Counter(json.dumps(normalise(r.get(column), subs), sort_keys=True, default=str) for r in rows)

    return [c for c in columns if values(rows_a, c, subs_a or {}) != values(rows_b, c, subs_b or {})]


def report_line(table: str, diff: TableDiff | None, columns: Sequence[str] = ()) -> str:
    """The one line a table gets; None means the table is missing on one side (said by the caller)."""
    if diff is None:
        return f"{table}: missing on one side"
    counts = (
        f"A {diff.rows_a:>6}  B {diff.rows_b:>6}  only A {sum(diff.only_a.values()):>6}"
        f"  only B {sum(diff.only_b.values()):>6}"
    )
    verdict = "identical" if diff.identical else "DIFFERS" + (f" in {', '.join(columns)}" if columns else "")
    return f"{table:<24} {counts}  {verdict}"


def examples(diff: TableDiff, limit: int = EXAMPLES) -> list[str]:
    """A few rows found on one side only, shortened, to show what changed."""
    lines = []
    for side, rows in (("A", diff.only_a), ("B", diff.only_b)):
        for key in sorted(rows)[:limit]:
            shown = key if len(key) <= EXAMPLE_CHARS else key[:EXAMPLE_CHARS] + "..."
            lines.append(f"    only {side}: {shown}")
    return lines


# -- driving git, uv and the CLI ----------------------------------------------------------------------------------


def run(cmd: Sequence[str], cwd: Path, env: Mapping[str, str] | None = None) -> str:
    """Run a command, return its stdout; on failure show its stderr, since that is where the CLI explains."""
    proc = subprocess.run(list(cmd), cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)} in {cwd}")
    return proc.stdout


def resolve(rev: str) -> str:
    return run(["git", "rev-parse", "--verify", f"{rev}^{{commit}}"], REPO).strip()


def clean_env(prefect_home: Path) -> dict[str, str]:
    """The environment for a checkout's CLI: its own Prefect home, no warehouse or venv of the caller's."""
    env = {k: v for k, v in os.environ.items() if k not in ("WIREHOUSE_HOME", "WIREHOUSE_CATALOG", "VIRTUAL_ENV")}
    env.pop("PREFECT_API_URL", None)
    env["PREFECT_HOME"] = str(prefect_home)
    env["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    return env


@contextmanager
def checkout(sha: str | None, where: Path) -> Iterator[Path]:
    """A synced checkout of sha (None: this one, as it is), removed afterwards."""
    if sha is None:
        run(["uv", "sync", "--locked", "--quiet"], REPO)
        yield REPO
        return
    path = where / f"checkout-{sha[:12]}"
    if path.exists():
        run(["git", "worktree", "remove", "--force", str(path)], REPO)
    run(["git", "worktree", "add", "--detach", "--quiet", str(path), sha], REPO)
    try:
        run(["uv", "sync", "--locked", "--quiet"], path)
        yield path
    finally:
        run(["git", "worktree", "remove", "--force", str(path)], REPO)


def wirehouse(code: Path, args: Sequence[str], env: Mapping[str, str]) -> str:
    return run(["uv", "run", "--locked", "wirehouse", "--quiet", *args], code, env)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def demo_port(where: Path) -> int:
    """A free port, kept in where: warehouses reused from an earlier comparison must share its article ids."""
    saved = where / "demo-port"
    if saved.exists():
        return int(saved.read_text())
    port = free_port()
    saved.write_text(str(port))
    return port


@contextmanager
def demo_site(code: Path, port: int, env: Mapping[str, str]) -> Iterator[tuple[list[str], list[str]]]:
    """The checkout's demo site served on port; yields its feed and sitemap URLs as it prints them."""
    cmd = ["uv", "run", "--locked", "wirehouse", "demo", "--serve", "--port", str(port)]
    proc = subprocess.Popen(cmd, cwd=code, env=dict(env), stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        feeds, sitemaps, current = [], [], None
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("Feeds:"):
                current = feeds
            elif line.startswith("News sitemaps:"):
                current = sitemaps
            elif line.startswith("  http") and current is not None:
                current.append(line.strip())
            elif line.startswith("Sitemap index:"):
                break
        if not feeds:
            raise SystemExit(f"the demo site did not start on port {port}")
        yield feeds, sitemaps
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def build(code: Path, name: str, home: Path, source: Path | int, env: Mapping[str, str]) -> None:
    """Ingest one input into a fresh home with the checkout's CLI."""
    if name == "extraction":
        wirehouse(code, ["ingest", "--html-dir", str(source), "--home", str(home)], env)
        return
    assert isinstance(source, int)
    with demo_site(code, source, env) as (feeds, sitemaps):
        urls = [a for f in feeds for a in ("--feed", f)] + [a for s in sitemaps for a in ("--sitemap", s)]
        wirehouse(code, ["ingest", *urls, "--allow-private", "--home", str(home)], env)


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


LIST_COLUMNS = """
SELECT c.table_name, c.column_name, c.data_type
FROM information_schema.columns AS c
WHERE c.table_catalog = current_database() AND c.table_schema = current_schema()
ORDER BY c.table_name, c.ordinal_position
"""


def read_tables(code: Path, home: Path, env: Mapping[str, str]) -> dict[str, list[dict]]:
    """Every table and view of the warehouse as rows of dicts, read by the checkout's own CLI in two calls."""
    listing = json.loads(wirehouse(code, ["sql", "--home", str(home), "--format", "json", LIST_COLUMNS], env))
    columns: dict[str, list[str]] = {}
    for item in listing:
        # Blobs (raw page bodies) are compared by their hash: the same bytes or not is all that matters here.
        expr = quote(item["column_name"])
        if item["data_type"] == "BLOB":
            expr = f"md5({expr}) AS {expr}"
        columns.setdefault(item["table_name"], []).append(expr)
    selects = [
        f"SELECT '{t}' AS table_name, to_json(x)::VARCHAR AS row FROM (SELECT {', '.join(cols)} FROM {quote(t)}) AS x"
        for t, cols in columns.items()
    ]
    tables: dict[str, list[dict]] = {t: [] for t in columns}
    if selects:
        query = " UNION ALL ".join(selects)
        for item in json.loads(wirehouse(code, ["sql", "--home", str(home), "--format", "json", query], env)):
            tables[item["table_name"]].append(json.loads(item["row"]))
    return tables


def pages_dir(limit: int | None, where: Path) -> Path:
    """The extraction pages, or the first limit of them (sorted names) copied aside for a quick run."""
    if limit is None:
        return EXTRACTION_PAGES
    target = where / f"pages-{limit}"
    if not target.exists():
        target.mkdir(parents=True)
        for page in sorted(EXTRACTION_PAGES.iterdir())[:limit]:
            shutil.copy2(page, target / page.name)
    return target


@dataclass(frozen=True)
class Side:
    """One revision's warehouses: their tables and the path written out of their values."""

    label: str
    tables: dict[str, dict[str, list[dict]]]
    homes: dict[str, Path]

    def subs(self, name: str) -> dict[str, str]:
        return {str(self.homes[name]): "<home>"}


def build_side(
    label: str, sha: str | None, inputs: Sequence[str], sources: dict, where: Path, limit: int | None
) -> Side:
    """Check out a revision, build (or reuse) its warehouses and read them."""
    tag = f"{label}-{sha[:12] if sha else 'worktree'}"
    tables, homes = {}, {}
    with checkout(sha, where) as code:
        env = clean_env(where / f"prefect-{tag}")
        for name in inputs:
            home = where / tag / f"{name}-{limit or 'all'}"
            done = home / ".compare-built"
            if not done.exists():
                shutil.rmtree(home, ignore_errors=True)
                print(f"[{label}] building {name} warehouse at {home}", flush=True)
                build(code, name, home, sources[name], env)
                done.touch()
            else:
                print(f"[{label}] reusing {name} warehouse at {home}", flush=True)
            tables[name] = read_tables(code, home, env)
            homes[name] = home
    return Side(label, tables, homes)


def compare(name: str, a: Side, b: Side, excluded: set[str]) -> bool:
    """Print one input's table-by-table comparison; True when every table is identical."""
    print(f"\n== {name} ==")
    same = True
    for table in sorted(set(a.tables[name]) | set(b.tables[name])):
        rows_a, rows_b = a.tables[name].get(table), b.tables[name].get(table)
        if rows_a is None or rows_b is None:
            print(f"{table:<24} only in {'B' if rows_a is None else 'A'}")
            same = False
            continue
        left_out = excluded_for(table, excluded)
        diff = diff_rows(rows_a, rows_b, left_out, a.subs(name), b.subs(name))
        kept = [{k: v for k, v in r.items() if k not in left_out} for r in rows_a]
        kept_b = [{k: v for k, v in r.items() if k not in left_out} for r in rows_b]
        # Which columns changed is a useful hint only when no row was added or lost: then every column differs.
        changed = not diff.identical and diff.rows_a == diff.rows_b
        columns = varying_columns(kept, kept_b, a.subs(name), b.subs(name)) if changed else []
        print(report_line(table, diff, columns))
        if not diff.identical:
            print("\n".join(examples(diff)))
            same = False
    return same


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rev_a")
    parser.add_argument("rev_b", nargs="?", default=None, help="default: this checkout as it is")
    parser.add_argument("--inputs", default=",".join(INPUTS), help="comma-separated: demo, extraction")
    parser.add_argument("--keep", type=Path, default=None, help="keep (and reuse) the warehouses under this folder")
    parser.add_argument("--limit", type=int, default=None, help="only the first N extraction pages")
    parser.add_argument("--no-exclusions", action="store_true", help="compare every column (to find the volatile ones)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    inputs = [i.strip() for i in args.inputs.split(",") if i.strip()]
    unknown = set(inputs) - set(INPUTS)
    if unknown:
        raise SystemExit(f"unknown inputs: {', '.join(sorted(unknown))} (known: {', '.join(INPUTS)})")
    if "extraction" in inputs and not EXTRACTION_PAGES.is_dir():
        print(f"note: {EXTRACTION_PAGES} is absent; skipping the extraction input")
        inputs.remove("extraction")
    where = (args.keep or Path(tempfile.mkdtemp(prefix="wirehouse-compare-"))).resolve()
    where.mkdir(parents=True, exist_ok=True)
    sources: dict[str, Path | int] = {"demo": demo_port(where)}
    if "extraction" in inputs:
        sources["extraction"] = pages_dir(args.limit, where)
    sha_a = resolve(args.rev_a)
    sha_b = resolve(args.rev_b) if args.rev_b else None
    print(f"A = {args.rev_a} ({sha_a[:12]}), B = {args.rev_b or 'this checkout'} ({sha_b[:12] if sha_b else '-'})")
    try:
        a = build_side("a", sha_a, inputs, sources, where, args.limit)
        b = build_side("b", sha_b, inputs, sources, where, args.limit)
        excluded = set() if args.no_exclusions else set(VOLATILE_COLUMNS)
        results = [compare(name, a, b, excluded) for name in inputs]
    finally:
        if args.keep is None:
            shutil.rmtree(where, ignore_errors=True)
    same = all(results)
    print("\nidentical" if same else "\ndifferences found")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
