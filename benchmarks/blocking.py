"""What each blocking rule costs and finds, on synthetic rows with truth.

    python -m benchmarks.blocking --rows 100000 [--state Bihar]

For every rule of ``models.member_model.BLOCKING_RULES`` (in order): the pairs it
compares, the true duplicate pairs among them, and what it adds that no earlier rule
reached. A rule that adds many pairs and few true ones costs scoring time for nothing;
this is the table that decided which rules stay. Counts only, no timings.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from benchmarks import synthetic_export_parser


def rule_table(features: pd.DataFrame, truth: pd.DataFrame,
               rules: tuple[tuple[str, ...], ...]) -> pd.DataFrame:
    """One row per rule: pairs, true_pairs, new_pairs, new_true_pairs (new = no earlier rule)."""
    f = features.assign(member_id=features["member_id"].astype(str)).merge(
        truth[["member_id", "person_id"]].astype(str), on="member_id")
    f["rid"] = np.arange(len(f))
    con = duckdb.connect()
    con.register("f", f[["rid", "person_id", *sorted({c for r in rules for c in r})]])
    con.execute("create table pairs (l bigint, r bigint, rule int, same boolean)")
    for i, rule in enumerate(rules):
        on = " and ".join(f"a.{c} = b.{c}" for c in rule)
        con.execute(f"insert into pairs select a.rid, b.rid, {i}, a.person_id = b.person_id "
                    f"from f a join f b on {on} and a.rid < b.rid")
    per_rule = con.execute("select rule, count(*) n, sum(same::int) t from pairs group by rule").df()
    first = con.execute("""select rule, count(*) n, sum(same::int) t from (
                             select min(rule) rule, bool_or(same) same from pairs group by l, r)
                           group by rule""").df()
    out = pd.DataFrame({"rule": [" & ".join(r) for r in rules]})
    out["pairs"] = out.index.map(dict(zip(per_rule["rule"], per_rule["n"]))).fillna(0).astype(int)
    out["true_pairs"] = out.index.map(dict(zip(per_rule["rule"], per_rule["t"]))).fillna(0).astype(int)
    out["new_pairs"] = out.index.map(dict(zip(first["rule"], first["n"]))).fillna(0).astype(int)
    out["new_true_pairs"] = out.index.map(dict(zip(first["rule"], first["t"]))).fillna(0).astype(int)
    return out


def main(argv: list[str] | None = None) -> pd.DataFrame:
    ap = synthetic_export_parser(__doc__)
    args = ap.parse_args(argv)

    from dedup.features import member_features
    from dedup.importer import import_members
    from dedup.synthetic import generate, write_export
    from models.member_model import BLOCKING_RULES

    export = generate(args.rows, seed=args.seed, state=args.state)
    with tempfile.TemporaryDirectory() as tmp:
        files = write_export(export, Path(tmp) / "export")
        feats = member_features(import_members(files["members"], Path(tmp) / "import").load())
    table = rule_table(feats, export.truth, BLOCKING_RULES)
    t = export.truth.groupby("person_id").size()
    all_true = int((t * (t - 1) // 2).sum())
    with pd.option_context("display.width", 200, "display.max_columns", 10):
        print(table.to_string(index=False))
    print(f"\nall rules: {int(table['new_pairs'].sum()):,} pairs ({table['new_pairs'].sum() / args.rows:.1f} per row), "
          f"{int(table['new_true_pairs'].sum()):,} of {all_true:,} true pairs reachable")
    return table


if __name__ == "__main__":
    main()
