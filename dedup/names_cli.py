"""`pehchaan names`: how a name is read, parsed and keyed, so a block manager or data
officer can see why two names were (or were not) taken for one woman."""
from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from dedup.cells import scrub
from dedup.names import ParsedName, parse_name

app = typer.Typer(no_args_is_help=True, help="Show how names are read, parsed and keyed for matching.")
console = Console()

_FIELDS = (
    ("scripts", "Script(s)"),
    ("latin", "Latin reading"),
    ("honorific", "Honorific (dropped)"),
    ("given", "Given name"),
    ("title", "Title"),
    ("surname", "Surname"),
    ("relation_type", "Relation"),
    ("relation_name", "Relation's name"),
    ("given_key", "Given-name key"),
    ("surname_key", "Surname key"),
    ("key", "Phonetic key"),
)


def _value(p: ParsedName, field: str) -> str:
    v = getattr(p, field)
    if field == "scripts":
        return ", ".join(v) if v else "-"
    if v is None or v == "":
        return "-"
    return str(v)


def _table(p: ParsedName) -> Table:
    t = Table(title=p.original or "(empty)", show_header=False, title_justify="left")
    t.add_column("part", style="bold")
    t.add_column("value")
    for field, label in _FIELDS:
        t.add_row(label, _value(p, field))
    return t


@app.command("show")
def show(
    names: list[str] = typer.Argument(..., help="One or more names, in any supported script."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line instead of tables."),
) -> None:
    """Print the scripts, Latin reading, parts and phonetic key of each NAME."""
    for name in names:
        parsed = parse_name(scrub(name))  # as an import reads it: a long number typed in is hidden
        if as_json:
            typer.echo(json.dumps(parsed.to_dict(), ensure_ascii=False))
        else:
            console.print(_table(parsed))


def _verdict(a: str | None, b: str | None, ka: str | None, kb: str | None) -> str:
    if not ka and not kb:
        return "missing on both"
    if not ka or not kb:
        return "missing on one side"
    if a == b:
        return "same spelling"
    if ka == kb:
        return "sounds the same"
    return "different"


@app.command("compare")
def compare(
    first: str = typer.Argument(..., help="A name."),
    second: str = typer.Argument(..., help="Another name."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of a table."),
) -> None:
    """Show two names side by side and whether their parts agree."""
    first, second = scrub(first), scrub(second)  # as an import reads them: long numbers hidden
    a, b = parse_name(first), parse_name(second)
    parts = {
        "given": _verdict(a.given, b.given, a.given_key, b.given_key),
        "surname": _verdict(a.surname, b.surname, a.surname_key, b.surname_key),
        "title": ("missing on both" if not a.title and not b.title
                  else "same" if a.title == b.title else "different"),
        "key": "same" if a.key and a.key == b.key else "different",
    }
    if as_json:
        typer.echo(json.dumps({"first": a.to_dict(), "second": b.to_dict(), "agreement": parts},
                              ensure_ascii=False))
        return
    t = Table(show_header=True)
    t.add_column("part", style="bold")
    t.add_column(first)
    t.add_column(second)
    t.add_column("agreement")
    for field, label in _FIELDS:
        verdict = {"given": parts["given"], "surname": parts["surname"], "title": parts["title"],
                   "key": parts["key"]}.get(field, "")
        t.add_row(label, _value(a, field), _value(b, field), verdict)
    console.print(t)
