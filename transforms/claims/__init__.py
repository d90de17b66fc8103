"""Claims: who said what, how sure, with which figures and dates, from the Doc the entity stage parsed.

Stages, each in its own module: quotation marks (quotes), the cue lexicon learned from annotated news (lexicon,
frames), attributions found from quotes, cue words and the dependency tree (finders, syntax, content), from
phrases such as "according to" and "in a new poll" (phrases), speakers resolved in document order (speakers),
and the rows with figures, dates and entities (rows). Word lists live in data/claim_words.toml (words).
"""

from transforms.claims.rows import (
    TRANSFORM_VERSION,
    ExtractedClaims,
    extract_claims,
)

__all__ = [
    "TRANSFORM_VERSION",
    "ExtractedClaims",
    "extract_claims",
]
