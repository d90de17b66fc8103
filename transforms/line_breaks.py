"""A line break always ends a sentence.

Extracted article text has one paragraph per line and starts with the headline, which has no final
punctuation: left to the model, the headline runs into the lead sentence and the first claim's content carries
it. This component marks the token after every line break as a sentence start: before the parser, which keeps
boundaries already set, or after the senter, which would overwrite them.
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


@Language.component(NAME)
def mark_line_breaks(doc: Doc) -> Doc:
    """Sentence start at the first word after each run of whitespace holding a newline; other tokens are left to
    the model. Only the tokens after line breaks are touched (a Token per word would cost more than the rule)."""
    starts = doc.to_array([IDX])
    for match in _LINE_BREAK.finditer(doc.text):
        k = int(np.searchsorted(starts, match.end()))
        if 0 < k < len(starts) and starts[k] == match.end():
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
