"""The synthetic generator's knowledge of names and places, read once from dedup/data/synthetic_*.

Everything a state data officer might want to correct (a name pool, a district's blocks, how
Gujarati women's names are written) lives in those data files, not in code. This module turns
them into arrays the generator samples from, and renders one name part into one script at a
time with a cache: a million rows use only a few thousand distinct spellings.
"""
from __future__ import annotations

import csv
import functools
from dataclasses import dataclass, field
from importlib import resources

import numpy as np
import yaml

from dedup.synthetic_text import (SCRIPTS, first_grapheme, from_itrans, latin_variants,
                                  native_variants)

_TOKEN_KINDS = {"G", "T", "S", "R", "RI", "SI", "FI", "P"}


@dataclass(frozen=True)
class Form:
    """A way of writing a name: tokens separated by spaces, each token parts written together."""

    template: str
    tokens: tuple[tuple[tuple[str, int], ...], ...]  # part = (kind, word component or -1)
    uses: frozenset[str]


@dataclass
class Group:
    """A naming community (synthetic_groups.yaml) with its pools as component ids."""

    name: str
    female: np.ndarray
    female_p: np.ndarray
    male: np.ndarray
    male_p: np.ndarray
    surname: np.ndarray
    surname_p: np.ndarray
    prefix: np.ndarray
    prefix_p: np.ndarray
    title_married: np.ndarray      # component ids, -1 = no title
    title_married_p: np.ndarray
    title_unmarried: np.ndarray
    title_unmarried_p: np.ndarray
    name_forms: np.ndarray         # global Form ids
    name_forms_cum: np.ndarray     # cumulative weights (for inverse-CDF choice)
    relation_forms: np.ndarray
    relation_forms_cum: np.ndarray
    women_surname: dict[int, int]  # a man's surname -> what follows a woman's name (-1: nothing)


@dataclass
class StateInfo:
    name: str
    code: str
    script: str
    native_share: float
    groups: list[int]
    group_p: np.ndarray
    shg_region: str
    banks: list[str]
    bank_p: np.ndarray
    districts: dict[str, list[str]]
    village_prefixes: list[str]
    village_suffixes: list[str]
    village_words: list[str]
    village_standalone: list[str]


@dataclass
class Catalogue:
    pool: list[str]
    latin: list[str]
    itrans: list[str]
    native: list[str]
    words: dict[str, int]
    groups: list[Group]
    group_index: dict[str, int]
    forms: list[Form]
    states: dict[str, StateInfo]
    script_words: dict[str, dict]
    shg_regions: dict[str, dict]
    shg_word_variants: dict[str, list[str]]
    banks: dict[str, tuple[str, str]]
    _text: dict = field(default_factory=dict, repr=False)
    _variants: dict = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------ one name part in one script
    def variants(self, comp: int, script: str) -> list[str]:
        """Canonical spelling first, then the spellings other bookkeepers use."""
        key = (comp, script)
        hit = self._variants.get(key)
        if hit is None:
            if script == "latin":
                base = self.latin[comp]
                hit = [base] + latin_variants(base)
            else:
                base = self._native(comp, script)
                hit = [base] + native_variants(self.itrans[comp] or None,
                                               self.native[comp] or None, script)
            self._variants[key] = hit
        return hit

    def text(self, comp: int, script: str, variant: int = 0) -> str:
        if variant == 0:
            key = (comp, script)
            hit = self._text.get(key)
            if hit is None:
                hit = self._text[key] = self.variants(comp, script)[0]
            return hit
        options = self.variants(comp, script)
        if len(options) == 1:
            return options[0]
        return options[1 + (variant - 1) % (len(options) - 1)]

    def initial(self, comp: int, script: str) -> str:
        if script == "latin":
            return self.latin[comp][:1].upper() + "."
        return first_grapheme(self.text(comp, script)) + "."

    def _native(self, comp: int, script: str) -> str:
        if script == "tamil" and self.native[comp]:
            return self.native[comp]
        if self.itrans[comp]:
            if script == "tamil":  # no hand-written Tamil for this part: sanscript is the fallback
                from indic_transliteration import sanscript
                return sanscript.transliterate(self.itrans[comp], sanscript.ITRANS, sanscript.TAMIL)
            return from_itrans(self.itrans[comp], script)
        return self.latin[comp]

    # ------------------------------------------------------------ a whole name
    def compose(self, form_id: int, script: str, parts: dict[str, tuple[int, int]]) -> str:
        """Write a name following a Form. parts maps token kind -> (component, variant);
        a missing or -1 component drops that part (no title, no surname ...)."""
        out = []
        for token in self.forms[form_id].tokens:
            pieces = []
            for kind, word in token:
                if kind == "W":
                    pieces.append(self.text(word, script))
                    continue
                comp, variant = parts.get(kind, (-1, 0))
                if comp < 0:
                    continue
                if kind in ("RI", "SI", "FI"):
                    pieces.append(self.initial(comp, script))
                else:
                    pieces.append(self.text(comp, script, variant))
            if pieces:
                out.append("".join(pieces))
        return " ".join(p for p in out if p)


def _zipf(n: int, q: float, s: float) -> np.ndarray:
    w = 1.0 / (np.arange(1, n + 1) + q) ** s
    return w / w.sum()


def _read(name: str) -> str:
    return resources.files("dedup").joinpath("data", name).read_text(encoding="utf-8")


def _yaml(name: str):
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(_read(name), Loader=loader)


@functools.lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    pool: list[str] = []
    latin: list[str] = []
    itrans: list[str] = []
    native: list[str] = []
    rows = (r for r in csv.reader(_read("synthetic_names.csv").splitlines())
            if r and not r[0].startswith("#"))
    header = next(rows)
    if header[:4] != ["pool", "latin", "itrans", "native"]:
        raise ValueError("synthetic_names.csv must start with pool,latin,itrans,native")
    for row in rows:
        row = (row + ["", "", "", ""])[:4]
        pool.append(row[0].strip())
        latin.append(row[1].strip())
        itrans.append(row[2].strip())
        native.append(row[3].strip())
    pool_ids: dict[str, list[int]] = {}
    for i, p in enumerate(pool):
        pool_ids.setdefault(p, []).append(i)
    words = {latin[i]: i for i in pool_ids.get("word", [])}

    forms: list[Form] = []
    form_ids: dict[str, int] = {}

    def form_id(template: str) -> int:
        if template in form_ids:
            return form_ids[template]
        tokens = []
        uses = set()
        for token in template.split():
            parts = []
            for part in token.split("+"):
                if part.startswith("@"):
                    if part[1:] not in words:
                        raise ValueError(f"form {template!r}: unknown word {part[1:]!r}")
                    parts.append(("W", words[part[1:]]))
                elif part in _TOKEN_KINDS:
                    parts.append((part, -1))
                    uses.add(part)
                else:
                    raise ValueError(f"form {template!r}: unknown token {part!r}")
            tokens.append(tuple(parts))
        forms.append(Form(template, tuple(tokens), frozenset(uses)))
        form_ids[template] = len(forms) - 1
        return len(forms) - 1

    def pool_arrays(name: str | None, q: float, s: float) -> tuple[np.ndarray, np.ndarray]:
        if not name:
            return np.empty(0, np.int32), np.empty(0)
        ids = pool_ids.get(name)
        if not ids:
            raise ValueError(f"name pool {name!r} is empty or missing in synthetic_names.csv")
        return np.array(ids, np.int32), _zipf(len(ids), q, s)

    def titles(d: dict) -> tuple[np.ndarray, np.ndarray]:
        comps, ps = [], []
        for title, p in d.items():
            if title and title not in words:
                raise ValueError(f"title {title!r} is not in the word pool")
            comps.append(words[title] if title else -1)
            ps.append(float(p))
        ps_arr = np.array(ps)
        return np.array(comps, np.int32), ps_arr / ps_arr.sum()

    def forms_of(pairs: list) -> tuple[np.ndarray, np.ndarray]:
        ids = np.array([form_id(t) for _, t in pairs], np.int32)
        w = np.array([float(p) for p, _ in pairs])
        return ids, np.cumsum(w / w.sum())

    groups: list[Group] = []
    group_index: dict[str, int] = {}
    for name, g in _yaml("synthetic_groups.yaml").items():
        q, s = g.get("zipf", [3, 1.0])
        female, female_p = pool_arrays(g["female"], q, s)
        male, male_p = pool_arrays(g["male"], q, s)
        surname, surname_p = pool_arrays(g.get("surname"), 2, 0.9)
        prefix, prefix_p = pool_arrays(g.get("prefix"), 1, 1.0)
        tm, tm_p = titles(g["titles"]["married"])
        tu, tu_p = titles(g["titles"]["unmarried"])
        nf, nf_c = forms_of(g["name_forms"])
        rf, rf_c = forms_of(g["relation_forms"])
        women_surname = {}
        for man, woman in (g.get("women_surname") or {}).items():
            if woman and woman not in words:
                raise ValueError(f"{name}: women_surname {man!r} -> {woman!r}: not in the word pool")
            for c in surname:  # a surname this community's pool does not have is simply unused
                if latin[c] == man:
                    women_surname[int(c)] = words[woman] if woman else -1
        group_index[name] = len(groups)
        groups.append(Group(name, female, female_p, male, male_p, surname, surname_p, prefix,
                            prefix_p, tm, tm_p, tu, tu_p, nf, nf_c, rf, rf_c, women_surname))

    raw_states = _yaml("synthetic_states.yaml")
    banks = {code: (b["ifsc"], b["account"]) for code, b in raw_states.pop("banks").items()}
    states: dict[str, StateInfo] = {}
    for name, st in raw_states.items():
        if st["script"] not in SCRIPTS:
            raise ValueError(f"{name}: unknown script {st['script']!r}")
        gp = np.array([float(p) for p in st["groups"].values()])
        bank_codes = [b for b, _ in st["banks"]]
        for b in bank_codes:
            if b not in banks:
                raise ValueError(f"{name}: bank {b} is not in the bank table")
        bp = np.array([float(p) for _, p in st["banks"]])
        states[name] = StateInfo(
            name=name, code=st["code"], script=st["script"], native_share=float(st["native_share"]),
            groups=[group_index[g] for g in st["groups"]], group_p=gp / gp.sum(),
            shg_region=st["shg_names"], banks=bank_codes, bank_p=bp / bp.sum(),
            districts={d: list(b) for d, b in st["districts"].items()},
            village_prefixes=list(st["village_prefixes"]),
            village_suffixes=list(st["village_suffixes"]),
            village_words=list(st.get("village_words", [])),
            village_standalone=list(st.get("village_standalone", [])))

    shg = _yaml("synthetic_shg_names.yaml")
    variants: dict[str, list[str]] = {}
    for family in shg["word_variants"]:
        for w in family:
            variants[w.lower()] = [x for x in family if x != w]
    return Catalogue(pool, latin, itrans, native, words, groups, group_index, forms, states,
                     _yaml("synthetic_scripts.yaml"), shg["regions"], variants, banks)
