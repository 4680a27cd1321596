"""`make demo`: the main job end to end on the embedded default, no server.

Generates a small synthetic legacy export (with deliberate mistakes: bad rows,
invalid Aadhaar, duplicates across scripts and marriages), runs the batch
de-duplication on DuckDB with the shipped model, and prints where things are.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

console = Console()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--out", type=Path, default=Path("demo-out"))
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)

    from dedup.dedup_cli import print_summary
    from dedup.pipeline import RunOptions, run_members
    from dedup.synthetic import generate, write_export

    console.print(f"[bold]1. Generating a sample legacy export[/bold] ({args.rows:,} member rows)")
    export = generate(args.rows, seed=args.seed)
    files = write_export(export, args.out / "sample-export")
    console.print(f"   written: {files['members']}")
    console.print("[bold]2. De-duplicating[/bold] (DuckDB, shipped model, default rules)")
    result = run_members(files["members"], args.out / "dedup",
                         RunOptions(cbos_path=files.get("cbos")))
    print_summary(result.summary)
    console.print(f"[bold]Open the report:[/bold] {result.files['report']}")


if __name__ == "__main__":
    main()
