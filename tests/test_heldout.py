"""Held-out accuracy on an independently generated export (benchmarks/heldout_data.py).

The data was written without reading dedup/synthetic*, dedup/names.py,
dedup/phonetic.py, models/ or matching_rules/, so the pipeline test below is
the one place where the matcher meets a source it was not written against. Its numbers
were read, and some changes rejected because they fell here, so it guards against
regressions; it is not a sealed test set.
"""
from __future__ import annotations

import random

import pandas as pd
import pytest

from benchmarks.heldout import false_pairs, missed_pairs, true_pair_counts
from benchmarks.heldout_data import (
    CASES, COMMITTED_DIR, EXPORT_COLUMNS, TRUTH_COLUMNS, aadhaar_valid, committed_frames, make_heldout,
    new_aadhaar, read_handwritten, verhoeff_check_digit, verhoeff_valid,
)

# F1 floor for the shipped pipeline on the committed held-out file: measured F1 minus ~0.03.
# Measured 2026-11-29 with the shipped model (name frequencies, threshold 0.80, the
# Aadhaar last-4 rule): F1 0.897, precision 0.977, recall 0.829, confirmed precision 1.0
# over 122 pairs (0.895 before the last-4 rule)
# (`python -m benchmarks.heldout`; 0.882 on 2026-11-23, 0.7985 before that day's name fixes).
# The floors sit just under the measured values (the run is deterministic), so a loss of
# more than about 0.007 F1, or of precision behind a recall gain, fails CI. Raise them when
# the matcher improves on this file. This file has also been consulted when choosing between
# changes (README, "Benchmarks"), so its F1 is a regression guard, not an unbiased estimate.
F1_FLOOR = 0.89
PRECISION_FLOOR = 0.965


@pytest.fixture(scope="module")
def committed():
    members = pd.read_csv(COMMITTED_DIR / "members.csv", dtype=str, keep_default_na=False)
    truth = pd.read_csv(COMMITTED_DIR / "truth.csv", dtype=str, keep_default_na=False)
    return members, truth


# --------------------------------------------------------------------------- Aadhaar / Verhoeff
def test_verhoeff_public_vectors():
    assert verhoeff_valid("999971658847")          # UIDAI's published test number
    assert aadhaar_valid("9999 7165 8847")
    assert verhoeff_check_digit("236") == "3"      # the textbook example
    assert verhoeff_valid("2363") and not verhoeff_valid("2364")


def test_verhoeff_catches_single_digit_and_transposition_errors():
    good = "999971658847"
    for i in range(12):
        for d in "0123456789":
            if d != good[i]:
                assert not verhoeff_valid(good[:i] + d + good[i + 1:]), (i, d)
    for i in range(11):
        if good[i] != good[i + 1]:
            assert not verhoeff_valid(good[:i] + good[i + 1] + good[i] + good[i + 2:]), i


def test_generated_aadhaar_numbers_are_valid_and_never_start_with_0_or_1():
    rng = random.Random(3)
    nums = [new_aadhaar(rng) for _ in range(2000)]
    assert all(aadhaar_valid(n) for n in nums)
    assert {n[0] for n in nums} <= set("23456789")
    assert not aadhaar_valid("123456789012") and not aadhaar_valid("0999716588")


# --------------------------------------------------------------------------- generator
def test_generator_shape_and_determinism():
    m1, t1 = make_heldout(600, seed=5)
    m2, t2 = make_heldout(600, seed=5)
    pd.testing.assert_frame_equal(m1, m2)
    pd.testing.assert_frame_equal(t1, t2)
    m3, _ = make_heldout(600, seed=6)
    assert not m1["member_name"].equals(m3["member_name"])
    assert list(m1.columns) == EXPORT_COLUMNS and list(t1.columns) == TRUTH_COLUMNS
    assert all(m1[c].map(type).eq(str).all() for c in m1.columns)
    assert m1["member_id"].is_unique and list(m1["member_id"]) == list(t1["member_id"])
    per_person = t1.groupby("person_id").size()
    assert 0.2 <= (per_person > 1).mean() <= 0.4
    assert per_person.max() <= 3


def test_generator_cases_places_and_village_sizes():
    members, truth = make_heldout(2500, seed=11)
    assert set(truth["case"]) == {"original", *CASES}
    dups = truth[truth["case"] != "original"]
    assert (dups["place"] == "same_village").mean() > 0.5          # duplicates mostly in the village
    sizes = members.groupby(["state", "village"]).size()
    assert sizes.between(60, 260).all(), sizes.describe()
    # several different women share a common name in one village (namesakes)
    orig = members.merge(truth, on="member_id")
    orig = orig[orig["case"] == "original"]
    per_name = orig.groupby(["village", orig["member_name"].str.lower()])["person_id"].nunique()
    assert (per_name >= 3).sum() >= 10
    # the script case writes the name in the state's script, not in Latin
    script = members.merge(truth, on="member_id").query("case == 'script'")
    assert script["member_name"].map(lambda s: any(ord(ch) > 0x900 for ch in s)).all()


def test_no_valid_full_aadhaar_is_shared_by_two_women(committed):
    """Confirmed precision 1.0 must be achievable: a valid full Aadhaar never spans two persons."""
    members, truth = committed
    digits = members["aadhaar"].str.replace(r"[\s-]", "", regex=True)
    full = digits.str.fullmatch(r"\d{12}") & digits.map(aadhaar_valid)
    per = pd.DataFrame({"a": digits[full], "p": truth.loc[full, "person_id"]}).groupby("a")["p"].nunique()
    assert (per == 1).all()
    assert full.sum() > 800
    assert (~digits.str.fullmatch(r"\d{12}") | full).sum() < len(members)  # some mistyped numbers exist


# --------------------------------------------------------------------------- committed file
def test_committed_file_is_the_seeded_generator_plus_handwritten_rows(committed):
    members, truth = committed
    exp_m, exp_t = committed_frames()
    pd.testing.assert_frame_equal(members, exp_m.reset_index(drop=True))
    pd.testing.assert_frame_equal(truth, exp_t.reset_index(drop=True))
    assert 3000 <= len(members) <= 3300
    assert members["member_id"].is_unique


def test_handwritten_rows(committed):
    hm, ht = read_handwritten()
    assert 60 <= len(hm) <= 100
    assert set(ht["case"]).issuperset({"hand_script", "hand_marriage", "hand_neg_twins", "hand_neg_namesake",
                                       "hand_neg_household", "hand_neg_shared_bank"})
    # the positive hand cases have two or more records, the traps are different women
    sizes = ht.groupby("person_id").size()
    positives = ht[~ht["case"].str.startswith("hand_neg")]["person_id"].unique()
    assert (sizes[positives] >= 2).all()
    negatives = ht[ht["case"].str.startswith("hand_neg")]["person_id"].unique()
    assert (sizes[negatives] == 1).all()
    digits = hm["aadhaar"].str.replace(r"[\s-]", "", regex=True)
    full = digits[digits.str.fullmatch(r"\d{12}")]
    invalid = full[~full.map(aadhaar_valid)]
    assert list(ht.loc[invalid.index, "case"]) == ["hand_aadhaar_typo"]
    members, _ = committed
    assert set(hm["member_id"]) <= set(members["member_id"])


# --------------------------------------------------------------------------- benchmark helpers
def test_breakdown_counts_missed_and_false_pairs():
    members, truth = make_heldout(300, seed=2)
    n_true = sum(true_pair_counts(truth).values())
    perfect = truth[["member_id"]].assign(cluster_id=truth["person_id"])
    assert missed_pairs(perfect, truth).empty
    singletons = truth[["member_id"]].assign(cluster_id=truth["member_id"])
    assert len(missed_pairs(singletons, truth)) == n_true > 0
    # link every original to the next different woman: all false, and categorised
    orig = truth[truth["case"] == "original"].reset_index(drop=True)
    pairs = pd.DataFrame({"member_id_l": orig["member_id"][:-1].values, "member_id_r": orig["member_id"][1:].values,
                          "duplicate_class": "potential"})
    fp = false_pairs(pairs, truth, members)
    assert len(fp) == len(pairs)
    assert set(fp["category"]) <= {"household", "namesake_village", "namesake_other_village", "other"}


# --------------------------------------------------------------------------- the pipeline
def test_pipeline_on_committed_heldout_export(committed, tmp_path):
    from benchmarks.heldout import run

    _, truth = committed
    try:
        res = run(COMMITTED_DIR / "members.csv", truth, tmp_path / "out")
    except FileNotFoundError as exc:
        pytest.fail(f"pipeline could not run on the held-out export (shipped model missing?): {exc}")
    assert res["rows_accepted"] == len(truth)
    assert res["confirmed_precision"] == 1.0, res
    assert res["f1"] >= F1_FLOOR and res["precision"] >= PRECISION_FLOOR, {k: v for k, v in res.items() if not k.startswith("_")}
