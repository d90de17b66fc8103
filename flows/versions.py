"""Code versions stamped on every row, so each row says what produced it."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from transforms.extraction import EXTRACTOR_VERSION

try:
    WIREHOUSE_VERSION = version("wirehouse")
except PackageNotFoundError:  # running from a bare checkout
    WIREHOUSE_VERSION = "0+unknown"


def entities_version() -> str:
    from transforms.entities import TRANSFORM_VERSION

    return TRANSFORM_VERSION


def claims_version() -> str:
    from transforms.claims import TRANSFORM_VERSION

    return TRANSFORM_VERSION


def code_version() -> str:
    return f"wirehouse-{WIREHOUSE_VERSION}/{EXTRACTOR_VERSION}/{entities_version()}/{claims_version()}"
