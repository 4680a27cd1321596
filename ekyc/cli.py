"""`pehchaan ekyc ...`: verify offline e-KYC and Secure QR, check Aadhaar and bank details, rotate the vault key.

Every command prints one JSON document (schema in ekyc/README.md) and exits 0
only when everything asked for verified; each failure kind has its own exit
code (ekyc.errors.ExitCode). A user mistake never prints a stack trace, and
no output ever contains a full Aadhaar or bank account number.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from dedup.cells import scrub
from ekyc.errors import EkycError, ExitCode, hindi

app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Verify offline Aadhaar e-KYC XML and Secure QR; Aadhaar and bank checks; vault.")
aadhaar_app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False,
                          help="Aadhaar number checks (validity and masked form only).")
bank_app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False,
                       help="Bank account and IFSC checks; accounts shared across households.")
app.add_typer(aadhaar_app, name="aadhaar")
app.add_typer(bank_app, name="bank")


def _emit(payload) -> None:
    text = payload.model_dump_json(indent=2) if hasattr(payload, "model_dump_json") else \
        json.dumps(payload, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write(text + "\n")


def _fail(err: EkycError, **extra) -> None:
    _emit({"ok": False, "exit_code": int(err.code),
           "error": {"code": int(err.code), "kind": err.kind, "message": {"en": err.message, "hi": err.hi}},
           **extra})
    raise typer.Exit(int(err.code))


def _internal(e: Exception) -> None:
    # The message of an unexpected exception may quote input, so only its type is shown.
    _fail(EkycError(ExitCode.INTERNAL, f"internal error ({type(e).__name__}); please report it with the "
                    "command you ran (not the file)"))


# what a Hindi reader is told when the --profile given cannot be read
PROFILE_HI = "सदस्य प्रोफ़ाइल पढ़ी नहीं जा सकी: JSON ऑब्जेक्ट या उसकी फ़ाइल दें"


def _read_profile(value: str | None):
    if value is None:
        return None
    text = value
    if not value.lstrip().startswith("{"):
        p = Path(value)
        # Never echo the value: a full Aadhaar number typed here by mistake would be printed back.
        where = scrub(p.name)
        if not p.is_file():
            raise EkycError(ExitCode.MALFORMED, f"--profile must be a JSON object or the path of a JSON file; "
                            f"no file {where} found", hi=PROFILE_HI)
        try:
            text = p.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            raise EkycError(ExitCode.MALFORMED, f"the profile file {where} could not be read as UTF-8 text",
                            hi=PROFILE_HI) \
                from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise EkycError(ExitCode.MALFORMED, f"the profile is not valid JSON (line {e.lineno}, column {e.colno})",
                        hi=PROFILE_HI) \
            from None
    if not isinstance(data, dict):
        raise EkycError(ExitCode.MALFORMED, "the profile must be a JSON object", hi=PROFILE_HI)
    return data


def _stdin_or(value: str) -> str:
    return sys.stdin.read().strip() if value == "-" else value


@app.command("verify-xml")
def verify_xml(
    zip_path: Path = typer.Argument(..., help="The offline e-KYC ZIP the member downloaded (or its XML)."),
    share_code: str = typer.Option(..., "--share-code", envvar="PEHCHAAN_SHARE_CODE",
                                   help="The 4-character share code the member set."),
    cert: Optional[Path] = typer.Option(None, "--cert", help="A UIDAI certificate (PEM/DER) to trust instead "
                                        "of PEHCHAAN_UIDAI_CERT_DIR."),
    profile: Optional[str] = typer.Option(None, "--profile", help="Member profile: JSON file or inline JSON."),
    mobile: Optional[str] = typer.Option(None, "--mobile", help="Mobile number to check against the XML."),
    email: Optional[str] = typer.Option(None, "--email", help="Email to check against the XML."),
    min_match: Optional[int] = typer.Option(None, "--min-match", min=1, max=100,
                                            help="Partial match value needed (default PEHCHAAN_EKYC_MIN_MATCH)."),
) -> None:
    """Verify an Aadhaar Paperless Offline e-KYC ZIP: signature, then mobile/email/profile when given."""
    from ekyc.offline_xml import verify_offline_xml

    try:
        result = verify_offline_xml(zip_path, share_code, cert=cert, mobile=mobile, email=email,
                                    profile=_read_profile(profile), min_match=min_match)
    except EkycError as err:
        _fail(err, kind="offline_xml")
    except Exception as e:  # noqa: BLE001
        _internal(e)
    _emit(result)
    raise typer.Exit(result.exit_code)


@app.command("verify-qr")
def verify_qr(
    data: Optional[str] = typer.Option(None, "--data", help="The QR's digits ('-' reads them from stdin)."),
    data_file: Optional[Path] = typer.Option(None, "--data-file", help="A text file holding the QR's digits."),
    image: Optional[Path] = typer.Option(None, "--image", help="A PNG/JPEG photo or scan of the QR."),
    cert: Optional[Path] = typer.Option(None, "--cert", help="A UIDAI certificate (PEM/DER) to trust instead "
                                        "of PEHCHAAN_UIDAI_CERT_DIR."),
    profile: Optional[str] = typer.Option(None, "--profile", help="Member profile: JSON file or inline JSON."),
    mobile: Optional[str] = typer.Option(None, "--mobile", help="Mobile number to check against the QR."),
    email: Optional[str] = typer.Option(None, "--email", help="Email to check against the QR."),
    min_match: Optional[int] = typer.Option(None, "--min-match", min=1, max=100),
) -> None:
    """Verify an Aadhaar Secure QR (e-Aadhaar, letter, PVC card) from its digits or an image."""
    from ekyc.secure_qr import verify_secure_qr

    given = [x for x in (data, data_file, image) if x is not None]
    if len(given) != 1:
        _fail(EkycError(ExitCode.USAGE, "give exactly one of --data, --data-file or --image"), kind="secure_qr")
    try:
        text = None
        if data is not None:
            text = _stdin_or(data)
        elif data_file is not None:
            if not data_file.is_file():
                raise EkycError(ExitCode.MALFORMED, f"file {data_file.name} not found", hi="फ़ाइल नहीं मिली: रास्ता (path) जाँचें")
            if data_file.stat().st_size > 100_000:
                raise EkycError(ExitCode.TOO_LARGE, "the QR data file is too large to be a QR")
            text = data_file.read_text(encoding="utf-8", errors="replace")
        result = verify_secure_qr(text, image=image, cert=cert, mobile=mobile, email=email,
                                  profile=_read_profile(profile), min_match=min_match)
    except EkycError as err:
        _fail(err, kind="secure_qr")
    except Exception as e:  # noqa: BLE001
        _internal(e)
    _emit(result)
    raise typer.Exit(result.exit_code)


@aadhaar_app.command("check")
def aadhaar_check(
    number: str = typer.Argument(..., help="The number ('-' reads it from stdin, keeping it out of shell history)."),
) -> None:
    """Is this a valid Aadhaar number or VID? Prints validity and the masked form only."""
    from ekyc.aadhaar import AadhaarKind, parse_aadhaar

    ev = parse_aadhaar(_stdin_or(number), tokenise=False)
    del number
    valid = ev.kind in (AadhaarKind.FULL, AadhaarKind.VID)
    if valid:
        code = ExitCode.OK
    elif ev.kind == AadhaarKind.MASKED:
        code = ExitCode.AADHAAR_MASKED
    else:
        code = ExitCode.AADHAAR_INVALID
    reason = ev.reason or ("only the last 4 digits were given: the check digit cannot be verified"
                           if ev.kind == AadhaarKind.MASKED else ("no number given" if ev.kind == AadhaarKind.MISSING
                                                                 else None))
    _emit({"valid": valid, "kind": ev.kind.value, "masked": ev.masked, "exit_code": int(code),
           "reason": None if reason is None else {"en": reason, "hi": hindi(code) if code else ""}})
    raise typer.Exit(int(code))


@bank_app.command("check")
def bank_check(
    ifsc: str = typer.Option(..., "--ifsc", help="IFSC, e.g. SBIN0001234."),
    account: Optional[str] = typer.Option(None, "--account", help="Account number ('-' reads it from stdin)."),
    bank_codes: Optional[Path] = typer.Option(None, "--bank-codes", help="CSV bank_code,bank_name (default "
                                              "PEHCHAAN_IFSC_BANK_CODES_CSV)."),
) -> None:
    """Check an IFSC (and the bank code against a state's list when loaded) and an account number."""
    from ekyc.bank import check_ifsc, load_bank_codes, parse_bank

    try:
        codes = load_bank_codes(bank_codes)
    except (OSError, ValueError) as e:
        _fail(EkycError(ExitCode.MALFORMED, f"bank-code list: {e}", hi="बैंक कोड सूची पढ़ी नहीं जा सकी"))
    chk = check_ifsc(ifsc, codes)
    out = {"ifsc": chk.ifsc, "bank_code": chk.bank_code, "ifsc_format_ok": chk.format_ok,
           "bank_known": chk.bank_known, "bank_name": chk.bank_name, "ifsc_reason": chk.reason}
    ok = chk.format_ok and chk.bank_known is not False
    if account is not None:
        ev = parse_bank(_stdin_or(account), ifsc)
        del account
        out.update({"account_masked": ev.masked, "account_ok": ev.token is not None,
                    "account_reason": ev.account_reason, "token": ev.token})
        ok = ok and ev.token is not None
    code = ExitCode.OK if ok else ExitCode.MALFORMED
    out["exit_code"] = int(code)
    _emit(out)
    raise typer.Exit(int(code))


@bank_app.command("shared")
def bank_shared(
    members: Path = typer.Argument(..., help="members.parquet from `pehchaan import members` (or a CSV "
                                   "with member_id, bank_token, and household_id or name/relation_name/village)."),
    clusters: Optional[Path] = typer.Option(
        None, help="clusters.csv of a `dedup members` run: records that are one woman for certain (same "
        "Aadhaar) do not share her account; a potential cluster is named in the reason (default: the "
        "clusters file beside MEMBERS, if there is one)."),
) -> None:
    """List bank accounts used by members of different households."""
    import pandas as pd

    from ekyc.bank import shared_accounts

    if not members.is_file():
        _fail(EkycError(ExitCode.MALFORMED, f"file {members.name} not found", hi="फ़ाइल नहीं मिली: रास्ता (path) जाँचें"))
    try:
        if members.suffix.lower() == ".parquet":  # what `pehchaan import` writes: the tokens live there
            df = pd.read_parquet(members)
        else:
            df = pd.read_csv(members, dtype=str, keep_default_na=False, na_values=[""])
    except (ValueError, OSError, pd.errors.ParserError, ImportError):
        _fail(EkycError(ExitCode.MALFORMED, f"{members.name} is not a readable CSV or Parquet file",
                        hi="सदस्य फ़ाइल पढ़ी नहीं जा सकी: CSV या Parquet फ़ाइल दें"))
    if "name" not in df.columns and "member_name" in df.columns:
        df = df.rename(columns={"member_name": "name"})
    if "bank_token" not in df.columns:
        _fail(EkycError(ExitCode.MALFORMED, f"{members.name} has no bank_token column (tokenise accounts with "
                        "`pehchaan import` first: raw account numbers are never read here)",
                        hi="फ़ाइल में bank_token कॉलम नहीं है: पहले `pehchaan import members` चलाएँ"))
    if clusters is None:
        beside = [members.parent / n for n in ("clusters.csv", "clusters.parquet")]
        clusters = next((p for p in beside if p.is_file()), None)
    if clusters is not None:
        try:
            cl = (pd.read_parquet(clusters) if clusters.suffix.lower() == ".parquet"
                  else pd.read_csv(clusters, dtype=str, keep_default_na=False, encoding="utf-8-sig"))
            keep = [c for c in ("member_id", "cluster_id", "confirmed_group") if c in cl]  # older runs: no groups
            cl = cl.loc[cl["cluster_class"] != "unique", keep].astype(str)
            if "member_id" not in cl:
                raise KeyError("member_id")
        except (ValueError, OSError, KeyError, pd.errors.ParserError, ImportError):
            _fail(EkycError(ExitCode.MALFORMED, f"{clusters.name} is not a clusters file of `pehchaan dedup members`",
                            hi="यह `pehchaan dedup members` की clusters फ़ाइल नहीं है"))
        if "member_id" in df:
            df = df.drop(columns=["cluster_id", "confirmed_group"], errors="ignore").merge(cl, on="member_id", how="left")
        else:
            clusters = None  # nothing to join them on
    flags = shared_accounts(df)
    _emit({"flagged": len(flags), "clusters_used": clusters.name if clusters is not None else None, "accounts": [
        {"bank_token": f.bank_token, "member_ids": f.member_ids, "households": f.households, "reasons": f.reasons}
        for f in flags]})


@app.command("rotate-key")
def rotate_key(
    batch_size: int = typer.Option(500, "--batch-size", min=1, help="Rows re-encrypted per transaction."),
    max_batches: Optional[int] = typer.Option(None, "--max-batches", min=1,
                                              help="Stop after this many batches (resume later)."),
    database_url: Optional[str] = typer.Option(None, "--database-url", envvar="PEHCHAAN_DATABASE_URL",
                                               help="Vault database (default PEHCHAAN_DATABASE_URL)."),
    actor: str = typer.Option("rotate-key", "--actor", help="Name written to the audit table."),
) -> None:
    """Re-encrypt the Aadhaar vault under the current PEHCHAAN_VAULT_KEY, in batches, without downtime.

    Keep the previous key in PEHCHAAN_VAULT_OLD_KEYS ("id:secret") until `remaining` is 0."""
    from sqlalchemy.exc import SQLAlchemyError

    from dedup.settings import get_settings
    from ekyc.vault import Actor, Keyring, Vault

    # Configuration mistakes name the setting to fix; only exception types are shown (a URL
    # or a hook's message may hold a password).
    try:
        keyring = Keyring.from_settings()
    except EkycError as err:
        _fail(err)
    except Exception as e:  # noqa: BLE001  (a KMS client may raise anything)
        if get_settings().vault_kms_hook:
            _fail(EkycError(ExitCode.VAULT_KEY_MISSING, f"PEHCHAAN_VAULT_KMS_HOOK could not be used "
                            f"({type(e).__name__}): it must name an importable 'package.module:function' "
                            "returning the vault keys",
                            hi="PEHCHAAN_VAULT_KMS_HOOK से वॉल्ट की कुंजी नहीं मिल सकी; यह सेटिंग जाँचें"))
        if not isinstance(e, (OSError, ValueError)):
            _internal(e)
        _fail(EkycError(ExitCode.VAULT_KEY_MISSING, f"the local key file (PEHCHAAN_KEY_FILE) could not be read "
                        f"or created ({type(e).__name__}): set PEHCHAAN_VAULT_KEY and PEHCHAAN_VAULT_KEY_ID",
                        hi="वॉल्ट की कुंजी फ़ाइल नहीं पढ़ी जा सकी; PEHCHAAN_VAULT_KEY सेट करें"))
    try:
        vault = Vault(database_url, keyring)
        vault.create_schema()
        report = vault.rotate(Actor(actor), batch_size=batch_size, max_batches=max_batches)
    except EkycError as err:
        _fail(err)
    except (SQLAlchemyError, OSError) as e:
        _fail(EkycError(ExitCode.USAGE, f"the vault database could not be opened or used ({type(e).__name__}): "
                        "check PEHCHAAN_DATABASE_URL (or --database-url) and that the database is reachable "
                        "and writable", hi="वॉल्ट डेटाबेस नहीं खुल सका; PEHCHAAN_DATABASE_URL जाँचें"))
    _emit({"ok": report.remaining == 0, "key_id": report.key_id, "rotated": report.rotated,
           "batches": report.batches, "remaining": report.remaining,
           "rows_by_key_before": report.by_key_before, "rows_by_key_after": report.by_key_after})
