"""Extraction quality and speed on ../shared/corpus/extraction (990 annotated pages), per setting.

Scoring is the corpus README's (trafilatura's own benchmark): collapse whitespace runs to one space in the
output and in the snippets, plain substring containment, micro-averaged over all pages; a must-appear snippet
found is a TP, missing an FN; a must-not-appear snippet found is an FP, absent a TN. A crash, a refusal
(ExtractionFailed) or an empty output counts every must-appear snippet as missed.

Every setting sees the same bytes and URL; the settings run interleaved page by page (a different rotation on
each page), so background load on a shared machine hits them all alike and the speed ratios hold.

    uv run python bench/bench_extraction.py                 # all settings, all pages
    uv run python bench/bench_extraction.py --limit 200 --settings wirehouse,default,fast
    uv run python bench/bench_extraction.py --json /tmp/extraction.json
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import trafilatura  # noqa: E402

from bench.corpus import CorpusPage, extraction_corpus  # noqa: E402
from transforms.extraction import MIN_TEXT_CHARS, ExtractionFailed, extract_article  # noqa: E402

_WS = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _WS.sub(" ", text)


def _ours(body: bytes, url: str) -> str:
    try:
        return extract_article(body, url).text
    except ExtractionFailed:
        return ""


def _plain(**options) -> Callable[[bytes, str], str]:
    def run(body: bytes, url: str) -> str:
        return trafilatura.extract(body, url=url, **options) or ""

    return run


def _bare(min_chars: int = MIN_TEXT_CHARS, **options) -> Callable[[bytes, str], str]:
    """extract_article's trafilatura call with other options (the same parse, metadata and length gate)."""
    from trafilatura.utils import load_html

    def run(body: bytes, url: str) -> str:
        tree = load_html(body)
        if tree is None:
            return ""
        document = trafilatura.bare_extraction(tree, url=url, with_metadata=True, include_comments=False, **options)
        text = (document.text or "").strip() if document is not None else ""
        return text if len(text) >= min_chars else ""

    return run


def _bare_recall_fallback(body: bytes, url: str) -> str:
    """Balanced first; a recall-mode second try only when the first gives less than MIN_TEXT_CHARS."""
    text = _bare()(body, url)
    return text or _bare(favor_recall=True)(body, url)


_VISIBLE_TEXT = None


def _visible_text(tree) -> str:
    """The page's rendered text (no head, script, style, noscript or template), whitespace collapsed."""
    global _VISIBLE_TEXT
    if _VISIBLE_TEXT is None:
        from lxml.etree import XPath

        _VISIBLE_TEXT = XPath(
            "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::template)]"
        )
    return _WS.sub(" ", " ".join(_VISIBLE_TEXT(tree))).strip()


def _bare_standfirst(body: bytes, url: str) -> str:
    """extract_article's call, plus the page's description as a first paragraph when the page shows it in its
    body (a standfirst) and the main text lacks it: trafilatura drops most standfirsts (intro/lead/teaser)."""
    from trafilatura.utils import load_html

    tree = load_html(body)
    if tree is None:
        return ""
    document = trafilatura.bare_extraction(tree, url=url, with_metadata=True, include_comments=False)
    text = (document.text or "").strip() if document is not None else ""
    if len(text) < MIN_TEXT_CHARS:
        return ""
    lead = _WS.sub(" ", document.description or "").strip()
    if lead and lead not in _WS.sub(" ", text) and lead in _visible_text(tree):
        text = f"{lead}\n{text}"
    return text


def _bare_precision_if_long(body: bytes, url: str) -> str:
    """Both balanced and precision mode; the precision text when it keeps at least 90 % of the balanced one."""
    balanced = _bare()(body, url)
    precise = _bare(favor_precision=True)(body, url)
    return precise if precise and len(precise) >= 0.9 * len(balanced) else balanced


#: name -> (description, callable(body, url) -> main text)
SETTINGS: dict[str, tuple[str, Callable[[bytes, str], str]]] = {
    "wirehouse": ("extract_article (transforms/extraction.py as it is)", _ours),
    "default": ("trafilatura.extract(include_comments=False)", _plain(include_comments=False)),
    "fast": ("trafilatura.extract(include_comments=False, fast=True)", _plain(include_comments=False, fast=True)),
    "precision": (
        "extract(include_comments=False, favor_precision=True)",
        _plain(include_comments=False, favor_precision=True),
    ),
    "recall": ("extract(include_comments=False, favor_recall=True)", _plain(include_comments=False, favor_recall=True)),
    "no_tables": (
        "extract(include_comments=False, include_tables=False)",
        _plain(include_comments=False, include_tables=False),
    ),
    "dedup": ("extract(include_comments=False, deduplicate=True)", _plain(include_comments=False, deduplicate=True)),
    "bare": ("bare_extraction(tree, with_metadata) + 200-char gate (= extract_article's call)", _bare()),
    "bare_fast": ("the same with fast=True", _bare(fast=True)),
    "bare_recall_fb": ("the same; favor_recall retry when under 200 chars", _bare_recall_fallback),
    "bare_nogate": ("bare_extraction(tree, with_metadata), no length gate", _bare(min_chars=0)),
    "standfirst": ("bare + visible meta description prepended when missing (standfirst)", _bare_standfirst),
    "prec_if_long": ("bare balanced + precision; precision if >= 90 % of its length", _bare_precision_if_long),
}


@dataclass
class Score:
    setting: str
    description: str
    pages: int = 0
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0
    empty: int = 0
    crashed: int = 0
    seconds: float = 0.0
    en_tp: int = 0
    en_fn: int = 0
    en_fp: int = 0

    @staticmethod
    def _f1(p: float, r: float) -> float:
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        return self._f1(self.precision, self.recall)

    @property
    def accuracy(self) -> float:
        total = self.tp + self.fn + self.fp + self.tn
        return (self.tp + self.tn) / total if total else 0.0

    @property
    def en_f1(self) -> float:
        p = self.en_tp / (self.en_tp + self.en_fp) if self.en_tp + self.en_fp else 0.0
        r = self.en_tp / (self.en_tp + self.en_fn) if self.en_tp + self.en_fn else 0.0
        return self._f1(p, r)

    @property
    def ms_per_page(self) -> float:
        return 1000 * self.seconds / self.pages if self.pages else 0.0

    def add(self, page: CorpusPage, text: str, seconds: float) -> None:
        self.pages += 1
        self.seconds += seconds
        out = _norm(text)
        if not out.strip():
            self.empty += 1
        tp = sum(1 for s in page.must if _norm(s) in out) if out.strip() else 0
        fp = sum(1 for s in page.must_not if _norm(s) in out) if out.strip() else 0
        self.tp += tp
        self.fn += len(page.must) - tp
        self.fp += fp
        self.tn += len(page.must_not) - fp
        if page.language == "en":
            self.en_tp += tp
            self.en_fn += len(page.must) - tp
            self.en_fp += fp

    def row(self) -> dict:
        data = asdict(self)
        data.update(
            precision=round(self.precision, 4),
            recall=round(self.recall, 4),
            f1=round(self.f1, 4),
            accuracy=round(self.accuracy, 4),
            en_f1=round(self.en_f1, 4),
            ms_per_page=round(self.ms_per_page, 2),
        )
        return data


def run(settings: list[str], limit: int | None = None, progress: bool = True) -> list[Score]:
    pages = extraction_corpus(limit)
    scores = {name: Score(name, SETTINGS[name][0]) for name in settings}
    for _ in range(3):  # warm up imports, caches and regexes on a few pages, untimed
        for name in settings:
            SETTINGS[name][1](pages[_].body, pages[_].url)
    started = time.perf_counter()
    for index, page in enumerate(pages):
        shift = index % len(settings)
        for name in settings[shift:] + settings[:shift]:
            fn = SETTINGS[name][1]
            t0 = time.perf_counter()
            try:
                text = fn(page.body, page.url)
            except Exception:  # noqa: BLE001 - a crash scores as an empty output
                text = ""
                scores[name].crashed += 1
            scores[name].add(page, text, time.perf_counter() - t0)
        if progress and index % 100 == 99:
            print(
                f"  extraction bench: {index + 1}/{len(pages)} pages, {time.perf_counter() - started:.0f} s",
                file=sys.stderr,
            )
    return list(scores.values())


def table(scores: list[Score], reference: str = "default") -> str:
    ref = next((s for s in scores if s.setting == reference), scores[0])
    lines = [
        f"{'setting':<16} {'P':>6} {'R':>6} {'F1':>6} {'acc':>6} {'F1 en':>6} {'empty':>5} {'ms/page':>8} "
        f"{'x ' + ref.setting:>10}  what",
    ]
    for s in scores:
        lines.append(
            f"{s.setting:<16} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.accuracy:6.3f} {s.en_f1:6.3f} "
            f"{s.empty:5d} {s.ms_per_page:8.1f} {s.seconds / ref.seconds if ref.seconds else 0:10.2f}  {s.description}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages (by name)")
    parser.add_argument("--settings", default=",".join(SETTINGS), help=f"comma-separated subset of {list(SETTINGS)}")
    parser.add_argument("--json", type=Path, help="write the scores here as JSON")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.settings.split(",") if n.strip()]
    unknown = [n for n in names if n not in SETTINGS]
    if unknown:
        parser.error(f"unknown settings {unknown}; choose from {list(SETTINGS)}")
    scores = run(names, args.limit)
    print(table(scores))
    if args.json:
        args.json.write_text(json.dumps([s.row() for s in scores], indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
