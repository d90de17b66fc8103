"""Manual backfills over date ranges: one Prefect flow run per window, a ledger so re-runs resume."""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
from prefect import flow
from prefect.runtime import flow_run

from acquisition.records import Item, Source
from acquisition.sources import iter_warc
from flows.ingest import fetch_config, ingest_remote
from flows.pipeline import Pipeline, batched
from flows.settings import load_settings, parse_duration
from flows.windows import ArticleInWindow, Window, read_warc_list, split_windows, warcs_for_window
from warehouse import ledger, state
from warehouse.lake import DEFAULT_LOAD_WAIT_S, open_writer
from warehouse.load import load_batch
from warehouse.paths import Home


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def backfill_id(sources: dict) -> str:
    """The same sources give the same ledger, so re-running a backfill resumes it."""
    return hashlib.sha256(json.dumps(sources, sort_keys=True).encode()).hexdigest()[:16]


def _published_in(window: Window):
    def keep(item: Item) -> bool:
        return item.published_hint is not None and window.contains(item.published_hint.date())

    return keep


@flow(name="ingest-window", flow_run_name="window-{window_start}")
def ingest_window_flow(
    window_start: date,
    window_end: date,
    sitemaps: list[str] | None = None,
    url_files: list[str] | None = None,
    warcs: list[str] | None = None,
    home: str | None = None,
    allow_private: bool | None = None,
    fetch_options: dict | None = None,
    model: str | None = None,
    batch_size: int | None = None,
) -> dict:
    """Ingest what was published in one window: dated sitemap and URL-list entries, WARC records."""
    window = Window(_as_date(window_start), _as_date(window_end))
    settings = load_settings(home=home, batch_size=batch_size, allow_private=allow_private, spacy_model=model)
    batch_size, allow_private = settings.batch_size, settings.allow_private
    config = fetch_config(settings, None, fetch_options)
    warehouse_home = settings.lake_home()
    params = {"window": window.label, "sitemaps": sitemaps, "url_files": url_files, "warcs": len(warcs or [])}
    with open_writer(warehouse_home, wait_s=DEFAULT_LOAD_WAIT_S, hold_lock=False) as con:
        pipeline = Pipeline(con, warehouse_home, "backfill", params, settings)
        remote = [Source("sitemap", u) for u in sitemaps or []]
        if remote or url_files:
            ingest_remote(pipeline, remote, list(url_files or []), config, batch_size, keep=_published_in(window))
        done = state.finished_sources(con, f"window:{window.label}")
        for path in warcs_for_window(list(warcs or []), window):
            if path in done:
                continue
            for batch in batched(iter_warc(path, allow_private=allow_private), batch_size):
                pipeline.submit_pages(batch, len(batch), keep_article=ArticleInWindow(window))
            pipeline.drain()
            mark = {
                "source": path,
                "item_key": f"window:{window.label}",
                "lastmod": "complete",
                "updated_at": datetime.now().astimezone(),
            }
            with pipeline.locked():
                load_batch(con, {"watermarks": pa.Table.from_pylist([mark])}, pipeline.lineage)
        return pipeline.finish()


def _record(home: Home, bid: str, window: Window, status: str, attempts: int, **extra) -> None:
    with open_writer(home, wait_s=DEFAULT_LOAD_WAIT_S) as con:
        ledger.record_window(con, bid, (window.start, window.end), status, attempts, **extra)


@flow(name="backfill", log_prints=True)
def backfill_flow(
    date_from: date,
    date_to: date,
    window: str = "1d",
    sitemaps: list[str] | None = None,
    url_files: list[str] | None = None,
    warc_list: str | None = None,
    warc_base_url: str | None = None,
    warcs: list[str] | None = None,
    home: str | None = None,
    concurrency: int = 1,
    allow_private: bool | None = None,
    fetch_options: dict | None = None,
    model: str | None = None,
) -> dict:
    """Run every unfinished window of the range; finished windows are skipped, failed ones retried."""
    warc_paths = list(warcs or [])
    if warc_list:
        warc_paths += read_warc_list(Path(warc_list).read_text(encoding="utf-8"), warc_base_url)
    sources = {"sitemaps": sorted(sitemaps or []), "url_files": sorted(url_files or []), "warcs": sorted(warc_paths)}
    bid = backfill_id(sources)
    warehouse_home = load_settings(home=home).lake_home()
    windows = split_windows(_as_date(date_from), _as_date(date_to), parse_duration(window))
    with open_writer(warehouse_home, wait_s=DEFAULT_LOAD_WAIT_S) as con:
        states = ledger.window_states(con, bid)
    todo = [w for w in windows if states.get((w.start, w.end), {}).get("status") != "completed"]
    print(f"backfill {bid}: {len(windows)} windows, {len(windows) - len(todo)} already done, {len(todo)} to run")

    def run(w: Window) -> tuple[Window, str]:
        attempts = int(states.get((w.start, w.end), {}).get("attempts") or 0) + 1
        _record(warehouse_home, bid, w, "running", attempts, flow_run_id=flow_run.id)
        try:
            summary = ingest_window_flow(
                window_start=w.start,
                window_end=w.end,
                sitemaps=sources["sitemaps"],
                url_files=sources["url_files"],
                warcs=sources["warcs"],
                home=str(warehouse_home.root),
                allow_private=allow_private,
                fetch_options=fetch_options,
                model=model,
            )
        except Exception as exc:  # noqa: BLE001 - a failed window is recorded and retried by the next run
            _record(warehouse_home, bid, w, "failed", attempts, error=f"{type(exc).__name__}: {exc}")
            return w, "failed"
        _record(warehouse_home, bid, w, "completed", attempts, articles=summary["articles"])
        return w, "completed"

    if concurrency <= 1:
        outcomes = [run(w) for w in todo]
    else:
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            outcomes = list(pool.map(run, todo))
    failed = [w.label for w, status in outcomes if status == "failed"]
    return {
        "backfill_id": bid,
        "windows": len(windows),
        "skipped": len(windows) - len(todo),
        "completed": len(outcomes) - len(failed),
        "failed": failed,
    }
