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
    members = pd.concat([members, pd.DataFrame(moved)], ignore_index=True)
    in_a = members["state"].isin(group_a)
    paths = {}
    for name, rows in (("whole", members), ("east", members[in_a]), ("west", members[~in_a])):
        paths[name] = tmp / f"{name}.csv"
        rows.to_csv(paths[name], index=False)
    runs = {name: run_members(paths[name], tmp / "runs" / name, RunOptions(tty=False))
            for name in paths}
    group = dict(zip(members["member_id"].astype(str), in_a.map({True: "east", False: "west"})))
    return tmp, runs, group, [r["member_id"] for r in moved]


def _pairs(path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    return df.sort_values(["member_id_l", "member_id_r"]).reset_index(drop=True)


def test_states_one_by_one_then_across_give_the_national_runs_pairs_and_clusters(state_runs):
    tmp, runs, group, copies = state_runs
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
    _, runs, _, _ = state_runs
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
    _, runs, _, copies = state_runs
    runner = CliRunner()
    ok = runner.invoke(app, ["dedup", "national", str(runs["east"].out_dir), str(runs["west"].out_dir),
                             "--out", str(tmp_path / "n")])
    assert ok.exit_code == 0, ok.output
    assert "clusters spanning two or more runs" in ok.output
    bad = runner.invoke(app, ["dedup", "national", str(runs["east"].out_dir), str(tmp_path),
                              "--out", str(tmp_path / "n2")])
    assert bad.exit_code == 2 and "no summary.json" in bad.output and "Traceback" not in bad.output
