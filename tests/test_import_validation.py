"""Rejected rows vs field problems, row numbers a person finds in Excel, CBOs and memberships."""
from __future__ import annotations

import pandas as pd
import pyarrow.parquet as pq
import pytest
from pydantic import TypeAdapter

from dedup.importer import (CleanMember, FieldIssue, import_cbos, import_members, import_memberships,
                            read_members_frame)
from ekyc.aadhaar import verhoeff_check_digit


def aadhaar(first11: str) -> str:
    return first11 + verhoeff_check_digit(first11)


GOOD = aadhaar("34567890123")
WRONG_CHECK = GOOD[:-1] + str((int(GOOD[-1]) + 1) % 10)

MEMBERS_CSV = f"""Member ID,Member Name,Relation,Husband/Father Name,Sex,Date of Birth,Mobile No,Aadhaar No.,Account No,IFSC Code,Village
M1,Sunita Devi,W/O,Ramesh,F,15/03/1985,9876543210,{GOOD},123456789012,SBIN0001234,Rampur
M2,Geeta,Husband,Mohan,Female,31/02/1990,98765,{WRONG_CHECK},12AB,SBIN123,Rampur

M1,Copy of Sunita,,,,,,,,,Rampur
,No ID,,,,,,,,,Rampur
M4,,,,,,,,,,Rampur
M5,"Kamla
Bai",Father,Shyam,X,1985-13-01,,XXXX XXXX 1234,,,Rampur
M6,Too,many,values,F,,,,,,Rampur,extra
M7,Short row
M8,????,,,,,,,,,Rampur
M9,Rekha,Brother,Raju,M,,5876543210,1234,,,"Ram,pur"
"""


@pytest.fixture
def imported(tmp_path):
    path = tmp_path / "members.csv"
    path.write_text(MEMBERS_CSV, encoding="utf-8")
    return import_members(path, tmp_path / "out", as_of_year=2024)


def test_counts_and_nothing_silently_dropped(imported):
    res = imported
    assert res.rows_read == 10 and res.blank_rows == 1
    assert res.rows_read == res.rows_accepted + res.rows_rejected
    assert (res.rows_accepted, res.rows_rejected) == (4, 6)
    clean, rejects = res.load(), res.load_rejects()
    seen = sorted(clean["source_row"].tolist() + rejects["row"].astype(int).tolist())
    # every non-blank row of the file is either clean or rejected, exactly once
    # (row 4 is blank; the line break inside M5's name does not start a new row)
    assert seen == [2, 3, 5, 6, 7, 8, 9, 10, 11, 12]


def test_rejects_have_excel_row_numbers_columns_and_reasons(imported):
    rejects = imported.load_rejects()
    got = {int(r): (c, reason) for r, c, reason in rejects[["row", "column", "reason"]].values}
    assert got[5] == ("Member ID", "member ID M1 is already used in row 2; that first row was kept")
    assert got[6] == ("Member ID", "member ID is empty; it is required")
    assert got[7] == ("Member Name", "member name is empty; it is required")
    assert got[9][0] == "(whole row)" and "beyond the last titled column (12 values, 11 columns)" in got[9][1]
    assert got[10][0] == "(whole row)" and "2 values but the header has 11 columns" in got[10][1]
    assert got[11][0] == "Member Name" and "question marks" in got[11][1]
    # the original row is kept, under its original headers, so it can be fixed and re-imported
    row5 = rejects[rejects["row"] == "5"].iloc[0]
    assert row5["Member Name"] == "Copy of Sunita" and row5["Village"] == "Rampur"
    assert rejects[rejects["row"] == "9"].iloc[0]["extra_fields"] == "extra"
    assert imported.reject_reasons["Member ID: duplicate member ID"] == 1


def test_field_problems_keep_the_row_and_blank_only_that_field(imported):
    clean = imported.load().set_index("member_id")
    m2 = clean.loc["M2"]
    assert m2["member_name"] == "Geeta" and m2["relation_type"] == "husband" and m2["gender"] == "F"
    assert m2["dob"] is None and m2["mobile"] is None and m2["ifsc"] is None
    assert m2["aadhaar_kind"] == "invalid" and m2["aadhaar_token"] is None and m2["aadhaar_last4"] is None
    assert m2["bank_token"] is None and m2["village"] == "Rampur"
    m5 = clean.loc["M5"]
    assert m5["member_name"] == "Kamla\nBai"           # a line break inside a cell: still one row
    assert m5["aadhaar_kind"] == "masked" and m5["aadhaar_last4"] == "1234"
    assert m5["gender"] is None and m5["relation_type"] == "father"
    m9 = clean.loc["M9"]
    assert m9["village"] == "Ram,pur" and m9["relation_type"] is None and m9["mobile"] is None


def test_issues_file_says_row_column_value_and_why(imported):
    issues = imported.load_issues()
    assert list(issues.columns) == ["row", "member_id", "column", "field", "value", "reason", "severity"]
    got = {(int(r), f): (v, why) for r, f, v, why in issues[["row", "field", "value", "reason"]].values}
    assert got[(3, "dob")] == ("31/02/1990", "February 1990 has 28 days, not 31")
    assert got[(3, "mobile")] == ("98765", "mobile must have 10 digits; this has 5")
    assert got[(3, "aadhaar")] == ("(invalid, hidden)", "Aadhaar check digit is wrong (typing error?)")
    assert got[(3, "bank_account")][0] == "(invalid, hidden)"
    assert "only digits" in got[(3, "bank_account")][1]
    assert got[(3, "ifsc")][0] == "SBIN123" and "IFSC must be" in got[(3, "ifsc")][1]
    assert got[(8, "gender")][1].startswith("gender not recognised")
    assert got[(8, "dob")][1].startswith("month 13 does not exist")
    assert got[(12, "relation_type")][0] == "Brother"
    assert "start with 6, 7, 8 or 9" in got[(12, "mobile")][1]
    assert set(issues["severity"]) == {"warning"}
    assert imported.field_issues == len(issues)
    TypeAdapter(list[FieldIssue]).validate_python(
        [dict(r, row=int(r["row"]), record_id=r["member_id"]) for r in issues.to_dict("records")])


def test_clean_rows_meet_the_contract(imported):
    records = imported.load().astype(object).where(lambda d: d.notna(), None).to_dict("records")
    TypeAdapter(list[CleanMember]).validate_python(records)


@pytest.mark.parametrize("value, expected", [
    ("W/O", "husband"), ("w/o", "husband"), ("Wife of", "husband"), ("Husband", "husband"),
    ("H", "husband"), ("पति", "husband"), ("স্বামী", "husband"),
    ("F", "father"), ("Father", "father"), ("D/O", "father"), ("S/O", "father"), ("पिता", "father"),
    ("M", "mother"), ("Mother", "mother"), ("माता", "mother"),
    ("C/O", "guardian"), ("Guardian", "guardian"), ("", None),
])
def test_relation_values(value, expected):
    clean, _, issues = read_members_frame(pd.DataFrame({"member_id": ["1"], "member_name": ["A"],
                                                        "Relation": [value]}))
    assert clean["relation_type"].tolist() == [expected] and issues.empty


@pytest.mark.parametrize("value, expected", [
    ("F", "F"), ("f", "F"), ("Female", "F"), ("FEMALE", "F"), ("W", "F"), ("महिला", "F"),
    ("स्त्री", "F"), ("মহিলা", "F"), ("M", "M"), ("Male", "M"), ("पुरुष", "M"),
    ("T", "T"), ("Transgender", "T"), ("", None),
])
def test_gender_values(value, expected):
    clean, _, issues = read_members_frame(pd.DataFrame({"member_id": ["1"], "member_name": ["A"],
                                                        "Sex": [value]}))
    assert clean["gender"].tolist() == [expected] and issues.empty


def test_numbers_excel_turned_into_1e15_form_are_explained(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["Member ID", "Member Name", "Aadhaar", "Account No", "Mobile"])
    wb.active.append(["M1", "Sunita", 1.2345678901234567e15, 1.2345678901234567e15, "9.87654E+09"])
    path = tmp_path / "m.xlsx"
    wb.save(path)
    res = import_members(path, tmp_path / "out")
    issues = res.load_issues().set_index("field")
    for field in ("aadhaar", "bank_account", "mobile"):
        assert "format the column as Text" in issues.loc[field, "reason"]
    assert issues.loc["aadhaar", "value"] == "(invalid, hidden)"
    assert res.load()["aadhaar_kind"].tolist() == ["invalid"]


def test_a_name_without_letters_is_rejected():
    df = pd.DataFrame({"member_id": ["1", "2", "3", "4"],
                       "member_name": ["12345", "234567890123", "सुनीता", "Ms. K. 2"]})
    clean, rejects, _ = read_members_frame(df)
    assert clean["member_name"].tolist() == ["सुनीता", "Ms. K. 2"]
    assert rejects["reason"].tolist() == ["member name has no letters (a number in the name column?)"] * 2
    assert "234567890123" not in rejects.to_csv()


def test_long_numeric_ids_are_ids_not_hidden_numbers():
    df = pd.DataFrame({"member_id": ["10203040506070", "10203040506071", "10203040506070"],
                       "member_name": ["A", "B", "C"], "shg_id": ["998877665544332"] * 3})
    clean, rejects, issues = read_members_frame(df)
    assert clean["member_id"].tolist() == ["10203040506070", "10203040506071"]
    assert clean["shg_id"].tolist() == ["998877665544332"] * 2
    assert rejects["reason"].tolist() == ["member ID 10203040506070 is already used in row 2; that first row was kept"]
    assert issues.empty


def test_in_memory_rows_are_numbered_like_a_csv():
    df = pd.DataFrame({"Member ID": ["A", "B", "A"], "Name": ["x", "", "y"]})
    clean, rejects, issues = read_members_frame(df)
    assert clean["source_row"].tolist() == [2]
    assert rejects[["row", "column"]].values.tolist() == [[3, "Name"], [4, "Member ID"]]


def test_chunks_do_not_change_the_result(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text(MEMBERS_CSV, encoding="utf-8")
    one = import_members(path, tmp_path / "a", as_of_year=2024)
    many = import_members(path, tmp_path / "b", as_of_year=2024, chunk_rows=2)
    assert many.chunks > 3
    pd.testing.assert_frame_equal(one.load(), many.load())
    pd.testing.assert_frame_equal(one.load_rejects(), many.load_rejects())
    assert sorted(map(tuple, one.load_issues().values)) == sorted(map(tuple, many.load_issues().values))


def test_tokenising_in_worker_processes_gives_the_same_tokens(tmp_path, monkeypatch):
    import dedup.importer as imp

    rows = [f"M{i},Name {i},{aadhaar(str(23456789000 + i))},{100000000 + i},SBIN0000001"
            for i in range(300)]
    path = tmp_path / "m.csv"
    path.write_text("Member ID,Member Name,Aadhaar,Account No,IFSC\n" + "\n".join(rows), encoding="utf-8")
    serial = import_members(path, tmp_path / "a", workers=0).load()
    monkeypatch.setattr(imp, "PARALLEL_MIN_VALUES", 10)
    monkeypatch.setattr(imp._Pool, "BATCH", 25)
    parallel = import_members(path, tmp_path / "b", workers=1).load()
    pd.testing.assert_frame_equal(serial, parallel)
    assert serial["aadhaar_token"].notna().all() and serial["aadhaar_token"].nunique() == 300


# --------------------------------------------------------------------------- CBOs and memberships

CBOS_CSV = """CBO ID,CBO Type,CBO Name,Parent ID,Formation Date,Village,Account No,IFSC
CLF1,CLF,Unnati CLF,,01/04/2012,,,
VO1,Village Organisation,Pragati VO,CLF1,2014-05-01,Rampur,,
SHG1,SHG,Durga SHG,VO1,15/08/2016,Rampur,123456789012,SBIN0001234
SHG2,shg,Laxmi SHG,VO9,31/02/2016,Rampur,,
SHG3,SHG,Wrong level SHG,CLF1,,Rampur,,
SHG1,SHG,Copy of Durga,VO1,,Rampur,,
SHG4,Federation,Odd,VO1,,Rampur,,
CLF1X,CLF,CLF with parent,VO1,,,,
"""


@pytest.fixture
def cbo_import(tmp_path):
    path = tmp_path / "cbos.csv"
    path.write_text(CBOS_CSV, encoding="utf-8")
    return import_cbos(path, tmp_path / "out")


def test_cbo_types_duplicates_and_parents(cbo_import):
    res = cbo_import
    assert (res.rows_read, res.rows_accepted, res.rows_rejected) == (8, 6, 2)
    clean = res.load().set_index("cbo_id")
    assert clean["cbo_type"].to_dict() == {"CLF1": "CLF", "VO1": "VO", "SHG1": "SHG", "SHG2": "SHG",
                                           "SHG3": "SHG", "CLF1X": "CLF"}
    assert clean["parent_status"].to_dict() == {"CLF1": None, "VO1": "ok", "SHG1": "ok",
                                                "SHG2": "not_in_file", "SHG3": "wrong_level",
                                                "CLF1X": "wrong_level"}
    assert clean.loc["SHG2", "parent_id"] == "VO9"     # kept as given; the status says why it is doubtful
    assert clean.loc["SHG1", "formation_date"] == "2016-08-15" and clean.loc["SHG2", "formation_date"] is None
    assert clean.loc["SHG1", "bank_last4"] == "9012"
    rejects = res.load_rejects()
    assert rejects[["row", "reason"]].values.tolist() == [
        ["7", "CBO ID SHG1 is already used in row 4; that first row was kept"],
        ["8", "CBO type must be SHG, VO or CLF"]]
    issues = res.load_issues()
    by_row = {(int(r), f): why for r, f, why in issues[["row", "field", "reason"]].values}
    assert by_row[(5, "parent_id")] == "parent VO9 is not a CBO in this file"
    assert by_row[(6, "parent_id")] == "the parent of an SHG must be a VO; CLF1 is a CLF"
    assert by_row[(9, "parent_id")].startswith("a CLF has no parent")
    assert by_row[(5, "formation_date")].startswith("February 2016 has 29 days")


def test_memberships_are_checked_against_members_and_cbos(tmp_path, cbo_import):
    out = tmp_path / "out"
    members = tmp_path / "members.csv"
    members.write_text("Member ID,Member Name\nM1,Sunita\nM2,Geeta\nM3,Rekha\n", encoding="utf-8")
    import_members(members, out)
    path = tmp_path / "memberships.csv"
    path.write_text("SHG ID,Member ID\nSHG1,M1\nSHG1,M2\nSHG1,M1\nSHG9,M3\nSHG1,M99\nSHG2,M2\nVO1,M3\n,M3\n",
                    encoding="utf-8")
    res = import_memberships(path, out)
    assert (res.rows_read, res.rows_accepted, res.rows_rejected) == (8, 4, 4)
    assert res.load()[["cbo_id", "member_id", "source_row"]].values.tolist() == [
        ["SHG1", "M1", 2], ["SHG1", "M2", 3], ["SHG2", "M2", 7], ["VO1", "M3", 8]]
    reasons = dict(res.load_rejects()[["row", "reason"]].values)
    assert reasons["4"] == "the same membership is already in row 2; that first row was kept"
    assert reasons["5"] == "CBO ID SHG9 is not in the CBO file"
    assert reasons["6"] == "member ID M99 is not in the members file"
    assert reasons["9"] == "CBO ID is empty; it is required"
    issues = res.load_issues()
    assert issues[["row", "field"]].values.tolist() == [["7", "member_id"], ["8", "cbo_id"]]
    assert "also in SHG1 (row 3)" in issues["reason"].iloc[0]
    assert issues["reason"].iloc[1] == "members belong to SHGs; VO1 is a VO"


def test_memberships_without_reference_files_say_so(tmp_path):
    path = tmp_path / "ms.csv"
    path.write_text("cbo_id,member_id\nS1,M1\n", encoding="utf-8")
    res = import_memberships(path, tmp_path / "empty_out")
    assert res.rows_accepted == 1
    assert any("member IDs not checked" in n for n in res.notes)
    assert pq.read_table(res.memberships_path).num_rows == 1


def test_memberships_reference_file_given_but_missing_is_an_error(tmp_path):
    from dedup.importer import ExportFileError

    path = tmp_path / "ms.csv"
    path.write_text("cbo_id,member_id\nS1,M1\n", encoding="utf-8")
    with pytest.raises(ExportFileError, match="members file to check against was not found"):
        import_memberships(path, tmp_path / "out", members=tmp_path / "nope.parquet")
    (tmp_path / "bad.parquet").write_text("not parquet")
    with pytest.raises(ExportFileError, match="not a clean file"):
        import_memberships(path, tmp_path / "out", cbos=tmp_path / "bad.parquet")


def test_a_masked_vid_is_imported_as_a_vid_not_as_aadhaar_digits():
    """Its last 4 digits are the VID's: read as a masked Aadhaar they would keep two records
    of one woman apart in clusters, or join namesakes through the last-4 rule."""
    import pandas as pd

    from dedup.importer import read_members_frame
    clean, _, _ = read_members_frame(pd.DataFrame({
        "member_id": ["M1", "M2"], "member_name": ["Sunita Devi", "Anita Devi"],
        "aadhaar": ["XXXX XXXX XXXX 2346", "XXXX XXXX 2346"]}))
    assert clean["aadhaar_kind"].tolist() == ["vid", "masked"]
