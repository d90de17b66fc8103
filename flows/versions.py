"""Code versions stamped on every row, so each row says what produced it."""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import re
import sys
from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from transforms.extraction import EXTRACTOR_VERSION

try:
    WIREHOUSE_VERSION = version("wirehouse")
except PackageNotFoundError:  # running from a bare checkout
    WIREHOUSE_VERSION = "0+unknown"


_LITERAL_VERSION = re.compile(r'^TRANSFORM_VERSION\s*=\s*"([^"\\]+)"\s*$', re.MULTILINE)


def _transform_version(module: str) -> str:
    """TRANSFORM_VERSION of a transform module, read from its source when it is a plain string literal.

    Every run stamps these versions, but importing the modules imports spaCy (seconds): a run that parses
    nothing should not pay for that. Anything but a literal falls back to importing the module.
    """
    loaded = sys.modules.get(module)
    if loaded is not None:
        return loaded.TRANSFORM_VERSION
    top, *rest = module.split(".")
    # find_spec of a submodule would import its parent package (and with it spaCy): locate the file by hand
    spec = importlib.util.find_spec(top)
    if spec is not None and spec.submodule_search_locations:
        path = Path(next(iter(spec.submodule_search_locations)), *rest)
        source = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
        if source.is_file():
            found = _LITERAL_VERSION.findall(source.read_text(encoding="utf-8"))
            if len(found) == 1:
                return found[0]
    return importlib.import_module(module).TRANSFORM_VERSION


def entities_version() -> str:
    return _transform_version("transforms.entities")


def entities_stage_version(aliases: Mapping[str, str]) -> str:
    """Entity code version plus a fingerprint of the user alias table: editing aliases makes rows stale."""
    if not aliases:
        return entities_version()
    digest = hashlib.sha256(json.dumps(sorted(aliases.items())).encode()).hexdigest()[:8]
    return f"{entities_version()}+aliases.{digest}"


def claims_version() -> str:
    return _transform_version("transforms.claims.rows")


def code_version() -> str:
    return f"wirehouse-{WIREHOUSE_VERSION}/{EXTRACTOR_VERSION}/{entities_version()}/{claims_version()}"
