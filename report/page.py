"""The HTML report: pure functions from report.data results to one self-contained page.

The page has inline CSS and inline SVG only (no scripts, fonts or remote assets), so it can be mailed, archived
or opened offline. Every value from the warehouse is escaped; links are only made for http(s) URLs.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence

from report import svg
from report.data import OTHER_OUTLETS, Claim, ClaimTimeline, EntitySeries, OutletDays, ReportData, ResultTable
from report.svg import esc, fmt_number

#: Defence in depth: even if something slipped past escaping, the page may not run scripts or fetch anything.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
OTHER_SPEAKERS = "other speakers"
MAX_LANES = 10
POLARITY_LABELS = {
    "asserted": "asserted",
    "denied": "denied",
    "declined_to_confirm": "declined to confirm",
    "questioned": "questioned",
}

CSS = """
:root { --ink:#1f2933; --muted:#616e7c; --line:#e4e7eb; --bg:#f5f7fa; --card:#ffffff; --accent:#0072B2; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink);
  font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif; }
main { max-width:1200px; margin:0 auto; padding:28px 24px 40px; }
header h1 { font-size:28px; line-height:1.2; margin:0 0 4px; letter-spacing:-0.01em; }
header .sub { color:var(--muted); margin:0 0 20px; }
.stats { display:grid; grid-template-columns:repeat(5,1fr); gap:12px; margin:0 0 12px; }
.stat { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:12px 16px; }
.stat b { display:block; font-size:24px; font-variant-numeric:tabular-nums; }
.stat span { color:var(--muted); font-size:13px; text-transform:uppercase; letter-spacing:.04em; }
.notes { color:var(--muted); font-size:13px; margin:4px 0 0; padding-left:18px; }
nav { margin:16px 0 8px; font-size:14px; }
nav a { color:var(--accent); text-decoration:none; margin-right:16px; }
section { background:var(--card); border:1px solid var(--line); border-radius:12px; padding:18px 24px 20px;
  margin:16px 0; }
section h2 { font-size:19px; margin:0 0 2px; }
section .caption { color:var(--muted); font-size:13.5px; margin:0 0 14px; }
svg.chart { width:100%; height:auto; display:block; }
svg.spark { display:block; }
svg.icon { vertical-align:-4px; margin-right:4px; }
.legend { display:flex; flex-wrap:wrap; gap:6px 18px; font-size:13px; color:var(--ink); margin:0 0 10px;
  padding:0; list-style:none; }
.legend li { display:flex; align-items:center; }
.swatch { width:12px; height:12px; border-radius:3px; display:inline-block; margin-right:6px; }
table { width:100%; border-collapse:collapse; font-size:13.5px; margin-top:14px; }
th { text-align:left; font-weight:600; color:var(--muted); font-size:12px; text-transform:uppercase;
  letter-spacing:.04em; border-bottom:2px solid var(--line); padding:6px 10px; }
td { border-bottom:1px solid var(--line); padding:5px 10px; vertical-align:top; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; white-space:nowrap; }
td.nowrap { white-space:nowrap; }
td.text { overflow-wrap:anywhere; }
#conflicts td { overflow-wrap:anywhere; }
tr.group-start td { border-top:2px solid var(--line); }
.kind { display:inline-block; font-size:11px; font-weight:600; letter-spacing:.04em; padding:1px 6px;
  border-radius:4px; background:#eef2f7; color:var(--muted); }
.cue { color:var(--muted); }
.quote { font-style:italic; }
.mark { white-space:nowrap; }
.mark.denied { color:#B34700; font-weight:600; }
.figures { font-variant-numeric:tabular-nums; white-space:nowrap; }
.empty { border:1px dashed var(--line); border-radius:8px; padding:28px; text-align:center; color:var(--muted);
  background:#fbfcfd; }
a { color:var(--accent); }
footer { color:var(--muted); font-size:12.5px; margin-top:28px; text-align:center; }
@media (max-width:720px) { .stats { grid-template-columns:repeat(2,1fr); } }
@media print { body { background:#fff; } section { break-inside:avoid; border-color:#ccc; } }
"""


# --- small building blocks ------------------------------------------------------------------------------------


def no_data(message: str) -> str:
    """The panel shown instead of a chart when there is nothing to draw."""
    return f'<div class="empty">No data — {esc(message)}</div>'


def section(anchor: str, title: str, caption: str, body: str) -> str:
    return f'<section id="{esc(anchor)}"><h2>{esc(title)}</h2><p class="caption">{esc(caption)}</p>{body}</section>'


def table(headers: Sequence[tuple[str, str]], rows: Iterable[str]) -> str:
    """A table from (label, css class) headers and pre-rendered <tr> rows."""
    head = "".join(f'<th class="{cls}">{esc(label)}</th>' for label, cls in headers)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def cell(value: object, css_class: str = "") -> str:
    attr = f' class="{css_class}"' if css_class else ""
    return f"<td{attr}>{esc(value)}</td>"


def safe_link(url: str | None, label: str) -> str:
    """A link only for http(s) URLs, so a stored javascript: or data: URL never becomes clickable."""
    if url and url.lower().startswith(("http://", "https://")):
        return f'<a href="{esc(url)}" rel="noopener noreferrer">{esc(label)}</a>'
    return esc(label)


def swatch_legend(items: Sequence[tuple[str, str]]) -> str:
    entries = "".join(
        f'<li><span class="swatch" style="background:{esc(colour)}"></span>{esc(name)}</li>' for name, colour in items
    )
    return f'<ul class="legend">{entries}</ul>'


def format_value(value: object) -> str:
    """Generic table cells: numbers with separators, dates as ISO, lists joined, missing as a dash."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return fmt_number(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(format_value(v) for v in value)
    return str(value)


def day_label(day: dt.date) -> str:
    return f"{day.day} {day:%b}"


def window_label(data: ReportData) -> str:
    window = data.window
    if window.start is None or window.end is None:
        return "no dated articles"
    if window.start == window.end:
        return window.start.isoformat()
    return f"{window.start.isoformat()} to {window.end.isoformat()}"


# --- header ---------------------------------------------------------------------------------------------------


def header(data: ReportData) -> str:
    stats = (
        ("articles", data.totals.get("articles", 0)),
        ("outlets", data.totals.get("outlets", 0)),
        ("entities", data.totals.get("entities", 0)),
        ("claims", data.totals.get("claims", 0)),
        ("quarantined", data.quarantined_total),
    )
    cards = "".join(f'<div class="stat"><b>{fmt_number(n)}</b><span>{esc(k)}</span></div>' for k, n in stats)
    notes = "".join(f"<li>{esc(n)}</li>" for n in data.notes)
    generated = data.generated_at.strftime("%Y-%m-%d %H:%M UTC")
    return (
        "<header><h1>What the news said</h1>"
        f'<p class="sub">wirehouse report · publication days {esc(window_label(data))} · generated {esc(generated)}</p>'
        f'<div class="stats">{cards}</div>' + (f'<ul class="notes">{notes}</ul>' if notes else "") + "</header>"
        '<nav><a href="#coverage">Coverage</a><a href="#entities">Entities</a><a href="#claims">Claims</a>'
        '<a href="#conflicts">Conflicting figures</a><a href="#quarantine">Quarantine</a></nav>'
    )


# --- 1. articles per outlet per day ---------------------------------------------------------------------------


def outlet_colours(outlet_days: OutletDays) -> list[tuple[str, str]]:
    return [
        (name, svg.OTHER_COLOUR if name == OTHER_OUTLETS else svg.colour(i))
        for i, (name, _) in enumerate(outlet_days.outlets)
    ]


def coverage_panel(outlet_days: OutletDays) -> str:
    caption = "Articles per publication day, stacked by outlet (latest version of each article)."
    if not outlet_days.days or not any(sum(values) for _, values in outlet_days.outlets):
        return section("coverage", "Articles per outlet per day", caption, no_data("no articles in this window"))
    colours = outlet_colours(outlet_days)
    layers = [
        svg.Series(name, values, colour)
        for (name, values), (_, colour) in zip(outlet_days.outlets, colours, strict=True)
    ]
    chart = svg.stacked_bars(
        [day_label(d) for d in outlet_days.days],
        layers,
        "Articles per outlet per day",
        "articles",
        "publication day (UTC)",
        height=220,
    )
    return section("coverage", "Articles per outlet per day", caption, swatch_legend(colours) + chart)


# --- 2. top entities with sparklines --------------------------------------------------------------------------


def entity_row(rank: int, entity: EntitySeries, days: Sequence[dt.date]) -> str:
    peak = max(entity.per_day, default=0)
    peak_day = days[entity.per_day.index(peak)] if peak and days else None
    spark = svg.sparkline(entity.per_day, f"Mentions of {entity.name} per day")
    return (
        "<tr>"
        + cell(rank, "num")
        + f'<td><b>{esc(entity.name)}</b> <span class="kind">{esc(entity.kind or "?")}</span></td>'
        + cell(fmt_number(entity.mentions), "num")
        + cell(fmt_number(entity.articles), "num")
        + f"<td>{spark}</td>"
        + cell(f"{fmt_number(peak)} on {day_label(peak_day)}" if peak_day else "—", "nowrap")
        + "</tr>"
    )


def entities_panel(entities: Sequence[EntitySeries], days: Sequence[dt.date]) -> str:
    caption = (
        "The most-mentioned people, organisations and places; each sparkline is mentions per day in the window, "
        "scaled to its own peak."
    )
    if not entities:
        return section("entities", "Top entities", caption, no_data("no entity mentions in this window"))
    headers = (("#", "num"), ("entity", ""), ("mentions", "num"), ("articles", "num"), ("per day", ""), ("peak", ""))
    rows = (entity_row(i, e, days) for i, e in enumerate(entities, start=1))
    return section("entities", "Top entities", caption, table(headers, rows))


# --- 3. claim timeline ----------------------------------------------------------------------------------------


def polarity_label(claim: Claim) -> str:
    label = POLARITY_LABELS.get(claim.polarity or "", claim.polarity or "unknown")
    if claim.hedged:
        label += f" · hedged ({claim.hedge_cues})" if claim.hedge_cues else " · hedged"
    return label


def lanes_for(claims: Sequence[Claim]) -> tuple[list[str], dict[str, str]]:
    """Speakers with the most claims get their own lane; the rest share one."""
    counts = Counter(c.speaker for c in claims)
    ranked = [s for s, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    keep = ranked if len(ranked) <= MAX_LANES else ranked[: MAX_LANES - 1]
    lane_of = {s: (s if s in keep else OTHER_SPEAKERS) for s in ranked}
    lanes = keep + ([OTHER_SPEAKERS] if len(keep) < len(ranked) else [])
    return lanes, lane_of


def claim_tooltip(claim: Claim) -> str:
    when = claim.at.strftime("%Y-%m-%d %H:%M")
    said = f"{claim.speaker} {claim.cue or 'said'}: {claim.content or ''}"
    return f"{when} · {claim.outlet} · {said} [{polarity_label(claim)}]"


def timeline_chart(claims: Sequence[Claim], entity_name: str) -> str:
    lanes, lane_of = lanes_for(claims)
    events = [svg.TimelineEvent(c.at, lane_of[c.speaker], c.polarity, c.hedged, claim_tooltip(c)) for c in claims]
    return svg.timeline(events, lanes, f"Claims by or about {entity_name} over time")


def marker_legend(claims: Sequence[Claim]) -> str:
    """Shapes used on the timeline; the grey square only when some polarity is outside the known four."""
    items = [(p, False, label) for p, label in POLARITY_LABELS.items()] + [("asserted", True, "hedged (hollow)")]
    if any(c.polarity not in POLARITY_LABELS for c in claims):
        items.append((None, False, "other / unknown"))
    entries = "".join(f"<li>{svg.marker_icon(p, h, label)}{esc(label)}</li>" for p, h, label in items)
    return f'<ul class="legend">{entries}</ul>'


def claim_row(claim: Claim) -> str:
    content = esc(claim.content or "")
    content = f'<span class="quote">“{content}”</span>' if claim.is_direct else content
    source = safe_link(claim.url, claim.title or claim.outlet)
    mark_class = "mark denied" if claim.polarity == "denied" else "mark"
    return (
        "<tr>"
        + cell(claim.at.strftime("%Y-%m-%d %H:%M"), "nowrap")
        + f'<td><b>{esc(claim.speaker)}</b> <span class="cue">{esc(claim.cue or "")}</span></td>'
        + f'<td class="text">{content}<br><small class="cue">{esc(claim.outlet)} · {source}</small></td>'
        + cell(claim.figures or "", "figures")
        + f'<td class="{mark_class}">{svg.marker_icon(claim.polarity, claim.hedged, polarity_label(claim))}'
        f"{esc(polarity_label(claim))}</td>" + "</tr>"
    )


def claims_panel(timeline: ClaimTimeline) -> str:
    if timeline.entity is None:
        caption = "Who said what, and when, for the most-mentioned person or place (or --entity)."
        return section("claims", "Claim timeline", caption, no_data("no person or place is mentioned in this window"))
    entity = timeline.entity
    title = f"Claims by or about {entity.name}"
    caption = (
        f"Statements {entity.name} made or that name {entity.name}, one lane per speaker; shape and colour give the "
        "polarity, hollow markers are hedged. Hover a marker for the claim."
    )
    if not timeline.claims:
        return section("claims", title, caption, no_data(f"no claims by or about {entity.name} in this window"))
    more = f'<p class="caption">Showing the first {len(timeline.claims)} claims.</p>' if timeline.truncated else ""
    headers = (("when (UTC)", ""), ("speaker", ""), ("claim", ""), ("figures", ""), ("polarity", ""))
    body = (
        marker_legend(timeline.claims)
        + timeline_chart(timeline.claims, entity.name)
        + table(headers, (claim_row(c) for c in timeline.claims))
        + more
    )
    return section("claims", title, caption, body)


# --- 4. conflicting figures -----------------------------------------------------------------------------------


def numeric_columns(result: ResultTable) -> list[bool]:
    """Columns holding only numbers are right-aligned."""
    return [
        all(isinstance(r[i], int | float) and not isinstance(r[i], bool) or r[i] is None for r in result.rows)
        for i in range(len(result.columns))
    ]


def conflict_rows(result: ResultTable) -> list[str]:
    """Rows of any conflicts table; a new value of the first column (the unit or group) starts a visual group."""
    numeric = numeric_columns(result)
    rows = []
    for i, row in enumerate(result.rows):
        css = ' class="group-start"' if i and row[:1] != result.rows[i - 1][:1] else ""
        cells = "".join(cell(format_value(v), "num" if numeric[j] else "") for j, v in enumerate(row))
        rows.append(f"<tr{css}>{cells}</tr>")
    return rows


def conflicts_panel(result: ResultTable) -> str:
    title = "Conflicting figures"
    if result.source == "fallback":
        caption = (
            f"Figures in the same unit that outlets report with different values; computed here because {result.note}."
        )
    else:
        caption = "The same figure reported differently across outlets, from the warehouse view figure_conflicts."
    if not result.rows:
        return section("conflicts", title, caption, no_data("no conflicting figures"))
    numeric = numeric_columns(result)
    headers = [(c.replace("_", " "), "num" if numeric[i] else "") for i, c in enumerate(result.columns)]
    return section("conflicts", title, caption, table(headers, conflict_rows(result)))


# --- 5. quarantine reasons ------------------------------------------------------------------------------------


def quarantine_panel(reasons: Sequence[tuple[str, str, int]], total: int) -> str:
    title = "Why inputs were quarantined"
    caption = "Inputs that failed a stage, by stage and reason; nothing is dropped silently."
    if not reasons:
        return section("quarantine", title, caption, no_data("nothing was quarantined"))
    items = [(f"{stage} · {reason}", n) for stage, reason, n in reasons]
    shown = sum(n for _, _, n in reasons)
    more = (
        f" Showing the {len(reasons)} most common ({fmt_number(shown)} of {fmt_number(total)} inputs)."
        if shown < total
        else ""
    )
    chart = svg.bar_chart(items, "Quarantined inputs by stage and reason", "inputs", svg.PALETTE[5])
    return section("quarantine", title, caption + more, chart)


# --- the page -------------------------------------------------------------------------------------------------


def render_report(data: ReportData) -> str:
    """The whole page as one string."""
    body = "".join(
        (
            header(data),
            coverage_panel(data.outlet_days),
            entities_panel(data.entities, data.window.days),
            claims_panel(data.timeline),
            conflicts_panel(data.conflicts),
            quarantine_panel(data.quarantine, data.quarantined_total),
        )
    )
    footer = (
        "<footer>Generated by wirehouse from a read-only snapshot of the warehouse. No scripts, no network.</footer>"
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f"<title>wirehouse report · {esc(window_label(data))}</title><style>{CSS}</style></head>"
        f"<body><main>{body}{footer}</main></body></html>\n"
    )
