"""docs/tables.md, generated from the table declarations so the reference cannot fall behind the warehouse.

Regenerate with: uv run python -m warehouse.tables.doc (a test fails while the file is stale).
"""

from __future__ import annotations

import sys
from pathlib import Path

from warehouse.tables import GROUPS, Table
from warehouse.tables.model import Field

DOC_PATH = Path("docs") / "tables.md"
COMMAND = "uv run python -m warehouse.tables.doc"

#: How each way of supplying a column reads in the docs.
SUPPLY_TEXT = {
    "batch": "batch",
    "optional": "batch, may be left out",
    "lineage": "run lineage",
    "article": "article version",
    "load": "the load",
    "update": "later update",
}

INTRO = f"""\
# Warehouse tables

<!-- Generated from warehouse/tables by `{COMMAND}`; edit the declarations, not this file. -->

Every table of the warehouse, as declared once in `warehouse/tables/`. The declarations give the Arrow schemas
batches are built with, the load rules of `warehouse/load.py` and this page; a test holds the schema the
migrations build to them, and every batch is checked against them before it loads.

To add a column: add its `Field` to the table's declaration, add a numbered migration in `sql/migrations/`
(`ALTER TABLE ... ADD COLUMN` and its `COMMENT`), and run `{COMMAND}`.
A new table is declared the same way; `uv run python -m warehouse.tables.ddl TABLE` prints the `CREATE TABLE`
to start its migration from.

*From* says where a column's value comes from when a batch is loaded: the batch itself (a batch without it is
refused), the run's lineage, the row's article version, the load, or a later update of the stored row (tables
written by other modules than the load say `-`). *Nullable* no: a batch with a NULL there is refused.
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace("\n", " ")


def _field_row(field: Field, batch_loaded: bool) -> str:
    nullable = "yes" if field.nullable else "no"
    supply = SUPPLY_TEXT[field.supply] if batch_loaded else "-"
    return f"| `{field.name}` | {field.type} | {nullable} | {supply} | {_cell(field.description)} |"


def _facts(table: Table) -> list[str]:
    facts = [f"- Load: {table.load.describe()}."]
    if table.primary_key:
        facts.append(f"- Key: {', '.join(f'`{k}`' for k in table.primary_key)}.")
    if table.partitioned_by:
        facts.append(f"- Partitioned by: {', '.join(f'`{p}`' for p in table.partitioned_by)}.")
    if table.stage:
        owned = ", swapped out per article when the stage is re-run" if table.per_article else ""
        facts.append(f"- Written by the {table.stage} stage{owned}.")
    return facts


def render_table(table: Table) -> str:
    lines = [f"### {table.name}", "", table.description, "", *_facts(table), ""]
    lines += ["| Column | Type | Nullable | From | Description |", "|---|---|---|---|---|"]
    lines += [_field_row(f, table.batch_loaded) for f in table.fields]
    return "\n".join(lines) + "\n"


def render() -> str:
    """The whole of docs/tables.md."""
    parts = [INTRO]
    for title, about, tables in GROUPS:
        parts.append(f"## {title}\n\n{about}\n\n" + "".join(f"- [{t.name}](#{t.name})\n" for t in tables))
        parts.extend(render_table(t) for t in tables)
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    """Write docs/tables.md (or the path given) from the declarations."""
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else DOC_PATH
    path.write_text(render(), encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
