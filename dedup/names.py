"""Name normalisation: the heart of matching.

One woman appears as "सुनीता देवी", "Suneeta Debi", "SMT SUNITA DEVI W/O RAMESH" or
"SUNITADEVI". ``parse_name`` reads any of them into the same parts and the same
phonetic key, and keeps a spelling-level form so the scorer can still tell "written
the same" from "sounds the same".

How a field is parsed (each step is why the next one can be simple):
1. Read to Latin per script (``dedup.scripts``), tokens split on spaces/punctuation,
   except the slash relation markers (W/O, D/O, S/O, C/O) which stay one token.
2. Relation: the first relation marker splits the field; what follows is the
   relation's name (W/O -> husband; D/O, S/O -> father; C/O -> guardian; also
   "wife of", पत्नी, पुत्री, স্ত্রী ...). A word marker needs a name before it.
3. Run-together titles are split off the end of a word (SUNITADEVI, Hansaben).
4. Leading honorifics (Smt, Shrimati, Sri, Mst, Late, श्रीमती ...) are dropped.
5. Women's titles (Devi, Kumari, Khatoon, Begum, Bibi, Bai, Ben, Kaur ...) go to
   ``title`` wherever they stand; also "Kumar" (men's names use it the same way:
   "Ramesh Kumar" = "Ramesh"). If nothing but titles is left, the first title is the
   given name ("Kumari Devi").
6. Surname: the words after a title that has a given name before it ("Sunita Devi
   Barla"), else a last word found in the surname table ("Anita Munda"). Without
   either, all words are the given name: "Anita Barla" keys as "anita barla", the same
   key "Anita Devi Barla" gets, so the key does not depend on this guess.
   Several words after the title ("Kokilaben Jayantilal Patel", "Sunitabai Ramesh
   Patil"): the last is the surname and the middle one is the father's or husband's
   given name (Gujarat, Maharashtra): it becomes ``relation_name`` with
   ``relation_type`` None (the field does not say which), unless a marker already set one.
7. Single letters (South Indian initials: "R. Sunitha") are not part of any key, nor
   are one-syllable abbreviations in an Indic script ("చి. శైలజ" = "Chi. Shailaja":
   the first syllable of the house name).

Keys (``dedup.phonetic``): the given name's key is the key of its words written
together, so "Phool Mati" = "Phoolmati" and "Ram Pyari" = "Rampyari".
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from functools import lru_cache

from dedup.phonetic import _data, canonical_spelling, joined_key, phonetic_key, raw_key, word_key
from dedup.scripts import detect_scripts, to_latin

# phonetic_key, to_latin and detect_scripts live in their own modules (one idea each) and
# are re-exported here: callers import the whole name interface from dedup.names.
__all__ = ["ParsedName", "parse_name", "first_word_key", "word_keys", "phonetic_key", "to_latin", "detect_scripts", "normalise_place"]


@dataclass(frozen=True)
class ParsedName:
    """One name field, read.

    ``given`` and ``surname`` are spelling-level (Latin reading, lowercase, as written;
    surname in its standard form when the surname table knows it); ``given_key`` and
    ``surname_key`` are the phonetic keys; ``key`` joins them with a space. Title and
    honorific are never in a key: "Sunita Devi" and "Sunita Kumari" are told apart by
    the title comparison, not by the name.
    """
    original: str
    scripts: tuple[str, ...]
    latin: str
    honorific: str | None
    given: str | None
    title: str | None
    surname: str | None
    relation_type: str | None
    relation_name: str | None
    given_key: str
    surname_key: str | None
    key: str

    def to_dict(self) -> dict:
        d = asdict(self)
        d["scripts"] = list(self.scripts)
        return d


EMPTY = ParsedName(original="", scripts=(), latin="", honorific=None, given=None, title=None,
                   surname=None, relation_type=None, relation_name=None, given_key="",
                   surname_key=None, key="")

# "W/O", "w/o.", "W.O.", "S\O", "C/O:" ... -> relation type
_SLASH_MARKER = re.compile(r"(?<![a-z])([wdsc])\s*[/\\.]\s*o(?![a-z])\.?")
# Typed without spaces: "LakshmiDeviW/OManoj" (only W/O: "Anand/Omprakash" is two names),
# and "Sunita W/ORamesh" (a marker starting a word).
_SLASH_MARKER_RUN_ON = re.compile(r"(?<=[a-z])(w)/o(?=[a-z])|(?<![a-z])([wdsc])/o(?=[a-z])")
_SLASH_TYPES = {"w": "husband", "d": "father", "s": "father", "c": "guardian"}
# Tamil: க/பெ (kanavar peyar, husband's name) and த/பெ (thanthai peyar, father's name)
_TAMIL_SLASH = re.compile(r"(?<![a-z])(ka|tha|ta)\s*/\s*pe(?![a-z])\.?")
_TAMIL_TYPES = {"ka": "husband", "tha": "father", "ta": "father"}
_MASK_RUN = re.compile(r"x{3,}")
_TOKEN = re.compile(r"\x00[a-z]+\x00|[a-z]+|[^\x00-\x7f\s\d.,;:/\\\-()'\"_]+")
_PHRASES = {  # two-word relation phrases, first word -> second word
    ("wife", "of"): "husband", ("daughter", "of"): "father", ("son", "of"): "father",
    ("care", "of"): "guardian", ("husband", "name"): "husband", ("father", "name"): "father",
    ("husbands", "name"): "husband", ("fathers", "name"): "father", ("mother", "name"): "mother",
    ("guardian", "name"): "guardian", ("husband", "of"): "husband", ("d", "o"): "father",
}


@lru_cache(maxsize=None)
def _tables() -> dict:
    """Lookup tables by raw phonetic key, built once from the YAML."""
    d = _data()

    def by_key(section: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for canonical, variants in (d.get(section) or {}).items():
            for v in [canonical, *(variants or [])]:
                out[raw_key(str(v))] = str(canonical)
        return out

    surnames: dict[str, str] = {}
    for s in d.get("surnames") or []:  # first spelling listed is the standard form
        surnames.setdefault(word_key(str(s)), str(s))
    for canonical in map(str, d.get("aliases") or {}):  # the alias table's spelling wins
        if word_key(canonical) in surnames:
            surnames[word_key(canonical)] = canonical
    titles = by_key("titles")
    return {
        "titles": titles,
        "honorifics": by_key("honorifics"),
        **_suffix_index(d),
        "relations": by_key("relations"),
        "surnames": surnames,
        "place_words": {raw_key(str(w)) for w in d.get("place_words") or []},
    }


def _suffix_index(d: dict) -> dict:
    """Titles that can end a run-together word (SUNITADEVI), tried longest first so "kumari"
    wins over "bai"; never "-amma" (Lakshmamma, Kunjamma are one name) nor "-kumar" (Rajkumar).
    Bengal's middle "Rani"/"Bala" are not titles: "Sabita Rani" must key like "Sabitarani",
    and the first-name comparison already matches "Mampi Bala" to "Mampi"."""
    suffixes = {str(v) for c, vs in (d.get("titles") or {}).items() for v in [c, *(vs or [])]
                if str(c) not in ("kumar", "amma") and len(str(v)) >= 3}
    return {"title_suffix_set": frozenset(suffixes),
            "title_suffix_lengths": sorted({len(x) for x in suffixes}, reverse=True)}


def _split_run_together(word: str) -> list[str]:
    """SUNITADEVI -> sunita devi; hansaben -> hansa ben (needs 3+ letters before the title)."""
    suffixes, lengths = _tables()["title_suffix_set"], _tables()["title_suffix_lengths"]
    for n in lengths:  # longest first, one set lookup per length
        if len(word) - n >= 3 and word[-n:] in suffixes:
            head = word[:-n]
            if any(v in head for v in "aeiou"):
                return [head, word[-n:]]
    return [word]


def _is_native_syllable(core: str) -> bool:
    return (bool(core) and unicodedata.category(core[0]) == "Lo" and ord(core[0]) >= 0x0900
            and len(core) <= 3 and all(unicodedata.category(c) in ("Mn", "Mc") for c in core[1:]))


_VOWEL_NAMES = frozenset({"A", "AA", "I", "II", "U", "UU", "E", "EE", "AI", "O", "OO", "AU"})


def _is_spelled_initial(core: str) -> bool:
    """An English initial spelt out in an Indic script: vowel, consonant, virama - Tamil
    "ஆர்." (R.), "எஸ்." (S.), "எம்." (M.), "எல்." (L.)."""
    if len(core) != 3 or ord(core[0]) < 0x0900:
        return False
    first, second, third = (unicodedata.name(c, "") for c in core)
    return (" LETTER " in first and first.split()[-1] in _VOWEL_NAMES
            and unicodedata.category(core[1]) == "Lo" and "VIRAMA" in third)


def _drop_native_initials(text: str) -> str:
    """Drop one-syllable abbreviations in an Indic script: "చి. శైలజ", "చి.శైలజ" -> "శైలజ".

    Telugu and Kannada bookkeepers abbreviate the house name to its first syllable and a
    dot. A syllable here is one consonant or vowel letter with at most two signs (vowel
    sign, anusvara, virama). Kept: relation words and honorifics ("ಕೋಂ." is "wife of"),
    and the syllable after a slash (Tamil "க / பெ."). Latin initials are single letters,
    dropped later; a longer Latin word before a dot ("Uma.", "Ram.") is a name and stays.
    """
    if "." not in text:
        return text
    t = _tables()
    out: list[str] = []
    for word in text.split(" "):
        parts = word.split(".")
        kept: list[str] = []
        for i, part in enumerate(parts[:-1]):  # each part here was followed by a dot
            prev = (kept[-1] if kept else (out[-1] if out else ""))
            if ((_is_native_syllable(part) or _is_spelled_initial(part)) and not prev.endswith("/")
                    and not any(raw_key(to_latin(part)) in t[k] for k in ("relations", "honorifics"))):
                continue
            kept.append(part + ".")
        kept.append(parts[-1])
        out.append(" ".join(x for x in kept if x))
    return " ".join(out)


def _tokens(latin: str) -> list[str]:
    marked = _SLASH_MARKER.sub(lambda m: f" \x00{_SLASH_TYPES[m.group(1)]}\x00 ", latin)
    marked = _SLASH_MARKER_RUN_ON.sub(lambda m: f" \x00{_SLASH_TYPES[m.group(1) or m.group(2)]}\x00 ", marked)
    marked = _TAMIL_SLASH.sub(lambda m: f" \x00{_TAMIL_TYPES[m.group(1)]}\x00 ", marked)
    # digits never make a word; a number hidden by the import (XXXXXXXX0124) leaves its X's,
    # which must not read as a surname shared by every name that held a number
    return [t for t in _TOKEN.findall(marked) if not _MASK_RUN.fullmatch(t)]


def _relation_at(tokens: list[str], i: int) -> tuple[str, int] | None:
    """(relation type, tokens used) when a relation marker starts at tokens[i]."""
    tok = tokens[i]
    if tok.startswith("\x00"):
        return tok.strip("\x00"), 1
    if i + 1 < len(tokens) and (tok, tokens[i + 1]) in _PHRASES:
        return _PHRASES[(tok, tokens[i + 1])], 2
    # a bare word marker needs a name before it and a name after it
    if 0 < i < len(tokens) - 1:
        rel = _tables()["relations"].get(raw_key(tok))
        if rel is not None:
            return rel, 1
    return None


def _strip_honorifics(tokens: list[str]) -> tuple[list[str], str | None]:
    honorifics = _tables()["honorifics"]
    found = None
    while len(tokens) > 1 and (h := honorifics.get(raw_key(tokens[0]))) is not None:
        found = found or h
        tokens = tokens[1:]
    return tokens, found


@lru_cache(maxsize=1_000_000)
def parse_name(text: str | None) -> ParsedName:
    """Parse one name field. Cached: names repeat a lot, so each unique string is read once.

    Safe for None, "" and whitespace (returns an empty ParsedName with key ""); a float
    NaN (pandas' missing value) counts as None. The cache holds up to a million parsed
    names (roughly 0.5-1 KB each), enough for every distinct spelling of a state's export.
    """
    if text is None or (isinstance(text, float) and text != text):
        return EMPTY
    original = str(text)
    latin = to_latin(_drop_native_initials(original))
    if not latin.strip():
        return ParsedName(**{**EMPTY.to_dict(), "original": original, "scripts": detect_scripts(original),
                             "latin": latin})
    tokens = _tokens(latin)

    relation_type = relation_name = None
    for i in range(len(tokens)):
        found = _relation_at(tokens, i)
        if found is not None:
            relation_type, used = found
            rel_tokens, _ = _strip_honorifics([t for t in tokens[i + used:] if not t.startswith("\x00")])
            relation_name = " ".join(rel_tokens) or None
            tokens = tokens[:i]
            break

    kept = tokens
    tokens, honorific = _strip_honorifics(tokens)
    if honorific == "shri" and all(raw_key(t) in _tables()["titles"] for t in tokens):
        tokens, honorific = kept, None   # "Sri Devi" is the name Sridevi, not Mr Devi
    words: list[str] = []
    for t in tokens:
        words.extend(_split_run_together(t))
    words = [w for w in words if len(w) > 1 or len(tokens) == 1]  # initials: R. Sunitha

    titles_tab = _tables()["titles"]
    kinds = ["title" if raw_key(w) in titles_tab else "name" for w in words]
    if words and "name" not in kinds:  # "Kumari Devi": the first is her name
        kinds[0] = "name"
    titles = [titles_tab[raw_key(w)] for w, k in zip(words, kinds) if k == "title"]

    # first title preceded by a name splits given | surname
    split_at = None
    for i, k in enumerate(kinds):
        if k == "title" and "name" in kinds[:i]:
            split_at = i
            break
    names_before = [w for w, k in zip(words[:split_at], kinds[:split_at]) if k == "name"]
    names_after = ([w for w, k in zip(words[split_at:], kinds[split_at:]) if k == "name"]
                   if split_at is not None else [])
    given_words, surname_words = names_before, names_after
    surname_tab = _tables()["surnames"]
    if not surname_words and len(given_words) >= 2 and word_key(given_words[-1]) in surname_tab:
        given_words, surname_words = given_words[:-1], given_words[-1:]
    elif (not surname_words and len(given_words) >= 3 and word_key(given_words[0]) in surname_tab
          and split_at is None):
        # Surname first, as Maharashtra's registers write it ("PATIL SUNITA RAMESH": Patil, Sunita,
        # husband Ramesh). Three words at least: some surnames are given names too (Meena, Mala,
        # Rana), and "Meena Rani" is a woman called Meena.
        surname_words, given_words = given_words[:1], given_words[1:]
        if relation_name is None:
            relation_name = " ".join(given_words[1:])
        given_words = given_words[:1]
    middle: list[str] = []
    if len(surname_words) >= 2:
        # "Kokilaben Jayantilal Patel", "Sunitabai Ramesh Patil": in Gujarat and Maharashtra
        # the word between title and surname is the father's or husband's given name.
        middle, surname_words = surname_words[:-1], surname_words[-1:]
        if relation_name is None:
            relation_name = " ".join(middle)

    surname = None
    surname_key = None
    if surname_words:
        surname = " ".join(surname_tab.get(word_key(w), w) for w in surname_words)
        surname_key = joined_key(surname.split())
    given = " ".join(given_words) or None
    given_key = joined_key(given_words)
    key = " ".join(k for k in (given_key, surname_key) if k)
    return ParsedName(
        original=original,
        scripts=detect_scripts(original),
        latin=latin,
        honorific=honorific,
        given=given,
        title=" ".join(dict.fromkeys(titles)) or None,
        surname=surname,
        relation_type=relation_type,
        relation_name=relation_name,
        given_key=given_key,
        surname_key=surname_key,
        key=key.strip(),
    )


# Leading words that many men's names share, so they say little about which man:
# "Md Kamal" and "Kamal Ansari" both name Kamal.
_NAME_PREFIXES = frozenset({"mohammad", "sk", "shaik", "shaikh", "sheikh", "sheik", "shekh", "syed",
                            "sayed", "mirza"})


def first_word_key(given: str | None, family_words: frozenset[str] = frozenset()) -> str | None:
    """Phonetic key of the first word of a given name ("kiran lodhi" -> key of "kiran").

    The joined key of all given words is exact about spacing ("Phool Mati" = "Phoolmati")
    but any extra word (a surname the table does not know, a husband's name run into hers)
    changes it; the first word alone survives those. Common prefixes (Md, Sk, Syed) are
    skipped when a name follows them, and so are ``family_words`` (word keys): words her
    name shares with her father's/husband's name are the family's, not hers - the
    house name written first in Telugu ("Kandula Durga W/O Kandula Ramesh"), a clan
    name ("Toppo"), a husband's name in the middle ("Sangita Dnyaneshwar Gaikwad").
    """
    if not given:
        return None
    words = given.split()
    while len(words) > 1 and (canonical_spelling(words[0]) in _NAME_PREFIXES
                              or word_key(words[0]) in family_words):
        words = words[1:]
    return word_key(words[0]) or None


@lru_cache(maxsize=1_000_000)
def word_keys(text: str | None) -> frozenset[str]:
    """Keys of each word of a name (for telling family words from given names)."""
    return frozenset(word_key(w) for w in (text or "").split()) - {""}


@lru_cache(maxsize=200_000)
def normalise_place(text: str | None) -> str | None:
    """Key of a village / panchayat / block name, or None when empty.

    Words such as "gram", "village", "panchayat", "GP", ग्राम are dropped; the rest is
    keyed as one word, so "Ram Pur" = "Rampur" = "रामपुर". Digits stay ("Ward 5").
    """
    if text is None or (isinstance(text, float) and text != text):
        return None
    latin = to_latin(str(text))
    place_words = _tables()["place_words"]
    parts = re.findall(r"[a-z]+|\d+", latin)
    letters = [p for p in parts if not p.isdigit() and raw_key(p) not in place_words]
    digits = [p for p in parts if p.isdigit()]
    key = joined_key(letters) if letters else ""
    if digits:
        key = f"{key} {' '.join(digits)}".strip()
    return key or None
