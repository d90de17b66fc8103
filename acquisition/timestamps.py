"""Timestamps as sources write them: ISO 8601 (as standards say) or RFC 2822 (as many feeds and writers do)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def parse_timestamp(value: str | None) -> datetime | None:
    """An aware datetime (UTC when the value names no zone), or None when the value cannot be read."""
    if not value:
        return None
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
