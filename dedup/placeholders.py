"""Values that many members of one block share are placeholders, not evidence.

Bookkeepers fill a required field with a stand-in: their own phone for a whole SHG,
9999999999, a dummy account number, a default date of birth. A household shares a
phone or an account among a few women; on 100k synthetic rows no phone is on more than
8 members of a block, no account on more than 5, no written date (other than 1 January,
already read as a year only) on more than 6. A value on hundreds of members would
otherwise make every namesake pair among them look like one woman (a review found
potential pairs going from 57 to 768 on 500 rows with one default date) and multiply
the pairs compared. Such values are counted per block, listed in summary.json, and
blanked before scoring.
"""
from __future__ import annotations

import pandas as pd

# More members than this in one block with the same value: a placeholder. Dates allow
# more, since real blocks of 40,000 members share birthdays by chance more often.
MAX_SHARED = {"mobile": 10, "bank_token": 10, "dob_day_known": 20}
LABELS = {"mobile": "mobile", "bank_token": "bank account", "dob_day_known": "date of birth"}


# The run's placeholders.parquet: what a real-time service needs to blank the same values.
COLUMNS = ["column", "district", "block", "block_key", "value", "members"]


def find_placeholders(features: pd.DataFrame, bank_last4: pd.Series | None = None) -> pd.DataFrame:
    """(column, district, block, value, shown, members) of every value shared by more
    members of one block than MAX_SHARED allows. ``shown`` is safe to print: the last 4
    digits of a phone or account, the date itself."""
    rows = []
    for col, limit in MAX_SHARED.items():
        if col not in features:
            continue
        sub = features[["block_key", col]].dropna()
        groups = pd.Series(sub.index, index=sub.index).groupby([sub["block_key"], sub[col]], sort=False)
        counts, firsts = groups.size(), groups.first()  # a member of each group, for names and last 4
        for (block_key, value), n in counts[counts > limit].items():
            first = firsts[(block_key, value)]
            if col == "mobile":
                shown = "XXXXXX" + str(value)[-4:]
            elif col == "bank_token":
                last4 = bank_last4.loc[first] if bank_last4 is not None else None
                shown = f"XXXXXX{last4}" if isinstance(last4, str) else "(an account)"
            else:
                shown = str(value)
            rows.append({"column": col, "field": LABELS[col], "district": features.at[first, "district"],
                         "block": features.at[first, "block"], "block_key": block_key, "value": value,
                         "shown": shown, "members": int(n)})
    return pd.DataFrame(rows, columns=COLUMNS[:3] + ["field", "shown"] + COLUMNS[3:])


# A default date is no year of birth either: blank everything read from it.
_ALSO_BLANK = {"dob_day_known": ("dob", "dob_year", "yob")}


def blank_placeholders(features: pd.DataFrame, found: pd.DataFrame) -> pd.DataFrame:
    """features with each placeholder value set to None in its block (in place, returned)."""
    for col, group in found.groupby("column"):
        key = pd.MultiIndex.from_arrays([features["block_key"], features[col]])
        hit = key.isin(pd.MultiIndex.from_arrays([group["block_key"], group["value"]]))
        for c in (col, *_ALSO_BLANK.get(col, ())):
            if c in features:
                features.loc[hit, c] = None
    return features


def summary_rows(found: pd.DataFrame) -> list[dict]:
    """What summary.json lists: no raw values, most shared first."""
    cols = ["field", "district", "block", "shown", "members"]
    return found.sort_values("members", ascending=False)[cols].to_dict("records")


def warning(found: pd.DataFrame) -> list[str]:
    if found.empty:
        return []
    top = found.sort_values("members", ascending=False).iloc[0]
    many = f"{len(found):,} values are" if len(found) > 1 else "1 value is"
    return [f"{many} shared by so many members of one block that they cannot be "
            f"theirs (e.g. {top['field']} {top['shown']} on {top['members']:,} members of block "
            f"{top['block']}): they were not used as evidence. The list is in summary.json under "
            "'placeholders'; correct them at the source."]
