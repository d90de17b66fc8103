"""The summary of a run, kept apart from the pipeline so that a run with nothing to do needs no Prefect."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class RunSummary:
    """What a run did, for the CLI, the Prefect artifact and the runs table."""

    run_id: str
    flow: str
    started_at: datetime
    discovered: int = 0
    fetched: int = 0
    unchanged: int = 0
    extracted: int = 0
    quarantined: int = 0
    #: discovery failures of earlier runs resolved because their source was read again
    quarantine_resolved: int = 0
    articles: int = 0
    entities: int = 0
    mentions: int = 0
    claims: int = 0
    batches: int = 0
    #: articles whose text was parsed before in the same process (syndicated copies): the parse was reused
    nlp_reused: int = 0
    duration_s: float = 0.0
    quarantine_reasons: Counter = field(default_factory=Counter)
    stage_seconds: Counter = field(default_factory=Counter)
    checks: list[dict] = field(default_factory=list)
    #: per WARC file: what the reader found and what became of it (records + damaged ranges = outcomes)
    files: dict[str, dict] = field(default_factory=dict)

    @property
    def articles_per_second(self) -> float:
        return self.extracted / self.duration_s if self.duration_s else 0.0

    def as_dict(self) -> dict:
        data = {k: v for k, v in self.__dict__.items() if not isinstance(v, Counter)}
        data["started_at"] = self.started_at.isoformat()
        data["quarantine_reasons"] = dict(self.quarantine_reasons)
        data["stage_seconds"] = {k: round(v, 3) for k, v in self.stage_seconds.items()}
        data["articles_per_second"] = round(self.articles_per_second, 2)
        data["checks"] = [{k: str(v) if k == "checked_at" else v for k, v in c.items()} for c in self.checks]
        return data
