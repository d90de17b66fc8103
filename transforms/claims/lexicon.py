"""The attribution cue lexicon: how often a word, in a given frame, acts as a cue in annotated news.

The counts come from PolNeAR train (see the header of data/cue_lexicon.tsv and bench/build_cue_lexicon.py).
A word's cue rate is smoothed towards zero, so that a word seen inside a cue twice in three occurrences does not
outrank one seen a thousand times; a frame seen too rarely backs off to the word's rate over all frames.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LEXICON_PATH = Path(__file__).resolve().parents[1] / "data" / "cue_lexicon.tsv"
ALL_FRAMES = "*"
#: Weight, in pseudo-occurrences, of the word's rate over all frames in the rate of one frame: a frame seen
#: rarely stays close to the word's rate, one seen often speaks for itself.
FRAME_PRIOR_WEIGHT = 5.0
#: Pseudo-occurrences (never a cue) added to every count: the smoothing towards zero.
SMOOTHING = 2.0
#: Smoothed cue rate a word needs in its frame to count as a cue on its own.
LEXICON_MIN_RATE = 0.3
#: The same for a verb right before or after a quotation, where far fewer verbs do anything but attribute it.
QUOTE_CUE_MIN_RATE = 0.05


@dataclass(frozen=True)
class CueCounts:
    cues: int
    occurrences: int

    @property
    def rate(self) -> float:
        return self.cues / (self.occurrences + SMOOTHING)


@lru_cache(maxsize=1)
def load_lexicon(path: Path = LEXICON_PATH) -> dict[tuple[str, str, str], CueCounts]:
    """(lemma, pos, frame) -> counts, read once per process."""
    with path.open(encoding="utf-8") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t")
        return {(r["lemma"], r["pos"], r["frame"]): CueCounts(int(r["cues"]), int(r["occurrences"])) for r in rows}


def cue_rate(lemma: str, pos: str, frame: str = ALL_FRAMES) -> float:
    """Smoothed share of occurrences that are cues, for the word in this frame, shrunk towards the word's rate
    over all frames. A frame the lexicon does not list counts as unseen (the word's rate), except a phrasal one."""
    lexicon = load_lexicon()
    overall = lexicon.get((lemma, pos, ALL_FRAMES))
    if overall is None:
        return 0.0
    if frame == ALL_FRAMES:
        return overall.rate
    own = lexicon.get((lemma, pos, frame))
    if own is None and frame.startswith("prt:"):
        return 0.0  # a phrasal verb never seen as a cue is another verb ("called up reservists")
    cues, seen = (own.cues, own.occurrences) if own is not None else (0, 0)
    return (cues + FRAME_PRIOR_WEIGHT * overall.rate) / (seen + FRAME_PRIOR_WEIGHT)


def cue_lemmas(pos: str, min_rate: float) -> frozenset[str]:
    """Lemmas of this part of speech whose cue rate reaches min_rate in some frame (or over all frames)."""
    lexicon = load_lexicon()
    return frozenset(lemma for (lemma, p, frame) in lexicon if p == pos and cue_rate(lemma, pos, frame) >= min_rate)
