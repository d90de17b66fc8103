"""Named analysis queries: .sql files in sql/queries/ with a header that says what they answer and take."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from warehouse.paths import sql_dir

HEADER = re.compile(r"^--\s*(name|answers|param):\s*(.*)$")
PARAM = re.compile(r"^(\w+)\s*\(([^)]*)\)\s*(.*)$")


class QueryError(ValueError):
    """A named query is unknown or was given the wrong parameters."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str | None
    description: str


@dataclass(frozen=True)
class NamedQuery:
    name: str
    answers: str
    sql: str
    params: tuple[Param, ...] = field(default_factory=tuple)

    def bind(self, given: dict[str, str]) -> dict[str, str | None]:
        """Parameter values by name: given ones, else defaults; unknown or missing ones are errors."""
        known = {p.name for p in self.params}
        unknown = sorted(set(given) - known)
        if unknown:
            raise QueryError(
                f"query {self.name!r} has no parameter {unknown[0]!r}; it takes: {', '.join(sorted(known)) or 'none'}"
            )
        values: dict[str, str | None] = {}
        for param in self.params:
            if param.name in given:
                values[param.name] = given[param.name]
            elif param.default is not None:
                values[param.name] = None if param.default.lower() == "null" else param.default
            else:
                raise QueryError(f"query {self.name!r} needs --param {param.name}=... ({param.description})")
        return {k: v for k, v in values.items() if f"${k}" in self.sql}


def parse_query(path: Path) -> NamedQuery:
    name, answers, params = path.stem, "", []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = HEADER.match(line.strip())
        if not match:
            if line.strip() and not line.strip().startswith("--"):
                break
            continue
        key, value = match.groups()
        if key == "name":
            name = value.strip()
        elif key == "answers":
            answers = f"{answers} {value.strip()}".strip()
        elif (param := PARAM.match(value.strip())) is not None:
            pname, spec, description = param.groups()
            parts = [s.strip() for s in spec.split(",")]
            default = next((p.split("default", 1)[1].strip() for p in parts if p.startswith("default")), None)
            params.append(Param(pname, parts[0], default, description.strip()))
    return NamedQuery(name, answers, path.read_text(encoding="utf-8"), tuple(params))


def named_queries() -> dict[str, NamedQuery]:
    queries = (parse_query(p) for p in sorted((sql_dir() / "queries").glob("*.sql")))
    return {q.name: q for q in queries}


def get_query(name: str) -> NamedQuery:
    queries = named_queries()
    if name not in queries:
        raise QueryError(f"no named query {name!r}; 'wirehouse query --list' shows them")
    return queries[name]


def run_query(con: duckdb.DuckDBPyConnection, query: NamedQuery, given: dict[str, str]) -> duckdb.DuckDBPyRelation:
    """Run with bound parameters: values never become SQL text."""
    sql = query.sql.strip().rstrip(";")
    return con.execute(sql, query.bind(given))


#: Statement kinds a read-only session may run: queries, plans and table functions.
READ_ONLY_STATEMENTS = frozenset({"SELECT", "EXPLAIN", "CALL"})
#: Calls that write files even on a read-only attach (the commit fails only after the Parquet is written).
MAINTENANCE = re.compile(
    r"\bcheckpoint\b|\bducklake_(merge|rewrite|expire|cleanup|delete|flush|add|set|commit)\w*", re.IGNORECASE
)


def check_read_only(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Refuse anything but one reading statement before it runs (COPY TO, EXPORT, INSTALL, SET ...)."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(str(exc).strip().splitlines()[0]) from None
    if len(statements) != 1:
        raise QueryError(f"give one SQL statement, not {len(statements)}")
    kind = statements[0].type.name
    if MAINTENANCE.search(sql):
        raise QueryError("maintenance functions write files; use 'wirehouse compact' instead")
    if kind not in READ_ONLY_STATEMENTS:
        raise QueryError(f"{kind} statements are not allowed read-only; use --write (or --output to save results)")
