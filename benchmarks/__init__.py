"""Benchmarks: speed and accuracy measured against baselines run in the same process."""
from __future__ import annotations

import argparse


def synthetic_export_parser(doc: str, *, rows: int = 100_000, state: str = "Bihar",
                            seed: int | None = 3) -> argparse.ArgumentParser:
    """The options every benchmark on a generated export shares, with its own defaults, so
    the same --rows/--state/--seed means the same export in each of them."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=rows)
    ap.add_argument("--seed", type=int, default=seed)
    ap.add_argument("--state", default=state, help='a state, "mixed" (all states, ten scripts) or a comma list')
    return ap
