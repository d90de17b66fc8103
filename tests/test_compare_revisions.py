"""The row comparison of bench/compare_revisions.py, on small in-memory tables.

The script runs by hand, so nothing else would notice if it stopped seeing a difference or started seeing one
that is only a port or a run id.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "compare_revisions.py"
_spec = importlib.util.spec_from_file_location("compare_revisions", SCRIPT)
assert _spec is not None and _spec.loader is not None
compare = importlib.util.module_from_spec(_spec)
sys.modules["compare_revisions"] = compare
_spec.loader.exec_module(compare)


def test_identical_tables_in_another_order_are_identical():
    a = [{"id": 1, "name": "x"}, {"id": 2, "name": "y"}]
    b = [{"name": "y", "id": 2}, {"name": "x", "id": 1}]
    diff = compare.diff_rows(a, b)
    assert diff.identical
    assert (diff.rows_a, diff.rows_b) == (2, 2)


def test_rows_are_a_multiset_so_a_lost_duplicate_counts():
    a = [{"id": 1}, {"id": 1}, {"id": 2}]
    b = [{"id": 1}, {"id": 2}, {"id": 3}]
    diff = compare.diff_rows(a, b)
    assert not diff.identical
    assert sum(diff.only_a.values()) == 1 and sum(diff.only_b.values()) == 1
    assert list(diff.only_a) == ['{"id": 1}'] and list(diff.only_b) == ['{"id": 3}']


def test_excluded_columns_do_not_count_and_others_do():
    a = [{"id": 1, "run_id": "r1", "fetched_at": "2026-12-07T08:00:00"}]
    b = [{"id": 1, "run_id": "r2", "fetched_at": "2026-12-07T08:05:00"}]
    assert compare.diff_rows(a, b, excluded={"run_id", "fetched_at"}).identical
    assert not compare.diff_rows(a, b, excluded={"run_id"}).identical
    assert compare.varying_columns(a, b) == ["fetched_at", "run_id"]


def test_a_table_qualified_exclusion_applies_to_that_table_only():
    spec = ["run_id", "watermarks.last_modified"]
    assert compare.excluded_for("watermarks", spec) == {"run_id", "last_modified"}
    assert compare.excluded_for("raw_pages", spec) == {"run_id"}
    row_a, row_b = {"last_modified": "Mon"}, {"last_modified": "Tue"}
    assert compare.diff_rows([row_a], [row_b], compare.excluded_for("watermarks", spec)).identical
    assert not compare.diff_rows([row_a], [row_b], compare.excluded_for("raw_pages", spec)).identical


def test_the_volatile_columns_include_run_ids_and_each_says_why():
    assert "run_id" in compare.VOLATILE_COLUMNS
    assert all(reason.strip() for reason in compare.VOLATILE_COLUMNS.values())


def test_loopback_ports_are_written_out_in_strings_lists_and_nested_values():
    a = [{"url": "http://127.0.0.1:41231/a", "links": ["http://localhost:41231/b"], "m": {"u": "127.0.0.1:1"}}]
    b = [{"url": "http://127.0.0.1:5000/a", "links": ["http://localhost:6000/b"], "m": {"u": "127.0.0.1:2"}}]
    assert compare.diff_rows(a, b).identical
    other_host = [{"url": "http://10.0.0.1:5000/a", "links": ["http://localhost:6000/b"], "m": {"u": "127.0.0.1:2"}}]
    assert not compare.diff_rows(a, other_host).identical


def test_each_side_writes_out_its_own_warehouse_path():
    a = [{"params": '{"home": "/tmp/a/demo"}'}]
    b = [{"params": '{"home": "/tmp/b/demo"}'}]
    assert not compare.diff_rows(a, b).identical
    assert compare.diff_rows(a, b, subs_a={"/tmp/a/demo": "<home>"}, subs_b={"/tmp/b/demo": "<home>"}).identical


def test_numbers_nulls_and_types_stay_distinct():
    a = [{"v": 1}, {"v": None}, {"v": "1"}]
    b = [{"v": 1.5}, {"v": None}, {"v": "1"}]
    diff = compare.diff_rows(a, b)
    assert list(diff.only_a) == ['{"v": 1}'] and list(diff.only_b) == ['{"v": 1.5}']


def test_report_line_and_examples_say_what_differs():
    diff = compare.diff_rows([{"id": 1, "x": "a"}], [{"id": 1, "x": "b"}])
    line = compare.report_line("claims", diff, ["x"])
    assert line.startswith("claims") and "only A      1" in line and "DIFFERS in x" in line
    assert compare.examples(diff) == ['    only A: {"id": 1, "x": "a"}', '    only B: {"id": 1, "x": "b"}']
    same = compare.diff_rows([{"id": 1}], [{"id": 1}])
    assert compare.report_line("claims", same).endswith("identical")
