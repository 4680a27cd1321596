"""Splink on DuckDB (embedded default) or Spark: training and prediction.

Both engines receive the same settings, built from ``models.member_model``;
only the database API differs. Outputs are plain pandas frames of candidate
pairs above a floor weight, with the gamma (level) of every comparison.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
from splink import Linker, block_on

from models.member_model import (
    BLOCKING_RULES,
    COMPARISONS,
    SIMILAR_NAME,
    TF_SCOPE,
    TF_SMOOTHING_NAMES,
    TF_TYPICAL_SHARE,
    TF_WEIGHT,
    TRAINING_BLOCKING_RULES,
    UNIQUE_ID,
    splink_settings,
)
from models.term_frequencies import term_frequency_table

log = logging.getLogger(__name__)

# Pairs scoring below this never reach a report (a probability of ~0.4%);
# confirmed pairs (same Aadhaar) are kept whatever their weight.
FLOOR_MATCH_WEIGHT = -8.0


def duckdb_connection():
    """A DuckDB connection with Pehchaan's limits. DuckDB would take 80% of RAM, and the
    pandas side of the pipeline needs room too; past the limit it spills to disk (which
    holds tokens, so the spill folder is the operator's choice) instead of being killed."""
    import os
    import tempfile

    import duckdb

    con = duckdb.connect()
    limit = os.environ.get("PEHCHAAN_DUCKDB_MEMORY", "6GB")
    spill = os.environ.get("PEHCHAAN_DUCKDB_TEMP", tempfile.gettempdir())
    con.execute(f"SET memory_limit = '{limit}'")
    con.execute(f"SET temp_directory = '{spill}/pehchaan-duckdb-spill'")
    return con


def make_db_api(engine: str, *, spark_master: str | None = None, share_with=None):
    """A Splink database API. ``share_with``: another API whose DuckDB connection or Spark
    session to use (one query can then read both APIs' tables), with a cache of its own."""
    if engine == "duckdb" and share_with is not None:
        from splink import DuckDBAPI

        return DuckDBAPI(connection=share_with.duckdb_con)
    if engine == "duckdb":
        from splink import DuckDBAPI

        con = duckdb_connection()
        con.execute("SET preserve_insertion_order = false")
        return DuckDBAPI(connection=con)
    if engine == "spark":
        from dedup.spark import get_spark
        from splink import SparkAPI

        # Splink's bundled similarity jar targets Scala 2.12; our model uses only
        # built-in SQL (levenshtein, abs, =), so no UDFs are needed.
        session = share_with.spark if share_with is not None else get_spark(spark_master)
        return SparkAPI(spark_session=session, register_udfs_automatically=False,
                        break_lineage_method="persist")
    raise ValueError(f"unknown engine {engine!r}: use duckdb or spark")


def _gamma_columns() -> list[str]:
    return [f"gamma_{c.name}" for c in COMPARISONS]


def _prepare_for_splink(features: pd.DataFrame) -> pd.DataFrame:
    """Splink wants plain object/number columns; pandas NA becomes None/NaN. A shallow copy:
    only the converted columns are new (a deep copy of a million rows' features took 2.5 s)."""
    out = features.copy(deep=False)
    for col in out.columns:
        if str(out[col].dtype) == "Int64":
            out[col] = out[col].astype("float64")
    return out


class TrainingError(Exception):
    """The input cannot train a model; the message says why and what to do."""


@dataclass
class TrainingReport:
    rows: int
    probability_two_random_records_match: float
    fixed_u: dict
    em_rules: list[str]
    u_max_pairs: float
    data_note: str = ""
    from_shipped: list[str] = field(default_factory=list)  # "comparison: level (m, u)" never seen


def untrained_levels(model: dict) -> list[tuple[int, int, str]]:
    """(comparison index, level index, "comparison: level") of levels without an m or u.

    Splink scores such a level with a made-up default m instead of failing, so a model
    with one would weigh that level by no evidence at all."""
    out = []
    for ci, comp in enumerate(model.get("comparisons") or []):
        for li, level in enumerate(comp.get("comparison_levels") or []):
            if level.get("is_null_level"):
                continue
            if level.get("m_probability") is None or level.get("u_probability") is None:
                out.append((ci, li, f"{comp.get('output_column_name')}: {level.get('label_for_charts')}"))
    return out


def _fill_from_shipped(model: dict) -> list[str]:
    """Give levels training could not see the shipped model's m and u (in place); returns
    their names, with which of the two was filled.

    EM learns a level's m only from candidate pairs at that level, and random sampling a
    u only from pairs at it. On a small or tidy export some levels never occur (no true
    pair with ages 15+ years apart; one block, so no pair across blocks), and Splink would
    then score the level with a default m; the shipped model's, learnt on 200,000 rows,
    is the better guess."""
    from models.scorer import DEFAULT_MODEL_PATH

    shipped = json.loads(DEFAULT_MODEL_PATH.read_text())
    known = {(c["output_column_name"], lv.get("label_for_charts")): lv
             for c in shipped["comparisons"] for lv in c["comparison_levels"]}
    filled = []
    for ci, li, name in untrained_levels(model):
        comp = model["comparisons"][ci]
        level = comp["comparison_levels"][li]
        source = known.get((comp["output_column_name"], level.get("label_for_charts")), {})
        took = [k for k in ("m_probability", "u_probability")
                if level.get(k) is None and source.get(k) is not None]
        for k in took:
            level[k] = source[k]
        if took:
            filled.append(f"{name} ({', '.join(k[0] for k in took)})")
    return filled


def measure_household_u(features: pd.DataFrame) -> dict[str, dict[str, float]]:
    """u for 'same mobile' / 'same bank account' levels, among pairs in the same village.

    Splink's random sampling compares women from anywhere, who almost never share a
    phone, so an equal mobile would look like near-proof. Among neighbours (the pairs
    blocking actually produces) households share phones and accounts; the share among
    same-village pairs is the honest u. True duplicates are included in that share,
    which errs on the side of weaker evidence.
    Returns {column: {"similar": u, "different": u}} by whether given names are similar.
    """
    import duckdb

    # "similar" is the levels' own condition (SIMILAR_NAME), rendered as SQL, not a copy
    name_cols = sorted(SIMILAR_NAME.columns())
    con = duckdb.connect()
    con.register("f", features[["member_id", "village_key", "mobile", "bank_token", *name_cols]])
    similar_sql = SIMILAR_NAME.sql()
    out = {}
    for col in ("mobile", "bank_token"):
        total = con.execute(f"""
            SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM (
              SELECT count(*) AS n FROM f WHERE village_key IS NOT NULL AND {col} IS NOT NULL
              GROUP BY village_key)""").fetchone()[0]
        pair_cols = ", ".join(f"l.{c} AS {c}_l, r.{c} AS {c}_r" for c in name_cols)
        similar, different = con.execute(f"""
            SELECT coalesce(sum(CASE WHEN {similar_sql} THEN 1 ELSE 0 END), 0),
                   coalesce(sum(CASE WHEN {similar_sql} THEN 0 ELSE 1 END), 0)
            FROM (SELECT {pair_cols}
                  FROM f l JOIN f r ON l.village_key = r.village_key AND l.{col} = r.{col}
                                    AND l.member_id < r.member_id)""").fetchone()
        total = float(total) or 1.0
        out[col] = {"similar": max(similar / total, 1e-7), "different": max(different / total, 1e-7)}
    con.close()
    return out


def estimate_prior(features: pd.DataFrame) -> float:
    """Probability that two random records are the same woman, from Aadhaar tokens.

    Among records that both carry a full, valid Aadhaar, equal tokens find every
    duplicate (recall ~1), so (pairs sharing a token) / (pairs of tokened records)
    estimates the prior without guessing a recall, as Splink's deterministic-rule
    estimate would need. It assumes Aadhaar coverage does not depend on whether a
    woman was entered twice; with no tokens at all we fall back to Splink's default.
    """
    tokens = features["aadhaar_token"].dropna()
    tokens = tokens[tokens.astype(str).str.startswith("aad:")]  # a VID may be re-generated: not "every duplicate"
    n = len(tokens)
    if n < 100:
        return 1e-4
    counts = tokens.value_counts()
    same = float((counts * (counts - 1) / 2).sum())
    return max(same, 1.0) / (n * (n - 1) / 2)


def _settings_with_fixed_u(fixed: dict[str, dict[str, float]]) -> dict:
    settings = splink_settings().create_settings_dict("duckdb")
    for comp in settings["comparisons"]:
        col = {"mobile": "mobile", "bank_account": "bank_token"}.get(comp["output_column_name"])
        if col is None:
            continue
        for lv in comp["comparison_levels"]:
            if lv.get("fix_u_probability") and "u_probability" not in lv:
                kind = "similar" if "similar" in lv["label_for_charts"] else "different"
                lv["u_probability"] = fixed[col][kind]
                if kind == "different":
                    # A phone or account shared under a different name is what a household
                    # looks like: it is no evidence for a match (m = u, weight 0). EM would
                    # otherwise learn it from the few true duplicates with misread names.
                    lv["m_probability"] = fixed[col][kind]
                    lv["fix_m_probability"] = True
    return settings


def train(features: pd.DataFrame, model_out: Path, *, engine: str = "duckdb",
          u_max_pairs: float = 2e6, seed: int = 42, data_note: str = "") -> TrainingReport:
    """Unsupervised: u by random sampling, m by EM over several blocking rules."""
    fixed = measure_household_u(features)
    settings = _settings_with_fixed_u(fixed)
    db_api = make_db_api(engine)
    sdf = db_api.register(_prepare_for_splink(features))
    linker = Linker(sdf, settings, log_level=logging.WARNING)
    _register_term_frequencies(linker, db_api, _term_frequency_tables(settings, features))
    linker._settings_obj._probability_two_random_records_match = estimate_prior(features)
    linker.training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=seed)
    from splink.internals.exceptions import EMTrainingException

    passes = 0
    for cols in TRAINING_BLOCKING_RULES:
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                block_on(*cols), fix_u_probabilities=True)
            passes += 1
        except EMTrainingException as e:  # e.g. no two records share an Aadhaar
            log.warning("training pass on %s skipped: %s", " & ".join(cols), str(e).splitlines()[0])
    if passes == 0:
        raise TrainingError(
            f"cannot train on these {len(features):,} rows: no training pass found candidate pairs "
            "(too few rows, or no shared Aadhaar and no name+relation+year). "
            "Run without --train to use the shipped model.")
    model = linker.misc.save_model_to_json(None)
    filled = _fill_from_shipped(model)
    if filled:
        log.warning("training saw no pairs at %s: kept the shipped model's values", "; ".join(filled))
    model_out.parent.mkdir(parents=True, exist_ok=True)
    tmp = model_out.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(model, indent=2, ensure_ascii=False))
    tmp.replace(model_out)
    lam = model["probability_two_random_records_match"]
    report = TrainingReport(len(features), lam, fixed,
                            [" & ".join(c) for c in TRAINING_BLOCKING_RULES], u_max_pairs, data_note, filled)
    _write_model_card(model_out, report)
    return report


def _write_model_card(model_path: Path, r: TrainingReport) -> None:
    card = model_path.with_suffix(".md")
    card.write_text(f"""# Member model card: {model_path.name}

- trained: {date.today().isoformat()} (Splink 5, unsupervised)
- data: {r.rows:,} member rows{(' (' + r.data_note + ')') if r.data_note else ''}
- prior (probability two random records match): {r.probability_two_random_records_match:.3g}
  (pairs sharing an Aadhaar token / pairs of records that both carry one)
- u: random sampling of {r.u_max_pairs:,.0f} pairs; except the 'same mobile' and 'same bank account'
  levels, measured among same-village pairs and fixed, because households share phones and accounts:
  {json.dumps(r.fixed_u)}
- m: expectation maximisation, one pass per blocking rule: {'; '.join(r.em_rules)}{_shipped_m_line(r)}
- comparisons: {', '.join(c.name for c in COMPARISONS)} (defined in models/member_model.py)
- name frequencies: {_tf_card_line()}
""")


def _shipped_m_line(r: TrainingReport) -> str:
    if not r.from_shipped:
        return ""
    return ("\n- levels with no pairs in this export keep the shipped model's m and/or u: "
            + "; ".join(r.from_shipped))


def _tf_card_line() -> str:
    levels = [f"{c.name}: {lv.label}" for c in COMPARISONS for lv in c.levels if lv.tf_column]
    return (f"weight {TF_WEIGHT} on {'; '.join(levels)}; counted within {TF_SCOPE}, smoothed as if "
            f"{TF_SMOOTHING_NAMES:,} names of share {TF_TYPICAL_SHARE} were added (models/term_frequencies.py)")


def load_model_for_engine(model_path: Path) -> dict:
    """The trained model with blocking rules re-made from the definition.

    A saved model carries its blocking rules as SQL of the dialect it was trained
    in (DuckDB quotes identifiers with "), which Spark reads as string literals;
    block_on() objects are rendered for whichever engine runs them.
    """
    model = json.loads(Path(model_path).read_text())
    model["blocking_rules_to_generate_predictions"] = [block_on(*c) for c in BLOCKING_RULES]
    return model


def predict(features: pd.DataFrame, model_path: Path, *, engine: str = "duckdb",
            floor_match_weight: float = FLOOR_MATCH_WEIGHT,
            spark_master: str | None = None,
            tf_tables: dict[str, pd.DataFrame] | None = None,
            blocking_rules: tuple[tuple[str, ...], ...] = BLOCKING_RULES) -> tuple[pd.DataFrame, int]:
    """Score all blocked pairs; return (pairs above the floor or sharing an identifier, pairs compared).

    ``blocking_rules`` is for measuring other candidate sets (benchmarks/ceiling.py);
    runs use BLOCKING_RULES, which dedup/partitions.py relies on.

    Splink filters at the floor inside its own SQL, so the tens of millions of weak
    pairs of a crore-row run are never materialised with their columns. Pairs sharing
    an identifier a rule reads (same Aadhaar, same account in the block) that fall
    below the floor (badly mistyped records) are still needed for the confirmed class
    and flags: a second Splink run blocked only on those identifiers scores them with
    the same SQL, so every pair in the batch is scored by Splink.
    """
    db_api = make_db_api(engine, spark_master=spark_master)
    try:
        return _predict(db_api, features, model_path, engine, floor_match_weight, tf_tables, blocking_rules)
    finally:
        _release(db_api, engine)


def _release(db_api, engine: str) -> None:
    """Free the engine's tables now: a run in parts (dedup/partitions.py) scores the next
    part straight after, and must not carry this part's database into it."""
    if engine == "duckdb":
        db_api.duckdb_con.close()
    else:
        db_api.spark.catalog.clearCache()


def _predict(db_api, features: pd.DataFrame, model_path: Path, engine: str, floor_match_weight: float,
             tf_tables: dict[str, pd.DataFrame] | None,
             blocking_rules: tuple[tuple[str, ...], ...] = BLOCKING_RULES) -> tuple[pd.DataFrame, int]:
    prepared = _prepare_for_splink(features)
    model = load_model_for_engine(model_path)
    model["blocking_rules_to_generate_predictions"] = [block_on(*c) for c in blocking_rules]
    sdf = db_api.register(prepared)
    linker = Linker(sdf, model, log_level=logging.WARNING)
    tf_tables = _term_frequency_tables(model, features, tf_tables)
    _register_term_frequencies(linker, db_api, tf_tables)
    blocked = linker.inference.compute_blocked_pairs_for_predict()
    n_compared = int(db_api.query_sql(f"SELECT count(*) AS n FROM {blocked.physical_name}",
                                      output_type="pandas")["n"].iloc[0])
    above = linker.inference.predict(threshold_match_weight=floor_match_weight)

    # Splink caches blocked pairs per database API, so the second run needs its own API
    # object (same connection or Spark session, so one query can read both results).
    rescue_api = make_db_api(engine, share_with=db_api)
    rescue_model = load_model_for_engine(model_path)
    rescue_model["blocking_rules_to_generate_predictions"] = [block_on(*c) for c in RULE_IDENTIFIERS]
    # the table already in the database (no second copy of a crore of rows for Spark)
    rescue = Linker(rescue_api.register(sdf.physical_name), rescue_model, log_level=logging.WARNING)
    _register_term_frequencies(rescue, rescue_api, tf_tables)
    shared = rescue.inference.predict()

    l, r = f"{UNIQUE_ID}_l", f"{UNIQUE_ID}_r"
    cols = ", ".join(["match_weight", "match_probability", *_gamma_columns()])
    # Canonical pair order (smaller id left) and row order, so DuckDB and Spark outputs
    # compare row for row. Done by the engine: sorting millions of Python strings is slow.
    swap = f"CAST({l} AS STRING) > CAST({r} AS STRING)"
    sql = f"""
        WITH pairs AS (
          SELECT {l}, {r}, {cols}, district_l, block_l, district_r, block_r FROM {above.physical_name}
          UNION ALL
          SELECT {l}, {r}, {cols}, district_l, block_l, district_r, block_r FROM {shared.physical_name}
          WHERE match_weight < {float(floor_match_weight)!r}
        )
        SELECT CASE WHEN {swap} THEN {r} ELSE {l} END AS {l},
               CASE WHEN {swap} THEN {l} ELSE {r} END AS {r},
               {cols},
               CASE WHEN {swap} THEN district_r ELSE district_l END AS district_l,
               CASE WHEN {swap} THEN block_r ELSE block_l END AS block_l,
               CASE WHEN {swap} THEN district_l ELSE district_r END AS district_r,
               CASE WHEN {swap} THEN block_l ELSE block_r END AS block_r
        FROM pairs"""
    ordered = f"SELECT * FROM ({sql}) AS p ORDER BY CAST({l} AS STRING), CAST({r} AS STRING)"
    return _fetch_in_order(db_api, engine, ordered), n_compared


def _fetch_in_order(db_api, engine: str, sql: str) -> pd.DataFrame:
    """Run an ORDER BY query straight on the engine and keep its order.

    Not Splink's query_sql: it stores the result as a table and reads it back, and with
    DuckDB's preserve_insertion_order off (set for memory) that read loses the order
    once results pass ~120k rows.
    """
    if engine == "duckdb":
        return db_api.duckdb_con.sql(sql).df()
    return db_api.spark.sql(sql).toPandas()


# Identifiers whose sharing can make a pair confirmed, potential or flagged by a rule
# whatever its score: such pairs must reach the rules even below the floor.
RULE_IDENTIFIERS = (("aadhaar_token",), ("block_key", "bank_token"))


def _tf_columns_of(settings: dict) -> set[str]:
    return {lv["tf_adjustment_column"] for c in settings["comparisons"] for lv in c["comparison_levels"]
            if lv.get("tf_adjustment_column")}


def _term_frequency_tables(settings: dict, features: pd.DataFrame,
                           given: dict[str, pd.DataFrame] | None = None) -> dict[str, pd.DataFrame]:
    """Name frequencies within the district (models/term_frequencies.py), to be used instead
    of the ones Splink would count over the whole input. A model trained before
    term-frequency levels existed needs none."""
    tables = {}
    for col in sorted(_tf_columns_of(settings)):
        if col not in features:
            raise ValueError(f"the model adjusts names by '{col}', which features do not have")
        table = given[col] if given is not None and col in given else term_frequency_table(features, col)
        # None in the column (e.g. no district anywhere): nothing to register; Splink's own
        # count finds no values either, so no pair is adjusted, as in the real-time scorer
        if len(table):
            tables[col] = table
    return tables


def _register_term_frequencies(linker: Linker, db_api, tables: dict[str, pd.DataFrame]) -> None:
    for col, table in tables.items():
        linker.table_management.register_term_frequency_lookup(db_api.register(table), col)
