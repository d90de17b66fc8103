"""wirehouse.toml read and checked, and where the lake is, without pydantic.

The Settings object (flows/settings.py) takes its file layer from here. `wirehouse sql` and `wirehouse status`
only need the lake's location, and importing pydantic and pydantic-settings costs them about a quarter of a
second of CPU on every start, so lake_home() resolves those four settings alone with the same layers and
precedence: defaults < wirehouse.toml < WIREHOUSE_* environment variables < flags.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import timedelta
from pathlib import Path
from typing import Any

from acquisition.fetching.config import FetchConfig
from warehouse.paths import DEFAULT_HOME, DEFAULT_WRITER_MEMORY, Home

#: The configuration file looked for in the current directory when no --config is given.
DEFAULT_CONFIG = Path("wirehouse.toml")

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


def read_config(path: str | Path) -> dict[str, Any]:
    """The settings wirehouse.toml gives, by field name."""
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"configuration file {path} not found; see wirehouse.example.toml")
    try:
        return parse_config(tomllib.loads(path.read_text(encoding="utf-8")))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc


#: Settings that the [wirehouse] table of wirehouse.toml may give (crash_at is a test hook: environment only).
TOML_SETTINGS = {
    "home",
    "catalog",
    "data_path",
    "writer_memory",
    "auto_compact_files",
    "batch_size",
    "spacy_model",
    "nlp_languages",
    "use_blis",
    "reuse_parses",
    "allow_private",
}
#: What each part of wirehouse.toml may say; anything else is a typo that would otherwise be silently ignored.
KNOWN_KEYS = {
    "": {"wirehouse", "fetch", "sources"},
    "wirehouse": TOML_SETTINGS | {"user_agent"},
    "sources": {"name", "feeds", "sitemaps", "urls", "html_dirs", "warcs", "schedule"},
    "schedule": {"cron", "interval"},
}


def _check_keys(table: dict, part: str, where: str) -> None:
    unknown = sorted(set(table) - KNOWN_KEYS[part])
    if unknown:
        raise ConfigError(f"{where} has unknown settings {unknown}; known: {sorted(KNOWN_KEYS[part])}")


def _tuple(value: object, key: str, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ConfigError(f"source {name!r}: {key} must be a string or a list of strings")


def _fetch_table(data: dict, settings: dict) -> dict:
    """[fetch] with [wirehouse] user_agent folded in; allow_private is a top-level setting."""
    fetch = dict(data.get("fetch", {}))
    if "user_agent" in settings:
        fetch["user_agent"] = settings["user_agent"]
    allowed = {f.name for f in fields(FetchConfig)} - {"allow_private"}
    unknown = sorted(set(fetch) - allowed)
    if unknown:
        raise ConfigError(f"[fetch] has unknown settings {unknown}; known: {sorted(allowed)}")
    return fetch


def _source(raw: dict) -> SourceConfig:
    name = raw.get("name")
    if not name or not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
        raise ConfigError(f"every [[sources]] needs a name of letters, digits, '-', '_' or '.', got {name!r}")
    _check_keys(raw, "sources", f"[[sources]] {name}")
    schedule = raw.get("schedule", {})
    _check_keys(schedule, "schedule", f"the schedule of source {name}")
    return SourceConfig(
        name=name,
        feeds=_tuple(raw.get("feeds"), "feeds", name),
        sitemaps=_tuple(raw.get("sitemaps"), "sitemaps", name),
        url_files=_tuple(raw.get("urls"), "urls", name),
        html_dirs=_tuple(raw.get("html_dirs"), "html_dirs", name),
        warcs=_tuple(raw.get("warcs"), "warcs", name),
        cron=schedule.get("cron"),
        interval=parse_duration(schedule["interval"]) if "interval" in schedule else None,
    )


def parse_config(data: dict) -> dict[str, Any]:
    """The parsed TOML document as settings by field name; unknown keys are errors that say where they are."""
    _check_keys(data, "", "wirehouse.toml")
    settings = data.get("wirehouse", {})
    _check_keys(settings, "wirehouse", "[wirehouse]")
    layer = {key: value for key, value in settings.items() if key in TOML_SETTINGS}
    fetch = _fetch_table(data, settings)
    if fetch:
        layer["fetch"] = fetch
    if "sources" in data:
        layer["sources"] = tuple(_source(raw) for raw in data["sources"])
    return layer


#: The settings that say where the lake is and how its writer connects, with their defaults: all a read needs.
LAKE_SETTINGS: Mapping[str, str | None] = {
    "home": DEFAULT_HOME,
    "catalog": None,
    "data_path": None,
    "writer_memory": DEFAULT_WRITER_MEMORY,
}
#: Prefix of the settings' environment variables (WIREHOUSE_HOME, ...), a contract with users and scripts.
ENV_PREFIX = "WIREHOUSE_"


def config_layer(config: str | Path | None = None, *, require_config: bool = False) -> dict[str, Any]:
    """The wirehouse.toml layer: the named file, else ./wirehouse.toml when it exists, else nothing."""
    path = Path(config) if config is not None else DEFAULT_CONFIG
    return read_config(path) if require_config or path.exists() else {}


def lake_settings(
    config: str | Path | None = None, environ: Mapping[str, str] | None = None, **flags: str | None
) -> dict[str, str | None] | None:
    """The four lake settings as Settings would resolve them (None flags: not given), or None when a value is not
    a string and only the full Settings can say what is wrong with it.

    Environment names match case-insensitively and empty values count as unset, as pydantic-settings reads them.
    """
    layer = config_layer(config)
    env = {k.lower(): v for k, v in (os.environ if environ is None else environ).items() if v != ""}
    values: dict[str, str | None] = {}
    for name, default in LAKE_SETTINGS.items():
        value = layer.get(name, default)
        value = env.get((ENV_PREFIX + name).lower(), value)
        if flags.get(name) is not None:
            value = flags[name]
        if value is not None and not isinstance(value, str):
            return None
        values[name] = value
    return values


def lake_home(config: str | Path | None = None, home: str | None = None) -> Home | None:
    """The warehouse home a read-only command opens (--home first), without building the whole Settings; None
    when a value is of the wrong type, for the full Settings (flows/settings.py) to report."""
    values = lake_settings(config, home=home)
    if values is None:
        return None
    return Home.resolve(
        values["home"], catalog=values["catalog"], data_url=values["data_path"], writer_memory=values["writer_memory"]
    )
