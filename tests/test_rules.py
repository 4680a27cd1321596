"""Rules turn scored pairs into confirmed / potential / flagged, as the YAML says."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from matching_rules.rules import RuleError, apply_rules, load_rules
from models.member_model import COMPARISONS
from dedup.clusters import clusters_from_pairs


def _gamma(comp_name: str, label: str) -> int:
    return next(c for c in COMPARISONS if c.name == comp_name).gamma_of(label)


def _pair(l, r, p, **levels):
    row = {"member_id_l": l, "member_id_r": r, "match_probability": p,
           "match_weight": float(np.log2(p / (1 - p)))}
    for c in COMPARISONS:
        row[f"gamma_{c.name}"] = -1
    for k, v in levels.items():
        row[f"gamma_{k}"] = _gamma(k, v)
    return row


@pytest.fixture
def pairs():
    return pd.DataFrame([
        _pair("a", "b", 0.999, aadhaar="same", first_name="same spelling"),
        _pair("c", "d", 0.93, first_name="sounds the same"),
        _pair("e", "f", 0.5, bank_account="same with similar name", first_name="sounds the same", gender="same"),
        _pair("g", "h", 0.2, bank_account="same with similar name", first_name="different"),
        _pair("i", "j", 0.6, aadhaar="same", first_name="different", year_of_birth="far apart"),
        _pair("m", "n", 0.99, aadhaar="same", first_name="same spelling", year_of_birth="far apart"),
        _pair("k", "l", 0.97, first_name="same spelling"),
    ])


def test_default_classes_and_rule_names(pairs):
    out = apply_rules(pairs, load_rules())
    cls = dict(zip(out.member_id_l, out.duplicate_class))
    assert cls["a"] == "confirmed"
    assert cls["c"] == "potential" and cls["k"] == "potential"
    assert cls["e"] == "potential"           # same account + similar name
    assert cls["g"] is None                  # shared account alone is a household, not a match
    rules = dict(zip(out.member_id_l, out.rules))
    assert rules["a"] == "same_aadhaar;score_above_threshold"
    assert rules["e"] == "same_bank_account_similar_name"


def test_same_aadhaar_different_name_is_flagged_not_merged(pairs):
    out = apply_rules(pairs, load_rules())
    row = out[out.member_id_l == "i"].iloc[0]
    assert row.duplicate_class is None
    # taken out of the confirmed class, so not also "still a confirmed duplicate"
    assert row["flags"] == "same_aadhaar_different_person"
    assert "same_aadhaar" in row.rules        # the rule that fired is still recorded
    # an age gap alone (ages typed years apart) keeps the pair confirmed, with a note to correct
    aged = out[out.member_id_l == "m"].iloc[0]
    assert aged.duplicate_class == "confirmed"
    assert aged["flags"] == "same_aadhaar_details_differ"


def test_state_override_raises_threshold(pairs):
    bihar = load_rules(state="bihar")
    assert bihar.potential_threshold == 0.95
    out = apply_rules(pairs, bihar)
    cls = dict(zip(out.member_id_l, out.duplicate_class))
    assert cls["c"] is None and cls["k"] == "potential"
    # inherited rules are still there
    assert {r.name for r in bihar.confirmed} == {"same_aadhaar"}


def test_state_override_adds_rule(pairs):
    jh = load_rules(state="jharkhand")
    assert "same_bank_account_same_village" in {r.name for r in jh.potential}
    assert "same_bank_account_similar_name" in {r.name for r in jh.potential}


def test_vo_fact_flag_only_for_duplicates(pairs):
    pairs["fact_different_shg_same_vo"] = [True, False, False, True, False, False, False]
    out = apply_rules(pairs, load_rules())
    flags = dict(zip(out.member_id_l, out["flags"]))
    assert flags["a"] == "member_in_two_shgs_of_one_vo"
    assert flags["g"] == ""                   # not a duplicate, so not flagged


def test_bad_rule_files_fail_clearly(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\npotential:\n  - name: r1\n    when:\n      first_name: [same spelin]\n")
    with pytest.raises(RuleError, match="no level 'same spelin'"):
        load_rules(bad)
    bad.write_text("name: x\npotential:\n  - name: r1\n    when:\n      fist_name: [same spelling]\n")
    with pytest.raises(RuleError, match="unknown comparison 'fist_name'"):
        load_rules(bad)
    bad.write_text("potential_threshold: 2\n")
    with pytest.raises(RuleError, match="between 0 and 1"):
        load_rules(bad)
    bad.write_text(": : :\n")
    with pytest.raises(RuleError, match="not valid YAML"):
        load_rules(bad)
    with pytest.raises(RuleError, match="Known states"):
        load_rules(state="atlantis")



@pytest.mark.parametrize("text, message", [
    # a misspelt section would silently drop every confirmed rule
    ("extends: default\nconfirmd:\n  - name: c\n    when:\n      aadhaar: [same]\n",
     "unknown setting 'confirmd' \\(did you mean 'confirmed'\\?\\)"),
    # "threshold" instead of potential_threshold would leave the threshold unchanged
    ("extends: default\nthreshold: 0.7\n", "unknown setting 'threshold'"),
    # a misspelt min_probability would make the rule fire on every pair with the same bank token
    ("name: x\npotential:\n  - name: r\n    min_probabilty: 0.99\n    when:\n      bank_account: [same with similar name]\n",
     "unknown setting 'min_probabilty' \\(did you mean 'min_probability'\\?\\)"),
    ("name: x\npotential:\n  - name: r\n    blocks_merge: true\n    when:\n      aadhaar: [same]\n",
     "'blocks_merge' is for rules under 'flags' only"),
    ("name: x\nflags:\n  - name: f\n    blocks_merge: 'no'\n    when:\n      aadhaar: [same]\n",
     "'blocks_merge' must be true or false"),
    ("name: x\npotential:\n  name: r\n  when:\n    aadhaar: [same]\n", "'potential' must be a list of rules"),
    ("name: x\npotential:\n  - name: r\n    when: {aadhaar: [same]}\n  - name: r\n    when: {gender: [same]}\n",
     "two rules named r"),
])
def test_rule_file_settings_are_checked_not_ignored(tmp_path, text, message):
    path = tmp_path / "state.yaml"
    path.write_text(text)
    with pytest.raises(RuleError, match=message):
        load_rules(path)


@pytest.mark.parametrize("text, message", [
    # YAML itself keeps the last of two equal keys: the first section would vanish
    ("name: x\npotential:\n  - name: a\n    when: {aadhaar: [same]}\npotential:\n  - name: b\n"
     "    when: {gender: [same]}\n", "line 5: 'potential' is written twice .*first on line 2"),
    ("name: x\npotential:\n  - name: a\n    when: {aadhaar: [same]}\n    when: {gender: [same]}\n",
     "line 5: 'when' is written twice"),
    # checked per file before merging with the base (was a KeyError / TypeError)
    ("extends: default\npotential:\n  - description: no name\n    when: {aadhaar: [same]}\n",
     "'potential' rule number 1 needs a name"),
    ("extends: default\npotential:\n  - score_above_threshold\n", "'potential' rule number 1 .* is not a rule"),
    # a misspelt override would add a rule and leave the base one unchanged
    ("extends: default\npotential:\n  - name: score_above_treshold\n    min_probability: 0.99\n",
     "rule 'score_above_treshold': default.yaml has no rule of that name, but has 'score_above_threshold'"),
    ("name: x\nflags:\n  - name: f\n    facts: different_shg_vo\n", "unknown fact 'different_shg_vo'"),
    ("name: x\nflags:\n  - name: f\n    facts: {different_shg_same_vo: true}\n", "'facts' must be a list"),
    ("name: x\npotential:\n  - name: r\n    when: {first_name: []}\n", "lists no levels for 'first_name'"),
    ("name: x\npotential:\n  - name: r\n    any_of: {first_name: []}\n", "lists no levels for 'first_name'"),
    # Python reads yes/no as 1.0/0.0: 'no' would make the rule fire on every pair
    ("name: x\npotential:\n  - name: r\n    min_probability: no\n", "not yes/no or true/false"),
    ("name: x\npotential_threshold: yes\n", "potential_threshold must be a number .*not yes/no"),
])
def test_rule_file_mistakes_are_reported_not_guessed(tmp_path, text, message):
    path = tmp_path / "state.yaml"
    path.write_text(text)
    with pytest.raises(RuleError, match=message):
        load_rules(path)


def test_single_fact_and_new_state_rule_are_allowed(tmp_path):
    path = tmp_path / "state.yaml"
    path.write_text("extends: default\npotential:\n  - name: same_phone_same_village\n"
                    "    when: {mobile: [same with similar name], location: [same village]}\n"
                    "flags:\n  - name: member_in_two_shgs_of_one_vo\n    facts: different_shg_same_vo\n")
    rules = load_rules(path)
    assert "same_phone_same_village" in {r.name for r in rules.potential}
    assert rules.flags[-1].facts == ("different_shg_same_vo",)


def test_shipped_rule_files_pass_the_checks():
    for state in ("bihar", "jharkhand"):
        assert load_rules(state=state).confirmed
    assert [r.name for r in load_rules().confirmed] == ["same_aadhaar"]

def test_clusters_confirmed_vs_potential():
    pairs = pd.DataFrame({
        "member_id_l": ["1", "2", "4", "7"], "member_id_r": ["2", "3", "5", "8"],
        "duplicate_class": ["confirmed", "potential", "confirmed", None],
    })
    cl = clusters_from_pairs(pd.Series(["1", "2", "3", "4", "5", "6", "7", "8"]), pairs)
    c = cl.set_index("member_id")
    assert c.loc["1", "cluster_id"] == c.loc["3", "cluster_id"] == "1"
    assert c.loc["1", "cluster_class"] == "potential"      # one link needs a decision
    assert c.loc["4", "cluster_class"] == "confirmed" and c.loc["5", "cluster_id"] == "4"
    assert c.loc["6", "cluster_class"] == "unique"
    assert c.loc["7", "cluster_class"] == "unique"         # unclassified pairs don't cluster


def test_same_aadhaar_last4_needs_name_block_and_no_evidence_against():
    """Masked Aadhaar digits make a potential duplicate only with a similar name in the
    same block, and never against a different full number, gender or a clear age gap."""
    base = dict(aadhaar_last4="same", aadhaar="missing on one side", first_name="same spelling",
                location="same block", gender="same", year_of_birth="7-15 years apart",
                relation_name="father in one, husband in other", mobile="different")
    cases = {
        "yes": base,
        "other_name": {**base, "first_name": "different"},
        "other_block": {**base, "location": "different block"},
        "two_full_numbers": {**base, "aadhaar": "different"},
        "man": {**base, "gender": "different"},
        "dates_apart": {**base, "year_of_birth": "dates of birth 3+ years apart"},
        "far_apart": {**base, "year_of_birth": "far apart"},
    }
    pairs = pd.DataFrame([_pair(k, k + "2", 0.3, **v) for k, v in cases.items()])
    out = apply_rules(pairs, load_rules())
    cls = dict(zip(out.member_id_l, out.duplicate_class))
    assert cls == {"yes": "potential", "other_name": None, "other_block": None, "two_full_numbers": None,
                   "man": None, "dates_apart": None, "far_apart": None}
    assert dict(zip(out.member_id_l, out.rules))["yes"] == "same_aadhaar_last4_similar_name_same_block"


def test_unreadable_rule_files_are_rule_errors(tmp_path):
    with pytest.raises(RuleError, match="is a folder"):
        load_rules(tmp_path)
    binary = tmp_path / "r.yaml"
    binary.write_bytes(b"name: \xff\xfe\x00x\n")
    with pytest.raises(RuleError, match="not UTF-8"):
        load_rules(binary)


def test_different_aadhaar_numbers_are_listed_never_merged():
    """A high score or a rule does not make two women of records whose Aadhaar numbers
    (or last 4 digits) differ: the pair is flagged for the block manager, not classed."""
    pairs = pd.DataFrame([
        _pair("a", "b", 0.9, aadhaar="different", first_name="same spelling"),
        _pair("c", "d", 0.9, aadhaar_last4="different", first_name="same spelling"),
        _pair("e", "f", 0.3, aadhaar_last4="different", first_name="same spelling"),   # not called: no flag
        _pair("g", "h", 0.9, aadhaar_last4="same", first_name="same spelling"),
    ])
    out = apply_rules(pairs, load_rules()).set_index("member_id_l")
    for left in ("a", "c"):
        assert out.at[left, "duplicate_class"] is None and out.at[left, "flags"] == "aadhaar_differs_not_merged"
        assert "score_above_threshold" in out.at[left, "rules"]
    assert out.at["e", "flags"] == "" and out.at["e", "duplicate_class"] is None
    assert out.at["g", "duplicate_class"] == "potential" and out.at["g", "flags"] == ""


def test_same_date_of_birth_needs_similar_name_same_block_and_nothing_against():
    """A real date of birth shared in one block with a similar given name makes a potential
    duplicate at a low score; any Aadhaar, Aadhaar digits, gender, name or place against it stops it."""
    rule = "same_date_of_birth_similar_name_same_block"
    base = dict(year_of_birth="same date of birth", first_name="same spelling", location="same block",
                aadhaar="missing on one side", aadhaar_last4="missing on one side", gender="same",
                relation_name="father in one, husband in other", mobile="different")
    cases = {
        "yes": base,
        "other_aadhaar": {**base, "aadhaar": "different"},
        "other_last4": {**base, "aadhaar_last4": "different"},
        "man": {**base, "gender": "different"},
        "other_name": {**base, "first_name": "different"},
        "other_block": {**base, "location": "different block"},
        "jan1": {**base, "year_of_birth": "same 1 January date"},     # the stand-in for an unknown day
    }
    pairs = pd.DataFrame([_pair(k, k + "2", 0.3, **v) for k, v in cases.items()])
    rules = load_rules()
    assert 0.3 < rules.potential_threshold                       # the score alone does not call any
    out = apply_rules(pairs, rules).set_index("member_id_l")
    assert out.at["yes", "duplicate_class"] == "potential" and out.at["yes", "rules"] == rule
    for k in cases:
        if k != "yes":
            assert out.at[k, "duplicate_class"] is None, k
            assert rule not in out.at[k, "rules"], k
            assert out.at[k, "flags"] == "", k                   # not called, so nothing to flag


def test_same_aadhaar_different_gender_is_flagged_and_blocks_the_merge():
    """The same Aadhaar on a woman's and a man's record: the confirmed rule fires, but the flag
    (blocks_merge) takes the pair out of the duplicate classes, so it never joins a cluster and
    the later 'still a duplicate' flags do not fire on it."""
    rules = load_rules()
    flag = next(r for r in rules.flags if r.name == "same_aadhaar_different_gender")
    assert flag.blocks_merge and flag.when == {"aadhaar": ("same",), "gender": ("different",)}
    same = dict(aadhaar="same", first_name="same spelling", year_of_birth="same year")
    pairs = pd.DataFrame([
        _pair("a", "b", 0.999, gender="different", **same),
        _pair("c", "d", 0.999, gender="same", **same),
        _pair("e", "f", 0.999, gender="missing on one side", **same),
    ])
    pairs["fact_different_shg_same_vo"] = True
    out = apply_rules(pairs, rules).set_index("member_id_l")
    assert out.at["a", "duplicate_class"] is None
    assert out.at["a", "flags"] == "same_aadhaar_different_gender"   # not also member_in_two_shgs...
    assert "same_aadhaar" in out.at["a", "rules"].split(";")           # the rule that fired is recorded
    for left in ("c", "e"):                                             # no gender against: confirmed
        assert out.at[left, "duplicate_class"] == "confirmed", left
        assert out.at[left, "flags"] == "member_in_two_shgs_of_one_vo", left
    cl = clusters_from_pairs(pd.Series(list("abcdef")), out.reset_index()).set_index("member_id")
    assert cl.at["a", "cluster_class"] == cl.at["b", "cluster_class"] == "unique"
    assert cl.at["a", "cluster_id"] != cl.at["b", "cluster_id"]
    assert cl.at["c", "cluster_class"] == "confirmed" and cl.at["c", "cluster_id"] == cl.at["d", "cluster_id"]


# A low score: only a rule can call the pair.
SHARED_ACCOUNT_IN_VILLAGE = dict(bank_account="same with similar name", location="same village",
                                 first_name="same spelling", year_of_birth="missing on one side")


def test_jharkhand_shared_account_in_one_village_is_potential_at_a_low_score():
    jh, default = load_rules(state="jharkhand"), load_rules()
    looser = {**SHARED_ACCOUNT_IN_VILLAGE, "first_name": "two letters apart"}
    pairs = pd.DataFrame([
        _pair("a", "b", 0.2, gender="same", **looser),
        _pair("c", "d", 0.2, gender="same", **{**looser, "location": "same panchayat"}),
        _pair("e", "f", 0.2, gender="same", **{**looser, "bank_account": "different"}),
        _pair("g", "h", 0.2, gender="different", **SHARED_ACCOUNT_IN_VILLAGE),
        _pair("i", "j", 0.2, gender="same", **{**looser, "first_name": "different"}),
        _pair("k", "l", 0.2, gender="missing on one side", **SHARED_ACCOUNT_IN_VILLAGE),
    ])
    assert 0.2 < jh.potential_threshold
    j = apply_rules(pairs, jh).set_index("member_id_l")
    d = apply_rules(pairs, default).set_index("member_id_l")
    # what the state rule adds: a looser spelling with a shared account in the village
    assert j.at["a", "duplicate_class"] == "potential" and d.at["a", "duplicate_class"] is None
    assert j.at["a", "rules"].split(";") == ["same_bank_account_same_village"]
    # and what it does not: another village, another account, a man and a woman, another name
    for other in ("c", "e", "g", "i"):
        assert j.at[other, "duplicate_class"] is None, (other, j.loc[other].to_dict())
    # a gender left blank on one side stops neither it nor the default rule
    assert "same_bank_account_same_village" in j.at["k", "rules"]
    assert d.at["k", "duplicate_class"] == "potential"


def test_the_threshold_is_applied_to_the_probability_as_pairs_csv_shows_it():
    rules = load_rules()
    t = rules.potential_threshold
    pairs = pd.DataFrame([_pair("a", "b", t - 4e-7), _pair("c", "d", t - 6e-7)])
    out = apply_rules(pairs, rules).set_index("member_id_l")
    assert round(t - 4e-7, 6) == t and round(t - 6e-7, 6) < t       # shown as t, and below it
    assert out.at["a", "duplicate_class"] == "potential"
    assert out.at["c", "duplicate_class"] is None
