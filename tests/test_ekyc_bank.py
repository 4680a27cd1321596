"""Bank: IFSC against a state's optional bank-code list, and accounts shared across households."""
from __future__ import annotations

import pandas as pd
import pytest

try:
    import fixtures_ekyc as F
except ImportError:  # tests/ became a package
    from tests import fixtures_ekyc as F

from ekyc.bank import check_ifsc, load_bank_codes, parse_bank, shared_accounts, shared_accounts_frame


@pytest.fixture(autouse=True)
def _env(monkeypatch, tmp_path):
    F.configure_env(monkeypatch, tmp_path)


@pytest.fixture
def codes_csv(tmp_path):
    p = tmp_path / "banks.csv"
    p.write_text("bank_code,bank_name\nSBIN,State Bank of India\nBARB,Bank of Baroda\nhdfc,HDFC Bank\n",
                 encoding="utf-8")
    return p


def test_bank_code_list_optional(codes_csv, monkeypatch, tmp_path):
    assert load_bank_codes() is None                                  # nothing configured: nothing assumed
    chk = check_ifsc("sbin0001234")
    assert chk.format_ok and chk.bank_code == "SBIN" and chk.bank_known is None
    codes = load_bank_codes(codes_csv)
    assert codes == {"SBIN": "State Bank of India", "BARB": "Bank of Baroda", "HDFC": "HDFC Bank"}
    assert check_ifsc("SBIN0001234", codes).bank_name == "State Bank of India"
    unknown = check_ifsc("ZZZZ0001234", codes)
    assert unknown.format_ok and unknown.bank_known is False and "not in the state's bank list" in unknown.reason
    bad = check_ifsc("SBIN1001234", codes)
    assert not bad.format_ok and bad.bank_known is None
    F.configure_env(monkeypatch, tmp_path, PEHCHAAN_IFSC_BANK_CODES_CSV=str(codes_csv))
    assert load_bank_codes() == codes


def test_bad_bank_code_list(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("bank_code,bank_name\nSB1N,Broken\n")
    with pytest.raises(ValueError, match="line 2"):
        load_bank_codes(p)
    p.write_text("name\nX\n")
    with pytest.raises(ValueError, match="bank_code"):
        load_bank_codes(p)


def _members() -> pd.DataFrame:
    acct = lambda n, ifsc="SBIN0001234": parse_bank(n, ifsc).token  # noqa: E731
    rows = [
        # one family: mother-in-law and daughter-in-law, same village and surname, one account: fine
        ("m1", "Sukri Munda", "Budhu Munda", "Khunti", acct("111122223333")),
        ("m2", "Sunita Munda", "Ramesh Munda", "Khunti", acct("111122223333")),
        # same husband written in two scripts, same village: one household
        ("m3", "Anita Devi", "Ramesh Kumar", "Bodh Gaya", acct("444455556666")),
        ("m4", "सरिता देवी", "रमेश कुमार", "बोधगया", acct("444455556666")),
        # one account, two villages
        ("m5", "Rekha Devi", "Suresh Yadav", "Gaya", acct("777788889999")),
        ("m6", "Geeta Devi", "Suresh Yadav", "Nalanda", acct("777788889999")),
        # one account, one village, unrelated families
        ("m7", "Laxmi Oraon", "Birsa Oraon", "Khunti", acct("123412341234")),
        ("m8", "Phoolmati Barla", "Somra Barla", "Khunti", acct("123412341234")),
        # same account digits at another bank: another account, not shared
        ("m9", "Kamla Devi", "Mohan Lal", "Gaya", acct("999988887777", "BARB0GAYAXX")),
        ("m10", "Vimla Devi", "Sohan Lal", "Patna", acct("999988887777")),
        # village missing for one of them
        ("m11", "Mamta Devi", "Raju Sah", None, acct("555566667777")),
        ("m12", "Mamata Devi", "Raju Sah", "Gaya", acct("555566667777")),
        ("m13", "Usha Devi", "Ram Das", "Gaya", None),
    ]
    return pd.DataFrame(rows, columns=["member_id", "name", "relation_name", "village", "bank_token"])


def test_shared_accounts_flags_only_different_households():
    flags = shared_accounts(_members())
    by_members = {tuple(sorted(f.member_ids)): f for f in flags}
    assert set(by_members) == {("m5", "m6"), ("m7", "m8"), ("m11", "m12")}
    assert any("2 different villages" in r["en"] for r in by_members[("m5", "m6")].reasons)
    assert any("different families" in r["en"] for r in by_members[("m7", "m8")].reasons)
    assert any("village is missing" in r["en"] for r in by_members[("m11", "m12")].reasons)
    for f in flags:
        assert len(f.households) == 2
        assert all(r["en"] and r["hi"] for r in f.reasons)
        assert f.bank_token.startswith("bank:t1:")
    frame = shared_accounts_frame(flags)
    assert list(frame["members"]) == [2, 2, 2] and set(frame.columns) >= {"reason_en", "reason_hi"}


def test_household_column_when_present():
    df = _members()
    df["household_id"] = ["h1", "h1", "h2", "h2", "h3", "h3", "h4", "h4", "h5", "h6", "h7", "h7", "h8"]
    flags = shared_accounts(df)
    assert flags == []
    df.loc[df.member_id == "m2", "household_id"] = "h9"
    flags = shared_accounts(df)
    assert [sorted(f.member_ids) for f in flags] == [["m1", "m2"]]
    assert "2 different households" in flags[0].reasons[0]["en"]


def test_one_womans_records_in_a_cluster_share_her_account_without_a_flag():
    """A woman entered twice (two villages, before and after marriage) has her one account on
    both records: de-duplication's cluster says so, and it is no shared account."""
    df = _members().assign(confirmed_group=None, cluster_id=None)
    df.loc[df.member_id.isin(["m5", "m6"]), ["confirmed_group", "cluster_id"]] = "m5"
    df.loc[df.member_id.isin(["m7", "m8"]), "cluster_id"] = "m7"        # a potential cluster only
    flags = {tuple(sorted(f.member_ids)): f for f in shared_accounts(df)}
    assert set(flags) == {("m7", "m8"), ("m11", "m12")}
    assert any("potential duplicate cluster m7" in r["en"] for r in flags[("m7", "m8")].reasons)
    assert not any("potential" in r["en"] for r in flags[("m11", "m12")].reasons)


def test_no_tokens_no_flags():
    assert shared_accounts(pd.DataFrame({"member_id": ["a"], "name": ["x"]})) == []
    assert shared_accounts(_members().iloc[0:0]) == []
