"""`pehchaan dedup members`: the state data team's batch job."""
from __future__ import annotations

import json
from enum import Enum
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(no_args_is_help=True, help="Find duplicate members in a legacy MIS export.")
console = Console()
err = Console(stderr=True, soft_wrap=True)


class Engine(str, Enum):
    duckdb = "duckdb"
    spark = "spark"


class Fmt(str, Enum):
    csv = "csv"
    parquet = "parquet"


@app.command("members")
def members(
    input: Path = typer.Argument(..., help="Member export: CSV (UTF-8/UTF-16), XLSX or Parquet."),
    out: Path = typer.Option(..., "--out", help="Folder for pairs, clusters, summary.json, report.html, rejects.csv."),
    engine: Engine = typer.Option(Engine.duckdb, help="duckdb (embedded, default) or spark (local[*] or PEHCHAAN_SPARK_MASTER)."),
    model: Path | None = typer.Option(None, help="Trained Splink model JSON (default: the shipped models/member_model.json)."),
    rules: Path | None = typer.Option(None, help="Rule file (YAML). Default: matching_rules/default.yaml."),
    state: str | None = typer.Option(None, help="Use the state's rule override, e.g. bihar."),
    train: bool = typer.Option(False, "--train", help="Retrain the model on this input first (saved to OUT/model.json)."),
    fmt: Fmt = typer.Option(Fmt.csv, "--format", help="Format of pairs and clusters files."),
    cbos: Path | None = typer.Option(None, help="CBO export (SHG -> VO) to flag one member in two SHGs of one VO."),
    spark_master: str | None = typer.Option(None, help="Spark master URL (with --engine spark)."),
    as_of_year: int | None = typer.Option(None, help="Year the export's ages refer to (default: this year)."),
) -> None:
    """Score every candidate pair, classify confirmed/potential duplicates, cluster, report.

    Exit codes: 0 done (even with rejected rows); 2 the file, model or rules cannot be
    used (message says why); 3 no usable rows (every row rejected: see OUT/rejects.csv).
    """
    from dedup.importer import ExportFileError
    from dedup.pipeline import NoUsableRows, RunOptions, run_members
    from matching_rules.rules import RuleError

    if model is not None and not model.exists():
        err.print(f"[red]Model file not found:[/red] {model}")
        raise typer.Exit(2)
    try:
        result = run_members(input, out, RunOptions(
            engine=engine.value, model_path=model, rules_path=rules, state=state, train=train,
            fmt=fmt.value, cbos_path=cbos, spark_master=spark_master, as_of_year=as_of_year))
    except ExportFileError as e:
        err.print(f"[red]Cannot use this file:[/red] {getattr(e, 'message', str(e))}")
        raise typer.Exit(2)
    except NoUsableRows as e:
        err.print(f"[red]No usable rows:[/red] {e.message}")
        raise typer.Exit(3)
    except RuleError as e:
        err.print(f"[red]Rule file problem:[/red] {e}")
        raise typer.Exit(2)
    print_summary(result.summary)


def print_summary(s: dict) -> None:
    t = Table(title="Pehchaan: member de-duplication", show_header=False)
    t.add_row("rows read / accepted / rejected", f"{s['rows_read']:,} / {s['rows_accepted']:,} / {s['rows_rejected']:,}")
    t.add_row("field issues (kept, field blanked)", f"{s['field_issues']:,}")
    t.add_row("pairs compared", f"{s['pairs_compared']:,}")
    t.add_row("confirmed pairs / potential pairs", f"{s['pairs']['confirmed']:,} / {s['pairs']['potential']:,}")
    t.add_row("clusters confirmed / potential", f"{s['clusters']['confirmed']:,} / {s['clusters']['potential']:,}")
    t.add_row("surplus records (duplicates to remove)", f"{s['clusters']['surplus_records']:,}")
    for k, v in s.get("flags", {}).items():
        t.add_row(f"flag: {k}", f"{v:,}")
    t.add_row("time (s)", ", ".join(f"{k} {v:.1f}" for k, v in s["seconds"].items()))
    console.print(t)
    console.print("Outputs: " + ", ".join(f"{k}: {v}" for k, v in s["files"].items()))


@app.command("show-summary")
def show_summary(out: Path = typer.Argument(..., help="Output folder of an earlier run.")) -> None:
    """Print the summary of a finished run (reads OUT/summary.json)."""
    p = out / "summary.json"
    if not p.exists():
        err.print(f"[red]No finished run in {out}[/red] (summary.json is written last; a run killed half-way has none).")
        raise typer.Exit(2)
    print_summary(json.loads(p.read_text()))
