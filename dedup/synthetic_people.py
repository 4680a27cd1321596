"""Synthetic women, their households, and where each of their records sits (village, SHG).

The real-world facts this encodes:
- a household is a husband's family in one village; 1-4 of its women are SHG members
  (mother-in-law and daughters-in-law share the husband's surname and usually one phone);
  NRLM puts one woman per household in an SHG, so household members sit in different SHGs;
- communities cluster: a village's Muslim or Adivasi share varies around the state's;
- a woman entered twice is entered by another bookkeeper in another SHG (of her village, her
  panchayat, or, after she moved or married, another village of the same block).
Everything is drawn with numpy over whole arrays; Python loops only touch rare repairs.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dedup.synthetic_data import Catalogue
from dedup.synthetic_geo import VILLAGE_MAX, VILLAGE_MIN, Geography
from dedup.synthetic_ids import aadhaar_numbers, mobile_numbers

# record kinds (dup_kind in the truth table)
ORIGINAL, RE_ENTRY, CROSS_VILLAGE, SCRIPT, MARRIAGE, COPY = range(6)
KIND_NAMES = ("original", "re-entry", "cross_village", "script", "marriage", "copy")

MARRIED, UNMARRIED, WIDOW = 0, 1, 2
SENIOR, DAUGHTER_IN_LAW, DAUGHTER = 0, 1, 2


@dataclass
class People:
    village: np.ndarray        # home village (the husband's, once married)
    household: np.ndarray
    role: np.ndarray           # SENIOR / DAUGHTER_IN_LAW / DAUGHTER
    hh_size: np.ndarray        # member women in her household
    group: np.ndarray          # naming community (Catalogue.groups index)
    given: np.ndarray          # component ids
    marital: np.ndarray
    birth_year: np.ndarray
    birth_month: np.ndarray
    birth_day: np.ndarray
    husband: np.ndarray        # -1 when unmarried
    husband_prefix: np.ndarray
    surname: np.ndarray        # household surname (husband's; for a daughter her father's)
    father: np.ndarray
    father_surname: np.ndarray
    father_prefix: np.ndarray
    aadhaar: np.ndarray
    own_mobile: np.ndarray     # 0 = none, she uses the household phone
    hh_mobile: np.ndarray      # per household
    marriage_year: np.ndarray  # set for women whose pre-marriage record exists, else 0

    @property
    def n(self) -> int:
        return len(self.village)


def by_group(rng: np.random.Generator, groups: np.ndarray, pools) -> np.ndarray:
    """Sample one component per entry from its group's pool (Zipf weights); -1 if no pool."""
    out = np.full(len(groups), -1, np.int32)
    for g in np.unique(groups):
        ids, p = pools[int(g)]
        if len(ids) == 0:
            continue
        m = groups == g
        out[m] = rng.choice(ids, size=int(m.sum()), p=p)
    return out


def _largest_remainder(weights: np.ndarray, total: int) -> np.ndarray:
    raw = weights * total / weights.sum()
    out = np.floor(raw).astype(np.int64)
    short = total - int(out.sum())
    if short:
        out[np.argsort(out - raw, kind="stable")[:short]] += 1
    return out


def make_people(rng: np.random.Generator, cat: Catalogue, geo: Geography, n_persons: int,
                as_of_year: int) -> People:
    per_village = _largest_remainder(geo.v_target.astype(float), n_persons)
    village = np.repeat(np.arange(geo.n_villages), per_village)
    n = len(village)

    # households: sizes 1-4, never spanning two villages
    sizes = rng.choice(np.array([1, 2, 3, 4]), size=n, p=[0.62, 0.26, 0.09, 0.03])
    start = np.zeros(n, bool)
    bounds = np.cumsum(sizes)
    start[bounds[bounds < n]] = True
    start[0] = True
    start[np.cumsum(per_village)[:-1][per_village[1:] > 0]] = True
    household = np.cumsum(start) - 1
    first = np.flatnonzero(start)
    role_rank = np.arange(n) - first[household]
    n_hh = len(first)
    hh_size = np.bincount(household, minlength=n_hh)[household]
    hh_village = village[first]

    # naming community per household; villages lean one way or another around the state share
    hh_group = np.empty(n_hh, np.int32)
    hh_state = geo.v_state[hh_village]
    for s_idx, state in enumerate(geo.state_names):
        st = cat.states[state]
        vill = np.flatnonzero(geo.v_state == s_idx)
        if len(st.groups) == 1:
            hh_group[hh_state == s_idx] = st.groups[0]
            continue
        mix = rng.dirichlet(st.group_p * 4.0 + 0.05, size=len(vill))
        cum = np.cumsum(mix, axis=1)
        local = np.full(geo.n_villages, -1)
        local[vill] = np.arange(len(vill))
        hh_idx = np.flatnonzero(hh_state == s_idx)
        u = rng.random(len(hh_idx))
        pick = (u[:, None] > cum[local[hh_village[hh_idx]]]).sum(axis=1)
        hh_group[hh_idx] = np.array(st.groups)[np.minimum(pick, len(st.groups) - 1)]
    groups = cat.groups
    male_pools = [(g.male, g.male_p) for g in groups]
    sur_pools = [(g.surname, g.surname_p) for g in groups]
    pre_pools = [(g.prefix, g.prefix_p) for g in groups]
    hh_surname = by_group(rng, hh_group, sur_pools)
    hh_head = by_group(rng, hh_group, male_pools)
    hh_head_prefix = by_group(rng, hh_group, pre_pools)

    group = hh_group[household]
    given = by_group(rng, group, [(g.female, g.female_p) for g in groups])

    # who she is in the household, her age and marital status
    role = np.where(role_rank == 0, SENIOR,
                    np.where(rng.random(n) < 0.75, DAUGHTER_IN_LAW, DAUGHTER)).astype(np.int8)
    age = np.where(hh_size == 1, 20 + 42 * rng.beta(2.0, 2.2, n), 42 + 23 * rng.beta(2.0, 2.0, n))
    age = np.where(role == DAUGHTER_IN_LAW, 20 + 20 * rng.beta(2.0, 2.0, n), age)
    age = np.where(role == DAUGHTER, 18 + 6 * rng.beta(1.5, 2.0, n), age)
    age = np.floor(age).astype(np.int64)
    marital = np.full(n, MARRIED, np.int8)
    marital[role == DAUGHTER] = UNMARRIED
    single_young = (role == SENIOR) & (hh_size == 1) & (age < 24)
    marital[single_young & (rng.random(n) < 0.3)] = UNMARRIED
    widow_p = np.where(age >= 45, 0.18, 0.04)
    marital[(role == SENIOR) & (marital == MARRIED) & (rng.random(n) < widow_p)] = WIDOW

    # the men she is recorded with
    sons = by_group(rng, group, male_pools)
    son_prefix = by_group(rng, group, pre_pools)
    husband = np.where(role == SENIOR, hh_head[household], sons)
    husband_prefix = np.where(role == SENIOR, hh_head_prefix[household], son_prefix)
    husband = np.where(marital == UNMARRIED, -1, husband).astype(np.int32)
    father = by_group(rng, group, male_pools)
    father_surname = by_group(rng, group, sur_pools)
    father_prefix = by_group(rng, group, pre_pools)
    at_home = marital == UNMARRIED  # an unmarried member lives in her father's household
    father = np.where(at_home, hh_head[household], father).astype(np.int32)
    father_prefix = np.where(at_home, hh_head_prefix[household], father_prefix).astype(np.int32)
    father_surname = np.where(at_home, hh_surname[household], father_surname).astype(np.int32)

    birth_year = as_of_year - age
    birth_month = rng.integers(1, 13, n)
    birth_day = 1 + np.floor(rng.random(n) * np.where(birth_month == 2, 28, 30)).astype(np.int64)
    jan1 = rng.random(n) < 0.3  # Aadhaar holds 01-01-YYYY for many rural women
    birth_month[jan1] = 1
    birth_day[jan1] = 1

    hh_mobile = mobile_numbers(rng, n_hh)
    own = (role != SENIOR) & (rng.random(n) < 0.35)
    own_mobile = np.zeros(n, np.int64)
    own_mobile[own] = mobile_numbers(rng, int(own.sum()), exclude=hh_mobile)

    return People(village=village, household=household, role=role, hh_size=hh_size, group=group,
                  given=given, marital=marital, birth_year=birth_year, birth_month=birth_month,
                  birth_day=birth_day, husband=husband, husband_prefix=husband_prefix.astype(np.int32),
                  surname=hh_surname[household], father=father, father_surname=father_surname,
                  father_prefix=father_prefix, aadhaar=aadhaar_numbers(rng, n),
                  own_mobile=own_mobile, hh_mobile=hh_mobile,
                  marriage_year=np.zeros(n, np.int64))


# ---------------------------------------------------------------- where the records sit

@dataclass
class Rows:
    person: np.ndarray
    kind: np.ndarray
    village: np.ndarray
    shg: np.ndarray | None = None
    source: np.ndarray | None = None  # for a copy: the row it re-enters

    @property
    def n(self) -> int:
        return len(self.person)


def _other_village(rng: np.random.Generator, geo: Geography, home: np.ndarray, level: str) -> np.ndarray:
    """A village of the same panchayat/block other than home, weighted by village size."""
    if level == "panchayat":
        unit = geo.v_panchayat[home]
        lo, hi = geo.panchayat_start[unit], geo.panchayat_end[unit]
    else:
        unit = geo.v_block[home]
        lo, hi = geo.block_start[unit], geo.block_end[unit]
    t = geo.v_target.astype(np.float64)
    cum = np.concatenate([[0.0], np.cumsum(t)])
    total = cum[hi] - cum[lo] - t[home]
    x = cum[lo] + rng.random(len(home)) * total
    x = np.where(x >= cum[home], x + t[home], x)
    dest = np.searchsorted(cum, x, "right") - 1
    dest = np.clip(dest, lo, hi - 1)
    return np.where(hi - lo <= 1, home, dest)


def place_records(rng: np.random.Generator, geo: Geography, people: People, counts: dict[int, int],
                  as_of_year: int) -> Rows:
    """Every woman's original record at home, plus the duplicate records of the counts asked
    (kind -> rows; COPY rows are added later, with the SHG they copy)."""
    n = people.n
    persons = [np.arange(n)]
    kinds = [np.zeros(n, np.int8)]
    villages = [people.village.copy()]
    taken = np.zeros(n, bool)

    n_mar = counts.get(MARRIAGE, 0)
    if n_mar:
        eligible = np.flatnonzero((people.marital == MARRIED)
                                  & ((people.role == DAUGHTER_IN_LAW) | (people.hh_size == 1)))
        n_mar = min(n_mar, len(eligible))
        chosen = rng.choice(eligible, size=n_mar, replace=False)
        # she married in the SHG era: re-age her, and date the marriage
        age = rng.integers(20, 37, n_mar)
        by = as_of_year - age
        people.birth_year[chosen] = by
        people.marriage_year[chosen] = np.clip(by + rng.integers(19, 25, n_mar),
                                               2010, as_of_year - 1)
        taken[chosen] = True
        persons.append(chosen)
        kinds.append(np.full(n_mar, MARRIAGE, np.int8))
        villages.append(_other_village(rng, geo, people.village[chosen], "block"))
        counts = dict(counts)
        counts[RE_ENTRY] = counts.get(RE_ENTRY, 0) + counts[MARRIAGE] - n_mar

    for kind in (RE_ENTRY, CROSS_VILLAGE, SCRIPT):
        k = counts.get(kind, 0)
        if not k:
            continue
        # about one in twelve duplicated women has more than one extra record
        n_repeat = int(round(k * 0.08)) if taken.any() else 0
        fresh_pool = np.flatnonzero(~taken)
        n_fresh = min(k - n_repeat, len(fresh_pool))
        chosen = rng.choice(fresh_pool, size=n_fresh, replace=False)
        taken[chosen] = True
        again = rng.choice(np.flatnonzero(taken), size=k - n_fresh, replace=True)
        who = np.concatenate([chosen, again])
        home = people.village[who]
        if kind == RE_ENTRY:
            dest = np.where(rng.random(len(who)) < 0.2, _other_village(rng, geo, home, "panchayat"), home)
        elif kind == CROSS_VILLAGE:
            dest = _other_village(rng, geo, home, "block")
        else:
            dest = home
        persons.append(who)
        labels = np.full(len(who), kind, np.int8)
        if kind == CROSS_VILLAGE:  # a block of one village has no other village to move to
            labels[dest == home] = RE_ENTRY
        kinds.append(labels)
        villages.append(dest)

    rows = Rows(np.concatenate(persons), np.concatenate(kinds), np.concatenate(villages))
    _keep_village_sizes(rng, geo, people, rows)
    return rows


def _keep_village_sizes(rng: np.random.Generator, geo: Geography, people: People, rows: Rows) -> None:
    """Move a few out-of-village duplicates so that every village stays within 100-300 rows
    (leaving room for SHGs entered twice). Rarely needed; a no-op for tiny exports."""
    counts = np.bincount(rows.village, minlength=geo.n_villages)
    hi, lo = VILLAGE_MAX - 14, VILLAGE_MIN
    if counts.sum() < 2 * VILLAGE_MIN or ((counts <= hi) & (counts >= lo)).all():
        return
    movable = np.flatnonzero((rows.kind != ORIGINAL) & (rows.village != people.village[rows.person]))
    for v in np.flatnonzero((counts > hi) | (counts < lo)):
        b = geo.v_block[v]
        block_v = np.arange(geo.block_start[b], geo.block_end[b])
        if len(block_v) < 2:
            continue
        tries = 0
        while (counts[v] > hi or counts[v] < lo) and tries < 400:
            tries += 1
            if counts[v] > hi:
                cand = movable[rows.village[movable] == v]
                if not len(cand):
                    break
                r = cand[rng.integers(len(cand))]
                dest_opts = block_v[(block_v != people.village[rows.person[r]]) & (block_v != v)]
                if not len(dest_opts):
                    break
                dest = dest_opts[np.argmin(counts[dest_opts])]
                if counts[dest] >= hi:
                    break
            else:
                cand = movable[np.isin(rows.village[movable], block_v)
                               & (counts[rows.village[movable]] > lo + 5)
                               & (people.village[rows.person[movable]] != v)]
                if not len(cand):
                    break
                r = cand[rng.integers(len(cand))]
                dest = v
            counts[rows.village[r]] -= 1
            counts[dest] += 1
            rows.village[r] = dest


def assign_shgs(rng: np.random.Generator, geo: Geography, people: People, rows: Rows) -> np.ndarray:
    """Cut each village's records into SHGs of 10-13; returns the village of every SHG.

    Records are ordered by community and household role before cutting, so SHGs are mostly of
    one community (as tolas form their own groups) and a household's women land in different
    SHGs. A woman's second record is then never left in the SHG of her first."""
    order = np.lexsort((rng.random(rows.n), people.role[rows.person], people.group[rows.person],
                        rows.village))
    counts = np.bincount(rows.village, minlength=geo.n_villages)
    n_shg = np.maximum(1, np.rint(counts / 11.5).astype(np.int64))
    n_shg[counts == 0] = 0
    # SHG sizes vary (10-13 mostly): cut each village at randomly weighted boundaries
    shg_village = np.repeat(np.arange(geo.n_villages), n_shg)
    w = rng.uniform(0.85, 1.15, len(shg_village))
    cum = np.cumsum(w)
    first = np.concatenate([[0], np.cumsum(n_shg)])
    before = np.concatenate([[0.0], cum])[first[shg_village]]
    total = cum[first[shg_village + 1] - 1] - before
    v_first = np.concatenate([[0], np.cumsum(counts)])
    ends = v_first[shg_village] + np.rint((cum - before) / total * counts[shg_village]).astype(np.int64)
    shg = np.empty(rows.n, np.int64)
    shg[order] = np.searchsorted(ends, np.arange(rows.n), "right")
    rows.shg = shg
    _separate_duplicates(rng, people, rows)
    return shg_village


def _separate_duplicates(rng: np.random.Generator, people: People, rows: Rows) -> None:
    key = rows.person.astype(np.int64) * (int(rows.shg.max()) + 1) + rows.shg
    _, first_idx, inverse = np.unique(key, return_index=True, return_inverse=True)
    clash = np.flatnonzero(first_idx[inverse] != np.arange(rows.n))
    if not len(clash):
        return
    rows_per_person = np.bincount(rows.person, minlength=people.n)
    by_person = np.argsort(rows.person, kind="stable")
    p_start = np.concatenate([[0], np.cumsum(rows_per_person)])
    # swap partners: records of women entered only once, in the same village
    single = np.flatnonzero(rows_per_person[rows.person] == 1)
    single = single[np.argsort(rows.village[single], kind="stable")]
    s_village = rows.village[single]
    for r in clash:
        v = rows.village[r]
        pool = single[np.searchsorted(s_village, v, "left"):np.searchsorted(s_village, v, "right")]
        p = rows.person[r]
        mine = set(rows.shg[by_person[p_start[p]:p_start[p + 1]]].tolist())
        for _ in range(50):
            if not len(pool):
                break
            c = pool[rng.integers(len(pool))]
            if rows.shg[c] not in mine:
                rows.shg[r], rows.shg[c] = rows.shg[c], rows.shg[r]
                break
