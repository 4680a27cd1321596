"""Turning checks into one VerificationResult with one exit code.

Shared by offline XML and Secure QR so that both answer in the same shape:
``ok`` only when everything that was asked for verified (the signature always;
mobile, email and profile when given), and ``exit_code`` naming the first
thing that failed.
"""
from __future__ import annotations

from typing import Literal

from pydantic import ValidationError

from ekyc.errors import EkycError, ExitCode, hindi
from ekyc.hashes import email_matches, mobile_matches
from ekyc.models import ContactCheck, ErrorInfo, Identity, Message, Profile, VerificationResult

Kind = Literal["offline_xml", "secure_qr"]


def error_info(err: EkycError) -> ErrorInfo:
    return ErrorInfo(code=int(err.code), kind=err.kind, message=Message(en=err.message, hi=err.hi))


def failed(kind: Kind, err: EkycError, **parts) -> VerificationResult:
    return VerificationResult(kind=kind, ok=False, exit_code=int(err.code), error=error_info(err), **parts)


def reject_empty_claims(mobile: str | None, email: str | None) -> None:
    """A mobile or email given but empty is a mistake (an unset shell variable, say), not "not given":
    skipping it would report ok for a check the caller asked for."""
    for what, value in (("mobile", mobile), ("email", email)):
        if value is not None and not str(value).strip():
            raise EkycError(ExitCode.MALFORMED, f"the {what} to check was given but is empty: give a {what} "
                            "or leave the option out",
                            hi=f"जाँच के लिए {'मोबाइल' if what == 'mobile' else 'ईमेल'} दिया गया पर खाली है: "
                               "सही मान दें या विकल्प हटाएँ")


def check_mobile(claimed: str, stored_hex: str | None, last_digit: str, salt: str) -> ContactCheck:
    if not stored_hex:
        return ContactCheck(verified=False, reason=Message(
            en="no mobile number is registered in this Aadhaar document",
            hi="इस आधार दस्तावेज़ में कोई मोबाइल नंबर दर्ज नहीं है"))
    ok, method = mobile_matches(claimed, stored_hex, last_digit, salt)
    if ok:
        return ContactCheck(verified=True, method=method)
    return ContactCheck(verified=False, reason=Message(
        en="the mobile number does not match the one registered with Aadhaar",
        hi=hindi(ExitCode.MOBILE_MISMATCH)))


def check_email(claimed: str, stored_hex: str | None, last_digit: str, salt: str) -> ContactCheck:
    if not stored_hex:
        return ContactCheck(verified=False, reason=Message(
            en="no email is registered in this Aadhaar document",
            hi="इस आधार दस्तावेज़ में कोई ईमेल दर्ज नहीं है"))
    ok, method = email_matches(claimed, stored_hex, last_digit, salt)
    if ok:
        return ContactCheck(verified=True, method=method)
    return ContactCheck(verified=False, reason=Message(
        en="the email does not match the one registered with Aadhaar",
        hi=hindi(ExitCode.EMAIL_MISMATCH)))


def as_profile(profile: Profile | dict | None) -> Profile | None:
    if profile is None or isinstance(profile, Profile):
        return profile
    try:
        return Profile.model_validate(profile)
    except ValidationError as e:
        first = e.errors()[0]  # loc and msg only: the input value may be personal data
        where = ".".join(str(x) for x in first.get("loc", ())) or "profile"
        raise EkycError(ExitCode.MALFORMED, f"the member profile is not valid: {where}: {first.get('msg')}",
                        hi=f"सदस्य प्रोफ़ाइल का यह क्षेत्र सही नहीं है: {where}") from None


def _why_not(match) -> Message:
    """Why the profile does not match, in the words a block manager can act on: the fields in
    conflict (gender, Aadhaar last 4), too little to compare, or the score and the bar. "match
    value 80, needed 80" with no word of the gender that failed it helped no one."""
    head_en, head_hi = "the document does not match the member profile", "दस्तावेज़ सदस्य प्रोफ़ाइल से मेल नहीं खाता"
    conflicts = [f for f in match.fields if f.conflict]
    if conflicts:
        return Message(en=f"{head_en}: " + "; ".join(f.reason.en for f in conflicts),
                       hi=f"{head_hi}: " + "; ".join(f.reason.hi for f in conflicts))
    if match.decision == "insufficient":
        return Message(en=f"{head_en}: too little to compare (the name must be on both to confirm "
                          "the member; the rest alone proves nothing)",
                       hi=f"{head_hi}: तुलना के लिए पर्याप्त जानकारी नहीं (नाम दोनों में होना ज़रूरी है)")
    from ekyc.demographic import NAME_FLOOR

    name = next((f for f in match.fields if f.field == "name"), None)
    if name is not None and name.score is not None and name.score < NAME_FLOOR:
        return Message(en=f"{head_en}: the name scores {name.score} of 100, below {NAME_FLOOR} "
                          f"({name.reason.en})",
                       hi=f"{head_hi}: नाम का मिलान {name.score}/100, {NAME_FLOOR} से कम")
    return Message(en=f"{head_en}: match value {match.match_value} of 100, below the {match.min_match} needed",
                   hi=f"{head_hi}: मिलान {match.match_value}/100, आवश्यक {match.min_match} से कम")


def conclude(kind: Kind, identity: Identity, signature, *, mobile: ContactCheck | None,
             email: ContactCheck | None, profile: Profile | None, min_match: int | None,
             xml_base64: str | None = None) -> VerificationResult:
    """Signature verified: add the optional checks and pick the exit code."""
    profile_match = None
    if profile is not None:
        from ekyc.demographic import match_identity

        profile_match = match_identity(identity, profile, min_match=min_match)
    code, msg = ExitCode.OK, None
    if mobile is not None and not mobile.verified:
        code, msg = ExitCode.MOBILE_MISMATCH, mobile.reason
    elif email is not None and not email.verified:
        code, msg = ExitCode.EMAIL_MISMATCH, email.reason
    elif profile_match is not None and not profile_match.passed:
        code = ExitCode.PROFILE_MISMATCH
        msg = _why_not(profile_match)
    error = None if code == ExitCode.OK else ErrorInfo(code=int(code), kind=code.name.lower(), message=msg)
    return VerificationResult(kind=kind, ok=code == ExitCode.OK, exit_code=int(code), error=error,
                              identity=identity, signature=signature, mobile=mobile, email=email,
                              profile_match=profile_match, xml_base64=xml_base64)
