"""The member comparison model, defined once.

Every comparison a block manager sees in a match explanation is declared here,
with its levels in order of strength. ``splink_settings()`` turns it into a
Splink 5 settings dict for batch (DuckDB or Spark); ``models.scorer`` evaluates
the very same levels in Python for the real-time API. Parameters (m, u, prior)
live in the trained Splink JSON next to this file; the scorer reads them from
there, so there is one definition and one set of numbers.

Columns compared are produced by ``dedup.features.member_features``:
  given_std, given_key     - the woman's given name: spelling-level and phonetic key
  given_first_key          - phonetic key of its first word only
  relation_first_key       - the same for the father's/husband's name
  given_words, relation_words - word keys of the whole name, space-separated
  given_single_key, relation_single_key - the key of a one-word name (else empty)
  dob, dob_year            - written date of birth (ISO) and its year, when given
  dob_day_known            - the written date unless it is 1 January (a stand-in for an unknown day)
  full_key                 - given + surname keys
  title                    - devi / kumari / khatoon / begum / bai / ben ...
  relation_type            - father / husband / mother / guardian
  relation_key             - phonetic key of the relation's given name
  family_surname_key       - her surname key, else her father's/husband's
  village_key, panchayat_key, block_key - hierarchical (district/block/...), so two
                             villages called Rampur in different blocks never agree
  yob, gender, mobile, aadhaar_token, aadhaar_last4, bank_token
"""
from __future__ import annotations

from splink import SettingsCreator, block_on

from models.levels import (
    AbsDiffAtMost,
    BothPresent,
    BothStartWith,
    Comparison,
    Different,
    Exact,
    IsNull,
    LevenshteinAtMost,
    Level,
    ValuesAre,
    WordWithinOther,
)

NULL = "missing on one side"


def _null(col: str) -> Level:
    return Level(NULL, IsNull(col), is_null=True,
                 explain_en=f"{col.replace('_', ' ')} missing", explain_hi="जानकारी उपलब्ध नहीं")


# Term-frequency adjustment of name levels: how common a name is where she lives.
# Counted within her district, not over the whole export: a name common in Punjab is
# rare in a national export, and a national frequency would make every Punjab namesake
# look like the same woman. Each column joins the district to a name key, so Splink's
# frequency tables (registered from models/term_frequencies.py, the same numbers the
# real-time scorer uses) hold shares within a district.
TF_SCOPE = "district_key"
TF_KEYS: dict[str, str] = {
    "given_in_district": "given_key",
    "given_first_in_district": "given_first_key",
    "relation_in_district": "relation_key",
    "relation_first_in_district": "relation_first_key",
    # Dates of birth are not adjusted: 1 January (written for an unknown day) is a level of
    # its own. Adjusting real dates by frequency lowered every one of them (~3 bits): the
    # level's u counts pairs where both records have a date, the frequency only dates, so
    # log2(u) - log2(f) is negative for all but the rarest.
}
# A share counted among a few hundred names is noise (one extra "Laxmi" moves it by
# half a percent), so each district's counts are blended with a typical name's share
# as if TF_SMOOTHING_NAMES names of that share were added: a district of lakhs keeps
# its own frequencies; in a file of a few hundred rows every name's share is close to
# the typical one, so each name level moves by about the same small amount (within
# about +-0.7) whatever the name.
TF_TYPICAL_SHARE = 0.002
TF_SMOOTHING_NAMES = 2000
# How much of the adjustment the levels take (0 = none, 1 = full). Measured (README,
# "Name frequencies"): half, with the potential threshold at 0.80, did best across the
# synthetic and the independent held-out exports; full adjustment cost the held-out
# file recall.
TF_WEIGHT = 0.5

FIRST_NAME = Comparison(
    "first_name",
    "The woman's given name, read across scripts and spellings",
    (
        _null("given_key"),
        Level("same spelling", Exact("given_std"),
              tf_column="given_in_district", tf_weight=TF_WEIGHT,
              explain_en="same given name", explain_hi="नाम एक ही"),
        Level("sounds the same", Exact("given_key"),
              tf_column="given_in_district", tf_weight=TF_WEIGHT,
              explain_en="given name spelt differently but sounds the same",
              explain_hi="नाम की वर्तनी अलग, उच्चारण एक"),
        Level("same first name", Exact("given_first_key"),
              tf_column="given_first_in_district", tf_weight=TF_WEIGHT,
              explain_en="same first name; the other words of the name differ or are missing",
              explain_hi="पहला नाम एक; नाम के बाकी शब्द अलग या नहीं लिखे"),
        Level("one name within the other", WordWithinOther("given_single_key", "given_words"),
              explain_en="one record gives one name, the other the same name with more words "
                         "(a house name or surname added)",
              explain_hi="एक में केवल नाम, दूसरे में वही नाम और अन्य शब्द (कुलनाम/घर का नाम)"),
        Level("one letter apart", LevenshteinAtMost("given_key", 1),
              explain_en="given name differs by one letter (typing slip?)",
              explain_hi="नाम में एक अक्षर का अंतर"),
        Level("two letters apart", LevenshteinAtMost("given_key", 2),
              explain_en="given name differs by two letters", explain_hi="नाम में दो अक्षरों का अंतर"),
        Level("different", None, explain_en="different given names", explain_hi="नाम अलग"),
    ),
)

FAMILY_SURNAME = Comparison(
    "surname",
    "Family surname: hers when written, else her father's/husband's. One comparison, not two: "
    "a married woman's surname is her husband's, so comparing both would count one fact twice",
    (
        _null("family_surname_key"),
        Level("same", Exact("family_surname_key"), explain_en="same family surname",
              explain_hi="परिवार का कुलनाम (सरनेम) एक ही"),
        Level("one letter apart", LevenshteinAtMost("family_surname_key", 1),
              explain_en="family surname differs by one letter", explain_hi="कुलनाम (सरनेम) में एक अक्षर का अंतर"),
        Level("different", None, explain_en="different family surnames (can change at marriage)",
              explain_hi="कुलनाम (सरनेम) अलग (विवाह के बाद बदल सकता है)"),
    ),
)

TITLE = Comparison(
    "title",
    "Women's title: Devi, Kumari, Khatoon, Begum, Bai, Ben ...",
    (
        _null("title"),
        Level("same", Exact("title"), explain_en="same title", explain_hi="देवी/कुमारी जैसा शब्द एक ही"),
        Level("kumari then devi", ValuesAre("title", "kumari", "devi"),
              explain_en="Kumari in one record, Devi in the other: fits a marriage in between",
              explain_hi="एक में कुमारी, दूसरे में देवी: बीच में विवाह संभव"),
        Level("different", None, explain_en="different titles", explain_hi="देवी/कुमारी जैसा शब्द अलग"),
    ),
)

# Same relation, or one record does not say which (a name typed without W/O or D/O).
SAME_RELATION = IsNull("relation_type") | Exact("relation_type")

RELATION_NAME = Comparison(
    "relation_name",
    "Father's or husband's given name, compared only within the same relation",
    (
        _null("relation_key"),
        Level("same relation, same name", SAME_RELATION & Exact("relation_key"),
              tf_column="relation_in_district", tf_weight=TF_WEIGHT,
              explain_en="same father/husband name", explain_hi="पिता/पति का नाम एक"),
        Level("same relation, same first name", SAME_RELATION & Exact("relation_first_key"),
              tf_column="relation_first_in_district", tf_weight=TF_WEIGHT,
              explain_en="same father/husband first name", explain_hi="पिता/पति का पहला नाम एक"),
        Level("same relation, one name within the other",
              SAME_RELATION & WordWithinOther("relation_single_key", "relation_words"),
              explain_en="same father/husband name, written with more words in one record",
              explain_hi="पिता/पति का वही नाम, एक में अधिक शब्दों के साथ"),
        Level("same relation, one letter apart",
              SAME_RELATION & LevenshteinAtMost("relation_key", 1),
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
        Level("same date of birth", Exact("dob_day_known"),
              explain_en="same date of birth", explain_hi="जन्म तिथि एक ही"),
        Level("same 1 January date", Exact("dob"),
              explain_en="same date of birth, but 1 January (often written when the day is not known)",
              explain_hi="जन्म तिथि एक ही, पर 1 जनवरी (दिन पता न होने पर अक्सर यही लिखा जाता है)"),
        Level("same year", Exact("yob"), explain_en="same year of birth", explain_hi="जन्म वर्ष एक ही"),
        Level("within 2 years", AbsDiffAtMost("yob", 2),
              explain_en="year of birth within 2 years", explain_hi="जन्म वर्ष में 2 साल तक का अंतर"),
        # Written dates are copied from a document: among true duplicates with a date of
        # birth on both records, 99% agree within a year. EM rarely sees such pairs apart
        # (they are few and it confuses them with namesakes), so m is a judgement.
        Level("dates of birth 3+ years apart", BothPresent("dob_year"), fixed_m=0.01,
              explain_en="both records give a date of birth, 3 or more years apart",
              explain_hi="दोनों में जन्म तिथि लिखी है, 3 या अधिक साल का अंतर"),
        Level("within 6 years", AbsDiffAtMost("yob", 6),
              explain_en="ages differ by 3-6 years (records entered years apart?)",
              explain_hi="उम्र में 3-6 साल का अंतर (शायद रिकॉर्ड सालों के अंतर पर बने)"),
        Level("7-15 years apart", AbsDiffAtMost("yob", 15),
              explain_en="ages differ by 7-15 years (ages typed years apart, or another woman)",
              explain_hi="उम्र में 7-15 साल का अंतर (उम्र सालों के अंतर पर लिखी गई, या दूसरी महिला)"),
        Level("far apart", None, explain_en="ages more than 15 years apart", explain_hi="उम्र में 15 साल से अधिक अंतर"),
    ),
)

GENDER = Comparison(
    "gender",
    "Gender",
    (
        _null("gender"),
        Level("same", Exact("gender"), explain_en="same gender", explain_hi="लिंग एक ही"),
        # Almost every member is a woman, so EM never sees this level: a different
        # gender is a data-entry slip in ~1 of 500 true duplicates, but ~1 in 50
        # random pairs where men are enrolled.
        Level("different", None, fixed_m=0.002, fixed_u=0.05,
              explain_en="different gender", explain_hi="लिंग अलग"),
    ),
)

# What "similar name" means when a shared phone or account is weighed.
SIMILAR_NAME = (LevenshteinAtMost("given_key", 2) | Exact("given_first_key")
                | WordWithinOther("given_single_key", "given_words"))

MOBILE = Comparison(
    "mobile",
    "Mobile number: one phone often serves a household, so it counts only with a similar name",
    (
        _null("mobile"),
        Level("same with similar name", Exact("mobile") & SIMILAR_NAME, fix_u=True,
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
        # A Virtual ID is not the Aadhaar number and a woman may generate a new one at any
        # time: a VID against an Aadhaar, or two different VIDs, says nothing either way.
        Level(NULL, IsNull("aadhaar_token")
              | (Different("aadhaar_token") & ~BothStartWith("aadhaar_token", "aad:")),
              is_null=True, explain_en="Aadhaar missing on one side, or a Virtual ID (not comparable)",
              explain_hi="आधार एक ओर नहीं, या वर्चुअल आईडी (तुलना नहीं)",
              shown="missing on one side, or a VID (not compared)"),
        Level("same", Exact("aadhaar_token"), explain_en="same Aadhaar", explain_hi="आधार नंबर एक ही"),
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
              explain_en="not compared", explain_hi="तुलना नहीं",
              shown="not compared (full numbers on both, or missing)"),
        Level("same", Exact("aadhaar_last4"), explain_en="same last 4 Aadhaar digits",
              explain_hi="आधार के अंतिम 4 अंक एक ही"),
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
        Level("same with similar name", Exact("bank_token") & SIMILAR_NAME, fix_u=True,
              explain_en="same bank account and a similar name",
              explain_hi="बैंक खाता एक और नाम मिलता-जुलता"),
        Level("same with different name", Exact("bank_token"), fix_u=True,
              explain_en="same bank account but a different name: a shared household account?",
              explain_hi="बैंक खाता एक पर नाम अलग: परिवार का साझा खाता?"),
        Level("different", None, explain_en="different bank account", explain_hi="बैंक खाता अलग"),
    ),
)

COMPARISONS: tuple[Comparison, ...] = (
    FIRST_NAME, FAMILY_SURNAME, TITLE, RELATION_NAME, LOCATION,
    YEAR_OF_BIRTH, GENDER, MOBILE, AADHAAR, AADHAAR_LAST4, BANK,
)

FEATURE_COLUMNS: tuple[str, ...] = tuple(sorted(set().union(*(c.columns() for c in COMPARISONS))))
# Columns whose value frequencies adjust name levels (term frequencies).
TF_COLUMNS: tuple[str, ...] = tuple(sorted({lv.tf_column for c in COMPARISONS for lv in c.levels if lv.tf_column}))
assert set(TF_COLUMNS) <= set(TF_KEYS), "a level adjusts by a frequency column nobody computes"

# Candidate pairs (OR of rules). Chosen so that pairs grow roughly linearly with rows:
# every rule is confined to a village or block (or is an identifier) and adds a name or
# identifier key. A rule earns its pairs only if the model can call what it alone finds;
# `python -m benchmarks.blocking` measures that (also --state mixed), and
# `python -m benchmarks.heldout` checks the hand-made records. Measured on 100k rows
# (Bihar / all states mixed), by the pairs that only the rule found:
# - block + first name + decade of birth: out. 2.8M extra pairs (three in four) for
#   1,110 true pairs, of which the model could call 46.
# - block + first name + year of birth: out. 230k / 177k pairs; the model called
#   14 / 28 of them, of which 1 / 10 true. F1 unchanged without it, held-out too.
# - village + father's/husband's first name: now also needs the same initial of her
#   name. 234k / 271k pairs only it found, called 61 / 38, of which 40 / 20 true; with
#   the initial it compares 38k pairs instead of 248k (Bihar) and the held-out file
#   loses 1 pair of 970.
# - block + first name + father's/husband's first name: kept, though on synthetic data
#   two in three pairs the model calls from it alone are namesakes (54 / 59 true of
#   175 / 432): the held-out file's women re-entered in another village of the block
#   (22 pairs) are found only by it.
# - block + written date of birth (not 1 January): added with the "same 1 January date"
#   level and the same_date_of_birth_similar_name_same_block rule. Pre/post-marriage
#   records often share only a name and a date; 92% of those missed were never compared.
#   +0.7% pairs (551k -> 555k at 100k Bihar); F1 0.880 -> 0.887 Bihar, 0.859 -> 0.867
#   mixed, held-out unchanged or +0.001.
BLOCKING_RULES: tuple[tuple[str, ...], ...] = (
    ("aadhaar_token",),
    ("block_key", "given_first_key", "relation_first_key"),
    ("village_key", "given_key"),
    ("village_key", "given_first_key"),
    ("village_key", "given_last_key"),
    ("village_key", "relation_first_key", "given_initial"),
    ("block_key", "bank_token"),
    ("block_key", "mobile", "given_initial"),
    ("block_key", "dob_day_known"),
    ("district_key", "aadhaar_last4", "given_initial"),
)

# EM training passes: each fixes (blocks on) some comparisons so the others can be learnt.
# Each pass blocks on keys under which true duplicates are a large share of pairs;
# looser passes (a block and a common name) let EM learn "same village" instead of
# "same woman", because in a block the village is what separates pairs most.
TRAINING_BLOCKING_RULES: tuple[tuple[str, ...], ...] = (
    ("aadhaar_token",),
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
