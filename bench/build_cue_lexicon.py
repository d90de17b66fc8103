"""Build transforms/data/cue_lexicon.tsv: how often each word acts as an attribution cue in PolNeAR train.

PolNeAR (Newell, Margolin, Ruths, LREC 2018) annotates every attribution relation (source, cue, content) in
real political news. For each verb, noun and adjective in the train split this counts its occurrences and how
many of them lie inside an annotated cue, per lemma and per lemma + frame (the verb's complement: a clause, an
infinitive, an object, a particle or preposition). Only those counts go into the lexicon, never any text. Run by
hand after changing the frame definition (transforms/claims/frames.py), from the repository root:

    uv run python bench/build_cue_lexicon.py [--split train] [--min-cues 2] [--cache /tmp/polnear-train.spacy]
"""

from __future__ import annotations

import argparse
import collections
import re
from datetime import date
from pathlib import Path

import spacy
from spacy.tokens import DocBin

from transforms.claims.frames import frame_of
from transforms.claims.lexicon import LEXICON_PATH
from transforms.claims.quotes import find_quotes
from transforms.line_breaks import add_line_breaks
from transforms.nlp import DEFAULT_PIPELINE, add_gazetteer_ruler

POLNEAR = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "attribution" / "polnear"
COUNTED_POS = ("VERB", "NOUN", "ADJ", "AUX")


def cue_offsets(ann: Path) -> list[tuple[int, int]]:
    """Character ranges of the Cue spans of one BRAT standoff file."""
    out = []
    for line in ann.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if not (line.startswith("T") and len(parts) >= 2):
            continue
        label, _, offsets = parts[1].partition(" ")
        if label == "Cue":
            out.extend(tuple(map(int, piece.split())) for piece in offsets.split(";") if piece.strip())
    return out


def quoted_tokens(doc) -> set[int]:
    """Tokens inside quotation marks: words there belong to the quoted speaker and are never counted, since
    the claims stage does not look for cues inside a quotation."""
    out: set[int] = set()
    for quote in find_quotes(doc.text):
        span = doc.char_span(quote.start, quote.end, alignment_mode="expand")
        out.update(t.i for t in span or ())
    return out


def first_annotator_files(split_dir: Path) -> dict[str, Path]:
    by_stem: dict[str, list[Path]] = collections.defaultdict(list)
    for path in (split_dir / "attributions").glob("*.ann"):
        by_stem[path.stem.rpartition("_")[0]].append(path)
    return {stem: sorted(paths)[0] for stem, paths in by_stem.items()}


def parsed(nlp, texts: list[str], cache: Path | None) -> list:
    """The texts through the full pipeline, from a DocBin cache when one is given and exists."""
    if cache is not None and cache.exists():
        return list(DocBin().from_disk(cache).get_docs(nlp.vocab))
    docs = list(nlp.pipe(texts, batch_size=8))
    if cache is not None:
        DocBin(docs=docs).to_disk(cache)
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="train")
    parser.add_argument("--min-cues", type=int, default=2, help="keep words seen inside a cue at least this often")
    parser.add_argument("--cache", type=Path, help="DocBin of the split's full parse, written on first use")
    args = parser.parse_args()
    split_dir = POLNEAR / args.split
    if not split_dir.is_dir():
        raise SystemExit(f"PolNeAR not found at {split_dir}")
    nlp = spacy.load(DEFAULT_PIPELINE)  # the full parse: frames are needed for every verb, not only cue forms
    add_gazetteer_ruler(nlp)
    add_line_breaks(nlp)
    anns = first_annotator_files(split_dir)
    stems = sorted(s for s in anns if (split_dir / "text" / f"{s}.txt").exists())
    texts = [(split_dir / "text" / f"{s}.txt").read_text(encoding="utf-8") for s in stems]
    occurrences: collections.Counter = collections.Counter()
    cues: collections.Counter = collections.Counter()
    for stem, doc in zip(stems, parsed(nlp, texts, args.cache), strict=True):
        quoted = quoted_tokens(doc)
        inside = set()
        for start, end in cue_offsets(anns[stem]):
            span = doc.char_span(start, end, alignment_mode="expand")
            inside.update(t.i for t in span or ())
        for tok in doc:
            if tok.pos_ not in COUNTED_POS or not re.search(r"[a-z]", tok.lower_) or tok.i in quoted:
                continue
            lemma = tok.lemma_.lower()
            for key in ((lemma, tok.pos_, "*"), (lemma, tok.pos_, frame_of(tok))):
                occurrences[key] += 1
                cues[key] += tok.i in inside
    # Every frame of a word seen as a cue, also frames where it never is one: their counts pull its rate down.
    cue_words = {k[:2] for k in occurrences if k[2] == "*" and cues[k] >= args.min_cues}
    rows = sorted(
        (k for k in occurrences if k[:2] in cue_words and (cues[k] or occurrences[k] >= 3)),
        key=lambda k: (-cues[k], -occurrences[k], k),
    )
    lines = [
        f"# Attribution cue counts from PolNeAR {args.split} ({len(stems)} articles; Newell, Margolin, Ruths,",
        "# LREC 2018, networkdynamics/PolNeAR c3eee833), first annotator per article; built by",
        f"# bench/build_cue_lexicon.py on {date.today().isoformat()}. Words outside quotations only;",
        "# cues = occurrences inside an annotated Cue span; frame '*' = all frames.",
        "lemma\tpos\tframe\tcues\toccurrences",
    ]
    lines += [f"{k[0]}\t{k[1]}\t{k[2]}\t{cues[k]}\t{occurrences[k]}" for k in rows]
    LEXICON_PATH.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(rows)} keys written to {LEXICON_PATH}")


if __name__ == "__main__":
    main()
