"""A model file that does not fit the definition is refused with a plain message.

Splink reads such files silently (default prior, m = 5 used as given, edited SQL run in
batch while real time runs the definition), so MemberScorer checks them up front; the
CLI's --model check (dedup_cli.model_problem) relies on it.
"""
from __future__ import annotations

import json

import pytest

from models.scorer import DEFAULT_MODEL_PATH, MemberScorer


def _shipped() -> dict:
    return json.loads(DEFAULT_MODEL_PATH.read_text())


def _levels(model: dict, comparison: str) -> list[dict]:
    return next(c for c in model["comparisons"] if c["output_column_name"] == comparison)["comparison_levels"]


def test_the_shipped_model_passes():
    assert MemberScorer(DEFAULT_MODEL_PATH).prior > 0


def test_whitespace_in_sql_does_not_matter(tmp_path):
    model = _shipped()
    lv = _levels(model, "first_name")[1]
    lv["sql_condition"] = "  " + lv["sql_condition"].replace(" = ", "\n  =  ") + " "
    path = tmp_path / "model.json"
    path.write_text(json.dumps(model))
    MemberScorer(path)


def _no_prior(m):
    del m["probability_two_random_records_match"]


def _set(comparison, index, **values):
    def change(m):
        _levels(m, comparison)[index].update(values)
    return change


def _swap(comparison, i, j):
    def change(m):
        lv = _levels(m, comparison)
        lv[i], lv[j] = lv[j], lv[i]
    return change


def _extra_comparison(m):
    m["comparisons"].append({**m["comparisons"][0], "output_column_name": "first_name_again"})


def _drop_comparison(m):
    m["comparisons"] = [c for c in m["comparisons"] if c["output_column_name"] != "title"]


CASES = {
    "prior missing": (_no_prior, "probability_two_random_records_match is None"),
    "prior 0": (lambda m: m.update(probability_two_random_records_match=0), "strictly between 0 and 1"),
    "prior 1": (lambda m: m.update(probability_two_random_records_match=1), "strictly between 0 and 1"),
    "prior as text": (lambda m: m.update(probability_two_random_records_match="0.001"), "strictly between"),
    "m = 5": (_set("first_name", 1, m_probability=5), r"'first_name', level 2 .*m_probability is 5"),
    "u = 0": (_set("surname", 1, u_probability=0), r"'surname', level 2 .*u_probability is 0"),
    "m negative": (_set("location", 2, m_probability=-0.1), "m_probability is -0.1"),
    "u = NaN": (_set("title", 1, u_probability=float("nan")), "u_probability is nan"),
    "edited SQL": (_set("first_name", 1, sql_condition="(given_std_l = given_std_l)"),
                   r"'first_name', level 2 \('same spelling'\): SQL condition"),
    "renamed level": (_set("mobile", 2, label_for_charts="same phone, other name"),
                      r"'mobile', level 3 .*: label is 'same phone, other name'"),
    "levels reordered": (_swap("year_of_birth", 3, 4), "'year_of_birth' has its levels in another order"),
    "tf added": (_set("surname", 1, tf_adjustment_column="given_in_district"),
                 r"'surname', level 2 .*tf_adjustment_column\) is 'given_in_district'"),
    "tf changed": (_set("first_name", 1, tf_adjustment_column="relation_in_district"),
                   r"tf_adjustment_column\) is 'relation_in_district', the definition has 'given_in_district'"),
    "tf removed": (_set("first_name", 1, tf_adjustment_column=None), r"tf_adjustment_column\) is None"),
    "tf weight": (_set("relation_name", 1, tf_adjustment_weight=1.0), "name-frequency weight is 1.0"),
    "null flag": (_set("gender", 0, is_null_level=False), "null-level flag"),
    "extra comparison": (_extra_comparison, "first_name_again"),
    "missing comparison": (_drop_comparison, "has no comparison 'title'"),
}


@pytest.mark.parametrize("case", CASES)
def test_a_model_that_does_not_fit_is_refused(case, tmp_path):
    change, phrase = CASES[case]
    model = _shipped()
    change(model)
    path = tmp_path / "model.json"
    path.write_text(json.dumps(model))
    with pytest.raises(ValueError, match=phrase) as e:
        MemberScorer(path)
    assert "Retrain with --train or use the shipped model" in str(e.value)
