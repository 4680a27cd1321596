"""`pehchaan dedup members`: the state data team's batch job."""
from __future__ import annotations

import json
from enum import Enum
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
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
    as_of_year: int | None = typer.Option(None, min=1900, max=2200,
                                          help="Year the export's ages refer to (default: this year)."),
    max_rows_per_part: int | None = typer.Option(
        None, min=1000, help="Score at most this many rows at once, whole districts at a time "
        "(default: what the memory free allows; an export that fits is scored in one part)."),
) -> None:
    """Score every candidate pair, classify confirmed/potential duplicates, cluster, report.

    An export too big for this machine's memory is scored a group of whole districts at a
    time, with one more pass for Aadhaar numbers found in two groups: the same pairs as
    one run.

    Exit codes: 0 done (even with rejected rows); 2 the file, model or rules cannot be
    used, --train found nothing to train on, Spark could not start, one district alone
    is too big for this machine's memory, the input is in OUT under the name of a file
    the run writes, or --state and --rules are both given (message says why); 3 no usable
    rows (every row rejected: see OUT/rejects.csv).
    """
    from dedup.importer import ExportFileError
    from dedup.memory import NotEnoughMemory
    from dedup.pipeline import NoUsableRows, RunOptions, run_members
    from matching_rules.rules import RuleError

    from dedup.engine import TrainingError

    def fail(title: str, msg: object, code: int = 2):
        err.print(f"[red]{title}:[/red] {escape(str(msg))}")
        raise typer.Exit(code)

    if state is not None and rules is not None:
        fail("Give --state or --rules, not both", f"--state {state} picks matching_rules/states/"
             f"{state.lower()}.yaml; --rules {rules} is another rule file. A state file can extend "
             "another with 'extends:'")
    if state is not None and not state.strip():
        fail("Rule file problem", "--state is empty: give a state name (e.g. bihar) or leave it out")
    if model is not None:
        problem = model_problem(model)
        if problem:
            fail("Model file cannot be used", problem)
    if out.exists() and not out.is_dir():
        fail("--out must be a folder", f"{out} is a file")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        fail("Cannot create the output folder", f"{out}: {e.strerror}")
    if engine == Engine.spark:
        # Started here, before the last run's outputs are deleted and minutes of import
        # spent: a missing pyspark, an old Java or a wrong master stops the run at once.
        _start_spark(spark_master, fail)
    try:
        result = run_members(input, out, RunOptions(
            engine=engine.value, model_path=model, rules_path=rules, state=state, train=train,
            fmt=fmt.value, cbos_path=cbos, spark_master=spark_master, as_of_year=as_of_year,
            max_rows_per_part=max_rows_per_part))
    except ExportFileError as e:
        fail("Cannot use this file", getattr(e, "message", str(e)))
    except NoUsableRows as e:
        fail("No usable rows", e.message, 3)
    except NotEnoughMemory as e:
        fail("A district is bigger than --max-rows-per-part" if max_rows_per_part else "Not enough memory",
             e.message)
    except RuleError as e:
        fail("Rule file problem", e)
    except TrainingError as e:
        fail("Cannot train", e)
    except OSError as e:
        fail("File problem", f"{getattr(e, 'filename', '') or ''} {e.strerror or e}")
    except Exception as e:  # e.g. Spark could not start; never a stack trace for the officer
        _spark_failure(e, spark_master, fail)
        raise
    print_summary(result.summary)
    print_notes(result.summary)


def _start_spark(master: str | None, fail) -> None:
    """Check pyspark, Java and the master, and start the session: a failure stops the command
    with a message before any output is touched."""
    from dedup.spark import SparkUnavailable, check_spark, error_message, get_spark
    try:
        check_spark(master)
        get_spark(master)
    except SparkUnavailable as e:
        fail("Spark cannot be used", e.message)
    except Exception as e:
        fail("Spark could not start", error_message(e, master))


def _spark_failure(e: Exception, master: str | None, fail) -> None:
    """A Spark or Java failure later in the run: told by its cause, never a stack trace."""
    from dedup.spark import SparkUnavailable, error_message
    if isinstance(e, SparkUnavailable):
        fail("Spark cannot be used", e.message)
    if type(e).__module__.startswith(("pyspark", "py4j")):
        fail("Spark could not run", error_message(e, master))


def print_notes(s: dict) -> None:
    for note in s.get("import_notes", []):
        err.print(f"[yellow]Note on the file:[/yellow] {escape(note)}")
    for w in s.get("warnings", []):
        err.print(f"[yellow]Warning:[/yellow] {escape(w)}")


def model_problem(path: Path) -> str | None:
    """Why a --model file cannot be used, or None; checked before minutes of import."""
    if not path.is_file():
        return f"{path} is not a file"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        return f"{path} is not a JSON file ({e.__class__.__name__})"
    if not isinstance(data, dict) or "comparisons" not in data or "link_type" not in data:
        return f"{path} is not a Splink model (no link_type/comparisons)"
    from dedup.engine import untrained_levels
    missing = [name for _, _, name in untrained_levels(data)]
    if missing:
        return (f"{path} is not fully trained: no m or u probability for {'; '.join(missing[:5])}"
                f"{' …' if len(missing) > 5 else ''}. Train it (--train) or use the shipped model")
    try:
        from models.scorer import MemberScorer
        MemberScorer(path)
    except Exception as e:
        return f"{path} does not fit the member comparison model: {e}"
    return None


def print_summary(s: dict) -> None:
    t = Table(title="Pehchaan: member de-duplication", show_header=False)
    t.add_row("rows read / accepted / rejected", f"{s['rows_read']:,} / {s['rows_accepted']:,} / {s['rows_rejected']:,}")
    t.add_row("field issues (kept, field blanked)", f"{s['field_issues']:,}")
    t.add_row("pairs compared", f"{s['pairs_compared']:,}")
    if len(s.get("parts", [])) > 1:
        t.add_row("scored in parts (whole districts)", ", ".join(f"{p['rows']:,}" for p in s["parts"]) + " rows")
    t.add_row("confirmed pairs / potential pairs", f"{s['pairs']['confirmed']:,} / {s['pairs']['potential']:,}")
    t.add_row("clusters confirmed / potential", f"{s['clusters']['confirmed']:,} / {s['clusters']['potential']:,}")
    c = s["clusters"]
    if "surplus_records_confirmed" in c:  # summaries written before the split have only the total
        t.add_row("surplus records: certain (Aadhaar) / awaiting review",
                  f"{c['surplus_records_confirmed']:,} / {c['surplus_records_potential']:,}")
    else:
        t.add_row("surplus records (if every cluster is one woman)", f"{c['surplus_records']:,}")
    for k, v in s.get("flags", {}).items():
        t.add_row(f"flag: {k}", f"{v:,}")
    t.add_row("time (s)", ", ".join(f"{k} {v:.1f}" for k, v in s["seconds"].items()))
    console.print(t)
    console.print("Outputs: " + ", ".join(f"{k}: {v}" for k, v in s["files"].items()))


@app.command("national")
def national(
    runs: list[Path] = typer.Argument(..., help="Output folders of finished 'dedup members' runs, one per state."),
    out: Path = typer.Option(..., "--out", help="Folder for pairs_across_runs, clusters and summary.json."),
    engine: Engine = typer.Option(Engine.duckdb, help="duckdb (default) or spark, for scoring the pairs across runs."),
    model: Path | None = typer.Option(None, help="Model for the pairs across runs (default: the one the runs share; else the shipped one)."),
    rules: Path | None = typer.Option(None, help="Rule file for the pairs across runs (default: the national default)."),
    spark_master: str | None = typer.Option(None, help="Spark master URL (with --engine spark)."),
    fmt: Fmt = typer.Option(Fmt.csv, "--format", help="Format of the pairs and clusters files."),
) -> None:
    """Find the same woman in two states' runs (by Aadhaar) and join all runs' clusters.

    Each state is de-duplicated on its own first ('dedup members'): every match but a shared
    Aadhaar stays inside a district. This pass scores only the rows whose Aadhaar token is
    in two or more runs, and writes national clusters of every member with a duplicate.
    Exit codes: 0 done; 2 a folder, the model or the rules cannot be used.
    """
    from dedup.national import NationalError, run_national
    from matching_rules.rules import RuleError

    def fail(title: str, msg: object):
        err.print(f"[red]{title}:[/red] {escape(str(msg))}")
        raise typer.Exit(2)

    if model is not None and (problem := model_problem(model)):
        fail("Model file cannot be used", problem)
    if engine == Engine.spark:
        _start_spark(spark_master, fail)
    try:
        s = run_national(runs, out, model_path=model, rules_path=rules, engine=engine.value,
                         spark_master=spark_master, fmt=fmt.value)
    except NationalError as e:
        fail("Cannot use these runs", e.message)
    except RuleError as e:
        fail("Rule file problem", e)
    except OSError as e:
        fail("File problem", f"{getattr(e, 'filename', '') or ''} {e.strerror or e}")
    except Exception as e:
        _spark_failure(e, spark_master, fail)
        raise
    print_national_summary(s)
    print_notes(s)


def print_national_summary(s: dict) -> None:
    t = Table(title="Pehchaan: duplicates across runs", show_header=False)
    t.add_row("runs", ", ".join(r["name"] for r in s["runs"]))
    t.add_row("Aadhaar numbers in two or more runs", f"{s['aadhaar_tokens_in_two_runs']:,}")
    t.add_row("confirmed / potential pairs across runs",
              f"{s['pairs_across_runs']['confirmed']:,} / {s['pairs_across_runs']['potential']:,}")
    c = s["clusters"]
    t.add_row("clusters confirmed / potential", f"{c['confirmed']:,} / {c['potential']:,}")
    t.add_row("clusters spanning two or more runs", f"{c['spanning_runs']:,}")
    t.add_row("surplus records: certain (Aadhaar) / awaiting review",
              f"{c['surplus_records_confirmed']:,} / {c['surplus_records_potential']:,}")
    t.add_row("time (s)", f"{s['seconds']:.1f}")
    console.print(t)
    console.print("Outputs: " + ", ".join(f"{k}: {v}" for k, v in s["files"].items()))


@app.command("show-summary")
def show_summary(out: Path = typer.Argument(..., help="Output folder of an earlier run (or its summary.json).")) -> None:
    """Print the summary of a finished run or national pass (reads OUT/summary.json)."""
    p = out if out.is_file() else out / "summary.json"
    if not p.exists():
        err.print(f"[red]No finished run in {escape(str(out))}[/red] (summary.json is written last; a run killed half-way has none).")
        raise typer.Exit(2)
    try:
        s = json.loads(p.read_text(encoding="utf-8"))
        (print_national_summary if "runs" in s else print_summary)(s)
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, AttributeError):
        err.print(f"[red]{escape(str(p))} is not a Pehchaan summary[/red] (damaged, or another program's file).")
        raise typer.Exit(2)
    print_notes(s)
