"""Polite, bounded, SSRF-safe HTTP fetching for the ingest flows (plain functions, no Prefect)."""

from .client import decode_text, fetch_many, fetch_one
from .config import FetchConfig, FetchResult, Validators
from .guard import AddressPolicy, BlockedAddress, check_url
from .robots import clear_robots_cache

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
