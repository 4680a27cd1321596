"""The columns that flow between stages. A contract, not a framework.

EXPORT_* are what a legacy MIS export holds (after header aliases are resolved).
CLEAN_MEMBER_COLUMNS are what the importer writes: identifiers already tokenised
(raw Aadhaar and full bank account numbers never get past the importer).
"""
from __future__ import annotations

EXPORT_MEMBER_COLUMNS = [
    "member_id", "state", "district", "block", "panchayat", "village", "shg_id", "shg_name",
    "member_name", "relation_type", "relation_name", "gender", "dob", "age", "mobile",
    "aadhaar", "bank_account", "ifsc",
]
REQUIRED_MEMBER_COLUMNS = ["member_id", "member_name"]

EXPORT_CBO_COLUMNS = [
    "cbo_id", "cbo_type", "cbo_name", "state", "district", "block", "panchayat", "village",
    "parent_id", "formation_date", "bank_account", "ifsc",
]
EXPORT_MEMBERSHIP_COLUMNS = ["cbo_id", "member_id"]

# What the importer hands to matching (one row per accepted member).
CLEAN_MEMBER_COLUMNS = [
    "member_id",          # str, unique within the file
    "source_row",         # int, 1-based data row number in the input file (header = row 1 -> first data row 2)
    "state", "district", "block", "panchayat", "village", "shg_id", "shg_name",  # str | None, stripped
    "member_name",        # str, as given (names are not secret)
    "relation_type",      # 'father' | 'husband' | 'mother' | 'guardian' | None
    "relation_name",      # str | None, as given
    "gender",             # 'F' | 'M' | 'T' | None
    "dob",                # ISO 'YYYY-MM-DD' | None
    "yob",                # int | None: from dob, else from age and the export year
    "age",                # int | None, as given
    "mobile",             # 10 digits | None
    "aadhaar_kind",       # 'full' | 'vid' | 'masked' | 'invalid' | 'missing'
    "aadhaar_token",      # 'aad:<keyid>:<hex>' or 'vid:...' | None
    "aadhaar_last4",      # 4 digits | None
    "bank_token",         # 'bank:<keyid>:<hex>' | None
    "bank_last4",         # 4 digits | None
    "ifsc",               # normalised IFSC | None
]

RELATION_TYPES = ("father", "husband", "mother", "guardian")
