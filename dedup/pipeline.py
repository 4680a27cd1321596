"""The batch job: legacy export in, duplicates out, block by block.

import -> features -> (train) -> score (Splink) -> rules -> clusters -> outputs.
Every output is written atomically; summary.json is written last, so its
presence means the run finished.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dedup import atomic
from dedup.engine import predict, train
from dedup.clusters import WEIGHT_DECIMALS, clusters_from_pairs
from dedup.features import member_features
from dedup.importer import OUTPUT_FILES, ExportFileError, import_cbos, import_members
from dedup.placeholders import COLUMNS as PLACEHOLDER_COLUMNS
from dedup.placeholders import blank_placeholders, find_placeholders
from dedup.placeholders import summary_rows as placeholder_rows
from dedup.placeholders import warning as placeholder_warning
from dedup.partitions import (describe, load_members, load_part, load_rows_with_tokens, parts_for,
                               shared_across_parts)
from dedup.stages import Stages
from ekyc.tokens import key_fingerprint
from matching_rules.rules import CONFIRMED, POTENTIAL, PROBABILITY_DECIMALS, RuleSet, apply_rules, load_rules
from models.levels import Comparison
from models.member_model import COMPARISONS
from models.scorer import DEFAULT_MODEL_PATH, model_sha256
from models.term_frequencies import as_lookups, term_frequency_tables, to_long

STAGES = ["import", "features", "train", "score", "rules", "clusters", "write"]


class NoUsableRows(Exception):
    """Every row was rejected: nothing to de-duplicate (the rejects file says why)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class RunOptions:
    engine: str = "duckdb"
    model_path: Path | None = None
    rules_path: Path | None = None
    state: str | None = None
    train: bool = False
    fmt: str = "csv"
    cbos_path: Path | None = None
    spark_master: str | None = None
    as_of_year: int | None = None
    tty: bool | None = None
    # at most this many rows scored at once (None: what the memory free allows)
    max_rows_per_part: int | None = None


@dataclass
class RunResult:
    out_dir: Path
    summary: dict
    files: dict[str, Path] = field(default_factory=dict)


def _label_map(comp: Comparison) -> dict[int, str]:
    return {g: lv.shown or lv.label for g, lv in comp.levels_by_gamma().items()}


def shg_vo_facts(pairs: pd.DataFrame, features: pd.DataFrame, cbos: pd.DataFrame | None) -> pd.Series:
    """True where the two members sit in different SHGs that share a parent VO."""
    if cbos is None or cbos.empty or "shg_id" not in features:
        return pd.Series(False, index=pairs.index)
    with_parent = cbos[cbos["parent_id"].notna() & (cbos["parent_id"].astype(str).str.strip() != "")]
    parent = dict(zip(with_parent["cbo_id"].astype(str), with_parent["parent_id"].astype(str)))
    shg = dict(zip(features["member_id"].astype(str), features["shg_id"]))
    s_l = pairs["member_id_l"].astype(str).map(shg)
    s_r = pairs["member_id_r"].astype(str).map(shg)
    vo_l, vo_r = s_l.map(parent), s_r.map(parent)
    return (s_l.notna() & s_r.notna() & (s_l != s_r) & vo_l.notna() & (vo_l != "")
            & (vo_l == vo_r)).astype(bool)


def cbo_link_warnings(members: pd.DataFrame, cbos: pd.DataFrame) -> list[str]:
    """Say so when the CBO file links none (or few) of the members' SHGs to a VO: the flag
    'member in two SHGs of one VO' then cannot fire, and zero flags would look like good news."""
    shg = members["shg_id"].dropna().astype(str) if "shg_id" in members else pd.Series(dtype=str)
    if shg.empty:
        return ["--cbos was given but the member export has no SHG IDs (shg_id), so no member "
                "can be placed in a VO."]
    has_parent = cbos["parent_id"].notna() & (cbos["parent_id"].astype(str).str.strip() != "")
    linked = shg.isin(set(cbos.loc[has_parent, "cbo_id"].astype(str)))
    if linked.mean() >= 0.5:
        return []
    known = shg.isin(set(cbos["cbo_id"].astype(str))).mean()
    why = ("their SHGs are in the CBO file but without a parent VO (parent_id)" if known >= 0.5 else
           "the SHG IDs of the member export are not CBO IDs of the CBO file (another export, "
           "or IDs written differently)")
    return [f"the CBO file links only {linked.mean():.0%} of members' SHGs to a VO: {why}. "
            "'Member in two SHGs of one VO' can be flagged only for those."]


# pairs.csv: the pair, its numbers and class, then the level of each comparison, then where
PAIRS_OUTPUT_COLUMNS = ["member_id_l", "member_id_r", "match_probability", "match_weight", "duplicate_class",
                        "rules", "flags", *[c.name for c in COMPARISONS], "district", "block"]


def pairs_output(scored: pd.DataFrame) -> pd.DataFrame:
    out = scored[scored["duplicate_class"].notna() | (scored["flags"] != "")].copy()
    # back to plain text: pairs.parquet keeps one column type however the run was split
    out = out.astype({c: object for c in PAIR_TEXT_COLUMNS if c in out})
    cols = ["member_id_l", "member_id_r", "match_probability", "match_weight", "duplicate_class", "rules", "flags"]
    for comp in COMPARISONS:
        out[comp.name] = out[f"gamma_{comp.name}"].map(_label_map(comp))
        cols.append(comp.name)
    cols += ["district_l", "block_l"]
    out["match_probability"] = out["match_probability"].round(PROBABILITY_DECIMALS)
    out["match_weight"] = out["match_weight"].round(WEIGHT_DECIMALS)
    out = out[cols].rename(columns={"district_l": "district", "block_l": "block"})
    out = out.sort_values(["duplicate_class", "match_weight"], ascending=[True, False], kind="stable")
    assert list(out.columns) == PAIRS_OUTPUT_COLUMNS
    return out


def surplus_records(clusters: pd.DataFrame) -> int:
    """Records to remove if each cluster is one woman: members in clusters - clusters."""
    in_dup = clusters[clusters["cluster_class"] != "unique"]
    return int(len(in_dup) - in_dup["cluster_id"].nunique())


def surplus_records_certain(clusters: pd.DataFrame) -> int:
    """Records to remove whatever the block manager decides: members joined by the same
    Aadhaar (confirmed_group), also inside a potential cluster, minus their groups."""
    grouped = clusters.loc[clusters["confirmed_group"] != "", "confirmed_group"]
    return int(len(grouped) - grouped.nunique())


def _by_place(clusters: pd.DataFrame, features: pd.DataFrame) -> list[dict]:
    f = features[["member_id", "district", "block"]].astype({"member_id": str})
    df = clusters.merge(f, on="member_id", how="left")
    df["district"] = df["district"].fillna("(none)")
    df["block"] = df["block"].fillna("(none)")
    in_dup = df["cluster_class"] != "unique"
    df["conf"] = df["cluster_class"] == CONFIRMED
    df["pot"] = df["cluster_class"] == POTENTIAL
    g = df.groupby(["district", "block"])
    agg = pd.DataFrame({
        "members": g.size(),
        "members_in_confirmed_clusters": g["conf"].sum(),
        "members_in_potential_clusters": g["pot"].sum(),
        "in_dup": g["cluster_class"].apply(lambda c: int((c != "unique").sum())),
    })
    clusters_per_block = df[in_dup].groupby(["district", "block"])["cluster_id"].nunique()
    agg["surplus_records"] = agg["in_dup"] - clusters_per_block.reindex(agg.index).fillna(0)
    rows = [{"district": d, "block": b, "members": int(r.members),
             "members_in_confirmed_clusters": int(r.members_in_confirmed_clusters),
             "members_in_potential_clusters": int(r.members_in_potential_clusters),
             "surplus_records": int(r.surplus_records)} for (d, b), r in agg.iterrows()]
    return sorted(rows, key=lambda r: -r["surplus_records"])


def coverage_counts(features: pd.DataFrame) -> dict[str, int]:
    """What coverage_warnings needs, counted per part and added up."""
    return {"rows": len(features),
            "no_block": int(features["block_key"].isna().sum()),
            "no_village": int((features["village_key"].isna() & features["block_key"].notna()).sum())}


def coverage_warnings(counts: dict[str, int]) -> list[str]:
    """Say so when the export lacks what blocking needs: a silent drop in recall is worse.
    ``counts``: coverage_counts of the features, added up over the parts."""
    out = []
    n, no_block, no_village = counts["rows"], counts["no_block"], counts["no_village"]
    if no_block > n / 2:
        out.append(f"{no_block:,} of {n:,} rows have no block (or no district, which places a block): "
                   "they are compared only "
                   "through shared Aadhaar, so most of their duplicates cannot be found. "
                   "Add the block (and village) columns to the export.")
    if no_village > n / 2:
        out.append(f"{no_village:,} of {n:,} rows have no village: duplicates are looked for only "
                   "within a block or district: by first name with father's/husband's first name, "
                   "or by phone, account or Aadhaar.")
    return out


# What the run keeps of each member while it scores the other parts.
KEPT_COLUMNS = ["member_id", "district", "block", "shg_id", "aadhaar_token", "identity", "part", "source_row"]


PAIR_TEXT_COLUMNS = ["member_id_l", "member_id_r", "district_l", "block_l", "district_r", "block_r"]


def _compact(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Text columns held as Arrow strings: what a run keeps of a crore of rows and their
    pairs while it scores the next part is a third of it as Python strings (~1.2 KB a
    row, benchmarks.partitions), and that is what limits the export one machine can take."""
    return df.astype({c: "string[pyarrow]" for c in columns})


def _merge_tables(tables: list[dict[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    """Name frequency tables of disjoint groups of districts, as one (keys hold the district)."""
    if len(tables) == 1:
        return tables[0]
    return {col: pd.concat([t[col] for t in tables if col in t], ignore_index=True)
            for col in tables[0]}


def _all_parts(kept: list[pd.DataFrame], tf_parts: list[dict]) -> tuple[pd.DataFrame, dict]:
    """The members kept of every part, in file order, and the name frequencies of all parts."""
    members = pd.concat(kept, ignore_index=True).sort_values("source_row", kind="stable")
    return members.reset_index(drop=True), _merge_tables(tf_parts)


def _sorted_pairs(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Pairs of all parts in the order one run gives (the engine sorts by the ids as
    text; so does this, in code-point order, which is UTF-8 byte order)."""
    if len(frames) == 1:
        return frames[0]
    df = pd.concat(frames, ignore_index=True)  # Arrow strings (_compact): sorted as text
    return df.sort_values(["member_id_l", "member_id_r"], kind="stable").reset_index(drop=True)


def _score_across_parts(members_path: Path, members: pd.DataFrame, model_path: Path,
                        opts: RunOptions, tf_tables: dict[str, pd.DataFrame],
                        placeholders: pd.DataFrame) -> pd.DataFrame | None:
    """Pairs whose two records sit in different parts: only a shared Aadhaar token can
    bring them together (CROSS_DISTRICT_KEYS), so only the rows whose token is in two
    parts are scored again, with the whole export's name frequencies and without the
    placeholder values found in each part (a block lies in one part), as in a single run."""
    tokens = shared_across_parts(members["aadhaar_token"], members["part"])
    if not tokens:
        return None
    features = blank_placeholders(member_features(load_rows_with_tokens(members_path, tokens)), placeholders)
    scored, _ = predict(features, model_path, engine=opts.engine, spark_master=opts.spark_master,
                        tf_tables=tf_tables)
    rows = members[members["member_id"].isin(features["member_id"].astype(str))]
    part = dict(zip(rows["member_id"].astype(str), rows["part"]))
    across = (scored["member_id_l"].astype(str).map(part) != scored["member_id_r"].astype(str).map(part))
    return scored[across.to_numpy()]


# An earlier run's results, deleted first so they cannot pass for this run's.
RUN_OUTPUTS = ("summary.json", "pairs.csv", "pairs.parquet", "clusters.csv", "clusters.parquet",
               "report.html", "rejects.csv", "issues.csv", "name_frequencies.parquet", "placeholders.parquet")
# Everything a run may delete or write in its output folder.
RUN_WRITES = RUN_OUTPUTS + ("model.json", "model.md", *OUTPUT_FILES["members"])


def _check_inputs(input_path: Path, opts: RunOptions, out_dir: Path) -> None:
    """Stop before anything in the output folder is touched: a mistyped input must not cost
    the last run's results, and an input kept in the output folder under an output's name
    (a corrected rejects.csv imported again, say) must not be deleted or overwritten."""
    given = [("input", input_path)] + ([("CBO file", Path(opts.cbos_path))] if opts.cbos_path else [])
    for what, path in given:
        if not path.exists():
            raise ExportFileError(f"{'File' if what == 'input' else what} not found: {path}")
        if path.resolve().parent == out_dir.resolve() and (
                path.name in RUN_WRITES or path.name.startswith(tuple(f".{n}." for n in RUN_WRITES))):
            raise ExportFileError(
                f"The {what} {path} is in the output folder under the name of a file this run "
                f"writes, so the run would delete it. Move or rename it (e.g. "
                f"{path.stem}_corrected{path.suffix}), or choose another --out folder.")


def run_members(input_path: Path, out_dir: Path, opts: RunOptions | None = None) -> RunResult:
    opts = opts or RunOptions()
    rules: RuleSet = load_rules(opts.rules_path, state=opts.state)
    out_dir.mkdir(parents=True, exist_ok=True)
    _check_inputs(Path(input_path), opts, out_dir)
    # Results of an earlier run into the same folder must not pass for this run's.
    for name in RUN_OUTPUTS:
        (out_dir / name).unlink(missing_ok=True)
    files: dict[str, Path] = {}
    t_start = time.perf_counter()
    model_path = Path(opts.model_path) if opts.model_path else DEFAULT_MODEL_PATH
    with Stages(STAGES, tty=opts.tty) as st:
        with st.stage("import"):
            imported = import_members(Path(input_path), out_dir, as_of_year=opts.as_of_year)
            # The state team looks for rejects.csv / issues.csv next to the results.
            files["rejects"] = out_dir / "rejects.csv"
            files["issues"] = out_dir / "issues.csv"
            files["members"] = imported.members_path  # the accepted rows, for review tools
            os.replace(imported.rejects_path, files["rejects"])
            os.replace(imported.issues_path, files["issues"])
            if imported.rows_accepted == 0:
                raise NoUsableRows(f"{input_path}: no usable member rows "
                                   f"({imported.rows_rejected} rejected; see {files['rejects']})")
            # The CBO file too, now: a wrong one must stop the run before minutes of scoring.
            cbos = None
            if opts.cbos_path:
                try:
                    cbos = import_cbos(Path(opts.cbos_path), out_dir / "cbo_import").load()
                except ExportFileError as e:
                    raise ExportFileError(f"CBO file (--cbos) {opts.cbos_path}: {e.message}") from None
            # One part when the export fits in memory; else groups of whole districts
            # (dedup/partitions.py), or a clear stop, never a kill by the kernel later.
            parts = parts_for(imported.members_path, imported.rows_accepted, opts.max_rows_per_part)
        kept, scored_parts, tf_parts, placeholders = [], [], [], []
        counts = {"rows": 0, "no_block": 0, "no_village": 0}
        n_compared = 0
        for i, part in enumerate(parts):
            detail = f"part {i + 1} of {len(parts)}" if len(parts) > 1 else ""
            with st.stage("features", detail):
                clean = load_part(imported.members_path, part)
                features = member_features(clean)
                found = find_placeholders(features, clean.get("bank_last4"))
                features = blank_placeholders(features, found)
                placeholders.append(found)
                for k, v in coverage_counts(features).items():
                    counts[k] += v
            if i == 0:
                with st.stage("train"):  # on the biggest part when the export is split
                    if opts.train:
                        model_path = out_dir / "model.json"
                        train(features, model_path, engine="duckdb")
                        files["model"] = model_path
            with st.stage("score", detail):
                tf = term_frequency_tables(features)
                scored_p, n_p = predict(features, model_path, engine=opts.engine,
                                        spark_master=opts.spark_master, tf_tables=tf)
                # Keeping what later stages need and freeing the rest is part of this
                # stage's time (freeing a million rows' strings takes seconds): time spent
                # between stages would otherwise be counted as "write".
                scored_parts.append(_compact(scored_p, PAIR_TEXT_COLUMNS))
                tf_parts.append(tf)
                n_compared += n_p
                # the few columns first: assign() on all the features copied every one (1.7 s at 1M)
                kept.append(_compact(features[[c for c in KEPT_COLUMNS if c in features]].assign(
                    # Aadhaar last 4 (features leave out a VID's): two different ones are never one woman
                    identity=features["aadhaar_last4"].to_numpy(dtype=object), part=i,
                    source_row=clean["source_row"].to_numpy())[KEPT_COLUMNS], KEPT_COLUMNS[:6]))
                del clean, features, scored_p
        members = tf_tables = None
        if len(parts) > 1:
            with st.stage("score", "Aadhaar across parts"):
                members, tf_tables = _all_parts(kept, tf_parts)
                across = _score_across_parts(imported.members_path, members, model_path, opts, tf_tables,
                                             pd.concat(placeholders, ignore_index=True))
                if across is not None:
                    scored_parts.append(_compact(across, PAIR_TEXT_COLUMNS))
                    n_compared += len(across)  # every pair across parts shares an Aadhaar: all are kept
        with st.stage("rules"):
            if members is None:
                members, tf_tables = _all_parts(kept, tf_parts)
            del kept
            scored = _sorted_pairs(scored_parts)
            del scored_parts
            found = pd.concat(placeholders, ignore_index=True)
            warnings = coverage_warnings(counts) + placeholder_warning(found)
            scored["fact_different_shg_same_vo"] = shg_vo_facts(scored, members, cbos)
            if cbos is not None:
                warnings += cbo_link_warnings(members, cbos)
            scored = apply_rules(scored, rules)
        with st.stage("clusters"):
            clusters = clusters_from_pairs(members["member_id"], scored, identity=members["identity"])
        with st.stage("write"):
            pairs_out = pairs_output(scored)
            files["pairs"] = atomic.write_frame(out_dir / "pairs", pairs_out, opts.fmt)
            files["clusters"] = atomic.write_frame(out_dir / "clusters", clusters, opts.fmt)
            # for the real-time scorer: the name frequencies this run scored with
            files["name_frequencies"] = atomic.write_frame(out_dir / "name_frequencies", to_long(tf_tables),
                                                           "parquet")
            # and the values it did not use as evidence (blank_placeholders takes this table)
            files["placeholders"] = atomic.write_frame(out_dir / "placeholders", found[PLACEHOLDER_COLUMNS],
                                                       "parquet")
            by_class = pairs_out["duplicate_class"].value_counts().to_dict()
            surplus, certain = surplus_records(clusters), surplus_records_certain(clusters)
            flags = pairs_out["flags"].str.split(";").explode()
            summary = {
                "input": str(input_path),
                "engine": opts.engine,
                "model": str(model_path),
                # what the model file holds: runs on other machines are compared by this, not by path
                "model_sha256": model_sha256(model_path),
                "rules": rules.name,
                "potential_threshold": rules.potential_threshold,
                # which key made the Aadhaar and account tokens: runs are comparable only if equal
                "token_key": key_fingerprint(),
                "rows_read": imported.rows_read,
                "rows_accepted": imported.rows_accepted,
                "rows_rejected": imported.rows_rejected,
                "field_issues": imported.field_issues,
                "pairs_compared": n_compared,
                "pairs": {"confirmed": int(by_class.get(CONFIRMED, 0)),
                          "potential": int(by_class.get(POTENTIAL, 0))},
                "flags": {k: int(v) for k, v in flags[flags != ""].value_counts().items()},
                "clusters": {
                    "confirmed": int(clusters.loc[clusters.cluster_class == CONFIRMED, "cluster_id"].nunique()),
                    "potential": int(clusters.loc[clusters.cluster_class == POTENTIAL, "cluster_id"].nunique()),
                    "members_in_clusters": int((clusters.cluster_class != "unique").sum()),
                    "surplus_records": surplus,
                    # of which certain (members joined by the same Aadhaar, in whatever cluster)
                    # and the rest, awaiting a block manager's review
                    "surplus_records_confirmed": certain,
                    "surplus_records_potential": surplus - certain,
                },
                "by_block": _by_place(clusters, members),
                "parts": describe(parts),
                "warnings": warnings,
                "placeholders": placeholder_rows(found),
                # what the import noticed about the file itself: columns it could not place
                # (an Aadhaar column it did not recognise means no confirmed pairs), a
                # guessed encoding, a title above the header, blank rows
                "import_notes": list(imported.notes),
            }
            from dedup.report import example_member_ids, write_report
            examples = blank_placeholders(  # as they were scored
                member_features(load_members(imported.members_path, example_member_ids(pairs_out))), found)
            files["report"] = write_report(out_dir / "report.html", summary, scored, pairs_out, clusters,
                                           examples, as_lookups(tf_tables),
                                           {r.name: r.description for r in rules.all_rules()})
            summary["seconds"] = {**st.seconds, "write": round(time.perf_counter() - t_start - sum(st.seconds.values()), 3)}
            summary["seconds"]["total"] = round(time.perf_counter() - t_start, 3)
            files["summary"] = out_dir / "summary.json"
            if cbos is not None:
                files["cbo_import"] = out_dir / "cbo_import"
            summary["files"] = {k: str(v) for k, v in files.items()}
            atomic.write_json(out_dir / "summary.json", summary)
    return RunResult(out_dir, summary, files)
