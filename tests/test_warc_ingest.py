"""Hostile WARC files through the real ingest flow: every record is accounted for, per file, and the run ledger's
span covers every batch and lies within the call."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from test_warc_records import hostile_warc

from flows.ingest import ingest_flow
from warehouse.lake import connect
from warehouse.paths import Home

pytestmark = pytest.mark.slow


def test_hostile_warcs_reconcile_and_the_ledger_tells_the_wall_time(prefect_server, tmp_path):
    built = {gz: hostile_warc(gz) for gz in (False, True)}
    paths = {}
    for gz, b in built.items():
        paths[gz] = tmp_path / ("hostile.warc.gz" if gz else "hostile.warc")
        paths[gz].write_bytes(b.bytes())
    home = Home.resolve(tmp_path / "home")
    called = datetime.now(UTC)
    summary = ingest_flow(warcs=[str(p) for p in paths.values()], home=str(home.root), batch_size=8)
    returned = datetime.now(UTC)

    for path in paths.values():
        row = summary["files"][str(path)]
        assert row["reconciled"], row
        assert row["skipped"] == {"warcinfo": 1, "request": 1, "metadata": 1, "revisit": 1}, row
        assert row["truncated"] == 2, row

    con = connect(home, read_only=True)
    loaded = dict(con.execute("SELECT url, truncated FROM article_versions").fetchall())
    raw = dict(con.execute("SELECT url, truncated FROM raw_pages").fetchall())
    ledger = con.execute("SELECT duration_s, started_at, finished_at, batches FROM runs").fetchall()
    batches = con.execute("SELECT duration_s, started_at, finished_at FROM run_batches ORDER BY batch_index").fetchall()
    con.close()
    for b in built.values():
        for url in b.valid:
            assert url in raw, url
            assert raw[url] == (url in b.truncated), url
            if url in loaded:
                assert loaded[url] == (url in b.truncated), url
    assert all(url in loaded for url in built[False].valid if url not in built[False].truncated)

    ((duration, first, last, count),) = ledger
    assert count == len(batches) > 1 and all(d > 0 for d, _, _ in batches)
    # batches tile the run: each starts where the one before was committed, so the ledger's span is the whole run
    # (from the first batch's start, discovery included) and lies within the call: timestamps, not timing
    assert duration == pytest.approx((last - first).total_seconds(), abs=0.05)
    assert [start for _, start, _ in batches[1:]] == [end for _, _, end in batches[:-1]]
    assert (batches[0][1], batches[-1][2]) == (first, last)
    assert called <= first < last <= returned
