"""The `pehchaan` command. Each sub-command lives in the module of its idea;
this file only assembles them so that `pehchaan --help` lists everything."""
from __future__ import annotations

import typer

from dedup.names_cli import app as names_app
from dedup.import_cli import app as import_app
from dedup.synth_cli import app as synth_app
from dedup.dedup_cli import app as dedup_app
from ekyc.cli import app as ekyc_app

app = typer.Typer(
    name="pehchaan",
    help="Pehchaan: find duplicate SHG members and CBOs, and verify Aadhaar e-KYC, offline.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(names_app, name="names", help="Show how names are read, parsed and keyed for matching.")
app.add_typer(import_app, name="import", help="Validate a legacy MIS export; write clean rows and rejects.")
app.add_typer(synth_app, name="synth", help="Generate synthetic legacy exports with truth labels.")
app.add_typer(dedup_app, name="dedup", help="Find duplicate members in an export (batch).")
app.add_typer(ekyc_app, name="ekyc", help="Verify offline Aadhaar e-KYC XML and Secure QR; Aadhaar checks; vault.")

if __name__ == "__main__":  # pragma: no cover
    app()
