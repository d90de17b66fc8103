"""Name normalisation and deterministic entity ids.

The same person or organisation is written many ways ("Mr. Singh's", "SINGH", "Singh"); analysts need
one key per entity, stable across runs and machines, so ids come from names or authorities, never
from counters.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import jellyfish

#: Honorifics and person titles that never belong to the name itself (matched without dots, lower case).
#: Words that also start organisation names ("General Motors", "Justice Department") are left out.
HONORIFICS = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "prof",
        "professor",
        "sir",
        "dame",
        "rev",
        "reverend",
        "president",
        "vice-president",
        "senator",
        "sen",
        "rep",
        "representative",
        "congressman",
        "congresswoman",
        "gov",
        "governor",
        "mayor",
        "lt",
        "col",
        "capt",
        "sgt",
        "maj",
        "gen",
        "adm",
        "cmdr",
        "chancellor",
        "sheikh",
        "premier",
        "ambassador",
    }
)
_QUOTES = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "`": "'",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
    }
)
#: Letters that NFKD does not decompose into ASCII plus a combining mark.
_FOLD = str.maketrans(
    {
        "ß": "ss",
        "ø": "o",
        "Ø": "o",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "đ": "d",
        "Đ": "d",
        "ł": "l",
        "Ł": "l",
        "ı": "i",
        "þ": "th",
        "ð": "d",
    }
)
_POSSESSIVE = re.compile(r"(?:'s|(?<=s)')$", re.IGNORECASE)
_NOT_WORD = re.compile(r"[^\w]+|_")


def fold_diacritics(text: str) -> str:
    """'Türkiye' -> 'Turkiye', 'Élysée' -> 'Elysee': strip accents so spellings with and without match."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _strip_leading(words: list[str]) -> list[str]:
    """Drop a leading article and honorifics, keeping at least one word."""
    while len(words) > 1 and (words[0] == "the" or words[0] in HONORIFICS):
        words = words[1:]
    return words


def normalise_name(surface: str) -> str:
    """Fold case, diacritics, honorifics, possessives, a leading 'the' and spacing into one matching key."""
    text = surface if surface.isascii() else unicodedata.normalize("NFKC", surface).translate(_QUOTES)
    text = text.strip()
    text = _POSSESSIVE.sub("", text)
    text = fold_diacritics(text).casefold()
    text = text.replace(".", "").replace("'", "").replace("&", " and ")
    words = [w for w in re.split(r"[\s\-/,;:()\[\]\"]+", text) if w]
    return " ".join(_strip_leading(words))


def slugify(text: str) -> str:
    """Lower-case, hyphen-separated slug of a normalised name; non-Latin letters are kept."""
    return _NOT_WORD.sub("-", normalise_name(text)).strip("-")


def slug_id(kind: str, canonical_name: str) -> str:
    """'person:sabrina-singh': kind prefix plus slug, with a hash when the name has no letters."""
    slug = slugify(canonical_name)
    if not slug:
        slug = "h" + hashlib.sha1(canonical_name.encode("utf-8")).hexdigest()[:12]
    return f"{kind.lower()}:{slug}"


#: Two spellings of one name must be at least this close (Jaro-Winkler) besides sharing a phonetic key.
VARIANT_MIN_SIMILARITY = 0.85
_NON_ALPHA = re.compile(r"[^a-z]+")


def name_variant_keys(word: str) -> frozenset[str]:
    """Phonetic keys (Metaphone, NYSIIS) of one normalised name word: 'zelensky', 'zelenskyy' and
    'zelenskiy' share one, 'johnson' and 'johnston' do not."""
    letters = _NON_ALPHA.sub("", fold_diacritics(word).lower())
    if len(letters) < 4:
        return frozenset()
    return frozenset({"m:" + jellyfish.metaphone(letters), "n:" + jellyfish.nysiis(letters)})


def same_name_variant(a: str, b: str) -> bool:
    """True when two normalised name words are transliteration or spelling variants of one name."""
    if a == b:
        return True
    if not (name_variant_keys(a) & name_variant_keys(b)):
        return False
    return jellyfish.jaro_winkler_similarity(a, b) >= VARIANT_MIN_SIMILARITY
