"""Polite, bounded, SSRF-safe HTTP fetching for the ingest flows (plain functions, no Prefect).

The names load on first use, so that reading the settings (which need only FetchConfig) does not import httpx.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .client import decode_text, fetch_many, fetch_one
    from .config import FetchConfig, FetchResult, Validators
    from .guard import AddressPolicy, BlockedAddress, check_url
    from .robots import clear_robots_cache

_MODULE_OF = {
    "AddressPolicy": ".guard",
    "BlockedAddress": ".guard",
    "FetchConfig": ".config",
    "FetchResult": ".config",
    "Validators": ".config",
    "check_url": ".guard",
    "clear_robots_cache": ".robots",
    "decode_text": ".client",
    "fetch_many": ".client",
    "fetch_one": ".client",
}

__all__ = [
    "AddressPolicy",
    "BlockedAddress",
    "FetchConfig",
    "FetchResult",
    "Validators",
    "check_url",
    "clear_robots_cache",
    "decode_text",
    "fetch_many",
    "fetch_one",
]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value
