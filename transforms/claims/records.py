"""The records the claims stage passes between its steps: an attribution before and after its speaker is known."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Token


@dataclass
class Speaker:
    entity_id: str | None
    text: str
    kind: str
    noun: str | None = None
    plural: bool = False


#: The speaker of a claim the text does not attribute to anyone ("X is expected to ...").
NO_SPEAKER = Speaker(None, "", "NONE")


@dataclass
class Attribution:
    """One claim before its speaker is resolved: where it is said, by which subject, and what."""

    source: str  # quote, reported, according, continuation
    cue: str
    cue_tok: Token | None
    subject: Token | None
    segments: list[tuple[int, int]]
    is_direct: bool
    anchor: int
    paragraph: int
    inherit: Attribution | None = None
    content_before: bool = False
    in_quote: bool = False
    speaker: Speaker | None = None
    nested_in: Attribution | None = None
    extra: dict = field(default_factory=dict)

    @property
    def start(self) -> int:
        return self.segments[0][0]

    @property
    def end(self) -> int:
        return self.segments[-1][1]
