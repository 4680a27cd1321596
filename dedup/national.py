"""Duplicates across states: one pass over finished state runs.

Every blocking rule but one stays inside a district (dedup/partitions.py), so a national
de-duplication is each state's own run (`pehchaan dedup members`, on DuckDB or a Spark
cluster) plus what only the Aadhaar token can find: the same woman entered in two states.
This pass reads the finished runs' folders, scores the rows whose Aadhaar token turns up in
two or more runs - exactly the pairs a single national run would add to the states' - and
joins every run's duplicates and those into national clusters.

The crores of rows are never held at once: DuckDB finds the shared tokens and colliding
member IDs in the runs' Parquet files, and only the rows sharing a token, and the members
that are in some pair (millions, not crores), are read into memory.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq

from dedup import atomic
from dedup.clusters import clusters_from_pairs
from dedup.engine import predict
from dedup.features import member_features
from dedup.partitions import _isin, load_rows_with_tokens
from dedup.pipeline import _pairs_output, _surplus, _surplus_certain
from dedup.placeholders import blank_placeholders
from matching_rules.rules import CONFIRMED, POTENTIAL, apply_rules, load_rules
from models.scorer import DEFAULT_MODEL_PATH

OUTPUTS = ("pairs_across_runs.csv", "pairs_across_runs.parquet", "clusters.csv", "clusters.parquet",
           "summary.json")


class NationalError(Exception):
    """A run folder or the runs together cannot be used; the message says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Run:
    """One finished `pehchaan dedup members` output folder (a state, or a part of one)."""

    name: str
    folder: Path
    members: Path
    pairs: Path
    name_frequencies: Path
    placeholders: Path
    model: str


def read_run(folder: Path) -> Run:
    folder = Path(folder)
    summary_path = folder / "summary.json"
    if not summary_path.is_file():
        raise NationalError(f"{folder}: no summary.json, so it is not a finished "
                            "'pehchaan dedup members' run (a run writes summary.json last)")
    try:
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise NationalError(f"{summary_path} cannot be read ({e.__class__.__name__})") from None
    pairs = [p for p in (folder / "pairs.parquet", folder / "pairs.csv") if p.is_file()]
    needed = {"members.parquet": folder / "members.parquet",
              "name_frequencies.parquet": folder / "name_frequencies.parquet",
              "placeholders.parquet": folder / "placeholders.parquet"}
    missing = [n for n, p in needed.items() if not p.is_file()] + ([] if pairs else ["pairs.csv"])
    if missing:
        raise NationalError(f"{folder}: {', '.join(missing)} missing; re-run "
                            "'pehchaan dedup members' into this folder")
    return Run(folder.name, folder, needed["members.parquet"], pairs[0],
               needed["name_frequencies.parquet"], needed["placeholders.parquet"],
               str(summary.get("model", "")))


def _union(runs: list[Run], column: str) -> str:
    """SQL: (value, run index) over every run's members.parquet; paths quoted for SQL."""
    parts = []
    for i, r in enumerate(runs):
        path = str(r.members).replace("'", "''")
        parts.append(f"SELECT {column} AS v, {i} AS run FROM read_parquet('{path}') WHERE {column} IS NOT NULL")
    return " UNION ALL ".join(parts)


def in_two_runs(runs: list[Run], column: str, limit: int | None = None) -> list[str]:
    """Values of ``column`` found in more than one run (DuckDB: spills, never all in memory)."""
    sql = (f"SELECT v FROM ({_union(runs, column)}) GROUP BY v HAVING count(DISTINCT run) > 1 "
           f"ORDER BY v{f' LIMIT {int(limit)}' if limit else ''}")
    with duckdb.connect() as con:
        return [row[0] for row in con.execute(sql).fetchall()]


def _name_frequencies(runs: list[Run]) -> dict[str, pd.DataFrame]:
    """Each run's name frequencies, as Splink's lookup tables. Keys hold the district, so
    the runs' tables do not overlap unless two states have a district of the same name;
    then the higher share is kept (a name counted as more common weighs less: the cautious
    side)."""
    long = pd.concat([pd.read_parquet(r.name_frequencies) for r in runs], ignore_index=True)
    long = long.sort_values("share", ascending=False, kind="stable").drop_duplicates(["column", "value"])
    return {str(col): pd.DataFrame({col: g["value"].astype(object).to_numpy(),
                                    f"tf_{col}": g["share"].astype(float).to_numpy()})
            for col, g in long.groupby("column")}


def _read_pairs(path: Path) -> pd.DataFrame:
    cols = ["member_id_l", "member_id_r", "match_weight", "duplicate_class"]
    if path.suffix == ".parquet":
        df = pd.read_parquet(path, columns=cols)
    else:
        df = pd.read_csv(path, usecols=cols, encoding="utf-8-sig", keep_default_na=False,
                         dtype={"member_id_l": str, "member_id_r": str, "duplicate_class": str})
    return df[df["duplicate_class"].isin([CONFIRMED, POTENTIAL])]


def _aadhaar_identity(runs: list[Run], member_ids: set[str]) -> pd.DataFrame:
    """member_id, run, identity (last 4 Aadhaar digits; not a VID's) of the given members."""
    frames = []
    for i, r in enumerate(runs):
        t = pq.read_table(r.members, columns=["member_id", "aadhaar_kind", "aadhaar_last4"],
                          filters=_isin("member_id", member_ids)).to_pandas()
        t["identity"] = t["aadhaar_last4"].where(t["aadhaar_kind"] != "vid", None)
        frames.append(t.assign(run=r.name)[["member_id", "run", "identity"]])
    return pd.concat(frames, ignore_index=True)


def run_national(folders: list[Path], out_dir: Path, *, model_path: Path | None = None,
                 rules_path: Path | None = None, engine: str = "duckdb",
                 spark_master: str | None = None, fmt: str = "csv") -> dict:
    """Score the rows that share an Aadhaar token across runs; cluster every run's duplicates
    with those; write pairs_across_runs, clusters (members with a duplicate) and summary.json."""
    t0 = time.perf_counter()
    runs = [read_run(Path(f)) for f in folders]
    if len(runs) < 2:
        raise NationalError("give at least two run folders (one per state)")
    names = [r.name for r in runs]
    if len(set(names)) < len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise NationalError(f"two run folders have the same name {dup}: the name says which run a "
                            "member came from, so give each state's run its own folder name")
    out_dir = Path(out_dir)
    if any(out_dir.resolve() == r.folder.resolve() for r in runs):
        raise NationalError(f"--out {out_dir} is one of the runs; give a folder of its own")
    clash = in_two_runs(runs, "member_id", limit=5)
    if clash:
        raise NationalError(f"member IDs found in two runs, e.g. {', '.join(clash)}: across states "
                            "a member ID must name one member (did one export go into two runs?)")
    rules = load_rules(rules_path)
    model_path = Path(model_path) if model_path else DEFAULT_MODEL_PATH
    models = sorted({r.model for r in runs})
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in OUTPUTS:  # an earlier pass's results must not pass for this one's
        (out_dir / name).unlink(missing_ok=True)

    tokens = set(in_two_runs(runs, "aadhaar_token"))
    run_of: dict[str, str] = {}
    across = None
    n_compared = 0
    if tokens:
        placeholders = pd.concat([pd.read_parquet(r.placeholders) for r in runs], ignore_index=True)
        rows = []
        for r in runs:
            part = load_rows_with_tokens(r.members, tokens)
            run_of.update(dict.fromkeys(part["member_id"].astype(str), r.name))
            rows.append(part)
        features = blank_placeholders(member_features(pd.concat(rows, ignore_index=True)), placeholders)
        scored, _ = predict(features, model_path, engine=engine, spark_master=spark_master,
                            tf_tables=_name_frequencies(runs))
        l_run = scored["member_id_l"].astype(str).map(run_of)
        r_run = scored["member_id_r"].astype(str).map(run_of)
        across = scored[(l_run != r_run).to_numpy()].copy()
        n_compared = len(across)  # all share an Aadhaar, so Splink keeps every one
        # two states' SHGs never share a VO
        across["fact_different_shg_same_vo"] = False
        across = apply_rules(across, rules)
    if across is not None and len(across):
        pairs_out = _pairs_output(across)
        pairs_out.insert(2, "run_l", pairs_out["member_id_l"].astype(str).map(run_of))
        pairs_out.insert(3, "run_r", pairs_out["member_id_r"].astype(str).map(run_of))
    else:
        pairs_out = pd.DataFrame(columns=["member_id_l", "member_id_r", "run_l", "run_r"])

    # national clusters: every run's duplicates and the pairs across runs
    edges = pd.concat([_read_pairs(r.pairs) for r in runs]
                      + ([pairs_out[pairs_out["duplicate_class"].isin([CONFIRMED, POTENTIAL])]
                          [["member_id_l", "member_id_r", "match_weight", "duplicate_class"]]]
                         if len(pairs_out) else []), ignore_index=True)
    edges[["member_id_l", "member_id_r"]] = edges[["member_id_l", "member_id_r"]].astype(str)
    # in the order one run gives them (by ids), so equal weights are taken in the same order
    edges = edges.sort_values(["member_id_l", "member_id_r"], kind="stable").reset_index(drop=True)
    ids = set(edges["member_id_l"]) | set(edges["member_id_r"])
    members = _aadhaar_identity(runs, ids).sort_values("member_id", kind="stable").reset_index(drop=True)
    missing = ids - set(members["member_id"])
    if missing:
        raise NationalError(f"pairs name members not in any run's members.parquet, e.g. "
                            f"{sorted(missing)[:3]}: a run folder holds files of two different runs")
    clusters = clusters_from_pairs(members["member_id"], edges, identity=members["identity"])
    clusters.insert(1, "run", members["run"].to_numpy())
    # a member whose only pairs were kept apart (two different Aadhaar numbers) stays alone
    clusters = clusters[clusters["cluster_class"] != "unique"]
    runs_per_cluster = clusters.groupby("cluster_id")["run"].nunique()
    clusters["spans_runs"] = clusters["cluster_id"].map(runs_per_cluster).gt(1).to_numpy()
    clusters = clusters.sort_values(["cluster_id", "member_id"], kind="stable").reset_index(drop=True)

    files = {"pairs_across_runs": atomic.write_frame(out_dir / "pairs_across_runs", pairs_out, fmt),
             "clusters": atomic.write_frame(out_dir / "clusters", clusters, fmt)}
    by_class = pairs_out["duplicate_class"].value_counts().to_dict() if len(pairs_out) else {}
    spanning = clusters.loc[clusters["spans_runs"], "cluster_id"]
    summary = {
        "runs": [{"name": r.name, "folder": str(r.folder)} for r in runs],
        "model": str(model_path),
        "runs_models": models,
        "rules": rules.name,
        "aadhaar_tokens_in_two_runs": len(tokens),
        "rows_sharing_them": len(run_of),
        "pairs_compared_across_runs": n_compared,
        "pairs_across_runs": {"confirmed": int(by_class.get(CONFIRMED, 0)),
                              "potential": int(by_class.get(POTENTIAL, 0))},
        "clusters": {
            "confirmed": int(clusters.loc[clusters.cluster_class == CONFIRMED, "cluster_id"].nunique()),
            "potential": int(clusters.loc[clusters.cluster_class == POTENTIAL, "cluster_id"].nunique()),
            "spanning_runs": int(spanning.nunique()),
            "members_in_clusters": len(clusters),
            "surplus_records": _surplus(clusters),
            "surplus_records_confirmed": _surplus_certain(clusters),
        },
        "warnings": ([f"the runs were scored with different models ({', '.join(models)}); pairs "
                      f"across runs are scored with {model_path}"] if len(models) > 1 else []),
        "seconds": round(time.perf_counter() - t0, 3),
        "files": {k: str(v) for k, v in files.items()},
    }
    atomic.write_json(out_dir / "summary.json", summary)
    return summary
