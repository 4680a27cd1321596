"""The one table of column names that legacy MIS exports really use.

State MIS systems, LokOS reports and hand-made Excel sheets name the same column
in many ways ("Member Name", "Name of Member", "सदस्य का नाम"). Every header in an
input file is reduced to a *key* -- case-folded, with spaces and punctuation
removed, in any script -- and looked up in :data:`HEADER_ALIASES`. A trailing
format hint in brackets ("Date of Birth (DD/MM/YYYY)") is ignored when the full
header is not known.

To teach Pehchaan a new header, add it to the tuple of its column below; the
test ``test_alias_table_is_unambiguous`` fails if an alias would mean two
columns in the same kind of file.

=============== ==============================================================
column          examples of headers accepted (any case / spacing / punctuation)
=============== ==============================================================
member_id       Member ID, Member Code, Member No, LokOS Member ID, सदस्य आईडी
member_name     Member Name, Name, Name of Member, Beneficiary Name, सदस्य का नाम
relation_type   Relation, Relation Type, Relationship, Guardian Type, संबंध
relation_name   Husband/Father Name, Father/Husband Name, Guardian Name, पति/पिता का नाम
gender          Gender, Sex, लिंग
dob             DOB, Date of Birth, Birth Date, जन्म तिथि
age             Age, Age (Years), Age in Years, आयु, उम्र
mobile          Mobile, Mobile No, Mobile Number, Phone No, Contact No, मोबाइल नंबर
aadhaar         Aadhaar, Aadhar No, Aadhaar No., UID, Aadhaar Number, आधार संख्या
bank_account    Account No, Account Number, Bank Account No, A/C No, SB Account No, खाता संख्या
ifsc            IFSC, IFSC Code, Bank IFSC
state           State, State Name, राज्य
district        District, District Name, जिला
block           Block, Block Name, Mandal, Taluka, प्रखंड
panchayat       Panchayat, Gram Panchayat, GP, GP Name, ग्राम पंचायत
village         Village, Village Name, Revenue Village, गांव
shg_id          SHG ID, SHG Code, Group ID (member files)
shg_name        SHG Name, SHG, Group Name, समूह का नाम (member files)
cbo_id          CBO ID, CBO Code, SHG/VO/CLF ID; in CBO and membership files also SHG ID
cbo_type        CBO Type, Type, Level, CBO Level
cbo_name        CBO Name, Name, SHG Name, Group Name (CBO files)
parent_id       Parent ID, Parent CBO ID, Parent Code, Federation ID
formation_date  Formation Date, Date of Formation, Formed On
=============== ==============================================================
"""
from __future__ import annotations

import re
import unicodedata

from dedup.schema import EXPORT_CBO_COLUMNS, EXPORT_MEMBER_COLUMNS, EXPORT_MEMBERSHIP_COLUMNS

HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "member_id": ("member_id", "Member ID", "Member Code", "Member No", "Member Number",
                  "Mem ID", "Member Unique ID", "LokOS Member ID", "LokOS ID", "Member Reg No",
                  "सदस्य आईडी", "सदस्य कोड", "सदस्य संख्या"),
    "member_name": ("member_name", "Member Name", "Name", "Name of Member", "Name of the Member",
                    "Member Full Name", "Beneficiary Name", "Mahila Name",
                    "सदस्य का नाम", "सदस्य नाम", "नाम"),
    "relation_type": ("relation_type", "Relation", "Relation Type", "Relationship",
                      "Relation With", "Guardian Type", "Relative Type", "संबंध", "सम्बन्ध"),
    "relation_name": ("relation_name", "Husband/Father Name", "Father/Husband Name",
                      "Husband or Father Name", "Father or Husband Name", "Husband's/Father's Name",
                      "Father's/Husband's Name", "Guardian Name", "Relative Name", "Relation Name",
                      "Father Name", "Husband Name", "Husband's Name", "Father's Name",
                      "पति/पिता का नाम", "पिता/पति का नाम",
                      "पति / पिता का नाम"),
    "gender": ("gender", "Sex", "Gender (M/F)", "लिंग"),
    "dob": ("dob", "D.O.B", "Date of Birth", "Birth Date", "Birth Day", "DateOfBirth",
            "जन्म तिथि", "जन्मतिथि", "जन्म दिनांक"),
    "age": ("age", "Age (Years)", "Age in Years", "Age Years", "आयु", "उम्र"),
    "mobile": ("mobile", "Mobile No", "Mobile No.", "Mobile Number", "Mobile Num", "Phone",
               "Phone No", "Phone Number", "Contact No", "Contact Number", "Cell No", "Mob No",
               "Mob Number",
               "मोबाइल", "मोबाइल नंबर", "मोबाइल संख्या"),
    "aadhaar": ("aadhaar", "Aadhar", "Aadhaar No", "Aadhaar No.", "Aadhar No", "Aadhaar Number",
                "Aadhar Number", "Aadhaar Card No", "Aadhar Card No", "Aadhaar Card Number",
                "Aadhar Card Number", "Aadhaar ID", "UID", "UID No",
                "Aadhaar/VID", "आधार", "आधार संख्या", "आधार नंबर", "आधार कार्ड नंबर"),
    "bank_account": ("bank_account", "Account No", "Account No.", "Account Number", "Bank Account",
                     "Bank Account No", "Bank Account Number", "Bank A/C No", "A/C No", "AC No",
                     "SB Account No", "Savings Account No", "खाता संख्या", "बैंक खाता संख्या",
                     "खाता नंबर"),
    "ifsc": ("ifsc", "IFSC Code", "IFSC No", "Bank IFSC", "IFS Code", "आईएफएससी", "IFSC कोड"),
    "state": ("state", "State Name", "राज्य"),
    "district": ("district", "District Name", "Dist", "Dist Name", "जिला", "ज़िला"),
    "block": ("block", "Block Name", "Blk", "Blk Name", "Development Block", "Mandal", "Taluka", "Taluk",
              "ब्लॉक", "प्रखंड", "विकासखंड"),
    "panchayat": ("panchayat", "Gram Panchayat", "Panchayat Name", "Gram Panchayat Name", "GP",
                  "GP Name", "ग्राम पंचायत", "पंचायत"),
    "village": ("village", "Village Name", "Revenue Village", "Village/Habitation", "Habitation",
                "Gram", "Gram Name", "Village Nm", "गांव", "गाँव", "ग्राम"),
    "shg_id": ("shg_id", "SHG ID", "SHG Code", "SHG No", "Group ID", "Group Code", "समूह कोड"),
    "shg_name": ("shg_name", "SHG Name", "SHG", "Group Name", "Name of SHG", "समूह का नाम",
                 "स्वयं सहायता समूह"),
    "cbo_id": ("cbo_id", "CBO ID", "CBO Code", "CBO No", "SHG/VO/CLF ID", "Group ID", "Group Code",
               "SHG ID", "SHG Code"),
    "cbo_type": ("cbo_type", "Type", "CBO Type", "Level", "CBO Level", "Group Type"),
    "cbo_name": ("cbo_name", "CBO Name", "Name", "Group Name", "SHG Name", "Name of CBO",
                 "Name of SHG"),
    "parent_id": ("parent_id", "Parent ID", "Parent CBO ID", "Parent Code", "Parent CBO Code",
                  "Parent", "Federation ID"),
    "formation_date": ("formation_date", "Date of Formation", "Formed On", "Formation Dt"),
}

KIND_COLUMNS: dict[str, list[str]] = {
    "members": EXPORT_MEMBER_COLUMNS,
    "cbos": EXPORT_CBO_COLUMNS,
    "memberships": EXPORT_MEMBERSHIP_COLUMNS,
}
REQUIRED: dict[str, list[str]] = {
    "members": ["member_id", "member_name"],
    "cbos": ["cbo_id", "cbo_type", "cbo_name"],
    "memberships": ["cbo_id", "member_id"],
}

_BRACKETS = re.compile(r"[(\[{].*?[)\]}]")


def header_key(text: object) -> str:
    """Case-folded letters, marks and digits of any script; everything else dropped.

    Marks (Devanagari vowel signs etc.) are kept: they are part of the word.
    """
    s = unicodedata.normalize("NFC", str(text or "")).casefold()
    return "".join(ch for ch in s if unicodedata.category(ch)[0] in "LMN")


def alias_lookup(kind: str) -> dict[str, str]:
    """key -> column for one kind of file; raises if an alias is ambiguous in that kind."""
    out: dict[str, str] = {}
    for column in KIND_COLUMNS[kind]:
        for alias in (column,) + HEADER_ALIASES.get(column, ()):
            key = header_key(alias)
            if out.get(key, column) != column:
                raise ValueError(f"header alias {alias!r} means both {out[key]} and {column}")
            out[key] = column
    return out


def resolve_header(header: object, lookup: dict[str, str]) -> str | None:
    key = header_key(header)
    if key in lookup:
        return lookup[key]
    stripped = header_key(_BRACKETS.sub("", str(header or "")))
    return lookup.get(stripped) if stripped else None


def resolve_headers(headers: list[str], kind: str) -> tuple[dict[str, int], dict[str, list[int]]]:
    """(column -> position of its header, column -> positions when more than one header means it)."""
    lookup = alias_lookup(kind)
    found: dict[str, list[int]] = {}
    for pos, h in enumerate(headers):
        col = resolve_header(h, lookup)
        if col:
            found.setdefault(col, []).append(pos)
    positions = {c: p[0] for c, p in found.items()}
    clashes = {c: p for c, p in found.items() if len(p) > 1}
    return positions, clashes


def looks_like(header: object, kind: str) -> str | None:
    """The column an unknown header probably means ("Aadhar Crd No" -> aadhaar), or None.

    An export's own spelling of a header is otherwise just "not used", and a run without
    its Aadhaar or village column finds far fewer duplicates without saying why.
    """
    from difflib import get_close_matches

    lookup = alias_lookup(kind)
    key = header_key(_BRACKETS.sub("", str(header or ""))) or header_key(header)
    if len(key) < 4:
        return None
    close = get_close_matches(key, list(lookup), n=1, cutoff=0.8)
    return lookup[close[0]] if close else None


def example_headers(column: str, n: int = 4) -> str:
    aliases = [a for a in HEADER_ALIASES.get(column, ()) if a != column and a.isascii()]
    return ", ".join(f'"{a}"' for a in aliases[:n])
