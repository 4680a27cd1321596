"""The member comparison model, defined once.

Every comparison a block manager sees in a match explanation is declared here,
with its levels in order of strength. ``splink_settings()`` turns it into a
Splink 5 settings dict for batch (DuckDB or Spark); ``models.scorer`` evaluates
the very same levels in Python for the real-time API. Parameters (m, u, prior)
live in the trained Splink JSON next to this file; the scorer reads them from
there, so there is one definition and one set of numbers.

Columns compared are produced by ``dedup.features.member_features``:
  given_std, given_key     - the woman's given name: spelling-level and phonetic key
  full_key                 - given + surname keys
  title                    - devi / kumari / khatoon / begum / bai / ben ...
  relation_type            - father / husband / mother / guardian
  relation_key             - phonetic key of the relation's given name
  relation_surname_key     - phonetic key of the relation's surname
  village_key, panchayat_key, block_key - hierarchical (district/block/...), so two
                             villages called Rampur in different blocks never agree
  yob, gender, mobile, aadhaar_token, aadhaar_last4, bank_token
"""
from __future__ import annotations

from splink import SettingsCreator, block_on

from models.levels import (
    AbsDiffAtMost,
    BothPresent,
    Comparison,
    Different,
    Exact,
    IsNull,
    LevenshteinAtMost,
    Level,
    ValuesAre,
)

NULL = "missing on one side"


def _null(col: str) -> Level:
    return Level(NULL, IsNull(col), is_null=True,
                 explain_en=f"{col.replace('_', ' ')} missing", explain_hi="जानकारी उपलब्ध नहीं")


FIRST_NAME = Comparison(
    "first_name",
    "The woman's given name, read across scripts and spellings",
    (
        _null("given_key"),
        Level("same spelling", Exact("given_std"),
              explain_en="same given name", explain_hi="नाम एक जैसा"),
        Level("sounds the same", Exact("given_key"),
              explain_en="given name spelt differently but sounds the same",
              explain_hi="नाम की वर्तनी अलग, उच्चारण एक"),
        Level("one letter apart", LevenshteinAtMost("given_key", 1),
              explain_en="given name differs by one letter (typing slip?)",
              explain_hi="नाम में एक अक्षर का अंतर"),
        Level("two letters apart", LevenshteinAtMost("given_key", 2),
              explain_en="given name differs by two letters", explain_hi="नाम में दो अक्षरों का अंतर"),
        Level("different", None, explain_en="different given names", explain_hi="नाम अलग"),
    ),
)

SURNAME = Comparison(
    "surname",
    "Surname when written (often absent for women: 'Sunita Devi')",
    (
        _null("surname_key"),
        Level("same", Exact("surname_key"), explain_en="same surname", explain_hi="उपनाम एक"),
        Level("one letter apart", LevenshteinAtMost("surname_key", 1),
              explain_en="surname differs by one letter", explain_hi="उपनाम में एक अक्षर का अंतर"),
        Level("different", None, explain_en="different surnames (can change at marriage)",
              explain_hi="उपनाम अलग (विवाह के बाद बदल सकता है)"),
    ),
)

TITLE = Comparison(
    "title",
    "Women's title: Devi, Kumari, Khatoon, Begum, Bai, Ben ...",
    (
        _null("title"),
        Level("same", Exact("title"), explain_en="same title", explain_hi="उपाधि एक"),
        Level("kumari then devi", ValuesAre("title", "kumari", "devi"),
              explain_en="Kumari in one record, Devi in the other: fits a marriage in between",
              explain_hi="एक में कुमारी, दूसरे में देवी: बीच में विवाह संभव"),
        Level("different", None, explain_en="different titles", explain_hi="उपाधि अलग"),
    ),
)

RELATION_NAME = Comparison(
    "relation_name",
    "Father's or husband's given name, compared only within the same relation",
    (
        _null("relation_key"),
        Level("same relation, same name", Exact("relation_type") & Exact("relation_key"),
              explain_en="same father/husband name", explain_hi="पिता/पति का नाम एक"),
        Level("same relation, one letter apart",
              Exact("relation_type") & LevenshteinAtMost("relation_key", 1),
              explain_en="father/husband name differs by one letter",
              explain_hi="पिता/पति के नाम में एक अक्षर का अंतर"),
        Level("father in one, husband in other",
              Different("relation_type") & BothPresent("relation_type"),
              explain_en="one record names the father, the other the husband (before/after marriage?)",
              explain_hi="एक में पिता, दूसरे में पति का नाम (विवाह से पहले/बाद?)"),
        Level("different", None, explain_en="different father/husband name",
              explain_hi="पिता/पति का नाम अलग"),
    ),
)

RELATION_SURNAME = Comparison(
    "relation_surname",
    "Surname of the father/husband: shared by a whole household, so weak evidence",
    (
        _null("relation_surname_key"),
        Level("same", Exact("relation_surname_key"), explain_en="same family surname",
              explain_hi="परिवार का उपनाम एक"),
        Level("different", None, explain_en="different family surname", explain_hi="परिवार का उपनाम अलग"),
    ),
)

LOCATION = Comparison(
    "location",
    "Where she lives: village, else gram panchayat, else block",
    (
        _null("block_key"),
        Level("same village", Exact("village_key"), explain_en="same village", explain_hi="एक ही गाँव"),
        Level("same panchayat", Exact("panchayat_key"),
              explain_en="same gram panchayat, different village", explain_hi="एक ही ग्राम पंचायत, गाँव अलग"),
        Level("same block", Exact("block_key"),
              explain_en="same block, different panchayat", explain_hi="एक ही ब्लॉक, पंचायत अलग"),
        Level("different block", None, explain_en="different blocks", explain_hi="ब्लॉक अलग"),
    ),
)

YEAR_OF_BIRTH = Comparison(
    "year_of_birth",
    "Year of birth (from date of birth, or age when the record was entered)",
    (
        _null("yob"),
        Level("same year", Exact("yob"), explain_en="same year of birth", explain_hi="जन्म वर्ष एक"),
        Level("within 2 years", AbsDiffAtMost("yob", 2),
              explain_en="year of birth within 2 years", explain_hi="जन्म वर्ष में 2 साल तक का अंतर"),
        Level("within 6 years", AbsDiffAtMost("yob", 6),
              explain_en="ages differ by 3-6 years (records entered years apart?)",
              explain_hi="उम्र में 3-6 साल का अंतर"),
        Level("far apart", None, explain_en="ages far apart", explain_hi="उम्र में बड़ा अंतर"),
    ),
)

GENDER = Comparison(
    "gender",
    "Gender",
    (
        _null("gender"),
        Level("same", Exact("gender"), explain_en="same gender", explain_hi="लिंग एक"),
        # Almost every member is a woman, so EM never sees this level: a different
        # gender is a data-entry slip in ~1 of 500 true duplicates, but ~1 in 50
        # random pairs where men are enrolled.
        Level("different", None, fixed_m=0.002, fixed_u=0.05,
              explain_en="different gender", explain_hi="लिंग अलग"),
    ),
)

MOBILE = Comparison(
    "mobile",
    "Mobile number: one phone often serves a household, so it counts only with a similar name",
    (
        _null("mobile"),
        Level("same with similar name", Exact("mobile") & LevenshteinAtMost("given_key", 2), fix_u=True,
              explain_en="same mobile and a similar name",
              explain_hi="मोबाइल एक और नाम मिलता-जुलता"),
        Level("same with different name", Exact("mobile"), fix_u=True,
              explain_en="same mobile but a different name: likely another woman of the same household",
              explain_hi="मोबाइल एक पर नाम अलग: शायद एक ही परिवार की दूसरी महिला"),
        Level("different", None, explain_en="different mobile", explain_hi="मोबाइल अलग"),
    ),
)

AADHAAR = Comparison(
    "aadhaar",
    "Aadhaar (or VID) token: equal tokens are the same number",
    (
        _null("aadhaar_token"),
        Level("same", Exact("aadhaar_token"), explain_en="same Aadhaar", explain_hi="आधार एक"),
        # Two valid, different numbers for one woman happen only when a number is typed
        # on the wrong member; EM cannot see this among Aadhaar-blocked pairs.
        Level("different", None, fixed_m=0.002,
              explain_en="different valid Aadhaar numbers",
              explain_hi="आधार संख्या अलग"),
    ),
)

AADHAAR_LAST4 = Comparison(
    "aadhaar_last4",
    "Last 4 Aadhaar digits, when the full number is not on both records",
    (
        Level(NULL, IsNull("aadhaar_last4") | (BothPresent("aadhaar_token")), is_null=True,
              explain_en="not compared", explain_hi="तुलना नहीं"),
        Level("same", Exact("aadhaar_last4"), explain_en="same last 4 Aadhaar digits",
              explain_hi="आधार के अंतिम 4 अंक एक"),
        Level("different", None, fixed_m=0.01,
              explain_en="different last 4 Aadhaar digits",
              explain_hi="आधार के अंतिम 4 अंक अलग"),
    ),
)

BANK = Comparison(
    "bank_account",
    "Bank account token (bank code + account): households sometimes share one",
    (
        _null("bank_token"),
        Level("same with similar name", Exact("bank_token") & LevenshteinAtMost("given_key", 2), fix_u=True,
              explain_en="same bank account and a similar name",
              explain_hi="बैंक खाता एक और नाम मिलता-जुलता"),
        Level("same with different name", Exact("bank_token"), fix_u=True,
              explain_en="same bank account but a different name: a shared household account?",
              explain_hi="बैंक खाता एक पर नाम अलग: परिवार का साझा खाता?"),
        Level("different", None, explain_en="different bank account", explain_hi="बैंक खाता अलग"),
    ),
)

COMPARISONS: tuple[Comparison, ...] = (
    FIRST_NAME, SURNAME, TITLE, RELATION_NAME, RELATION_SURNAME, LOCATION,
    YEAR_OF_BIRTH, GENDER, MOBILE, AADHAAR, AADHAAR_LAST4, BANK,
)

FEATURE_COLUMNS: tuple[str, ...] = tuple(sorted(set().union(*(c.columns() for c in COMPARISONS))))

# Candidate pairs (OR of rules). Chosen so that pairs grow roughly linearly with rows:
# every rule is confined to a block (or is an identifier), and each adds a second key.
# yob_decade and yob_decade_shifted overlap so that any two years of birth within
# 5 years of each other share at least one of them.
BLOCKING_RULES: tuple[tuple[str, ...], ...] = (
    ("aadhaar_token",),
    ("block_key", "given_key", "yob_decade"),
    ("block_key", "given_key", "yob_decade_shifted"),
    ("block_key", "given_key", "relation_key"),
    ("village_key", "given_key"),
    ("village_key", "relation_key"),
    ("village_key", "yob"),
    ("block_key", "bank_token"),
    ("block_key", "mobile", "given_initial"),
    ("district_key", "aadhaar_last4", "given_initial"),
)

# EM training passes: each fixes (blocks on) some comparisons so the others can be learnt.
# Each pass blocks on keys under which true duplicates are a large share of pairs;
# looser passes (a block and a common name) let EM learn "same village" instead of
# "same woman", because in a block the village is what separates pairs most.
TRAINING_BLOCKING_RULES: tuple[tuple[str, ...], ...] = (
    ("aadhaar_token",),
    ("village_key", "given_key"),
    ("given_key", "relation_key", "yob"),
)



UNIQUE_ID = "member_id"


def splink_settings(probability_two_random_records_match: float = 1e-4) -> SettingsCreator:
    """A fresh (untrained) Splink 5 settings object for member de-duplication."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name=UNIQUE_ID,
        probability_two_random_records_match=probability_two_random_records_match,
        comparisons=[c.to_splink() for c in COMPARISONS],
        blocking_rules_to_generate_predictions=[block_on(*cols) for cols in BLOCKING_RULES],
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=False,
        additional_columns_to_retain=list(REPORT_COLUMNS),
    )


# Carried through to pairs for reports, not compared.
REPORT_COLUMNS = ("district", "block")
