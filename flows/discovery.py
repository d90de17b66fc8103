"""What a run has to work on: items listed by feeds, sitemaps and URL files, pages of local files.

Plain functions without Prefect, so that the CLI can find out that there is nothing to do before it pays for
starting Prefect (flows/empty_run.py); the Prefect tasks and flows call the same functions.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from acquisition import sources
from acquisition.fetching import BlockedAddress, FetchConfig, Validators
from acquisition.records import Item, Page, Source
from acquisition.warc import RemoteWarcFailed, WarcTally

if TYPE_CHECKING:
    from flows.settings import Settings


@dataclass
class Discovered:
    """What discovery found across the sources of a run."""

    items: list[Item] = field(default_factory=list)
    #: quarantine rows of unreadable sources and of unreadable sitemaps nested in a readable index
    failures: list[dict] = field(default_factory=list)
    #: feed and sitemap document validators, for the next run's conditional GET
    validators: dict[str, Validators] = field(default_factory=dict)
    #: per sitemap document read: the sitemaps it lists
    children: dict[str, list[str]] = field(default_factory=dict)
    #: feeds, sitemaps and URL files read without failing (their open discovery failures are resolved)
    read: list[str] = field(default_factory=list)


def fetch_config(settings: Settings, user_agent: str | None = None, options: dict | None = None) -> FetchConfig:
    """The settings' fetch knobs, with a flow's own options and user agent (flow parameters) on top."""
    overrides = dict(options or {})
    if user_agent:
        overrides["user_agent"] = user_agent
    return replace(settings.fetch, allow_private=settings.allow_private, **overrides)


def discover_sources(
    remote_sources: Sequence[Source],
    url_files: Sequence[str],
    config: FetchConfig,
    validators: dict,
    children: dict[str, list[str]] | None = None,
) -> Discovered:
    """Items from feeds, sitemaps and URL lists (a URL listed by two sources comes twice); unreadable sources,
    and unreadable sitemaps nested in a readable index, are quarantined one row each.

    children (per sitemap document, the sitemaps it listed when last read) lets an index that answers 304
    still have its children asked for with their own validators."""
    from flows.stages import quarantine_row  # here: flows.stages imports the extractor, which local pages skip

    out = Discovered()
    stored = {url: Validators(*v) for url, v in validators.items()}
    for source in remote_sources:
        try:
            if source.kind == "feed":
                found = sources.discover_feed(source.location, config, stored)
            else:
                found = sources.discover_sitemap(source.location, config, stored, children)
        except sources.DiscoveryFailed as exc:
            out.failures.append(
                quarantine_row(
                    "discover",
                    source.location,
                    exc.error_class,
                    str(exc),
                    source_kind=source.kind,
                    source=source.location,
                )
            )
            continue
        out.items.extend(found.items)
        out.validators.update(found.validators)
        out.children.update(found.children)
        out.read.extend(found.read)
        out.failures.extend(_nested_failure(source, location, exc) for location, exc in found.failed.items())
    for path in url_files:
        try:
            out.items.extend(sources.discover_url_file(path))
        except OSError as exc:
            out.failures.append(
                quarantine_row("discover", path, "unreadable_file", str(exc), source_kind="urls", source=path)
            )
            continue
        out.read.append(path)
    return out


def _nested_failure(source: Source, location: str, exc: sources.DiscoveryFailed) -> dict:
    """A quarantine row for a nested sitemap that could not be read, under the source that listed it."""
    from flows.stages import quarantine_row

    return quarantine_row(
        "discover", location, exc.error_class, str(exc), source_kind=source.kind, source=source.location
    )


def local_pages(
    html_dirs: Sequence[str],
    warcs: Sequence[str],
    allow_private: bool = False,
    tallies: dict[str, WarcTally] | None = None,
) -> Iterator[Page]:
    """Pages of local directories and WARC files; a WARC that cannot be opened becomes a failed page.

    tallies receives, per WARC file, what its reader found (for the run summary to reconcile).
    """
    for directory in html_dirs:
        yield from sources.iter_html_dir(directory)
    for path in warcs:
        tally = WarcTally()
        if tallies is not None:
            tallies[path] = tally
        try:
            yield from sources.iter_warc(path, allow_private=allow_private, tally=tally)
        except (OSError, RemoteWarcFailed, BlockedAddress) as exc:
            error_class = getattr(exc, "error_class", "unreadable_file")
            tally.damaged_ranges += 1  # the file as a whole, unread
            yield Page(
                url=path,
                source=Source("warc", path),
                fetched_at=datetime.now(UTC),
                error_class=error_class,
                error_message=f"{path}: {exc}",
            )


#: Discovery done ahead of a flow in this process, keyed by what it read: (sources, URL files, incremental).
_AHEAD: dict[tuple, tuple[Discovered, float]] = {}


def _ahead_key(remote: Sequence[Source], url_files: Sequence[str], incremental: bool) -> tuple:
    return tuple(remote), tuple(url_files), incremental


def hand_over(
    remote: Sequence[Source], url_files: Sequence[str], incremental: bool, discovered: Discovered, seconds: float
) -> None:
    """Keep what was discovered for the flow about to start here, so its sources are not read twice."""
    _AHEAD[_ahead_key(remote, url_files, incremental)] = (discovered, seconds)


def take_discovered(
    remote: Sequence[Source], url_files: Sequence[str], incremental: bool
) -> tuple[Discovered, float] | None:
    """What hand_over kept for these sources (once), with the seconds it took; None when nothing was."""
    return _AHEAD.pop(_ahead_key(remote, url_files, incremental), None)
