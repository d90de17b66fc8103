"""The linker: one pass of steps over the mentions of one Doc, from NER and gazetteer to canonical entities."""

from __future__ import annotations

import bisect
from collections.abc import Mapping

from spacy.tokens import Doc, Span

from transforms.acronyms import find_definitions
from transforms.entities.mentions import LinkedEntities, Mention, is_junk, sentence_starts, trim_span, word_of
from transforms.entities.people import PeopleSteps
from transforms.entities.roles import is_role_token, role_after, role_before
from transforms.entities.words import (
    DATELINE,
    DETERMINERS,
    FIXABLE_LABELS,
    INSTITUTION_HEADS,
    KINDS,
    PARTY_ADJECTIVES,
    PLACE_PREFIXES,
    PLURAL_REGIONS,
    ROLE_WORDS,
    SLUG_KINDS,
)
from transforms.gazetteers import (
    ANY_CLASS,
    LINKABLE,
    RULER_EXCLUDE,
    Gazetteer,
    load_gazetteer,
)
from transforms.names import normalise_name, slug_id


class Linker(PeopleSteps):
    """Resolves the mentions of one Doc; one instance per call keeps the steps small."""

    def __init__(self, doc: Doc, aliases: Mapping[str, str] | None) -> None:
        self.doc = doc
        self.text = doc.text  # Doc.text rebuilds the string from the tokens on every access
        self.aliases = aliases or {}
        self.gaz: Gazetteer = load_gazetteer()
        self.sent_starts = sentence_starts(doc)
        self.mentions: list[Mention] = []
        self._name_words: dict[str, list[str]] = {}

    # -- sentences
    def sentence_bounds(self, token_index: int) -> tuple[int, int, int]:
        """(sentence index, first token, end token) of the sentence holding a token."""
        index = bisect.bisect_right(self.sent_starts, token_index) - 1
        end = self.sent_starts[index + 1] if index + 1 < len(self.sent_starts) else len(self.doc)
        return index, self.sent_starts[index], end

    # -- step 1: candidate mentions from doc.ents
    def collect(self) -> None:
        for ent in self.doc.ents:
            mention = self._from_ent(ent)
            if mention is not None:
                self.mentions.append(mention)

    def _from_ent(self, ent: Span) -> Mention | None:
        start, end = trim_span(self.doc, ent.start, ent.end)
        if start >= end or is_junk(self.doc[start:end]):
            return None
        mention = Mention(start, end, ent.label_)
        if ent.label_ not in KINDS and ent.label_ not in FIXABLE_LABELS:
            return None
        if ent.ent_id_:
            return self._gazetteer_mention(mention, ent.ent_id_)
        if ent.label_ == "PERSON":
            return self._person_mention(mention)
        return self._ner_mention(mention)

    def _gazetteer_mention(self, mention: Mention, entity_id: str) -> Mention:
        text = self.doc[mention.start : mention.end].text
        mention.entity_id, mention.method = entity_id, "gazetteer"
        entry = self.gaz.entries[entity_id]
        mention.candidates = [c for c in self.gaz.candidates(text, (entry.group,)) if c[1] == mention.label]
        return mention

    def _person_mention(self, mention: Mention) -> Mention | None:
        """Strip leading titles from the name, keep them (and any title just before) as the role."""
        doc = self.doc
        while mention.start < mention.end and (is_role_token(doc[mention.start]) or doc[mention.start].text == "-"):
            mention.start += 1
        if mention.start >= mention.end or any(ch.isdigit() for ch in doc[mention.start : mention.end].text):
            return None
        mention.name = doc[mention.start : mention.end].text
        return self._longer_organisation(mention) or mention

    def _longer_organisation(self, mention: Mention) -> Mention | None:
        """'York Times' cut from 'The New York Times': a PERSON span that, with the capitalised words just
        before it, is an organisation the gazetteers know."""
        for start in range(mention.start - 1, max(mention.start - 3, -1), -1):
            if not self.doc[start].is_title or self.doc[start].ent_type_:
                break
            found = self.gaz.candidates(self.doc[start : mention.end].text, ("org",))
            if found:
                entry, label = found[0]
                return Mention(start, mention.end, label, entry.entity_id, "gazetteer", candidates=found)
        return None

    def _ner_mention(self, mention: Mention) -> Mention | None:
        span = self.doc[mention.start : mention.end]
        if all(word_of(tok) in ROLE_WORDS or tok.is_punct for tok in span):
            return None  # "Press Secretary" tagged ORG
        if len(span) == 1 and span[0].is_sent_start and span[0].pos_ not in ("PROPN", "X") and mention.label != "NORP":
            return None  # a capitalised common word opening a sentence or headline ("Millions vote")
        found = self.gaz.candidates(span.text, LINKABLE.get(mention.label, ANY_CLASS))
        if span.text in PARTY_ADJECTIVES and not (span.end < len(self.doc) and self.doc[span.end].is_title):
            found = self.gaz.candidates(PARTY_ADJECTIVES[span.text], ("org",))
        if found:
            entry, label = found[0]
            mention.entity_id, mention.method, mention.candidates = entry.entity_id, "gazetteer", found
            if mention.label not in KINDS:
                mention.label = label
            return mention
        if mention.label not in KINDS:
            return None
        mention.name = span.text
        mention.entity_id = slug_id(mention.label, span.text)
        return mention

    def _covered(self) -> dict[int, Mention]:
        return {i: m for m in self.mentions for i in range(m.start, m.end)}

    def _replace(self, new: Mention) -> None:
        """Put a mention in, dropping the ones it overlaps."""
        self.mentions = [m for m in self.mentions if m.end <= new.start or m.start >= new.end] + [new]

    # -- step 1b: datelines NER misses because they are upper case ("BRUSSELS —")
    def add_datelines(self) -> None:
        for match in DATELINE.finditer(self.text):
            span = self.doc.char_span(match.start(1), match.end(1), alignment_mode="contract")
            if span is None:
                continue
            covered = self._covered()
            if any(covered[i].method == "gazetteer" for i in range(span.start, span.end) if i in covered):
                continue
            found = self.gaz.candidates(span.text, ("place", "country"))
            if found:
                entry, label = found[0]
                self._replace(Mention(span.start, span.end, label, entry.entity_id, "gazetteer", candidates=found))

    # -- step 1c: "Bank of England" is an organisation, not England
    def add_institutions(self) -> None:
        for mention in list(self.mentions):
            start = self._institution_start(mention)
            if start is None:
                continue
            text = self.doc[start : mention.end].text
            known = self.gaz.candidates(text, ("org",))
            entity_id = known[0][0].entity_id if known else slug_id("ORG", text)
            method = "gazetteer" if known else "ner"
            self._replace(Mention(start, mention.end, "ORG", entity_id, method, name=text))

    def _institution_start(self, mention: Mention) -> int | None:
        doc, i = self.doc, mention.start - 2
        if mention.method != "gazetteer" or i < 0 or doc[i + 1].lower_ != "of":
            return None
        if not (doc[i].is_title and doc[i].lower_ in INSTITUTION_HEADS):
            return None
        while i > 0 and doc[i - 1].is_title and doc[i - 1].lower_ not in DETERMINERS and not doc[i - 1].is_sent_start:
            i -= 1
        return i

    # -- step 1d: "Finance Minister Selin Aydın": a city name right after a first name is a surname
    def add_city_surnames(self) -> None:
        covered = self._covered()
        for mention in list(self.mentions):
            if mention.method != "gazetteer" or mention.end - mention.start != 1 or mention.start == 0:
                continue
            first = self.doc[mention.start - 1]
            given = covered.get(first.i)
            if self.gaz.entries[mention.entity_id].population <= 0:
                continue
            if given is not None and not (given.label == "PERSON" and given.end == mention.start):
                continue  # "Maggie" tagged PERSON before "Hassan" (a town in India) is still her first name
            if not (first.is_title and first.pos_ == "PROPN") or (first.is_sent_start and given is None):
                continue
            if first.lower_ in PLACE_PREFIXES or is_role_token(first):
                continue
            start = given.start if given is not None else first.i
            name = self.doc[start : mention.end].text
            self._replace(Mention(start, mention.end, "PERSON", name=name))

    # -- step 1e: "Vladimir Putin", where "Vladimir" is also a Russian city: a place right before a person
    def add_city_first_names(self) -> None:
        by_start = {m.start: m for m in self.mentions}
        for mention in list(self.mentions):
            person = by_start.get(mention.end)
            if person is None and mention.end < len(self.doc) and is_initial(self.doc[mention.end]):
                person = by_start.get(mention.end + 1)  # "Vladimir V. Putin"
            if mention.method != "gazetteer" or mention.end - mention.start != 1 or person is None:
                continue
            first = self.doc[mention.start]
            if person.label != "PERSON" or not first.is_title or first.whitespace_ != " ":
                continue
            if self.gaz.entries[mention.entity_id].population <= 0 or first.lower_ in PLACE_PREFIXES:
                continue
            name = self.doc[mention.start : person.end].text
            words = [w for w in normalise_name(name).split() if len(w) > 1]  # without a middle initial
            known = person.method == "gazetteer" and normalise_name(self.gaz.entries[person.entity_id].name) == (
                " ".join(words)
            )
            merged = Mention(mention.start, person.end, "PERSON", name=name)
            if known:
                merged.entity_id, merged.method = person.entity_id, "gazetteer"
            self._replace(merged)

    # -- step 2: user aliases override everything
    def apply_aliases(self) -> None:
        if not self.aliases:
            return
        for mention in self.mentions:
            key = normalise_name(self.doc[mention.start : mention.end].text)
            if key in self.aliases:
                mention.entity_id, mention.method, mention.candidates = self.aliases[key], "alias", []
        self.mentions.extend(self._alias_matches())

    def _alias_matches(self) -> list[Mention]:
        """Alias surfaces that NER did not tag, longest match first, capitalised starts only."""
        first_words = {key.split(" ", 1)[0] for key in self.aliases if key}
        longest = max((key.count(" ") + 1 for key in self.aliases), default=0)
        covered = {i for m in self.mentions for i in range(m.start, m.end)}
        found, i, doc = [], 0, self.doc
        while i < len(doc):
            tok = doc[i]
            if i in covered or not (tok.text[:1].isupper() or tok.text[:1].isdigit()):
                i += 1
                continue
            if normalise_name(tok.text) not in first_words:
                i += 1
                continue
            match = self._longest_alias(i, longest, covered)
            if match is None:
                i += 1
                continue
            found.append(match)
            i = match.end
        return found

    def _longest_alias(self, i: int, longest: int, covered: set[int]) -> Mention | None:
        for n in range(min(longest, len(self.doc) - i), 0, -1):
            if any(k in covered for k in range(i, i + n)):
                continue
            start, end = trim_span(self.doc, i, i + n)
            if start != i or end != i + n:
                continue
            key = normalise_name(self.doc[i : i + n].text)
            if key in self.aliases:
                entity_id = self.aliases[key]
                label = self._kind_of(entity_id, "ORG")
                return Mention(i, i + n, label, entity_id, "alias")
        return None

    # -- step 3: titles become roles
    def attach_roles(self) -> None:
        role_tokens: set[int] = set()
        for mention in self.mentions:
            if mention.label != "PERSON":
                continue
            _, sent_start, sent_end = self.sentence_bounds(mention.start)
            role_start, mention.role = role_before(self.doc, mention.start, sent_start)
            if not mention.role and mention.start - 1 > sent_start and self.doc[mention.start - 1].text == ",":
                # "Scotland's first minister, Alan Reid, said": the role ends at the comma before the name.
                role_start, mention.role = role_before(self.doc, mention.start - 1, sent_start)
            if mention.role:
                role_tokens.update(range(role_start, mention.start))
            else:
                mention.role = role_after(self.doc, mention.end, sent_end)
        # NER spans made of a role's words ("Pentagon Press" as ORG) are not mentions of their own.
        self.mentions = [m for m in self.mentions if not self._is_role_fragment(m, role_tokens)]

    def _is_role_fragment(self, mention: Mention, role_tokens: set[int]) -> bool:
        if mention.method != "ner" or not set(range(mention.start, mention.end)) <= role_tokens:
            return False
        return any(word_of(tok) in ROLE_WORDS for tok in self.doc[mention.start : mention.end])

    # -- step 3b: "Drug Enforcement Administration (DEA)": the short form is the long form's entity
    def link_acronyms(self) -> None:
        for definition in find_definitions(self.text):
            long = self.doc.char_span(definition.long_start, definition.long_end, alignment_mode="expand")
            if long is None:
                continue
            start, end = trim_span(self.doc, long.start, long.end)
            if start >= end:
                continue
            owner = self._long_form_mention(start, end)
            if owner is None:
                continue
            for tok in self.doc:
                if tok.text == definition.short and tok.i >= end:
                    self._link_short_form(tok.i, owner)

    def _long_form_mention(self, start: int, end: int) -> Mention | None:
        """The mention the long form is: an existing one ending where it ends, the gazetteer's entity for
        the whole long form, or a new organisation."""
        text = self.doc[start:end].text
        existing = [m for m in self.mentions if m.end == end and m.start >= start and m.label != "PERSON"]
        known = self.gaz.candidates(text, ("org",))
        if existing and existing[0].start == start and not known:
            return existing[0]
        if any(m.start < end and m.end > start and m.label == "PERSON" for m in self.mentions):
            return None
        if known:
            new = Mention(start, end, known[0][1], known[0][0].entity_id, "gazetteer", name=text)
        else:
            new = Mention(start, end, "ORG", slug_id("ORG", text), "ner", name=text)
        self._replace(new)
        return new

    def _link_short_form(self, i: int, owner: Mention) -> None:
        for mention in self.mentions:
            if mention.start <= i < mention.end:
                if mention.end - mention.start == 1 and mention.method != "alias":
                    mention.entity_id, mention.label, mention.method = owner.entity_id, owner.label, "coref"
                    mention.name, mention.candidates = owner.name, []
                return
        self.mentions.append(Mention(i, i + 1, owner.label, owner.entity_id, "coref", name=owner.name))

    # -- step 5: ambiguous gazetteer names decided by the article's other places
    def disambiguate_places(self) -> None:
        context = {
            self.gaz.entries[m.entity_id].country_code
            for m in self.mentions
            if m.method == "gazetteer" and len(m.candidates) <= 1 and m.entity_id in self.gaz.entries
        }
        context.discard(None)
        for mention in self.mentions:
            if mention.method != "gazetteer" or len(mention.candidates) < 2:
                continue
            surface = self.doc[mention.start : mention.end].text
            pool = mention.candidates
            if surface not in RULER_EXCLUDE:
                pool = [c for c in pool if c[0].group == mention.candidates[0][0].group]
            top = pool[0][0].population
            # A town of a country the article mentions beats the default only when it is not tiny
            # next to it: "Valencia" (ES) with Spain in the text, but not Vienna, Virginia for Vienna.
            preferred = [
                c
                for c in pool
                if c[0].country_code in context and (not top or not c[0].population or c[0].population * 10 >= top)
            ]
            if preferred and pool[0][0].country_code not in context:
                mention.entity_id = preferred[0][0].entity_id

    # -- step 6: "Gaza" after "Gaza Strip", "Belgorod and Kursk regions": the region, not the city
    def resolve_place_parts(self) -> None:
        places = [m for m in self.mentions if m.method == "gazetteer" and m.label in ("GPE", "LOC")]
        for mention in places:
            region = self._plural_region(mention) or self._longer_place(mention, places)
            if region is not None:
                mention.entity_id, mention.candidates = region, []

    def _plural_region(self, mention: Mention) -> str | None:
        """The region named by 'X regions' or 'X and Y regions'."""
        doc, j = self.doc, mention.end
        if j + 1 < len(doc) and doc[j].lower_ in ("and", ","):
            j = next((m.end for m in self.mentions if m.start == j + 1 and m.method == "gazetteer"), j)
        if j >= len(doc) or doc[j].lower_ not in PLURAL_REGIONS:
            return None
        text = f"{doc[mention.start : mention.end].text} {PLURAL_REGIONS[doc[j].lower_]}"
        found = self.gaz.candidates(text, ("place",))
        return found[0][0].entity_id if found else None

    def _longer_place(self, mention: Mention, places: list[Mention]) -> str | None:
        """A longer place name in the article that starts with this one ('Gaza Strip' for 'Gaza')."""
        surface = self.doc[mention.start : mention.end].text + " "
        for other in places:
            other_entry = self.gaz.entries.get(other.entity_id)
            if other is mention or other_entry is None or other_entry.population > 0:
                continue
            if self.doc[other.start : other.end].text.startswith(surface):
                return other.entity_id
        return None

    # -- output
    def _kind_of(self, entity_id: str, fallback: str) -> str:
        """Kind of an entity id: gazetteer entry, slug prefix, else the mention's label."""
        if entity_id in self.gaz.entries:
            return self.gaz.entries[entity_id].kind
        prefix = entity_id.split(":", 1)[0]
        if prefix in SLUG_KINDS:
            return SLUG_KINDS[prefix]
        if prefix in ("iso", "gn"):
            return fallback if fallback in ("GPE", "LOC") else "GPE"
        return fallback if fallback in KINDS else "ORG"

    def _entity_record(self, mention: Mention) -> dict:
        if mention.entity_id in self.gaz.entries:
            return self.gaz.entries[mention.entity_id].record()
        kind = self._kind_of(mention.entity_id, mention.label)
        # An alias surface ("Rocket Man") is not a display name: use the entity's other names.
        name = self._name_from_id(mention.entity_id) if mention.method == "alias" else mention.name
        name = " ".join(name.split())  # 'James\xa0Comey' and a name across a line break read as typed
        return {
            "entity_id": mention.entity_id,
            "kind": kind,
            "name": name,
            "country_code": None,
            "geonames_id": None,
            "wikidata_id": None,
        }

    def _name_from_id(self, entity_id: str) -> str:
        named = [m.name for m in self.mentions if m.entity_id == entity_id and m.name and m.method != "alias"]
        if named:
            return max(named, key=len)
        return entity_id.split(":", 1)[-1].replace("-", " ").title()

    def result(self, article_id: str) -> LinkedEntities:
        out = LinkedEntities()
        seen: set[str] = set()
        for mention in sorted(self.mentions, key=lambda m: m.start):
            if not mention.entity_id:
                continue
            if mention.entity_id not in seen:
                seen.add(mention.entity_id)
                out.entities.append(self._entity_record(mention))
            span = self.doc[mention.start : mention.end]
            out.mentions.append(
                {
                    "article_id": article_id,
                    "entity_id": mention.entity_id,
                    "surface": span.text,
                    "start_char": span.start_char,
                    "end_char": span.end_char,
                    "sentence_index": self.sentence_bounds(mention.start)[0],
                    "role": mention.role,
                    "label": mention.label,
                    "method": mention.method,
                }
            )
        return out


def is_initial(tok) -> bool:
    """A middle initial: 'V.' in 'Vladimir V. Putin'."""
    return len(tok.text) == 2 and tok.text[0].isupper() and tok.text[1] == "."


def link_entities(doc: Doc, article_id: str, aliases: Mapping[str, str] | None = None) -> LinkedEntities:
    """Link every PERSON/ORG/GPE/LOC/NORP mention of a parsed Doc to one canonical entity.

    aliases maps normalise_name(alias) -> entity_id (the warehouse's user alias table) and wins over
    everything else. Offsets are character offsets into the text the Doc was made from.
    """
    linker = Linker(doc, aliases)
    linker.collect()
    linker.add_datelines()
    linker.add_institutions()
    linker.add_city_surnames()
    linker.add_city_first_names()
    linker.apply_aliases()
    linker.attach_roles()
    linker.link_acronyms()
    linker.resolve_people()
    linker.disambiguate_places()
    linker.resolve_place_parts()
    return linker.result(article_id)
