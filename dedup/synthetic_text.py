"""How one bookkeeper's spelling of a name differs from another's, for the synthetic generator.

Kept apart from dedup/names.py on purpose: the generator must not share code (or blind spots)
with the matcher it is used to judge. The rules below are written from how names actually vary
in Indian registers (Suneeta/Sunita, Phoolmati/Phulmati, Kalawati/Kalavati, Laxmi/Lakshmi,
Mamta/Mamata, Devi/Debi, Sunitha/Sunita), not from how any matcher normalises them.

Rendering into Indian scripts uses indic_transliteration (sanscript); the few fixes applied after
it (Odia ବ/ୟ, Gurmukhi tippi and no halant, Malayalam chillu) make the output look like what a
bookkeeper types instead of a scholarly transliteration.
"""
from __future__ import annotations

import random
import re
import unicodedata

from indic_transliteration import sanscript

# ---------------------------------------------------------------- Latin spelling variants

_C = "bcdfgjklmnpqrstvwxz"  # consonants that never start a digraph with a following h
_LATIN_RULES = [(re.compile(p), r) for p, r in (
    ("ee", "i"),                                   # Suneeta -> Sunita
    (f"i(?=[{_C}][aeiou])", "ee"),                  # Sunita -> Suneeta, Gita -> Geeta
    (r"i\b", "ee"),                                 # Devi -> Devee
    (r"i\b", "y"),                                  # Pinki -> Pinky
    (r"y\b", "i"),                                  # Ruby -> Rubi
    ("oo", "u"),                                    # Phoolmati -> Phulmati, Khatoon -> Khatun
    (r"u\b", "oo"),                                 # Manju -> Manjoo
    (f"(?<=[{_C}])u(?=[{_C}]h?[aeiou])", "oo"),     # Phulmati -> Phoolmati
    ("v", "b"),                                     # Devi -> Debi, Savitri -> Sabitri
    ("(?<=[aeiou])b(?!h)", "v"),                    # Sabita -> Savita
    ("w", "v"),                                     # Kalawati -> Kalavati
    ("(?<=[aeiou])v", "w"),                         # Kalavati -> Kalawati
    ("sh", "s"),                                    # Shanti -> Santi, Sushila -> Susila
    (r"\bs(?=[aeiou])", "sh"),                      # Sarita -> Sharita
    ("ph", "f"),                                    # Phoolmati -> Foolmati
    ("f", "ph"),                                    # Farzana -> Pharzana
    ("ksh", "x"),                                   # Lakshmi -> Laxmi
    ("x", "ksh"),                                   # Laxmi -> Lakshmi
    ("ksh", "chh"),                                 # Lakshmi -> Lachhmi
    (f"([{_C}])\\1", r"\1"),                         # Guddi -> Gudi, Munni -> Muni
    (f"(?<=[aeiou])([{_C.replace('h', '')}])(?=[aeiou])", r"\1\1"),  # Sunita -> Sunitta
    ("(?<=[aeiou])([bcdfgjklmpqrstvwxz])(?!\\1)(?=[bcdfgjklmnpqrstvwxz][aeiou])", r"\1a"),  # Mamta -> Mamata
    (f"(?<=[aeiou][{_C}])a(?=[{_C}][aeiou])", ""),  # Kamala -> Kamla, Kalawati -> Kalwati
    (f"^([{_C}]h?)a(?=[{_C}])", r"\1aa"),           # Radha -> Raadha, Rani -> Raani
    ("aa", "a"),
    ("th", "t"),                                    # Sunitha -> Sunita
    ("(?<=[aeiou])t(?=[aeiou])", "th"),             # Sunita -> Sunitha
    ("z", "j"),                                     # Nazma -> Najma
    ("q", "k"),                                     # Rafiq -> Rafik
    ("ai", "ay"), ("ay", "ai"),
    ("au", "ou"), ("ou", "au"),                     # Mousumi -> Mausumi
    (r"oy\b", "ay"), (r"ay\b", "oy"),               # Bijoy / Bijay
    ("chh", "ch"), ("ch(?!h)", "chh"),
    (r"an\b", "aan"),                               # Paswan -> Paswaan
    (r"ia\b", "iya"), (r"iya\b", "ia"),             # Sonia / Soniya
    (r"a\b", "aa"),                                 # Sita -> Sitaa
)]


def _title(text: str) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in text.split(" "))


def latin_variants(name: str, limit: int = 10) -> list[str]:
    """Other ways a bookkeeper spells this Latin name (one change each), most natural first."""
    low = name.lower()
    out: list[str] = []
    seen = {low}
    for pattern, repl in _LATIN_RULES:
        cand = pattern.sub(repl, low, count=1)
        if cand in seen or len(cand.replace(" ", "")) < 2:
            continue
        # a respelling keeps the first letter and about the same length; else it is another name
        if cand[0] != low[0] and not (low[:2] in ("ph", "sh") or cand[:2] in ("ph", "sh")):
            continue
        if abs(len(cand) - len(low)) > 2:
            continue
        seen.add(cand)
        out.append(_title(cand))
        if len(out) >= limit:
            break
    return out


# ---------------------------------------------------------------- Indic script rendering

SCRIPTS = ("latin", "devanagari", "bengali", "assamese", "oriya", "gurmukhi", "gujarati",
           "tamil", "telugu", "kannada", "malayalam")
SCRIPT_CODE = {s: i for i, s in enumerate(SCRIPTS)}
_SANSCRIPT = {
    "devanagari": sanscript.DEVANAGARI, "bengali": sanscript.BENGALI, "assamese": sanscript.BENGALI,
    "oriya": sanscript.ORIYA, "gurmukhi": sanscript.GURMUKHI, "gujarati": sanscript.GUJARATI,
    "telugu": sanscript.TELUGU, "kannada": sanscript.KANNADA, "malayalam": sanscript.MALAYALAM,
}
_SOUTH = {"telugu", "kannada", "malayalam"}

_ORIYA_YA = re.compile(r"(?<=[\u0B00-\u0B7F])ଯ")
_BENGALI_YA = re.compile("(?<=[\u0980-\u09FF])(?<!\u09CD)য")
_GURMUKHI_HALANT = re.compile("\u0A4D(?![ਰਵਹ])")
_GURMUKHI_TIPPI = re.compile("(?<=[\u0A15-\u0A39\u0A59-\u0A5E\u0A3F\u0A41\u0A42])\u0A02")
_MALAYALAM_CHILLU = [(re.compile(c + "\u0D4D(?![\u0D00-\u0D7F])"), ch)
                     for c, ch in (("ന", "ൻ"), ("ര", "ർ"), ("ല", "ൽ"), ("ള", "ൾ"), ("ണ", "ൺ"))]


def _fix_script(text: str, script: str) -> str:
    """Make sanscript's output look like what a bookkeeper types in that script."""
    if script == "oriya":
        text = _ORIYA_YA.sub("ୟ", text.replace("ଵ", "ବ"))
    elif script == "gurmukhi":
        text = _GURMUKHI_HALANT.sub("", text.replace("\u0A01", "\u0A02"))
        text = _GURMUKHI_TIPPI.sub("\u0A70", text)
    elif script == "malayalam":
        for pattern, chillu in _MALAYALAM_CHILLU:
            text = pattern.sub(chillu, text)
        text = text.replace("\u0D4C", "\u0D57")
    elif script in ("bengali", "assamese"):
        text = _BENGALI_YA.sub("য়", text)  # antahstha ya after a vowel is written য় (জয়া)
        if script == "assamese":
            text = text.replace("র", "ৰ")
    return text


def from_itrans(itrans: str, script: str) -> str:
    """Render an ITRANS spelling in a script. In south-Indian pools E/O stand for short e/o."""
    if script == "latin":
        raise ValueError("Latin spellings come from the name table, not from ITRANS")
    if itrans.endswith(".") and not itrans.endswith((".N", ".D", ".n", ".h")):
        return from_itrans(itrans[:-1], script) + "."  # an abbreviation (Md.), not a danda
    target = _SANSCRIPT[script]
    if "E" in itrans or "O" in itrans:
        iso = sanscript.transliterate(itrans, sanscript.ITRANS, sanscript.ISO)
        if script in _SOUTH:
            iso = iso.replace("E", "e").replace("O", "o")
        else:  # north Indian scripts have no short e/o: read them as the usual long ones
            iso = iso.replace("E", "ē").replace("O", "ō")
        text = sanscript.transliterate(iso, sanscript.ISO, target)
    else:
        text = sanscript.transliterate(itrans, sanscript.ITRANS, target)
    return _fix_script(text, script)


# Spelling confusions in Indian scripts, written on the ITRANS form (so they apply to every
# script at once): long/short i and u matras, sh/s, v/b, retroflex/dental n, anusvara/half n.
_ITRANS_RULES = [(re.compile(p), r) for p, r in (
    ("I", "i"), ("(?<![aR])i", "I"), ("U", "u"), ("(?<![a])u", "U"),
    ("sh", "s"), ("Sh", "sh"), ("b(?!h)", "v"), ("v", "b"),
    ("(?<![~.])N", "n"), ("M(?=[kgcjTDtdpbmnyrlvsh])", "n"), ("ai", "e"),
)]
_ITRANS_SOUTH_RULES = [(re.compile(p), r) for p, r in (
    ("E", "e"), ("(?<![a])e", "E"), ("O", "o"), ("(?<![a])o", "O"), ("t", "th"), ("L", "l"),
)]
# Tamil is written from a hand-written table; its common confusions are applied directly.
_TAMIL_SWAPS = (("ி", "ீ"), ("ீ", "ி"), ("ு", "ூ"), ("ூ", "ு"), ("ெ", "ே"), ("ே", "ெ"),
                ("ொ", "ோ"), ("ோ", "ொ"), ("ண", "ன"), ("ன", "ண"), ("ல", "ள"), ("ள", "ல"),
                ("ழ", "ள"), ("ர", "ற"), ("ட்சு", "க்ஷ்"), ("ஷ", "ச"), ("ஜ", "ச"))


def native_variants(itrans: str | None, native: str | None, script: str, limit: int = 8) -> list[str]:
    """Other spellings of a name in an Indian script (one confusion each)."""
    if script == "tamil":
        if not native:
            return []
        out = []
        for a, b in _TAMIL_SWAPS:
            if a in native:
                cand = native.replace(a, b, 1)
                if cand != native and cand not in out:
                    out.append(cand)
        return out[:limit]
    if not itrans:
        return []
    canonical = from_itrans(itrans, script)
    rules = _ITRANS_RULES + (_ITRANS_SOUTH_RULES if script in _SOUTH else [])
    out: list[str] = []
    for pattern, repl in rules:
        cand_itrans = pattern.sub(repl, itrans, count=1)
        if cand_itrans == itrans:
            continue
        cand = from_itrans(cand_itrans, script)
        if cand != canonical and cand not in out:
            out.append(cand)
        if len(out) >= limit:
            break
    return out


def first_grapheme(text: str) -> str:
    """First letter with its vowel sign (and a conjunct's second consonant): the native initial."""
    if not text:
        return ""
    i = 1
    while i < len(text):
        ch = text[i]
        cat = unicodedata.category(ch)
        if cat in ("Mn", "Mc"):
            if unicodedata.name(ch, "").endswith(("VIRAMA", "SIGN PULLI")) and i + 1 < len(text) \
                    and unicodedata.category(text[i + 1]) == "Lo" and i + 1 < 4:
                i += 2  # conjunct: keep the next consonant (श्री -> श्री, not श्)
                continue
            i += 1
            continue
        break
    return text[:i]


# ---------------------------------------------------------------- typing mistakes

_QWERTY = "qwertyuiop asdfghjkl zxcvbnm".split()
_NEIGHBOURS: dict[str, str] = {}
for _r, _row in enumerate(_QWERTY):
    for _i, _ch in enumerate(_row):
        near = _row[max(0, _i - 1):_i] + _row[_i + 1:_i + 2]
        if _r > 0:
            near += _QWERTY[_r - 1][_i:_i + 2]
        if _r < 2:
            near += _QWERTY[_r + 1][max(0, _i - 1):_i + 1]
        _NEIGHBOURS[_ch] = near


def typo(text: str, rnd: random.Random) -> str:
    """One slip of the finger: a letter dropped, doubled, swapped or hit next to the right key."""
    if not text.isascii():
        return _native_typo(text, rnd)
    positions = [i for i, ch in enumerate(text) if not ch.isspace() and ch not in ".-/"]
    if len(positions) < 3:
        return text
    i = rnd.choice(positions[1:])  # first letters are typed carefully more often than not
    ch = text[i]
    op = rnd.random()
    if op < 0.3:
        return text[:i] + text[i + 1:]
    if op < 0.5:
        return text[:i] + ch + text[i:]
    if op < 0.75 and i + 1 < len(text) and not text[i + 1].isspace():
        return text[:i] + text[i + 1] + ch + text[i + 2:]
    low = ch.lower()
    if low in _NEIGHBOURS:
        sub = rnd.choice(_NEIGHBOURS[low])
        return text[:i] + (sub.upper() if ch.isupper() else sub) + text[i + 1:]
    return text[:i] + text[i + 1:]


def _native_typo(text: str, rnd: random.Random) -> str:
    """In an Indian script the usual slip is a vowel sign dropped or a letter left out."""
    marks = [i for i, ch in enumerate(text) if unicodedata.category(ch) in ("Mn", "Mc")]
    letters = [i for i, ch in enumerate(text) if unicodedata.category(ch) == "Lo" and i > 0
               and (i + 1 == len(text) or unicodedata.category(text[i + 1]) not in ("Mn", "Mc"))]
    if marks and (not letters or rnd.random() < 0.7):
        i = rnd.choice(marks)
    elif letters:
        i = rnd.choice(letters)
    else:
        return text
    return text[:i] + text[i + 1:]


def apply_case(text: str, case: int) -> str:
    """0 as written (Title), 1 UPPER, 2 lower: register habits of a bookkeeper."""
    if case == 1:
        return text.upper()
    if case == 2:
        return text.lower()
    return text
