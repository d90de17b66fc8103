"""A line break always ends a sentence.

Extracted article text has one paragraph per line and starts with the headline, which has no final
punctuation: left to the model, the headline runs into the lead sentence and the first claim's content carries
it. This component marks the token after every line break as a sentence start: before the parser, which keeps
boundaries already set, or after the senter, which would overwrite them.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

NAME = "line_breaks"


@Language.component(NAME)
def mark_line_breaks(doc: Doc) -> Doc:
    """Sentence start after each whitespace token holding a newline; other tokens are left to the model."""
    for i in range(1, len(doc)):
        if "\n" in doc[i - 1].text and doc[i - 1].is_space and not doc[i].is_space:
            doc[i].is_sent_start = True
    return doc


def add_line_breaks(nlp: Language) -> None:
    """Put the component where its boundaries survive: after an enabled senter, else before the parser."""
    if NAME in nlp.pipe_names:
        return
    if "senter" in nlp.pipe_names:
        nlp.add_pipe(NAME, after="senter")
    elif "parser" in nlp.pipe_names:
        nlp.add_pipe(NAME, before="parser")
