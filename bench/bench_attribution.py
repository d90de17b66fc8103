"""Claims on real news annotated by others: PolNeAR dev through the real CLI, scored by the shared scorer.

Builds the split's WARC with ../shared/tools/attribution/polnear_warc.py, runs `wirehouse ingest --warc` into a
fresh home, then prints the table of ../shared/tools/attribution/score_attribution.py (content, source, cue and
attribution F1), the same metric as the acceptance sets kept apart, and three figures on the direct quotes
that the acceptance sets also measure: how many quoted relations a claim covers with the same words (token
Jaccard over 0.8 and over 0.3), how often the speaker of a covered quote is right, and how many quotes whose
annotated source is a name, with that source found, carry a person's full name as their speaker entity. Tune on
train, report dev. Run by hand:

    uv run python bench/bench_attribution.py [--split dev] [--keep DIR]

Nothing of PolNeAR is written inside the repository: the WARC and the warehouse live in a temporary directory
(or --keep DIR). Exits 0 with a note when ../shared is absent.
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT.parent / "shared" / "tools" / "attribution"


def run(cmd: list[str]) -> str:
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{shlex.join(cmd)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", choices=["dev", "train"])
    parser.add_argument("--keep", type=Path, help="work in this directory and keep it (default: a temporary one)")
    args = parser.parse_args()
    if not (TOOLS / "score_attribution.py").exists():
        print(f"skipped: {TOOLS} not found (the PolNeAR tools sit beside the checkout in ../shared)")
        return
    work = args.keep or Path(tempfile.mkdtemp(prefix="wirehouse-polnear-"))
    work.mkdir(parents=True, exist_ok=True)
    warc, home = work / f"{args.split}.warc.gz", work / "home"
    python = sys.executable
    run([python, str(TOOLS / "polnear_warc.py"), str(warc), "--split", args.split])
    started = time.perf_counter()
    run([python, "-m", "shell.cli", "ingest", "--warc", str(warc), "--home", str(home)])
    ingest_s = time.perf_counter() - started
    sql = shlex.join([python, "-m", "shell.cli", "sql", "--home", str(home), "--format", "json"])
    table = run([python, str(TOOLS / "score_attribution.py"), sql, "--split", args.split, "--map", f"{warc}.map.json"])
    print(f"PolNeAR {args.split}: ingest {ingest_s:.1f} s through the CLI ({home})")
    print(table.rstrip())
    print(quote_figures(sql, args.split, Path(f"{warc}.map.json")))


#: Claims with their speaker entity's name and kind, for the quote figures.
QUOTE_QUERY = (
    "SELECT a.url, c.content, c.cue, c.speaker_text, e.name AS entity_name, e.kind AS entity_kind "
    "FROM claims c JOIN articles a USING (article_id) LEFT JOIN entities e ON e.entity_id = c.speaker_entity_id"
)


def _looks_like_a_name(source: str, pronouns: set[str]) -> bool:
    words = source.replace("’s", "").replace("'s", "").split()
    return (
        0 < len(words) <= 4
        and all(w[:1].isupper() for w in words)
        and words[0].lower()
        not in pronouns
        | {
            "the",
            "a",
        }
    )


def quote_figures(sql: str, split: str, map_path: Path) -> str:
    """Direct-quote boundaries and full-name speakers, matched by the scorer's own rules."""
    sys.path.insert(0, str(TOOLS))
    import score_attribution as scorer

    gold, _texts, _multi = scorer.load_gold(split)
    mapping = json.loads(map_path.read_text()) if map_path.exists() else {}
    rows = json.loads(run([*shlex.split(sql), QUOTE_QUERY]))
    preds: dict[str, list[dict]] = {}
    for row in rows:
        stem = scorer.url_to_stem(row["url"], set(gold), mapping)
        if stem is not None:
            speakers = [x for x in (row["entity_name"], row["speaker_text"]) if x and x.strip()]
            preds.setdefault(stem, []).append({**row, "speakers": speakers, "content": row["content"] or ""})
    direct = over_08 = over_03 = named = full = covered = speaker_right = 0
    for stem, relations in gold.items():
        found = preds.get(stem, [])
        direct += sum(r["direct"] for r in relations)
        for j, i in scorer.content_pairs(relations, found):
            relation, claim = relations[j], found[i]
            if not relation["direct"]:
                continue
            a, b = set(scorer.toks(relation["content"])), set(scorer.toks(claim["content"]))
            overlap = len(a & b) / max(len(a | b), 1)
            over_08 += overlap > 0.8
            over_03 += overlap > 0.3
            source = relation["source"]
            covered += 1
            speaker_right += scorer.source_ok(source, claim["speakers"])[1]
            if (
                source
                and _looks_like_a_name(source, scorer.PRONOUNS)
                and scorer.source_ok(source, claim["speakers"])[1]
            ):
                named += 1
                full += claim["entity_kind"] == "PERSON" and len((claim["entity_name"] or "").split()) >= 2
    share = lambda n, d: f"{n / d:.3f} ({n}/{d})" if d else "n/a"  # noqa: E731
    return (
        f"direct quotes covered with token Jaccard > 0.8: {share(over_08, direct)}; > 0.3: {share(over_03, direct)}\n"
        f"speaker right over the direct quotes a claim covers: {share(speaker_right, covered)}\n"
        f"quotes by a named source, source found, whose speaker entity is a person's full name: {share(full, named)}"
    )


if __name__ == "__main__":
    main()
