"""Placeholder: filled in by its issue's work."""
import typer

app = typer.Typer(no_args_is_help=True)


@app.callback()
def _main() -> None:
    """Not built yet."""
