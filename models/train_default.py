"""Re-make the shipped default model: `python -m models.train_default`.

Trained unsupervised on a synthetic mixed-state export (no real person's data
ships with Pehchaan). A state should retrain on its own export with
`pehchaan dedup members EXPORT --out DIR --train` and keep OUT/model.json.
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from dedup.engine import train
from dedup.features import member_features
from dedup.importer import import_members
from dedup.synthetic import generate, write_export
from models.scorer import DEFAULT_MODEL_PATH


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--out", type=Path, default=DEFAULT_MODEL_PATH)
    args = ap.parse_args(argv)
    export = generate(args.rows, seed=args.seed, state="mixed")
    with tempfile.TemporaryDirectory() as d:
        files = write_export(export, Path(d) / "export")
        clean = import_members(files["members"], Path(d) / "import").load()
    report = train(member_features(clean), args.out,
                   data_note=f"synthetic, all states mixed, seed {args.seed}")
    print(report)


if __name__ == "__main__":
    main()
