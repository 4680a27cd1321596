"""`pehchaan import members|cbos|memberships INPUT --out DIR`.

Exit codes a script can rely on:
  0  imported (some rows may be rejected: see the summary and the rejects file)
  2  the whole file cannot be used (not a table, empty, unknown encoding, required
     columns missing, file not found); the message says why, no traceback
  3  the file was read but no row was usable (every row rejected)
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from dedup.importer import (ExportFileError, TableImportResult, import_cbos, import_members,
                            import_memberships)

EXIT_OK, EXIT_FILE_ERROR, EXIT_NO_ROWS = 0, 2, 3

app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Validate a legacy MIS export; write clean rows, rejects and issues.")

_INPUT = typer.Argument(..., help="CSV (UTF-8 / UTF-16 / Excel 'Unicode Text'), XLSX or Parquet export.",
                        show_default=False, metavar="INPUT")
_OUT = typer.Option(..., "--out", "-o", help="Folder for the clean Parquet, rejects CSV and issues CSV.")
_CHUNK = typer.Option(200_000, "--chunk-rows", min=1, help="Rows held in memory at a time.")
_WORKERS = typer.Option(None, "--workers", min=0,
                        help="Extra processes for tokenising Aadhaar/accounts (default: spare cores; 0 = none).")


def _fail(message: str, code: int) -> None:
    Console(stderr=True).print(f"[bold red]Error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _report(res: TableImportResult, what: str) -> None:
    console = Console()
    t = RichTable(title=escape(f"Import of {what}: {res.source}"), show_header=False, title_justify="left")
    t.add_column(style="bold")
    t.add_column(justify="right")
    t.add_row("rows read", f"{res.rows_read:,}")
    t.add_row("accepted", f"[green]{res.rows_accepted:,}[/]")
    t.add_row("rejected (whole row)", f"[red]{res.rows_rejected:,}[/]" if res.rows_rejected else "0")
    t.add_row("field issues (row kept, field blank)",
              f"[yellow]{res.field_issues:,}[/]" if res.field_issues else "0")
    enc = f", {res.encoding}" if res.encoding else ""
    t.add_row("file", f"{res.file_format}{enc}")
    console.print(t)
    for title, counter in (("Why rows were rejected", res.reject_reasons),
                           ("Field issues", res.issue_reasons)):
        if counter:
            rt = RichTable(title=title, title_justify="left")
            rt.add_column("rows", justify="right")
            rt.add_column("column: reason")
            for reason, n in counter.most_common(8):
                rt.add_row(f"{n:,}", escape(reason))
            console.print(rt)
    # soft_wrap: a path must stay on one line to be copied
    for note in res.notes:
        console.print(f"note: {note}", highlight=False, soft_wrap=True, markup=False)
    console.print(f"clean rows:   {res.output_path}", highlight=False, soft_wrap=True, markup=False)
    console.print(f"rejects:      {res.rejects_path}", highlight=False, soft_wrap=True, markup=False)
    console.print(f"field issues: {res.issues_path}", highlight=False, soft_wrap=True, markup=False)


def _finish(res: TableImportResult, what: str) -> None:
    _report(res, what)
    if res.rows_accepted == 0:
        _fail(f"no usable rows: all {res.rows_rejected:,} rows were rejected "
              f"(most common: {res.reject_reasons.most_common(1)[0][0]}). "
              f"See {res.rejects_path}.", EXIT_NO_ROWS)


def _guard(fn, *args, **kwargs) -> TableImportResult:
    try:
        return fn(*args, **kwargs)
    except ExportFileError as e:
        _fail(e.message, EXIT_FILE_ERROR)
    except OSError as e:  # cannot write the output folder, disk full, ...
        where = f": {e.filename}" if e.filename else ""
        _fail(f"{e.strerror or type(e).__name__}{where}", EXIT_FILE_ERROR)
    raise AssertionError  # unreachable


@app.command("members")
def members_cmd(
    input: Path = _INPUT,
    out: Path = _OUT,
    as_of_year: Optional[int] = typer.Option(
        None, "--as-of-year", min=1900, max=2200,
        help="Year the export was made: age -> year of birth, and the 10-110 age check. "
             "Default: this year."),
    chunk_rows: int = _CHUNK,
    workers: Optional[int] = _WORKERS,
) -> None:
    """Import a member export (one row per member)."""
    res = _guard(import_members, input, out, as_of_year=as_of_year, chunk_rows=chunk_rows, workers=workers)
    _finish(res, "members")


@app.command("cbos")
def cbos_cmd(input: Path = _INPUT, out: Path = _OUT, chunk_rows: int = _CHUNK,
             workers: Optional[int] = _WORKERS) -> None:
    """Import a CBO export (SHGs, VOs, CLFs with parent IDs)."""
    res = _guard(import_cbos, input, out, chunk_rows=chunk_rows, workers=workers)
    _finish(res, "CBOs")


@app.command("memberships")
def memberships_cmd(
    input: Path = _INPUT,
    out: Path = _OUT,
    members: Optional[Path] = typer.Option(None, help="members.parquet to check member IDs against "
                                                      "(default: the one in --out, if any)."),
    cbos: Optional[Path] = typer.Option(None, help="cbos.parquet to check CBO IDs against "
                                                   "(default: the one in --out, if any)."),
    chunk_rows: int = _CHUNK,
) -> None:
    """Import SHG memberships (cbo_id, member_id pairs)."""
    res = _guard(import_memberships, input, out, members=members, cbos=cbos, chunk_rows=chunk_rows)
    _finish(res, "memberships")
