"""docs/cli.md is the commands' own help: a changed option without a regenerated reference fails here."""

from shell.cli_reference import REFERENCE_PATH, render


def test_cli_reference_is_current():
    assert REFERENCE_PATH.read_text(encoding="utf-8") == render(), (
        "docs/cli.md is stale: run `uv run python -m shell.cli_reference`"
    )


def test_reference_has_every_command_and_option():
    text = render()
    for heading in ("## wirehouse ingest", "## wirehouse sql", "## wirehouse alias add", "## wirehouse backfill"):
        assert heading in text
    assert "--html-dir" in text and "--home" in text
