"""An export too big for memory is scored a group of districts at a time: the same
pairs and clusters as one run, the same woman across groups still found by Aadhaar."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from dedup.engine import RULE_IDENTIFIERS
from dedup.memory import NotEnoughMemory
from dedup.partitions import CROSS_DISTRICT_KEYS, district_sizes, plan_parts
from dedup.pipeline import RunOptions, run_members
from dedup.synthetic import generate
from models.member_model import BLOCKING_RULES

DISTRICT_SCOPED = {"district_key", "block_key", "panchayat_key", "village_key"}


def test_only_the_aadhaar_token_reaches_across_districts():
    """The partitioned run is exact only while every other blocking rule stays inside a
    district; a new rule that does not would silently lose pairs across parts."""
    for rule in (*BLOCKING_RULES, *RULE_IDENTIFIERS):
        assert set(rule) & DISTRICT_SCOPED or tuple(rule) == CROSS_DISTRICT_KEYS, rule


def _sizes(rows: dict) -> pd.DataFrame:
    return pd.DataFrame([{"raw": k, "key": v[0], "rows": v[1]} for k, v in rows.items()])


def test_parts_hold_whole_districts_packed_biggest_first():
    sizes = _sizes({"Saran": ("saran", 500), " SARAN": ("saran", 200), "Patna": ("patna", 600),
                    "Gaya": ("gaya", 300), None: ("(no district)", 100)})
    parts = plan_parts(sizes, 800)
    # first fit, biggest first: saran (700), patna (600), gaya (300), then the 100 rows
    # without a district fill saran's part
    assert [p.rows for p in parts] == [700 + 100, 600, 300]
    assert set(parts[0].districts) == {"saran", "(no district)"}
    assert set(parts[0].raw) == {"Saran", " SARAN", None}
    assert parts[1].districts == ("patna",) and parts[2].districts == ("gaya",)
    assert sum(p.rows for p in parts) == 1700
    # the biggest part comes first (--train trains on it)
    four = plan_parts(_sizes({"a": ("a", 600), "b": ("b", 550), "c": ("c", 450), "d": ("d", 300)}), 1000)
    assert [p.rows for p in four] == [1000, 900] and four[0].districts == ("b", "c")
    # everything fits: one part
    assert len(plan_parts(sizes, None)) == 1 and plan_parts(sizes, None)[0].rows == 1700


def test_a_district_bigger_than_a_part_stops_with_a_message():
    sizes = _sizes({"Saran": ("saran", 5000), "Gaya": ("gaya", 300)})
    with pytest.raises(NotEnoughMemory) as e:
        plan_parts(sizes, 1000)
    assert "'Saran'" in e.value.message and "5,000" in e.value.message  # as written, not its key


@pytest.fixture(scope="module")
def export_across_districts(tmp_path_factory):
    """Mixed-state rows (16 districts), one district partly spelt another way, and women
    entered again in another district with the same Aadhaar."""
    tmp = tmp_path_factory.mktemp("parts")
    export = generate(6000, seed=5, state="mixed")
    members = export.members.copy()
    ranchi = members.index[members["district"] == "Ranchi"]
    members.loc[ranchi[::3], "district"] = " RANCHI"   # the same district key
    with_aadhaar = members[members["aadhaar"].str.replace(" ", "").str.fullmatch(r"\d{12}", na=False)]
    src = with_aadhaar.groupby("district").head(1).head(6)
    moved = []
    for i, (_, row) in enumerate(src.iterrows()):
        other = members[members["district"] != row["district"]].iloc[i * 97]
        row = row.copy()
        row["member_id"] = f"XD{i:04d}"
        for col in ("state", "district", "block", "panchayat", "village", "shg_id", "shg_name"):
            row[col] = other[col]
        moved.append(row)
    # A stand-in phone and date of birth typed on many members of the first woman's block
    # (placeholders: not used as evidence there) and on her copy in another district: the
    # pair across parts must be scored without them, as one run scores it.
    first = members.index[members["member_id"] == src["member_id"].iloc[0]][0]
    block = members.index[(members["district"] == members.at[first, "district"])
                          & (members["block"] == members.at[first, "block"])]
    stand_ins = block[block != first][:24].append(pd.Index([first]))
    assert len(stand_ins) == 25
    members.loc[stand_ins, "mobile"] = "9430512876"
    members.loc[stand_ins, "dob"] = "15-06-1990"
    moved[0]["mobile"], moved[0]["dob"] = "9430512876", "15-06-1990"
    members = pd.concat([members, pd.DataFrame(moved)], ignore_index=True)
    path = tmp / "members.csv"
    members.to_csv(path, index=False)
    return path, src["member_id"].tolist(), [r["member_id"] for r in moved]


def test_a_split_run_gives_the_same_pairs_and_clusters_as_one_run(export_across_districts, tmp_path):
    path, originals, copies = export_across_districts
    one = run_members(path, tmp_path / "one", RunOptions(tty=False))
    split = run_members(path, tmp_path / "split", RunOptions(tty=False, max_rows_per_part=2000))
    assert len(one.summary["parts"]) == 1
    assert len(split.summary["parts"]) >= 3
    assert sum(p["rows"] for p in split.summary["parts"]) == one.summary["rows_accepted"]
    for name in ("pairs.csv", "clusters.csv"):
        a = pd.read_csv(tmp_path / "one" / name, dtype=str)
        b = pd.read_csv(tmp_path / "split" / name, dtype=str)
        pd.testing.assert_frame_equal(a, b, check_exact=True, obj=name)
    a = pd.read_parquet(tmp_path / "one" / "name_frequencies.parquet")
    b = pd.read_parquet(tmp_path / "split" / "name_frequencies.parquet")
    key = list(a.columns[:2])
    pd.testing.assert_frame_equal(a.sort_values(key).reset_index(drop=True),
                                  b.sort_values(key).reset_index(drop=True))
    for k in ("pairs_compared", "pairs", "clusters", "flags", "by_block"):
        assert one.summary[k] == split.summary[k], k

    # the women entered again in another district were found across parts, by Aadhaar
    pairs = pd.read_csv(tmp_path / "split" / "pairs.csv", dtype=str)
    found = {frozenset(p) for p in zip(pairs["member_id_l"], pairs["member_id_r"])
             if "same_aadhaar" in str(pairs.set_index(["member_id_l", "member_id_r"]).loc[p, "rules"])}
    assert {frozenset(p) for p in zip(originals, copies)} <= found
    m = pd.read_parquet(tmp_path / "split" / "members.parquet", columns=["member_id", "district"])
    part = {d: p["part"] for p in split.summary["parts"] for d in p["district_names"]}  # as written
    part_of = dict(zip(m["member_id"], m["district"].map(part)))
    assert not pd.isna(list(part_of.values())).any()
    across = [(a, b) for a, b in zip(originals, copies) if part_of[a] != part_of[b]]
    assert len(across) >= 3, "the copies must sit in other parts for this test to mean anything"
    # the stand-in phone and date of birth of the first woman's block were not evidence,
    # across parts as in one run
    assert part_of[originals[0]] != part_of[copies[0]]
    assert {p["field"] for p in split.summary["placeholders"]} >= {"mobile", "date of birth"}
    first = pairs.set_index(["member_id_l", "member_id_r"]).loc[tuple(sorted((originals[0], copies[0])))]
    assert first["mobile"] != "same" and "date of birth" not in first["year_of_birth"], first.to_dict()
    # and the report shows its examples as the single run does
    assert (tmp_path / "split" / "report.html").read_text() == (tmp_path / "one" / "report.html").read_text() \
        .replace(str(tmp_path / "one"), str(tmp_path / "split"))


def test_district_spellings_make_one_part(export_across_districts, tmp_path):
    path, _, _ = export_across_districts
    from dedup.importer import import_members
    imported = import_members(path, tmp_path)
    sizes = district_sizes(imported.members_path)
    ranchi = sizes[sizes["key"] == sizes.loc[sizes["raw"] == "Ranchi", "key"].iloc[0]]
    assert set(ranchi["raw"]) == {"Ranchi", "RANCHI"} or set(ranchi["raw"]) == {"Ranchi", " RANCHI"}
    parts = plan_parts(sizes, 2000)
    holding = [p for p in parts if "Ranchi" in p.raw]
    assert len(holding) == 1 and len(set(holding[0].raw) & set(ranchi["raw"])) == 2


def test_cli_scores_in_parts_when_memory_is_short(export_across_districts, tmp_path, monkeypatch):
    """The whole export does not fit, a district does: the run splits itself, exit 0."""
    import dedup.memory as memory
    from typer.testing import CliRunner

    from dedup.cli import app

    path, _, _ = export_across_districts
    rows = 6006
    # room for the kept columns and about 2,500 rows scored at once
    free = memory.BASE_BYTES + rows * memory.KEPT_BYTES_PER_ROW + 2_500 * memory.BYTES_PER_ROW
    monkeypatch.setattr(memory, "available_bytes", lambda: free)
    res = CliRunner().invoke(app, ["dedup", "members", str(path), "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert len(summary["parts"]) >= 3 and max(p["rows"] for p in summary["parts"]) <= 2_500
    assert "scored in parts" in res.output


def test_train_on_a_split_export_trains_on_the_biggest_part(export_across_districts, tmp_path):
    path, _, _ = export_across_districts
    res = run_members(path, tmp_path / "out", RunOptions(tty=False, train=True, max_rows_per_part=2500))
    assert len(res.summary["parts"]) >= 3
    card = (tmp_path / "out" / "model.md").read_text()
    biggest = res.summary["parts"][0]["rows"]
    assert biggest == max(p["rows"] for p in res.summary["parts"])
    assert f"{biggest:,}" in card or str(biggest) in card
    assert res.summary["pairs"]["confirmed"] > 0
