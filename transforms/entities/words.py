"""Word lists and limits of the entity linker: titles and roles, institution heads, words that are never names."""

from __future__ import annotations

import re

KINDS = ("PERSON", "ORG", "GPE", "LOC", "NORP")


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Words that make up a title or role written next to a name (matched lower-case, trailing dot ignored).
ROLE_WORDS = word_set(
    """
    president vice prime minister deputy secretary general press spokesperson spokesman spokeswoman
    ambassador envoy senator sen representative rep congressman congresswoman governor gov mayor chancellor
    commander chief head director chair chairman chairwoman chairperson ceo cfo coo founder co-founder
    executive officer leader king queen prince princess pope judge justice attorney foreign defence defense
    interior finance economy economic health state home affairs security national adviser advisor lt col
    capt sgt maj gen adm cmdr lieutenant colonel captain sergeant major admiral brigadier marshal field
    speaker commissioner inspector superintendent detective professor prof dr mr mrs ms miss sir dame
    lord lady rev reverend sheikh ayatollah emir crown former acting interim incoming outgoing top senior
    assistant associate principal permanent high coordinator undersecretary under trade energy education
    transport labor labour agriculture environment culture communications treasury intelligence military
    army navy naval air force staff joint chiefs opposition premier elect party mp lawmaker spy first
    country regional managing
    """
)
#: At least one of these must be present for a run of role words to count as a role.
HEAD_WORDS = word_set(
    """
    president minister secretary spokesperson spokesman spokeswoman ambassador envoy senator sen
    representative rep congressman congresswoman governor gov mayor chancellor commander chief head director
    chair chairman chairwoman chairperson ceo cfo coo founder co-founder officer leader king queen prince
    princess pope judge justice attorney adviser advisor lt col capt sgt maj gen adm cmdr lieutenant colonel
    captain sergeant admiral brigadier marshal speaker commissioner inspector superintendent detective
    professor prof sheikh ayatollah emir general coordinator undersecretary premier mp lawmaker
    """
)
#: Forms of address that are not a role on their own ("Mr Singh", "Dr Singh").
COURTESY_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame", "lord", "lady"})
CONNECTORS = frozenset({"of", "for", "and", "-", "'s", "\u2019s"})
DETERMINERS = frozenset({"the", "a", "an"})
#: Entity types whose tokens may sit inside a role ("Pentagon", "NATO", "U.S.", "Russian").
ROLE_ENT_TYPES = frozenset({"ORG", "GPE", "NORP", "LOC"})
#: Labels outside KINDS that NER gives known places and institutions ("Kursk" as PRODUCT, "White House"
#: as FAC): such spans are kept only when the gazetteers know the name.
FIXABLE_LABELS = frozenset({"PRODUCT", "FAC", "EVENT"})
#: "Bank of England", "Supreme Court of India": an institution named after a place is an ORG, not the place.
INSTITUTION_HEADS = word_set(
    """
    bank university college ministry department government council court museum church parliament assembly
    police board institute academy embassy consulate office commission agency bureau authority school
    hospital
    """
)
#: Words before a place name that make a longer place name, not a person's first name ("Greater London").
PLACE_PREFIXES = word_set(
    """
    greater new north south east west central upper lower old great saint st san santa port fort mount lake
    downtown northern southern eastern western inner outer
    """
)
PLURAL_REGIONS = {"regions": "region", "oblasts": "Oblast", "provinces": "province"}
#: "WASHINGTON —" / "KYIV, Ukraine —" at the start of a line: a dateline naming a place.
DATELINE = re.compile(
    r"(?m)^[ \t]*([A-Z\u00c0-\u00de][A-Z\u00c0-\u00de.'\-]+(?: [A-Z\u00c0-\u00de][A-Z\u00c0-\u00de.'\-]+){0,3})"
    r"(?:,[^\n\u2014\u2013]{1,30})?\s*[\u2014\u2013-]{1,2}\s"  # optional ", Country", then a dash
)
#: Words NER (or a speaker span) takes for a person that never are one: months, weekdays, quantifiers.
NOT_NAMES = word_set(
    """
    january february march april may june july august september october november december jan feb mar apr
    jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday today tomorrow
    yesterday all both many most some none several everyone everybody each few any anyone nobody others
    brexit latino latinos latina latinas
    """
)
#: Generational suffixes after a surname.
NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
#: Party adjectives NER labels NORP ("Democratic presidential candidate"): the party, when no name follows.
PARTY_ADJECTIVES = {"Democratic": "Democratic Party"}
#: A full mention of a same-surname person this close (sentences) before a bare surname decides it.
RECENT_SENTENCES = 1
SLUG_KINDS = {"person": "PERSON", "org": "ORG", "gpe": "GPE", "loc": "LOC", "norp": "NORP"}
MAX_NAME_TOKENS = 8
