"""No full Aadhaar, VID or bank account number ever leaves the importer.

The scan looks at every file the import writes (Parquet read back cell by cell, CSVs as
text), everything the command prints, every log record and every error message, with
spaces, hyphens and dots removed so "2345 6789 0124" is caught as well as "234567890124".
"""
from __future__ import annotations

import csv
import logging
import random
import re

import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from dedup.cli import app
from dedup.importer import ExportFileError, import_cbos, import_members, read_members_frame
from ekyc.aadhaar import verhoeff_check_digit

runner = CliRunner()


def _with_check(digits: str) -> str:
    return digits + verhoeff_check_digit(digits)


def _secrets(seed: int = 7):
    rnd = random.Random(seed)
    aadhaar = [_with_check(str(rnd.randint(2 * 10**10, 10**11 - 1))) for _ in range(40)]
    vids = [_with_check(str(rnd.randint(10**14, 10**15 - 1))) for _ in range(5)]
    bad_check = []
    for _ in range(10):
        good = _with_check(str(rnd.randint(2 * 10**10, 10**11 - 1)))
        bad_check.append(good[:-1] + str((int(good[-1]) + 1) % 10))
    accounts = [str(rnd.randint(10**13, 10**14 - 1)) for _ in range(40)]
    return aadhaar, vids, bad_check, accounts


def _spaced(n: str) -> str:
    return " ".join(n[i:i + 4] for i in range(0, len(n), 4))


def _compact(text: str) -> str:
    return re.sub(r"[\s\-.]", "", text)


def _write_members(path, aadhaar, vids, bad_check, accounts):
    header = ["Member ID", "Member Name", "Husband/Father Name", "Mobile No", "Aadhaar No.",
              "Account No", "IFSC Code", "Village"]
    rows = []
    for i, (a, acct) in enumerate(zip(aadhaar, accounts)):
        shown = [a, _spaced(a), a[:4] + "-" + a[4:8] + "-" + a[8:]][i % 3]
        rows.append([f"M{i}", f"Member {i}", "Ramesh", "9876543210", shown, acct, "SBIN0001234", "Rampur"])
    for j, v in enumerate(vids):
        rows.append([f"V{j}", f"VID member {j}", "", "", _spaced(v), "", "", "Rampur"])
    for j, b in enumerate(bad_check):
        rows.append([f"B{j}", f"Typo member {j}", "", "", b, "12AB" + b[:6], "", "Rampur"])
    # rejected rows still carrying full numbers
    rows.append(["", "No ID", "", "", aadhaar[0], accounts[0], "SBIN0001234", "Rampur"])
    rows.append(["R1", "", "", "", aadhaar[1], accounts[1], "SBIN0001234", "Rampur"])
    rows.append(["M0", "Duplicate", "", "", aadhaar[2], accounts[2], "SBIN0001234", "Rampur"])
    # numbers typed into the wrong columns
    rows.append(["W1", f"Sunita {_spaced(aadhaar[3])}", aadhaar[4], aadhaar[5], "", "", "", accounts[3]])
    # a row with an extra value: everything shifts one column to the right
    rows.append(["S1", "Shifted", "", "", "x", aadhaar[6], accounts[4], "SBIN0001234", aadhaar[7]])
    # a row with a value missing: the Aadhaar lands under "Member ID"'s neighbours
    rows.append([aadhaar[8], accounts[5]])
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header] + rows)
    return path


def _leaks(text: str, numbers: list[str]) -> list[str]:
    flat = _compact(text)
    return [n[-4:] for n in numbers if n in flat or n.lstrip("0") in flat]


def _all_output_text(out_dir) -> str:
    parts = []
    for p in sorted(out_dir.rglob("*")):
        if p.suffix == ".parquet":
            df = pq.read_table(p).to_pandas()
            parts.append(df.astype(str).to_csv(index=False))
            parts.append(" ".join(map(str, df.columns)))
        elif p.is_file():
            parts.append(p.read_text(encoding="utf-8-sig", errors="replace"))
    return "\n".join(parts)


def test_no_identifier_reaches_any_output_log_or_message(tmp_path, caplog):
    aadhaar, vids, bad_check, accounts = _secrets()
    src = _write_members(tmp_path / "members.csv", aadhaar, vids, bad_check, accounts)
    numbers = aadhaar + vids + bad_check + accounts
    assert len(_leaks(src.read_text(encoding="utf-8"), numbers)) == len(numbers)  # the scan does find them

    out = tmp_path / "out"
    with caplog.at_level(logging.DEBUG):
        result = runner.invoke(app, ["import", "members", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    written = _all_output_text(out)
    assert _leaks(written, numbers) == []
    assert _leaks(result.output, numbers) == []
    assert _leaks(caplog.text, numbers) == []

    # ...and the masked forms are there, so the scan is looking at the right files
    rejects = (out / "members_rejects.csv").read_text(encoding="utf-8-sig")
    assert f"XXXX XXXX {aadhaar[0][-4:]}" in rejects and f"XXXXXX{accounts[0][-4:]}" in rejects
    issues = pd.read_csv(out / "members_issues.csv", dtype=str, keep_default_na=False)
    assert (issues.loc[issues["field"] == "aadhaar", "value"] == "(invalid, hidden)").all()
    assert len(issues[issues["field"] == "aadhaar"]) == len(bad_check)
    clean = pq.read_table(out / "members.parquet").to_pandas()
    assert "aadhaar" not in clean.columns and "bank_account" not in clean.columns
    w1 = clean[clean["member_id"] == "W1"].iloc[0]
    assert w1["member_name"] == f"Sunita XXXXXXXX{aadhaar[3][-4:]}"
    assert clean["aadhaar_kind"].value_counts().to_dict() == {"full": 40, "vid": 5, "invalid": 10, "missing": 1}


def test_in_memory_results_hold_no_identifier():
    aadhaar, _, bad_check, accounts = _secrets(11)
    df = pd.DataFrame({"member_id": ["1", "2", "", "4"], "member_name": ["A", "B", "C", ""],
                       "aadhaar": aadhaar[:2] + bad_check[:1] + aadhaar[2:3],
                       "bank_account": accounts[:4], "ifsc": ["SBIN0001234"] * 4})
    clean, rejects, issues = read_members_frame(df)
    text = "\n".join(x.astype(str).to_csv() for x in (clean, rejects, issues))
    assert _leaks(text, aadhaar[:3] + bad_check[:1] + accounts[:4]) == []
    assert len(rejects) == 2


def test_cbo_accounts_are_tokenised(tmp_path):
    _, _, _, accounts = _secrets(3)
    path = tmp_path / "cbos.csv"
    path.write_text("CBO ID,CBO Type,CBO Name,Account No,IFSC\n"
                    f"S1,SHG,Durga,{accounts[0]},SBIN0001234\n"
                    f",SHG,No id,{accounts[1]},SBIN0001234\n"
                    f"S3,SHG,Bad,{accounts[2]}X,SBIN0001234\n", encoding="utf-8")
    res = import_cbos(path, tmp_path / "out")
    assert res.rows_accepted == 2 and res.rows_rejected == 1 and res.field_issues == 1
    assert _leaks(_all_output_text(tmp_path / "out"), accounts[:3]) == []


def test_error_messages_hold_no_identifier(tmp_path):
    aadhaar, _, _, _ = _secrets(5)
    path = tmp_path / "noheader.csv"  # data pasted without its header row
    path.write_text(f"M1,Sunita,{aadhaar[0]}\nM2,Geeta,{aadhaar[1]}\n", encoding="utf-8")
    with pytest.raises(ExportFileError) as e:
        import_members(path, tmp_path / "out")
    assert "no column for member_id" in e.value.message
    assert _leaks(e.value.message + str(e.value), aadhaar[:2]) == []
    result = runner.invoke(app, ["import", "members", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and _leaks(result.output, aadhaar[:2]) == []


def _forms_that_leaked(a: str) -> list[str]:
    """Ways of writing an Aadhaar that a review found passing the old masking."""
    g = [a[:4], a[4:8], a[8:]]
    devanagari = a.translate(str.maketrans("0123456789", "०१२३४५६७८९"))
    return [".".join(g), "/".join(g), "  ".join(g), "\u00a0".join(g), devanagari]


def _devanagari_leaks(text: str, numbers: list[str]) -> list[str]:
    flat = re.sub(r"\D", "", text)  # \D keeps every script's digits
    return [n[-4:] for n in numbers if n.translate(str.maketrans("0123456789", "०१२३४५६७८९")) in flat]


def test_numbers_in_odd_places_and_forms_never_leave_the_importer(tmp_path):
    """The routes a privacy review found: dotted, slashed, double-spaced, no-break-spaced
    and Devanagari-digit numbers in text; 9-10 digit accounts in a name; an Aadhaar typed
    as the member ID, in the mobile column ("91" + 10 digits passes as a phone) and in a
    header; all in accepted and in rejected rows."""
    rnd = random.Random(11)
    aadhaar = [_with_check(str(rnd.randint(2 * 10**10, 10**11 - 1))) for _ in range(12)]
    while not aadhaar[-1].startswith("91") or aadhaar[-1][2] not in "6789":  # looks like +91 mobile
        aadhaar[-1] = _with_check("91" + str(rnd.randint(6 * 10**8, 10**9 - 1)))
    accounts = ["345678901", "3456789012"]
    header = ["Member ID", "Member Name", "Village", "Mobile No", f"Aadhaar ({_spaced(aadhaar[10])})", "Age"]
    rows = []
    for i, form in enumerate(_forms_that_leaked(aadhaar[0]) + _forms_that_leaked(aadhaar[1])):
        rows.append([f"M{i}", f"Sunita {form}", "Rampur", "", "", "30"])
    rows.append(["M20", f"Rekha AC {accounts[0]}", f"Ward 5 {accounts[1]}", "", "", "30"])
    rows.append([aadhaar[2], "Geeta Devi", "Rampur", "", "", "30"])            # Aadhaar as member ID
    rows.append([f"UID:{aadhaar[2]}", "Geeta Devi", "Rampur", "", "", "31"])   # ...again: a duplicate ID
    rows.append(["/".join([aadhaar[5][:4], aadhaar[5][4:8], aadhaar[5][8:]]), "Sita Devi", "Rampur", "", "", "30"])
    rows.append([aadhaar[6].translate(str.maketrans("0123456789", "०१२३४५६७८९")), "Gita Devi", "Rampur", "", "", "30"])
    rows.append(["M21", "Anita Devi", "Rampur", aadhaar[11], "", "30"])        # accepted row
    rows.append(["M22", "", "Rampur", aadhaar[11], "", "30"])                  # rejected row (no name)
    rows.append(["M23", "????", f"Rampur {'.'.join([aadhaar[3][:4], aadhaar[3][4:8], aadhaar[3][8:]])}",
                 "", "", "30", "extra " + "/".join([aadhaar[4][:4], aadhaar[4][4:8], aadhaar[4][8:]])])
    src = tmp_path / "odd.csv"
    with open(src, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([header] + rows)
    numbers = aadhaar + accounts
    assert len(_leaks(src.read_text(encoding="utf-8"), numbers)) >= 8      # the scan finds them in the input

    out = tmp_path / "out"
    result = runner.invoke(app, ["import", "members", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    written = _all_output_text(out)
    assert _leaks(written, numbers) == [] and _leaks(result.output, numbers) == []
    assert _devanagari_leaks(written, aadhaar) == []
    clean = pq.read_table(out / "members.parquet").to_pandas()
    hidden = clean.loc[clean["member_name"] == "Geeta Devi", "member_id"]
    assert len(hidden) == 1 and hidden.iloc[0].startswith("HIDDEN-")  # one ID, so the copy is rejected
    assert clean.loc[clean["member_name"].isin(["Sita Devi", "Gita Devi"]), "member_id"].str.startswith("HIDDEN-").all()
    rejects = pd.read_csv(out / "members_rejects.csv", dtype=str, keep_default_na=False)
    assert rejects["reason"].str.contains("already used").any()
    issues = pd.read_csv(out / "members_issues.csv", dtype=str, keep_default_na=False)
    assert issues["reason"].str.contains("valid Aadhaar number: not read as a mobile").any()
    assert issues["reason"].str.contains("used as an ID was replaced").any()
    assert clean.loc[clean["member_id"] == "M21", "mobile"].isna().all()


def test_vids_and_numbers_in_indic_digits_never_reach_an_output(tmp_path):
    """VIDs (full and masked) and Aadhaar, account and mobile numbers typed in Devanagari or
    Bengali digits, in their columns and in a name or a remarks column: no output holds them,
    in ASCII or in the script they were typed in."""
    import pandas as pd

    from dedup.pipeline import RunOptions, run_members
    from ekyc.aadhaar import verhoeff_check_digit

    def script(number: str, zero: int) -> str:
        return "".join(chr(zero + int(c)) for c in number)

    aadhaar = [b + verhoeff_check_digit(b) for b in ("23456789012", "34567890123", "45678901234")]
    vids = [b + verhoeff_check_digit(b) for b in ("912345678901234", "823456789012345")]
    accounts = ["30110443793", "52010099887766"]
    rows = [
        {"aadhaar": script(aadhaar[0], 0x966), "bank_account": script(accounts[0], 0x966)},
        {"aadhaar": script(aadhaar[0], 0x9E6), "bank_account": accounts[0]},          # Bengali digits
        {"aadhaar": vids[0], "bank_account": script(accounts[1], 0x9E6)},
        {"aadhaar": "XXXX XXXX XXXX " + vids[1][-4:], "bank_account": ""},
        {"aadhaar": aadhaar[1], "bank_account": "", "remarks": f"VID {vids[1]} / आधार {script(aadhaar[2], 0x966)}"},
        {"aadhaar": "", "bank_account": "", "member_name": f"Sunita Devi {vids[0]}"},
    ]
    frame = pd.DataFrame([{"member_id": f"M{i}", "member_name": "Sunita Devi", "relation_name": "Ramesh",
                           "relation_type": "husband", "district": "Gaya", "block": "Bodhgaya",
                           "village": "Sujata", "mobile": script("9876543210", 0x966), "remarks": "",
                           "ifsc": "SBIN0001234", **r} for i, r in enumerate(rows)])
    path = tmp_path / "members.csv"
    frame.to_csv(path, index=False)
    result = run_members(path, tmp_path / "out", RunOptions(tty=False))
    secrets = [*aadhaar, *vids, *accounts]
    secrets += [script(n, z) for n in secrets for z in (0x966, 0x9E6)]
    scanned = 0
    for f in sorted((tmp_path / "out").rglob("*")):
        if not f.is_file():
            continue
        text = (pd.read_parquet(f).to_csv(index=False) if f.suffix == ".parquet"
                else f.read_text(encoding="utf-8-sig"))
        leaked = [s[-4:] for s in secrets if s in text]
        assert not leaked, (f.name, leaked)
        scanned += 1
    assert scanned >= 8
    # and the Indic-digit Aadhaar of M0 and M1 is one number: a confirmed pair
    pairs = pd.read_csv(result.files["pairs"], dtype=str, encoding="utf-8-sig")
    confirmed = {frozenset(p) for p, c in zip(zip(pairs.member_id_l, pairs.member_id_r), pairs.duplicate_class)
                 if c == "confirmed"}
    assert frozenset({"M0", "M1"}) in confirmed
