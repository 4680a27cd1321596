"""The JSON a verification returns (schema version 1, documented in ekyc/README.md).

One set of pydantic models serves the CLI, the library and the future API, so
the three can never drift apart. Nothing here can hold a full Aadhaar number:
profiles given with a number keep only its last 4 digits.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

SCHEMA_VERSION = "1"


class Message(BaseModel):
    """A reason in English and Hindi, for the block manager."""

    en: str
    hi: str = ""


class ErrorInfo(BaseModel):
    code: int
    kind: str
    message: Message


class Address(BaseModel):
    careof: str | None = None
    house: str | None = None
    street: str | None = None
    landmark: str | None = None
    locality: str | None = None
    vtc: str | None = None          # village / town / city
    post_office: str | None = None
    subdistrict: str | None = None
    district: str | None = None
    state: str | None = None
    country: str | None = None
    pincode: str | None = None


class Identity(BaseModel):
    """What a signed document says about the resident (only after its signature verified)."""

    source: Literal["offline_xml", "secure_qr", "legacy_qr"]
    reference_id: str | None = None     # last 4 Aadhaar digits + generation timestamp
    aadhaar_last4: str | None = None
    aadhaar_masked: str | None = None
    generated_at: datetime | None = None  # from the reference id, India Standard Time
    name: str | None = None
    dob: str | None = None               # as printed: DD-MM-YYYY, or a year
    birth_year: int | None = None
    gender: str | None = None            # M / F / T
    address: Address = Field(default_factory=Address)
    mobile_hash_present: bool = False
    email_hash_present: bool = False
    mobile_last4: str | None = None      # Secure QR V2 onwards
    qr_version: str | None = None        # "V2", "V3"... ; None for the first layout
    photo_format: str | None = None      # "jpeg" (XML) or "jpeg2000" (QR)
    photo_bytes: int = 0
    photo_base64: str | None = None      # only when PEHCHAAN_EKYC_KEEP_ARTIFACTS is set


class SignatureReport(BaseModel):
    valid: bool
    method: str | None = None            # "rsa-sha1" / "rsa-sha256"
    certificate: str | None = None       # file name of the pinned certificate that matched
    certificate_subject: str | None = None
    certificate_sha256: str | None = None
    certificate_not_before: datetime | None = None
    certificate_not_after: datetime | None = None
    signed_at: datetime | None = None
    document_age_days: float | None = None


class ContactCheck(BaseModel):
    """A claimed mobile number or email checked against the document's hash."""

    verified: bool
    method: str | None = None            # "uidai_chain" or "single_sha256" (email only)
    reason: Message | None = None


class FieldScore(BaseModel):
    field: str                            # name, gender, dob, village, district, pincode, ...
    score: int | None                     # 0-100; None when one side is missing
    exact: bool = False
    conflict: bool = False                # a disagreement no score can outweigh
    reason: Message


class DemographicMatch(BaseModel):
    """In the spirit of UIDAI's Pi matching: exact, or partial with a match value 1-100.

    UIDAI withdrew partial matching in December 2017; this value is advice for the
    block manager, never an Aadhaar authentication result.
    """

    decision: Literal["exact", "partial", "mismatch", "insufficient"]
    match_value: int                      # 0-100 weighted over the fields both sides have
    passed: bool
    min_match: int
    fields: list[FieldScore]
    advisory: Message


class VerificationResult(BaseModel):
    schema_version: str = SCHEMA_VERSION
    kind: Literal["offline_xml", "secure_qr"]
    ok: bool
    exit_code: int
    error: ErrorInfo | None = None
    identity: Identity | None = None
    signature: SignatureReport | None = None
    mobile: ContactCheck | None = None
    email: ContactCheck | None = None
    profile_match: DemographicMatch | None = None
    xml_base64: str | None = None         # only when PEHCHAAN_EKYC_KEEP_ARTIFACTS is set


def _refuse(message: str) -> PydanticCustomError:
    """A profile error whose message never quotes the value (it may be a number); the location names the field."""
    return PydanticCustomError("profile_field", message)


class Profile(BaseModel):
    """The member profile under approval, as far as a demographic match needs it.

    ``aadhaar`` may be given full or masked; only its last 4 digits are kept. A VID
    (16 digits) keeps nothing: its last 4 digits are not the Aadhaar's. A value the
    officer gave that cannot be read is refused (never silently skipped), so an
    "exact" match is never built on fields that were not compared.
    """

    # the input may be personal data: keep it out of error texts
    model_config = ConfigDict(extra="ignore", hide_input_in_errors=True)

    name: str | None = None
    gender: str | None = None
    dob: str | None = None                # YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY (or a year)
    year_of_birth: int | None = None
    age: int | None = None
    relation_name: str | None = None      # father / husband name, compared with care-of
    village: str | None = None
    district: str | None = None
    pincode: str | None = None
    aadhaar_last4: str | None = None
    vid_given: bool = False               # a VID was given as "aadhaar": nothing of it is compared

    @field_validator("name", "gender", "dob", "relation_name", "village", "district", "pincode",
                     "aadhaar_last4", mode="before")
    @classmethod
    def _blank_is_missing(cls, v):
        return None if isinstance(v, str) and not v.strip() else v

    @field_validator("gender")
    @classmethod
    def _readable_gender(cls, v):
        from ekyc.demographic import normalise_gender

        if v is not None and normalise_gender(v) is None:
            raise _refuse("not a gender we read: use M, F or T (or a word such as Female, "
                                    "Male, Transgender, महिला, पुरुष)")
        return v

    @field_validator("dob")
    @classmethod
    def _readable_dob(cls, v):
        from ekyc.demographic import parse_date

        if v is None:
            return v
        d, year = parse_date(v)
        if year is None:
            raise _refuse("not a date we read (or not a real date): use YYYY-MM-DD, DD-MM-YYYY "
                                 "or DD/MM/YYYY, or just the year")
        if (d or date(year, 1, 1)) > date.today() or year < 1900:
            raise _refuse("the date of birth is in the future or before 1900")
        return v

    @field_validator("year_of_birth", "age")
    @classmethod
    def _plausible_number(cls, v, info):
        """A year of birth from 1900 to this year; an age from 0 to 130."""
        low, high, what = ((1900, date.today().year, "a year between 1900 and this year")
                           if info.field_name == "year_of_birth" else (0, 130, "between 0 and 130"))
        if v is not None and not low <= v <= high:
            raise _refuse(f"must be {what}")
        return v

    @field_validator("pincode")
    @classmethod
    def _six_digit_pincode(cls, v):
        if v is None:
            return v
        digits = "".join(v.split())
        if not (len(digits) == 6 and digits.isascii() and digits.isdigit() and digits[0] != "0"):
            raise _refuse("a pincode has 6 digits and does not start with 0")
        return digits

    @field_validator("aadhaar_last4")
    @classmethod
    def _four_digits(cls, v):
        if v is not None and not (len(v.strip()) == 4 and v.strip().isascii() and v.strip().isdigit()):
            raise _refuse("must be exactly the last 4 digits of the Aadhaar number")
        return v if v is None else v.strip()

    @model_validator(mode="before")
    @classmethod
    def _drop_full_number(cls, data):
        if isinstance(data, dict) and "aadhaar" in data:
            from ekyc.aadhaar import AadhaarKind, parse_aadhaar

            data = dict(data)
            value = data.pop("aadhaar")
            if value is not None and (isinstance(value, bool) or not isinstance(value, (str, int))):
                raise _located("aadhaar", "must be written as text, e.g. \"XXXX XXXX 1234\"")
            # classify only: an offline check has no use for a keyed token (nor a key file)
            ev = parse_aadhaar(value, tokenise=False)
            if ev.kind == AadhaarKind.INVALID:
                raise _located("aadhaar", ev.reason or "not a valid Aadhaar number")
            if ev.is_vid:
                data["vid_given"] = True   # a VID's last 4 digits are not the Aadhaar's: keep none
            elif ev.aadhaar_last4 and not data.get("aadhaar_last4"):
                data["aadhaar_last4"] = ev.aadhaar_last4
        return data


def _located(field: str, message: str) -> ValidationError:
    """A model-level check's error, placed at ``field`` like a field's own (the value is not kept)."""
    return ValidationError.from_exception_data(
        "Profile", [InitErrorDetails(type=_refuse(message), loc=(field,), input="(not shown)")])
