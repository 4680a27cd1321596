"""Demographic match of a verified Aadhaar identity against the member profile under approval.

In the spirit of UIDAI's Pi matching: "exact" when every field both sides
have agrees exactly, else "partial" with a match value 1-100, passing when it
reaches the threshold (PEHCHAAN_EKYC_MIN_MATCH, default 80). Nothing passes
unless the name was compared: an Aadhaar last 4 or an address alone is
"insufficient", whatever it agrees with. UIDAI withdrew
partial matching for authentication in December 2017, so a partial score
here is advice for the block manager, never an Aadhaar authentication.

Names go through the same transliteration-aware core as duplicate detection
(dedup.names: "सुनीता देवी" and "Suneeta Debi" share a phonetic key), so the
Devanagari name a bookkeeper typed can meet the Latin name on the document.
Gender and the Aadhaar last 4 digits are conflicts no score can outweigh.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from rapidfuzz import fuzz

from dedup.cells import scrub
from ekyc.models import DemographicMatch, FieldScore, Identity, Message, Profile

# Relative weight of each field in the match value (only fields both sides have count).
WEIGHTS = {"name": 40, "dob": 20, "gender": 10, "pincode": 10, "village": 10, "district": 5, "relation_name": 5}
NAME_FLOOR = 60  # below this the name alone fails the match, whatever the address says

ADVISORY = Message(
    en="Advisory only: a partial demographic match helps the block manager decide; it is not an "
       "Aadhaar authentication (UIDAI allows exact matching only since December 2017).",
    hi="केवल सलाह: आंशिक मिलान ब्लॉक प्रबंधक के निर्णय में मदद के लिए है; यह आधार प्रमाणीकरण नहीं है।")


def _names():
    from dedup import names  # lazily: heavy (transliteration tables), and only needed with a profile

    return names


@dataclass
class _Score:
    score: int | None
    exact: bool = False
    conflict: bool = False
    en: str = ""
    hi: str = ""


# ---------------------------------------------------------------- name

def _flat(text: str | None) -> str:
    return " ".join((text or "").lower().split())


def _spelled(p) -> str:
    """The name as written (Latin reading): given, title, surname; no honorific or relation."""
    return " ".join(x for x in (p.given, p.title, p.surname) if x)


def score_name(document_name: str, profile_name: str) -> _Score:
    names = _names()
    a, b = names.parse_name(document_name), names.parse_name(profile_name)
    sa, sb = _spelled(a), _spelled(b)
    # a number typed into a name field is never echoed back (it may be an Aadhaar)
    shown = scrub(f"('{sa or a.latin}' / '{sb or b.latin}')")
    if sa and sa == sb:
        if set(a.scripts) == set(b.scripts):
            return _Score(100, True, en="name matches exactly", hi="नाम पूरी तरह मेल खाता है")
        return _Score(98, en=f"same name written in another script {shown}", hi="वही नाम, दूसरी लिपि में लिखा")
    if a.key and a.key == b.key:
        if (a.title or None) != (b.title or None) and a.title and b.title:
            return _Score(85, en=f"same name, different title {shown}", hi="नाम वही है, उपाधि (देवी/कुमारी) अलग है")
        return _Score(95, en=f"same name in another spelling or script {shown}",
                      hi="नाम वही है, वर्तनी या लिपि अलग है")
    score = max(fuzz.token_sort_ratio(sa, sb), 0.95 * fuzz.ratio(a.key or "", b.key or ""))
    if a.given_key and a.given_key == b.given_key and a.surname_key != b.surname_key:
        return _Score(max(int(round(score)), 80),
                      en=f"same given name, different surname {shown}: maiden and married names?",
                      hi="पहला नाम वही है, उपनाम अलग है (विवाह से पहले/बाद का नाम?)")
    s = int(round(score))
    if s >= 80:
        return _Score(s, en=f"names are close {shown}", hi="नाम काफ़ी मिलते-जुलते हैं")
    if s >= NAME_FLOOR:
        return _Score(s, en=f"names are only partly alike {shown}", hi="नाम आंशिक रूप से मिलते हैं")
    return _Score(s, en=f"names differ {shown}", hi="नाम मेल नहीं खाते")


def score_relation(careof: str, relation_name: str) -> _Score:
    names = _names()
    c = names.parse_name(careof)
    # "W/O Ramesh Kumar" parses as a relation; a bare "Ramesh Kumar" as a name.
    a = names.parse_name(c.relation_name) if c.relation_name else c
    b0 = names.parse_name(relation_name)
    b = names.parse_name(b0.relation_name) if (b0.relation_name and not b0.key) else b0
    if a.key and a.key == b.key:
        return _Score(100, _spelled(a) == _spelled(b), en="father/husband name matches the care-of",
                      hi="पिता/पति का नाम मेल खाता है")
    s = int(round(max(fuzz.token_sort_ratio(_spelled(a), _spelled(b)),
                      0.95 * fuzz.ratio(a.key or "", b.key or ""))))
    if s >= 80:
        return _Score(s, en="father/husband name is close to the care-of", hi="पिता/पति का नाम मिलता-जुलता है")
    return _Score(s, en="father/husband name differs from the care-of", hi="पिता/पति का नाम अलग है")


# ---------------------------------------------------------------- gender

_GENDER = {
    "F": {"f", "female", "w", "woman", "fem", "mahila", "महिला", "स्त्री", "औरत"},
    "M": {"m", "male", "man", "purush", "पुरुष"},
    "T": {"t", "transgender", "third gender", "tg", "other", "ट्रांसजेंडर", "तृतीय लिंग"},
}


def normalise_gender(value: str | None) -> str | None:
    v = _flat(value).strip(".")
    for code, words in _GENDER.items():
        if v in words:
            return code
    return None


def score_gender(doc: str | None, profile: str | None) -> _Score:
    a, b = normalise_gender(doc), normalise_gender(profile)
    if a is None or b is None:
        return _Score(None, en="gender not comparable", hi="लिंग की तुलना नहीं हो सकी")
    if a == b:
        return _Score(100, True, en="gender matches", hi="लिंग मेल खाता है")
    return _Score(0, conflict=True, en=f"gender differs (document {a}, profile {b})", hi="लिंग मेल नहीं खाता")


# ---------------------------------------------------------------- date of birth

def parse_date(value: str | None) -> tuple[date | None, int | None]:
    """(full date, year) from DD-MM-YYYY, DD/MM/YYYY, YYYY-MM-DD or YYYY."""
    text = (value or "").strip()
    if not text:
        return None, None
    for fmt in ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d", "%d.%m.%Y", "%Y/%m/%d"):
        try:
            d = datetime.strptime(text, fmt).date()
            return d, d.year
        except ValueError:
            continue
    if re.fullmatch(r"\d{4}", text):
        return None, int(text)
    return None, None


def score_dob(identity: Identity, profile: Profile, today: date | None = None) -> _Score:
    doc_date, doc_year = parse_date(identity.dob)
    doc_year = doc_year or identity.birth_year
    p_date, p_year = parse_date(profile.dob)
    p_year = p_year or profile.year_of_birth
    if doc_year is None:
        return _Score(None, en="no date of birth on the document", hi="दस्तावेज़ पर जन्म तिथि नहीं है")
    if doc_date and p_date:
        if doc_date == p_date:
            return _Score(100, True, en="date of birth matches", hi="जन्म तिथि मेल खाती है")
        if (doc_date.year, doc_date.month, doc_date.day) == (p_date.year, p_date.day, p_date.month):
            return _Score(90, en="date of birth matches with day and month swapped",
                          hi="जन्म तिथि मेल खाती है, दिन और महीना उलटे हैं")
        if doc_date.year == p_date.year:
            return _Score(70, en="same year of birth, different day or month",
                          hi="जन्म का वर्ष वही है, दिन या महीना अलग")
    if p_year is not None:
        diff = abs(doc_year - p_year)
        if diff == 0:
            exact = not (doc_date and p_date)  # a year against a year (or a date) is all we can check
            return _Score(100 if exact else 70, exact,
                          en="year of birth matches", hi="जन्म का वर्ष मेल खाता है")
        score = {1: 50, 2: 25}.get(diff, 0)
        return _Score(score, en=f"year of birth differs by {diff}", hi=f"जन्म का वर्ष {diff} साल अलग है")
    if profile.age is not None:
        today = today or date.today()
        diff = min(abs(doc_year - (today.year - profile.age)), abs(doc_year - (today.year - profile.age - 1)))
        score = {0: 90, 1: 75, 2: 50}.get(diff, 0)
        return _Score(score, en=f"stated age fits the date of birth within {diff} year(s)" if score else
                      "stated age does not fit the date of birth",
                      hi="बताई गई उम्र जन्म तिथि से मेल खाती है" if score else "बताई गई उम्र जन्म तिथि से मेल नहीं खाती")
    return _Score(None, en="no date of birth, year or age in the profile", hi="प्रोफ़ाइल में जन्म तिथि/उम्र नहीं है")


# ---------------------------------------------------------------- address

def _place(text: str | None) -> str:
    if not text:
        return ""
    names = _names()
    return _flat(names.normalise_place(text))


def score_place(doc_values: list[str | None], profile_value: str, what_en: str, what_hi: str) -> _Score:
    p = _place(profile_value)
    best = 0
    for v in doc_values:
        d = _place(v)
        if not d or not p:
            continue
        if d == p:
            return _Score(100, True, en=f"{what_en} matches", hi=f"{what_hi} मेल खाता है")
        best = max(best, int(round(fuzz.token_set_ratio(d, p))))
    if not any(doc_values):
        return _Score(None, en=f"no {what_en} on the document", hi=f"दस्तावेज़ पर {what_hi} नहीं है")
    if best >= 85:
        return _Score(best, en=f"{what_en} is spelled differently", hi=f"{what_hi} की वर्तनी अलग है")
    return _Score(best, en=f"{what_en} differs", hi=f"{what_hi} अलग है")


def score_pincode(doc: str | None, profile: str | None) -> _Score:
    a = re.sub(r"\D", "", doc or "")
    b = re.sub(r"\D", "", profile or "")
    if len(a) != 6 or len(b) != 6:
        return _Score(None, en="pincode not comparable", hi="पिनकोड की तुलना नहीं हो सकी")
    if a == b:
        return _Score(100, True, en="pincode matches", hi="पिनकोड मेल खाता है")
    if a[:3] == b[:3]:
        return _Score(40, en="pincode differs but is in the same postal district",
                      hi="पिनकोड अलग है, पर उसी डाक ज़िले का है")
    return _Score(0, en="pincode differs", hi="पिनकोड अलग है")


# ---------------------------------------------------------------- overall

def match_identity(identity: Identity, profile: Profile | dict, *, min_match: int | None = None,
                   today: date | None = None) -> DemographicMatch:
    if isinstance(profile, dict):
        profile = Profile.model_validate(profile)
    if min_match is None:
        from dedup.settings import get_settings

        min_match = get_settings().ekyc_min_match
    addr = identity.address
    scored: dict[str, _Score] = {}
    if profile.aadhaar_last4 and identity.aadhaar_last4:
        if profile.aadhaar_last4 == identity.aadhaar_last4:
            scored["aadhaar_last4"] = _Score(100, True, en="Aadhaar last 4 digits match",
                                             hi="आधार के अंतिम 4 अंक मेल खाते हैं")
        else:
            scored["aadhaar_last4"] = _Score(0, conflict=True,
                                             en="the Aadhaar last 4 digits differ: this document belongs to "
                                                "another Aadhaar number", hi="आधार के अंतिम 4 अंक अलग हैं: "
                                                "यह दस्तावेज़ किसी और आधार का है")
    elif profile.vid_given:
        scored["aadhaar_last4"] = _Score(None, en="a Virtual ID was given, not the Aadhaar number: its last 4 "
                                         "digits are not the Aadhaar's, so they were not compared",
                                         hi="आधार संख्या नहीं, वर्चुअल आईडी दी गई: उसके अंतिम 4 अंक आधार के नहीं "
                                            "होते, इसलिए तुलना नहीं की गई")
    if profile.name and identity.name:
        scored["name"] = score_name(identity.name, profile.name)
    elif profile.name:
        scored["name"] = _Score(None, en="no name on the document: the match cannot be exact",
                                hi="दस्तावेज़ पर नाम नहीं है: मिलान पूरा नहीं हो सकता")
    else:
        scored["name"] = _Score(None, en="no name in the profile: the match cannot be exact",
                                hi="प्रोफ़ाइल में नाम नहीं है: मिलान पूरा नहीं हो सकता")
    if profile.gender:
        scored["gender"] = score_gender(identity.gender, profile.gender)
    if profile.dob or profile.year_of_birth or profile.age is not None:
        scored["dob"] = score_dob(identity, profile, today)
    if profile.village:
        scored["village"] = score_place([addr.vtc, addr.locality, addr.post_office, addr.subdistrict],
                                        profile.village, "village", "गाँव")
    if profile.district:
        scored["district"] = score_place([addr.district], profile.district, "district", "ज़िला")
    if profile.pincode:
        scored["pincode"] = score_pincode(addr.pincode, profile.pincode)
    if profile.relation_name and addr.careof:
        scored["relation_name"] = score_relation(addr.careof, profile.relation_name)

    fields = [FieldScore(field=k, score=s.score, exact=s.exact, conflict=s.conflict,
                         reason=Message(en=s.en, hi=s.hi)) for k, s in scored.items()]
    weighted = [(WEIGHTS[k], s) for k, s in scored.items() if k in WEIGHTS and s.score is not None]
    total = sum(w for w, _ in weighted)
    value = int(round(sum(w * s.score for w, s in weighted) / total)) if total else 0
    conflict = any(s.conflict for s in scored.values())
    name = scored.get("name")
    if conflict:
        decision, passed = "mismatch", False
    elif not weighted:
        decision, passed = "insufficient", False
    elif all(s.exact for s in scored.values() if s.score is not None):
        decision, passed, value = "exact", True, 100
    else:
        passed = value >= min_match and (name.score is None or name.score >= NAME_FLOOR)
        decision = "partial" if passed else "mismatch"
    if passed and name.score is None:
        # the name is what makes it this member: an agreeing address or last 4 digits alone prove nothing
        decision, passed = "insufficient", False
    return DemographicMatch(decision=decision, match_value=max(0, min(100, value)), passed=passed,
                            min_match=min_match, fields=fields, advisory=ADVISORY)
