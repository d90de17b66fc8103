"""The same claim across articles and outlets: one cluster per (speaker, near-identical content).

Outlets quote the same sentence with small edits ("..., Berg told reporters" / "..., she said"), so claims cluster
when they have the same speaker entity and their contents share most word bigrams: MinHash/LSH (datasketch, fixed
seed, so runs are deterministic) proposes candidate pairs, the exact Jaccard similarity of the bigram sets decides:

- similarity >= 0.5: same claim;
- below that, a paraphrase (Jaccard of the word sets >= 0.5) is the same claim only if the two also share an
  entity mentioned in the content or a figure (a number written in both): the tiebreak that keeps "23 people
  died off Sarnos" with its rewrite but not with "40 people died off Lesbos";
- one content contained in the other (>= 0.9 of the shorter's bigrams, at least 6 of them): same claim, as when an
  outlet quotes one sentence of a longer quote;
- claims without a speaker entity (unnamed sources, documents) cluster only among themselves, only at >= 0.8 and
  only across outlets (`article_source`), since "officials said" twice in one outlet's article are different
  claims, and in two outlets possibly different officials.

Pure function over the given rows: the warehouse passes every current claim and replaces the whole clustering.
The cluster id is the smallest claim_id in the cluster; a claim alone is its own cluster.

The unnamed group grows with the whole warehouse, so it can also be clustered without holding it:
`unnamed_signatures` gives each claim's bigram hashes and LSH band keys (the very keys the in-memory index would
file it under), the warehouse finds the pairs that share a band key and counts their shared bigrams in SQL, and
`same_unnamed_claim` and `shared_clusters` decide and join them as `cluster_claims` would (see
`flows.tasks.cluster_unnamed`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cache
from itertools import combinations
from typing import NamedTuple

from transforms.quantities import find_quantities

DEDUP_VERSION = "dedup-1"
THRESHOLD = 0.5
TIEBREAK_THRESHOLD = 0.5  # on word sets, not bigrams
CANDIDATE_FLOOR = 0.3  # LSH threshold for proposing pairs in large groups
UNNAMED_THRESHOLD = 0.8
NUM_PERM = 128
SEED = 7
CONTAINMENT = 0.9
MIN_CONTAINED = 6
#: Groups up to this size are compared pair by pair (exact, and finds contained quotes); larger ones go through LSH.
BRUTE_FORCE_MAX = 200
_TOKEN = re.compile(r"\w+")


def _shingles(content: str) -> frozenset[str]:
    words = _TOKEN.findall((content or "").lower().replace("’", "'"))
    if len(words) < 3:
        return frozenset(words)
    return frozenset(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))


def _jaccard(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


class _UnionFind:
    def __init__(self, items: Iterable[str] = ()):
        self.parent = {item: item for item in items}

    def find(self, item: str) -> str:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            small, large = sorted((ra, rb))
            self.parent[large] = small


class _Claim:
    """What the comparison needs of one claim. Bigrams are held as their hashes (less memory than the strings, and
    the same overlaps short of a 64-bit hash collision); the words and figures for the tiebreak are worked out only
    when a pair gets that far, which most never do."""

    __slots__ = ("claim_id", "content", "shingles", "entities", "source", "_words", "_figures")

    def __init__(self, row: Mapping):
        self.claim_id = row["claim_id"]
        self.source = row.get("article_source")
        self.content = row.get("content") or ""
        self.shingles = frozenset(map(hash, _shingles(self.content)))
        self.entities = frozenset(row.get("entity_ids") or ())
        self._words: frozenset[str] | None = None
        self._figures: frozenset[float] | None = None

    @property
    def words(self) -> frozenset[str]:
        if self._words is None:
            self._words = frozenset(_TOKEN.findall(self.content.lower().replace("’", "'")))
        return self._words

    @property
    def figures(self) -> frozenset[float]:
        if self._figures is None:
            self._figures = frozenset(round(q.value, 6) for q in find_quantities(self.content))
        return self._figures


def _candidate_pairs(group: Sequence[_Claim], floor: float) -> Iterable[tuple[_Claim, _Claim]]:
    """All pairs for small groups; LSH candidates (a lower threshold than the decision) for large ones."""
    if len(group) <= BRUTE_FORCE_MAX:
        yield from combinations(group, 2)
        return
    # Imported here: datasketch takes over a second to import, and most runs have no group to hash.
    from datasketch import MinHash, MinHashLSH

    # Each claim is looked up among the ones before it, then added: the same pairs as indexing all first (band
    # collisions are symmetric), without holding every claim's MinHash at once.
    lsh = MinHashLSH(threshold=floor, num_perm=NUM_PERM)
    by_id = {}
    bigrams = ([s.encode() for s in sorted(_shingles(c.content))] for c in group)
    hashes = MinHash.generator(bigrams, num_perm=NUM_PERM, seed=SEED)
    for claim, mh in zip(group, hashes, strict=True):
        for other_id in sorted(lsh.query(mh)):
            yield by_id[other_id], claim
        lsh.insert(claim.claim_id, mh)
        by_id[claim.claim_id] = claim


def _contained(a: frozenset, b: frozenset) -> bool:
    smaller = min(len(a), len(b))
    return smaller >= MIN_CONTAINED and len(a & b) >= CONTAINMENT * smaller


def same_unnamed_claim(shared: int, size_a: int, size_b: int, source_a: str | None, source_b: str | None) -> bool:
    """The rule for two claims without a speaker, from the sizes of their bigram sets and of their intersection
    (all the warehouse needs to send for a pair; the same division as `_jaccard`, so the same floats)."""
    if not size_a or not size_b:
        return False
    cross_outlet = source_a is None or source_b is None or source_a != source_b
    return cross_outlet and shared / (size_a + size_b - shared) >= UNNAMED_THRESHOLD


def _same_claim(a: _Claim, b: _Claim, named: bool) -> bool:
    if not named:
        shared = len(a.shingles & b.shingles)
        return same_unnamed_claim(shared, len(a.shingles), len(b.shingles), a.source, b.source)
    similarity = _jaccard(a.shingles, b.shingles)
    if similarity >= THRESHOLD or _contained(a.shingles, b.shingles):
        return True
    shared = a.entities & b.entities or a.figures & b.figures
    return bool(shared) and _jaccard(a.words, b.words) >= TIEBREAK_THRESHOLD


def cluster_claims(claims: Sequence[Mapping]) -> dict[str, str]:
    """claim_id -> cluster_id (the smallest claim_id of its cluster) for every given claim."""
    groups: dict[str | None, list[_Claim]] = defaultdict(list)
    for row in claims:
        groups[row.get("speaker_entity_id")].append(_Claim(row))
    uf = _UnionFind(c.claim_id for group in groups.values() for c in group)
    for speaker in sorted(groups, key=lambda s: (s is None, s or "")):
        group = sorted(groups[speaker], key=lambda c: c.claim_id)
        if len(group) < 2:
            continue
        named = speaker is not None
        floor = THRESHOLD if named else UNNAMED_THRESHOLD
        for a, b in _candidate_pairs(group, CANDIDATE_FLOOR if named else floor):
            if _same_claim(a, b, named):
                uf.union(a.claim_id, b.claim_id)
    return {claim_id: uf.find(claim_id) for claim_id in sorted(uf.parent)}


class UnnamedSignature(NamedTuple):
    """What the warehouse stores of a claim without a speaker to find its pairs: its bigram hashes (sorted) and the
    key of each LSH band."""

    shingles: list[int]
    bands: list[bytes]


@cache
def _unnamed_band_ranges() -> tuple[tuple[int, int], ...]:
    """The bands of the index `_candidate_pairs` builds for the unnamed group, taken from datasketch itself so the
    banding cannot drift from it."""
    from datasketch import MinHashLSH

    return tuple(MinHashLSH(threshold=UNNAMED_THRESHOLD, num_perm=NUM_PERM).hashranges)


def unnamed_signatures(contents: Sequence[str | None]) -> Iterator[UnnamedSignature]:
    """One signature per content, in order. Two claims are candidates in `cluster_claims` exactly when one band's
    MinHash values are equal (datasketch files a band under those values' bytes), so equal band keys here give the
    same candidate pairs, whichever claims are hashed together."""
    from datasketch import MinHash

    ranges = _unnamed_band_ranges()
    bigram_sets = [_shingles(content or "") for content in contents]
    encoded = ([s.encode() for s in sorted(bigrams)] for bigrams in bigram_sets)
    hashes = MinHash.generator(encoded, num_perm=NUM_PERM, seed=SEED)
    for bigrams, mh in zip(bigram_sets, hashes, strict=True):
        keys = [mh.hashvalues[start:end].tobytes() for start, end in ranges]
        yield UnnamedSignature(sorted(frozenset(map(hash, bigrams))), keys)


def unnamed_brute_force(count: int) -> bool:
    """Whether `cluster_claims` compares an unnamed group of this size pair by pair (so no LSH candidates)."""
    return count <= BRUTE_FORCE_MAX


def shared_clusters(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """claim_id -> cluster_id for the claims of the given same-claim pairs: connected components under their
    smallest claim_id, as `cluster_claims` gives them (claims in no pair are alone, and not listed)."""
    uf = _UnionFind()
    for a, b in pairs:
        uf.parent.setdefault(a, a)
        uf.parent.setdefault(b, b)
        uf.union(a, b)
    return {claim_id: uf.find(claim_id) for claim_id in sorted(uf.parent)}
