"""States de-duplicated one by one, then one pass across them, give what one national run
gives: the same pairs across states and the same clusters."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

from dedup.cli import app
from dedup.national import NationalError, run_national
from dedup.pipeline import RunOptions, run_members
from dedup.synthetic import generate
from ekyc.aadhaar import verhoeff_checksum_ok


@pytest.fixture(scope="module")
def state_runs(tmp_path_factory):
    """A mixed-state export split into two groups of states, with women entered again in a
    state of the other group under the same Aadhaar; each group run on its own, and the
    whole export as one run."""
    tmp = tmp_path_factory.mktemp("national")
    members = generate(5000, seed=9, state="mixed").members.copy()
    states = sorted(members["state"].dropna().unique())
    assert len(states) >= 4
    group_a = set(states[::2])
    in_a = members["state"].isin(group_a)
    digits = members["aadhaar"].fillna("").str.replace(" ", "")
    full = digits.map(lambda d: len(d) == 12 and d.isdigit() and d[0] not in "01" and verhoeff_checksum_ok(d))   # valid numbers only
    moved = []
    for i, (_, row) in enumerate(members[in_a & full].head(8).iterrows()):
        other = members[~in_a].iloc[i * 131]
        row = row.copy()
        row["member_id"] = f"XS{i:04d}"
        for col in ("state", "district", "block", "panchayat", "village", "shg_id", "shg_name"):
            row[col] = other[col]
        moved.append(row)
    # a stand-in phone and date of birth on many members of the first woman's block and on her
    # copy in the other group: not evidence there, so not evidence across runs either
    src_id = members[in_a & full].iloc[0]["member_id"]
    first = members.index[members["member_id"] == src_id][0]
    block = members.index[(members["district"] == members.at[first, "district"])
                          & (members["block"] == members.at[first, "block"])]
    stand_ins = block[block != first][:24].append(pd.Index([first]))
    members.loc[stand_ins, ["mobile", "dob"]] = ["9430512876", "15-06-1990"]
    moved[0]["mobile"], moved[0]["dob"] = "9430512876", "15-06-1990"
    members = pd.concat([members, pd.DataFrame(moved)], ignore_index=True)
    in_a = members["state"].isin(group_a)
    paths = {}
    for name, rows in (("whole", members), ("east", members[in_a]), ("west", members[~in_a])):
        paths[name] = tmp / f"{name}.csv"
        rows.to_csv(paths[name], index=False)
    runs = {name: run_members(paths[name], tmp / "runs" / name, RunOptions(tty=False))
            for name in paths}
    group = dict(zip(members["member_id"].astype(str), in_a.map({True: "east", False: "west"})))
    return tmp, runs, group, [r["member_id"] for r in moved], src_id


def _pairs(path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    return df.sort_values(["member_id_l", "member_id_r"]).reset_index(drop=True)


def test_states_one_by_one_then_across_give_the_national_runs_pairs_and_clusters(state_runs):
    tmp, runs, group, copies, first = state_runs
    summary = run_national([runs["east"].out_dir, runs["west"].out_dir], tmp / "national")

    whole = _pairs(runs["whole"].files["pairs"])
    across_whole = whole[whole["member_id_l"].map(group) != whole["member_id_r"].map(group)].reset_index(drop=True)
    across = _pairs(tmp / "national" / "pairs_across_runs.csv")
    assert len(across) >= len(copies)
    cols = ["member_id_l", "member_id_r", "duplicate_class", "rules", "flags", "aadhaar", "first_name"]
    pd.testing.assert_frame_equal(across[cols], across_whole[cols])
    assert (across["match_weight"].astype(float) - across_whole["match_weight"].astype(float)).abs().max() < 1e-3
    assert set(across["run_l"]) | set(across["run_r"]) == {"east", "west"}
    assert (across["run_l"] != across["run_r"]).all()

    # every copy in another state is found by her Aadhaar
    found = {frozenset(p) for p, c in zip(zip(across["member_id_l"], across["member_id_r"]),
                                          across["duplicate_class"]) if c == "confirmed"}
    assert all(any(c in p for p in found) for c in copies)

    # the first woman's stand-in phone and date of birth did not count across runs
    row = across.set_index(["member_id_l", "member_id_r"]).loc[tuple(sorted((first, copies[0])))]
    assert row["mobile"] != "same" and "date of birth" not in row["year_of_birth"], row.to_dict()
    assert summary["warnings"] == []      # one key, one model, the default rules, no shared districts

    # national clusters are the single run's (members with a duplicate)
    one = pd.read_csv(runs["whole"].files["clusters"], dtype=str, keep_default_na=False, encoding="utf-8-sig")
    one = one[one["cluster_class"] != "unique"].sort_values("member_id").reset_index(drop=True)
    nat = pd.read_csv(tmp / "national" / "clusters.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    nat = nat.sort_values("member_id").reset_index(drop=True)
    key = ["member_id", "cluster_id", "cluster_class", "cluster_size", "confirmed_group"]
    pd.testing.assert_frame_equal(nat[key], one[key])
    assert (nat["run"] == nat["member_id"].map(group)).all()
    spanning = nat.loc[nat["spans_runs"] == "True", "cluster_id"].nunique()
    assert summary["clusters"]["spanning_runs"] == spanning >= len(copies)
    assert summary["pairs_across_runs"]["confirmed"] == (across["duplicate_class"] == "confirmed").sum()


def test_runs_that_cannot_go_together_are_refused(state_runs, tmp_path):
    _, runs, _, _, _ = state_runs
    east = runs["east"].out_dir
    twin = tmp_path / "east-again"
    shutil.copytree(east, twin)
    with pytest.raises(NationalError, match="member IDs found in two runs"):
        run_national([east, twin], tmp_path / "n1")
    with pytest.raises(NationalError, match="at least two"):
        run_national([east], tmp_path / "n2")
    half = tmp_path / "half"
    half.mkdir()
    with pytest.raises(NationalError, match="no summary.json"):
        run_national([east, half], tmp_path / "n3")
    with pytest.raises(NationalError, match="is one of the runs"):
        run_national([east, runs["west"].out_dir], east)


def test_cli_prints_the_pass_and_explains_a_wrong_folder(state_runs, tmp_path):
    _, runs, _, copies, _ = state_runs
    runner = CliRunner()
    ok = runner.invoke(app, ["dedup", "national", str(runs["east"].out_dir), str(runs["west"].out_dir),
                             "--out", str(tmp_path / "n")])
    assert ok.exit_code == 0, ok.output
    assert "clusters spanning two or more runs" in ok.output
    shown = runner.invoke(app, ["dedup", "show-summary", str(tmp_path / "n" / "summary.json")])
    assert shown.exit_code == 0 and "clusters spanning two or more runs" in shown.output, shown.output
    bad = runner.invoke(app, ["dedup", "national", str(runs["east"].out_dir), str(tmp_path),
                              "--out", str(tmp_path / "n2")])
    assert bad.exit_code == 2 and "no summary.json" in bad.output and "Traceback" not in bad.output


def test_runs_made_with_other_keys_mixed_files_or_broken_files_are_refused(state_runs, tmp_path):
    import json

    _, runs, _, _, _ = state_runs
    east, west = runs["east"].out_dir, runs["west"].out_dir

    other_key = shutil.copytree(west, tmp_path / "west-other-key")
    summary = json.loads((other_key / "summary.json").read_text())
    summary["token_key"] = "fingerprint:k9:0123456789abcdef0123456789abcdef"
    (other_key / "summary.json").write_text(json.dumps(summary))
    with pytest.raises(NationalError, match="different keys"):
        run_national([east, other_key], tmp_path / "n1")

    mixed = shutil.copytree(west, tmp_path / "west-mixed")
    shutil.copy(east / "members.parquet", mixed / "members.parquet")
    with pytest.raises(NationalError, match="mixes files of two runs"):
        run_national([east, mixed], tmp_path / "n2")

    broken = shutil.copytree(west, tmp_path / "west-broken")
    (broken / "name_frequencies.parquet").write_bytes(b"PAR1 half a file")
    with pytest.raises(NationalError, match="name_frequencies.parquet cannot be read"):
        run_national([east, broken], tmp_path / "n3")

    not_a_summary = shutil.copytree(west, tmp_path / "west-list")
    (not_a_summary / "summary.json").write_text("[1, 2]")
    with pytest.raises(NationalError, match="not a 'pehchaan dedup members' summary"):
        run_national([east, not_a_summary], tmp_path / "n4")


def test_a_run_with_its_state_rules_and_parquet_outputs_gives_the_same_pairs_across(state_runs, tmp_path):
    tmp, runs, _, _, _ = state_runs
    east_p = run_members(tmp / "east.csv", tmp_path / "east", RunOptions(tty=False, fmt="parquet",
                                                                         state="bihar"))
    assert (east_p.out_dir / "pairs.parquet").is_file()
    summary = run_national([east_p.out_dir, runs["west"].out_dir], tmp_path / "n")
    assert any("'default' rules (runs used: bihar)" in w for w in summary["warnings"]), summary["warnings"]
    run_national([runs["east"].out_dir, runs["west"].out_dir], tmp_path / "base")
    with_csv = _pairs(tmp_path / "base" / "pairs_across_runs.csv")
    with_parquet = _pairs(tmp_path / "n" / "pairs_across_runs.csv")
    cols = ["member_id_l", "member_id_r", "duplicate_class", "match_weight"]
    pd.testing.assert_frame_equal(with_parquet[cols], with_csv[cols])


def test_runs_sharing_no_aadhaar_give_an_empty_pairs_file_and_their_own_clusters(state_runs, tmp_path):
    from dedup.pipeline import PAIRS_OUTPUT_COLUMNS

    tmp, runs, _, _, _ = state_runs
    west = pd.read_csv(tmp / "west.csv", dtype=str, keep_default_na=False).drop(columns=["aadhaar"])
    west.to_csv(tmp_path / "west.csv", index=False)
    no_aadhaar = run_members(tmp_path / "west.csv", tmp_path / "west", RunOptions(tty=False))
    summary = run_national([runs["east"].out_dir, no_aadhaar.out_dir], tmp_path / "n")
    assert summary["aadhaar_tokens_in_two_runs"] == 0
    assert any("no Aadhaar number is in two runs" in w for w in summary["warnings"])
    across = pd.read_csv(tmp_path / "n" / "pairs_across_runs.csv", dtype=str, encoding="utf-8-sig")
    assert across.empty and list(across.columns) == [*PAIRS_OUTPUT_COLUMNS[:2], "run_l", "run_r",
                                                     *PAIRS_OUTPUT_COLUMNS[2:]]
    nat = pd.read_csv(tmp_path / "n" / "clusters.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    own = [pd.read_csv(r.files["clusters"], dtype=str, keep_default_na=False, encoding="utf-8-sig")
           for r in (runs["east"], no_aadhaar)]
    expected = pd.concat([c[c.cluster_class != "unique"] for c in own]).sort_values("member_id")
    key = ["member_id", "cluster_id", "cluster_class", "confirmed_group"]
    pd.testing.assert_frame_equal(nat.sort_values("member_id")[key].reset_index(drop=True),
                                  expected[key].reset_index(drop=True))
    assert summary["clusters"]["spanning_runs"] == 0


@pytest.mark.spark
def test_the_pass_across_runs_scores_the_same_on_spark(state_runs, tmp_path):
    if not shutil.which("java"):
        pytest.fail("Java is required for the Spark engine (Java 17 is on the CI machine)")
    _, runs, _, _, _ = state_runs
    folders = [runs["east"].out_dir, runs["west"].out_dir]
    duck = run_national(folders, tmp_path / "duck")
    spark = run_national(folders, tmp_path / "spark", engine="spark")
    assert spark["pairs_across_runs"] == duck["pairs_across_runs"] and spark["clusters"] == duck["clusters"]
    a, b = _pairs(tmp_path / "duck" / "pairs_across_runs.csv"), _pairs(tmp_path / "spark" / "pairs_across_runs.csv")
    pd.testing.assert_frame_equal(a.drop(columns="match_weight"), b.drop(columns="match_weight"))
    assert (a["match_weight"].astype(float) - b["match_weight"].astype(float)).abs().max() < 1e-3
