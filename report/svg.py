"""Small SVG chart helpers for the HTML report: pure functions from numbers to markup strings.

Charts are drawn in Python so the report is one static file with no scripts, fonts or network: it renders the
same in a browser, an email attachment or an archived copy years later. Every text that comes from data goes
through html.escape; sizes are viewBox units and the page scales them with CSS.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

#: Okabe-Ito: distinguishable with the common colour-vision deficiencies; grey is kept for "other".
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
OTHER_COLOUR = "#A0A0A0"
INK = "#1f2933"
MUTED = "#616e7c"
GRID = "#e4e7eb"
FONT = "font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif"

#: Claim polarity -> (colour, shape); the shape carries the meaning too, so colour is never the only cue.
POLARITY_STYLE: dict[str, tuple[str, str]] = {
    "asserted": ("#0072B2", "circle"),
    "denied": ("#D55E00", "cross"),
    "declined_to_confirm": ("#E69F00", "diamond"),
    "questioned": ("#CC79A7", "triangle"),
}
UNKNOWN_STYLE = ("#616e7c", "square")


def esc(value: object) -> str:
    """Text or attribute value made safe for HTML and SVG."""
    return html.escape("" if value is None else str(value), quote=True)


def fmt_number(value: float | int | None) -> str:
    """Thousands separators, no trailing .0: figures read like the articles wrote them."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def svg_document(width: float, height: float, body: str, label: str, css_class: str = "chart") -> str:
    """A standalone inline <svg> with an accessible name; width/height come from the viewBox."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{esc(css_class)}" viewBox="0 0 {width:g} {height:g}" '
        f'width="{width:g}" height="{height:g}" role="img" aria-label="{esc(label)}" style="{FONT}">'
        f"<title>{esc(label)}</title>{body}</svg>"
    )


def text(
    x: float, y: float, content: object, anchor: str = "start", size: float = 11, fill: str = MUTED, extra: str = ""
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size:g}" fill="{fill}"{extra}>'
        f"{esc(content)}</text>"
    )


def nice_ticks(top: float, count: int = 4) -> list[float]:
    """Round axis ticks from 0 to at least top (1, 2, 2.5, 5 times a power of ten), integers for counts."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    step = max(step, 1.0)
    return [i * step for i in range(math.ceil(top / step - 1e-9) + 1)]


def truncate(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


# --- vertical stacked bars ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """One stacked layer: a name for the legend, a value per category, its colour."""

    name: str
    values: Sequence[float]
    colour: str


def _y_axis(ticks: list[float], x0: float, x1: float, y_of, title: str, top: float, bottom: float) -> str:
    parts = []
    for tick in ticks:
        y = y_of(tick)
        parts.append(f'<line x1="{x0:.1f}" x2="{x1:.1f}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        parts.append(text(x0 - 6, y + 4, fmt_number(tick), "end"))
    middle = (top + bottom) / 2
    parts.append(text(12, middle, title, "middle", extra=f' transform="rotate(-90 12 {middle:.1f})"'))
    return "".join(parts)


def _label_step(count: int, max_labels: int) -> int:
    return max(1, math.ceil(count / max_labels))


def stacked_bars(
    categories: Sequence[str],
    series: Sequence[Series],
    label: str,
    y_title: str,
    x_title: str,
    width: float = 960,
    height: float = 300,
) -> str:
    """One bar per category (day), one segment per series (outlet); empty segments are not drawn."""
    left, right, top, bottom = 56, 12, 14, 52
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(s.values[i] for s in series) for i in range(len(categories))]
    ticks = nice_ticks(max(totals, default=0))
    y_of = lambda v: top + plot_h - plot_h * v / ticks[-1]  # noqa: E731 - tiny local scale
    slot = plot_w / max(len(categories), 1)
    bar_w = max(slot * 0.72, 1.0)
    parts = [_y_axis(ticks, left, width - right, y_of, y_title, top, top + plot_h)]
    for i, category in enumerate(categories):
        x = left + i * slot + (slot - bar_w) / 2
        base = 0.0
        for s in series:
            value = s.values[i]
            if value <= 0:
                continue
            y0, y1 = y_of(base), y_of(base + value)
            parts.append(
                f'<rect class="seg" x="{x:.1f}" y="{y1:.1f}" width="{bar_w:.1f}" height="{y0 - y1:.1f}" '
                f'fill="{s.colour}"><title>{esc(category)} · {esc(s.name)}: {fmt_number(value)}</title></rect>'
            )
            base += value
    step = _label_step(len(categories), max(int(plot_w // 64), 1))
    for i in range(0, len(categories), step):
        parts.append(text(left + (i + 0.5) * slot, top + plot_h + 16, categories[i], "middle"))
    parts.append(
        f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h:.1f}" y2="{top + plot_h:.1f}" stroke="{MUTED}"/>'
    )
    parts.append(text(left + plot_w / 2, height - 8, x_title, "middle"))
    return svg_document(width, height, "".join(parts), label)


# --- horizontal bars ------------------------------------------------------------------------------------------


def bar_chart(
    items: Sequence[tuple[str, float]],
    label: str,
    x_title: str,
    bar_colour: str = PALETTE[0],
    width: float = 960,
    label_width: float = 260,
) -> str:
    """Horizontal bars with the category on the left and the value at the end of each bar."""
    row, top, bottom, right = 26, 8, 40, 56
    height = top + row * len(items) + bottom
    plot_w = width - label_width - right
    ticks = nice_ticks(max((v for _, v in items), default=0))
    x_of = lambda v: label_width + plot_w * v / ticks[-1]  # noqa: E731 - tiny local scale
    parts = []
    for tick in ticks:
        x = x_of(tick)
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{height - bottom}" stroke="{GRID}"/>')
        parts.append(text(x, height - bottom + 16, fmt_number(tick), "middle"))
    for i, (name, value) in enumerate(items):
        y = top + i * row
        parts.append(text(label_width - 10, y + row / 2 + 4, truncate(name, 40), "end", 12, INK))
        parts.append(
            f'<rect class="bar" x="{label_width}" y="{y + 4}" width="{max(x_of(value) - label_width, 1):.1f}" '
            f'height="{row - 8}" rx="2" fill="{bar_colour}"><title>{esc(name)}: {fmt_number(value)}</title></rect>'
        )
        parts.append(text(x_of(value) + 6, y + row / 2 + 4, fmt_number(value), "start", 12, INK))
    parts.append(text(label_width + plot_w / 2, height - 6, x_title, "middle"))
    return svg_document(width, height, "".join(parts), label)


# --- sparklines -----------------------------------------------------------------------------------------------


def sparkline(
    values: Sequence[float], label: str, line_colour: str = PALETTE[0], width: float = 220, height: float = 30
) -> str:
    """One polyline point per value (per day); a dot marks the last day, a light band the area under it."""
    pad = 4
    top = max(max(values, default=0), 1)
    step = (width - 2 * pad) / max(len(values) - 1, 1)
    points = [(pad + i * step, height - pad - (height - 2 * pad) * v / top) for i, v in enumerate(values)]
    coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    parts = [f'<line x1="{pad}" x2="{width - pad}" y1="{height - pad}" y2="{height - pad}" stroke="{GRID}"/>']
    if len(points) > 1:
        area = f"{pad},{height - pad} {coords} {points[-1][0]:.1f},{height - pad}"
        parts.append(f'<polygon points="{area}" fill="{line_colour}" fill-opacity="0.12"/>')
    parts.append(
        f'<polyline class="spark" points="{coords}" fill="none" stroke="{line_colour}" stroke-width="1.8" '
        'stroke-linejoin="round" stroke-linecap="round"/>'
    )
    if points:
        parts.append(f'<circle cx="{points[-1][0]:.1f}" cy="{points[-1][1]:.1f}" r="2.6" fill="{line_colour}"/>')
    return svg_document(width, height, "".join(parts), label, "spark")


# --- claim markers and timeline -------------------------------------------------------------------------------


def marker(cx: float, cy: float, polarity: str | None, hedged: bool, size: float = 6) -> str:
    """The shape for a claim: polarity picks shape and colour, hedged claims are drawn hollow and dashed."""
    fill_colour, shape = POLARITY_STYLE.get(polarity or "", UNKNOWN_STYLE)
    fill = "#ffffff" if hedged else fill_colour
    stroke = f'stroke="{fill_colour}" stroke-width="2"' + (' stroke-dasharray="2.5 1.5"' if hedged else "")
    s = size
    if shape == "circle":
        return f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{s:g}" fill="{fill}" {stroke}/>'
    if shape == "diamond":
        pts = f"{cx:.1f},{cy - s - 1:.1f} {cx + s + 1:.1f},{cy:.1f} {cx:.1f},{cy + s + 1:.1f} {cx - s - 1:.1f},{cy:.1f}"
        return f'<polygon points="{pts}" fill="{fill}" {stroke}/>'
    if shape == "triangle":
        pts = f"{cx:.1f},{cy - s - 1:.1f} {cx + s + 1:.1f},{cy + s:.1f} {cx - s - 1:.1f},{cy + s:.1f}"
        return f'<polygon points="{pts}" fill="{fill}" {stroke}/>'
    if shape == "cross":
        width = "2" if hedged else "3"
        dash = ' stroke-dasharray="2.5 1.5"' if hedged else ""
        line = f'stroke="{fill_colour}" stroke-width="{width}" stroke-linecap="round"{dash}'
        return (
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{s + 1:g}" fill="#ffffff" fill-opacity="0.9"/>'
            f'<line x1="{cx - s:.1f}" y1="{cy - s:.1f}" x2="{cx + s:.1f}" y2="{cy + s:.1f}" {line}/>'
            f'<line x1="{cx - s:.1f}" y1="{cy + s:.1f}" x2="{cx + s:.1f}" y2="{cy - s:.1f}" {line}/>'
        )
    return f'<rect x="{cx - s:.1f}" y="{cy - s:.1f}" width="{2 * s:g}" height="{2 * s:g}" fill="{fill}" {stroke}/>'


def marker_icon(polarity: str | None, hedged: bool, label: str) -> str:
    """A small inline marker for legends and table cells, the same shape as on the timeline."""
    body = marker(9, 9, polarity, hedged, 5)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="icon" viewBox="0 0 18 18" width="18" height="18" '
        f'role="img" aria-label="{esc(label)}">{body}</svg>'
    )


@dataclass(frozen=True)
class TimelineEvent:
    """One claim on the timeline: when (naive UTC), whose lane, how it was said, the hover text."""

    at: dt.datetime
    lane: str
    polarity: str | None
    hedged: bool
    tooltip: str


def _time_ticks(start: dt.datetime, end: dt.datetime, max_ticks: int = 8) -> list[tuple[dt.datetime, str]]:
    span = end - start
    if span >= dt.timedelta(days=2):
        day = dt.datetime.combine(start.date(), dt.time()) + dt.timedelta(days=1)
        step = max(1, math.ceil(span.days / max_ticks))
        ticks = []
        while day <= end:
            ticks.append((day, f"{day.day} {day:%b}" if span.days < 300 else f"{day:%b %Y}"))
            day += dt.timedelta(days=step)
        return ticks
    hours = max(1, math.ceil(span.total_seconds() / 3600 / max_ticks))
    tick = start.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
    ticks = []
    while tick <= end:
        ticks.append((tick, f"{tick.day} {tick:%b} {tick:%H:%M}"))
        tick += dt.timedelta(hours=hours)
    return ticks


def _time_range(events: Sequence[TimelineEvent]) -> tuple[dt.datetime, dt.datetime]:
    start, end = min(e.at for e in events), max(e.at for e in events)
    pad = max((end - start) * 0.04, dt.timedelta(hours=3))
    return start - pad, end + pad


def timeline(events: Sequence[TimelineEvent], lanes: Sequence[str], label: str, width: float = 960) -> str:
    """Claims on a time axis, one swim lane per speaker; near-simultaneous claims in a lane are nudged apart."""
    left, right, top, bottom, lane_h = 190, 20, 10, 44, 40
    height = top + lane_h * len(lanes) + bottom
    plot_w = width - left - right
    start, end = _time_range(events)
    seconds = (end - start).total_seconds()
    x_of = lambda t: left + plot_w * (t - start).total_seconds() / seconds  # noqa: E731 - tiny local scale
    parts = []
    for i, lane in enumerate(lanes):
        y = top + i * lane_h + lane_h / 2
        if i % 2 == 0:
            parts.append(f'<rect x="{left}" y="{top + i * lane_h}" width="{plot_w}" height="{lane_h}" fill="#f5f7fa"/>')
        parts.append(text(left - 10, y + 4, truncate(lane, 26), "end", 12, INK))
    for at, tick_label in _time_ticks(start, end):
        x = x_of(at)
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{height - bottom}" stroke="{GRID}"/>')
        parts.append(text(x, height - bottom + 16, tick_label, "middle"))
    parts.append(text(left + plot_w / 2, height - 6, "publication time (UTC)", "middle"))
    placed: dict[str, list[float]] = {}
    lane_index = {lane: i for i, lane in enumerate(lanes)}
    for event in sorted(events, key=lambda e: e.at):
        x = x_of(event.at)
        near = sum(1 for other in placed.setdefault(event.lane, []) if abs(other - x) < 9)
        placed[event.lane].append(x)
        y = top + lane_index[event.lane] * lane_h + lane_h / 2 + (0, -11, 11, -5, 5)[near % 5]
        parts.append(
            f'<g class="event" data-polarity="{esc(event.polarity)}" data-hedged="{str(event.hedged).lower()}">'
            f"<title>{esc(event.tooltip)}</title>{marker(x, y, event.polarity, event.hedged)}</g>"
        )
    return svg_document(width, height, "".join(parts), label)
