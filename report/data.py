"""What the HTML report shows, read from a read-only warehouse connection.

Every query is a file in sql/report/ (loaded by name through report.queries) that takes its values as DuckDB $name
parameters, never as SQL text; the results become plain dataclasses so the renderer (report.page) is a pure
function of this data and can be tested without a warehouse.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb

from report.queries import report_sql

#: Without --from/--to, a longer span is cut to its last MAX_DAYS days so the daily charts stay readable.
MAX_DAYS = 180
TOP_ENTITIES = 10
TOP_OUTLETS = 7
MAX_CLAIMS = 200
MAX_LANES = 10
MAX_CONFLICT_ROWS = 60
MAX_QUARANTINE_REASONS = 15
OTHER_OUTLETS = "other outlets"


class EntityNotFound(LookupError):
    """--entity named nothing in the warehouse."""


@dataclass(frozen=True)
class Window:
    """The publication days the report covers; None bounds mean the warehouse has no dated articles."""

    start: dt.date | None
    end: dt.date | None
    explicit: bool = False
    note: str = ""
    undated: int = 0

    @property
    def days(self) -> list[dt.date]:
        if self.start is None or self.end is None or self.end < self.start:
            return []
        return [self.start + dt.timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    def params(self) -> dict[str, dt.date]:
        """Bounds for the queries; an empty window matches nothing."""
        if self.start is None or self.end is None:
            return {"date_from": dt.date(9999, 12, 31), "date_to": dt.date(1, 1, 1)}
        return {"date_from": self.start, "date_to": self.end}


@dataclass(frozen=True)
class OutletDays:
    """Articles per day for each outlet (the smallest outlets folded into one), aligned with Window.days."""

    days: list[dt.date]
    outlets: list[tuple[str, list[int]]]


@dataclass(frozen=True)
class EntitySeries:
    entity_id: str
    name: str
    kind: str | None
    mentions: int
    articles: int
    per_day: list[int]


@dataclass(frozen=True)
class Entity:
    entity_id: str
    name: str
    kind: str | None


@dataclass(frozen=True)
class Claim:
    at: dt.datetime
    outlet: str
    title: str | None
    url: str | None
    speaker: str
    by_entity: bool
    cue: str | None
    polarity: str | None
    hedged: bool
    hedge_cues: str
    is_direct: bool
    content: str | None
    figures: str | None


@dataclass(frozen=True)
class ClaimTimeline:
    entity: Entity | None
    claims: list[Claim]
    truncated: bool = False


@dataclass(frozen=True)
class ResultTable:
    """A query result for a generic table: column names, rows, and where it came from."""

    columns: list[str]
    rows: list[tuple]
    source: str
    note: str = ""


@dataclass(frozen=True)
class ReportData:
    generated_at: dt.datetime
    window: Window
    totals: dict[str, int]
    outlet_days: OutletDays
    entities: list[EntitySeries]
    timeline: ClaimTimeline
    conflicts: ResultTable
    quarantine: list[tuple[str, str, int]]
    quarantined_total: int = 0
    notes: list[str] = field(default_factory=list)


def resolve_window(con: duckdb.DuckDBPyConnection, start: dt.date | None, end: dt.date | None) -> Window:
    """The given bounds, else the span of publication days in the warehouse (its last MAX_DAYS days)."""
    first, last, undated = con.execute(report_sql("date_span")).fetchone()
    explicit = start is not None or end is not None
    start, end = start or first, end or last
    if start is None or end is None:
        return Window(None, None, explicit, undated=undated)
    note = ""
    if not explicit and (end - start).days >= MAX_DAYS:
        start = end - dt.timedelta(days=MAX_DAYS - 1)
        note = f"showing the last {MAX_DAYS} days with articles; use --from/--to for another window"
    return Window(start, end, explicit, note, undated)


def load_totals(con: duckdb.DuckDBPyConnection, window: Window) -> dict[str, int]:
    row = con.execute(report_sql("totals"), window.params()).fetchone()
    return dict(zip(("articles", "outlets", "entities", "claims"), (int(v or 0) for v in row), strict=True))


def fold_outlets(counts: dict[str, dict[dt.date, int]], days: list[dt.date], keep: int) -> list[tuple[str, list[int]]]:
    """Largest outlets first; beyond `keep` they share one 'other outlets' layer so colours stay distinct."""
    ranked = sorted(counts, key=lambda o: (-sum(counts[o].values()), o))
    layers = [(o, [counts[o].get(d, 0) for d in days]) for o in ranked[:keep]]
    rest = ranked[keep:]
    if rest:
        layers.append((OTHER_OUTLETS, [sum(counts[o].get(d, 0) for o in rest) for d in days]))
    return layers


def load_outlet_days(con: duckdb.DuckDBPyConnection, window: Window) -> OutletDays:
    counts: dict[str, dict[dt.date, int]] = {}
    for day, outlet, articles in con.execute(report_sql("articles_per_day"), window.params()).fetchall():
        counts.setdefault(outlet, {})[day] = int(articles)
    return OutletDays(window.days, fold_outlets(counts, window.days, TOP_OUTLETS))


def load_entities(con: duckdb.DuckDBPyConnection, window: Window, limit: int = TOP_ENTITIES) -> list[EntitySeries]:
    """The most-mentioned entities with their mentions on every day of the window (zeros included)."""
    rows = con.execute(report_sql("top_entity_days"), {**window.params(), "limit": limit}).fetchall()
    index = {day: i for i, day in enumerate(window.days)}
    series: dict[str, EntitySeries] = {}
    for entity_id, name, kind, mentions, articles, day, day_mentions in rows:
        if entity_id not in series:
            series[entity_id] = EntitySeries(entity_id, name, kind, int(mentions), int(articles), [0] * len(index))
        series[entity_id].per_day[index[day]] = int(day_mentions)
    return list(series.values())


def find_entity(con: duckdb.DuckDBPyConnection, name: str) -> Entity:
    row = con.execute(report_sql("find_entity"), {"name": name}).fetchone()
    if row is None:
        similar = [r[0] for r in con.execute(report_sql("similar_entities"), {"name": name}).fetchall()]
        hint = f"; did you mean: {', '.join(similar)}" if similar else ""
        raise EntityNotFound(f"no entity named {name!r} in the warehouse{hint}")
    return Entity(*row)


def default_entity(con: duckdb.DuckDBPyConnection, window: Window) -> Entity | None:
    row = con.execute(report_sql("default_entity"), window.params()).fetchone()
    return Entity(*row) if row else None


def load_timeline(con: duckdb.DuckDBPyConnection, window: Window, entity_name: str | None) -> ClaimTimeline:
    """Claims by or about --entity, else the most-mentioned person or place of the window."""
    entity = find_entity(con, entity_name) if entity_name else default_entity(con, window)
    if entity is None:
        return ClaimTimeline(None, [])
    params = {**window.params(), "entity_id": entity.entity_id, "limit": MAX_CLAIMS + 1}
    claims = [Claim(*row) for row in con.execute(report_sql("entity_claims"), params).fetchall()]
    return ClaimTimeline(entity, claims[:MAX_CLAIMS], truncated=len(claims) > MAX_CLAIMS)


def view_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(con.execute(report_sql("view_exists"), {"name": name}).fetchone()[0])


def _table(relation: duckdb.DuckDBPyConnection, source: str, note: str = "") -> ResultTable:
    columns = [d[0] for d in relation.description or []]
    return ResultTable(columns, [tuple(r) for r in relation.fetchall()], source, note)


def load_conflicts(con: duckdb.DuckDBPyConnection, window: Window) -> ResultTable:
    """Rows of the figure_conflicts view when the warehouse has it, else the same-unit fallback.

    A view that fails (an older warehouse, a half-migrated schema) must not cost the whole report.
    """
    note = "the warehouse has no figure_conflicts view"
    if view_exists(con, "figure_conflicts"):
        try:
            return _table(con.execute(report_sql("figure_conflicts"), {"limit": MAX_CONFLICT_ROWS}), "view")
        except duckdb.Error as exc:
            note = f"the figure_conflicts view failed: {str(exc).strip().splitlines()[0]}"
    params = {**window.params(), "limit": MAX_CONFLICT_ROWS}
    return _table(con.execute(report_sql("fallback_conflicts"), params), "fallback", note)


def load_quarantine(con: duckdb.DuckDBPyConnection, window: Window) -> list[tuple[str, str, int]]:
    """Quarantine reasons; with an explicit window, only inputs quarantined inside it (by created_at)."""
    bounds = {"date_from": None, "date_to": None}
    if window.explicit and window.start and window.end:
        bounds = {"date_from": window.start, "date_to": window.end}
    return [(s, e, int(n)) for s, e, n in con.execute(report_sql("quarantine"), bounds).fetchall()]


def load_report(
    con: duckdb.DuckDBPyConnection, start: dt.date | None = None, end: dt.date | None = None, entity: str | None = None
) -> ReportData:
    """Everything the report shows, in one read of the warehouse."""
    window = resolve_window(con, start, end)
    quarantine = load_quarantine(con, window)
    notes = [window.note] if window.note else []
    if window.undated:
        notes.append(f"{window.undated:,} articles without a publication date are not in the daily charts")
    return ReportData(
        generated_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        window=window,
        totals=load_totals(con, window),
        outlet_days=load_outlet_days(con, window),
        entities=load_entities(con, window),
        timeline=load_timeline(con, window, entity),
        conflicts=load_conflicts(con, window),
        quarantine=quarantine[:MAX_QUARANTINE_REASONS],
        quarantined_total=sum(n for _, _, n in quarantine),
        notes=notes,
    )
