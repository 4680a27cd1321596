"""Every file format an MIS export arrives in gives the same clean members."""
from __future__ import annotations

import csv
import datetime as dt
import zipfile

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dedup.dates import excel_serial
from dedup.header_aliases import HEADER_ALIASES, KIND_COLUMNS, alias_lookup, header_key, resolve_header
from dedup.importer import ExportFileError, import_members, read_members_frame
from dedup.schema import CLEAN_MEMBER_COLUMNS
from ekyc.aadhaar import verhoeff_check_digit


@pytest.fixture(autouse=True)
def token_key(monkeypatch):
    from dedup.settings import get_settings

    monkeypatch.setenv("PEHCHAAN_TOKEN_KEY", "3c" * 32)
    monkeypatch.setenv("PEHCHAAN_TOKEN_KEY_ID", "t1")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def aadhaar(first11: str) -> str:
    return first11 + verhoeff_check_digit(first11)


AAD1, AAD2 = aadhaar("23456789012"), aadhaar("98765432101")
HEADER = ["Member ID", "Member Name", "Husband/Father Name", "Relation", "Sex", "Date of Birth",
          "Age", "Mobile No", "Aadhaar No.", "Account No", "IFSC Code", "Village Name",
          "Block Name", "Gram Panchayat", "SHG Name"]
ROWS = [
    ["M1", "सुनीता देवी", "रमेश", "पति", "महिला", "15/03/1985", "", "9876543210", AAD1,
     "001234567890", "SBIN0001234", "Rampur", "Block A", "GP One", "Durga SHG"],
    ["M2", "Geeta Kumari", "Mohan Lal", "D/O", "F", "", "40", "+91 98765 43211", AAD2,
     "", "", "Rampur", "Block A", "GP One", "Durga SHG"],
]


def assert_two_members(df: pd.DataFrame, rows=(2, 3)) -> None:
    assert list(df.columns) == CLEAN_MEMBER_COLUMNS
    assert df["member_id"].tolist() == ["M1", "M2"]
    assert df["source_row"].tolist() == list(rows)
    assert df["member_name"].tolist() == ["सुनीता देवी", "Geeta Kumari"]
    assert df["relation_type"].tolist() == ["husband", "father"]
    assert df["relation_name"].tolist() == ["रमेश", "Mohan Lal"]
    assert df["gender"].tolist() == ["F", "F"]
    assert df["dob"].tolist() == ["1985-03-15", None]
    assert df["yob"].tolist() == [1985, 2020 - 40]
    assert df["age"].iloc[1] == 40 and pd.isna(df["age"].iloc[0])
    assert df["mobile"].tolist() == ["9876543210", "9876543211"]
    assert df["aadhaar_kind"].tolist() == ["full", "full"]
    assert df["aadhaar_last4"].tolist() == [AAD1[-4:], AAD2[-4:]]
    assert all(t.startswith("aad:t1:") for t in df["aadhaar_token"])
    assert df["bank_last4"].iloc[0] == "7890" and df["bank_token"].iloc[0].startswith("bank:t1:")
    assert df["ifsc"].tolist() == ["SBIN0001234", None]
    assert df["village"].tolist() == ["Rampur", "Rampur"]
    assert df["block"].tolist() == ["Block A", "Block A"]
    assert df["panchayat"].tolist() == ["GP One", "GP One"]
    assert df["shg_name"].tolist() == ["Durga SHG", "Durga SHG"]


def write_csv(path, encoding, delimiter, rows=None):
    with open(path, "w", encoding=encoding, newline="") as f:
        csv.writer(f, delimiter=delimiter, lineterminator="\r\n").writerows([HEADER] + (rows or ROWS))
    return path


@pytest.mark.parametrize("encoding, delimiter, starts", [
    ("utf-8", ",", b"Member"),
    ("utf-8-sig", ",", b"\xef\xbb\xbf"),                # Excel "CSV UTF-8"
    ("utf-16", "\t", b"\xff\xfe"),                     # Excel "Unicode Text"
    ("utf-16", ",", b"\xff\xfe"),
    ("utf-16-le", "\t", b"M\x00"),                     # no BOM: told apart by its zero bytes
    ("utf-8", ";", b"Member"),                         # Excel with a European list separator
])
def test_csv_encodings_and_separators(tmp_path, encoding, delimiter, starts):
    path = write_csv(tmp_path / "members.csv", encoding, delimiter)
    assert path.read_bytes().startswith(starts)
    res = import_members(path, tmp_path / "out", as_of_year=2020)
    assert (res.rows_read, res.rows_accepted, res.rows_rejected, res.field_issues) == (2, 2, 0, 0)
    assert_two_members(res.load())
    assert res.encoding.replace("_", "-").startswith(encoding.split("-sig")[0][:6])


def test_xlsx_with_title_row_numbers_and_real_dates(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Members"
    ws.append(["Member profile report, District Gaya"])   # row 1: a title
    ws.append([])                                           # row 2: blank
    ws.append(HEADER)                                       # row 3: header
    r1 = list(ROWS[0])
    r1[5] = dt.datetime(1985, 3, 15)                        # a real Excel date cell
    r1[7] = 9876543210                                      # mobile typed as a number
    r1[8] = int(AAD1)                                       # Aadhaar typed as a number
    r2 = list(ROWS[1])
    r2[6] = 40.0                                            # Excel stores numbers as floats
    ws.append(r1)
    ws.append(r2)
    ws.append([None] * len(HEADER))                         # trailing empty rows are common
    path = tmp_path / "members.xlsx"
    wb.save(path)
    res = import_members(path, tmp_path / "out", as_of_year=2020)
    assert res.file_format == "xlsx"
    assert (res.rows_read, res.rows_accepted, res.field_issues) == (2, 2, 0)
    assert_two_members(res.load(), rows=(4, 5))
    assert any("header is on row 3" in n for n in res.notes)


def test_xlsx_picks_the_sheet_with_members_and_reads_serial_dates(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    wb.active.append(["This workbook was exported from the state MIS"])
    ws = wb.create_sheet("Data")
    ws.append(["Member Code", "Name of Member", "DOB"])
    ws.append(["A-1", "Rekha", excel_serial(dt.date(1990, 1, 31))])  # date shown as a number
    path = tmp_path / "book.xlsx"
    wb.save(path)
    df = import_members(path, tmp_path / "out").load()
    assert df["dob"].tolist() == ["1990-01-31"]
    assert df["source_row"].tolist() == [2]


def test_xlsx_named_csv_is_still_read_as_excel(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["Member ID", "Member Name"])
    wb.active.append(["M9", "Laxmi"])
    path = tmp_path / "export.csv"
    wb.save(path)
    res = import_members(path, tmp_path / "out")
    assert res.file_format == "xlsx" and res.load()["member_name"].tolist() == ["Laxmi"]


def test_parquet_with_typed_columns(tmp_path):
    table = pa.table({
        "member_id": pa.array(["M1", "M2"]),
        "member_name": ["सुनीता देवी", "Geeta Kumari"],
        "relation_name": ["रमेश", "Mohan Lal"],
        "relation_type": ["पति", "D/O"],
        "gender": ["महिला", "F"],
        "dob": pa.array([dt.date(1985, 3, 15), None], pa.date32()),
        "age": pa.array([None, 40.0], pa.float64()),
        "mobile": pa.array([9876543210, 9876543211], pa.int64()),
        "aadhaar": [AAD1, AAD2],
        "bank_account": ["001234567890", None],
        "ifsc": ["SBIN0001234", None],
        "village": ["Rampur", "Rampur"], "block": ["Block A", "Block A"],
        "panchayat": ["GP One", "GP One"], "shg_name": ["Durga SHG", "Durga SHG"],
    })
    path = tmp_path / "members.parquet"
    pq.write_table(table, path)
    res = import_members(path, tmp_path / "out", as_of_year=2020)
    assert res.file_format == "parquet" and res.field_issues == 0
    assert_two_members(res.load())


def test_in_memory_frame(tmp_path):
    df = pd.DataFrame(ROWS, columns=HEADER)
    clean, rejects, issues = read_members_frame(df, as_of_year=2020)
    assert_two_members(clean)
    assert rejects.empty and issues.empty


def test_output_matches_across_formats(tmp_path):
    """Tokens are keyed, not random: the same member gives the same tokens from any format."""
    a = import_members(write_csv(tmp_path / "a.csv", "utf-16", "\t"), tmp_path / "o1").load()
    b, _, _ = read_members_frame(pd.DataFrame(ROWS, columns=HEADER))
    for col in ("aadhaar_token", "bank_token", "mobile", "dob"):
        assert a[col].tolist() == b[col].tolist()


# --------------------------------------------------------------------------- header aliases

@pytest.mark.parametrize("kind", sorted(KIND_COLUMNS))
def test_alias_table_is_unambiguous(kind):
    lookup = alias_lookup(kind)  # raises if an alias means two columns of one kind of file
    for column in KIND_COLUMNS[kind]:
        assert lookup[header_key(column)] == column


@pytest.mark.parametrize("header, column", [
    ("Member Name", "member_name"), ("MEMBER  NAME", "member_name"), ("member-name", "member_name"),
    ("Husband/Father Name", "relation_name"), ("Father / Husband Name", "relation_name"),
    ("Account No", "bank_account"), ("A/C No.", "bank_account"), ("IFSC Code", "ifsc"),
    ("Aadhaar No.", "aadhaar"), ("AADHAR_NO", "aadhaar"), ("UID", "aadhaar"),
    ("Date of Birth", "dob"), ("Date of Birth (DD/MM/YYYY)", "dob"), ("D.O.B.", "dob"),
    ("SHG Name", "shg_name"), ("Mobile No", "mobile"), ("Mobile No.", "mobile"),
    ("Gram Panchayat", "panchayat"), ("Village Name", "village"), ("Block Name", "block"),
    ("Relation", "relation_type"), ("Sex", "gender"), ("सदस्य का नाम", "member_name"),
    ("आधार संख्या", "aadhaar"), ("Age (Years)", "age"), ("LokOS Member ID", "member_id"),
])
def test_real_headers_resolve(header, column):
    assert resolve_header(header, alias_lookup("members")) == column


def test_every_documented_alias_resolves():
    for column, aliases in HEADER_ALIASES.items():
        for kind, cols in KIND_COLUMNS.items():
            if column in cols:
                for alias in aliases:
                    assert resolve_header(alias, alias_lookup(kind)) == column, (alias, kind)


def test_unknown_columns_are_kept_out_but_named(tmp_path):
    df = pd.DataFrame({"Member ID": ["M1"], "Name": ["Rekha"], "Caste Category": ["OBC"]})
    path = tmp_path / "m.csv"
    df.to_csv(path, index=False)
    res = import_members(path, tmp_path / "out")
    assert res.unused_columns == ["Caste Category"]
    assert any("Caste Category" in n for n in res.notes)


def test_two_headers_meaning_one_column_is_a_clear_error(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("Member ID,Member Name,Name\nM1,Rekha,Rekha\n", encoding="utf-8")
    with pytest.raises(ExportFileError) as e:
        import_members(path, tmp_path / "out")
    assert "'Member Name', 'Name' all mean member_name" in e.value.message


# --------------------------------------------------------------------------- typed Parquet, xlsx formulas

def test_parquet_long_integers_with_nulls_keep_every_digit(tmp_path):
    """pandas turns an int64 column with a null into float64: 16-digit IDs became
    1.23456789012340E+15, so they collided as duplicates and accounts were blanked."""
    ids = [1234567890123401 + i for i in range(5)]
    accounts = [9876543210987601 + i for i in range(5)]
    aads = [int(aadhaar(f"2345678901{i}")) for i in range(5)]
    table = pa.table({
        "member_id": pa.array(ids[:4] + [None], pa.int64()),
        "member_name": ["Rekha", "Sita", "Gita", "Mina", "Lata"],
        "bank_account": pa.array([accounts[0], None] + accounts[2:], pa.int64()),
        "aadhaar": pa.array(aads[:2] + [None] + aads[3:], pa.int64()),
        "age": pa.array([45, None, 30, 51, 60], pa.int32()),
        "mobile": pa.array([9876543210.0, None, 9876543212.0, 9876543213.0, 9876543214.0]),
        "village": pa.array(["Rampur"] * 5).dictionary_encode(),
    })
    path = tmp_path / "members.parquet"
    pq.write_table(table, path)
    res = import_members(path, tmp_path / "out", as_of_year=2020)
    assert (res.rows_read, res.rows_accepted, res.rows_rejected) == (5, 4, 1)
    assert list(res.reject_reasons) == ["member_id: member ID is empty; it is required"]  # the null ID
    assert res.field_issues == 0, res.issue_reasons
    df = res.load()
    assert df["member_id"].tolist() == [str(i) for i in ids[:4]]
    assert df["source_row"].tolist() == [2, 3, 4, 5]
    assert df["bank_last4"].tolist() == [str(accounts[0])[-4:], None, str(accounts[2])[-4:],
                                         str(accounts[3])[-4:]]
    assert df["aadhaar_last4"].tolist() == [str(aads[0])[-4:], str(aads[1])[-4:], None, str(aads[3])[-4:]]
    assert df["age"].iloc[0] == 45 and pd.isna(df["age"].iloc[1]) and df["age"].iloc[3] == 51
    assert df["mobile"].tolist() == ["9876543210", None, "9876543212", "9876543213"]
    assert df["village"].tolist() == ["Rampur"] * 4
    assert res.load_rejects()["row"].tolist() == ["6"]


def test_parquet_float_columns(tmp_path):
    """A whole float up to 2**53 is exact and keeps its digits; beyond that digits were lost
    when the file was written, and a note names the column."""
    table = pa.table({
        "member_id": ["M1", "M2"],
        "member_name": ["Rekha", "Sita"],
        "bank_account": pa.array([1234567890123456.0, 12345678901234567.0]),  # 16 and 17 digits
        "age": pa.array([45.0, None]),
    })
    path = tmp_path / "members.parquet"
    pq.write_table(table, path)
    res = import_members(path, tmp_path / "out", as_of_year=2020)
    df = res.load()
    assert df["bank_last4"].iloc[0] == "3456"
    assert pd.isna(df["bank_last4"].iloc[1])  # E-notation: flagged as lost digits, not guessed
    assert df["age"].iloc[0] == 45 and pd.isna(df["age"].iloc[1])
    assert any("'bank_account' is stored as floating-point" in n for n in res.notes)
    assert not any("'age'" in n for n in res.notes)


def formula_book(path, id_cell="M1", age_cell="=40+5"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Member ID", "Member Name", "Age", "Village Name"])
    ws.append([id_cell, "Rekha", age_cell, "Rampur"])
    ws.append(["M2", "Sita", "=40+6", "Rampur"])
    wb.save(path)
    return path


def test_xlsx_formulas_without_saved_results_are_named_in_a_note(tmp_path):
    """openpyxl (and other scripts) write formulas with no result; read naively the column is empty."""
    path = formula_book(tmp_path / "members.xlsx")
    res = import_members(path, tmp_path / "out", as_of_year=2020)
    assert (res.rows_read, res.rows_accepted) == (2, 2)
    assert any("column 'Age' holds formulas whose results were never saved" in n
               and "open the file in Excel (or LibreOffice) and save it" in n for n in res.notes)
    assert not any("Member ID" in n or "Village" in n for n in res.notes)


def test_xlsx_required_column_of_unsaved_formulas_is_a_clear_error(tmp_path):
    path = formula_book(tmp_path / "members.xlsx", id_cell='="M"&1')
    with pytest.raises(ExportFileError) as e:
        import_members(path, tmp_path / "out")
    assert "Column 'Member ID'" in e.value.message and "never saved" in e.value.message
    assert "open the file in Excel (or LibreOffice) and save it" in e.value.message
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_xlsx_formulas_with_saved_results_are_read_quietly(tmp_path):
    """What Excel writes: each formula with its result (an empty text result is t="str")."""
    src = formula_book(tmp_path / "raw.xlsx", age_cell='=IF(TRUE,"","")')
    path = tmp_path / "saved.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                xml = data.decode()
                assert '<c r="C2"><f>' in xml and "<f>40+6</f><v></v>" in xml
                xml = xml.replace('<c r="C2"><f>', '<c r="C2" t="str"><f>')
                xml = xml.replace("<f>40+6</f><v></v>", "<f>40+6</f><v>46</v>")
                data = xml.encode()
            zout.writestr(item, data)
    res = import_members(path, tmp_path / "out", as_of_year=2020)
    assert not any("formulas" in n for n in res.notes), res.notes
    df = res.load()
    assert pd.isna(df["age"].iloc[0]) and df["age"].iloc[1] == 46


def test_total_lines_are_skipped_and_said_not_rejected_as_members(tmp_path):
    """MIS exports end with "Total,2000" and carry block subtotals ("कुल", 412): footers, not
    members. They are skipped with a note naming their rows; a member's row is never taken
    for one, even with "Total" in a name."""
    path = tmp_path / "members.csv"
    path.write_text(
        "member_id,member_name,relation_name,village\n"
        "M1,Sunita Devi,Ramesh,Sirsa\n"
        "कुल,2,,\n"                         # a subtotal inside the file (row 3)
        "M2,Total Kumari,Suresh,Sirsa\n"   # a name, however odd: kept
        "M3,Geeta Devi,Mohan,Sirsa\n"
        "Grand Total,3,,\n", encoding="utf-8")   # the footer (row 6)
    res = import_members(path, tmp_path / "out", as_of_year=2020)
    assert (res.rows_accepted, res.rows_rejected) == (3, 0)
    assert sorted(res.load()["member_id"]) == ["M1", "M2", "M3"]
    assert any("2 total line(s) were skipped" in n and "row 3, 6" in n for n in res.notes), res.notes
