"""One scoring core: Splink (batch) and the Python scorer (real time) agree on every pair."""
from __future__ import annotations

import pandas as pd

from dedup.engine import predict
from models.member_model import COMPARISONS
from models.scorer import DEFAULT_MODEL_PATH, MemberScorer


def _records(features: pd.DataFrame) -> dict[str, dict]:
    plain = features.astype(object).where(features.notna(), None)
    return {str(r["member_id"]): r for r in plain.to_dict("records")}


def test_batch_and_realtime_give_the_same_match_weight(small_features):
    pairs, n_compared = predict(small_features, DEFAULT_MODEL_PATH, floor_match_weight=-1e9)
    assert len(pairs) == n_compared > 2000          # thousands of pairs, all of them kept
    recs = _records(small_features)
    scorer = MemberScorer(DEFAULT_MODEL_PATH)
    worst = 0.0
    seen_levels = {c.name: set() for c in COMPARISONS}
    for p in pairs.itertuples(index=False):
        p = p._asdict()
        s = scorer.score(recs[str(p["member_id_l"])], recs[str(p["member_id_r"])])
        worst = max(worst, abs(s.match_weight - p["match_weight"]))
        for lv in s.levels:
            assert lv.gamma == p[f"gamma_{lv.comparison}"], (lv.comparison, p)
            seen_levels[lv.comparison].add(lv.gamma)
        assert abs(s.match_probability - p["match_probability"]) < 1e-9
    assert worst < 1e-6
    # the pairs exercise every comparison at more than one level
    assert all(len(v) >= 2 for v in seen_levels.values()), seen_levels


def test_scorer_is_symmetric(small_features):
    recs = list(_records(small_features).values())[:200]
    scorer = MemberScorer(DEFAULT_MODEL_PATH)
    for a, b in zip(recs, recs[1:]):
        assert abs(scorer.score(a, b).match_weight - scorer.score(b, a).match_weight) < 1e-12


def test_shared_identifier_pairs_below_the_floor_are_kept_with_splinks_numbers(small_features):
    everything, _ = predict(small_features, DEFAULT_MODEL_PATH, floor_match_weight=-1e9)
    # a floor above every score: only pairs sharing an Aadhaar, or a bank account within a
    # block (rules can fire on them whatever the score), survive, scored by the Python path
    only_tokens, n = predict(small_features, DEFAULT_MODEL_PATH, floor_match_weight=1e9)
    expected = everything[(everything.gamma_aadhaar == 1)
                          | ((everything.gamma_bank_account >= 1) & (everything.gamma_location >= 1))]
    assert (expected.gamma_bank_account >= 1).sum() > 5
    assert len(only_tokens) == len(expected) > 20
    merged = only_tokens.merge(expected, on=["member_id_l", "member_id_r"], suffixes=("", "_splink"))
    assert len(merged) == len(expected)
    assert (merged.match_weight - merged.match_weight_splink).abs().max() < 1e-6
    assert n == len(everything)
