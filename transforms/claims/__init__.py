"""Claims: who said what, how sure, with which figures and dates, from the Doc the entity stage parsed.

Stages, each in its own module: quotation marks (quotes), the cue lexicon learned from annotated news
(lexicon, frames), attributions found from quotes, cues and "according to" (attribution), speakers resolved in
document order (attribution.SpeakerResolver), and the rows with figures, dates and entities (rows).
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
