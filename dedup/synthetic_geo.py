"""Synthetic geography: state -> district -> block -> panchayat -> village, sized like NRLM data.

A village holds 100-300 SHG members (targets drawn in 125-275 so that duplicates moving between
villages of a block do not push any village out of range). Panchayats hold 3-7 villages, blocks
8-16 panchayats, districts 5-10 blocks. District and block names are real where the data file
lists them; village names are composed from local name parts, unique within a block but, as in
real data, repeated across blocks (a "Rampur" in every other block).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dedup.synthetic_data import Catalogue, StateInfo

VILLAGE_MIN, VILLAGE_MAX = 100, 300
_TARGET_LO, _TARGET_HI = 125, 275


@dataclass
class Geography:
    """One entry per village, villages sorted so that every block and panchayat is contiguous."""

    state_names: list[str]
    v_state: np.ndarray       # index into state_names
    v_district: np.ndarray    # global district id
    v_block: np.ndarray       # global block id
    v_panchayat: np.ndarray   # global panchayat id
    v_target: np.ndarray      # planned number of export rows
    district_names: list[str]
    block_names: list[str]
    panchayat_names: list[str]
    village_names: list[str]
    block_start: np.ndarray   # first village of each block
    block_end: np.ndarray     # one past its last village
    panchayat_start: np.ndarray
    panchayat_end: np.ndarray
    block_state: np.ndarray

    @property
    def n_villages(self) -> int:
        return len(self.v_state)


def _village_targets(rng: np.random.Generator, rows: int) -> np.ndarray:
    """Split a state's rows into villages of about 125-275 rows (exact total)."""
    if rows <= _TARGET_HI:
        return np.array([rows], np.int64)
    k = max(int(np.ceil(rows / _TARGET_HI)), int(round(rows / 200)))
    while k > 1 and rows / k < _TARGET_LO:
        k -= 1
    raw = _TARGET_LO + (_TARGET_HI - _TARGET_LO) * rng.beta(2.0, 2.0, k)
    t = np.floor(raw * rows / raw.sum()).astype(np.int64)
    t = np.clip(t, _TARGET_LO, _TARGET_HI)
    diff = rows - int(t.sum())
    while diff != 0:
        step = 1 if diff > 0 else -1
        room = np.flatnonzero(t < _TARGET_HI) if step > 0 else np.flatnonzero(t > _TARGET_LO)
        if len(room) == 0:  # only when rows/k leaves no slack: widen to the hard bounds
            room = np.flatnonzero(t < VILLAGE_MAX - 10) if step > 0 else \
                np.flatnonzero(t > VILLAGE_MIN + 10)
        pick = rng.choice(room, size=min(abs(diff), len(room)), replace=False)
        t[pick] += step
        diff -= step * len(pick)
    return t


def _chunks(rng: np.random.Generator, n: int, lo: int, hi: int) -> list[int]:
    sizes = []
    left = n
    while left > 0:
        s = int(rng.integers(lo, hi + 1))
        if left - s < lo and left - s > 0:
            s = left if left <= hi + lo // 2 else left - lo
        sizes.append(min(s, left))
        left -= sizes[-1]
    return sizes


def _village_name(rng: np.random.Generator, st: StateInfo, taken: set[str]) -> str:
    for attempt in range(200):
        r = rng.random()
        if st.village_standalone and r < 0.08:
            name = st.village_standalone[rng.integers(len(st.village_standalone))]
        else:
            p = st.village_prefixes[rng.integers(len(st.village_prefixes))]
            s = st.village_suffixes[rng.integers(len(st.village_suffixes))]
            name = f"{p} {s}" if s[:1].isupper() else p + s
        if st.village_words and (rng.random() < 0.12 or (attempt > 20 and name in taken)):
            name = f"{name} {st.village_words[rng.integers(len(st.village_words))]}"
        if attempt > 100:
            name = f"{name} {attempt - 99}"
        if name not in taken:
            taken.add(name)
            return name
    raise RuntimeError("could not name a village")  # pragma: no cover


def build_geography(rng: np.random.Generator, cat: Catalogue, rows_by_state: dict[str, int]) -> Geography:
    state_names: list[str] = []
    v_state, v_district, v_block, v_panchayat, v_target = [], [], [], [], []
    district_names, block_names, panchayat_names, village_names = [], [], [], []
    block_state = []
    for s_idx, (state, rows) in enumerate(rows_by_state.items()):
        st = cat.states[state]
        state_names.append(state)
        targets = _village_targets(rng, rows)
        n_v = len(targets)
        pan_sizes = _chunks(rng, n_v, 3, 7) if n_v > 3 else [n_v]
        n_p = len(pan_sizes)
        blk_sizes = _chunks(rng, n_p, 8, 16) if n_p > 8 else [n_p]
        n_b = len(blk_sizes)
        dst_sizes = _chunks(rng, n_b, 5, 10) if n_b > 5 else [n_b]
        districts = list(st.districts)
        order = rng.permutation(len(districts))
        v = 0
        p = 0
        b_in_state = 0
        for d_i, n_blocks in enumerate(dst_sizes):
            if d_i < len(districts):
                d_name = districts[order[d_i]]
                d_blocks = [st.districts[d_name][i] for i in rng.permutation(len(st.districts[d_name]))]
            else:  # more districts than the data file lists: name it like a place
                d_name = _village_name(rng, st, set(district_names))
                d_blocks = []
            d_id = len(district_names)
            district_names.append(d_name)
            used_blocks: set[str] = set(d_blocks)
            for b_i in range(n_blocks):
                b_name = d_blocks[b_i] if b_i < len(d_blocks) else _village_name(rng, st, used_blocks)
                b_id = len(block_names)
                block_names.append(b_name)
                block_state.append(s_idx)
                taken: set[str] = set()
                for _ in range(blk_sizes[b_in_state]):
                    pan_id = len(panchayat_names)
                    first = None
                    for _v in range(pan_sizes[p]):
                        name = _village_name(rng, st, taken)
                        first = first or name
                        village_names.append(name)
                        v_state.append(s_idx)
                        v_district.append(d_id)
                        v_block.append(b_id)
                        v_panchayat.append(pan_id)
                        v_target.append(int(targets[v]))
                        v += 1
                    panchayat_names.append(first)
                    p += 1
                b_in_state += 1
        assert v == n_v and p == n_p
    v_block_a = np.array(v_block, np.int64)
    v_pan_a = np.array(v_panchayat, np.int64)
    n_blocks = len(block_names)
    n_pans = len(panchayat_names)
    return Geography(
        state_names=state_names,
        v_state=np.array(v_state, np.int64), v_district=np.array(v_district, np.int64),
        v_block=v_block_a, v_panchayat=v_pan_a, v_target=np.array(v_target, np.int64),
        district_names=district_names, block_names=block_names,
        panchayat_names=panchayat_names, village_names=village_names,
        block_start=np.searchsorted(v_block_a, np.arange(n_blocks), "left"),
        block_end=np.searchsorted(v_block_a, np.arange(n_blocks), "right"),
        panchayat_start=np.searchsorted(v_pan_a, np.arange(n_pans), "left"),
        panchayat_end=np.searchsorted(v_pan_a, np.arange(n_pans), "right"),
        block_state=np.array(block_state, np.int64))
