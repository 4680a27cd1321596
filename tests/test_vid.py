"""A Virtual ID is not the Aadhaar number: it must never count for or against a match
with an Aadhaar, and a woman may generate a new one at any time (two VIDs that differ
say nothing). The same VID twice is still the same woman."""
from __future__ import annotations

import pandas as pd
import pytest

from dedup.engine import predict
from dedup.features import member_features
from dedup.importer import read_members_frame
from ekyc.aadhaar import verhoeff_check_digit
from matching_rules.rules import apply_rules, load_rules
from models.member_model import COMPARISONS
from models.scorer import DEFAULT_MODEL_PATH, MemberScorer
from models.term_frequencies import term_frequencies


def _with_check_digit(body: str) -> str:
    return body + verhoeff_check_digit(body)


AADHAAR = _with_check_digit("23456789012")          # last 4: 9012 with its check digit
VID_1 = _with_check_digit("912345678901234")
VID_2 = _with_check_digit("987654321098765")
OTHER_LAST4 = AADHAAR[-4:][::-1]                     # a masked Aadhaar that is not hers

# the same woman each time: only what she gave as "Aadhaar" differs
NUMBERS = {
    "aadhaar": AADHAAR,
    "vid_full": VID_1,
    "vid_again": VID_1,
    "vid_new": VID_2,
    "vid_masked": "XXXX XXXX XXXX " + AADHAAR[-4:],  # a masked VID ending like her Aadhaar
    "masked_other": "XXXX XXXX " + OTHER_LAST4,
    "no_number": "",
}


@pytest.fixture(scope="module")
def scored():
    rows = [{"member_id": mid, "member_name": "Sunita Devi", "relation_type": "husband",
             "relation_name": "Ramesh Paswan", "district": "Saran", "block": "Parsa",
             "village": "Sirsa", "yob": 1985, "gender": "F", "aadhaar": number}
            for mid, number in NUMBERS.items()]
    clean, rejects, _ = read_members_frame(pd.DataFrame(rows), as_of_year=2026)
    assert rejects.empty, rejects
    kinds = dict(zip(clean["member_id"], clean["aadhaar_kind"]))
    assert kinds["vid_full"] == kinds["vid_masked"] == "vid" and kinds["aadhaar"] == "full"
    features = member_features(clean)
    pairs, _ = predict(features, DEFAULT_MODEL_PATH, floor_match_weight=-1e9)
    classed = apply_rules(pairs, load_rules())
    key = {tuple(sorted(p)): i for i, p in enumerate(zip(classed.member_id_l, classed.member_id_r))}
    return features, classed, key


def _row(scored, a: str, b: str) -> pd.Series:
    _, classed, key = scored
    return classed.iloc[key[tuple(sorted((a, b)))]]


@pytest.mark.parametrize("vid", ["vid_full", "vid_masked", "vid_new"])
def test_a_vid_against_an_aadhaar_weighs_as_no_number(scored, vid):
    with_vid, without = _row(scored, "aadhaar", vid), _row(scored, "no_number", vid)
    no_number = _row(scored, "aadhaar", "no_number")
    assert with_vid.match_weight == pytest.approx(no_number.match_weight, abs=1e-9)
    assert with_vid.duplicate_class == no_number.duplicate_class == "potential"
    assert "aadhaar_differs_not_merged" not in (with_vid["flags"] or "")
    assert without.match_weight == pytest.approx(no_number.match_weight, abs=1e-9)


def test_two_different_vids_say_nothing(scored):
    assert (_row(scored, "vid_full", "vid_new").match_weight
            == pytest.approx(_row(scored, "aadhaar", "no_number").match_weight, abs=1e-9))


def test_a_masked_vids_last_digits_are_not_compared_with_an_aadhaars(scored):
    # the masked VID ends like her Aadhaar, the masked number beside it does not:
    # neither coincidence may count
    for other in ("aadhaar", "masked_other"):
        row = _row(scored, "vid_masked", other)
        assert row.match_weight == pytest.approx(_row(scored, "no_number", other).match_weight, abs=1e-9)
    # the masked Aadhaar that is not hers still counts against her full number
    assert _row(scored, "aadhaar", "masked_other").match_weight < _row(scored, "aadhaar", "no_number").match_weight


def test_the_same_vid_twice_is_confirmed(scored):
    row = _row(scored, "vid_full", "vid_again")
    assert row["duplicate_class"] == "confirmed" and "same_aadhaar" in row["rules"]


def test_the_realtime_scorer_agrees_on_vid_pairs(scored):
    features, classed, _ = scored
    recs = {r["member_id"]: r for r in features.astype(object).where(features.notna(), None).to_dict("records")}
    scorer = MemberScorer(DEFAULT_MODEL_PATH, term_frequencies=term_frequencies(features))
    assert len(classed) == len(NUMBERS) * (len(NUMBERS) - 1) // 2
    for p in classed.itertuples(index=False):
        s = scorer.score(recs[p.member_id_l], recs[p.member_id_r])
        assert abs(s.match_weight - p.match_weight) < 1e-6
        for lv in s.levels:
            assert lv.gamma == getattr(p, f"gamma_{lv.comparison}"), (lv.comparison, p)
    assert {c.name for c in COMPARISONS} >= {"aadhaar", "aadhaar_last4"}


def test_a_vid_token_without_the_imports_kind_still_hides_its_last_digits():
    """A real-time caller may pass tokens and last 4 digits without the import's aadhaar_kind."""
    from dedup.features import feature_records

    base = {"member_name": "Sunita Devi", "district": "Saran", "block": "Parsa", "village": "Sirsa"}
    recs = feature_records([{**base, "member_id": "v", "aadhaar_token": "vid:k1:" + "a" * 32, "aadhaar_last4": "1234"},
                            {**base, "member_id": "a", "aadhaar_token": "aad:k1:" + "b" * 32, "aadhaar_last4": "1234"}])
    assert recs[0]["aadhaar_last4"] is None and recs[1]["aadhaar_last4"] == "1234"


def test_the_trained_prior_counts_aadhaar_tokens_not_vids():
    """The prior is (pairs sharing an Aadhaar) / (pairs of records with one): every woman has one
    Aadhaar, so equal numbers find all her duplicates. VIDs do not (she may have several)."""
    from dedup.engine import estimate_prior

    aad = [f"aad:k1:{i:032d}" for i in range(200)]
    aad[1] = aad[0]                                           # one duplicate pair among 200 Aadhaar
    vids = [f"vid:k1:{i % 50:032d}" for i in range(300)]      # many repeated VIDs: not counted
    prior = estimate_prior(pd.DataFrame({"aadhaar_token": aad + vids}))
    assert prior == pytest.approx(1 / (200 * 199 / 2))


def test_pairs_csv_says_not_compared_where_the_numbers_were_not_compared(scored):
    """'missing on one side' would mislead a block manager who sees numbers on both records."""
    from dedup.pipeline import pairs_output

    _, classed, key = scored
    out = pairs_output(classed.assign(fact_different_shg_same_vo=False))
    row = out.set_index(["member_id_l", "member_id_r"]).loc[tuple(sorted(("aadhaar", "vid_full")))]
    assert row["aadhaar"] == "missing on one side, or a VID (not compared)"
    assert row["aadhaar_last4"] == "not compared (full numbers on both, or missing)"
    assert row["first_name"] == "same spelling"        # the other columns keep their labels
