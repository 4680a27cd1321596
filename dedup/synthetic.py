"""Seeded synthetic legacy exports (SHG members and CBOs) with truth labels.

What it is for: tests and benchmarks of duplicate detection need exports whose true duplicates
are known. Pehchaan will also be judged on exports from other sources, so the aim is realism,
not a puzzle the matcher can learn: the generator models how records come to be (households,
bookkeepers with habits, women re-entered in another SHG, in another script, before and after
marriage, years apart) and never looks at how Pehchaan matches. It shares no code with
dedup/names.py.

    export = generate(20_000, seed=1, state="Bihar")
    export.members   # the export, all strings, columns of dedup.schema.EXPORT_MEMBER_COLUMNS
    export.truth     # member_id -> person_id (same person_id = same woman), household, dup_kind

Layout: synthetic_data (pools from dedup/data/synthetic_*), synthetic_geo (places),
synthetic_people (women, households, where records sit), synthetic_render (names),
synthetic_ids (Aadhaar, mobile, bank, dates), this module (rows, CBOs, frames, files).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from dedup.schema import EXPORT_CBO_COLUMNS, EXPORT_MEMBER_COLUMNS, EXPORT_MEMBERSHIP_COLUMNS
from dedup.synthetic_data import Catalogue, load_catalogue
from dedup.synthetic_geo import VILLAGE_MAX, Geography, build_geography
from dedup.synthetic_ids import (fill_template, format_aadhaar, format_dates, format_masked,
                                 format_mobile, mobile_numbers, one_digit_wrong, unique_numbers)
from dedup.synthetic_people import (COPY, CROSS_VILLAGE, KIND_NAMES, MARRIAGE, ORIGINAL,
                                    RE_ENTRY, SCRIPT, UNMARRIED, WIDOW, People, Rows, by_group,
                                    assign_shgs, make_people, place_records)
from dedup.synthetic_render import Habits, NameFields, apply_habits, render_names
from dedup.synthetic_text import SCRIPT_CODE, SCRIPTS

DEFAULT_KIND_MIX: dict[str, float] = {
    "re-entry": 0.40, "cross_village": 0.15, "script": 0.15, "marriage": 0.20, "copy": 0.10}
DEFAULT_AADHAAR_MIX: dict[str, float] = {"full": 0.40, "masked": 0.20, "missing": 0.35, "invalid": 0.05}
# state="mixed": rough shares of SHG members across the states the data files describe
MIXED_STATES: dict[str, float] = {
    "Bihar": 0.20, "Uttar Pradesh": 0.13, "West Bengal": 0.10, "Odisha": 0.07, "Jharkhand": 0.07,
    "Madhya Pradesh": 0.06, "Maharashtra": 0.06, "Tamil Nadu": 0.05, "Rajasthan": 0.04,
    "Gujarat": 0.04, "Andhra Pradesh": 0.04, "Telangana": 0.03, "Assam": 0.03, "Karnataka": 0.03,
    "Kerala": 0.03, "Punjab": 0.02}
CBO_TRUTH_COLUMNS = ["cbo_id", "shg_entity_id"]
TRUTH_COLUMNS = ["member_id", "person_id", "household_id", "dup_kind", "entry_year", "script",
                 "aadhaar_kind"]
_AADHAAR_KINDS = ("full", "masked", "missing", "invalid")
_GENDER = ("F", "Female", "FEMALE", "female", "")


@dataclass
class SyntheticExport:
    members: pd.DataFrame      # the export rows (dedup.schema.EXPORT_MEMBER_COLUMNS), all str
    truth: pd.DataFrame        # member_id, person_id, household_id, dup_kind, entry_year, script, aadhaar_kind
    cbos: pd.DataFrame         # dedup.schema.EXPORT_CBO_COLUMNS (SHG, VO, CLF), all str
    memberships: pd.DataFrame  # cbo_id, member_id
    cbo_truth: pd.DataFrame    # cbo_id, shg_entity_id (same = one real SHG entered twice)

    def summary(self) -> dict:
        kinds = self.truth["dup_kind"].value_counts()
        per_person = self.truth.groupby("person_id").size()
        pairs = int((per_person * (per_person - 1) // 2).sum())
        by_kind = {k: int(kinds.get(k, 0)) for k in KIND_NAMES[1:]}
        by_kind["between two duplicates"] = pairs - sum(by_kind.values())
        types = self.cbos.set_index("cbo_id")["cbo_type"]
        shg = self.cbo_truth[self.cbo_truth["cbo_id"].map(types) == "SHG"]
        return {
            "rows": len(self.members),
            "persons": int(per_person.size),
            "households": int(self.truth["household_id"].nunique()),
            "duplicate_pairs": pairs,
            "duplicate_pairs_by_kind": by_kind,
            "cbos": int(len(self.cbos)),
            "shgs_entered_twice": int(len(shg) - shg["shg_entity_id"].nunique()),
        }


# ---------------------------------------------------------------- arguments

def _resolve_states(cat: Catalogue, state) -> dict[str, float]:
    known = {s.lower(): s for s in cat.states}

    def one(name: str) -> str:
        key = name.strip().lower()
        if key not in known:
            raise ValueError(f"unknown state {name!r}; known: {', '.join(cat.states)} or 'mixed'")
        return known[key]

    if isinstance(state, Mapping):
        weights = {one(k): float(v) for k, v in state.items() if float(v) > 0}
    elif isinstance(state, str) and state.strip().lower() == "mixed":
        weights = dict(MIXED_STATES)
    elif isinstance(state, str):
        weights = {one(s): 1.0 for s in state.split(",") if s.strip()}
    elif isinstance(state, Sequence):
        weights = {one(s): 1.0 for s in state}
    else:
        raise ValueError("state must be a state name, 'mixed', a list of names or a name->share map")
    if not weights:
        raise ValueError("no state given")
    return weights


def _shares(mix: Mapping[str, float], names: Sequence[str], what: str) -> np.ndarray:
    unknown = set(mix) - set(names)
    if unknown:
        raise ValueError(f"unknown {what}: {sorted(unknown)}; expected some of {list(names)}")
    w = np.array([float(mix.get(k, 0.0)) for k in names])
    if (w < 0).any() or w.sum() <= 0:
        raise ValueError(f"{what} shares must be non-negative and not all zero")
    return w / w.sum()


def _split(total: int, weights: np.ndarray) -> np.ndarray:
    raw = weights * total
    out = np.floor(raw).astype(np.int64)
    out[np.argsort(out - raw, kind="stable")[: total - int(out.sum())]] += 1
    return out


# ---------------------------------------------------------------- SHGs, VOs, CLFs

@dataclass
class Shgs:
    village: np.ndarray
    entity: np.ndarray           # the real SHG (own index; the original's for a re-entered SHG)
    formation: np.ndarray        # year
    style: dict[str, np.ndarray]  # bookkeeper habits
    names: list[str]


def _bookkeeper_styles(rng: np.random.Generator, n: int, native_share: np.ndarray) -> dict[str, np.ndarray]:
    """How the bookkeeper of each SHG types: script, letter case, habits, formats."""
    def pick(options: int, p: list[float]) -> np.ndarray:
        return rng.choice(options, size=n, p=p)
    return {
        "native": rng.random(n) < native_share,
        "case": pick(3, [0.42, 0.5, 0.08]),
        "form_u": rng.random(n),
        "rform_u": rng.random(n),
        "honorific": rng.random(n) < 0.15,
        "relation_in_name": rng.random(n) < 0.07,
        "run_together": rng.random(n) < 0.03,
        "reltype": pick(5, [0.55, 0.2, 0.05, 0.15, 0.05]),
        "gender": pick(5, [0.5, 0.3, 0.1, 0.05, 0.05]),
        "dob": pick(5, [0.35, 0.35, 0.18, 0.04, 0.08]),
        "aadhaar": pick(3, [0.6, 0.35, 0.05]),
        "masked": pick(5, [0.45, 0.2, 0.15, 0.1, 0.1]),
        "mobile": pick(8, [0.66, 0.08, 0.04, 0.08, 0.02, 0.03, 0.02, 0.07]),
    }


def _shg_name_variant(rng: np.random.Generator, cat: Catalogue, name: str, suffixes: list[str]) -> str:
    """The same SHG as a second bookkeeper writes it: words respelled, another suffix."""
    base, suffix = name.split(" | ")
    words = base.split(" ")
    out = []
    for w in words:
        alts = cat.shg_word_variants.get(w.lower())
        out.append(alts[rng.integers(len(alts))] if alts and rng.random() < 0.7 else w)
    new_suffix = suffixes[rng.integers(len(suffixes))] if rng.random() < 0.7 else suffix
    if " ".join(out) == base and new_suffix == suffix:
        others = [s for s in suffixes if s != suffix]
        new_suffix = others[rng.integers(len(others))] if others else suffix + " Group"
    return f"{' '.join(out)} | {new_suffix}"


def _shg_names(rng: np.random.Generator, cat: Catalogue, geo: Geography, shg_village: np.ndarray) -> list[str]:
    """Base | suffix per SHG; bases are not repeated within a village while there are enough."""
    names: list[str] = []
    for v, count in zip(*np.unique(shg_village, return_counts=True)):
        region = cat.shg_regions[cat.states[geo.state_names[geo.v_state[v]]].shg_region]
        bases, suffixes = region["bases"], region["suffixes"]
        order = rng.permutation(len(bases))
        village_suffix = suffixes[rng.integers(len(suffixes))]  # one promoter names most groups alike
        for j in range(count):
            base = bases[order[j % len(bases)]]
            if j >= len(bases):
                base = f"{base} {j // len(bases) + 1}"
            suffix = village_suffix if rng.random() < 0.6 else suffixes[rng.integers(len(suffixes))]
            names.append(f"{base} | {suffix}")
    return names


# ---------------------------------------------------------------- bank accounts

def _accounts(rng: np.random.Generator, cat: Catalogue, geo: Geography, block: np.ndarray,
              ifsc_book: dict) -> tuple[np.ndarray, np.ndarray]:
    """Account numbers and IFSCs at branches of the block (two branches per bank per block)."""
    n = len(block)
    codes = sorted(cat.banks)
    code_idx = {c: i for i, c in enumerate(codes)}
    bank = np.empty(n, np.int64)
    state = geo.block_state[block]
    for s_idx, name in enumerate(geo.state_names):
        m = state == s_idx
        if m.any():
            st = cat.states[name]
            bank[m] = np.array([code_idx[c] for c in st.banks])[rng.choice(len(st.banks), int(m.sum()), p=st.bank_p)]
    branch = rng.integers(0, 2, n)
    key = (block * len(codes) + bank) * 2 + branch
    keys, inverse = np.unique(key, return_inverse=True)
    for k in keys.tolist():
        if k not in ifsc_book:
            ifsc_book[k] = fill_template(rng, cat.banks[codes[(k // 2) % len(codes)]][0], 1)[0]
    ifsc = np.array([ifsc_book[k] for k in keys.tolist()], dtype=object)[inverse.reshape(-1)]
    acct = np.empty(n, dtype=object)
    for b in np.unique(bank).tolist():
        m = bank == b
        acct[m] = fill_template(rng, cat.banks[codes[b]][1], int(m.sum()))
    # two different accounts never share a number at one bank
    for _ in range(20):
        dup = pd.DataFrame({"b": bank, "a": acct}).duplicated().to_numpy()
        if not dup.any():
            break
        for i in np.flatnonzero(dup).tolist():
            acct[i] = fill_template(rng, cat.banks[codes[bank[i]]][1], 1)[0]
    return acct, ifsc


# ---------------------------------------------------------------- the generator

def _pick_copies(rng: np.random.Generator, geo: Geography, rows: Rows, shg_village: np.ndarray,
                 n_copy: int, strict: bool) -> tuple[list[int], list[int]]:
    """SHGs entered twice: pick SHGs and the records (3-9 a group) re-entered under the copy.
    Villages near 300 members are spared, and groups are copied whole, only when nothing else
    is left (tiny exports, or a copy share far above the default)."""
    n_shg = len(shg_village)
    sizes = np.bincount(rows.shg, minlength=n_shg)
    v_counts = np.bincount(rows.village, minlength=geo.n_villages)
    by_shg = np.argsort(rows.shg, kind="stable")
    first = np.concatenate([[0], np.cumsum(sizes)])
    src: list[int] = []
    shgs: list[int] = []
    copied = np.zeros(rows.n, bool)
    for careful in ((True, False) if strict else (False,)):
        for s in rng.permutation(n_shg).tolist():
            need = n_copy - len(src)
            if need <= 0:
                return src, shgs
            v = shg_village[s]
            if careful and (sizes[s] < 4 or v_counts[v] > VILLAGE_MAX - 10):
                continue
            members = by_shg[first[s]:first[s + 1]]
            members = members[~copied[members]]
            if not len(members):
                continue
            m = min(int(rng.integers(3, 10)) if careful else len(members), len(members), need)
            if careful:
                m = min(m, max(VILLAGE_MAX - 1 - int(v_counts[v]), 1))
            pick = rng.choice(members, size=m, replace=False)
            copied[pick] = True
            src.extend(pick.tolist())
            if s not in shgs:
                shgs.append(s)
            v_counts[v] += m
    return src, shgs


def generate(n_members: int, *, seed: int = 0, duplicate_rate: float = 0.15, state="Bihar",
             as_of_year: int = 2026, scripts: Mapping[str, float] | None = None,
             kind_mix: Mapping[str, float] | None = None,
             aadhaar_mix: Mapping[str, float] | None = None) -> SyntheticExport:
    """A synthetic member export of n_members rows with truth labels.

    duplicate_rate: share of rows that are an extra record of a woman already in the export.
    state: a state name, "mixed", a comma-separated list or a {state: share} map.
    scripts: {"latin": a, "native": b}, the share of bookkeepers typing in Latin or the state's
        script (default: per state, e.g. Bihar 70/30 Latin/Devanagari).
    kind_mix: shares of duplicate kinds (DEFAULT_KIND_MIX); aadhaar_mix: shares of how Aadhaar
        is written (DEFAULT_AADHAAR_MIX).
    """
    if int(n_members) < 1:
        raise ValueError("n_members must be at least 1")
    if not 0.0 <= duplicate_rate <= 0.6:
        raise ValueError("duplicate_rate must be between 0 and 0.6")
    if not 2010 <= as_of_year <= 2100:
        raise ValueError("as_of_year must be between 2010 and 2100")
    n_members = int(n_members)
    rng = np.random.default_rng(seed)
    cat = load_catalogue()
    weights = _resolve_states(cat, state)
    kinds_p = _shares(kind_mix if kind_mix is not None else DEFAULT_KIND_MIX, KIND_NAMES[1:], "duplicate kind")
    aad_p = _shares(aadhaar_mix if aadhaar_mix is not None else DEFAULT_AADHAAR_MIX, _AADHAAR_KINDS, "Aadhaar form")
    native_override = None
    if scripts is not None:
        sp = _shares(scripts, ("latin", "native"), "script")
        native_override = float(sp[1])

    names = list(weights)
    rows_by_state = dict(zip(names, _split(n_members, np.array([weights[s] for s in names]))))
    rows_by_state = {s: int(r) for s, r in rows_by_state.items() if r > 0}
    n_dup = int(round(n_members * duplicate_rate))
    n_dup = min(n_dup, n_members // 2)
    n_persons = n_members - n_dup
    kind_counts = dict(zip(range(1, 6), rng.multinomial(n_dup, kinds_p).tolist()))

    geo = build_geography(rng, cat, rows_by_state)
    people = make_people(rng, cat, geo, n_persons, as_of_year)
    n_copy = kind_counts.pop(COPY)
    rows = place_records(rng, geo, people, kind_counts, as_of_year)
    shg_village = assign_shgs(rng, geo, people, rows)
    n_shg = len(shg_village)

    copy_src, copy_of_shg = _pick_copies(rng, geo, rows, shg_village, n_copy, strict=n_members >= 2000)
    dup_shg_source = np.array(copy_of_shg, np.int64)
    n_all_shg = n_shg + len(dup_shg_source)
    src = np.array(copy_src, np.int64)
    if len(src):
        new_id = {s: n_shg + j for j, s in enumerate(copy_of_shg)}
        rows = Rows(np.concatenate([rows.person, rows.person[src]]),
                    np.concatenate([rows.kind, np.full(len(src), COPY, np.int8)]),
                    np.concatenate([rows.village, rows.village[src]]),
                    np.concatenate([rows.shg, [new_id[s] for s in rows.shg[src].tolist()]]),
                    np.concatenate([np.arange(rows.n), src]))
    else:
        rows.source = np.arange(rows.n)

    shg_village_all = np.concatenate([shg_village, shg_village[dup_shg_source]])
    shg_entity = np.concatenate([np.arange(n_shg), dup_shg_source])
    state_of_shg = geo.v_state[shg_village_all]
    native_share = np.array([cat.states[s].native_share for s in geo.state_names])[state_of_shg]
    if native_override is not None:
        native_share = np.full(n_all_shg, native_override)
    style = _bookkeeper_styles(rng, n_all_shg, native_share)
    formation = as_of_year - 1 - np.minimum(np.floor(rng.gamma(2.0, 2.5, n_all_shg)).astype(np.int64),
                                            as_of_year - 1 - 2008)
    formation[n_shg:] = np.minimum(formation[dup_shg_source] + rng.integers(0, 5, len(dup_shg_source)),
                                   as_of_year)
    shg_names = _shg_names(rng, cat, geo, shg_village)
    for s in dup_shg_source.tolist():
        region = cat.shg_regions[cat.states[geo.state_names[geo.v_state[shg_village[s]]]].shg_region]
        shg_names.append(_shg_name_variant(rng, cat, shg_names[s], region["suffixes"]))
    shgs = Shgs(shg_village_all, shg_entity, formation, style, shg_names)

    shg_cbo_id = _cbo_ids(rng, cat, geo, shgs.village, "S", 8)
    ifsc_book: dict = {}
    members, truth = _member_frames(rng, cat, geo, people, rows, shgs, shg_cbo_id, ifsc_book,
                                    as_of_year, aad_p)
    cbos, cbo_truth = _cbo_frames(rng, cat, geo, shgs, n_shg, shg_cbo_id, ifsc_book, as_of_year)
    memberships = pd.DataFrame({"cbo_id": members["shg_id"].to_numpy(),
                                "member_id": members["member_id"].to_numpy()})[EXPORT_MEMBERSHIP_COLUMNS]
    return SyntheticExport(members, truth, cbos, memberships, cbo_truth)


# ---------------------------------------------------------------- rows -> member export

def _member_frames(rng: np.random.Generator, cat: Catalogue, geo: Geography, people: People,
                   rows: Rows, shgs: Shgs, shg_cbo_id: np.ndarray, ifsc_book: dict,
                   as_of_year: int, aad_p: np.ndarray):
    n = rows.n
    p = rows.person
    kind = rows.kind
    s = rows.shg
    st = shgs.style
    dup = kind != ORIGINAL
    groups = cat.groups
    grp = people.group[p]
    row_state = geo.v_state[rows.village]
    native_code = np.array([SCRIPT_CODE[cat.states[x].script] for x in geo.state_names])[row_state]
    marrying = people.marriage_year[p] > 0  # women with a pre-marriage record

    # --- script and letter case: the bookkeeper's, except a re-entry in the other script
    script = np.where(st["native"][s], native_code, 0)
    script = np.where(kind == SCRIPT, np.where(script[p] == 0, native_code, 0), script)
    case = st["case"][s]

    # --- who she is recorded with
    married_row = (people.marital[p] != UNMARRIED) & (kind != MARRIAGE)
    with_husband = married_row & ((rng.random(n) > 0.08) | marrying)
    rel_given = np.where(with_husband, people.husband[p], people.father[p])
    rel_surname = np.where(with_husband, people.surname[p], people.father_surname[p])
    rel_prefix = np.where(with_husband, people.husband_prefix[p], people.father_prefix[p])
    widow_late = (people.marital[p] == WIDOW) & with_husband & (rng.random(n) < 0.6)
    late = np.where(widow_late, rng.integers(0, 4, n), -1)
    missing_relation = rng.random(n) < 0.03
    rel_given = np.where(missing_relation, -1, rel_given)

    # --- her title and the form her name is written in
    title = np.full(n, -1, np.int32)
    form = np.zeros(n, np.int32)
    rel_form = np.zeros(n, np.int32)
    form_u = np.where(rng.random(n) < 0.8, st["form_u"][s], rng.random(n))
    rform_u = np.where(rng.random(n) < 0.8, st["rform_u"][s], rng.random(n))
    pair_plain = marrying & (rng.random(n) < 0.85)  # marriage pairs: usual form, usual titles
    for g in np.unique(grp).tolist():
        G = groups[g]
        m = grp == g
        for is_married, comps, probs in ((True, G.title_married, G.title_married_p),
                                         (False, G.title_unmarried, G.title_unmarried_p)):
            mm = m & (married_row == is_married)
            title[mm] = rng.choice(comps, size=int(mm.sum()), p=probs)
            title[mm & marrying] = comps[int(np.argmax(probs))]
        idx = np.minimum(np.searchsorted(G.name_forms_cum, form_u[m]), len(G.name_forms) - 1)
        idx = np.where(pair_plain[m], 0, idx)
        form[m] = G.name_forms[idx]
        ridx = np.minimum(np.searchsorted(G.relation_forms_cum, rform_u[m]), len(G.relation_forms) - 1)
        rel_form[m] = G.relation_forms[ridx]

    # --- the surname after her name: her husband's (before marriage her father's), as women write it
    her_surname = np.where(married_row, people.surname[p], people.father_surname[p])
    for g in np.unique(grp).tolist():
        for man, woman in groups[g].women_surname.items():
            her_surname[(grp == g) & (her_surname == man)] = woman
    # a second bookkeeper sometimes hears her home name (Munni, Guddi) instead of her given name
    given = people.given[p].copy()
    alias = dup & (rng.random(n) < 0.03)
    if alias.any():
        given[alias] = by_group(rng, grp[alias], [(G.female, G.female_p) for G in groups])

    # --- spelling: another bookkeeper (a duplicate) spells more freely
    def variant(p_orig: float, p_dup: float) -> np.ndarray:
        hit = rng.random(n) < np.where(dup, p_dup, p_orig)
        return np.where(hit, rng.integers(1, 8, n), 0)

    fields = NameFields(
        script=script, case=case, form=form, given=given, v_given=variant(0.10, 0.30),
        title=title, v_title=variant(0.06, 0.18), surname=her_surname, v_surname=variant(0.06, 0.2),
        man=np.where(married_row, people.husband[p], people.father[p]), v_man=variant(0.10, 0.3),
        father=people.father[p], rel_form=rel_form, rel_given=rel_given, rel_surname=rel_surname,
        v_rel_surname=variant(0.06, 0.2), rel_prefix=rel_prefix, late=late)
    names, relations = render_names(cat, fields)
    habits = Habits(
        honorific=st["honorific"][s] & (rng.random(n) < 0.7),
        married=married_row,
        relation_in_name=(st["relation_in_name"][s] & (rng.random(n) < 0.8)) | (rng.random(n) < 0.015),
        is_husband=with_husband, keep_relation=rng.random(n) < 0.1,
        run_together=st["run_together"][s] & (rng.random(n) < 0.5),
        name_typo=rng.random(n) < np.where(dup, 0.06, 0.02),
        relation_typo=rng.random(n) < np.where(dup, 0.05, 0.02),
        stray_space=rng.random(n) < 0.01, word_pick=rng.integers(0, 60, n))
    names, relations, moved = apply_habits(cat, names, relations, script, case, habits,
                                           int(rng.integers(2**31)))
    has_rel = (relations != "")
    labels = cat.script_words["latin"]["relation_type"]
    rel_type = np.where(with_husband, np.array(labels["husband"], object)[st["reltype"][s]],
                        np.array(labels["father"], object)[st["reltype"][s]])
    native_label = (script != 0) & (rng.random(n) < 0.4)
    for i in np.flatnonzero(native_label & has_rel).tolist():
        words = cat.script_words[SCRIPTS[script[i]]]["relation_type"]
        rel_type[i] = words["husband" if with_husband[i] else "father"][0]
    rel_type = np.where(has_rel, rel_type, "")

    # --- when each record was entered, and the age it shows
    by = people.birth_year[p]
    entry = shgs.formation[s] + rng.geometric(0.55, n) - 1
    entry = np.maximum(entry, by + 19)  # members join at 18 or older
    entry = np.where(marrying & (kind != MARRIAGE), np.maximum(entry, people.marriage_year[p]), entry)
    entry = np.minimum(entry, as_of_year)
    orig_entry = entry[p]  # originals are the first rows, row index = person index
    far = rng.random(n) < 0.45
    drift = np.where(far, rng.choice(np.array([-1, 1]), n) * rng.integers(2, 9, n), rng.integers(-1, 2, n))
    low = np.maximum(2008, by + 19)
    dup_entry = np.clip(orig_entry + drift, low, as_of_year)
    entry = np.where(dup & (kind != COPY), dup_entry, entry)
    mar = kind == MARRIAGE
    mar_hi = np.maximum(people.marriage_year[p], low)
    entry = np.where(mar, low + np.floor(rng.random(n) * (mar_hi - low + 1)).astype(np.int64), entry)
    entry = np.where(kind == COPY, np.minimum(entry[rows.source] + rng.integers(0, 4, n), as_of_year), entry)
    entry = np.minimum(entry, as_of_year)

    age = entry - by - (rng.random(n) < 0.5)
    show_dob = rng.random(n) < 0.45
    show_age = np.where(show_dob, rng.random(n) < 0.5, rng.random(n) < 0.92)
    shown_age = age.copy()
    heap = ~show_dob & (rng.random(n) < 0.2)
    shown_age = np.where(heap, np.rint(shown_age / 5).astype(np.int64) * 5, shown_age)
    err = ~show_dob & ~heap & (rng.random(n) < 0.12)
    shown_age = np.maximum(shown_age + np.where(err, rng.choice(np.array([-2, -1, 1, 2]), n), 0), 18)
    age_col = np.where(show_age, shown_age.astype(str).astype(object), "")
    dy, dm, dd = by.copy(), people.birth_month[p].copy(), people.birth_day[p].copy()
    how = rng.random(n)
    from_age = how < 0.07  # app filled 01/01/(entry year - age)
    dy = np.where(from_age, entry - shown_age, dy)
    dm = np.where(from_age, 1, dm)
    dd = np.where(from_age, 1, dd)
    wrong_day = (how >= 0.07) & (how < 0.12)
    dd = np.where(wrong_day, np.clip(dd + rng.integers(1, 6, n), 1, 28), dd)
    dob_col = np.full(n, "", dtype=object)
    idx = np.flatnonzero(show_dob)
    dob_col[idx] = format_dates(dy[idx], dm[idx], dd[idx], st["dob"][s][idx])

    # --- mobile: the household's phone, her own, or (in her parents' home) her father's
    household = people.household[p]
    mobile = np.where((people.own_mobile[p] > 0) & (rng.random(n) < 0.7), people.own_mobile[p],
                      people.hh_mobile[household])
    new_number = (mar | ((kind == CROSS_VILLAGE) & (rng.random(n) < 0.35))
                  | ((kind == RE_ENTRY) & (rng.random(n) < 0.1))
                  | ((kind == SCRIPT) & (rng.random(n) < 0.05)))
    if new_number.any():
        taken = np.concatenate([people.hh_mobile, people.own_mobile[people.own_mobile > 0]])
        mobile[new_number] = mobile_numbers(rng, int(new_number.sum()), exclude=taken)
    slip = rng.random(n) < 0.01
    mobile = np.where(slip, one_digit_wrong(rng, mobile, width=10, first=1), mobile)
    mobile_col = np.full(n, "", dtype=object)
    idx = np.flatnonzero(rng.random(n) < 0.85)
    mobile_col[idx] = format_mobile(mobile[idx], st["mobile"][s][idx])

    # --- Aadhaar: full, masked, missing, or full with one digit wrong
    aad_kind = rng.choice(4, size=n, p=aad_p)
    number = people.aadhaar[p]
    aad_col = np.full(n, "", dtype=object)
    idx = np.flatnonzero(aad_kind == 0)
    aad_col[idx] = format_aadhaar(number[idx], st["aadhaar"][s][idx])
    idx = np.flatnonzero(aad_kind == 1)
    aad_col[idx] = format_masked(number[idx], st["masked"][s][idx])
    idx = np.flatnonzero(aad_kind == 3)
    aad_col[idx] = format_aadhaar(one_digit_wrong(rng, number[idx]), st["aadhaar"][s][idx])

    # --- bank: her own account, the household's, or (before marriage) her maiden one
    home_block = geo.v_block[people.village]
    own_acct, own_ifsc = _accounts(rng, cat, geo, home_block, ifsc_book)
    n_hh = len(people.hh_mobile)
    hh_block = np.zeros(n_hh, np.int64)
    hh_block[people.household] = home_block
    hh_acct, hh_ifsc = _accounts(rng, cat, geo, hh_block, ifsc_book)
    has_own = rng.random(people.n) < 0.6
    hh_has = rng.random(n_hh) < 0.3
    uses_hh = ~has_own & hh_has[people.household] & (rng.random(people.n) < 0.8)
    acct = np.where(has_own, own_acct, np.where(uses_hh, hh_acct[people.household], ""))[p]
    ifsc = np.where(has_own, own_ifsc, np.where(uses_hh, hh_ifsc[people.household], ""))[p]
    if mar.any():
        mi = np.flatnonzero(mar)
        maiden_acct, maiden_ifsc = _accounts(rng, cat, geo, geo.v_block[rows.village[mi]], ifsc_book)
        r = rng.random(len(mi))
        acct[mi] = np.where(r < 0.5, acct[mi], np.where(r < 0.8, maiden_acct, ""))
        ifsc[mi] = np.where(r < 0.5, ifsc[mi], np.where(r < 0.8, maiden_ifsc, ""))
    show_acct = (acct != "") & (rng.random(n) < 0.88)
    show_ifsc = (show_acct & (rng.random(n) < 0.92)) | ((ifsc != "") & (rng.random(n) < 0.02))
    acct_col = np.where(show_acct, acct, "")
    ifsc_col = np.where(show_ifsc, ifsc, "")

    # --- identifiers and order of the export
    codes = np.array([cat.states[x].code for x in geo.state_names], dtype=object)[row_state]
    member_num = unique_numbers(rng, n, 1_000_000_000, 10_000_000_000)
    member_id = codes + member_num.astype(str).astype(object)
    person_label = rng.permutation(people.n)
    hh_label = rng.permutation(n_hh)
    order = np.lexsort((rng.random(n), s, rows.village))

    shg_display = np.array([x.replace(" | ", " ") for x in shgs.names], dtype=object)
    vill = rows.village
    members = pd.DataFrame({
        "member_id": member_id,
        "state": np.array(geo.state_names, object)[row_state],
        "district": np.array(geo.district_names, object)[geo.v_district[vill]],
        "block": np.array(geo.block_names, object)[geo.v_block[vill]],
        "panchayat": np.array(geo.panchayat_names, object)[geo.v_panchayat[vill]],
        "village": np.array(geo.village_names, object)[vill],
        "shg_id": shg_cbo_id[s],
        "shg_name": shg_display[s],
        "member_name": names,
        "relation_type": rel_type,
        "relation_name": relations,
        "gender": np.array(_GENDER, object)[st["gender"][s]],
        "dob": dob_col,
        "age": age_col,
        "mobile": mobile_col,
        "aadhaar": aad_col,
        "bank_account": acct_col,
        "ifsc": ifsc_col,
    })[EXPORT_MEMBER_COLUMNS].iloc[order].reset_index(drop=True)
    truth = pd.DataFrame({
        "member_id": member_id,
        "person_id": np.char.add("P", np.char.zfill(person_label[p].astype(str), 7)).astype(object),
        "household_id": np.char.add("H", np.char.zfill(hh_label[household].astype(str), 7)).astype(object),
        "dup_kind": np.array(KIND_NAMES, object)[kind],
        "entry_year": entry.astype(str).astype(object),
        "script": np.array(SCRIPTS, object)[script],
        "aadhaar_kind": np.array(_AADHAAR_KINDS, object)[aad_kind],
    })[TRUTH_COLUMNS].iloc[order].reset_index(drop=True)
    return members, truth


def _cbo_ids(rng: np.random.Generator, cat: Catalogue, geo: Geography, village: np.ndarray,
             letter: str, digits: int) -> np.ndarray:
    """Random (so meaningless) CBO codes with the state code in front, like BRS20481733."""
    nums = unique_numbers(rng, len(village), 10 ** (digits - 1), 10 ** digits)
    prefix = np.array([f"{cat.states[x].code}{letter}" for x in geo.state_names], dtype=object)
    return prefix[geo.v_state[village]] + nums.astype(str).astype(object)


def _chunk_ids(unit: np.ndarray, size: float) -> tuple[np.ndarray, np.ndarray]:
    """Cut items (sorted by unit) into groups of about `size` per unit: (group id, n groups)."""
    units, counts = np.unique(unit, return_counts=True)
    n_groups = np.maximum(1, np.rint(counts / size).astype(np.int64))
    offset = np.concatenate([[0], np.cumsum(n_groups)])
    first = np.concatenate([[0], np.cumsum(counts)])
    u_idx = np.repeat(np.arange(len(units)), counts)
    pos = np.arange(len(unit)) - first[u_idx]
    return offset[u_idx] + pos * n_groups[u_idx] // counts[u_idx], offset[-1]


def _cbo_frames(rng: np.random.Generator, cat: Catalogue, geo: Geography, shgs: Shgs, n_shg: int,
                shg_cbo_id: np.ndarray, ifsc_book: dict, as_of_year: int):
    n_all = len(shgs.village)
    st = shgs.style
    region_of = [cat.shg_regions[cat.states[geo.state_names[geo.v_state[v]]].shg_region]
                 for v in range(geo.n_villages)]

    # VOs: the SHGs of a panchayat in groups of 10-20; CLFs: a block's VOs in groups of ~30
    shg_vo, n_vo = _chunk_ids(geo.v_panchayat[shgs.village[:n_shg]], 15.0)
    vo_first_shg = np.searchsorted(shg_vo, np.arange(n_vo))
    vo_village = shgs.village[vo_first_shg]
    vo_clf, n_clf = _chunk_ids(geo.v_block[vo_village], 30.0)
    clf_village = vo_village[np.searchsorted(vo_clf, np.arange(n_clf))]
    vo_formation = np.minimum(np.minimum.reduceat(shgs.formation[:n_shg], vo_first_shg)
                              + rng.integers(1, 4, n_vo), as_of_year)
    clf_first_vo = np.searchsorted(vo_clf, np.arange(n_clf))
    clf_formation = np.minimum(np.minimum.reduceat(vo_formation, clf_first_vo)
                               + rng.integers(1, 4, n_clf), as_of_year)
    vo_id = _cbo_ids(rng, cat, geo, vo_village, "V", 6)
    clf_id = _cbo_ids(rng, cat, geo, clf_village, "C", 5)

    def cbo_name(v: int, kind: str) -> str:
        region = region_of[v]
        base = region["bases"][rng.integers(len(region["bases"]))]
        if kind == "clf" and rng.random() < 0.4:
            base = geo.block_names[geo.v_block[v]]
        return f"{base} {region[kind][rng.integers(len(region[kind]))]}"

    # parent of each SHG record; a re-entered SHG is often left without one
    parent = np.empty(n_all, dtype=object)
    parent[:n_shg] = vo_id[shg_vo]
    src = shgs.entity[n_shg:]
    parent[n_shg:] = np.where(rng.random(len(src)) < 0.5, vo_id[shg_vo[src]], "")

    blocks = np.concatenate([geo.v_block[shgs.village[:n_shg]], geo.v_block[vo_village],
                             geo.v_block[clf_village]])
    acct, ifsc = _accounts(rng, cat, geo, blocks, ifsc_book)
    acct = acct.astype(object)
    ifsc = ifsc.astype(object)
    shg_acct = np.empty(n_all, dtype=object)
    shg_ifsc = np.empty(n_all, dtype=object)
    shg_acct[:n_shg], shg_ifsc[:n_shg] = acct[:n_shg], ifsc[:n_shg]
    if len(src):
        again, again_ifsc = _accounts(rng, cat, geo, geo.v_block[shgs.village[n_shg:]], ifsc_book)
        r = rng.random(len(src))
        shg_acct[n_shg:] = np.where(r < 0.4, acct[src], np.where(r < 0.8, again, ""))
        shg_ifsc[n_shg:] = np.where(r < 0.4, ifsc[src], np.where(r < 0.8, again_ifsc, ""))
    hide = rng.random(n_all) < 0.08
    shg_acct[hide] = ""

    def dates(year: np.ndarray, style: np.ndarray) -> list[str]:
        m = rng.integers(1, 13, len(year))
        d = rng.integers(1, 29, len(year))
        return format_dates(year, m, d, style)

    def geo_cols(village: np.ndarray, level: str) -> dict:
        out = {
            "state": np.array(geo.state_names, object)[geo.v_state[village]],
            "district": np.array(geo.district_names, object)[geo.v_district[village]],
            "block": np.array(geo.block_names, object)[geo.v_block[village]],
            "panchayat": np.array(geo.panchayat_names, object)[geo.v_panchayat[village]],
            "village": np.array(geo.village_names, object)[village],
        }
        if level in ("vo", "clf"):
            out["village"] = np.full(len(village), "", object)
        if level == "clf":
            out["panchayat"] = np.full(len(village), "", object)
        return out

    shg_order = np.lexsort((rng.random(n_all), shgs.village))
    shg_frame = pd.DataFrame({
        "cbo_id": shg_cbo_id, "cbo_type": "SHG",
        "cbo_name": [x.replace(" | ", " ") for x in shgs.names],
        **geo_cols(shgs.village, "shg"), "parent_id": parent,
        "formation_date": dates(shgs.formation, st["dob"]),
        "bank_account": shg_acct, "ifsc": np.where(shg_acct != "", shg_ifsc, ""),
    }).iloc[shg_order]
    vo_frame = pd.DataFrame({
        "cbo_id": vo_id, "cbo_type": "VO", "cbo_name": [cbo_name(v, "vo") for v in vo_village.tolist()],
        **geo_cols(vo_village, "vo"), "parent_id": clf_id[vo_clf],
        "formation_date": dates(vo_formation, rng.choice(3, n_vo)),
        "bank_account": acct[n_shg:n_shg + n_vo], "ifsc": ifsc[n_shg:n_shg + n_vo],
    })
    clf_frame = pd.DataFrame({
        "cbo_id": clf_id, "cbo_type": "CLF",
        "cbo_name": [cbo_name(v, "clf") for v in clf_village.tolist()],
        **geo_cols(clf_village, "clf"), "parent_id": "",
        "formation_date": dates(clf_formation, rng.choice(3, n_clf)),
        "bank_account": acct[n_shg + n_vo:], "ifsc": ifsc[n_shg + n_vo:],
    })
    cbos = pd.concat([shg_frame, vo_frame, clf_frame], ignore_index=True)[EXPORT_CBO_COLUMNS]

    entity_label = rng.permutation(n_shg)
    truth = pd.DataFrame({
        "cbo_id": np.concatenate([shg_cbo_id[shg_order], vo_id, clf_id]),
        "shg_entity_id": np.concatenate([
            np.char.add("SE", np.char.zfill(entity_label[shgs.entity[shg_order]].astype(str), 7)),
            np.char.add("VE", np.char.zfill(np.arange(n_vo).astype(str), 6)),
            np.char.add("CE", np.char.zfill(np.arange(n_clf).astype(str), 5))]).astype(object),
    })[CBO_TRUTH_COLUMNS]
    return cbos, truth


# ---------------------------------------------------------------- files

def write_export(export: SyntheticExport, out_dir: Path, fmt: str = "csv") -> dict[str, Path]:
    """Write members, truth, cbos, memberships and cbo_truth as CSV (UTF-8) or Parquet."""
    if fmt not in ("csv", "parquet"):
        raise ValueError("format must be csv or parquet")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for name in ("members", "truth", "cbos", "memberships", "cbo_truth"):
        frame: pd.DataFrame = getattr(export, name)
        path = out_dir / f"{name}.{fmt}"
        if fmt == "csv":
            frame.to_csv(path, index=False, encoding="utf-8")
        else:
            frame.astype(str).to_parquet(path, index=False)
        written[name] = path
    return written
