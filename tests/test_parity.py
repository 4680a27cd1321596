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
