"""Scoring in parts vs at once: time, peak memory, and whether the outputs are identical.

    python -m benchmarks.partitions --rows 1000000 --max-rows-per-part 250000

Each run is its own process, so each peak RSS is its own. The run in parts should hold
about max-rows-per-part rows' worth of scoring memory plus what it keeps of every row
(dedup/memory.py KEPT_BYTES_PER_ROW); this prints what that came to per row. Machines
here are noisy: read the ratios.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from benchmarks import synthetic_export_parser
from dedup.memory import BASE_BYTES, BYTES_PER_ROW

_RUN = """
import json, resource, sys, time
from pathlib import Path
from dedup.pipeline import RunOptions, run_members
limit = None if sys.argv[3] == "none" else int(sys.argv[3])
t0 = time.perf_counter()
res = run_members(Path(sys.argv[1]), Path(sys.argv[2]), RunOptions(tty=False, max_rows_per_part=limit))
print(json.dumps({"wall_s": round(time.perf_counter() - t0, 2),
                  "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                  "parts": [p["rows"] for p in res.summary["parts"]],
                  "stages_s": res.summary["seconds"]}))
"""


def _run(members: Path, out: Path, limit: int | None) -> dict:
    proc = subprocess.run([sys.executable, "-c", _RUN, str(members), str(out), str(limit or "none")],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> dict:
    ap = synthetic_export_parser(__doc__, rows=200_000, state="mixed")
    ap.add_argument("--max-rows-per-part", type=int, default=None,
                    help="default: a quarter of the rows")
    args = ap.parse_args(argv)
    limit = args.max_rows_per_part or args.rows // 4

    from dedup.synthetic import generate, write_export

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t0 = time.perf_counter()
        files = write_export(generate(args.rows, seed=args.seed, state=args.state), tmp / "export")
        print(f"rows {args.rows:,} ({args.state}), generated in {time.perf_counter() - t0:.1f}s")
        split = _run(files["members"], tmp / "split", limit)
        one = _run(files["members"], tmp / "one", None)
        same = {}
        for name in ("pairs.csv", "clusters.csv"):
            a = pd.read_csv(tmp / "one" / name, dtype=str)
            b = pd.read_csv(tmp / "split" / name, dtype=str)
            same[name] = bool(a.equals(b))
    for label, r in (("at once", one), (f"in parts of <= {limit:,}", split)):
        print(f"  {label:28s} wall {r['wall_s']:7.1f}s  peak RSS {r['peak_mb']:7,} MB  parts {r['parts']}")
    per_row = (split["peak_mb"] * 2**20 - max(split["parts"]) * BYTES_PER_ROW - BASE_BYTES) / args.rows
    print(f"ratios (parts / at once): wall {split['wall_s'] / one['wall_s']:.2f}x, "
          f"peak memory {split['peak_mb'] / one['peak_mb']:.2f}x")
    print(f"kept per row beyond the biggest part's scoring: about {per_row:,.0f} bytes")
    print("identical outputs: " + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in same.items()))
    return {"one": one, "split": split, "identical": same, "kept_bytes_per_row": round(per_row)}


if __name__ == "__main__":
    main()
