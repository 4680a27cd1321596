"""Bad input (issue 3 section 5): a clear message and a non-zero exit, never a stack trace;
or, for a huge file, bounded memory."""
from __future__ import annotations

import csv
import random
import tracemalloc
import zipfile

import pytest
from typer.testing import CliRunner

import dedup.importer as importer
from dedup.cli import app
from dedup.importer import ExportFileError, import_members

runner = CliRunner()


def run(*args):
    return runner.invoke(app, ["import", *map(str, args)])


def assert_clean_failure(result, code, *phrases):
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output, result.output
    assert "Traceback" not in result.stderr, result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    for phrase in phrases:
        assert phrase in result.stderr, result.stderr


def no_outputs(out_dir) -> bool:
    return not out_dir.exists() or not any(out_dir.iterdir())


@pytest.mark.parametrize("content, phrase", [
    (b"", "is empty"),
    (b"  \r\n\r\n \n", "is empty"),
    (b"Member ID,Member Name\r\n", "has a header row but no data rows"),
    (b"Member ID,Member Name\r\n\r\n,\r\n", "has a header row but no data rows"),
    (b"\xef\xbb\xbfMember ID,Member Name\r\n", "has a header row but no data rows"),
    (b"Dear Sir,\nplease find the member list attached.\nRegards\n", "no column for member_id"),
    (b"This is the member list\nsee attachment\n", "does not look like a table"),
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "is a PDF document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Excel 97-2003 (.xls)"),
    (b"<html><body><table><tr><td>Member ID</td></tr></table></body></html>", "web page (HTML)"),
    (b"\x1f\x8b\x08\x00" + b"\x00" * 20, "gzip"),
    (b"Member ID,Member Name\x00\x01\x02\x00\x05binary\x00", "not a text table"),
])
def test_whole_file_problems_exit_2_with_a_message(tmp_path, content, phrase):
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    result = run("members", path, "--out", tmp_path / "out")
    assert_clean_failure(result, 2, phrase)
    assert no_outputs(tmp_path / "out")


def test_random_bytes_are_an_unknown_encoding(tmp_path):
    rnd = random.Random(3)
    path = tmp_path / "garbage.csv"
    path.write_bytes(bytes(rnd.randrange(0x80, 0x100) for _ in range(5000)))
    assert_clean_failure(run("members", path, "--out", tmp_path / "out"), 2,
                         "Cannot tell which text encoding", "CSV UTF-8")


def test_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "members.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("members.csv", "Member ID,Member Name\nM1,A\n")
    assert_clean_failure(run("members", path, "--out", tmp_path / "out"), 2, "ZIP archive")


def test_missing_required_columns_are_named_with_the_columns_found(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("Member ID,Village,Mobile No\nM1,Rampur,9876543210\n", encoding="utf-8")
    result = run("members", path, "--out", tmp_path / "out")
    assert_clean_failure(result, 2, "no column for member_name", '"Member ID", "Village", "Mobile No"',
                         '"Member Name"')
    with pytest.raises(ExportFileError) as e:
        import_members(path, tmp_path / "out")
    assert "member_name" in e.value.message and "member_id," not in e.value.message


def test_missing_file_and_folder(tmp_path):
    assert_clean_failure(run("members", tmp_path / "nope.csv", "--out", tmp_path / "out"), 2,
                         "File not found")
    assert_clean_failure(run("cbos", tmp_path, "--out", tmp_path / "out"), 2, "is a folder")


def test_output_folder_that_cannot_be_written(tmp_path):
    src = tmp_path / "m.csv"
    src.write_text("Member ID,Member Name\nM1,A\n", encoding="utf-8")
    blocker = tmp_path / "out"
    blocker.write_text("a file where the folder should be")
    assert_clean_failure(run("members", src, "--out", blocker), 2, "File exists")


def test_latin1_file_is_read_with_a_guess_and_says_so(tmp_path):
    path = tmp_path / "latin.csv"
    rows = "".join(f"M{i},José Müller {i},Señora Village\n" for i in range(30))
    path.write_bytes(("Member ID,Member Name,Village\n" + rows).encode("latin-1"))
    res = import_members(path, tmp_path / "out")
    assert res.rows_accepted == 30
    assert res.load()["member_name"].iloc[0] == "José Müller 0"
    assert any("not UTF-8" in n and "a guess" in n for n in res.notes)


def test_broken_utf8_after_the_sample_fails_cleanly_and_leaves_no_files(tmp_path):
    path = tmp_path / "big.csv"
    good = "".join(f"M{i},Sunita Devi {i},गाँव\n" for i in range(20000))  # > the 256 KB sample
    path.write_bytes(("Member ID,Member Name,Village\n" + good).encode("utf-8") + b"M99,Bad \xff\xfe name,X\n")
    result = run("members", path, "--out", tmp_path / "out", "--chunk-rows", "1000")
    assert_clean_failure(result, 2, "is not valid utf-8 text near line", "CSV UTF-8")
    assert no_outputs(tmp_path / "out")  # chunks already processed were in temp files only


def test_unclosed_quote_stops_with_the_line(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text('Member ID,Member Name\nM1,"Sunita\nM2,Geeta\nM3,Rekha\n', encoding="utf-8")
    assert_clean_failure(run("members", path, "--out", tmp_path / "out"), 2,
                         "quote mark", "never closed")


def test_duplicate_member_ids_are_rejected_and_exit_0(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("Member ID,Member Name\nM1,Sunita\nM2,Geeta\nM1,Sunita again\nM1,Third\n",
                    encoding="utf-8")
    result = run("members", path, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "duplicate member ID" in result.stdout and "members_rejects.csv" in result.stdout
    rejects = (tmp_path / "out" / "members_rejects.csv").read_text(encoding="utf-8-sig")
    assert rejects.count("already used in row 2") == 2


def test_all_names_empty_means_no_usable_rows_exit_3(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("Member ID,Member Name,Village\n" + "".join(f"M{i},,V\n" for i in range(25)),
                    encoding="utf-8")
    result = run("members", path, "--out", tmp_path / "out")
    assert_clean_failure(result, 3, "no usable rows", "all 25 rows were rejected", "member name is empty")
    assert "rejected (whole row)" in result.stdout            # the summary is still shown
    rejects = (tmp_path / "out" / "members_rejects.csv").read_text(encoding="utf-8-sig")
    assert len(rejects.strip().splitlines()) == 26           # and every row is kept aside


def test_no_rejects_still_writes_header_only_files(tmp_path):
    path = tmp_path / "ok.csv"
    path.write_text("Member ID,Member Name\nM1,Sunita\n", encoding="utf-8")
    res = import_members(path, tmp_path / "out")
    assert res.rejects_path.read_text(encoding="utf-8-sig").strip() == "row,column,reason,Member ID,Member Name,extra_fields"
    assert res.issues_path.read_text(encoding="utf-8-sig").strip().startswith("row,member_id,column")


def _big_csv(path, n):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Member ID", "Member Name", "Husband/Father Name", "Village", "Date of Birth",
                    "Mobile No", "Gram Panchayat", "Block"])
        for i in range(n):
            w.writerow([f"M{i:07d}", f"Member name number {i}", f"Husband name number {i}",
                        f"Village {i % 300}", f"{1 + i % 28:02d}/{1 + i % 12:02d}/{1950 + i % 50}",
                        f"9{i:09d}", f"Panchayat {i % 50}", f"Block {i % 7}"])
    return path


def _peak(path, out, chunk_rows):
    tracemalloc.start()
    try:
        res = import_members(path, out, chunk_rows=chunk_rows, workers=0)
        return res, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_large_file_is_read_in_bounded_chunks(tmp_path):
    """Stands in for a 2 GB export: memory follows chunk_rows, not the file size."""
    n = 20_000
    path = _big_csv(tmp_path / "big.csv", n)
    small, peak_small = _peak(path, tmp_path / "a", 1_000)
    assert small.chunks == n // 1_000 and small.max_chunk_rows <= 1_000
    assert small.rows_read == small.rows_accepted == n
    big, peak_big = _peak(path, tmp_path / "b", n)
    assert big.chunks == 1
    # the only state kept across chunks is the set of member IDs seen
    assert peak_small < peak_big / 3, (peak_small, peak_big)
    assert small.load()["member_id"].is_unique and len(small.load()) == n


def test_a_run_that_dies_half_way_leaves_the_previous_files_untouched(tmp_path, monkeypatch):
    path = _big_csv(tmp_path / "m.csv", 3_000)
    out = tmp_path / "out"
    first = import_members(path, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    calls = {"n": 0}
    real = importer._members_chunk

    def dies_on_second_chunk(ch, ctx, tokens=None):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # the operator pressed Ctrl-C
        return real(ch, ctx, tokens)

    monkeypatch.setattr(importer, "_members_chunk", dies_on_second_chunk)
    with pytest.raises(KeyboardInterrupt):
        import_members(path, out, chunk_rows=1_000)
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    assert after == before            # no half-written file, no leftover temp file
    assert first.rows_accepted == 3_000
