"""Entity mentions linked to one canonical entity each.

Analysts ask "who said what about whom", so "North Korea", "DPRK" and "North Korean" must be one
entity (iso:KP), "Singh" must be the "Sabrina Singh" named earlier, and "Deputy Pentagon Press
Secretary" must be her role, not part of her name. Order of precedence for a mention: user alias,
gazetteer (ruler id or name lookup), surname/partial-name coreference, plain NER with a slug id.

Within one article: a short form defined as "Drug Enforcement Administration (DEA)" is the long form's
entity; a bare surname is the person of that surname whatever label NER gave it ("Volker" as ORG beside
"Kurt Volker"), and when two people share it ("Joe Biden", "Hunter Biden") the one named in this or the
previous sentence, else the most mentioned; spellings of one name ("Zelensky", "Zelenskyy") merge when the
first names agree or only one person has a similar surname (phonetic keys plus Jaro-Winkler, names.py). A
well-known surname with no full name in the article ("Obama said") takes the full name from
transforms/data/people.tsv; months, weekdays and quantifiers are never people.
"""

from transforms.entities.linker import link_entities
from transforms.entities.mentions import LinkedEntities
from transforms.entities.words import KINDS

TRANSFORM_VERSION = "entities-4"

__all__ = ["KINDS", "TRANSFORM_VERSION", "LinkedEntities", "link_entities"]
