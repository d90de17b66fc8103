"""The vocabulary of a table declaration: its fields, how batches reach it, how it is keyed and partitioned.

Plain data, no pyarrow: read-only commands import the declarations without paying for Arrow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: Where a column's value comes from when a batch is loaded:
#: batch - every batch row carries it (a batch without it is refused);
#: optional - the batch may leave it out on purpose, and it loads as NULL;
#: lineage - the run's lineage (run_id, code_version, transform_version) fills it when the batch does not;
#: article - copied from the row's article version at load time;
#: load - computed by the load itself when the batch leaves it empty;
#: update - set later by an UPDATE of the stored row, never by a batch.
Supply = Literal["batch", "optional", "lineage", "article", "load", "update"]

#: The module that writes the tables loaded batch by batch (the others name their own writer).
BATCH_WRITER = "warehouse/load.py"
#: Spellings DuckDB reports differently from how the migrations write them.
CANONICAL_TYPES = {"TIMESTAMPTZ": "TIMESTAMP WITH TIME ZONE"}


@dataclass(frozen=True)
class Field:
    """One column: name, DuckDB type and meaning, as a migration creates it."""

    name: str
    type: str
    description: str
    nullable: bool = True
    supply: Supply = "batch"

    @property
    def duckdb_type(self) -> str:
        """The type as DuckDB's catalog reports it, for comparing with a migrated lake."""
        return CANONICAL_TYPES.get(self.type, self.type)


@dataclass(frozen=True)
class LoadRule:
    """How new rows meet stored ones; the load's SQL is built from this, so the rule is written once.

    unique - a row whose key is stored already is skipped (duplicates inside a batch collapse to one);
    group - rows come as a group per owner key, loaded only while the owner has none stored;
    upsert - the latest row per key replaces the stored one;
    append - every row is new (a ledger of changes);
    replace - the whole table is recomputed at once;
    rollup - kept in step with each load from the rows it summarises;
    catalog - bookkeeping of the migrations themselves.
    """

    kind: Literal["unique", "group", "upsert", "append", "replace", "rollup", "catalog"]
    key: tuple[str, ...] = ()
    #: unique: only stored rows matching this condition (on alias t) count as present
    counts_when: str | None = None
    #: group: the table whose rows own a group (the key points at its rows)
    owner: str | None = None
    writer: str = BATCH_WRITER

    def describe(self) -> str:
        """One line for the table docs."""
        keys = ", ".join(self.key)
        text = {
            "unique": f"insert rows whose ({keys}) is new; duplicates in a batch collapse to one",
            "group": f"insert a group of rows per {keys} ({self.owner}) while that {keys} has none stored",
            "upsert": f"the latest row per ({keys}) replaces the stored one",
            "append": "append every row",
            "replace": "recomputed as a whole",
            "rollup": f"kept in step with each load, one row per ({keys})",
            "catalog": "written by the migrations",
        }[self.kind]
        if self.counts_when:
            text += f"; only stored rows where {self.counts_when.removeprefix('t.')} count"
        return f"{text} (by {self.writer})"


def unique(*key: str, counts_when: str | None = None) -> LoadRule:
    return LoadRule("unique", key, counts_when=counts_when)


def group(key: str, owner: str) -> LoadRule:
    return LoadRule("group", (key,), owner=owner)


def upsert(*key: str, writer: str = BATCH_WRITER) -> LoadRule:
    return LoadRule("upsert", key, writer=writer)


def written_by(kind: Literal["append", "replace", "rollup", "catalog"], writer: str, *key: str) -> LoadRule:
    return LoadRule(kind, key, writer=writer)


@dataclass(frozen=True)
class Table:
    """One warehouse table, declared once: what is generated from it (Arrow schemas, load rules, docs) and what
    is checked against it (every batch, the migrated catalog) cannot drift apart."""

    name: str
    description: str
    fields: tuple[Field, ...]
    load: LoadRule
    primary_key: tuple[str, ...] = ()
    #: DuckLake partition expressions, as in ALTER TABLE ... SET PARTITIONED BY
    partitioned_by: tuple[str, ...] = ()
    #: pipeline stage whose run produces the rows (stamps its version, owns them when re-run)
    stage: str | None = None
    #: rows belong to one article version and are swapped out when their stage is re-run for it
    per_article: bool = False

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def batch_loaded(self) -> bool:
        return self.load.writer == BATCH_WRITER

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"table {self.name} has no column {name!r}")

    def supplied(self, supply: Supply) -> tuple[str, ...]:
        """Columns whose values come from the given place."""
        return tuple(f.name for f in self.fields if f.supply == supply)
