"""How far two PolNeAR annotators agree, scored exactly as the claims stage is: the ceiling its numbers sit under.

PolNeAR has a few articles annotated by two people. The shared scorer takes the alphabetically first annotator as
gold; this bench scores the second one's relations against the first with the same functions
(../shared/tools/attribution/score_attribution.py), as if the second annotator were a system. A target above
these numbers asks for more agreement with one annotator than another trained annotator reaches. Run by hand:

    uv run python bench/bench_attribution_agreement.py [--split train]

Exits 0 with a note when ../shared is absent.
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

TOOLS = Path(__file__).resolve().parents[2] / "shared" / "tools" / "attribution"


def second_annotator_as_predictions(scorer, split: str) -> tuple[dict, dict]:
    """Gold (first annotator) and predictions (second annotator) for every article two people annotated."""
    root = scorer.POLNEAR / split
    by_stem: dict[str, list[tuple[str, Path]]] = collections.defaultdict(list)
    for path in (root / "attributions").glob("*.ann"):
        stem, _, annotator = path.stem.rpartition("_")
        by_stem[stem].append((annotator, path))
    gold, predicted = {}, {}
    for stem, files in by_stem.items():
        if len(files) < 2:
            continue
        (_, first), (_, second) = sorted(files)[:2]
        text = (root / "text" / f"{stem}.txt").read_text(encoding="utf-8")
        gold[stem] = scorer.parse_ann(first, text)
        predicted[stem] = [
            {"content": r["content"], "cue": r["cue"], "speakers": [r["source"]] if r["source"] else []}
            for r in scorer.parse_ann(second, text)
        ]
    return gold, predicted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="train", choices=["dev", "train"])
    args = parser.parse_args()
    if not (TOOLS / "score_attribution.py").exists():
        print(f"skipped: {TOOLS} not found (the PolNeAR tools sit beside the checkout in ../shared)")
        return
    sys.path.insert(0, str(TOOLS))
    import score_attribution as scorer

    gold, predicted = second_annotator_as_predictions(scorer, args.split)
    counts = scorer.score(gold, predicted)
    label = f"second PolNeAR annotator scored against the first ({args.split})"
    scorer.report(counts, label, len(gold), len(gold), len(gold))


if __name__ == "__main__":
    main()
