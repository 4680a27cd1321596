"""`pehchaan synth`: write a synthetic legacy export with truth labels (see dedup/synthetic.py)."""
from __future__ import annotations

import time
from enum import Enum
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(no_args_is_help=True)
console = Console()


class Format(str, Enum):
    csv = "csv"
    parquet = "parquet"


@app.callback()
def _main() -> None:
    """Synthetic SHG member and CBO exports whose true duplicates are known."""


@app.command("members")
def members(
    rows: int = typer.Option(..., "--rows", min=1, help="Member rows in the export."),
    out: Path = typer.Option(..., "--out", help="Directory to write the files into (created if missing)."),
    seed: int = typer.Option(0, "--seed", help="Same seed, same export."),
    fmt: Format = typer.Option(Format.csv, "--format", case_sensitive=False, help="csv or parquet."),
    dup_rate: float = typer.Option(0.15, "--dup-rate", min=0.0, max=0.6,
                                   help="Share of rows that are an extra record of a woman already present."),
    state: str = typer.Option("Bihar", "--state",
                              help="State name, 'mixed', or a comma-separated list (e.g. 'Bihar,Odisha')."),
    as_of_year: int = typer.Option(2026, "--as-of-year", help="Year the export is taken."),
) -> None:
    """Generate members.csv, truth.csv, cbos.csv, memberships.csv and cbo_truth.csv."""
    from dedup.synthetic import generate, write_export

    if out.exists() and not out.is_dir():
        console.print(f"[red]error:[/red] --out {out} exists and is not a directory")
        raise typer.Exit(2)
    started = time.perf_counter()
    try:
        export = generate(rows, seed=seed, duplicate_rate=dup_rate, state=state, as_of_year=as_of_year)
    except ValueError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    generated = time.perf_counter() - started
    try:
        files = write_export(export, out, fmt.value)
    except OSError as exc:
        console.print(f"[red]error:[/red] cannot write to {out}: {exc.strerror or exc}")
        raise typer.Exit(1) from None
    written = time.perf_counter() - started - generated

    s = export.summary()
    table = Table(title=f"Synthetic export ({state}, seed {seed})", show_header=False)
    table.add_row("rows", f"{s['rows']:,}")
    table.add_row("persons (distinct women)", f"{s['persons']:,}")
    table.add_row("households", f"{s['households']:,}")
    table.add_row("duplicate pairs", f"{s['duplicate_pairs']:,}")
    for kind, count in s["duplicate_pairs_by_kind"].items():
        table.add_row(f"  {kind}", f"{count:,}")
    table.add_row("CBO records (SHG/VO/CLF)", f"{s['cbos']:,}")
    table.add_row("SHGs entered twice", f"{s['shgs_entered_twice']:,}")
    table.add_row("time", f"{generated:.1f} s to generate, {written:.1f} s to write")
    console.print(table)
    for name, path in files.items():
        console.print(f"wrote {name}: {path}")
