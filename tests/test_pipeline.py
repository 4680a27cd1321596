"""The batch job end to end on synthetic data: outputs, accuracy floor, household evidence."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from dedup.evaluate import cluster_accuracy, pair_precision
from dedup.features import feature_records
from dedup.pipeline import RunOptions, run_members
from models.member_model import COMPARISONS
from models.scorer import load_scorer

# Recorded on 20k synthetic rows (seed 77) with the shipped model: Bihar F1 0.877,
# all states mixed F1 0.884 (ten scripts, Telugu house names first, Punjab's few names);
# 0.875 / 0.879 before the Aadhaar last-4 rule, 0.869 / 0.872 before the 1 January level
# and the date-of-birth rule, 0.859 / 0.865 before name frequencies (2026-11-29).
# Measured again after that session's changes: Bihar precision 0.941, recall 0.821, F1 0.877;
# mixed precision 0.946, recall 0.829, F1 0.8835. The runs are deterministic (fixed seed,
# shipped model, id-ordered ties), so the floors sit just under them: a change that loses
# more than about 0.005 F1, or 0.01 precision hidden behind a recall gain, fails CI.
# Raise them when a change gains; lower them only with a reason in the commit.
F1_FLOOR = 0.872
F1_FLOOR_MIXED = 0.878
PRECISION_FLOOR = 0.93
PRECISION_FLOOR_MIXED = 0.935


@pytest.fixture(scope="module")
def run_20k(tmp_path_factory):
    from dedup.synthetic import generate, write_export

    tmp = tmp_path_factory.mktemp("run20k")
    export = generate(20_000, seed=77, state="Bihar")
    files = write_export(export, tmp / "export")
    result = run_members(files["members"], tmp / "out", RunOptions(tty=False, cbos_path=files["cbos"]))
    return export, result


def test_accuracy_floor_on_all_states_mixed(tmp_path):
    from dedup.synthetic import generate, write_export

    export = generate(20_000, seed=77, state="mixed")
    files = write_export(export, tmp_path / "export")
    result = run_members(files["members"], tmp_path / "out", RunOptions(tty=False))
    acc = cluster_accuracy(pd.read_csv(result.files["clusters"], dtype=str), export.truth)
    assert acc.f1 >= F1_FLOOR_MIXED and acc.precision >= PRECISION_FLOOR_MIXED, acc.as_dict()


def test_accuracy_floor_and_confirmed_precision(run_20k):
    export, result = run_20k
    clusters = pd.read_csv(result.files["clusters"], dtype=str)
    pairs = pd.read_csv(result.files["pairs"], dtype=str)
    acc = cluster_accuracy(clusters, export.truth)
    assert acc.f1 >= F1_FLOOR and acc.precision >= PRECISION_FLOOR, acc.as_dict()
    precision, n_confirmed = pair_precision(pairs, export.truth, "confirmed")
    assert n_confirmed > 100 and precision == 1.0


def test_outputs_are_complete_and_consistent(run_20k):
    _, result = run_20k
    out = result.out_dir
    for name in ("pairs.csv", "clusters.csv", "summary.json", "report.html", "rejects.csv", "issues.csv",
                 "name_frequencies.parquet"):
        assert (out / name).exists(), name
    assert not list(out.glob("*.partial")) and not list(out.glob(".*.partial"))
    pairs = pd.read_csv(out / "pairs.csv", dtype=str)
    expected = ["member_id_l", "member_id_r", "match_probability", "match_weight", "duplicate_class", "rules"]
    assert list(pairs.columns[:6]) == expected
    assert set(c.name for c in COMPARISONS) <= set(pairs.columns)   # level of each comparison
    assert set(pairs.duplicate_class.dropna()) == {"confirmed", "potential"}
    assert pairs.loc[pairs.duplicate_class.notna(), "rules"].notna().all()
    clusters = pd.read_csv(out / "clusters.csv", dtype=str)
    assert len(clusters) == result.summary["rows_accepted"]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["pairs"]["confirmed"] == (pairs.duplicate_class == "confirmed").sum()
    assert summary["pairs_compared"] > len(pairs)
    assert {"import", "features", "score", "rules", "clusters", "total"} <= set(summary["seconds"])
    assert sum(b["members"] for b in summary["by_block"]) == summary["rows_accepted"]
    # pairs compared stay roughly linear in rows (blocking), far from n^2/2 = 2e8
    assert summary["pairs_compared"] < 200 * summary["rows_accepted"]
    assert summary["flags"].get("member_in_two_shgs_of_one_vo", 0) > 0    # CBO tree was used


def test_the_runs_name_frequencies_let_the_real_time_scorer_reproduce_its_weights(run_20k):
    """name_frequencies.parquet is what a real-time service loads to score new profiles as
    the batch run did: with it, the Python scorer gives pairs.csv's weights."""
    from dedup.features import member_features
    from models.scorer import MemberScorer
    from models.term_frequencies import from_long

    _, result = run_20k
    out = result.out_dir
    tf = from_long(pd.read_parquet(out / "name_frequencies.parquet"))
    assert set(tf) == {"given_in_district", "given_first_in_district", "relation_in_district",
                       "relation_first_in_district"} and all(len(v) > 50 for v in tf.values())
    feats = member_features(pd.read_parquet(out / "members.parquet"))
    plain = feats.astype(object).where(feats.notna(), None)
    recs = {str(r["member_id"]): r for r in plain.to_dict("records")}
    pairs = pd.read_csv(out / "pairs.csv", dtype={"member_id_l": str, "member_id_r": str}).head(300)
    with_tf = MemberScorer(result.summary["model"], term_frequencies=tf)
    without = MemberScorer(result.summary["model"])
    moved = 0
    for p in pairs.itertuples(index=False):
        s = with_tf.score(recs[p.member_id_l], recs[p.member_id_r])
        assert abs(s.match_weight - p.match_weight) < 1e-3, p     # pairs.csv rounds to 4 places
        moved += abs(without.score(recs[p.member_id_l], recs[p.member_id_r]).match_weight - s.match_weight) > 0.1
    assert moved > 100      # the frequencies matter: without them most weights differ


def test_report_is_self_contained(run_20k):
    _, result = run_20k
    page = (result.out_dir / "report.html").read_text()
    assert "<svg" in page and "Example explanations" in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in page
    assert page.count('class="pair"') == 20
    assert "आधार" in page or "नाम" in page          # Hindi explanations alongside English


# Every file a run with a CBO table writes; the scan below must reach at least these.
KNOWN_OUTPUTS = {"pairs.csv", "clusters.csv", "summary.json", "report.html", "rejects.csv", "issues.csv",
                 "members.parquet", "name_frequencies.parquet", "placeholders.parquet",
                 "cbo_import/cbos.parquet", "cbo_import/cbos_issues.csv", "cbo_import/cbos_rejects.csv"}


def _output_text(f: Path) -> str:
    """A file's text for a substring scan: every cell of a Parquet file, else the file itself."""
    if f.suffix != ".parquet":
        return f.read_text(encoding="utf-8-sig")      # an undecodable file fails the test: not scanned
    return pd.read_parquet(f).to_csv(index=False)     # every cell of every column, as text


def test_no_raw_identifiers_in_outputs(run_20k):
    """No full Aadhaar number or bank account (members' or SHG/VO/CLF accounts) in any output,
    Parquet included, nor in the CBO import's sub-directory."""
    export, result = run_20k
    digits = export.members["aadhaar"].str.replace(r"\D", "", regex=True)
    full = [d for d in digits if len(d) == 12][:500]
    accounts = [a for a in export.members["bank_account"] if len(a) >= 9][:500]
    cbo_accounts = [a for a in export.cbos["bank_account"] if len(a) >= 9][:500]
    assert full and accounts and cbo_accounts
    scanned = set()
    for f in sorted(result.out_dir.rglob("*")):
        if not f.is_file():
            continue
        text = _output_text(f)
        assert text, f
        assert not any(d in text for d in full), f
        assert not any(a in text for a in accounts + cbo_accounts), f
        scanned.add(f.relative_to(result.out_dir).as_posix())
    assert KNOWN_OUTPUTS <= scanned, KNOWN_OUTPUTS - scanned


def test_household_sharing_alone_is_not_a_match():
    """Mother-in-law and daughter-in-law: one phone, one account, one village and surname."""
    base = dict(district="Gaya", block="Bodhgaya", panchayat="Bakraur", village="Sujata", gender="F",
                mobile="9876543210", bank_token="bank:k:abc", relation_type="husband")
    a = feature_records([{**base, "member_id": "1", "member_name": "Kamla Devi",
                          "relation_name": "Ramesh Yadav", "yob": 1960}])[0]
    b = feature_records([{**base, "member_id": "2", "member_name": "Sunita Devi",
                          "relation_name": "Suresh Yadav", "yob": 1988}])[0]
    s = load_scorer().score(a, b)
    assert s.match_probability < 0.5, s.explanation()
    # ...while the same woman re-entered, same household details, is a strong match
    c = feature_records([{**base, "member_id": "3", "member_name": "Kamala Debi",
                          "relation_name": "Ramesh Yadav", "yob": 1961}])[0]
    assert load_scorer().score(a, c).match_probability > 0.9


def test_evidence_against_counts():
    base = dict(district="Gaya", block="Bodhgaya", panchayat="Bakraur", village="Sujata", gender="F",
                member_name="Sunita Devi", relation_type="husband", relation_name="Ramesh", yob=1980)
    a, b = feature_records([{**base, "member_id": "1", "aadhaar_token": "aad:k:1"},
                            {**base, "member_id": "2", "aadhaar_token": "aad:k:2"}])
    same = load_scorer().score(a, {**b, "aadhaar_token": None})
    diff = load_scorer().score(a, b)
    assert diff.match_weight < same.match_weight - 5          # two valid Aadhaars: two women
    older = load_scorer().score(a, {**b, "aadhaar_token": None, "yob": 1950})
    assert older.match_weight < same.match_weight
    man = load_scorer().score(a, {**b, "aadhaar_token": None, "gender": "M"})
    assert man.match_weight < same.match_weight - 3


def test_train_flag_retrains_and_uses_the_new_model(small_export, tmp_path):
    _, files = small_export
    res = run_members(files["members"], tmp_path / "out", RunOptions(tty=False, train=True))
    model = tmp_path / "out" / "model.json"
    assert model.exists() and (tmp_path / "out" / "model.md").exists()
    assert res.summary["model"] == str(model)
    assert json.loads(model.read_text())["probability_two_random_records_match"] > 0
    assert load_scorer(str(model)).prior_weight < 0


def test_levels_em_never_saw_keep_the_shipped_m(small_export, tmp_path):
    """3,000 rows hold no true pair with ages 15+ years apart, so EM cannot learn that
    level's m; Splink would score it with a made-up default. The shipped model's m is
    kept instead, the card says so, and a model with a hole is refused as --model."""
    from dedup.dedup_cli import model_problem
    from dedup.engine import untrained_levels
    from models.scorer import DEFAULT_MODEL_PATH

    _, files = small_export
    run_members(files["members"], tmp_path / "out", RunOptions(tty=False, train=True))
    model = json.loads((tmp_path / "out" / "model.json").read_text())
    shipped = json.loads(DEFAULT_MODEL_PATH.read_text())
    assert untrained_levels(model) == [] and untrained_levels(shipped) == []

    def m_of(m, comp, label):
        c = next(c for c in m["comparisons"] if c["output_column_name"] == comp)
        return next(lv["m_probability"] for lv in c["comparison_levels"] if lv.get("label_for_charts") == label)

    card = (tmp_path / "out" / "model.md").read_text()
    assert "keep the shipped model's m and/or u: " in card and "year_of_birth: far apart (m)" in card
    assert m_of(model, "year_of_birth", "far apart") == m_of(shipped, "year_of_birth", "far apart")
    assert model_problem(tmp_path / "out" / "model.json") is None

    holed = tmp_path / "holed.json"
    c = next(c for c in model["comparisons"] if c["output_column_name"] == "first_name")
    c["comparison_levels"][1]["m_probability"] = None
    holed.write_text(json.dumps(model))
    assert "not fully trained" in model_problem(holed) and "first_name" in model_problem(holed)


def test_evidence_ceiling_counts_pairs_sharing_an_identifier_or_village():
    from dedup.evaluate import evidence_ceiling
    feats = pd.DataFrame({
        "member_id": ["a", "b", "c", "d", "e", "f", "g"],
        "mobile": ["9", "9", None, "1", "2", None, None],
        "aadhaar_token": [None, None, None, None, None, "t", None],
        "village_key": ["v1", "v2", "v3", "v4", "v5", "v6", "v7"],
        "dob": [None] * 7,
    })
    truth = pd.DataFrame({"member_id": list("abcdefg"),
                          "person_id": ["p1", "p1", "p2", "p2", "p2", "p3", "p4"]})
    c = evidence_ceiling(feats, truth)
    # p1: a-b share a mobile; p2: c-d, c-e, d-e share nothing (different mobiles, villages)
    assert (c.true_pairs, c.pairs_joinable) == (4, 1)
    assert c.max_recall == 0.25 and abs(c.max_f1 - 0.4) < 1e-9
    # a chain through a third record of hers counts: c-d by mobile, d-e by village, so c-e too
    chained = feats.assign(mobile=["9", "9", "1", "1", "2", None, None],
                           village_key=["v1", "v2", "v3", "v4", "v4", "v6", "v7"])
    assert evidence_ceiling(chained, truth).pairs_joinable == 4


def test_a_value_on_many_members_of_a_block_is_a_placeholder_not_evidence(small_export, tmp_path, monkeypatch):
    """A bookkeeper's stand-in (9999999999, a dummy account, a default date of birth) on
    120 members of one block would make every namesake pair among them look like one
    woman. It is listed, warned about and not used; natural sharing (a household's phone)
    stays evidence."""
    import dedup.placeholders as ph

    export, _ = small_export
    members = export.members.copy()
    block = members["block"].value_counts().index[0]
    rows = members.index[members["block"] == block][:120]
    members.loc[rows, "dob"] = "15/06/1980"
    members.loc[rows, "mobile"] = "9999999999"
    path = tmp_path / "placeholders.csv"
    members.to_csv(path, index=False)

    def potential(out):
        s = json.loads((out / "summary.json").read_text())
        return s["pairs"]["potential"], s
    base, _ = potential(run_members_quiet(export, tmp_path / "base"))
    with_ph, summary = potential(run_members_quiet(path, tmp_path / "ph"))
    assert {(p["field"], p["members"]) for p in summary["placeholders"]} == {("mobile", 120), ("date of birth", 120)}
    assert any("not used as evidence" in w for w in summary["warnings"])
    assert "9999999999" not in json.dumps(summary)           # shown as XXXXXX9999
    assert with_ph <= base + 5, (base, with_ph)
    # a real-time service blanks the same values with the run's placeholders.parquet
    from dedup.features import member_features
    from dedup.importer import import_members
    table = pd.read_parquet(tmp_path / "ph" / "placeholders.parquet")
    features = member_features(import_members(path, tmp_path / "imp", workers=0).load())
    blanked = ph.blank_placeholders(features, table)
    assert blanked.loc[blanked["block"] == block, "mobile"].eq("9999999999").sum() == 0
    assert blanked.loc[blanked["block"] == block, "dob"].eq("1980-06-15").sum() == 0
    monkeypatch.setattr(ph, "MAX_SHARED", {})              # without the check, the stand-in date matches
    without, _ = potential(run_members_quiet(path, tmp_path / "raw"))
    assert without > base + 50, (base, without)


def run_members_quiet(source, out):
    from dedup.synthetic import write_export

    if not isinstance(source, Path):
        source = write_export(source, out.parent / (out.name + "_export"))["members"]
    run_members(source, out, RunOptions(tty=False))
    return out


def test_shg_vo_facts_flags_only_sibling_shgs_under_one_vo():
    """'Member in two SHGs of one VO': different SHGs whose parent VO is the same, nothing else."""
    from dedup.pipeline import shg_vo_facts

    cbos = pd.DataFrame({
        "cbo_id":    ["VO1", "VO2", "SHG_A", "SHG_B", "SHG_C", "SHG_D", "SHG_E"],
        "parent_id": [None,  None,  "VO1",   "VO1",   "VO2",   None,    "  "],   # D, E: no parent
    })
    features = pd.DataFrame({
        "member_id": ["m1",    "m2",    "m3",    "m4",    "m5",    "m6", "m7",    "m8"],
        "shg_id":    ["SHG_A", "SHG_A", "SHG_B", "SHG_C", "SHG_D", None, "SHG_E", None],
    })
    cases = [  # (left, right, expected, why)
        ("m1", "m2", False, "same SHG"),
        ("m1", "m3", True, "sibling SHGs A and B under VO1"),
        ("m3", "m1", True, "sibling SHGs, the other way round"),
        ("m1", "m4", False, "SHGs under different VOs"),
        ("m5", "m1", False, "SHG D has no parent"),
        ("m5", "m7", False, "two SHGs without a parent do not share one"),
        ("m6", "m3", False, "member with no shg_id"),
        ("m6", "m8", False, "neither member has an shg_id"),
    ]
    pairs = pd.DataFrame({"member_id_l": [c[0] for c in cases], "member_id_r": [c[1] for c in cases]},
                         index=range(10, 10 + len(cases)))          # an index that is not 0..n-1
    got = shg_vo_facts(pairs, features, cbos)
    assert got.index.equals(pairs.index) and got.dtype == bool
    assert [(c[3], v) for c, v in zip(cases, got)] == [(c[3], c[2]) for c in cases]
    # without a CBO table nothing can be said
    assert not shg_vo_facts(pairs, features, None).any()
    assert not shg_vo_facts(pairs, features, cbos.iloc[0:0]).any()


def test_explanation_has_one_line_per_compared_comparison_strongest_first():
    """PairScore.explanation: evidence for and against, strongest first, one sentence per
    comparison that could be made (a value missing on a side says nothing), in English and
    Hindi, each line signed and sized as its comparison's weight."""
    base = dict(district="Gaya", block="Bodhgaya", panchayat="Bakraur", village="Sujata", gender="F",
                relation_type="husband")
    a, b = feature_records([
        {**base, "member_id": "1", "member_name": "Sunita Devi", "relation_name": "Ramesh Yadav", "yob": 1980,
         "mobile": "9876543210"},
        {**base, "member_id": "2", "member_name": "Sunita Kumari", "relation_name": "Suresh Yadav", "yob": 1992,
         "village": "Bakraur"},
    ])
    s = load_scorer().score(a, b)
    compared = [lv for lv in s.levels if lv.gamma != -1]
    # the pair is built to hold evidence both ways and comparisons that cannot be made
    assert any(lv.match_weight > 0.05 for lv in compared) and any(lv.match_weight < -0.05 for lv in compared)
    assert len(compared) < len(s.levels) == len(COMPARISONS)
    by_text = {lang: {lv.text(lang): lv for lv in compared} for lang in ("en", "hi")}
    assert all(len(t) == len(compared) for t in by_text.values())     # sentences tell levels apart

    parsed = {}
    for lang in ("en", "hi"):
        lines = s.explanation(lang)
        assert len(lines) == len(compared), lines
        rows = []
        for line in lines:
            sign, rest = line[0], line[1:]
            number, text = rest.split(" ", 1)
            lv = by_text[lang][text]                                  # a compared level's sentence
            assert sign in "+−" and (sign == "+") == (lv.match_weight >= 0), (line, lv.match_weight)
            assert abs(float(number) - abs(lv.match_weight)) <= 0.05 + 1e-9, (line, lv.match_weight)
            rows.append((lv.comparison, abs(lv.match_weight)))
        assert {c for c, _ in rows} == {lv.comparison for lv in compared}
        sizes = [w for _, w in rows]
        assert sizes == sorted(sizes, reverse=True), lines           # strongest first
        parsed[lang] = rows
    assert parsed["en"] == parsed["hi"]                               # same evidence, same order
    assert any("\u0900" <= ch <= "\u097f" for ln in s.explanation("hi") for ch in ln)   # Hindi is Devanagari
    assert not any("\u0900" <= ch <= "\u097f" for ln in s.explanation("en") for ch in ln)
    assert s.explanation("en", top=3) == s.explanation("en")[:3]
