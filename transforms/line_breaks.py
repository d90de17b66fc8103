"""A line break always ends a sentence, and so does a dateline.

Extracted article text has one paragraph per line and starts with the headline, which has no final
punctuation: left to the model, the headline runs into the lead sentence and the first claim's content carries
it. A wire story's lead opens with a dateline ("CLEVELAND, July 19 (UPI) — Mukasey told ..."), which the parser
otherwise takes for the subject of the lead sentence. This component marks the token after every line break and
after a dateline as a sentence start: before the parser, which keeps boundaries already set, or after the
senter, which would overwrite them.
"""

from __future__ import annotations

import re

import numpy as np
from spacy.attrs import IDX
from spacy.language import Language
from spacy.tokens import Doc

NAME = "line_breaks"
#: A newline and the whitespace around it, up to the next word.
_LINE_BREAK = re.compile(r"[ \t]*\n\s*")
#: A paragraph opening with a place in capitals, then up to a date and an agency, then a dash:
#: "WASHINGTON (AP) — ", "CAMBRIDGE, Mass., Dec. 11 (UPI) — ", "MYRTLE BEACH, S.C. -- ".
_DATELINE = re.compile(r"^[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+)*(?:\s*[,(][^\n—–]{0,50}?)?\s+(?:—|–|--)\s*", re.M)


@Language.component(NAME)
def mark_line_breaks(doc: Doc) -> Doc:
    """Sentence start at the first word after each run of whitespace holding a newline and after each dateline;
    other tokens are left to the model. Only those tokens are touched (a Token per word would cost more)."""
    starts = doc.to_array([IDX])
    ends = [m.end() for m in _LINE_BREAK.finditer(doc.text)] + [m.end() for m in _DATELINE.finditer(doc.text)]
    for end in ends:
        k = int(np.searchsorted(starts, end))
        if 0 < k < len(starts) and starts[k] == end:
            doc[k].is_sent_start = True
    return doc


def add_line_breaks(nlp: Language) -> None:
    """Put the component where its boundaries survive: after an enabled senter, else before the parser."""
    if NAME in nlp.pipe_names:
        return
    if "senter" in nlp.pipe_names:
        nlp.add_pipe(NAME, after="senter")
    elif "parser" in nlp.pipe_names:
        nlp.add_pipe(NAME, before="parser")
