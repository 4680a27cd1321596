"""How common each name (and date of birth) is in its district: the numbers behind
term-frequency adjustment.

Agreeing on "Sunita" says less than agreeing on "Dhanmati": Splink's term-frequency
adjustment turns a name level's weight log2(m/u) into log2(m/u) + w * (log2(u) -
log2(f)), f being the share of the name. Splink would count f over the whole input;
we count it within the district (see ``TF_SCOPE`` in member_model) and register these
tables with Splink, so batch (DuckDB or Spark) and the real-time scorer adjust every
pair by the very same numbers.

The frequency columns (``TF_KEYS``) hold "district|name key", so one Splink lookup
table per column serves every district.
"""
from __future__ import annotations

import pandas as pd

from models.member_model import TF_COLUMNS, TF_KEYS, TF_SCOPE, TF_SMOOTHING_NAMES, TF_TYPICAL_SHARE


def tf_key(scope: pd.Series, key: pd.Series) -> pd.Series:
    """ "district|name key", or None where either is missing (then no adjustment)."""
    joined = scope.astype(object) + "|" + key.astype(object)
    return joined.where(scope.notna() & key.notna(), None).astype(object)


def add_tf_keys(features: pd.DataFrame) -> None:
    """Add the frequency columns (TF_KEYS) to member features, in place."""
    for col, key in TF_KEYS.items():
        features[col] = tf_key(features[TF_SCOPE], features[key])


def term_frequency_table(features: pd.DataFrame, col: str) -> pd.DataFrame:
    """Columns [col, tf_col]: each value's share among the district's rows that have one,
    smoothed (TF_SMOOTHING_NAMES) so that small districts and small files are not noise.

    Splink's layout for ``register_term_frequency_lookup`` (value column, then
    ``tf_<column>``); rows with no value count in no denominator, as in Splink.
    """
    rows = features.loc[features[col].notna(), [col, TF_SCOPE]]
    if rows.empty:
        return pd.DataFrame({col: pd.Series(dtype=object), f"tf_{col}": pd.Series(dtype="float64")})
    counts = rows[col].value_counts()
    per_scope = rows.groupby(TF_SCOPE).size()
    scope_of = rows.drop_duplicates(col).set_index(col)[TF_SCOPE]
    total = per_scope.reindex(scope_of.reindex(counts.index).to_numpy()).to_numpy(dtype="float64")
    share = ((counts.to_numpy(dtype="float64") + TF_SMOOTHING_NAMES * TF_TYPICAL_SHARE)
             / (total + TF_SMOOTHING_NAMES))
    return pd.DataFrame({col: counts.index.astype(object), f"tf_{col}": share})


def term_frequency_tables(features: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {col: term_frequency_table(features, col) for col in TF_COLUMNS if col in features}


def as_lookups(tables: dict[str, pd.DataFrame]) -> dict[str, dict[str, float]]:
    """{column: {value: share}}, what the real-time scorer takes."""
    return {col: dict(zip(t[col], t[f"tf_{col}"])) for col, t in tables.items()}


def term_frequencies(features: pd.DataFrame) -> dict[str, dict[str, float]]:
    """{column: {value: share}} for the real-time scorer, from the same tables as batch."""
    return as_lookups(term_frequency_tables(features))


def to_long(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One frame (column, value, share) to save next to a run: the real-time service loads it
    (``from_long``) to score new profiles with the frequencies the batch run used."""
    parts = [pd.DataFrame({"column": col, "value": t[col].astype(object), "share": t[f"tf_{col}"]})
             for col, t in tables.items()]
    if not parts:
        return pd.DataFrame({"column": pd.Series(dtype=object), "value": pd.Series(dtype=object),
                             "share": pd.Series(dtype="float64")})
    return pd.concat(parts, ignore_index=True)


def from_long(frame: pd.DataFrame) -> dict[str, dict[str, float]]:
    return {str(col): dict(zip(g["value"], g["share"].astype(float))) for col, g in frame.groupby("column")}
