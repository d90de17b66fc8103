"""Entity-linking proxy numbers on real news (PolNeAR train texts), computed without gold labels.

Runs the real pipeline pieces (transforms.nlp.load_nlp + transforms.entities.link_entities) over
../shared/corpus/attribution/polnear/train/text/*.txt (title on line 1, one paragraph per line) and prints:

- bare surnames: single capitalised tokens equal to the last word of a multi-word PERSON in the same
  article, and the share of them linked to (one of) that person's entity ids;
- shared surnames: articles with two different PERSON entities of one surname, and suspected over-merges
  (one PERSON entity whose full-name mentions have different first names);
- parties: share of GOP / Republican(s) / Democrat(s) / Democratic Party tokens linked to the party entities;
- acronyms: "Long Name (ABC)" definitions whose later bare "ABC" mentions share the long name's id;
- person mentions whose entity has a full (multi-word) name, and PERSON entities that are junk
  (months, quantifiers, known organisations, fragments of a longer organisation name).

Parsed Docs are cached under /tmp (keyed by the pipeline and the gazetteer ruler patterns), so re-runs after
a linker-only change take seconds. Nothing from the corpus is written into the repository.

    nice -n 10 uv run python bench/bench_entities_polnear.py [--max-articles 0] [--no-cache]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from spacy.tokens import DocBin

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from transforms.entities import link_entities  # noqa: E402
from transforms.gazetteers import ruler_patterns  # noqa: E402
from transforms.names import normalise_name  # noqa: E402
from transforms.nlp import DEFAULT_PIPELINE, load_nlp  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "attribution" / "polnear" / "train" / "text"
CACHE = Path("/tmp") / "wirehouse_bench_polnear"
REPUBLICAN = "wd:Q29468"
DEMOCRATIC = "wd:Q29552"
PARTY_WORDS = {
    "gop": REPUBLICAN,
    "republican": REPUBLICAN,
    "republicans": REPUBLICAN,
    "democrat": DEMOCRATIC,
    "democrats": DEMOCRATIC,
}
MONTHS = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ]
)
QUANTIFIERS = frozenset(["all", "both", "many", "most", "some", "none", "several", "everyone", "each", "few", "any"])
KNOWN_ORGS = frozenset(
    [
        "twitter",
        "facebook",
        "instagram",
        "youtube",
        "google",
        "reuters",
        "ap",
        "cnn",
        "fox",
        "msnbc",
        "politico",
        "breitbart",
        "nbc",
        "abc",
        "cbs",
        "tiktok",
        "reddit",
        "axios",
        "bloomberg",
    ]
)
ACRONYM_DEF = re.compile(r"((?:[A-Z][\w&.'-]*\s+(?:(?:of|for|and|the|on)\s+)*){2,9})\(([A-Z][A-Z&.]{1,9})\)")


def read_texts(max_articles: int) -> list[tuple[str, str]]:
    paths = sorted(CORPUS.glob("*.txt"))
    if max_articles:
        paths = paths[:max_articles]
    return [(p.stem, p.read_text(encoding="utf-8")) for p in paths]


def parsed_docs(texts: list[tuple[str, str]], use_cache: bool) -> list:
    nlp = load_nlp()
    key = hashlib.sha1(
        json.dumps([DEFAULT_PIPELINE, list(ruler_patterns()), [name for name, _ in texts]]).encode()
    ).hexdigest()[:16]
    path = CACHE / f"{key}.spacy"
    if use_cache and path.exists():
        return list(DocBin().from_bytes(path.read_bytes()).get_docs(nlp.vocab))
    docs = list(nlp.pipe([text for _, text in texts], batch_size=16))
    if use_cache:
        CACHE.mkdir(parents=True, exist_ok=True)
        path.write_bytes(DocBin(docs=docs, store_user_data=True).to_bytes())
    return docs


class Tally:
    def __init__(self) -> None:
        self.c: Counter[str] = Counter()
        self.examples: dict[str, list[str]] = defaultdict(list)
        self.single: Counter[str] = Counter()  # person mentions of an entity without a full name, by surface

    def note(self, key: str, example: str) -> None:
        if len(self.examples[key]) < 8:
            self.examples[key].append(example)


def measure(name: str, doc, result, t: Tally) -> None:
    ents = {e["entity_id"]: e for e in result.entities}
    by_start = {m["start_char"]: m for m in result.mentions}
    persons = {eid: e for eid, e in ents.items() if e["kind"] == "PERSON"}
    surname_ids: dict[str, set[str]] = defaultdict(set)
    for eid, e in persons.items():
        words = normalise_name(e["name"]).split()
        if len(words) >= 2 and len(words[-1]) > 1:
            surname_ids[words[-1]].add(eid)

    # bare surnames
    multi = [(m["start_char"], m["end_char"]) for m in result.mentions if " " in m["surface"].strip()]
    for tok in doc:
        if not tok.is_title or tok.is_sent_start and tok.i == 0:
            continue
        key = normalise_name(tok.text)
        if key not in surname_ids or any(s <= tok.idx < e for s, e in multi):
            continue
        prev_title = tok.i > 0 and doc[tok.i - 1].is_title and not doc[tok.i - 1].is_sent_start
        next_title = tok.i + 1 < len(doc) and doc[tok.i + 1].is_title
        if prev_title or next_title:
            continue
        t.c["surname_tokens"] += 1
        m = by_start.get(tok.idx)
        if m and m["entity_id"] in surname_ids[key]:
            t.c["surname_linked"] += 1
        else:
            t.c["surname_unlinked"] += 1
            got = m["entity_id"] if m else "-"
            t.note("surname_unlinked", f"{name}: {tok.text} -> {got} (want {sorted(surname_ids[key])})")

    # shared surnames and over-merges
    if any(len(ids) > 1 for ids in surname_ids.values()):
        t.c["articles_shared_surname"] += 1
    fulls: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for m in result.mentions:
        if m["entity_id"] in persons:
            words = tuple(normalise_name(m["surface"]).split())
            if len(words) >= 2 and len(words[0]) > 1:
                fulls[m["entity_id"]].add(words)
    for eid, names in fulls.items():
        # Two full names of one entity whose first names differ and do not appear in the other name (so not
        # "Debbie Wasserman Schultz" / "Wasserman Schultz", nor "Hillary Clinton" / "Hillary Rodham Clinton").
        clash = [
            (a, b)
            for a in names
            for b in names
            if a < b
            and a[0] != b[0]
            and a[0] not in b
            and b[0] not in a
            and not (a[0].startswith(b[0]) or b[0].startswith(a[0]))
        ]
        if clash:
            t.c["person_overmerged"] += 1
            t.note("person_overmerged", f"{name}: {eid} {[' '.join(x) for x in clash[0]]}")

    # parties
    for tok in doc:
        want = PARTY_WORDS.get(tok.lower_)
        if want is None or not tok.text[:1].isupper():
            continue
        covering = [m for m in result.mentions if m["start_char"] <= tok.idx < m["end_char"]]
        if any(m["entity_id"] != want and " " in m["surface"] for m in covering):
            continue  # part of a longer name: "Republican National Committee"
        t.c["party_tokens"] += 1
        linked = any(m["entity_id"] == want for m in covering)
        t.c["party_linked"] += linked
        if not linked:
            got = [m["entity_id"] for m in result.mentions if m["start_char"] <= tok.idx < m["end_char"]]
            t.note("party_unlinked", f"{name}: {tok.text} -> {got}")

    # acronyms defined in the article
    text = doc.text
    for match in ACRONYM_DEF.finditer(text):
        long_start = match.start(1)
        long_ids = {m["entity_id"] for m in result.mentions if long_start <= m["start_char"] < match.end(1)}
        acronym = match.group(2)
        later = [m for m in result.mentions if m["start_char"] > match.end(2) and m["surface"] == acronym]
        bare = [i.start() for i in re.finditer(rf"(?<![\w&.]){re.escape(acronym)}(?![\w&])", text[match.end() :])]
        t.c["acronym_defs"] += 1
        t.c["acronym_later_uses"] += len(bare)
        linked = [m for m in later if m["entity_id"] in long_ids]
        t.c["acronym_later_linked"] += len(linked)
        if len(linked) < len(bare):
            t.note(
                "acronym_unlinked", f"{name}: {match.group(1).strip()} ({acronym}) -> {[m['entity_id'] for m in later]}"
            )

    # person mentions with a full name; junk PERSON entities
    org_surfaces = [m["surface"] for m in result.mentions if ents[m["entity_id"]]["kind"] != "PERSON"]
    for m in result.mentions:
        if m["entity_id"] in persons:
            t.c["person_mentions"] += 1
            full = len(normalise_name(persons[m["entity_id"]]["name"]).split()) >= 2
            t.c["person_mentions_full"] += full
            if not full:
                t.single[m["surface"]] += 1
    for eid, e in persons.items():
        key = normalise_name(e["name"])
        junk = key in MONTHS or key in QUANTIFIERS or key in KNOWN_ORGS
        junk = junk or any(len(s) > len(e["name"]) and s.endswith(" " + e["name"]) for s in org_surfaces)
        t.c["person_entities"] += 1
        if junk:
            t.c["person_junk"] += 1
            t.note("person_junk", f"{name}: {eid}")


def share(num: int, den: int) -> str:
    return f"{num / den:.3f} ({num}/{den})" if den else "n/a (0/0)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-articles", type=int, default=0, help="0 = all")
    parser.add_argument("--no-cache", action="store_true")
    parser.add_argument("--examples", action="store_true", help="print a few failing examples per measure")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        print(f"skipped: {CORPUS} is not there")
        return
    texts = read_texts(args.max_articles)
    started = time.process_time()
    docs = parsed_docs(texts, use_cache=not args.no_cache)
    parsed = time.process_time()
    t = Tally()
    for (name, _), doc in zip(texts, docs, strict=True):
        measure(name, doc, link_entities(doc, name), t)
    linked = time.process_time()
    c = t.c
    print(f"articles: {len(texts)}; parse {parsed - started:.1f} CPU s, link {linked - parsed:.1f} CPU s")
    print(f"bare surnames linked to their person:    {share(c['surname_linked'], c['surname_tokens'])}")
    print(f"articles with two persons of one surname: {c['articles_shared_surname']}")
    print(f"person entities over-merged (2 first names): {c['person_overmerged']}")
    print(f"party words linked to the party entity:  {share(c['party_linked'], c['party_tokens'])}")
    print(
        f"acronym uses linked to their expansion:  {share(c['acronym_later_linked'], c['acronym_later_uses'])}"
        f" ({c['acronym_defs']} definitions)"
    )
    print(f"person mentions with a full-name entity: {share(c['person_mentions_full'], c['person_mentions'])}")
    print(f"junk PERSON entities:                    {share(c['person_junk'], c['person_entities'])}")
    if args.examples:
        print("\nperson mentions without a full name, most frequent:", t.single.most_common(25))
        for key, rows in t.examples.items():
            print(f"\n{key}:")
            print("\n".join(f"  {row}" for row in rows))


if __name__ == "__main__":
    main()
