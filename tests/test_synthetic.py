"""The synthetic export generator: contract, truth labels, and the realism the tests rely on."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from dedup.mobile import normalise_mobile
from dedup.schema import EXPORT_CBO_COLUMNS, EXPORT_MEMBER_COLUMNS, EXPORT_MEMBERSHIP_COLUMNS
from dedup.synthetic import (DEFAULT_AADHAAR_MIX, DEFAULT_KIND_MIX, MIXED_STATES, TRUTH_COLUMNS,
                             generate, write_export)
from dedup.synthetic_ids import aadhaar_numbers, verhoeff_check_digits
from dedup.synthetic_text import from_itrans, latin_variants, native_variants
from ekyc.aadhaar import AadhaarKind, parse_aadhaar, verhoeff_check_digit, verhoeff_checksum_ok

DEVANAGARI = re.compile("[\u0900-\u097F]")
GEO = ["state", "district", "block", "panchayat", "village"]


def _norm(name: str) -> str:
    return " ".join(name.casefold().split())


@pytest.fixture(scope="module")
def bihar():
    return generate(20_000, seed=11)


@pytest.fixture(scope="module")
def rows(bihar):
    return bihar.members.merge(bihar.truth, on="member_id", validate="one_to_one")


@pytest.fixture(scope="module")
def mixed():
    return generate(40_000, seed=5, state="mixed")


# ---------------------------------------------------------------- contract

def test_same_seed_gives_the_same_export_and_another_seed_does_not():
    a, b = generate(3000, seed=3), generate(3000, seed=3)
    for name in ("members", "truth", "cbos", "memberships", "cbo_truth"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    c = generate(3000, seed=4)
    assert not a.members["member_name"].equals(c.members["member_name"])


def test_frames_follow_the_export_contract(bihar):
    m = bihar.members
    assert list(m.columns) == EXPORT_MEMBER_COLUMNS
    assert list(bihar.cbos.columns) == EXPORT_CBO_COLUMNS
    assert list(bihar.memberships.columns) == EXPORT_MEMBERSHIP_COLUMNS
    assert list(bihar.truth.columns) == TRUTH_COLUMNS
    assert list(bihar.cbo_truth.columns) == ["cbo_id", "shg_entity_id"]
    assert len(m) == 20_000
    for frame in (m, bihar.cbos, bihar.memberships, bihar.truth, bihar.cbo_truth):
        assert frame.map(lambda v: isinstance(v, str)).all().all(), "every cell is a string"
    assert m["member_id"].is_unique
    assert set(bihar.truth["member_id"]) == set(m["member_id"])
    assert (m["member_name"].str.strip() != "").all()
    assert set(m["gender"]) <= {"F", "Female", "FEMALE", "female", ""}
    # memberships and CBOs line up with the member export
    assert bihar.memberships.set_index("member_id")["cbo_id"].to_dict() == m.set_index("member_id")["shg_id"].to_dict()
    cbos = bihar.cbos.set_index("cbo_id")
    assert cbos.index.is_unique
    assert set(m["shg_id"]) <= set(cbos.index[cbos["cbo_type"] == "SHG"])
    parents = cbos["parent_id"][cbos["parent_id"] != ""]
    assert set(parents) <= set(cbos.index)
    assert set(cbos.loc[parents.unique(), "cbo_type"]) == {"VO", "CLF"}
    assert set(bihar.cbo_truth["cbo_id"]) == set(cbos.index)
    ifsc = pd.concat([m["ifsc"], bihar.cbos["ifsc"]])
    assert ifsc[ifsc != ""].str.fullmatch(r"[A-Z]{4}0[A-Z0-9]{6}").all()
    acct = m["bank_account"][m["bank_account"] != ""]
    assert acct.str.fullmatch(r"\d{9,18}").all()


def test_member_ids_do_not_leak_the_truth(rows):
    assert not set(TRUTH_COLUMNS[1:]) & set(rows.columns[: len(EXPORT_MEMBER_COLUMNS)])
    # ids are random: neighbours in member_id order are no more often one woman than chance
    by_id = rows.sort_values("member_id")["person_id"].to_numpy()
    assert (by_id[1:] == by_id[:-1]).mean() < 0.005
    number = rows["member_id"].str[2:].astype(np.int64).rank()
    person = rows["person_id"].str[1:].astype(np.int64).rank()
    assert abs(np.corrcoef(number, person)[0, 1]) < 0.05
    assert not rows["member_id"].str.contains(r"P\d{7}").any()


# ---------------------------------------------------------------- identifiers

def test_vectorised_verhoeff_agrees_with_ekyc():
    rng = np.random.default_rng(0)
    digits = rng.integers(0, 10, (3000, 11), dtype=np.int8)
    ours = verhoeff_check_digits(digits)
    theirs = [int(verhoeff_check_digit("".join(map(str, row)))) for row in digits.tolist()]
    assert ours.tolist() == theirs
    numbers = aadhaar_numbers(rng, 5000)
    assert len(set(numbers.tolist())) == 5000
    assert all(verhoeff_checksum_ok(f"{x:012d}") and str(x)[0] in "23456789" for x in numbers.tolist())


def test_aadhaar_forms_are_what_the_truth_says(rows):
    parsed = rows["aadhaar"].map(parse_aadhaar)
    kinds = parsed.map(lambda e: e.kind)
    expected = {"full": AadhaarKind.FULL, "masked": AadhaarKind.MASKED,
                "missing": AadhaarKind.MISSING, "invalid": AadhaarKind.INVALID}
    assert (kinds == rows["aadhaar_kind"].map(expected)).all()
    full = rows["aadhaar"][rows["aadhaar_kind"] == "full"].str.replace(r"\D", "", regex=True)
    assert full.map(verhoeff_checksum_ok).all()
    assert full.str[0].isin(list("23456789")).all()
    assert rows["aadhaar"][rows["aadhaar_kind"] == "masked"].str.fullmatch(r"[Xx*]{4}[ -]?[Xx*]{4}[ -]?\d{4}").all()
    shares = rows["aadhaar_kind"].value_counts(normalize=True)
    for kind, share in DEFAULT_AADHAAR_MIX.items():
        assert abs(shares.get(kind, 0) - share) < 0.02, kind


def test_one_woman_one_aadhaar_and_a_typo_is_one_digit_off(rows):
    digits = rows["aadhaar"].str.replace(r"\D", "", regex=True)
    full = rows.assign(d=digits)[rows["aadhaar_kind"] == "full"]
    assert (full.groupby("d")["person_id"].nunique() == 1).all(), "two women never share a number"
    assert (full.groupby("person_id")["d"].nunique() == 1).all(), "a woman's records share hers"
    own = full.drop_duplicates("person_id").set_index("person_id")["d"]
    bad = rows.assign(d=digits)[(rows["aadhaar_kind"] == "invalid") & rows["person_id"].isin(own.index)]
    assert len(bad) > 20
    diffs = [sum(a != b for a, b in zip(x, own[p])) for x, p in zip(bad["d"], bad["person_id"])]
    assert set(diffs) == {1}


def test_households_share_a_phone(rows):
    mob = rows["mobile"].map(lambda v: normalise_mobile(v)[0])
    r = rows.assign(mob=mob)[mob.notna()]
    multi = r.groupby("household_id").filter(lambda g: g["person_id"].nunique() > 1)
    shared = multi.groupby("household_id").apply(
        lambda g: g.groupby("mob")["person_id"].nunique().max() > 1, include_groups=False)
    assert len(shared) > 500
    assert shared.mean() > 0.6
    # but one phone does not wander across households (apart from a rare typing slip)
    assert (r.groupby("mob")["household_id"].nunique() == 1).mean() > 0.99
    assert r["mob"].str.fullmatch(r"[6-9]\d{9}").all()
    given = rows["mobile"][rows["mobile"] != ""]
    assert given.map(lambda v: normalise_mobile(v)[1] is None).all(), "every written mobile is a mobile"


# ---------------------------------------------------------------- duplicates

def test_duplicate_kinds_come_in_the_configured_shares(bihar):
    t = bihar.truth
    dups = t[t["dup_kind"] != "original"]
    assert len(dups) == 3000 and t["person_id"].nunique() == 17_000
    assert (t["dup_kind"] == "original").sum() == 17_000
    assert (t[t["dup_kind"] == "original"].groupby("person_id").size() == 1).all()
    shares = dups["dup_kind"].value_counts(normalize=True)
    for kind, share in DEFAULT_KIND_MIX.items():
        assert abs(shares.get(kind, 0) - share) < 0.03, kind
    only = generate(4000, seed=1, duplicate_rate=0.2, kind_mix={"script": 1.0}).truth
    assert set(only["dup_kind"]) == {"original", "script"}
    assert (only["dup_kind"] == "script").sum() == 800


def test_a_woman_is_never_entered_twice_in_one_shg_except_a_copied_shg(rows):
    by = rows[rows["dup_kind"] != "copy"].groupby(["shg_id", "person_id"]).size()
    assert by.max() == 1


def test_namesakes_in_one_village_are_different_women(rows):
    r = rows.assign(name=rows["member_name"].map(_norm))
    per = r.groupby(GEO + ["name"])["person_id"].nunique()
    assert per.max() >= 5, "common names recur within a village"
    sunita = r[r["name"] == "sunita devi"].groupby(GEO).agg(
        women=("person_id", "nunique"), husbands=("relation_name", lambda s: s.map(_norm).nunique()))
    best = sunita.sort_values("women").iloc[-1]
    assert best["women"] >= 4 and best["husbands"] >= 3


def test_marriage_pairs_change_title_relation_and_village(rows):
    pre = rows[rows["dup_kind"] == "marriage"].set_index("person_id")
    post = rows[rows["dup_kind"] == "original"].set_index("person_id").loc[pre.index]
    assert len(pre) > 300
    assert (pre["block"] == post["block"]).all()
    assert (pre["village"] != post["village"]).mean() > 0.9
    father = {"father", "d/o", "पिता"}
    husband = {"husband", "w/o", "spouse", "पति"}
    both = (pre["relation_type"] != "") & (post["relation_type"] != "")
    assert both.mean() > 0.8
    assert pre["relation_type"][both].str.lower().isin(father).all()
    assert post["relation_type"][both].str.lower().isin(husband).all()
    kumari = pre["member_name"].str.contains("kumari|कुमारी|kumaree|kumary|kumri", case=False)
    devi = post["member_name"].str.contains("devi|देवी|debi|devee|devy|dewi", case=False)
    assert (kumari & devi).mean() > 0.5
    assert (kumari & ~post["member_name"].str.contains("kumari|कुमारी", case=False)).mean() > 0.5
    assert (pre["entry_year"].astype(int) <= post["entry_year"].astype(int)).all()
    mob_pre = pre["mobile"].map(lambda v: normalise_mobile(v)[0])
    mob_post = post["mobile"].map(lambda v: normalise_mobile(v)[0])
    known = mob_pre.notna() & mob_post.notna()
    assert (mob_pre[known] != mob_post[known]).mean() > 0.95


def test_records_years_apart_show_drifted_ages(rows):
    ages = rows[(rows["age"] != "")]
    assert ages["age"].astype(int).between(18, 80).all()
    orig = ages[ages["dup_kind"] == "original"].set_index("person_id")
    dup = ages[ages["dup_kind"].isin(["re-entry", "cross_village", "script"])]
    dup = dup[dup["person_id"].isin(orig.index)]
    gap = (dup["age"].astype(int).to_numpy() - orig.loc[dup["person_id"], "age"].astype(int).to_numpy())
    years = (dup["entry_year"].astype(int).to_numpy() - orig.loc[dup["person_id"], "entry_year"].astype(int).to_numpy())
    assert len(gap) > 500
    assert (np.abs(gap) >= 2).mean() > 0.3, "entered years apart, the ages differ"
    assert np.corrcoef(gap, years)[0, 1] > 0.7, "and they differ by about the years between entries"
    dates = rows["dob"][rows["dob"] != ""]
    patterns = r"\d{4}-\d{2}-\d{2}|\d{2}/\d{2}/\d{4}|\d{2}-\d{2}-\d{4}|\d{2}\.\d{2}\.\d{4}|\d{1,2}/\d{1,2}/\d{4}"
    assert dates.str.fullmatch(patterns).all()
    assert dates.str.contains("/").any() and dates.str.contains("-").any()


def test_spelling_differs_between_records_of_one_woman(rows):
    dups = rows[rows["dup_kind"].isin(["re-entry", "cross_village"])]
    orig = rows[rows["dup_kind"] == "original"].set_index("person_id")
    pair = orig.loc[dups["person_id"], "member_name"].map(_norm).to_numpy() != dups["member_name"].map(_norm).to_numpy()
    assert 0.3 < pair.mean() < 0.95, "most re-entries are written differently, not all"
    names = rows["member_name"]
    assert names.str.contains(r"\b(?:W/O|w/o|W/o|WIFE OF|Wife of|D/O|Patni)\b").any()
    assert names.str.fullmatch(r"[A-Z]{8,}").any(), "SUNITADEVI: spaces dropped"
    assert names.str.contains(r"^(?:Smt\.?|SMT\.?|Srimati|SRIMATI) ", regex=True).any()


# ---------------------------------------------------------------- places, scripts, CBOs

def test_villages_hold_100_to_300_members_in_shgs_of_about_12(bihar, mixed):
    for export in (bihar, mixed):
        m = export.members
        sizes = m.groupby(GEO).size()
        assert sizes.between(100, 300).all(), sizes.describe()
        rows = m.merge(export.truth, on="member_id")
        shg = rows[rows["dup_kind"] != "copy"].groupby("shg_id").size()
        assert shg.between(10, 13).mean() > 0.9
        assert shg.between(8, 16).all()


def test_bihar_is_written_in_latin_and_devanagari_and_script_twins_differ(rows):
    deva = rows["member_name"].str.contains(DEVANAGARI)
    assert 0.2 < deva.mean() < 0.45
    assert (deva == (rows["script"] == "devanagari")).all()
    twins = rows[rows["dup_kind"] == "script"]
    orig = rows[rows["dup_kind"] == "original"].set_index("person_id").loc[twins["person_id"]]
    assert (twins["member_name"].str.contains(DEVANAGARI).to_numpy()
            != orig["member_name"].str.contains(DEVANAGARI).to_numpy()).all()


SCRIPT_BLOCKS = {"devanagari": "\u0900-\u097F", "bengali": "\u0980-\u09FF", "assamese": "\u0980-\u09FF",
                 "gurmukhi": "\u0A00-\u0A7F", "gujarati": "\u0A80-\u0AFF", "oriya": "\u0B00-\u0B7F",
                 "tamil": "\u0B80-\u0BFF", "telugu": "\u0C00-\u0C7F", "kannada": "\u0C80-\u0CFF",
                 "malayalam": "\u0D00-\u0D7F"}


def test_each_state_writes_names_in_its_own_script(mixed):
    rows = mixed.members.merge(mixed.truth, on="member_id")
    assert set(rows["state"]) == set(MIXED_STATES)
    for state, g in rows.groupby("state"):
        native = g[g["script"] != "latin"]
        assert len(native) > 0.15 * len(g), state
        assert native["script"].nunique() == 1, state
        block = SCRIPT_BLOCKS[native["script"].iloc[0]]
        assert native["member_name"].str.contains(f"[{block}]").all(), state
        assert not g[g["script"] == "latin"]["member_name"].str.contains(r"[\u0900-\u0DFF]").any(), state
    mobiles = rows["mobile"][rows["mobile"] != ""]
    assert mobiles.map(lambda v: normalise_mobile(v)[1] is None).all()
    tn = rows[(rows["state"] == "Tamil Nadu") & (rows["script"] == "latin")]["member_name"]
    assert tn.str.contains(r"^[A-Z]\. ?\w|\w [A-Z]\.?$", case=False).mean() > 0.5, "Tamil women carry initials"
    assert rows[rows["state"] == "West Bengal"]["member_name"].str.contains("Khatun|Bibi|খাতুন|বিবি", case=False).any()
    assert rows[rows["state"] == "Gujarat"]["member_name"].str.contains("ben|બેન", case=False).mean() > 0.5


def test_shgs_entered_twice_are_labelled_and_look_alike(bihar):
    cbos = bihar.cbos.merge(bihar.cbo_truth, on="cbo_id")
    shg = cbos[cbos["cbo_type"] == "SHG"]
    twice = shg.groupby("shg_entity_id").filter(lambda g: len(g) > 1)
    assert twice["shg_entity_id"].nunique() >= 20
    for _, g in twice.groupby("shg_entity_id"):
        assert g[GEO].drop_duplicates().shape[0] == 1, "same village"
        assert g["cbo_name"].nunique() == len(g), "respelled"
    # namesake SHGs in different villages are different groups
    names = shg.assign(base=shg["cbo_name"].str.split().str[:2].str.join(" "))
    common = names.groupby("base")["shg_entity_id"].nunique()
    assert common.max() >= 5
    vos = cbos[cbos["cbo_type"] == "VO"].set_index("cbo_id")
    firsts = shg[shg["parent_id"] != ""]
    assert (firsts["panchayat"].to_numpy() == vos.loc[firsts["parent_id"], "panchayat"].to_numpy()).all()


# ---------------------------------------------------------------- rendering details

def test_script_rendering_looks_like_what_bookkeepers_type():
    assert from_itrans("sunItA devI", "devanagari") == "सुनीता देवी"
    assert from_itrans("mo.", "devanagari") == "मो."  # an abbreviation, not a danda
    assert from_itrans("jayA", "bengali") == "জয়া"
    assert "ଵ" not in from_itrans("kalAvatI", "oriya")
    assert from_itrans("jasaviMdara siMgha", "gurmukhi") == "ਜਸਵਿੰਦਰ ਸਿੰਘ"
    assert from_itrans("gopAlan", "malayalam").endswith("ൻ")
    assert from_itrans("vEMkaTa", "telugu") == "వెంకట"
    assert "Laxmi" in latin_variants("Lakshmi") and "Phulmati" in latin_variants("Phoolmati")
    assert "Debi" in latin_variants("Devi") and "Suneeta" in latin_variants("Sunita")
    assert "सुनिता" in native_variants("sunItA", None, "devanagari")


def test_small_and_unusual_arguments():
    assert len(generate(1).members) == 1
    assert len(generate(60, duplicate_rate=0.0).members) == 60
    latin_only = generate(3000, seed=2, duplicate_rate=0.0, scripts={"latin": 1.0, "native": 0.0})
    assert not latin_only.members["member_name"].str.contains(DEVANAGARI).any()
    for n in (7, 40, 500):  # the row count holds whatever the mix asks for
        for mix in ({"copy": 1.0}, {"marriage": 1.0}, {"cross_village": 1.0}):
            assert len(generate(n, seed=n, duplicate_rate=0.5, kind_mix=mix).members) == n
    two = generate(2000, seed=2, state="Bihar, Odisha")
    assert set(two.members["state"]) == {"Bihar", "Odisha"}
    for bad in (dict(n_members=0), dict(n_members=10, duplicate_rate=0.9),
                dict(n_members=10, state="Narnia"), dict(n_members=10, kind_mix={"twins": 1.0})):
        with pytest.raises(ValueError):
            generate(**bad)


# ---------------------------------------------------------------- files and CLI

@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_written_files_read_back_unchanged(tmp_path, fmt):
    export = generate(800, seed=9)
    files = write_export(export, tmp_path, fmt)
    assert set(files) == {"members", "truth", "cbos", "memberships", "cbo_truth"}
    for name, path in files.items():
        if fmt == "csv":
            back = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        else:
            back = pd.read_parquet(path)
        pd.testing.assert_frame_equal(back, getattr(export, name), check_dtype=False)


def test_cli_writes_files_and_prints_a_summary(tmp_path):
    from dedup.cli import app

    runner = CliRunner()
    out = tmp_path / "export"
    result = runner.invoke(app, ["synth", "members", "--rows", "1500", "--out", str(out), "--seed", "2",
                                 "--dup-rate", "0.2"])
    assert result.exit_code == 0, result.output
    assert "duplicate pairs" in result.output and "1,500" in result.output
    members = pd.read_csv(out / "members.csv", dtype=str, keep_default_na=False)
    assert len(members) == 1500
    assert (pd.read_csv(out / "truth.csv", dtype=str)["dup_kind"] != "original").sum() == 300
    bad = runner.invoke(app, ["synth", "members", "--rows", "10", "--out", str(tmp_path / "x"), "--state", "Narnia"])
    assert bad.exit_code == 2 and "unknown state" in bad.output and "Traceback" not in bad.output
    bad = runner.invoke(app, ["synth", "members", "--rows", "10", "--out", str(tmp_path / "y"), "--format", "xls"])
    assert bad.exit_code == 2
