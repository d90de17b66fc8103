"""Step 4 of the linker: people named by surname or part of their name, spelling variants, well-known surnames."""

from __future__ import annotations

from collections.abc import Mapping

from spacy.tokens import Doc, Token

from transforms.entities.mentions import Mention, word_of
from transforms.entities.roles import is_role_token
from transforms.entities.words import DETERMINERS, NAME_SUFFIXES, NOT_NAMES, RECENT_SENTENCES, ROLE_WORDS
from transforms.gazetteers import (
    Gazetteer,
    known_people,
)
from transforms.names import normalise_name, same_name_variant, slug_id


class PeopleSteps:
    """The linker's steps that resolve people; Linker mixes them in and holds the state they read."""

    doc: Doc
    text: str
    mentions: list[Mention]
    sent_starts: list[int]
    gaz: Gazetteer
    _name_words: dict[str, list[str]]

    # -- step 4: people named by surname or part of their name
    def resolve_people(self) -> None:
        people = [m for m in self.mentions if m.label == "PERSON" and m.method == "ner"]
        for mention in people:
            mention.entity_id = slug_id("PERSON", mention.name)
        full = [m for m in self.mentions if m.label == "PERSON" and self._is_anchor(m)]
        self._merge_spelling_variants(full)
        surnames = {self._words(m.name)[-1] for m in full}
        surnames = {name for name in surnames if len(name) > 1}
        self._relabel_surnames(surnames)
        self.mentions.extend(self._unlabelled_surnames(surnames))
        for mention in sorted(self.mentions, key=lambda m: m.start):
            if mention.label == "PERSON" and mention.method in ("ner", "coref"):
                self._corefer(mention, full)
        self._resolve_known_people(surnames)
        # A month, a weekday or "all" left on its own is not a person (NER and speaker spans take them for one).
        self.mentions = [m for m in self.mentions if not self._not_a_person(m)]

    def _resolve_known_people(self, surnames: set[str]) -> None:
        """'Obama said' with no full name of an Obama in the article: the well-known person of that surname
        (transforms/data/people.tsv), unless a courtesy title of the other gender stands before it."""
        people = known_people()
        covered = {i for m in self.mentions for i in range(m.start, m.end)}
        for mention in self.mentions:
            if mention.end - mention.start != 1 or mention.label == "NORP":
                continue
            if mention.method == "ner" or self._linked_small_place(mention):
                self._known_person(mention, people, surnames)
        for tok in self.doc:
            key = normalise_name(tok.text)
            if key not in people or key in surnames or tok.i in covered or not tok.is_title:
                continue
            if not self._inside_proper_name(tok) and not self._is_title_word(tok):
                mention = Mention(tok.i, tok.i + 1, "PERSON", method="ner", name=tok.text)
                if self._known_person(mention, people, surnames):
                    self.mentions.append(mention)

    def _linked_small_place(self, mention: Mention) -> bool:
        """A span NER called a place, linked by name to a town the ruler does not tag ("Obama", Japan)."""
        entry = self.gaz.entries.get(mention.entity_id)
        surface = self.doc[mention.start].text
        return (
            mention.method == "gazetteer"
            and entry is not None
            and entry.group == "place"
            and (surface not in self.gaz.patterns)
        )

    def _known_person(self, mention: Mention, people: Mapping, surnames: set[str]) -> bool:
        key = normalise_name(self.doc[mention.start].text)
        person = people.get(key)
        if person is None or key in surnames or self.doc[mention.end - 1 : mention.end + 1].text.endswith("-"):
            return False
        before = word_of(self.doc[mention.start - 1]) if mention.start > 0 else ""
        if (person.gender == "m" and before in ("mrs", "ms", "miss")) or (person.gender == "f" and before == "mr"):
            return False
        mention.label, mention.method, mention.candidates = "PERSON", "gazetteer", []
        mention.entity_id, mention.name = slug_id("PERSON", person.name), person.name
        return True

    def _not_a_person(self, mention: Mention) -> bool:
        return mention.label == "PERSON" and mention.method == "ner" and normalise_name(mention.name) in NOT_NAMES

    def _merge_spelling_variants(self, full: list[Mention]) -> None:
        """'Volodymyr Zelensky' and 'Volodymyr Zelenskyy' in one article: one person, under the most used
        spelling. Every word must be the same name (phonetic key and Jaro-Winkler), so 'Joe Biden' and
        'Hunter Biden' stay apart."""
        by_id: dict[str, list[Mention]] = {}
        for mention in full:
            if mention.method != "alias":
                by_id.setdefault(mention.entity_id, []).append(mention)
        ids = sorted(by_id, key=lambda eid: (-len(by_id[eid]), by_id[eid][0].start))
        target: dict[str, str] = {}
        for i, eid in enumerate(ids):
            if eid in target:
                continue
            words = self._words(by_id[eid][0].name)
            for other in ids[i + 1 :]:
                other_words = self._words(by_id[other][0].name)
                if other not in target and same_full_name(words, other_words):
                    target[other] = eid
        for mention in full:
            if mention.entity_id in target:
                mention.entity_id = target[mention.entity_id]
                mention.name = by_id[mention.entity_id][0].name

    def _is_anchor(self, mention: Mention) -> bool:
        """A full name other mentions may resolve to: two or more proper-noun words, not read off a
        Title-Case headline, where NER tags phrases like "Porting Mercurial" as people."""
        span = self.doc[mention.start : mention.end]
        if len(self._words(mention.name)) < 2 or self._in_title_case_line(mention.start, mention.end):
            return False
        if mention.method == "alias":
            return True
        # The tagger reads some surnames as nouns ("O'Malley"): capitalised nouns after a proper noun count.
        return span[0].pos_ == "PROPN" and all(
            tok.pos_ == "PROPN" or tok.is_punct or tok.is_space or (tok.pos_ == "NOUN" and tok.text[:1].isupper())
            for tok in span[1:]
        )

    def _in_title_case_line(self, token_index: int, token_end: int | None = None) -> bool:
        """The token's line reads like a Title-Case heading (sentences can run across headline lines).
        Other names on the line do not count: a dateline and a lead naming several people is not a heading."""
        text, char = self.text, self.doc[token_index].idx
        line = self.doc.char_span(text.rfind("\n", 0, char) + 1, line_end(text, char), alignment_mode="expand")
        own = range(token_index, token_end or token_index + 1)
        # Title Case capitalises every word of four letters or more ("With", "About"), prose does not.
        words = [tok for tok in line or () if tok.is_alpha and len(tok) >= 4 and (not tok.ent_type_ or tok.i in own)]
        return len(words) >= 3 and sum(tok.is_title or tok.is_upper for tok in words) >= 0.8 * len(words)

    def _relabel_surnames(self, surnames: set[str]) -> None:
        """A lone surname NER labelled ORG, GPE... ('Volker' beside 'Kurt Volker') is the person, whatever
        the label, unless the gazetteers know it as a country or an organisation. Spelling variants count."""
        for mention in self.mentions:
            single = mention.end - mention.start == 1
            if mention.label == "PERSON" or not single or not self._may_be_surname(mention):
                continue
            if self._surname_match(normalise_name(self.doc[mention.start].text), surnames):
                mention.label, mention.method, mention.candidates = "PERSON", "coref", []
                mention.name = self.doc[mention.start].text

    def _surname_match(self, word: str, surnames: set[str]) -> bool:
        return word in surnames or (
            len(word) > 3 and sum(same_name_variant(word, name) for name in surnames if name[:1] == word[:1]) == 1
        )

    def _may_be_surname(self, mention: Mention) -> bool:
        """NER guesses and city names may be a person's surname; countries and organisations are not."""
        if mention.method == "ner":
            return True
        entry = self.gaz.entries.get(mention.entity_id)
        return mention.method == "gazetteer" and entry is not None and entry.population > 0

    def _unlabelled_surnames(self, surnames: set[str]) -> list[Mention]:
        """Capitalised surname tokens NER missed ('Singh said'), not part of a longer proper name."""
        if not surnames:
            return []
        covered = {i for m in self.mentions for i in range(m.start, m.end)}
        found = []
        for tok in self.doc:
            if tok.i in covered or not tok.is_title or self._is_title_word(tok):
                continue
            if not self._surname_match(normalise_name(tok.text), surnames) or self._inside_proper_name(tok):
                continue
            found.append(Mention(tok.i, tok.i + 1, "PERSON", method="coref", name=tok.text))
        return found

    def _is_title_word(self, tok: Token) -> bool:
        """A title or organisation token rather than a surname: 'King Charles', 'the King said'; a surname
        that is also a title word ('Pete King ... King said') counts when no name or 'the' comes next to it."""
        if not is_role_token(tok):
            return False
        if tok.ent_type_ or word_of(tok) not in ROLE_WORDS:
            return True
        return tok.i > 0 and self.doc[tok.i - 1].lower_ in DETERMINERS

    def _inside_proper_name(self, tok: Token) -> bool:
        doc = self.doc
        before = tok.i > 0 and doc[tok.i - 1].is_title and not doc[tok.i - 1].is_sent_start
        before = before and not is_role_token(doc[tok.i - 1])
        after = tok.i + 1 < len(doc) and doc[tok.i + 1].is_title and doc[tok.i + 1].pos_ == "PROPN"
        return bool(before or after)

    def _words(self, name: str) -> list[str]:
        """Normalised words of a name, memoised per article (names repeat)."""
        if name not in self._name_words:
            words = normalise_name(name).split()
            while len(words) > 2 and words[-1] in NAME_SUFFIXES:  # "Brent Bozell III": the surname is Bozell
                words = words[:-1]
            self._name_words[name] = words
        return self._name_words[name]

    def _corefer(self, mention: Mention, full: list[Mention]) -> None:
        """Link a partial name to the full name containing it; between two people of one surname, to the
        one named in this or the previous sentence, else to the most mentioned one (then the latest)."""
        words = self._words(mention.name)
        if not words:
            return
        matches = [f for f in full if f is not mention and is_part(words, self._words(f.name))]
        by_surname = [f for f in matches if words[-1] == self._words(f.name)[-1]]
        matches = by_surname or matches
        if not matches and len(words) == 1 and len(words[0]) > 3:
            # A spelling variant of one person's surname ('Zelenskiy' after 'Volodymyr Zelensky').
            variant = [f for f in full if f is not mention and same_name_variant(words[0], self._words(f.name)[-1])]
            if len({f.entity_id for f in variant}) == 1:
                matches = variant
        targets = {f.entity_id for f in matches}
        if len(targets) > 1:
            targets = self._most_salient(mention, matches)
        if len(targets) == 1:
            target = next(iter(targets))
            mention.entity_id, mention.method = target, "coref"
            mention.name = next(f.name for f in matches if f.entity_id == target)
        elif mention.method == "coref":
            mention.method, mention.entity_id = "ner", slug_id("PERSON", mention.name)

    def _most_salient(self, mention: Mention, matches: list[Mention]) -> set[str]:
        """Of several people a bare name may denote: the one fully named just before it, else the one
        mentioned most so far (full or partial), else the latest one named before it; before any of them
        is named (a headline), the one named first after it."""
        earlier = [f for f in matches if f.start < mention.start]
        if not earlier:  # a headline or lead before the full names: the person named next
            return {min(matches, key=lambda f: f.start).entity_id}
        sentence = self.sentence_bounds(mention.start)[0]
        latest = max(earlier, key=lambda f: f.start)
        if sentence - self.sentence_bounds(latest.start)[0] <= RECENT_SENTENCES:
            return {latest.entity_id}
        candidates = {f.entity_id for f in earlier}
        counts = {
            eid: sum(1 for m in self.mentions if m.entity_id == eid and m.start < mention.start) for eid in candidates
        }
        last_seen = {eid: max(f.start for f in earlier if f.entity_id == eid) for eid in candidates}
        return {max(candidates, key=lambda eid: (counts[eid], last_seen[eid]))}


def line_end(text: str, char: int) -> int:
    end = text.find("\n", char)
    return len(text) if end < 0 else end


def same_full_name(a: list[str], b: list[str]) -> bool:
    """Two full names of one person spelt differently: as many words, each the same or a variant of it."""
    if len(a) != len(b) and a[0] == b[0] and a[-1] == b[-1]:  # "Lindsey O. Graham", "Lindsey Graham"
        a, b = [w for w in a if len(w) > 1], [w for w in b if len(w) > 1]
    if len(a) != len(b) or len(a) < 2:
        return False
    return all(x == y or same_name_variant(x, y) for x, y in zip(a, b, strict=True))


def is_part(words: list[str], full: list[str]) -> bool:
    """True when words are a shorter contiguous run inside full ('singh' in 'sabrina singh')."""
    n = len(words)
    if not words or n >= len(full):
        return False
    return any(full[i : i + n] == words for i in range(len(full) - n + 1))
