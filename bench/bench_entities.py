"""Words per second of the entity stage (load_nlp pipeline + link_entities) against plain spaCy.

Same texts, same process, rounds interleaved; the best round of each counts, in process CPU time
(wall time on a shared machine mostly measures the other tenants). Texts: English pages of
../shared/corpus/extraction (extracted with trafilatura, kept when py3langid says English) plus the
annotated test articles. Target: ruler + linking add under 20 %.

    uv run python bench/bench_entities.py [--rounds 3] [--max-pages 0] [--batch-size 16]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import py3langid
import spacy
import trafilatura

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from transforms.entities import link_entities  # noqa: E402
from transforms.nlp import DEFAULT_PIPELINE, load_nlp  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "extraction"
ARTICLES = ROOT / "tests" / "data" / "entities"


def english_pages(max_pages: int) -> list[str]:
    """Main texts of the corpus pages that are in English."""
    expected = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
    texts = []
    for name in sorted(expected):
        body = gzip.decompress((CORPUS / "pages" / name).read_bytes())
        text = trafilatura.extract(body, url=expected[name].get("url")) or ""
        if len(text) >= 200 and py3langid.classify(text)[0] == "en":
            texts.append(text)
            if max_pages and len(texts) >= max_pages:
                break
    return texts


def test_articles() -> list[str]:
    return [path.read_text(encoding="utf-8") for path in sorted(ARTICLES.glob("*.txt"))]


def timed(run: Callable[[], None], clock: Callable[[], float] = time.perf_counter) -> float:
    start = clock()
    run()
    return clock() - start


def cpu_timed(run: Callable[[], None]) -> float:
    """Process CPU seconds: on a shared machine, wall time mostly measures the other tenants."""
    return timed(run, time.process_time)


def _seconds(times: list[float]) -> str:
    return ", ".join(f"{t:.1f}s" for t in times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--max-pages", type=int, default=0, help="0 = every English page")
    parser.add_argument("--batch-size", type=int, default=16)
    args = parser.parse_args()

    started = time.perf_counter()
    texts = english_pages(args.max_pages) + test_articles()
    words = sum(len(text.split()) for text in texts)
    print(f"texts: {len(texts)} ({words} words), read and extracted in {time.perf_counter() - started:.1f}s")

    load_plain = timed(lambda: spacy.load(DEFAULT_PIPELINE))
    plain = spacy.load(DEFAULT_PIPELINE)
    load_entity = timed(load_nlp)
    nlp = load_nlp()
    print(
        f"load: spacy.load {load_plain:.2f}s, load_nlp (spacy.load + gazetteers + ruler) {load_entity:.2f}s, "
        f"ruler patterns {len(nlp.get_pipe('gazetteer_ruler'))}"
    )

    link_seconds = [0.0]  # CPU seconds inside link_entities

    def run_plain() -> None:
        for _ in plain.pipe(texts, batch_size=args.batch_size):
            pass

    def run_entities() -> None:
        for i, doc in enumerate(nlp.pipe(texts, batch_size=args.batch_size)):
            start = time.process_time()
            link_entities(doc, str(i))
            link_seconds[0] += time.process_time() - start

    for warm in (plain, nlp):
        list(warm.pipe(texts[:5]))
    plain_times, entity_times, link_times = [], [], []
    for _ in range(args.rounds):
        plain_times.append(cpu_timed(run_plain))
        link_seconds[0] = 0.0
        entity_times.append(cpu_timed(run_entities))
        link_times.append(link_seconds[0])

    best_plain, best_entity = min(plain_times), min(entity_times)
    best_link = link_times[entity_times.index(best_entity)]
    print(f"spaCy alone:   {words / best_plain:8.0f} words per CPU-second  (rounds: {_seconds(plain_times)})")
    print(f"entity stage:  {words / best_entity:8.0f} words per CPU-second  (rounds: {_seconds(entity_times)})")
    print(f"  of which link_entities {best_link:.2f}s, pipeline with ruler {best_entity - best_link:.2f}s")
    overhead = best_entity / best_plain - 1
    print(
        f"ratio spaCy/entity-stage speed: {best_entity / best_plain:.3f}  -> overhead {overhead * 100:+.1f}% "
        f"(target < +20%)"
    )


if __name__ == "__main__":
    main()
