"""DDL from a table declaration: the text to start a numbered migration from when a table is new.

The catalog evolves only by the migrations in sql/migrations/, so this writes SQL for a person to review and
commit, never to a lake. Print it with: uv run python -m warehouse.tables.ddl TABLE [TABLE ...]
"""

from __future__ import annotations

import sys

from warehouse.tables import table
from warehouse.tables.model import Table


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def create_sql(declared: Table, partitioned: bool = True) -> str:
    """CREATE TABLE with a COMMENT on the table and each column, then its partitioning (DuckLake only)."""
    columns = ",\n".join(f"    {f.name} {f.type}" for f in declared.fields)
    lines = [f"CREATE TABLE {declared.name} (\n{columns}\n);"]
    lines.append(f"COMMENT ON TABLE {declared.name} IS {_literal(declared.description)};")
    lines += [f"COMMENT ON COLUMN {declared.name}.{f.name} IS {_literal(f.description)};" for f in declared.fields]
    if partitioned and declared.partitioned_by:
        lines.append(f"ALTER TABLE {declared.name} SET PARTITIONED BY ({', '.join(declared.partitioned_by)});")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    names = sys.argv[1:] if argv is None else argv
    if not names:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    print("\n".join(create_sql(table(name)) for name in names))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
