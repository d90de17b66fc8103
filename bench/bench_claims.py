"""Overhead of the claims stage over the shared parse: time of extract_claims vs time of nlp.pipe on the same texts.

The parse is paid once per article for entities and claims together, so what the claims stage adds is its own
Python work over the Doc (quotes, attributions, speakers, figures, dates). Run by hand:

    uv run python bench/bench_claims.py [--repeat 5] [--dir tests/data/claims]
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime
from pathlib import Path

from transforms.claims import extract_claims
from transforms.entities import link_entities
from transforms.nlp import load_nlp

DEFAULT_DIR = Path(__file__).resolve().parents[1] / "tests" / "data" / "claims"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="directory of .txt articles")
    parser.add_argument("--repeat", type=int, default=5, help="how many times the texts are processed")
    args = parser.parse_args()

    texts = [p.read_text(encoding="utf-8") for p in sorted(args.dir.glob("*.txt"))] * args.repeat
    words = sum(len(t.split()) for t in texts)
    nlp = load_nlp()
    list(nlp.pipe(texts[:2]))  # warm up

    t0 = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=16))
    parse_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    linked = [link_entities(doc, f"a{i}") for i, doc in enumerate(docs)]
    entities_s = time.perf_counter() - t0

    published = datetime(2024, 10, 29, 12, tzinfo=UTC)
    t0 = time.perf_counter()
    claims = 0
    for i, (doc, found) in enumerate(zip(docs, linked, strict=True)):
        claims += len(extract_claims(doc, found.mentions, found.entities, f"a{i}", published).claims)
    claims_s = time.perf_counter() - t0

    n = len(texts)
    print(f"{n} articles, {words} words, {claims} claims")
    print(f"nlp.pipe        {parse_s:7.2f} s  {1000 * parse_s / n:7.1f} ms/article  {words / parse_s:8.0f} words/s")
    print(f"link_entities   {entities_s:7.2f} s  {1000 * entities_s / n:7.1f} ms/article")
    print(f"extract_claims  {claims_s:7.2f} s  {1000 * claims_s / n:7.1f} ms/article")
    print(f"claims overhead over the parse: {claims_s / parse_s:.3f}x ({100 * claims_s / parse_s:.1f} %)")


if __name__ == "__main__":
    main()
