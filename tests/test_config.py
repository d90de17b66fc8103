"""wirehouse.toml: the example parses, and a misspelt setting is an error, not silently ignored."""

from __future__ import annotations

import tomllib
from datetime import timedelta
from pathlib import Path

import pytest

from flows.config import ConfigError, load_config, parse_config

REPO = Path(__file__).resolve().parents[1]


def test_the_example_config_parses():
    config = load_config(REPO / "wirehouse.example.toml")
    assert [s.name for s in config.sources] == ["example-news", "cc-news"]
    assert config.sources[0].interval == timedelta(minutes=30)
    assert config.fetch["per_host_delay_s"] == 1.0


@pytest.mark.parametrize(
    "toml, where",
    [
        ('[[sources]]\nname = "a"\nfeeds = []\nper_host_delay_s = 2', "[[sources]] a"),
        ('[[sources]]\nname = "a"\nschedule = { every = "5m" }', "schedule of source a"),
        ('[wirehouse]\nhome_dir = "x"', "[wirehouse]"),
        ("[fetch]\nper_host_delay = 2", "[fetch]"),
        ('[[source]]\nname = "a"', "wirehouse.toml"),
    ],
)
def test_an_unknown_setting_names_where_it_is(toml, where):
    with pytest.raises(ConfigError, match="unknown settings") as raised:
        parse_config(tomllib.loads(toml))
    assert where in str(raised.value)
