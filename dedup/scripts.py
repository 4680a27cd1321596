"""Which script a name is written in, and its Latin reading.

Letter values come from indic-transliteration (``sanscript``): at import we ask it for
the IAST of every code point of each Brahmic block and turn that into plain ASCII.
What the library does not do for names, and why this module does it itself:

* It never drops the inherent vowel (राम -> "rAma"), but Latin spellings of North and
  East Indian names do ("Ram", "Ramesh", "Kamla"). So a word is read into units
  (consonant / vowel / inherent vowel / nasal) and the inherent vowel is deleted at the
  word end after a single consonant and medially in the V C _ C V pattern, for the
  scripts whose languages drop it (Devanagari, Bengali, Gurmukhi, Gujarati, Odia).
  Telugu, Kannada, Malayalam and Tamil keep it ("Sunitha", "Kamala").
* Anusvara comes out as "M"; we write the nasal the Latin spelling uses (Ganga, Sanjay,
  Champa: n before most consonants, m before p/b/m).
* Bengali ব comes out as "v"; Bengali has no v: it is "b" (Debi, Bimla), and "w" as the
  second letter of a cluster (বিশ্বাস = Biswas). Initial য (Bengali) / ଯ (Odia) is "j".
* Gurmukhi nukta letters and addak, Odia ୱ, Assamese ৱ, Malayalam chillu letters and
  ഺ/റ clusters pass through unconverted: small tables below patch them.
* Tamil comes out wrong (சுனிதா -> "jhuனidhA"): Tamil has its own reader here. Tamil
  script writes k/g, t/d, p/b, s/ch with one letter each, so the reader produces the
  reading Tamil Latin spelling convention gives, and where the name is known to the
  name tables (கீதா = Geetha, தேவி = Devi) the known reading wins.
* Its script detector guesses romanisation schemes for Latin text; we detect from
  Unicode blocks, which is exact.
"""
from __future__ import annotations

import itertools
import re
import unicodedata
from functools import lru_cache

from indic_transliteration import sanscript

# name -> (first code point of the Unicode block, sanscript scheme)
BLOCKS: dict[str, tuple[int, str | None]] = {
    "Devanagari": (0x0900, sanscript.DEVANAGARI),
    "Bengali": (0x0980, sanscript.BENGALI),      # also Assamese
    "Gurmukhi": (0x0A00, sanscript.GURMUKHI),
    "Gujarati": (0x0A80, sanscript.GUJARATI),
    "Odia": (0x0B00, sanscript.ORIYA),
    "Tamil": (0x0B80, None),                     # own reader: sanscript's is wrong
    "Telugu": (0x0C00, sanscript.TELUGU),
    "Kannada": (0x0C80, sanscript.KANNADA),
    "Malayalam": (0x0D00, sanscript.MALAYALAM),
}
SCRIPT_NAMES = (*BLOCKS, "Latin")
SCHWA_DELETING = frozenset({"Devanagari", "Bengali", "Gurmukhi", "Gujarati", "Odia"})
DRAVIDIAN = frozenset({"Tamil", "Telugu", "Kannada", "Malayalam"})

_BLOCK_OF = {}
for _name, (_start, _) in BLOCKS.items():
    for _cp in range(_start, _start + 0x80):
        _BLOCK_OF[_cp] = _name

# Unit kinds of the word reader.
CONS, VOWEL, SIGN, VIRAMA, NUKTA, NASAL, VISARGA, CHILLU, ADDAK, SKIP, AYTHAM = range(11)

_IAST_CONSONANTS = {
    "k": "k", "kh": "kh", "g": "g", "gh": "gh", "ṅ": "n", "c": "ch", "ch": "chh", "j": "j",
    "jh": "jh", "ñ": "NY", "ṭ": "t", "ṭh": "th", "ḍ": "d", "ḍh": "dh", "ṇ": "n", "t": "t",
    "th": "th", "d": "d", "dh": "dh", "n": "n", "ṉ": "n", "p": "p", "ph": "ph", "b": "b",
    "bh": "bh", "m": "m", "y": "y", "r": "r", "ṟ": "r", "l": "l", "ḻ": "l", "l̤": "zh",
    "v": "v", "ś": "sh", "ṣ": "sh", "s": "s", "h": "h", "q": "q", "k͟h": "kh", "ġ": "gh",
    "z": "z", "r̤": "r", "r̤h": "rh", "f": "f", "ẏ": "y",
}
_IAST_VOWELS = {
    "a": "a", "ā": "a", "i": "i", "ī": "i", "u": "u", "ū": "u", "ṛ": "ri", "ṝ": "ri",
    "ḷ": "li", "ḹ": "li", "e": "e", "è": "e", "ai": "ai", "o": "o", "ò": "o", "au": "au",
}
# Consonant + nukta, by the consonant's ASCII value (NFC splits क़ into क + ़).
_NUKTA = {"k": "q", "kh": "kh", "g": "gh", "j": "z", "d": "r", "dh": "rh", "ph": "f",
          "y": "y", "r": "r", "l": "l", "s": "sh", "n": "n"}
# Bengali য় is য + nukta: "y" whatever _units decided for the bare য
_NUKTA_AFTER_Y = "y"

# Patches for what sanscript leaves unconverted or reads wrongly for names:
# script -> {offset in block: (kind, value)}
_PATCHES: dict[str, dict[int, tuple[int, str]]] = {
    "Devanagari": {0x5D: (CONS, "rh"), 0x0D: (VOWEL, "e"), 0x11: (VOWEL, "o"), 0x45: (SIGN, "e"),
                   0x49: (SIGN, "o"), 0x72: (VOWEL, "e"), 0x00: (NASAL, "")},
    "Bengali": {0x2C: (CONS, "B"), 0x2F: (CONS, "Y"), 0x70: (CONS, "r"), 0x71: (CONS, "w"),
                0x4E: (CHILLU, "t"), 0x57: (SKIP, "")},
    "Gurmukhi": {0x70: (NASAL, ""), 0x71: (ADDAK, ""), 0x72: (VOWEL, ""), 0x73: (VOWEL, ""),
                 0x75: (SKIP, ""), 0x51: (SKIP, "")},
    "Gujarati": {0x0D: (VOWEL, "e"), 0x11: (VOWEL, "o"), 0x45: (SIGN, "e"), 0x49: (SIGN, "o")},
    "Odia": {0x2F: (CONS, "Y"), 0x71: (CONS, "w"), 0x56: (SKIP, ""), 0x57: (SKIP, "")},
    "Telugu": {0x58: (CONS, "ch"), 0x59: (CONS, "z"), 0x5A: (CONS, "r"), 0x00: (NASAL, ""),
               0x5D: (CHILLU, "n"), 0x55: (SKIP, ""), 0x56: (SKIP, "")},
    "Kannada": {0x5D: (CHILLU, "n"), 0x55: (SKIP, ""), 0x56: (SKIP, "")},
    "Malayalam": {0x31: (CONS, "R"), 0x7A: (CHILLU, "n"), 0x7B: (CHILLU, "n"), 0x7C: (CHILLU, "r"),
                  0x7D: (CHILLU, "l"), 0x7E: (CHILLU, "l"), 0x7F: (CHILLU, "k"), 0x54: (CHILLU, "m"),
                  0x55: (CHILLU, "y"), 0x56: (CHILLU, "zh"), 0x4E: (CHILLU, "r"), 0x57: (SIGN, "au"),
                  0x3A: (CONS, "t")},
}


def _classify(off: int) -> int | None:
    if 0x15 <= off <= 0x39 or 0x58 <= off <= 0x5F:
        return CONS
    if 0x05 <= off <= 0x14 or off in (0x60, 0x61):
        return VOWEL
    if 0x3E <= off <= 0x4C or off in (0x62, 0x63):
        return SIGN
    return {0x4D: VIRAMA, 0x3C: NUKTA, 0x01: NASAL, 0x02: NASAL, 0x03: VISARGA,
            0x3D: SKIP}.get(off)


def _build_table(name: str) -> dict[str, tuple[int, str]]:
    """Per code point: (kind, ASCII value), from sanscript's IAST plus the patches."""
    start, scheme = BLOCKS[name]
    table: dict[str, tuple[int, str]] = {}
    for off in range(0x80):
        ch = chr(start + off)
        kind = _classify(off)
        if kind is None:
            continue
        value = ""
        if kind in (CONS, VOWEL, SIGN):
            iast = sanscript.transliterate(ch, scheme, sanscript.IAST)
            if kind == CONS:
                iast = iast[:-1] if iast.endswith("a") else iast
                value = _IAST_CONSONANTS.get(iast)
            else:
                value = _IAST_VOWELS.get(iast)
            if value is None:  # sanscript passed it through: not a letter it knows
                kind, value = SKIP, ""
        table[ch] = (kind, value)
    for off, entry in _PATCHES.get(name, {}).items():
        table[chr(start + off)] = entry
    for ch in ("\u200c", "\u200d"):  # joiners: shape, do not sound
        table[ch] = (SKIP, "")
    return table


_TABLES = {name: _build_table(name) for name, (_, scheme) in BLOCKS.items() if scheme}

# Tamil: own table. Consonants carry an id the context rules below turn into Latin.
_TAMIL_CONS = {
    "க": "k", "ங": "ng", "ச": "c", "ஞ": "ny", "ட": "tt", "ண": "nn", "த": "t", "ந": "n",
    "ன": "nnn", "ப": "p", "ம": "m", "ய": "y", "ர": "r", "ற": "rr", "ல": "l", "ள": "ll",
    "ழ": "zh", "வ": "v", "ஶ": "sh", "ஷ": "sh", "ஸ": "s", "ஹ": "h", "ஜ": "j",
}
_TAMIL_VOWELS = {"அ": "a", "ஆ": "a", "இ": "i", "ஈ": "i", "உ": "u", "ஊ": "u", "எ": "e", "ஏ": "e",
                 "ஐ": "ai", "ஒ": "o", "ஓ": "o", "ஔ": "au"}
_TAMIL_SIGNS = {"ா": "a", "ி": "i", "ீ": "i", "ு": "u", "ூ": "u", "ெ": "e", "ே": "e", "ை": "ai",
                "ொ": "o", "ோ": "o", "ௌ": "au", "ௗ": "au"}
_TAMIL_TABLE: dict[str, tuple[int, str]] = {
    **{c: (CONS, v) for c, v in _TAMIL_CONS.items()},
    **{c: (VOWEL, v) for c, v in _TAMIL_VOWELS.items()},
    **{c: (SIGN, v) for c, v in _TAMIL_SIGNS.items()},
    "்": (VIRAMA, ""), "ஂ": (NASAL, ""), "ஃ": (AYTHAM, ""), "\u200c": (SKIP, ""), "\u200d": (SKIP, ""),
}
_TABLES["Tamil"] = _TAMIL_TABLE

# Indic digits -> ASCII, dandas -> full stop: done before reading words.
_PRE = {0x0964: ".", 0x0965: "."}
for _name, (_start, _) in BLOCKS.items():
    for _d in range(10):
        _PRE[_start + 0x66 + _d] = str(_d)

_ASCII_LETTER = re.compile(r"[A-Za-z]")
_INDIC_RUN = re.compile(r"[\u0900-\u0D7F\u200c\u200d]+")
_LABIALS = ("p", "b", "m", "f")
_NASAL_VALUES = frozenset({"n", "m", "NY"})
_NON_STOPS = frozenset({"y", "r", "l", "v", "w", "sh", "s", "h", "R", "Y", "B", "zh"})


def script_of(ch: str) -> str | None:
    """Script name of one character; None for digits, spaces, punctuation, joiners."""
    cp = ord(ch)
    name = _BLOCK_OF.get(cp)
    if name is not None:
        return None if ch in "\u0964\u0965" or ch in _PRE else name
    if ch.isalpha():
        if cp < 0x0250 or 0x1E00 <= cp <= 0x1EFF:
            return "Latin"
        return "Other"
    if unicodedata.category(ch) == "Mn" and cp < 0x0370:
        return "Latin"  # combining accents typed on Latin letters
    return None


def detect_scripts(text: str) -> tuple[str, ...]:
    """Scripts of the letters in ``text``, in order of first appearance.

    "Other" stands for letters of a script this module does not read (e.g. Urdu),
    so a caller can show that part of a name was not understood.
    """
    if not text:
        return ()
    if text.isascii():  # most names of a Latin-typing state: no per-character lookups
        return ("Latin",) if _ASCII_LETTER.search(text) else ()
    seen: dict[str, None] = {}
    for ch in dict.fromkeys(text):  # each distinct character once, in order
        s = script_of(ch)
        if s is not None and s not in seen:
            seen[s] = None
    return tuple(seen)


# ---------------------------------------------------------------- word reader

def _units(word: str, table: dict[str, tuple[int, str]]) -> list[list]:
    """Read one word into units: ['C', value], ['V', value], ['A', 'a'] (inherent), ['N', '']."""
    units: list[list] = []
    pending = False   # last consonant still carries its inherent vowel
    gem = False       # Gurmukhi addak: double the next consonant
    prev_char_val = ""
    for ch in word:
        entry = table.get(ch)
        if entry is None:
            continue
        kind, val = entry
        if kind != NUKTA:
            prev_char_val = val
        if kind == CONS:
            if val in ("Y", "B"):
                # decided here, before schwa deletion can make a vowel-separated letter
                # look like a cluster (দেবযানী = Debjani, not Debyani)
                cluster = not pending and bool(units) and units[-1][0] == "C"
                if val == "Y":
                    val = "y" if cluster else "j"
                else:
                    val = "w" if cluster and units[-1][1] not in ("m", "b") else "b"
            if pending:
                units.append(["A", "a"])
            if gem:
                units.append(["C", val])
                gem = False
            units.append(["C", val])
            pending = True
        elif kind == SIGN:
            units.append(["V", val])
            pending = False
        elif kind == VIRAMA:
            pending = False
        elif kind == NUKTA:
            if units and units[-1][0] == "C":
                if units[-1][1] in ("j", "y") and prev_char_val == "Y":
                    units[-1][1] = _NUKTA_AFTER_Y
                else:
                    units[-1][1] = _NUKTA.get(units[-1][1], units[-1][1])
        elif kind == VOWEL:
            if pending:
                units.append(["A", "a"])
            units.append(["V", val])
            pending = False
        elif kind in (NASAL, VISARGA, CHILLU, ADDAK, AYTHAM):
            if pending:
                units.append(["A", "a"])
            pending = False
            if kind == NASAL:
                units.append(["N", ""])
            elif kind == CHILLU:
                units.append(["C", val])
            elif kind == ADDAK:
                gem = True
            elif kind == AYTHAM:   # Tamil ஃ: marks the next letter as foreign (ஃப = f)
                units.append(["C", "F"])
    if pending:
        units.append(["A", "a"])
    return units


def _vowelish(units: list[list], j: int) -> bool:
    if units[j][0] in "VA":
        return True
    return units[j][0] == "N" and j >= 1 and units[j - 1][0] in "VA"


def _delete_schwas(units: list[list]) -> list[list]:
    """Drop the inherent vowels Hindi-area Latin spellings drop.

    Final: after a single consonant, or after nasal + stop (आनंद/आनन्द -> anand), when an
    earlier vowel exists (so a one-syllable word keeps it). Kept after other clusters
    (नरेन्द्र -> narendra, कृष्ण -> krishna).
    Medial, left to right: V C _ C V (कमला -> kamla, फूलमती -> phulmati), and
    V C _ C r V (हरप्रीत -> harpreet, रामप्रसाद -> ramprasad); but not before the name
    endings -vati/-mati/-pati (कलावती -> kalavati, सुमति -> sumati).
    """
    n = len(units)
    if n >= 3 and units[-1][0] == "A" and units[-2][0] == "C":
        prev = units[-3]
        earlier_vowel = any(u[0] in "VA" for u in units[:-2])
        single = prev[0] in "VAN"
        nasal_stop = prev[0] == "C" and prev[1] in _NASAL_VALUES and units[-2][1] not in _NON_STOPS
        if earlier_vowel and (single or nasal_stop):
            units = units[:-1]
    i = 2
    while i < len(units) - 2:
        if units[i][0] == "A" and units[i - 1][0] == "C" and _vowelish(units, i - 2) \
                and units[i + 1][0] == "C":
            after = units[i + 2]
            cv = after[0] in "VA"
            crv = (after[0] == "C" and after[1] == "r" and i + 3 < len(units)
                   and units[i + 3][0] in "VA")
            suffix = (i + 2 == len(units) - 1 and units[i - 1][1] in ("v", "m", "p")
                      and units[i + 1][1] == "t" and after == ["V", "i"])
            if (cv or crv) and not suffix:
                del units[i]
        i += 1
    return units


def _render(units: list[list], script: str) -> str:
    out = []
    n = len(units)
    for i, (kind, val) in enumerate(units):
        if kind == "N":
            nxt = units[i + 1] if i + 1 < n else None
            if nxt is not None and nxt[0] == "C":
                out.append("m" if nxt[1].startswith(_LABIALS) else "n")
            else:
                out.append("m" if nxt is None and script in DRAVIDIAN else "n")
            continue
        if val == "NY":    # ñ: ज्ञ = gy (Gyan), ഞ്ഞ = nj (Kunjamma), ञ्च = nch, else ny
            prev = units[i - 1] if i else None
            nxt = units[i + 1] if i + 1 < n else None
            if prev is not None and prev[0] == "C" and prev[1] == "j":
                out[-1] = "g"
                val = "y"
            elif prev is not None and prev[0] == "C" and prev[1] == "NY":
                val = "j"
            elif nxt is not None and nxt[0] == "C":
                val = "n"
            else:
                val = "ny"
        elif val == "R":     # Malayalam റ: ന്റ = nt, റ്റ = tt, else r
            prev = units[i - 1] if i else None
            nxt = units[i + 1] if i + 1 < n else None
            if (nxt is not None and nxt[0] == "C" and nxt[1] == "R") or (
                    prev is not None and prev[0] == "C" and prev[1] in ("n", "R")):
                val = "t"
            else:
                val = "r"
        out.append(val)
    return "".join(out)


def _tamil_options(units: list[list], i: int) -> tuple[str, ...]:
    """Latin spellings a Tamil consonant takes in this position, the usual one first."""
    cid = units[i][1]
    n = len(units)
    prev = units[i - 1] if i > 0 else None
    nxt = units[i + 1] if i + 1 < n else None
    prev_c = prev[1] if prev is not None and prev[0] == "C" else None
    after_vowel = prev is not None and prev[0] in "VAN"
    initial = prev is None
    gem_first = nxt is not None and nxt[0] == "C" and nxt[1] == cid
    gem_second = prev_c == cid
    if prev_c == "F":  # after aytham: ஃப = f, ஃஜ = z
        return {"p": ("f",), "j": ("z",)}.get(cid, (cid,))
    if cid == "k":
        if gem_first or gem_second or (nxt is not None and nxt[0] == "C" and nxt[1] == "sh"):
            return ("k",)
        if prev_c == "ng":
            return ("g",)
        if after_vowel:
            return ("g", "k")
        return ("k", "g")
    if cid == "c":
        if prev_c == "tt":    # ட்ச stands for Sanskrit க்ஷ: லட்சுமி = Lakshmi (or Latchumi)
            return ("sh", "ch")
        if gem_first:
            return ("t",)
        if gem_second:
            return ("ch",)
        if prev_c == "ny":
            return ("j",)
        if initial:
            return ("s", "ch")
        if after_vowel:
            return ("s", "ch", "j")
        return ("ch", "s")
    if cid == "tt":
        if nxt is not None and nxt[0] == "C" and nxt[1] == "c":
            return ("k", "t")
        if gem_first or gem_second or (nxt is not None and nxt[0] == "C"):
            return ("t",)
        if prev_c == "nn":
            return ("d",)
        if after_vowel:
            return ("d", "t")
        return ("t", "d")
    if cid == "t":
        if gem_first:
            return ("t",)
        if gem_second:
            return ("th",)
        return ("th", "d", "t") if after_vowel else ("th", "d")
    if cid == "p":
        if gem_first or gem_second:
            return ("p",)
        if prev_c == "m":
            return ("b", "p")
        if after_vowel:
            return ("p", "b", "v")
        return ("p", "b")
    if cid == "rr":
        if gem_first:
            return ("t",)
        if prev_c == "nnn":
            return ("dr",)
        return ("r",)
    if cid == "ny":
        if nxt is not None and nxt[0] == "C" and nxt[1] == "c":
            return ("n",)
        return ("gn", "ny") if initial else ("ny",)
    return ({"ng": "n", "nn": "n", "nnn": "n", "ll": "l", "F": ""}.get(cid, cid),)


def _read_tamil(word: str) -> str:
    fixed = _units(word, _TAMIL_TABLE)
    slots = []
    for i, (kind, val) in enumerate(fixed):
        if kind == "C":
            slots.append(_tamil_options(fixed, i))
        elif kind == "N":
            nxt = fixed[i + 1] if i + 1 < len(fixed) else None
            slots.append(("m",) if nxt is None or nxt[1] in ("p", "m") else ("n",))
        elif (kind == "V" and val == "e" and i >= 1 and fixed[i - 1][1] == "j"
              and i + 1 < len(fixed) and fixed[i + 1][1] == "y"):
            slots.append(("e", "a"))   # ஜெய: Tamil spells Jaya "Jeya"
        elif (kind == "V" and val == "u" and i >= 2 and fixed[i - 1][1] == "c"
              and fixed[i - 2][1] == "tt"):
            slots.append(("", "u"))    # லட்சுமி: the u is Tamil's, Lakshmi has none
        elif kind == "V" and val == "i" and i == 1 and len(fixed) > 2 and fixed[2][1] == "r":
            slots.append(("i", ""))   # பிரியா: Tamil writes Priya with a vowel Latin drops
        else:
            slots.append((val,))
    default = "".join(s[0] for s in slots)
    combos = 1
    for s in slots:
        combos *= len(s)
    if combos == 1 or combos > 64:
        return default
    from dedup.phonetic import known_name_keys, word_key  # late: phonetic never imports us
    known = known_name_keys()
    for choice in itertools.product(*slots):
        cand = "".join(choice)
        if word_key(cand) in known:
            return cand
    return default


@lru_cache(maxsize=200_000)
def read_word(word: str, script: str) -> str:
    """Latin reading (lowercase ASCII) of one word written in one Indic script."""
    if script == "Tamil":
        return _read_tamil(word)
    units = _units(word, _TABLES[script])
    if script in SCHWA_DELETING:
        units = _delete_schwas(units)
    return _render(units, script)


def _latin_part(text: str) -> str:
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c) or script_of(c) not in (None, "Latin")).lower()


def _split_by_script(run: str) -> list[tuple[str, str]]:
    """An Indic run may mix scripts (rare typing slips): split where the block changes."""
    parts: list[tuple[str, str]] = []
    cur, cur_script = [], None
    for ch in run:
        s = _BLOCK_OF.get(ord(ch))
        if s is None:          # joiner: stays with the current script
            cur.append(ch)
            continue
        if cur_script is not None and s != cur_script:
            parts.append((cur_script, "".join(cur)))
            cur = []
        cur_script = s
        cur.append(ch)
    if cur and cur_script is not None:
        parts.append((cur_script, "".join(cur)))
    return parts


@lru_cache(maxsize=200_000)
def to_latin(text: str) -> str:
    """Transliterate every supported script to lowercase Latin; single spaces.

    Latin letters with accents lose them (Sunītā -> sunita); digits and punctuation stay;
    letters of unsupported scripts stay as they are (so nothing is silently lost).
    """
    if not text:
        return ""
    if text.isascii():  # nothing to transliterate; same result as the general path
        return " ".join(text.lower().split())
    text = unicodedata.normalize("NFC", text).translate(_PRE)
    out: list[str] = []
    pos = 0
    for m in _INDIC_RUN.finditer(text):
        if m.start() > pos:
            out.append(_latin_part(text[pos:m.start()]))
        for script, part in _split_by_script(m.group()):
            out.append(read_word(part, script))
        pos = m.end()
    if pos < len(text):
        out.append(_latin_part(text[pos:]))
    return " ".join("".join(out).split())
