"""`pehchaan dedup members`: bad input gets a clear message and a non-zero exit, never a traceback."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from dedup.cli import app

runner = CliRunner()
HEADER = "member_id,member_name,village,block,district,age\n"


def _run(*args):
    return runner.invoke(app, ["dedup", "members", *map(str, args)])


def _no_traceback(res):
    text = (res.output or "") + (res.stderr if res.stderr_bytes is not None else "")
    assert "Traceback" not in text
    assert res.exception is None or isinstance(res.exception, SystemExit)
    return text


@pytest.mark.parametrize("content,needle", [
    (b"", "empty"),
    (HEADER.encode(), "header"),
    (b"\xff\xfe\x00\xd8garbage\x00\x00\xff" * 50, "encoding"),
    (b"just some words, not a table at all", "member_id"),
])
def test_whole_file_problems_exit_2_with_a_message(tmp_path, content, needle):
    f = tmp_path / "export.csv"
    f.write_bytes(content)
    res = _run(f, "--out", tmp_path / "out")
    text = _no_traceback(res)
    assert res.exit_code == 2, text
    assert needle.lower() in text.lower()
    assert not (tmp_path / "out" / "summary.json").exists()


def test_all_names_empty_is_no_usable_rows(tmp_path):
    f = tmp_path / "export.csv"
    ids = [f"M{i}" for i in range(20)]
    f.write_text(HEADER + "".join(f"{m},,Rampur,Bodhgaya,Gaya,30\n" for m in ids))
    res = _run(f, "--out", tmp_path / "out")
    text = _no_traceback(res)
    assert res.exit_code == 3
    assert "no usable" in " ".join(text.lower().split())
    # Nothing is lost: every row is in rejects, once, for its empty name.
    rejects = pd.read_csv(tmp_path / "out" / "rejects.csv", encoding="utf-8-sig", dtype=str)
    assert len(rejects) == len(ids)
    assert sorted(rejects["member_id"]) == sorted(ids)
    assert set(rejects["column"]) == {"member_name"}


def test_duplicate_member_ids_are_rejected_not_dropped(tmp_path):
    f = tmp_path / "export.csv"
    rows = [f"M{i},Sunita Devi,Rampur,Bodhgaya,Gaya,{30 + i % 20}\n" for i in range(60)]
    rows.append("M5,Anita Kumari,Rampur,Bodhgaya,Gaya,22\n")
    f.write_text(HEADER + "".join(rows))
    res = _run(f, "--out", tmp_path / "out")
    _no_traceback(res)
    assert res.exit_code == 0, res.output
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["rows_read"] == 61 and summary["rows_rejected"] == 1 and summary["rows_accepted"] == 60
    assert "Anita Kumari" in (tmp_path / "out" / "rejects.csv").read_text(encoding="utf-8-sig")


def test_missing_input_model_and_bad_rules(tmp_path):
    res = _run(tmp_path / "nope.csv", "--out", tmp_path / "out")
    assert res.exit_code == 2 and "Traceback" not in res.output
    f = tmp_path / "export.csv"
    f.write_text(HEADER + "M1,Sunita Devi,Rampur,Bodhgaya,Gaya,30\n")
    res = _run(f, "--out", tmp_path / "out", "--model", tmp_path / "missing.json")
    assert res.exit_code == 2 and "Model file cannot be used" in res.output
    bad = tmp_path / "rules.yaml"
    bad.write_text("potential_threshold: 7\n")
    res = _run(f, "--out", tmp_path / "out", "--rules", bad)
    assert res.exit_code == 2 and "between 0 and 1" in res.output


def test_cli_run_writes_outputs_and_prints_summary(small_export, tmp_path):
    _, files = small_export
    res = _run(files["members"], "--out", tmp_path / "out", "--format", "parquet", "--state", "bihar")
    assert res.exit_code == 0, res.output
    assert "pairs compared" in res.output and "confirmed" in res.output
    assert (tmp_path / "out" / "pairs.parquet").exists() and (tmp_path / "out" / "clusters.parquet").exists()
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["rules"] == "bihar"
    shown = runner.invoke(app, ["dedup", "show-summary", str(tmp_path / "out")])
    assert shown.exit_code == 0 and "surplus records" in shown.output
    # the summary file itself will do too; a file that is not one is told so, not a traceback
    assert runner.invoke(app, ["dedup", "show-summary", str(tmp_path / "out" / "summary.json")]).exit_code == 0
    (tmp_path / "other.json").write_text("[1, 2]")
    bad = runner.invoke(app, ["dedup", "show-summary", str(tmp_path / "other.json")])
    assert bad.exit_code == 2 and "not a Pehchaan summary" in bad.output and "Traceback" not in bad.output


def test_user_mistakes_never_give_a_traceback(small_export, tmp_path):
    _, files = small_export
    members = files["members"]
    a_file = tmp_path / "afile"
    a_file.write_text("x")
    res = _run(members, "--out", a_file)
    assert res.exit_code == 2 and "must be a folder" in res.output
    bad_json = tmp_path / "m.json"
    bad_json.write_text("{not json")
    res = _run(members, "--out", tmp_path / "o", "--model", bad_json)
    assert res.exit_code == 2 and "not a JSON file" in res.output
    bad_json.write_text("{}")
    res = _run(members, "--out", tmp_path / "o", "--model", bad_json)
    assert res.exit_code == 2 and "not a Splink model" in res.output
    res = _run(members, "--out", tmp_path / "o", "--model", tmp_path)
    assert res.exit_code == 2 and "not a file" in res.output
    res = _run(members, "--out", tmp_path / "o", "--cbos", tmp_path / "nope.csv")
    assert res.exit_code == 2 and "CBO file not found" in res.output
    rules = tmp_path / "r.yaml"
    rules.write_text("potential:\n  - name: r\n    when: [aadhaar]\n")
    res = _run(members, "--out", tmp_path / "o", "--rules", rules)
    assert res.exit_code == 2 and "[potential]" in res.output     # markup must not eat text
    rules.write_text("potential:\n  - name: r\n    min_probability: high\n")
    res = _run(members, "--out", tmp_path / "o", "--rules", rules)
    assert res.exit_code == 2 and "min_probability" in res.output


def test_train_without_any_shared_aadhaar_is_a_clear_error(tmp_path):
    f = tmp_path / "export.csv"
    f.write_text(HEADER + "M1,Sunita Devi,Rampur,Bodhgaya,Gaya,30\nM2,Anita Devi,Sitapur,Bodhgaya,Gaya,40\n")
    res = _run(f, "--out", tmp_path / "out", "--train")
    assert res.exit_code == 2 and "Cannot train" in res.output, res.output


def test_missing_block_columns_are_warned_about(tmp_path):
    f = tmp_path / "export.csv"
    f.write_text("member_id,member_name,age\n" + "".join(f"M{i},Sunita Devi,{30 + i}\n" for i in range(10)))
    res = _run(f, "--out", tmp_path / "out")
    assert res.exit_code == 0
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["warnings"] and "have no block" in summary["warnings"][0]
    assert "Warning" in res.output


def test_a_failed_rerun_leaves_no_old_results(small_export, tmp_path):
    _, files = small_export
    assert _run(files["members"], "--out", tmp_path / "out").exit_code == 0
    assert (tmp_path / "out" / "pairs.csv").exists()
    empty = tmp_path / "empty.csv"
    empty.write_text(HEADER + "M1,,Rampur,Bodhgaya,Gaya,30\n")
    assert _run(empty, "--out", tmp_path / "out").exit_code == 3
    assert not (tmp_path / "out" / "pairs.csv").exists() and not (tmp_path / "out" / "report.html").exists()


def test_an_export_too_big_for_this_machine_stops_with_a_message_not_a_kill(tmp_path, monkeypatch):
    """Stands in for a 2 GB export on a small machine: import finishes (bounded chunks),
    then the run says how much memory scoring needs instead of being killed by the kernel."""
    import dedup.memory as memory

    f = tmp_path / "export.csv"
    f.write_text(HEADER + "".join(f"M{i},Sunita Devi {i},Rampur,Parsa,Saran,30\n" for i in range(500)))
    monkeypatch.setattr(memory, "available_bytes", lambda: 200 * 2**20)
    res = _run(f, "--out", tmp_path / "out")
    text = _no_traceback(res)
    assert res.exit_code == 2, text
    assert "memory" in text.lower() and "500 member rows" in text
    assert (tmp_path / "out" / "rejects.csv").exists()            # the import's own results are kept
    assert not (tmp_path / "out" / "summary.json").exists()
    # the check can be switched off, and the same file then runs
    monkeypatch.setenv("PEHCHAAN_MEMORY_CHECK", "off")
    assert _run(f, "--out", tmp_path / "out").exit_code == 0


def test_memory_need_grows_with_rows_and_a_normal_export_fits_here():
    import dedup.memory as memory

    assert memory.needed_bytes(1_000_000) > 6 * 2**30 > memory.needed_bytes(100_000)
    free = memory.available_bytes()
    assert free is None or free > 0
    assert memory.budget_rows_per_part(1_000) is None    # a small export is scored in one part


def test_an_input_kept_among_the_outputs_is_refused_not_deleted(small_export, tmp_path):
    """A corrected rejects.csv imported again from its own folder, or a mistyped input
    path, must cost nothing: the run stops before it deletes an earlier run's results."""
    _, files = small_export
    out = tmp_path / "out"
    assert _run(files["members"], "--out", out).exit_code == 0
    pairs_before = (out / "pairs.csv").read_bytes()
    corrected = out / "rejects.csv"
    corrected.write_text(HEADER + "M1,Sunita Devi,Rampur,Bodhgaya,Gaya,30\n")
    res = _run(corrected, "--out", out)
    text = _no_traceback(res)
    assert res.exit_code == 2 and "would delete it" in " ".join(text.split())
    assert corrected.read_text() == HEADER + "M1,Sunita Devi,Rampur,Bodhgaya,Gaya,30\n"
    res = _run(tmp_path / "typo.csv", "--out", out)
    assert res.exit_code == 2 and "not found" in res.output
    assert (out / "pairs.csv").read_bytes() == pairs_before     # the last run's results are kept
    imported = tmp_path / "imp" / "members_rejects.csv"
    imported.parent.mkdir()
    imported.write_text(HEADER + "M1,Sunita Devi,Rampur,Bodhgaya,Gaya,30\n")
    res = runner.invoke(app, ["import", "members", str(imported), "--out", str(imported.parent)])
    assert res.exit_code != 0 and "overwritten" in " ".join(res.output.split())
    assert imported.read_text().count("\n") == 2


def test_conflicting_or_impossible_options_are_refused(tmp_path):
    f = tmp_path / "export.csv"
    f.write_text(HEADER + "M1,Sunita Devi,Rampur,Bodhgaya,Gaya,30\n")
    res = _run(f, "--out", tmp_path / "o", "--state", "bihar", "--rules", tmp_path / "x.yaml")
    assert res.exit_code == 2 and "not both" in res.output
    res = _run(f, "--out", tmp_path / "o", "--state", " ")
    assert res.exit_code == 2 and "--state is empty" in res.output
    for year in ("26", "-5", "99999"):   # ages would give birth years like 26 - 45 = -19
        res = _run(f, "--out", tmp_path / "o", "--as-of-year", year)
        assert res.exit_code == 2 and "as-of-year" in res.output.replace("─", "").replace("\n", "")


def test_unplaced_columns_are_reported_with_what_they_look_like(small_export, tmp_path):
    """An Aadhaar column under a spelling the alias table lacks would otherwise simply
    go unused: no confirmed pairs, and nothing said."""
    import pandas as pd

    export, _ = small_export
    f = tmp_path / "renamed.csv"
    export.members.head(300).rename(columns={"aadhaar": "Aadhar Card Numbr", "village": "Village/Habitation"}) \
        .to_csv(f, index=False)
    res = _run(f, "--out", tmp_path / "out")
    assert res.exit_code == 0, res.output
    notes = json.loads((tmp_path / "out" / "summary.json").read_text())["import_notes"]
    assert any("Aadhar Card Numbr (looks like aadhaar" in n for n in notes), notes
    assert not any("Village/Habitation" in n for n in notes)       # a known alias now
    assert "Note on the file" in res.output
    assert pd.read_parquet(tmp_path / "out" / "members.parquet")["village"].notna().any()


def test_a_cbo_file_that_links_no_shg_to_a_vo_is_warned_about(small_export, tmp_path):
    import pandas as pd

    _, files = small_export
    cbos = pd.read_csv(files["cbos"], dtype=str, keep_default_na=False)
    linked = _run(files["members"], "--out", tmp_path / "ok", "--cbos", files["cbos"])
    assert linked.exit_code == 0 and not json.loads((tmp_path / "ok" / "summary.json").read_text())["warnings"]
    cbos.drop(columns=["parent_id"]).to_csv(tmp_path / "no_parent.csv", index=False)
    res = _run(files["members"], "--out", tmp_path / "out", "--cbos", tmp_path / "no_parent.csv")
    assert res.exit_code == 0
    warnings = json.loads((tmp_path / "out" / "summary.json").read_text())["warnings"]
    assert any("without a parent VO" in w for w in warnings), warnings
    res = _run(files["members"], "--out", tmp_path / "o2", "--cbos", files["members"])
    assert res.exit_code == 2 and "CBO file (--cbos)" in res.output
    assert not (tmp_path / "o2" / "pairs.csv").exists()
