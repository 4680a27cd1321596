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
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from dedup import atomic
from dedup.clusters import clusters_from_pairs
from dedup.engine import duckdb_connection, predict
from dedup.features import aadhaar_last4_only, member_features
from dedup.partitions import district_key_of, isin_filter, read_members
from dedup.pipeline import PAIRS_OUTPUT_COLUMNS, pairs_output, surplus_records, surplus_records_certain
from dedup.placeholders import blank_placeholders
from matching_rules.rules import CONFIRMED, POTENTIAL, apply_rules, load_rules
from models.scorer import DEFAULT_MODEL_PATH, model_sha256
from models.term_frequencies import TF_COLUMNS

OUTPUTS = ("pairs_across_runs.csv", "pairs_across_runs.parquet", "clusters.csv", "clusters.parquet",
           "summary.json")


class NationalError(Exception):
    """A run folder or the runs together cannot be used; the message says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@contextmanager
def _reading(path: Path):
    """A file that cannot be read is the user's to fix: say which, never a stack trace."""
    try:
        yield
    except (OSError, UnicodeDecodeError, duckdb.Error, pa.ArrowException, pd.errors.ParserError,
            KeyError, ValueError) as e:
        detail = str(e).strip().splitlines()[0] if str(e).strip() else ""
        raise NationalError(f"{path} cannot be read ({type(e).__name__}{': ' + detail if detail else ''}); "
                            "is it a complete copy of the run's file?") from None


@dataclass(frozen=True)
class Run:
    """One finished `pehchaan dedup members` output folder (a state, or a part of one)."""

    name: str
    folder: Path
    members: Path
    pairs: Path
    name_frequencies: Path
    placeholders: Path
    rules: str
    model: Path
    model_id: str          # what the model file holds (its hash), or its path when unreadable
    token_key: str | None  # fingerprint of the key that made the tokens (runs before it: None)


def read_run(folder: Path) -> Run:
    folder = Path(folder)
    summary_path = folder / "summary.json"
    if not summary_path.is_file():
        raise NationalError(f"{folder}: no summary.json, so it is not a finished "
                            "'pehchaan dedup members' run (a run writes summary.json last)")
    with _reading(summary_path):
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
    if not isinstance(summary, dict) or not isinstance(summary.get("files"), dict):
        raise NationalError(f"{summary_path} is not a 'pehchaan dedup members' summary (no list of files)")
    # the files this run wrote, by name, in this folder (the paths it recorded were on its machine):
    # a stale pairs.parquet beside a newer pairs.csv is never taken for it
    files = {k: folder / Path(str(v)).name for k, v in summary["files"].items()}
    missing = [k for k in ("members", "pairs", "name_frequencies", "placeholders")
               if k not in files or not files[k].is_file()]
    if missing:
        raise NationalError(f"{folder}: {', '.join(missing)} file missing; re-run "
                            "'pehchaan dedup members' into this folder, or copy all of its files")
    with _reading(files["members"]):
        rows = pq.ParquetFile(files["members"]).metadata.num_rows
    if rows != summary.get("rows_accepted"):
        raise NationalError(f"{files['members']} holds {rows:,} rows but the run accepted "
                            f"{summary.get('rows_accepted')}: the folder mixes files of two runs "
                            "(an import or a copy after the run?); re-run it")
    model = Path(str(summary.get("model", "")))
    if model.name == "model.json" and (folder / "model.json").is_file():
        model = folder / "model.json"   # trained on the run's own export (--train)
    model_id = summary.get("model_sha256")  # what the run scored with, wherever it ran
    if not model_id:  # a run from before the summary recorded it: the file here, if any
        try:
            model_id = model_sha256(model)
        except OSError:
            model_id = str(model)
    return Run(folder.resolve().name, folder, files["members"], files["pairs"], files["name_frequencies"],
               files["placeholders"], str(summary.get("rules", "")), model, model_id, summary.get("token_key"))


def _parquet_sql(path: Path) -> str:
    """read_parquet('path') with the path quoted for SQL."""
    return "read_parquet('" + str(path).replace("'", "''") + "')"


def _union(runs: list[Run], column: str) -> str:
    """SQL: (value, run index) over every run's members.parquet."""
    parts = [f"SELECT {column} AS v, {i} AS run FROM {_parquet_sql(r.members)} WHERE {column} IS NOT NULL"
             for i, r in enumerate(runs)]
    return " UNION ALL ".join(parts)


def in_two_runs(runs: list[Run], column: str, limit: int | None = None) -> list[str]:
    """Values of ``column`` found in more than one run (DuckDB: spills, never all in memory)."""
    sql = (f"SELECT v FROM ({_union(runs, column)}) GROUP BY v HAVING count(DISTINCT run) > 1 "
           f"ORDER BY v{f' LIMIT {int(limit)}' if limit else ''}")
    con = duckdb_connection()  # Pehchaan's memory limit and spill folder (the spill holds tokens)
    try:
        with _reading(Path(f"the runs' members.parquet ({column})")):
            return [row[0] for row in con.execute(sql).fetchall()]
    finally:
        con.close()


def _name_frequencies(runs: list[Run], features: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The runs' name frequencies of the names in ``features`` (not the tens of millions of a
    national run), as Splink's lookup tables. Keys hold the district, so the runs' tables do
    not overlap unless two states have a district of the same name; then the higher share is
    kept (a name counted as more common weighs less: the cautious side)."""
    values = set()
    for col in TF_COLUMNS:
        if col in features:
            values |= set(features[col].dropna().astype(str))
    if not values:
        return {}
    frames = []
    for r in runs:
        with _reading(r.name_frequencies):
            frames.append(pq.read_table(r.name_frequencies, filters=isin_filter("value", values)).to_pandas())
    long = pd.concat(frames, ignore_index=True)
    long = long.sort_values("share", ascending=False, kind="stable").drop_duplicates(["column", "value"])
    return {str(col): pd.DataFrame({col: g["value"].astype(object).to_numpy(),
                                    f"tf_{col}": g["share"].astype(float).to_numpy()})
            for col, g in long.groupby("column")}


def _districts_in_two_runs(runs: list[Run]) -> list[str]:
    """District names (as keys) found in two runs: Aurangabad is in Bihar and in Maharashtra.
    Keys carry no state, so their names' frequencies and stand-in values mix."""
    con = duckdb_connection()
    try:
        seen: dict[str, set[str]] = {}
        for r in runs:
            with _reading(r.members):
                names = [row[0] for row in con.execute(
                    f"SELECT DISTINCT district FROM {_parquet_sql(r.members)}").fetchall()]
            for key in set(district_key_of(pd.Series(names, dtype=object)).dropna()):
                seen.setdefault(key, set()).add(r.name)
    finally:
        con.close()
    return sorted(k for k, v in seen.items() if len(v) > 1)


def _read_pairs(path: Path) -> pd.DataFrame:
    """A run's confirmed and potential pairs (what clusters are joined from)."""
    cols = ["member_id_l", "member_id_r", "match_weight", "duplicate_class"]
    with _reading(path):
        if path.suffix == ".parquet":
            df = pd.read_parquet(path, columns=cols)
        else:
            df = pd.read_csv(path, usecols=cols, encoding="utf-8-sig", keep_default_na=False,
                             dtype={"member_id_l": str, "member_id_r": str, "duplicate_class": str})
    return df[df["duplicate_class"].isin([CONFIRMED, POTENTIAL])]


def _aadhaar_identity(runs: list[Run], member_ids: set[str]) -> pd.DataFrame:
    """member_id, run, identity (last 4 Aadhaar digits; not a VID's) of the given members."""
    frames = []
    wanted = isin_filter("member_id", member_ids)  # one sorted array of millions of ids, built once
    for r in runs:
        with _reading(r.members):
            t = pq.read_table(r.members, columns=["member_id", "aadhaar_kind", "aadhaar_last4"],
                              filters=wanted).to_pandas()
        t["identity"] = aadhaar_last4_only(t["aadhaar_last4"], t["aadhaar_kind"])
        frames.append(t.assign(run=r.name)[["member_id", "run", "identity"]])
    return pd.concat(frames, ignore_index=True)


def run_national(folders: list[Path], out_dir: Path, *, model_path: Path | None = None,
                 rules_path: Path | None = None, engine: str = "duckdb",
                 spark_master: str | None = None, fmt: str = "csv") -> dict:
    """Score the rows that share an Aadhaar token across runs; cluster every run's duplicates
    with those; write pairs_across_runs, clusters (members with a duplicate) and summary.json.

    ``model_path`` None: the model the runs share (the shipped one if they differ, with a
    warning). ``rules_path`` None: the national default rules, as a state's own rules are
    about its own records."""
    t0 = time.perf_counter()
    rules = load_rules(rules_path)  # a mistyped rule file stops the pass before any work
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
    keys = {r.token_key for r in runs}
    if len(keys - {None}) > 1:
        by_key = {}
        for r in runs:
            by_key.setdefault(r.token_key, []).append(r.name)
        raise NationalError("the runs' Aadhaar tokens were made with different keys, so no number "
                            "could ever match across them: " + "; ".join(
                                f"{', '.join(v)}" for v in by_key.values()) + ". Re-run the states "
                            "with one PEHCHAAN_TOKEN_KEY (and key id) on every machine")
    warnings = []
    if None in keys:
        warnings.append("runs made before token keys were recorded ("
                        + ", ".join(r.name for r in runs if r.token_key is None)
                        + "): if they used other keys, their Aadhaar numbers cannot match across runs")
    if model_path is None:
        shared = {r.model_id for r in runs}
        here = [r.model for r in runs if r.model.is_file()
                and model_sha256(r.model) == r.model_id]
        if len(shared) == 1 and here:
            model_path = here[0]
        else:
            model_path = DEFAULT_MODEL_PATH
            if len(shared) > 1:
                warnings.append("the runs were scored with different models; pairs across runs are "
                                f"scored with {model_path} (--model chooses another)")
            else:
                warnings.append("the runs' model file is not on this machine; pairs across runs are "
                                f"scored with {model_path} (--model gives the runs' file)")
    model_path = Path(model_path)
    state_rules = sorted({r.rules for r in runs} - {rules.name})
    if state_rules:
        warnings.append(f"pairs across runs use the '{rules.name}' rules (runs used: "
                        f"{', '.join(state_rules)}); --rules chooses another")
    shared_districts = _districts_in_two_runs(runs)
    if shared_districts:
        warnings.append(f"districts of the same name in two runs ({', '.join(shared_districts[:5])}"
                        f"{' …' if len(shared_districts) > 5 else ''}): their name frequencies are "
                        "counted apart in each run; pairs across runs take the higher (cautious)")
    clash = in_two_runs(runs, "member_id", limit=5)
    if clash:
        raise NationalError(f"member IDs found in two runs, e.g. {', '.join(clash)}: the pass joins runs "
                            "by member ID, so each must name one member across states (prefix each "
                            "state's IDs with its code, or check that one export did not go into two runs)")
    if engine == "spark":  # before the last pass's outputs are deleted
        from dedup.spark import get_spark
        get_spark(spark_master)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in OUTPUTS:  # an earlier pass's results must not pass for this one's
        (out_dir / name).unlink(missing_ok=True)

    tokens = set(in_two_runs(runs, "aadhaar_token"))
    if not tokens:
        warnings.append("no Aadhaar number is in two runs: no pairs across runs")
    run_of: dict[str, str] = {}
    across = None
    n_compared = 0
    if tokens:
        placeholders = []
        rows = []
        with_token = isin_filter("aadhaar_token", tokens)  # one sorted array, built once for every run
        for r in runs:
            with _reading(r.members):
                part = read_members(r.members, with_token)
            with _reading(r.placeholders):
                placeholders.append(pd.read_parquet(r.placeholders))
            run_of.update(dict.fromkeys(part["member_id"].astype(str), r.name))
            rows.append(part)
        features = blank_placeholders(member_features(pd.concat(rows, ignore_index=True)),
                                      pd.concat(placeholders, ignore_index=True))
        scored, _ = predict(features, model_path, engine=engine, spark_master=spark_master,
                            tf_tables=_name_frequencies(runs, features))
        l_run = scored["member_id_l"].astype(str).map(run_of)
        r_run = scored["member_id_r"].astype(str).map(run_of)
        across = scored[(l_run != r_run).to_numpy()].copy()
        n_compared = len(across)  # pairs across runs kept: sharing an Aadhaar, or above the floor
        # two states' SHGs never share a VO
        across["fact_different_shg_same_vo"] = False
        across = apply_rules(across, rules)
    if across is not None and len(across):
        pairs_out = pairs_output(across)
        pairs_out.insert(2, "run_l", pairs_out["member_id_l"].astype(str).map(run_of))
        pairs_out.insert(3, "run_r", pairs_out["member_id_r"].astype(str).map(run_of))
    else:
        columns = PAIRS_OUTPUT_COLUMNS
        pairs_out = pd.DataFrame(columns=[*columns[:2], "run_l", "run_r", *columns[2:]])

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
        "runs": [{"name": r.name, "folder": str(r.folder), "rules": r.rules, "model": str(r.model)}
                 for r in runs],
        "model": str(model_path),
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
            "surplus_records": surplus_records(clusters),
            "surplus_records_confirmed": surplus_records_certain(clusters),
            "surplus_records_potential": surplus_records(clusters) - surplus_records_certain(clusters),
        },
        "warnings": warnings,
        "seconds": round(time.perf_counter() - t0, 3),
        "files": {k: str(v) for k, v in files.items()},
    }
    atomic.write_json(out_dir / "summary.json", summary)
    return summary
