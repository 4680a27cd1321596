"""Writing member and relation names the way bookkeepers type them.

A row's name is fixed by a handful of small integers (form, given name, title, surname, the man's
name, their spelling variants, script, letter case). Rows are grouped on those integers and each
distinct combination is written once; a million rows need only tens of thousands of calls.
Habits that touch single rows (Smt in front, "W/O RAMESH" inside the name field, no spaces, a
typing slip) are then applied to the few rows that have them.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dedup.synthetic_data import Catalogue
from dedup.synthetic_text import SCRIPTS, apply_case, typo


@dataclass
class NameFields:
    """Per-row integers that decide how a member's name and her relation's name are written."""

    script: np.ndarray      # index into SCRIPTS
    case: np.ndarray        # 0 Title, 1 UPPER, 2 lower (Latin only)
    form: np.ndarray        # Catalogue.forms id for her name
    given: np.ndarray
    v_given: np.ndarray
    title: np.ndarray       # -1 none
    v_title: np.ndarray
    surname: np.ndarray     # -1 none
    v_surname: np.ndarray
    man: np.ndarray         # husband's or father's given name as used inside her name
    v_man: np.ndarray
    father: np.ndarray      # for father's initial (Tamil)
    rel_form: np.ndarray
    rel_given: np.ndarray   # -1: no relation recorded
    rel_surname: np.ndarray
    v_rel_surname: np.ndarray
    rel_prefix: np.ndarray
    late: np.ndarray        # -1 or index of the script's "Late" word


def _uses(cat: Catalogue, kinds: set[str]) -> np.ndarray:
    return np.array([bool(f.uses & kinds) for f in cat.forms])


def _grouped(columns: dict[str, np.ndarray], render) -> np.ndarray:
    """Render each distinct combination of columns once; return one string per row."""
    frame = pd.DataFrame(columns)
    codes = frame.groupby(list(columns), sort=False).ngroup().to_numpy()
    uniq, first = np.unique(codes, return_index=True)
    values = np.empty(len(uniq), dtype=object)
    for k, i in enumerate(first.tolist()):
        values[k] = render(i)
    return values[codes]


def render_names(cat: Catalogue, f: NameFields) -> tuple[np.ndarray, np.ndarray]:
    """Member names and relation names (object arrays), before per-row habits."""
    uses_t = _uses(cat, {"T"})[f.form]
    uses_s = _uses(cat, {"S", "SI"})[f.form]
    uses_r = _uses(cat, {"R", "RI"})[f.form]
    uses_fi = _uses(cat, {"FI"})[f.form]
    latin = f.script == 0
    name_cols = {
        "script": f.script, "case": np.where(latin, f.case, 0), "form": f.form,
        "g": f.given, "vg": f.v_given,
        "t": np.where(uses_t, f.title, -1), "vt": np.where(uses_t, f.v_title, 0),
        "s": np.where(uses_s, f.surname, -1), "vs": np.where(uses_s, f.v_surname, 0),
        "r": np.where(uses_r, f.man, -1), "vr": np.where(uses_r, f.v_man, 0),
        "fi": np.where(uses_fi, f.father, -1),
    }
    c = {k: v.tolist() for k, v in name_cols.items()}

    def name_at(i: int) -> str:
        script = SCRIPTS[c["script"][i]]
        text = cat.compose(c["form"][i], script, {
            "G": (c["g"][i], c["vg"][i]), "T": (c["t"][i], c["vt"][i]),
            "S": (c["s"][i], c["vs"][i]), "SI": (c["s"][i], 0),
            "R": (c["r"][i], c["vr"][i]), "RI": (c["r"][i], 0), "FI": (c["fi"][i], 0)})
        return apply_case(text, c["case"][i]) if script == "latin" else text

    names = _grouped(name_cols, name_at)

    r_uses_s = _uses(cat, {"S", "SI"})[f.rel_form]
    r_uses_p = _uses(cat, {"P"})[f.rel_form]
    has_rel = f.rel_given >= 0
    rel_cols = {
        "script": f.script, "case": np.where(latin, f.case, 0), "form": f.rel_form,
        "r": f.rel_given, "vr": np.where(has_rel, f.v_man, 0),
        "s": np.where(r_uses_s & has_rel, f.rel_surname, -1),
        "vs": np.where(r_uses_s & has_rel, f.v_rel_surname, 0),
        "p": np.where(r_uses_p & has_rel, f.rel_prefix, -1),
        "late": np.where(has_rel, f.late, -1),
    }
    rc = {k: v.tolist() for k, v in rel_cols.items()}

    def relation_at(i: int) -> str:
        if rc["r"][i] < 0:
            return ""
        script = SCRIPTS[rc["script"][i]]
        text = cat.compose(rc["form"][i], script, {
            "R": (rc["r"][i], rc["vr"][i]), "S": (rc["s"][i], rc["vs"][i]),
            "SI": (rc["s"][i], 0), "P": (rc["p"][i], 0)})
        if rc["late"][i] >= 0:
            words = cat.script_words[script]["late"]
            text = f"{words[rc['late'][i] % len(words)]} {text}"
        return apply_case(text, rc["case"][i]) if script == "latin" else text

    relations = _grouped(rel_cols, relation_at)
    return names, relations


@dataclass
class Habits:
    """Per-row flags for the habits applied after the names are written."""

    honorific: np.ndarray        # bool: "Smt." / "Km." in front
    married: np.ndarray          # bool: which honorific
    relation_in_name: np.ndarray # bool: "SUNITA DEVI W/O RAMESH YADAV"
    is_husband: np.ndarray       # bool: W/O or D/O
    keep_relation: np.ndarray    # bool: relation columns kept although copied into the name
    run_together: np.ndarray     # bool: "SUNITADEVI"
    name_typo: np.ndarray
    relation_typo: np.ndarray
    stray_space: np.ndarray
    word_pick: np.ndarray        # int: which honorific / connector word


def apply_habits(cat: Catalogue, names: np.ndarray, relations: np.ndarray, script: np.ndarray,
                 case: np.ndarray, h: Habits, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Returns names, relation names and a mask of rows whose relation went into the name."""
    rnd = random.Random(seed)
    names = names.copy()
    relations = relations.copy()
    moved = np.zeros(len(names), bool)

    def word_case(word: str, i: int) -> str:
        return word.upper() if script[i] == 0 and case[i] == 1 else word

    for i in np.flatnonzero(h.honorific).tolist():
        words = cat.script_words[SCRIPTS[script[i]]]
        pool = words["honorific_married"] if h.married[i] else words["honorific_unmarried"]
        names[i] = f"{word_case(pool[h.word_pick[i] % len(pool)], i)} {names[i]}"
    for i in np.flatnonzero(h.relation_in_name & (relations != "")).tolist():
        words = cat.script_words[SCRIPTS[script[i]]]["in_name"]
        pool = words["husband"] if h.is_husband[i] else words["father"]
        names[i] = f"{names[i]} {word_case(pool[h.word_pick[i] % len(pool)], i)} {relations[i]}"
        if not h.keep_relation[i]:
            relations[i] = ""
            moved[i] = True
    for i in np.flatnonzero(h.run_together & (script == 0)).tolist():
        names[i] = names[i].replace(" ", "")
    for i in np.flatnonzero(h.name_typo).tolist():
        names[i] = typo(names[i], rnd)
    for i in np.flatnonzero(h.relation_typo & (relations != "")).tolist():
        relations[i] = typo(relations[i], rnd)
    for i in np.flatnonzero(h.stray_space).tolist():
        names[i] = names[i] + " " if rnd.random() < 0.6 else names[i].replace(" ", "  ", 1)
    return names, relations, moved
