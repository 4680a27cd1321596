"""The JSON a verification returns (schema version 1, documented in ekyc/README.md).

One set of pydantic models serves the CLI, the library and the future API, so
the three can never drift apart. Nothing here can hold a full Aadhaar number:
profiles given with a number keep only its last 4 digits.
"""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

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


class Profile(BaseModel):
    """The member profile under approval, as far as a demographic match needs it.

    ``aadhaar`` may be given full or masked; only its last 4 digits are kept.
    """

    model_config = ConfigDict(extra="ignore")

    name: str | None = None
    gender: str | None = None
    dob: str | None = None                # YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY
    year_of_birth: int | None = None
    age: int | None = None
    relation_name: str | None = None      # father / husband name, compared with care-of
    village: str | None = None
    district: str | None = None
    pincode: str | None = None
    aadhaar_last4: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _drop_full_number(cls, data):
        if isinstance(data, dict) and "aadhaar" in data:
            from ekyc.aadhaar import parse_aadhaar

            data = dict(data)
            ev = parse_aadhaar(data.pop("aadhaar"))
            if ev.last4 and not data.get("aadhaar_last4"):
                data["aadhaar_last4"] = ev.last4
        return data
