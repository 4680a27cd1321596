"""Synthetic export generator speed: rows per second at a small baseline size and at 1M rows.

    python -m benchmarks.synthetic                 # 20,000-row baseline, then 1,000,000 rows
    python -m benchmarks.synthetic --rows 200000 --baseline 10000 --state mixed --write

Both sizes run in this process, so the ratio (rows/s at scale / rows/s at baseline) says how
the generator scales independently of how busy the machine is. --write also times writing the
five CSV files to a temporary directory. The target is 1M rows in under a minute on 2 cores.
"""
from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _run(rows: int, state: str, seed: int, write: bool) -> dict:
    from dedup.synthetic import generate, write_export

    t0 = time.perf_counter()
    export = generate(rows, seed=seed, state=state)
    gen = time.perf_counter() - t0
    out = {"rows": rows, "generate_s": round(gen, 2), "rows_per_s": round(rows / gen)}
    if write:
        with tempfile.TemporaryDirectory() as tmp:
            t1 = time.perf_counter()
            write_export(export, Path(tmp), "csv")
            out["write_csv_s"] = round(time.perf_counter() - t1, 2)
    s = export.summary()
    out.update(persons=s["persons"], duplicate_pairs=s["duplicate_pairs"], cbos=s["cbos"])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--baseline", type=int, default=20_000)
    ap.add_argument("--state", default="Bihar")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--write", action="store_true", help="also time writing CSV files")
    args = ap.parse_args()

    from dedup.synthetic_data import load_catalogue

    t0 = time.perf_counter()
    load_catalogue()
    load_s = round(time.perf_counter() - t0, 2)
    _run(1000, args.state, args.seed, False)  # warm caches (script rendering, imports)
    base = _run(args.baseline, args.state, args.seed, args.write)
    big = _run(args.rows, args.state, args.seed, args.write)
    result = {
        "state": args.state, "catalogue_load_s": load_s, "baseline": base, "scale": big,
        "ratio_rows_per_s_scale_vs_baseline": round(big["rows_per_s"] / base["rows_per_s"], 2),
        "peak_rss_mb": round(_peak_mb()),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
