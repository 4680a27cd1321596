"""One scoring core: Splink (batch) and the Python scorer (real time) agree on every pair."""
from __future__ import annotations

import pandas as pd

from dedup.engine import predict
from models.member_model import COMPARISONS
from models.scorer import DEFAULT_MODEL_PATH, MemberScorer
from models.term_frequencies import term_frequencies


def _records(features: pd.DataFrame) -> dict[str, dict]:
    plain = features.astype(object).where(features.notna(), None)
    return {str(r["member_id"]): r for r in plain.to_dict("records")}


def test_batch_and_realtime_give_the_same_match_weight(small_features):
    pairs, n_compared = predict(small_features, DEFAULT_MODEL_PATH, floor_match_weight=-1e9)
    assert len(pairs) == n_compared > 2000          # thousands of pairs, all of them kept
    recs = _records(small_features)
    # Splink computes name frequencies over the rows it scores; the real-time scorer is
    # given the same population's
    scorer = MemberScorer(DEFAULT_MODEL_PATH, term_frequencies=term_frequencies(small_features))
    worst = 0.0
    seen_levels = {c.name: set() for c in COMPARISONS}
    adjustments = []
    for p in pairs.itertuples(index=False):
        p = p._asdict()
        s = scorer.score(recs[str(p["member_id_l"])], recs[str(p["member_id_r"])])
        adjustments += [lv.tf_adjustment for lv in s.levels if lv.tf_adjustment]
        worst = max(worst, abs(s.match_weight - p["match_weight"]))
        for lv in s.levels:
            assert lv.gamma == p[f"gamma_{lv.comparison}"], (lv.comparison, p)
            seen_levels[lv.comparison].add(lv.gamma)
        assert abs(s.match_probability - p["match_probability"]) < 1e-9
    assert worst < 1e-6
    # name frequencies moved weights both ways (common names down, rare names up)
    assert min(adjustments) < -1 and max(adjustments) > 1, (min(adjustments), max(adjustments))
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


def test_a_shared_common_name_is_weaker_evidence_than_a_shared_rare_name():
    import pandas as pd

    from dedup.features import feature_records

    base = {"village": "Sirsa", "block": "Parsa", "district": "Saran", "relation_type": "husband",
            "yob": 1985, "gender": "F"}
    people = [{**base, "member_id": "c1", "member_name": "Sunita Devi", "relation_name": "Ramesh"},
              {**base, "member_id": "c2", "member_name": "Sunita Devi", "relation_name": "Suresh"},
              {**base, "member_id": "r1", "member_name": "Dhanmati Devi", "relation_name": "Ramesh"},
              {**base, "member_id": "r2", "member_name": "Dhanmati Devi", "relation_name": "Suresh"}]
    recs = {r["member_id"]: r for r in feature_records(people)}
    from models.member_model import TF_SMOOTHING_NAMES, TF_TYPICAL_SHARE

    # a district where one woman in five is a Sunita and Dhanmati is one name in ten
    # thousand; in another district Dhanmati is common, which must not matter here
    here, there = recs["c1"]["district_key"], "elsewhere"
    keys = ([recs["c1"]["given_key"]] * 2000 + [recs["r1"]["given_key"]] + [f"other{i}" for i in range(7999)]
            + [recs["r1"]["given_key"]] * 100)
    population = pd.DataFrame({"district_key": [here] * 10000 + [there] * 100, "given_key": keys})
    population["given_in_district"] = population["district_key"] + "|" + population["given_key"]
    tf = term_frequencies(population)["given_in_district"]
    # shares within the district, blended with a typical share as if S typical names
    # were added: a big district keeps its own, a tiny one moves little from typical
    s, typical = TF_SMOOTHING_NAMES, TF_TYPICAL_SHARE
    assert abs(tf[recs["c1"]["given_in_district"]] - (2000 + s * typical) / (10000 + s)) < 1e-12
    assert abs(tf[recs["r1"]["given_in_district"]] - (1 + s * typical) / (10000 + s)) < 1e-12
    assert abs(tf[f"{there}|{recs['r1']['given_key']}"] - (100 + s * typical) / (100 + s)) < 1e-12
    scorer = MemberScorer(DEFAULT_MODEL_PATH, term_frequencies={"given_in_district": tf})
    plain = MemberScorer(DEFAULT_MODEL_PATH)
    common = scorer.score(recs["c1"], recs["c2"]).level_of("first_name")
    rare = scorer.score(recs["r1"], recs["r2"]).level_of("first_name")
    assert common.label == rare.label == "same spelling"
    assert common.tf_adjustment < -1 and rare.tf_adjustment > 1
    assert rare.match_weight > common.match_weight + 4
    assert "common name" in common.text("en") and "आम नाम" in common.text("hi")
    assert "rare name" in rare.text("en")
    # without frequencies the scorer gives the level's plain weight, as Splink does for
    # a value missing from its frequency table
    unadjusted = plain.score(recs["r1"], recs["r2"]).level_of("first_name")
    assert unadjusted.tf_adjustment == 0
    assert abs(unadjusted.match_weight - (rare.match_weight - rare.tf_adjustment)) < 1e-9


def test_shipped_model_carries_the_definitions_name_frequency_settings():
    """A change to a level's term-frequency settings must come with a retrained model
    (`python -m models.train_default`): batch reads them from the model file."""
    import json

    model = json.loads(DEFAULT_MODEL_PATH.read_text())
    saved = {(c["output_column_name"], lv.get("label_for_charts")):
             (lv.get("tf_adjustment_column"), lv.get("tf_adjustment_weight"))
             for c in model["comparisons"] for lv in c["comparison_levels"]}
    defined = {(c.name, lv.label): ((lv.tf_column, lv.tf_weight) if lv.tf_column else (None, None))
               for c in COMPARISONS for lv in c.levels}
    assert saved == defined


def test_scored_pairs_come_back_in_the_order_the_engine_sorted_them():
    """Splink's query_sql stores a result and reads it back, which loses ORDER BY on DuckDB
    (insertion order is not preserved, to save memory) once results pass ~120k rows."""
    import numpy as np

    from dedup.engine import _fetch_in_order, make_db_api

    rng = np.random.default_rng(0)
    ids = pd.Series([f"M{i:07d}" for i in rng.permutation(400_000)])
    db_api = make_db_api("duckdb")
    db_api.duckdb_con.register("shuffled", pd.DataFrame({"member_id_l": ids, "w": rng.random(len(ids))}))
    out = _fetch_in_order(db_api, "duckdb", "SELECT * FROM shuffled ORDER BY member_id_l")
    assert len(out) == 400_000 and out["member_id_l"].is_monotonic_increasing


def test_a_shared_placeholder_date_of_birth_is_weaker_evidence_than_a_shared_real_one():
    """1 January stands in for an unknown day: its own level, worth little more than the
    same year; a real date shared is strong evidence, and no frequency moves it."""
    from dedup.features import feature_records

    base = {"village": "Sirsa", "block": "Parsa", "district": "Saran", "member_name": "Sunita Devi",
            "relation_type": "husband", "relation_name": "Ramesh", "gender": "F"}
    a, b, c, d, e = feature_records([{**base, "member_id": "a", "dob": "1990-01-01", "yob": 1990},
                                     {**base, "member_id": "b", "dob": "1990-01-01", "yob": 1990},
                                     {**base, "member_id": "c", "dob": "1990-03-17", "yob": 1990},
                                     {**base, "member_id": "d", "dob": "1990-03-17", "yob": 1990},
                                     {**base, "member_id": "e", "dob": None, "yob": 1990}])
    scorer = MemberScorer(DEFAULT_MODEL_PATH)
    placeholder = scorer.score(a, b).level_of("year_of_birth")
    real = scorer.score(c, d).level_of("year_of_birth")
    year = scorer.score(a, e).level_of("year_of_birth")
    assert (placeholder.label, real.label, year.label) == ("same 1 January date", "same date of birth", "same year")
    assert year.match_weight < placeholder.match_weight < real.match_weight - 5
    assert placeholder.tf_adjustment == real.tf_adjustment == 0
    assert "1 January" in placeholder.text("en") and "1 जनवरी" in placeholder.text("hi")