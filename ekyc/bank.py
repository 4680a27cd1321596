"""Bank account and IFSC: format checks and a keyed token of (bank, account).

IFSC[:4] is the bank code; the token pairs the bank code with the account digits
because the same account number can exist at two banks. We do not treat IFSC[:4]
alone as proof of which bank it is (no maintained offline IFSC master on PyPI).
"""
from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dedup.cells import clean_cell, number_cell
from ekyc.tokens import make_token

IFSC_RE = re.compile(r"^[A-Z]{4}0[A-Z0-9]{6}$")


@dataclass(frozen=True)
class BankEvidence:
    token: str | None = None
    last4: str | None = None
    ifsc: str | None = None
    account_reason: str | None = None
    ifsc_reason: str | None = None

    @property
    def masked(self) -> str | None:
        return f"XXXXXX{self.last4}" if self.last4 else None


def normalise_ifsc(value: object) -> tuple[str | None, str | None]:
    """(ifsc, reason): reason is set when an IFSC was given but is malformed."""
    text = re.sub(r"[\s\-]", "", clean_cell(value)).upper()
    if not text:
        return None, None
    if not IFSC_RE.match(text):
        return None, "IFSC must be 4 letters, then 0, then 6 letters or digits (e.g. SBIN0001234)"
    return text, None


_MASKED_ACCOUNT = re.compile(r"^[xX*#]{3,16}(\d{4})$")


def parse_bank(account: object, ifsc: object = None) -> BankEvidence:
    ifsc_norm, ifsc_reason = normalise_ifsc(ifsc)
    acct = re.sub(r"[\s\-]", "", number_cell(account))
    if not acct:
        return BankEvidence(ifsc=ifsc_norm, ifsc_reason=ifsc_reason)
    masked = _MASKED_ACCOUNT.match(acct)
    if masked:  # "XXXXXX1234": only the last 4 were exported; shown, never matched on
        return BankEvidence(last4=masked.group(1), ifsc=ifsc_norm, ifsc_reason=ifsc_reason)
    if not acct.isdigit():
        return BankEvidence(ifsc=ifsc_norm, ifsc_reason=ifsc_reason,
                            account_reason="account number must contain only digits")
    if not 9 <= len(acct) <= 18:
        return BankEvidence(ifsc=ifsc_norm, ifsc_reason=ifsc_reason,
                            account_reason=f"account number must have 9 to 18 digits; this has {len(acct)}")
    if set(acct) == {"0"}:
        return BankEvidence(ifsc=ifsc_norm, ifsc_reason=ifsc_reason,
                            account_reason="account number is all zeros")
    bank_code = ifsc_norm[:4] if ifsc_norm else "????"
    acct = acct.lstrip("0") or acct
    return BankEvidence(token=make_token("bank", f"{bank_code}|{acct}"), last4=acct[-4:],
                        ifsc=ifsc_norm, ifsc_reason=ifsc_reason)


# ---------------------------------------------------------------- optional bank-code list

def load_bank_codes(path: str | Path | None = None) -> dict[str, str] | None:
    """A state's bank-code list (CSV: bank_code,bank_name), or None when none is configured.

    Looked for on PyPI first: no maintained offline IFSC master exists (the one candidate is
    LGPL and ships an undated 46 MB SQLite), so the list is data a state loads, path in
    PEHCHAAN_IFSC_BANK_CODES_CSV.
    """
    if path is None:
        from dedup.settings import get_settings

        path = get_settings().ifsc_bank_codes_csv
        if path is None:
            return None
    p = Path(path)
    codes: dict[str, str] = {}
    with p.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        fields = {(h or "").strip().lower(): h for h in reader.fieldnames or []}
        code_col = next((fields[c] for c in ("bank_code", "code", "ifsc_prefix", "bankcode") if c in fields), None)
        name_col = next((fields[c] for c in ("bank_name", "name", "bank") if c in fields), None)
        if code_col is None:
            raise ValueError(f"{p.name}: needs a bank_code column (and optionally bank_name)")
        for line_no, row in enumerate(reader, start=2):
            code = (row.get(code_col) or "").strip().upper()
            if not re.fullmatch(r"[A-Z]{4}", code):
                raise ValueError(f"{p.name} line {line_no}: bank code must be 4 letters")
            codes[code] = (row.get(name_col) or "").strip() if name_col else ""
    return codes


@dataclass(frozen=True)
class IfscCheck:
    ifsc: str | None
    bank_code: str | None
    format_ok: bool
    bank_known: bool | None       # None when no bank list is loaded: unknown, not "unknown bank"
    bank_name: str | None = None
    reason: str | None = None


def check_ifsc(value: object, bank_codes: Mapping[str, str] | None = None) -> IfscCheck:
    ifsc, reason = normalise_ifsc(value)
    if ifsc is None:
        return IfscCheck(None, None, False, None, reason=reason or "no IFSC given")
    code = ifsc[:4]
    if bank_codes is None:
        return IfscCheck(ifsc, code, True, None)
    if code in bank_codes:
        return IfscCheck(ifsc, code, True, True, bank_codes[code] or None)
    return IfscCheck(ifsc, code, True, False,
                     reason=f"bank code {code} is not in the state's bank list (typing error, or a new bank?)")


# ---------------------------------------------------------------- one account, several households

@dataclass
class SharedAccount:
    """Members of different households using one bank account: a block manager looks at it."""

    bank_token: str
    member_ids: list
    households: list[list]            # member ids grouped by household
    reasons: list[dict]               # [{"en": ..., "hi": ...}]


def _household_keys(members: pd.DataFrame, relation_col: str, name_col: str, village_col: str) -> pd.DataFrame:
    from dedup.names import normalise_place, parse_name  # lazily: only needed here

    out = pd.DataFrame(index=members.index)
    rel = members[relation_col] if relation_col in members else pd.Series(None, index=members.index)
    names = members[name_col] if name_col in members else pd.Series(None, index=members.index)
    vill = members[village_col] if village_col in members else pd.Series(None, index=members.index)

    def key(text, attr):
        if text is None or (isinstance(text, float) and pd.isna(text)) or not str(text).strip():
            return None
        return getattr(parse_name(str(text)), attr) or None

    out["relation_key"] = [key(t, "key") for t in rel]
    out["surname_key"] = [key(t, "surname_key") for t in names]
    out["village_key"] = [(normalise_place(str(v)) or None) if isinstance(v, str) and v.strip() else None
                          for v in vill]
    return out


def shared_accounts(members: pd.DataFrame, *, token_col: str = "bank_token", id_col: str = "member_id",
                    household_col: str | None = "household_id", relation_col: str = "relation_name",
                    name_col: str = "name", village_col: str = "village",
                    person_col: str = "confirmed_group",
                    review_col: str = "cluster_id") -> list[SharedAccount]:
    """Flag bank accounts used by members of different households.

    One account for a mother-in-law and daughter-in-law is common and fine; one account for
    members with unrelated families, or in different villages, is what a block manager must
    look at (an agent's account, or a data-entry error). Households come from
    ``household_col`` when the data has one; otherwise two members are taken as one household
    when they live in the same village and share the father/husband name or the surname
    (both read through dedup.names, so scripts and spellings agree). Records that de-duplication
    found to be one woman for certain (``person_col``: the same Aadhaar, a run's confirmed_group)
    are one woman entered twice: her account on both is no sharing at all. Records only in one
    *potential* cluster (``review_col``) stay flagged, with a reason saying so: a shared account
    is itself evidence for such a cluster, so it cannot also clear the account.
    """
    if token_col not in members or members.empty:
        return []
    df = members[members[token_col].notna() & (members[token_col].astype(str) != "")]
    groups = df.groupby(token_col, sort=True)
    shared = [(tok, g) for tok, g in groups if len(g) > 1]
    if not shared:
        return []
    use_ids = household_col is not None and household_col in df and df[household_col].notna().all()
    keys = None if use_ids else _household_keys(df, relation_col, name_col, village_col)
    flags: list[SharedAccount] = []
    for tok, g in shared:
        idx = list(g.index)
        ids = list(g[id_col]) if id_col in g else idx
        parent = list(range(len(idx)))

        def find(i):
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for i in range(len(idx)):
            for j in range(i + 1, len(idx)):
                if use_ids:
                    same = g.at[idx[i], household_col] == g.at[idx[j], household_col]
                else:
                    a, b = keys.loc[idx[i]], keys.loc[idx[j]]
                    same_village = a.village_key is not None and a.village_key == b.village_key
                    same_family = ((a.relation_key is not None and a.relation_key == b.relation_key) or
                                   (a.surname_key is not None and a.surname_key == b.surname_key))
                    same = same_village and same_family
                if not same and person_col in g:  # one woman for certain: the same Aadhaar
                    pi, pj = g.at[idx[i], person_col], g.at[idx[j], person_col]
                    same = bool(pd.notna(pi) and str(pi) != "" and pi == pj)
                if same:
                    parent[find(i)] = find(j)
        comps: dict[int, list] = {}
        for i in range(len(idx)):
            comps.setdefault(find(i), []).append(ids[i])
        if len(comps) < 2:
            continue
        reasons = []
        if review_col in g:
            clusters = {str(c) for c in g[review_col] if pd.notna(c) and str(c) != ""}
            if len(clusters) == 1 and g[review_col].notna().all():
                reasons.append({"en": f"possibly one woman entered twice (potential duplicate cluster "
                                      f"{clusters.pop()}): decide the cluster first",
                                "hi": "संभवतः एक ही महिला दो बार दर्ज (संभावित डुप्लिकेट समूह): पहले उस "
                                      "समूह पर निर्णय लें"})
        if use_ids:
            reasons.append({"en": f"one bank account is used by {len(comps)} different households",
                            "hi": f"एक बैंक खाता {len(comps)} अलग-अलग परिवारों द्वारा उपयोग किया जा रहा है"})
        else:
            comp_of = {i: find(i) for i in range(len(idx))}
            other_village = family_differs = missing_village = False
            for i in range(len(idx)):
                for j in range(i + 1, len(idx)):
                    if comp_of[i] == comp_of[j]:
                        continue
                    a, b = keys.loc[idx[i]], keys.loc[idx[j]]
                    if a.village_key is None or b.village_key is None:
                        missing_village = True
                    elif a.village_key != b.village_key:
                        other_village = True
                    else:
                        family_differs = True
            if other_village:
                n = len({v for v in keys.loc[idx].village_key if v})
                reasons.append({"en": f"one bank account is used by members in {n} different villages",
                                "hi": f"एक बैंक खाता {n} अलग-अलग गाँवों के सदस्यों द्वारा उपयोग हो रहा है"})
            if family_differs:
                reasons.append({"en": "one bank account is used by members of one village with different "
                                      "father/husband names and surnames (different families)",
                                "hi": "एक बैंक खाता एक ही गाँव के अलग-अलग परिवारों (अलग पिता/पति का नाम "
                                      "और उपनाम) के सदस्यों द्वारा उपयोग हो रहा है"})
            if missing_village:
                reasons.append({"en": "one bank account is shared and the village is missing for some of its "
                                      "members, so they cannot be placed in one household",
                                "hi": "खाता साझा है और कुछ सदस्यों का गाँव दर्ज नहीं है, इसलिए उन्हें एक परिवार "
                                      "का नहीं माना जा सकता"})
        flags.append(SharedAccount(str(tok), ids, list(comps.values()), reasons))
    return flags


def shared_accounts_frame(flags: list[SharedAccount]) -> pd.DataFrame:
    """One row per flagged account, for reports."""
    return pd.DataFrame([{"bank_token": f.bank_token, "members": len(f.member_ids), "households": len(f.households),
                          "member_ids": f.member_ids, "reason_en": "; ".join(r["en"] for r in f.reasons),
                          "reason_hi": "; ".join(r["hi"] for r in f.reasons)} for f in flags])
