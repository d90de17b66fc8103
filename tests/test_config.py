"""Settings: wirehouse.toml parses and refuses typos; defaults < wirehouse.toml < WIREHOUSE_* < CLI flags; and the
environment is read in flows/settings.py alone (with its pydantic-free file layer, flows/settings_file.py, which
resolves the lake's own settings for the read-only commands the same way)."""

from __future__ import annotations

import ast
import os
import re
import tomllib
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from acquisition.fetching import FetchConfig
from flows.settings import (
    DEFAULT_BATCH_SIZE,
    NLP_LANGUAGES,
    ConfigError,
    NlpOptions,
    load_settings,
    parse_config,
    read_config,
)

REPO = Path(__file__).resolve().parents[1]
SETTINGS_MODULE = REPO / "flows" / "settings.py"
SETTINGS_MODULES = (SETTINGS_MODULE, REPO / "flows" / "settings_file.py")
ENV_NAME = re.compile(r"^WIREHOUSE_[A-Z0-9_]+$")


@pytest.fixture
def clean(tmp_path, monkeypatch):
    """No WIREHOUSE_* variable and no wirehouse.toml in the current directory."""
    for name in [n for n in os.environ if n.startswith("WIREHOUSE_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_example_config_parses():
    settings = load_settings(REPO / "wirehouse.example.toml")
    assert [s.name for s in settings.sources] == ["example-news", "cc-news"]
    assert settings.sources[0].interval == timedelta(minutes=30)
    assert isinstance(settings.fetch, FetchConfig)
    assert settings.fetch.per_host_delay_s == 1.0
    assert settings.fetch.user_agent == "wirehouse/0.1 (+mailto:newsdesk@example.org)"


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


def test_a_missing_config_file_is_an_error_only_when_required(clean):
    assert load_settings().sources == ()
    with pytest.raises(ConfigError, match="not found"):
        read_config(clean / "wirehouse.toml")
    with pytest.raises(ConfigError, match="not found"):
        load_settings(clean / "elsewhere.toml", require_config=True)


def test_a_value_of_the_wrong_type_is_refused(clean):
    (clean / "wirehouse.toml").write_text('[fetch]\ntimeout_s = "soon"\n')
    with pytest.raises(ValidationError, match="timeout_s"):
        load_settings()


def test_defaults(clean):
    settings = load_settings()
    assert settings.home == "./data" and settings.batch_size == DEFAULT_BATCH_SIZE
    assert settings.nlp() == NlpOptions(languages=NLP_LANGUAGES)
    assert settings.fetch == FetchConfig() and settings.fetch_options() is None


def test_toml_over_defaults_env_over_toml_flags_over_env(clean, monkeypatch):
    toml = '[wirehouse]\nbatch_size = 7\nhome = "from-toml"\nspacy_model = "toml_model"\n'
    (clean / "wirehouse.toml").write_text(toml)
    settings = load_settings()
    assert (settings.batch_size, settings.home, settings.spacy_model) == (7, "from-toml", "toml_model")
    monkeypatch.setenv("WIREHOUSE_BATCH_SIZE", "9")
    monkeypatch.setenv("WIREHOUSE_HOME", "from-env")
    settings = load_settings()
    assert (settings.batch_size, settings.home, settings.spacy_model) == (9, "from-env", "toml_model")
    settings = load_settings(batch_size=11, home=None, spacy_model="flag_model")
    assert (settings.batch_size, settings.home, settings.spacy_model) == (11, "from-env", "flag_model")


def test_an_empty_variable_counts_as_unset(clean, monkeypatch):
    monkeypatch.setenv("WIREHOUSE_CATALOG", "")
    assert load_settings().catalog is None and load_settings().lake_home().shared_catalog is None


def test_the_cli_home_follows_the_same_order(clean, monkeypatch):
    from shell.cli import main

    def missing_home(*args: str) -> str:
        result = CliRunner().invoke(main, ["sql", "SELECT 1", *args])
        assert result.exit_code != 0
        return result.output

    (clean / "wirehouse.toml").write_text('[wirehouse]\nhome = "toml-home"\n')
    assert str(clean / "toml-home") in missing_home()
    monkeypatch.setenv("WIREHOUSE_HOME", str(clean / "env-home"))
    assert str(clean / "env-home") in missing_home()
    assert str(clean / "flag-home") in missing_home("--home", str(clean / "flag-home"))


@pytest.mark.parametrize(
    "name, value, expected",
    [
        ("WIREHOUSE_HOME", "/srv/news", {"home": "/srv/news"}),
        ("WIREHOUSE_CATALOG", "postgres:dbname=lake", {"catalog": "postgres:dbname=lake"}),
        ("WIREHOUSE_DATA_PATH", "s3://bucket/lake/", {"data_path": "s3://bucket/lake/"}),
        ("WIREHOUSE_WRITER_MEMORY", "2GB", {"writer_memory": "2GB"}),
        ("WIREHOUSE_AUTO_COMPACT_FILES", "1", {"auto_compact_files": 1}),
        ("WIREHOUSE_SPACY_MODEL", "en_core_web_md", {"spacy_model": "en_core_web_md"}),
        ("WIREHOUSE_USE_BLIS", "1", {"use_blis": True}),
        ("WIREHOUSE_REUSE_PARSES", "0", {"reuse_parses": False}),
        ("WIREHOUSE_CRASH_AT", "load:done:2", {"crash_at": "load:done:2"}),
        ("WIREHOUSE_NLP_LANGUAGES", "en, de", {"nlp_languages": frozenset({"en", "de"})}),
    ],
)
def test_every_wirehouse_variable_still_works(clean, monkeypatch, name, value, expected):
    monkeypatch.setenv(name, value)
    settings = load_settings()
    assert {key: getattr(settings, key) for key in expected} == expected


def test_the_lake_home_carries_where_the_lake_is_without_showing_the_password(clean, monkeypatch):
    monkeypatch.setenv("WIREHOUSE_CATALOG", "postgres:dbname=lake password=hunter2")
    monkeypatch.setenv("WIREHOUSE_DATA_PATH", "s3://bucket/lake/")
    settings = load_settings(home=str(clean / "h"), writer_memory="1GB")
    home = settings.lake_home()
    assert home.root == clean / "h" and home.data_url == "s3://bucket/lake/" and home.writer_memory == "1GB"
    assert home.shared_catalog == "postgres:dbname=lake password=hunter2"
    assert "hunter2" not in repr(home) and "hunter2" not in repr(settings)


@pytest.mark.parametrize(
    "toml, env, flag",
    [
        ("", {}, None),
        ('[wirehouse]\nhome = "toml-home"\nwriter_memory = "1GB"\n', {}, None),
        ('[wirehouse]\nhome = "toml-home"\ncatalog = "postgres:dbname=t"\n', {"WIREHOUSE_HOME": "env-home"}, None),
        ('[wirehouse]\nhome = "toml-home"\n', {"WIREHOUSE_HOME": "env-home"}, "flag-home"),
        ('[wirehouse]\ndata_path = "s3://t/"\n', {"WIREHOUSE_DATA_PATH": "", "wirehouse_catalog": "postgres:x"}, None),
        ("", {"WIREHOUSE_WRITER_MEMORY": "2GB", "WIREHOUSE_CATALOG": ""}, "flag-home"),
    ],
)
def test_the_read_only_lake_home_is_the_settings_lake_home(clean, monkeypatch, toml, env, flag):
    """sql and status resolve the lake without pydantic: the same four values, by the same layers and order."""
    from flows.settings_file import lake_home

    if toml:
        (clean / "wirehouse.toml").write_text(toml)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    full = load_settings(home=flag).lake_home()
    light = lake_home(home=flag)
    assert (light, light.shared_catalog) == (full, full.shared_catalog)


def test_the_read_only_lake_home_leaves_a_wrong_type_to_the_settings(clean):
    from flows.settings_file import lake_home
    from shell.cli import main

    (clean / "wirehouse.toml").write_text("[wirehouse]\nwriter_memory = 512\n")
    assert lake_home() is None
    result = CliRunner().invoke(main, ["status"])
    assert result.exit_code != 0 and "writer_memory" in result.output


def test_fetch_options_are_the_knobs_set_away_from_their_defaults(clean):
    (clean / "wirehouse.toml").write_text('[wirehouse]\nuser_agent = "me"\n[fetch]\nretries = 3\ntimeout_s = 5\n')
    assert load_settings().fetch_options() == {"user_agent": "me", "timeout_s": 5.0}


def test_nlp_options_read_only_the_configured_languages():
    options = NlpOptions(languages=frozenset({"de"}))
    assert options.reads({"language": "de"}) and not options.reads({"language": "en"})
    assert NlpOptions().reads({"language": "en"})


def _source_files() -> list[Path]:
    return [
        p for package in ("flows", "shell", "transforms", "warehouse") for p in sorted((REPO / package).rglob("*.py"))
    ]


def _reads_environment(tree: ast.AST) -> bool:
    names = {"environ", "environb", "getenv", "getenvb"}
    return any(
        (isinstance(node, ast.Attribute) and node.attr in names) or (isinstance(node, ast.Name) and node.id in names)
        for node in ast.walk(tree)
    )


def _wirehouse_variables(tree: ast.AST) -> set[str]:
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and ENV_NAME.match(node.value)
    }


def test_only_the_settings_module_reads_wirehouse_variables():
    offenders = []
    for path in _source_files():
        if path in SETTINGS_MODULES:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        relative = path.relative_to(REPO).as_posix()
        if relative.startswith("transforms/") and _reads_environment(tree):
            offenders.append(f"{relative} reads the environment")
        elif _reads_environment(tree) and (names := _wirehouse_variables(tree)):
            offenders.append(f"{relative} reads the environment and names {sorted(names)}")
    assert not offenders, "read these through flows.settings instead: " + "; ".join(offenders)


def test_the_batch_size_default_is_written_once():
    pattern = re.compile(r"batch.size.{0,40}\b100\b", re.IGNORECASE)
    written = [
        path.relative_to(REPO).as_posix()
        for path in _source_files()
        if path != SETTINGS_MODULE and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert not written, f"use flows.settings.DEFAULT_BATCH_SIZE (the batch_size setting): {written}"
