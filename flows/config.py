"""wirehouse.toml: named sources, their schedules, fetch limits and the user agent, in one file."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields
from datetime import timedelta
from pathlib import Path

from acquisition.fetching import FetchConfig

DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


class ConfigError(ValueError):
    """The configuration file is missing something or has a typo."""


def parse_duration(text: str) -> timedelta:
    """'15m', '1h', '1d', '2w' as a timedelta."""
    match = DURATION.match(str(text))
    if not match:
        raise ConfigError(f"not a duration: {text!r} (use a number and s, m, h, d or w, e.g. 15m or 1d)")
    return timedelta(seconds=int(match.group(1)) * UNIT_SECONDS[match.group(2)])


@dataclass(frozen=True)
class SourceConfig:
    """A named group of inputs ingested together on one schedule."""

    name: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    url_files: tuple[str, ...] = ()
    html_dirs: tuple[str, ...] = ()
    warcs: tuple[str, ...] = ()
    cron: str | None = None
    interval: timedelta | None = None

    def ingest_parameters(self) -> dict:
        return {
            "feeds": list(self.feeds),
            "sitemaps": list(self.sitemaps),
            "url_files": list(self.url_files),
            "html_dirs": list(self.html_dirs),
            "warcs": list(self.warcs),
        }


@dataclass(frozen=True)
class Config:
    home: str = "./data"
    allow_private: bool = False
    fetch: dict = field(default_factory=dict)
    sources: tuple[SourceConfig, ...] = ()

    def source(self, name: str) -> SourceConfig:
        for source in self.sources:
            if source.name == name:
                return source
        known = ", ".join(s.name for s in self.sources) or "none"
        raise ConfigError(f"no source named {name!r} in the configuration (known: {known})")


def _tuple(value: object, key: str, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ConfigError(f"source {name!r}: {key} must be a string or a list of strings")


#: What each part of wirehouse.toml may say; anything else is a typo that would otherwise be silently ignored.
KNOWN_KEYS = {
    "": {"wirehouse", "fetch", "sources"},
    "wirehouse": {"home", "user_agent", "allow_private"},
    "sources": {"name", "feeds", "sitemaps", "urls", "html_dirs", "warcs", "schedule"},
    "schedule": {"cron", "interval"},
}


def _check_keys(table: dict, part: str, where: str) -> None:
    unknown = sorted(set(table) - KNOWN_KEYS[part])
    if unknown:
        raise ConfigError(f"{where} has unknown settings {unknown}; known: {sorted(KNOWN_KEYS[part])}")


def parse_config(data: dict) -> Config:
    _check_keys(data, "", "wirehouse.toml")
    settings = data.get("wirehouse", {})
    _check_keys(settings, "wirehouse", "[wirehouse]")
    fetch = dict(data.get("fetch", {}))
    if "user_agent" in settings:
        fetch["user_agent"] = settings["user_agent"]
    allowed = {f.name for f in fields(FetchConfig)} - {"allow_private"}
    unknown = sorted(set(fetch) - allowed)
    if unknown:
        raise ConfigError(f"[fetch] has unknown settings {unknown}; known: {sorted(allowed)}")
    sources = []
    for raw in data.get("sources", []):
        name = raw.get("name")
        if not name or not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
            raise ConfigError(f"every [[sources]] needs a name of letters, digits, '-', '_' or '.', got {name!r}")
        _check_keys(raw, "sources", f"[[sources]] {name}")
        schedule = raw.get("schedule", {})
        _check_keys(schedule, "schedule", f"the schedule of source {name}")
        sources.append(
            SourceConfig(
                name=name,
                feeds=_tuple(raw.get("feeds"), "feeds", name),
                sitemaps=_tuple(raw.get("sitemaps"), "sitemaps", name),
                url_files=_tuple(raw.get("urls"), "urls", name),
                html_dirs=_tuple(raw.get("html_dirs"), "html_dirs", name),
                warcs=_tuple(raw.get("warcs"), "warcs", name),
                cron=schedule.get("cron"),
                interval=parse_duration(schedule["interval"]) if "interval" in schedule else None,
            )
        )
    return Config(
        home=settings.get("home", "./data"),
        allow_private=bool(settings.get("allow_private", False)),
        fetch=fetch,
        sources=tuple(sources),
    )


def load_config(path: str | Path) -> Config:
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"configuration file {path} not found; see wirehouse.example.toml")
    try:
        return parse_config(tomllib.loads(path.read_text(encoding="utf-8")))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
