"""Code versions stamped on every row, so each row says what produced it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, version

from transforms.extraction import EXTRACTOR_VERSION

try:
    WIREHOUSE_VERSION = version("wirehouse")
except PackageNotFoundError:  # running from a bare checkout
    WIREHOUSE_VERSION = "0+unknown"


def entities_version() -> str:
    from transforms.entities import TRANSFORM_VERSION

    return TRANSFORM_VERSION


def entities_stage_version(aliases: Mapping[str, str]) -> str:
    """Entity code version plus a fingerprint of the user alias table: editing aliases makes rows stale."""
    if not aliases:
        return entities_version()
    digest = hashlib.sha256(json.dumps(sorted(aliases.items())).encode()).hexdigest()[:8]
    return f"{entities_version()}+aliases.{digest}"


def claims_version() -> str:
    from transforms.claims import TRANSFORM_VERSION

    return TRANSFORM_VERSION


def code_version() -> str:
    return f"wirehouse-{WIREHOUSE_VERSION}/{EXTRACTOR_VERSION}/{entities_version()}/{claims_version()}"
