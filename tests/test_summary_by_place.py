"""summary.json's per-block table (by_block) on a small export whose duplicates are known."""
from __future__ import annotations

import csv
import json
from collections import Counter

import pytest

from dedup.pipeline import RunOptions, run_members
from ekyc.aadhaar import verhoeff_check_digit


def _aadhaar(body: str) -> str:
    return body + verhoeff_check_digit(body)


AAD_SUNITA, AAD_GEETA = _aadhaar("23456789012"), _aadhaar("87654321098")
COLUMNS = ["member_id", "district", "block", "village", "member_name", "relation_type", "relation_name",
           "gender", "age", "aadhaar"]
# (person, how a second record of her is found, row): every row of one person is one woman.
# Block Bodhgaya: Sunita entered before and after marriage, linked only by her Aadhaar (same_aadhaar:
# confirmed); block Tekari: Kamla and Lalita each entered twice with the same name, father/husband,
# village and age but no Aadhaar (the score: potential), so Tekari has the larger surplus and comes
# first. Everyone else is unique: other names, relatives, villages, ages.
ROWS = [
    ("sunita", "aadhaar", ["A1", "Gaya", "Bodhgaya", "Sujata", "Sunita Devi", "husband", "Ramesh Yadav", "F", "34",
                           AAD_SUNITA]),
    ("sunita", "aadhaar", ["A2", "Gaya", "Bodhgaya", "Bakraur", "Sunita Kumari", "father", "Mohan Prasad", "F", "25",
                           AAD_SUNITA]),
    ("geeta", None, ["A3", "Gaya", "Bodhgaya", "Bakraur", "Geeta Kumari", "father", "Shyam Mahto", "F", "22",
                     AAD_GEETA]),
    ("parvati", None, ["A4", "Gaya", "Bodhgaya", "Mastipur", "Parvati Devi", "husband", "Kishore Paswan", "F", "51",
                       ""]),
    ("rekha", None, ["A5", "Gaya", "Bodhgaya", "Sujata", "Rekha Devi", "husband", "Arjun Manjhi", "F", "40", ""]),
    ("kamla", "score", ["B1", "Gaya", "Tekari", "Guraru", "Kamla Kumari", "father", "Ramesh Ram", "F", "30", ""]),
    ("kamla", "score", ["B2", "Gaya", "Tekari", "Guraru", "Kamla Kumari", "father", "Ramesh Ram", "F", "30", ""]),
    ("lalita", "score", ["B3", "Gaya", "Tekari", "Konch", "Lalita Devi", "husband", "Manoj Singh", "F", "45", ""]),
    ("lalita", "score", ["B7", "Gaya", "Tekari", "Konch", "Lalita Devi", "husband", "Manoj Singh", "F", "45", ""]),
    ("anita", None, ["B4", "Gaya", "Tekari", "Kesapi", "Anita Kumari", "father", "Bhola Paswan", "F", "19", ""]),
    ("savitri", None, ["B5", "Gaya", "Tekari", "Guraru", "Savitri Devi", "husband", "Ramdeo Mahto", "F", "62", ""]),
    ("usha", None, ["B6", "Gaya", "Tekari", "Konch", "Usha Devi", "husband", "Naresh Chaudhary", "F", "37", ""]),
]


def _expected_by_block() -> dict[tuple[str, str], dict]:
    """The per-block counts the constructed truth implies: a woman with two or more records is one
    cluster, confirmed when her records are joined by the same Aadhaar, else potential; surplus is
    her records beyond the first."""
    out: dict[tuple[str, str], dict] = {}
    people: dict[str, list] = {}
    for person, how, row in ROWS:
        people.setdefault(person, []).append((how, row))
    for person, records in people.items():
        for how, row in records:
            key = (row[COLUMNS.index("district")], row[COLUMNS.index("block")])
            b = out.setdefault(key, {"members": 0, "members_in_confirmed_clusters": 0,
                                     "members_in_potential_clusters": 0, "surplus_records": 0})
            b["members"] += 1
            if len(records) > 1:
                b["members_in_confirmed_clusters" if how == "aadhaar" else "members_in_potential_clusters"] += 1
        if len(records) > 1:
            b["surplus_records"] += len(records) - 1          # all of one woman's records are in one block
    return out


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("by_place")
    export = tmp / "export.csv"
    with export.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        w.writerows(row for _, _, row in ROWS)
    result = run_members(export, tmp / "out", RunOptions(tty=False))
    return json.loads((tmp / "out" / "summary.json").read_text()), result


def test_by_block_counts_follow_the_known_duplicates(run):
    summary, _ = run
    assert summary["rows_accepted"] == len(ROWS) and summary["rows_rejected"] == 0
    got = {(r["district"], r["block"]): {k: v for k, v in r.items() if k not in ("district", "block")}
           for r in summary["by_block"]}
    assert len(got) == len(summary["by_block"])               # one row per block
    assert got == _expected_by_block()


def test_by_block_is_ordered_by_surplus_and_adds_up(run):
    summary, _ = run
    rows = summary["by_block"]
    surplus = [r["surplus_records"] for r in rows]
    assert surplus == sorted(surplus, reverse=True) and len(set(surplus)) > 1   # an order to check
    assert sum(r["members"] for r in rows) == summary["rows_accepted"]
    # every two records of one woman are a pair, of the class her records are joined by
    counts = Counter((person, how) for person, how, _ in ROWS if how)
    pairs = {"aadhaar": 0, "score": 0}
    for (_, how), n in counts.items():
        pairs[how] += n * (n - 1) // 2
    assert (summary["pairs"]["confirmed"], summary["pairs"]["potential"]) == (pairs["aadhaar"], pairs["score"])
