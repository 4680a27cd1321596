"""Scoring an export bigger than memory, a group of districts at a time, losing no pair.

A state export of a crore of rows needs ~65 GB to score at once (dedup/memory.py); a
state data team has one machine of 16-32 GB. Every blocking rule of the member model
stays inside a district (village, block or district keys), except the Aadhaar token.
So the run scores one group of whole districts at a time, then scores once more the
few rows whose Aadhaar token turns up in two groups. The pairs are then exactly those
of a single run (name frequencies are counted per district, so they do not change
either): tests/test_partitions.py proves it pair for pair and cluster for cluster.
(With ``--train`` the model is trained on the biggest part only, as the whole export
does not fit: then the weights, and so the pairs, are those of that model.)

A district is the smallest part: splitting one would lose pairs across its blocks
(the rule on district + Aadhaar last 4 digits), so a district too big for the machine
stops the run with a message instead.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dedup.memory import NotEnoughMemory, budget_rows_per_part

# The only blocking rules that reach across districts (models/member_model.py
# BLOCKING_RULES and dedup/engine.py RULE_IDENTIFIERS); test_partitions checks this.
CROSS_DISTRICT_KEYS = ("aadhaar_token",)
NO_DISTRICT = "(no district)"


@dataclass(frozen=True)
class Part:
    """Whole districts scored together. ``raw`` are the district cells as written in the
    export (several spellings can make one district key); None stands for rows with none."""
    districts: tuple[str, ...]
    raw: tuple[str | None, ...]
    rows: int


def district_key_of(values: pd.Series) -> pd.Series:
    # the key member_features() makes for district_key, so a part never splits what
    # blocking treats as one district (" Saran", "SARAN" and "Saran" are one)
    from dedup.features import _cells, _map_unique
    from dedup.names import normalise_place
    return _map_unique(_cells(values), normalise_place)


def district_sizes(members_path) -> pd.DataFrame:
    """Rows per (raw district cell, district key) of an imported members.parquet."""
    col = pq.read_table(members_path, columns=["district"]).column("district")
    counts = pc.value_counts(col)
    raw = pd.Series(counts.field("values").to_pylist(), dtype=object)
    rows = counts.field("counts").to_numpy()
    key = district_key_of(raw).fillna(NO_DISTRICT)
    return pd.DataFrame({"raw": raw, "key": key, "rows": rows})


def plan_parts(sizes: pd.DataFrame, max_rows: int | None) -> list[Part]:
    """Districts packed into as few parts of at most ``max_rows`` as first-fit gives
    (biggest district first), the biggest part first: ``--train`` trains on it, as the
    whole export will not fit in memory. None: one part."""
    per_key = sizes.groupby("key", sort=True)["rows"].sum()
    if max_rows is None or per_key.sum() <= max_rows:
        return [Part(tuple(per_key.index), tuple(sizes["raw"]), int(per_key.sum()))] if len(per_key) else []
    too_big = per_key[per_key > max_rows]
    if len(too_big):
        key, n = too_big.idxmax(), int(too_big.max())
        name = sizes.loc[sizes["key"] == key, "raw"].iloc[0]  # as the export writes it, not its key
        raise NotEnoughMemory(
            f"District '{name}' alone has {n:,} member rows; at most {max_rows:,} rows can be scored "
            "at a time (this machine's memory, or --max-rows-per-part). A district cannot be split "
            "without losing duplicates "
            "across its blocks: raise --max-rows-per-part if you set it, or run on a machine with "
            "more memory (with --engine spark too: "
            "the cluster scores the pairs, but each part's rows, features and pairs are held on "
            "the machine that runs pehchaan; README: 'Scaling out'). "
            "The import itself finished: rejects.csv and issues.csv are written. "
            "PEHCHAAN_MEMORY_CHECK=off skips this check.")
    order = sorted(per_key.items(), key=lambda kv: (-kv[1], kv[0]))
    bins: list[list] = []
    for key, n in order:
        for b in bins:
            if b[0] + n <= max_rows:
                b[0] += n
                b[1].append(key)
                break
        else:
            bins.append([n, [key]])
    parts = []
    for n, keys in sorted(bins, key=lambda b: -b[0]):  # biggest first: --train trains on part 1
        raw = tuple(sizes.loc[sizes["key"].isin(keys), "raw"])
        parts.append(Part(tuple(sorted(keys)), raw, int(n)))
    return parts


def parts_for(members_path, rows: int, max_rows_per_part: int | None = None) -> list[Part]:
    """The parts this machine can score: ``max_rows_per_part`` if given, else what the
    memory free allows (dedup/memory.py); one part when everything fits."""
    limit = max_rows_per_part if max_rows_per_part is not None else budget_rows_per_part(rows)
    return plan_parts(district_sizes(members_path), limit)


def _district_filter(raw: tuple[str | None, ...]) -> pc.Expression:
    values = [v for v in raw if v is not None]
    expr = pc.field("district").isin(pa.array(values, type=pa.string()))
    if any(v is None for v in raw):
        expr = expr | pc.field("district").is_null()
    return expr


def read_members(members_path, where: pc.Expression) -> pd.DataFrame:
    """Imported rows matching ``where``, in file order, typed as ImportResult.load() types them."""
    from dedup.importer import _to_pandas
    return _to_pandas(pq.read_table(members_path, filters=where))


def isin_filter(column: str, values) -> pc.Expression:
    return pc.field(column).isin(pa.array(sorted({str(v) for v in values}), type=pa.string()))


def load_part(members_path, part: Part) -> pd.DataFrame:
    """The imported rows of one part."""
    return read_members(members_path, _district_filter(part.raw))


def load_members(members_path, member_ids) -> pd.DataFrame:
    """Imported rows of the given members (the report's examples)."""
    return read_members(members_path, isin_filter("member_id", member_ids))


def load_rows_with_tokens(members_path, tokens: set[str]) -> pd.DataFrame:
    return read_members(members_path, isin_filter("aadhaar_token", tokens))


def shared_across_parts(tokens: pd.Series, part_index: pd.Series) -> set[str]:
    """Aadhaar tokens found in more than one part (counted on the Arrow strings the run
    keeps: no Python string per row of a crore)."""
    df = pd.DataFrame({"t": tokens.array, "p": part_index.array}).dropna(subset=["t"])
    n_parts = df.drop_duplicates().groupby("t").size()
    return set(n_parts.index[n_parts > 1])


def describe(parts: list[Part]) -> list[dict]:
    """For summary.json: what each part held."""
    def names(p: Part) -> list[str]:  # as the export writes them (its keys read like "sarn")
        return sorted({"(no district)" if r is None else str(r) for r in p.raw})[:50]
    return [{"part": i + 1, "rows": p.rows, "districts": len(p.districts),
             "district_names": names(p)} for i, p in enumerate(parts)]
