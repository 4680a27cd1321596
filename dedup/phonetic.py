"""The phonetic key: one ASCII string per name word such that the ways India writes
one name in Latin letters agree, and different names stay apart.

Why hand-written rules and not Soundex/Metaphone (jellyfish, abydos): those are built
for English and merge too much (Soundex keeps only the first letter and three consonant
classes: Sunita = Sumita = S530) while missing Indian variation (v/b in the east,
aspirates written or not, long vowels doubled, schwa written or dropped).
indic-transliteration's own ``deduplication`` key works on its own schemes, not on
the Latin spellings clerks type. So the rules below encode the variation listed in the
issue, each one a line, in order:

  x -> ks (Laxmi = Lakshmi), q -> k, ph -> f (Phoolmati = Fulmati), zh -> l (Tamil ழ),
  z -> j, ou/ow/au -> o (Kaushalya = Kousalya, Draupadi = Dropadi), w -> v, ch/chh -> c (Chhaya = Chaya),
  other c -> k, sh -> s (Shanti = Santi), initial jn/gn -> gy (Jnan = Gyan), aspirates dropped
  (Radha = Rada, Rekha = Reka), v -> b (Vimla = Bimla, Devi = Debi), initial y -> j
  (Yashoda = Jasoda), jy -> j (Jyoti = Joti), y -> i except between vowels
  (Kumary = Kumari, Priyanka = Prianka; Gayatri keeps its y until the schwa step),
  final -er -> -ar but not -eer (Jaswinder = ਜਸਵਿੰਦਰ; Basheer = Bashir), long vowels
  ee/oo/aa -> i/u/a, consonant + ru -> ri (Krushna, Trupti, Amrut),
  doubled letters single, n before a labial -> m, and a short "a" between two
  consonants after the first syllable dropped (the schwa that Hindi drops and Latin
  spellings keep or drop at will: Kamala = Kamla, Saraswati = Sarswati, Mamata = Mamta).

Final vowels are kept ("Ram" is not "Rama"; South Indian -a/-am/-amma endings stay as
written), first-syllable vowels are kept (Sunita vs Sanita), and nothing merges two
consonant places (Rekha/Renu, Geeta/Seeta, Rajesh/Ramesh stay apart).

Variation that no rule covers (Md = Mohammad, Banerjee = Bandyopadhyay) comes from the
alias table in ``dedup/data/name_aliases.yaml``.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml

_VOWELS = "aeiou"

# (pattern, replacement) applied in order; see the module docstring for why each exists.
_RULES: list[tuple[re.Pattern, str]] = [(re.compile(p), r) for p, r in (
    (r"x", "ks"),
    (r"(?<!e)er$", "ar"),      # Punjabi -inder / -indar, Sunder / Sundar (not the long ee of Basheer)
    (r"q", "k"),
    (r"ph", "f"),
    (r"zh", "l"),
    (r"z", "j"),
    (r"(?:ou|au)", "o"),
    (r"ow(?![aeiou])", "o"),
    (r"w", "v"),
    (r"t?chh?", "C"),          # ch, chh, tch (Tamil Latchumi) are one sound
    (r"ck", "k"),
    (r"c", "k"),
    (r"C", "c"),
    (r"sh", "s"),
    (r"^[jg]n", "gy"),
    (r"([bcdfgjklmnpqrstvxz])h", r"\1"),   # aspirates and other h after a consonant
    (r"([aeiou])h$", r"\1"),               # Shah, Fatimah: final h after a vowel
    (r"v", "b"),
    (r"^y", "j"),
    (r"jy", "j"),
    (r"iy(?=[aeiou])", "i"),                # Priyanka = Prianka
    (r"(?<=[bcdfgjklmnprstv])y", "i"),      # Aishwarya = Aishwaria, Surya = Suria
    (r"y(?![aeiou])", "i"),                 # Sanjay = Sanjai, Kumary = Kumari
    # y between vowels stays a consonant until after the schwa step (Gayatri = Gaytri)
    (r"e(?:e|i)", "i"),
    (r"ii+", "i"),
    (r"oo|uu", "u"),
    (r"aa+", "a"),
    (r"ie$", "i"),
    (r"([bcdfgjklmnprstv])ru", r"\1ri"),
    (r"([a-z])\1+", r"\1"),
    (r"n(?=[bpfm])", "m"),
)]

_NON_LETTERS = re.compile(r"[^a-z]+")
_DOUBLES = re.compile(r"([a-z])\1+")


@lru_cache(maxsize=None)
def _data() -> dict:
    with resources.files("dedup").joinpath("data/name_aliases.yaml").open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@lru_cache(maxsize=200_000)
def raw_key(word: str) -> str:
    """Key of one Latin word by rules only (no alias table)."""
    w = _NON_LETTERS.sub("", word.lower())
    for pat, rep in _RULES:
        w = pat.sub(rep, w)
    w = _drop_medial_a(w).replace("y", "i")
    return _DOUBLES.sub(r"\1", w)


def _drop_medial_a(w: str) -> str:
    """Drop short 'a' between two consonants when a vowel comes earlier in the word.

    Done on the original positions (not repeatedly) so the result does not depend on
    scanning order: "saraswati" -> "sarswti" and "sarswati" -> "sarswti".
    """
    out = []
    seen_vowel = False
    n = len(w)
    for i, ch in enumerate(w):
        if (ch == "a" and seen_vowel and i < n - 1
                and w[i - 1] not in _VOWELS and w[i + 1] not in _VOWELS):
            continue
        if ch in _VOWELS:
            seen_vowel = True
        out.append(ch)
    return "".join(out)


@lru_cache(maxsize=None)
def _alias_tables() -> tuple[dict[str, str], dict[str, str]]:
    """(raw key of a variant -> raw key of the canonical, raw key -> canonical spelling)."""
    to_key: dict[str, str] = {}
    to_spelling: dict[str, str] = {}
    for canonical, variants in (_data().get("aliases") or {}).items():
        ck = raw_key(canonical)
        for v in [canonical, *(variants or [])]:
            to_key[raw_key(str(v))] = ck
            to_spelling[raw_key(str(v))] = canonical
    return to_key, to_spelling


@lru_cache(maxsize=200_000)
def word_key(word: str) -> str:
    """Key of one Latin word: rules, then the alias table."""
    rk = raw_key(word)
    return _alias_tables()[0].get(rk, rk)


def canonical_spelling(word: str) -> str:
    """The alias table's spelling for a word ("md" -> "mohammad"), else the word."""
    return _alias_tables()[1].get(raw_key(word), word)


def joined_key(words: list[str] | tuple[str, ...]) -> str:
    """Key of several words written together ("Phool Mati" = "Phoolmati").

    Each word goes through the alias table first so "Md Salim" keys like
    "Mohammad Salim"; then the words are joined and keyed as one, because the
    space inside Indian given names is written or not at will (Ram Pyari / Rampyari).
    """
    if not words:
        return ""
    if len(words) == 1:
        return word_key(words[0])
    joined = "".join(canonical_spelling(w) for w in words)
    rk = raw_key(joined)
    return _alias_tables()[0].get(rk, rk)


def phonetic_key(latin: str) -> str:
    """Key of a Latin word or phrase: each word keyed separately, joined by one space."""
    if not latin:
        return ""
    keys = (word_key(w) for w in _NON_LETTERS.split(latin.lower()) if w)
    return " ".join(k for k in keys if k)


@lru_cache(maxsize=None)
def known_name_keys() -> frozenset[str]:
    """Keys of every name, title, honorific and relation word the data files know.

    Used only to choose among the readings of a Tamil-script word, whose letters do not
    tell k from g, t from d or p from b (கீதா is Geetha, not Keetha)."""
    d = _data()
    words: set[str] = set()
    for section in ("aliases", "titles", "honorifics", "relations"):
        for canonical, variants in (d.get(section) or {}).items():
            words.add(str(canonical))
            words.update(str(v) for v in variants or [])
    for section in ("surnames", "common_names"):
        words.update(str(v) for v in d.get(section) or [])
    return frozenset(word_key(w) for w in words if w)
