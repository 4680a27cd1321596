"""Batch benchmark: Pehchaan vs a naive Splink set-up on the same synthetic rows.

    python -m benchmarks.batch --rows 100000

Prints rows, pairs compared, seconds per stage, rows/s, peak memory, and
precision / recall / F1 against the generator's truth, for Pehchaan and for a
naive Splink configuration (lower-cased raw names with Splink's default
NameComparison, exact village / mobile / Aadhaar last-4 / account) run in the
same process, then the ratios: end to end (the naive set-up must train on the data;
Pehchaan ships a trained model unless --train) and without either side's training.
Machines here are noisy: read the ratios. Each run's peak memory is its own (the
peak is reset between runs); the generated export stays in memory throughout.
Last, the evidence ceiling: how many true duplicate pairs share anything beyond
name, age and block (see dedup.evaluate.evidence_ceiling), which bounds F1.
"""
from __future__ import annotations

import json
import logging
import resource
import tempfile
import time
from pathlib import Path

import pandas as pd

from benchmarks import synthetic_export_parser


def _status_mb(field: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _reset_peak() -> float:
    """Start a new peak-memory window (Linux: writing 5 to clear_refs resets VmHWM), so
    each run's peak is its own and not the generator's or the other run's; returns the
    memory held at the start (the generated export stays in memory through both runs)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass
    return _status_mb("VmRSS") or 0.0


def _peak_mb() -> float:
    """Peak RSS since the last _reset_peak (or of the whole process where that is not possible)."""
    hwm = _status_mb("VmHWM")
    return hwm if hwm is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_pehchaan(members_csv: Path, out: Path, truth: pd.DataFrame, train: bool) -> dict:
    from dedup.evaluate import cluster_accuracy, pair_precision
    from dedup.pipeline import RunOptions, run_members

    t0 = time.perf_counter()
    res = run_members(members_csv, out, RunOptions(train=train, tty=False))
    wall = time.perf_counter() - t0
    clusters = pd.read_csv(out / "clusters.csv", dtype=str)
    pairs = pd.read_csv(out / "pairs.csv", dtype=str)
    acc = cluster_accuracy(clusters, truth)
    conf_prec, n_conf = pair_precision(pairs, truth, "confirmed")
    return {"wall_s": round(wall, 2), "stages_s": res.summary["seconds"],
            "pairs_compared": res.summary["pairs_compared"], **acc.as_dict(),
            "confirmed_precision": round(conf_prec, 4), "confirmed_pairs": n_conf}


def run_naive(members_csv: Path, truth: pd.DataFrame, threshold: float = 0.9) -> dict:
    """What a first attempt with Splink's defaults looks like on the same imported rows."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from dedup.clusters import clusters_from_pairs
    from dedup.evaluate import cluster_accuracy
    from dedup.importer import import_members

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        clean = import_members(members_csv, Path(tmp)).load()
    t_import = time.perf_counter() - t0
    df = pd.DataFrame({
        "member_id": clean["member_id"].astype(str),
        "name": clean["member_name"].str.lower(),
        "relation_name": clean["relation_name"].str.lower(),
        "village": clean["village"], "block": clean["block"],
        "yob": pd.to_numeric(clean["yob"], errors="coerce"),
        "mobile": clean["mobile"], "aadhaar_last4": clean["aadhaar_last4"],
        "bank_token": clean["bank_token"],
    })
    settings = SettingsCreator(
        link_type="dedupe_only", unique_id_column_name="member_id",
        comparisons=[cl.NameComparison("name"), cl.NameComparison("relation_name"),
                     cl.ExactMatch("village"), cl.ExactMatch("mobile"), cl.ExactMatch("aadhaar_last4"),
                     cl.ExactMatch("bank_token"), cl.ExactMatch("yob")],
        blocking_rules_to_generate_predictions=[block_on("block", "name"), block_on("village", "yob"),
                                                block_on("aadhaar_last4", "block")],
    )
    t1 = time.perf_counter()
    db = DuckDBAPI()
    linker = Linker(db.register(df), settings, log_level=logging.WARNING)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    for rule in (block_on("block", "name"), block_on("village", "yob")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    t_train = time.perf_counter() - t1
    t2 = time.perf_counter()
    pred = linker.inference.predict()
    n_pairs = int(db.query_sql(f"select count(*) as n from {pred.physical_name}",
                               output_type="pandas")["n"].iloc[0])
    kept = db.query_sql(
        f"select member_id_l, member_id_r from {pred.physical_name} "
        f"where match_probability >= {threshold}", output_type="pandas")
    t_score = time.perf_counter() - t2
    kept["duplicate_class"] = "potential"
    clusters = clusters_from_pairs(df["member_id"], kept)
    wall = time.perf_counter() - t0  # the accuracy check is outside the window, as for Pehchaan
    acc = cluster_accuracy(clusters, truth)
    return {"wall_s": round(wall, 2),
            "stages_s": {"import": round(t_import, 2), "train": round(t_train, 2), "score": round(t_score, 2)},
            "pairs_compared": n_pairs, **acc.as_dict()}


def ceiling(export, tmp: Path) -> dict:
    """Best recall/F1 any method needing one shared identifier or the village could reach."""
    from dedup.evaluate import evidence_ceiling
    from dedup.features import member_features
    from dedup.importer import import_members

    dup = export.truth[export.truth.duplicated("person_id", keep=False)]
    rows = export.members[export.members["member_id"].isin(dup["member_id"])]
    path = tmp / "dup_members.csv"
    rows.to_csv(path, index=False)
    feats = member_features(import_members(path, tmp / "dup_import").load())
    return evidence_ceiling(feats, dup).as_dict()


def main(argv: list[str] | None = None) -> dict:
    ap = synthetic_export_parser(__doc__)
    ap.add_argument("--train", action="store_true", help="retrain Pehchaan's model on the data (naive always trains)")
    ap.add_argument("--skip-naive", action="store_true")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)

    from dedup.synthetic import generate, write_export

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t0 = time.perf_counter()
        export = generate(args.rows, seed=args.seed, state=args.state)
        files = write_export(export, tmp / "export")
        gen_s = time.perf_counter() - t0
        truth = export.truth
        held = _reset_peak()
        ours = run_pehchaan(files["members"], tmp / "out", truth, args.train)
        ours["peak_mb"], ours["held_before_mb"] = round(_peak_mb()), round(held)
        naive = None
        if not args.skip_naive:
            held = _reset_peak()
            naive = run_naive(files["members"], truth)
            naive["peak_mb"], naive["held_before_mb"] = round(_peak_mb()), round(held)
        bound = ceiling(export, tmp)
    result = {"rows": args.rows, "state": args.state, "generate_s": round(gen_s, 2), "pehchaan": ours, "naive_splink": naive,
              "evidence_ceiling": bound}
    print(f"rows: {args.rows:,}, state: {args.state}  (generated in {gen_s:.1f}s)")
    for name, r in (("pehchaan", ours), ("naive splink", naive)):
        if not r:
            continue
        print(f"\n== {name}")
        print(f"  wall {r['wall_s']:.1f}s  rows/s {args.rows / r['wall_s']:,.0f}  pairs compared {r['pairs_compared']:,}"
              f"  peak RSS {r['peak_mb']:,} MB ({r['held_before_mb']:,} MB already held when the run began)")
        print("  stages: " + ", ".join(f"{k} {v:.1f}s" for k, v in r["stages_s"].items()))
        print(f"  precision {r['precision']:.4f}  recall {r['recall']:.4f}  F1 {r['f1']:.4f}"
              + (f"  confirmed precision {r['confirmed_precision']:.4f} ({r['confirmed_pairs']:,} pairs)"
                 if "confirmed_precision" in r else ""))
    if naive:
        # Two ratios, since the naive set-up has no model and must train on the data, while
        # Pehchaan ships one (unless --train): end to end is what a state team waits for; the
        # second leaves both sides' training out and compares only the work done per run.
        untrained = {n: r["wall_s"] - r["stages_s"].get("train", 0.0) for n, r in (("ours", ours), ("naive", naive))}
        print(f"\nratios (naive / pehchaan): wall end to end {naive['wall_s'] / ours['wall_s']:.2f}x "
              f"(naive trains on the data{'; so does Pehchaan (--train)' if args.train else ', Pehchaan uses its shipped model'}), "
              f"wall without either's training {untrained['naive'] / untrained['ours']:.2f}x, "
              f"pairs compared {naive['pairs_compared'] / max(ours['pairs_compared'], 1):.2f}x, "
              f"peak RSS {naive['peak_mb'] / max(ours['peak_mb'], 1):.2f}x; "
              f"F1 {ours['f1']:.4f} vs {naive['f1']:.4f}")
        result["ratios"] = {"wall_end_to_end": round(naive["wall_s"] / ours["wall_s"], 3),
                            "wall_without_training": round(untrained["naive"] / untrained["ours"], 3)}
    print(f"\nevidence ceiling: {bound['pairs_joinable']:,} of {bound['true_pairs']:,} true pairs are joined by an "
          f"identifier or the village (directly or through another of her records); any method needing that "
          f"reaches at most recall {bound['max_recall']:.4f}, "
          f"F1 {bound['max_f1']:.4f}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
