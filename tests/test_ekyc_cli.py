"""`pehchaan ekyc ...`: JSON out, one exit code per failure kind, no stack traces, no raw numbers."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import zxingcpp
from PIL import Image
from typer.testing import CliRunner

try:
    import fixtures_ekyc as F
except ImportError:  # tests/ became a package
    from tests import fixtures_ekyc as F

from ekyc.bank import parse_bank
from ekyc.cli import app
from ekyc.errors import ExitCode

runner = CliRunner()
SHARE = "Abc1"


@pytest.fixture(autouse=True)
def _env(monkeypatch, tmp_path):
    F.configure_env(monkeypatch, tmp_path)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def cert(tmp_path) -> Path:
    return F.signer().write(tmp_path / "uidai.pem")


@pytest.fixture(scope="module")
def good_zip() -> bytes:
    return F.offline_zip(F.signed_offline_xml(), SHARE)


def run(*args, input=None):
    res = runner.invoke(app, [str(a) for a in args], input=input)
    assert "Traceback" not in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    out = json.loads(res.stdout) if res.stdout.strip() else None
    return res.exit_code, out, res.output


def test_verify_xml_ok_and_json_schema(tmp_path, cert, good_zip):
    z = tmp_path / "offline.zip"
    z.write_bytes(good_zip)
    code, out, _ = run("verify-xml", z, "--share-code", SHARE, "--cert", cert, "--mobile", "9800000002",
                       "--email", "sunita@example.org",
                       "--profile", json.dumps({"name": "सुनीता देवी", "gender": "F", "dob": "15-08-1985",
                                                "village": "Bodh Gaya", "pincode": "823001"}))
    assert code == 0
    assert out["schema_version"] == "1" and out["kind"] == "offline_xml" and out["ok"] is True
    assert set(out) == {"schema_version", "kind", "ok", "exit_code", "error", "identity", "signature", "mobile",
                        "email", "profile_match", "xml_base64"}
    assert out["signature"]["certificate"] == "uidai.pem" and out["mobile"]["verified"]
    assert out["profile_match"]["decision"] == "partial" and out["profile_match"]["passed"]
    assert out["identity"]["aadhaar_masked"] == "XXXX XXXX 4821"


@pytest.mark.parametrize("case,expected", [
    ("share_code", ExitCode.BAD_SHARE_CODE), ("tampered", ExitCode.SIGNATURE_INVALID),
    ("other_cert", ExitCode.CERT_UNTRUSTED), ("expired", ExitCode.CERT_EXPIRED),
    ("malformed", ExitCode.MALFORMED), ("mobile", ExitCode.MOBILE_MISMATCH), ("email", ExitCode.EMAIL_MISMATCH),
    ("profile", ExitCode.PROFILE_MISMATCH), ("bomb", ExitCode.TOO_LARGE), ("no_cert", ExitCode.NO_CERTIFICATE),
    ("bad_profile_json", ExitCode.MALFORMED), ("missing_file", ExitCode.MALFORMED),
])
def test_verify_xml_exit_codes(case, expected, tmp_path, cert, good_zip):
    z = tmp_path / "offline.zip"
    z.write_bytes(good_zip)
    args = ["verify-xml", z, "--share-code", SHARE, "--cert", cert]
    if case == "share_code":
        args[3] = "Xyz9"
    elif case == "tampered":
        z.write_bytes(F.offline_zip(F.signed_offline_xml().replace(b"Sunita", b"Sunitx", 1), SHARE))
    elif case == "other_cert":
        args[-1] = F.signer("other").write(tmp_path / "other.pem")
    elif case == "expired":
        exp = F.signer("uidai-old", expired=True)
        z.write_bytes(F.offline_zip(F.signed_offline_xml(exp), SHARE))
        args[-1] = exp.write(tmp_path / "old.pem")
    elif case == "malformed":
        z.write_bytes(good_zip[:200])
    elif case == "mobile":
        args += ["--mobile", "9000000000"]
    elif case == "email":
        args += ["--email", "x@y.in"]
    elif case == "profile":
        p = tmp_path / "profile.json"
        p.write_text(json.dumps({"name": "Rekha Kumari", "gender": "F", "year_of_birth": 1970}))
        args += ["--profile", p]
    elif case == "bomb":
        z.write_bytes(F.zip_bomb())
    elif case == "no_cert":
        args = args[:4]
    elif case == "bad_profile_json":
        args += ["--profile", "{not json"]
    elif case == "missing_file":
        args[1] = tmp_path / "nope.zip"
    code, out, _ = run(*args)
    assert code == expected, out
    assert out["ok"] is False and out["exit_code"] == expected == out["error"]["code"]
    assert out["error"]["message"]["en"] and out["error"]["message"]["hi"]
    if case == "missing_file":   # in Hindi too, what went wrong, not "the file is incomplete"
        assert "नहीं मिली" in out["error"]["message"]["hi"]
    if case == "bad_profile_json":
        assert "प्रोफ़ाइल" in out["error"]["message"]["hi"]
    if case == "profile":   # the message says which field failed, not only a score
        name = next(f for f in out["profile_match"]["fields"] if f["field"] == "name")
        assert f"the name scores {name['score']} of 100" in out["error"]["message"]["en"], out["error"]


def test_a_gender_conflict_is_named_in_the_mismatch_message(tmp_path, cert, good_zip):
    z = tmp_path / "offline.zip"
    z.write_bytes(good_zip)
    p = tmp_path / "profile.json"
    p.write_text(json.dumps({"name": "Sunita Devi", "gender": "M"}))
    code, out, _ = run("verify-xml", z, "--share-code", SHARE, "--cert", cert, "--profile", p)
    assert code == ExitCode.PROFILE_MISMATCH
    assert "gender differs" in out["error"]["message"]["en"] and "लिंग" in out["error"]["message"]["hi"]


def test_verify_qr_data_file_stdin_and_image(tmp_path, cert):
    digits = F.secure_qr_digits()
    code, out, _ = run("verify-qr", "--data", digits, "--cert", cert, "--mobile", "9800000002")
    assert code == 0 and out["kind"] == "secure_qr" and out["identity"]["qr_version"] == "V2"
    f = tmp_path / "qr.txt"
    f.write_text(digits + "\n")
    assert run("verify-qr", "--data-file", f, "--cert", cert)[0] == 0
    assert run("verify-qr", "--data", "-", "--cert", cert, input=digits)[0] == 0
    png = tmp_path / "qr.png"
    Image.fromarray(np.asarray(zxingcpp.create_barcode(digits, zxingcpp.BarcodeFormat.QRCode)
                               .to_image(scale=3))).save(png)
    code, out, _ = run("verify-qr", "--image", png, "--cert", cert)
    assert code == 0 and out["identity"]["name"] == "Sunita Devi"


def test_verify_qr_failures(tmp_path, cert):
    digits = F.secure_qr_digits()
    assert run("verify-qr", "--cert", cert)[0] == ExitCode.USAGE
    assert run("verify-qr", "--data", digits, "--image", tmp_path / "x.png", "--cert", cert)[0] == ExitCode.USAGE
    assert run("verify-qr", "--data", "12ab34", "--cert", cert)[0] == ExitCode.MALFORMED
    altered = F.qr_digits(F.sign_qr(F.secure_qr_payload(), F.signer()).replace(b"Bihar", b"Bihax"))
    assert run("verify-qr", "--data", altered, "--cert", cert)[0] == ExitCode.SIGNATURE_INVALID
    n = F.valid_aadhaar()
    legacy = f'<?xml version="1.0"?><PrintLetterBarcodeData uid="{n}" name="Sunita Devi" gender="F" yob="1985"/>'
    code, out, output = run("verify-qr", "--data", legacy, "--cert", cert)
    assert code == ExitCode.UNSIGNED_LEGACY_QR and n not in output
    blank = tmp_path / "blank.png"
    Image.new("L", (100, 100), 255).save(blank)
    assert run("verify-qr", "--image", blank, "--cert", cert)[0] == ExitCode.NO_QR_FOUND


def test_public_vector_from_cli():
    code, out, _ = run("verify-qr", "--data-file", F.vector("anon_v2_test_qr.txt"),
                       "--cert", F.vector("testCertificate.pem"))
    assert code == 0 and out["identity"]["name"] == "Sumit Kumar"


def test_aadhaar_check_prints_masked_only():
    n = F.valid_aadhaar()
    code, out, output = run("aadhaar", "check", f"{n[:4]} {n[4:8]} {n[8:]}")
    assert code == 0 and out == {"valid": True, "kind": "full", "masked": f"XXXX XXXX {n[-4:]}", "exit_code": 0,
                                 "reason": None}
    assert n not in output and n[:4] + " " + n[4:8] not in output
    code, out, _ = run("aadhaar", "check", "-", input=n + "\n")
    assert code == 0 and out["valid"]
    bad = n[:-1] + str((int(n[-1]) + 1) % 10)
    code, out, output = run("aadhaar", "check", bad)
    assert code == ExitCode.AADHAAR_INVALID and not out["valid"] and out["masked"] is None
    assert bad not in output and "check digit" in out["reason"]["en"]
    code, out, _ = run("aadhaar", "check", "XXXX XXXX 1234")
    assert code == ExitCode.AADHAAR_MASKED and out["masked"] == "XXXX XXXX 1234"
    assert not (Path.cwd() / ".pehchaan").exists()   # a check needs no key, creates nothing


def test_bank_commands(tmp_path):
    codes = tmp_path / "banks.csv"
    codes.write_text("bank_code,bank_name\nSBIN,State Bank of India\n")
    code, out, output = run("bank", "check", "--ifsc", "sbin0001234", "--account", "3012 4567 8901",
                            "--bank-codes", codes)
    assert code == 0 and out["ifsc"] == "SBIN0001234" and out["bank_name"] == "State Bank of India"
    assert out["account_masked"] == "XXXXXX8901" and "301245678901" not in output
    code, out, _ = run("bank", "check", "--ifsc", "ZZZZ0001234", "--bank-codes", codes)
    assert code == ExitCode.MALFORMED and out["bank_known"] is False
    assert run("bank", "check", "--ifsc", "SBIN1234567")[0] == ExitCode.MALFORMED
    members = tmp_path / "members.csv"
    tok = parse_bank("111122223333", "SBIN0001234").token
    members.write_text("member_id,name,relation_name,village,bank_token\n"
                       f"a,Rekha Devi,Suresh Yadav,Gaya,{tok}\nb,Geeta Devi,Suresh Yadav,Nalanda,{tok}\n")
    code, out, _ = run("bank", "shared", members)
    assert code == 0 and out["flagged"] == 1 and out["accounts"][0]["member_ids"] == ["a", "b"]
    # straight from an import: members.parquet is where the tokens are
    from dedup.importer import import_members
    export = tmp_path / "export.csv"
    export.write_text("member_id,member_name,relation_name,village,block,bank_account,ifsc\n"
                      "a,Rekha Devi,Suresh Yadav,Gaya,Bodhgaya,111122223333,SBIN0001234\n"
                      "b,Geeta Devi,Ramesh Yadav,Nalanda,Bodhgaya,111122223333,SBIN0001234\n")
    res = import_members(export, tmp_path / "imp", workers=0)
    code, out, output = run("bank", "shared", res.output_path)
    assert code == 0 and out["flagged"] == 1 and "111122223333" not in output
    assert out["clusters_used"] is None
    # a run's clusters beside the members file: one woman for certain (same Aadhaar) shares
    # nothing with herself; a potential cluster keeps the flag and is named in the reason
    clusters_csv = tmp_path / "imp" / "clusters.csv"
    header = "\ufeffmember_id,cluster_id,cluster_class,cluster_size,confirmed_group\n"
    clusters_csv.write_text(header + "a,a,confirmed,2,a\nb,a,confirmed,2,a\n", encoding="utf-8")
    code, out, _ = run("bank", "shared", res.output_path)
    assert code == 0 and out["flagged"] == 0 and out["clusters_used"] == "clusters.csv"
    clusters_csv.write_text(header + "a,a,potential,2,\nb,a,potential,2,\n", encoding="utf-8")
    code, out, _ = run("bank", "shared", res.output_path)
    assert code == 0 and out["flagged"] == 1
    assert any("potential duplicate cluster a" in r["en"] for r in out["accounts"][0]["reasons"])
    (tmp_path / "other.csv").write_text("member_id,cluster_id,cluster_class\na,x,unique\nb,y,unique\n")
    code, out, _ = run("bank", "shared", res.output_path, "--clusters", tmp_path / "other.csv")
    assert code == 0 and out["flagged"] == 1


def test_rotate_key_cli(monkeypatch, tmp_path):
    from ekyc.keys import Key
    from ekyc.vault import Actor, Keyring, Vault

    db = tmp_path / "vault.db"
    v = Vault(f"sqlite:///{db}", Keyring(Key("v1", bytes.fromhex("11" * 32))))
    v.create_schema()
    numbers = [F.valid_aadhaar() for _ in range(5)]
    for n in numbers:
        v.store(n, Actor("import"), "legacy")
    F.configure_env(monkeypatch, tmp_path, PEHCHAAN_DATABASE_URL=f"sqlite:///{db}",
                    PEHCHAAN_VAULT_KEY="22" * 32, PEHCHAAN_VAULT_KEY_ID="v2",
                    PEHCHAAN_VAULT_OLD_KEYS=f"v1:{'11' * 32}")
    code, out, _ = run("rotate-key", "--batch-size", "2", "--max-batches", "1")
    assert code == 0 and out["rotated"] == 2 and out["remaining"] == 3 and out["ok"] is False
    code, out, _ = run("rotate-key", "--batch-size", "2")
    assert code == 0 and out["ok"] and out["remaining"] == 0 and out["rows_by_key_after"] == {"v2": 5}
    # without the old key, rows still under it are a clear error
    F.configure_env(monkeypatch, tmp_path, PEHCHAAN_DATABASE_URL=f"sqlite:///{db}",
                    PEHCHAAN_VAULT_KEY="33" * 32, PEHCHAAN_VAULT_KEY_ID="v3")
    code, out, _ = run("rotate-key")
    assert code == ExitCode.VAULT_KEY_MISSING and "v2" in out["error"]["message"]["en"]


def test_real_command_line_no_stack_trace(tmp_path, cert):
    """The installed entry point (`python -m dedup.cli ekyc ...`), as a block office runs it."""
    repo = Path(__file__).resolve().parents[1]
    env = {k: v for k, v in os.environ.items()}
    env["PYTHONPATH"] = str(repo)
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    p = subprocess.run([sys.executable, "-m", "dedup.cli", "ekyc", "verify-xml", str(bad), "--share-code", "x",
                        "--cert", str(cert)], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert p.returncode == ExitCode.MALFORMED, p.stderr
    assert "Traceback" not in p.stderr + p.stdout
    assert json.loads(p.stdout)["error"]["kind"] == "malformed"


def test_profile_value_never_echoed(tmp_path, cert, good_zip):
    z = tmp_path / "offline.zip"
    z.write_bytes(good_zip)
    n = F.valid_aadhaar()
    for value in (n, f"{n[:4]} {n[4:8]} {n[8:]}"):   # a number typed into --profile by mistake
        code, out, output = run("verify-xml", z, "--share-code", SHARE, "--cert", cert, "--profile", value)
        assert code == ExitCode.MALFORMED and n[:8] not in output and n[:4] + " " + n[4:8] not in output
        assert "JSON object" in out["error"]["message"]["en"] and n[-4:] in out["error"]["message"]["en"]


@pytest.mark.parametrize("option", ["--mobile", "--email"])
def test_empty_mobile_or_email_option_is_refused(tmp_path, cert, good_zip, option):
    z = tmp_path / "offline.zip"
    z.write_bytes(good_zip)
    code, out, _ = run("verify-xml", z, "--share-code", SHARE, "--cert", cert, option, "")
    assert code == ExitCode.MALFORMED and out["ok"] is False and option[2:] in out["error"]["message"]["en"]
    code, out, _ = run("verify-qr", "--data", F.secure_qr_digits(), "--cert", cert, option, "")
    assert code == ExitCode.MALFORMED and out["ok"] is False


@pytest.mark.parametrize("setting,value,expected,named", [
    ("PEHCHAAN_VAULT_KMS_HOOK", "nosuchmod:f", ExitCode.VAULT_KEY_MISSING, "PEHCHAAN_VAULT_KMS_HOOK"),
    ("PEHCHAAN_VAULT_KMS_HOOK", "json:no_such_function", ExitCode.VAULT_KEY_MISSING, "PEHCHAAN_VAULT_KMS_HOOK"),
    ("PEHCHAAN_DATABASE_URL", "sqlite:////proc/x/v.db", ExitCode.USAGE, "PEHCHAAN_DATABASE_URL"),
    ("PEHCHAAN_DATABASE_URL", "nosuchdb://x", ExitCode.USAGE, "PEHCHAAN_DATABASE_URL"),
])
def test_rotate_key_configuration_errors_are_clean(monkeypatch, tmp_path, setting, value, expected, named):
    F.configure_env(monkeypatch, tmp_path, **{setting: value})
    code, out, output = run("rotate-key")
    assert code == expected and out["ok"] is False and named in out["error"]["message"]["en"], output
