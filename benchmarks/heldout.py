"""Held-out accuracy: Pehchaan's pipeline on exports from an independent generator.

    python -m benchmarks.heldout                 # the committed file in tests/data/heldout
    python -m benchmarks.heldout --persons 20000 # a freshly generated export (benchmarks.heldout_data)

The data was written without looking at dedup/synthetic*, the name
normaliser or the model (see benchmarks/heldout_data.py), so these numbers
say how the matcher does on a source it was not tuned on.  Tune on the main
generator; only *read* these numbers.  Prints precision / recall / F1 of the
clusters, precision of confirmed pairs, and where the errors are: missed true
pairs and false linked pairs by category, with examples side by side.

Categories.  A true pair takes the ``case`` of its later record (what the
bookkeeper did differently: respelling, script, marriage, format, typo,
reentry, sparse, or a hand-written case ``hand_*``).  A false pair is
``household`` (same household: mother-in-law / daughter-in-law, sisters-in-law,
mother / daughter), ``namesake_village`` / ``namesake_other_village`` (same given name),
``hand_neg_*`` (hand-written traps) or ``other``.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from benchmarks.heldout_data import COMMITTED_DIR, EXPORT_YEAR, describe, make_heldout

GENERATED_SEED = 7  # seed of a --persons export (the numbers README quotes for "27k")
# Which difficulty names a true pair when both records are duplicates (rarer first).
_PRIORITY = ["marriage", "script", "sparse", "typo", "respelling", "format", "reentry"]


def run(members_csv: Path, truth: pd.DataFrame, out_dir: Path, train: bool = False) -> dict:
    """Run the lead's pipeline on one export and score it against truth.

    train=True estimates the model on this export itself (Splink EM, no labels) instead of
    using the shipped models/member_model.json: a diagnostic, not what a state runs.
    """
    from dedup.evaluate import cluster_accuracy, pair_precision
    from dedup.pipeline import RunOptions, run_members

    t0 = time.perf_counter()
    # as_of_year: ages in this export are as of EXPORT_YEAR (keeps results stable across calendar years)
    result = run_members(Path(members_csv), out_dir, RunOptions(tty=False, as_of_year=EXPORT_YEAR, train=train))
    seconds = time.perf_counter() - t0
    clusters = pd.read_csv(out_dir / "clusters.csv", dtype=str, keep_default_na=False)
    pairs = pd.read_csv(out_dir / "pairs.csv", dtype=str, keep_default_na=False)
    acc = cluster_accuracy(clusters, truth)
    conf_p, n_conf = pair_precision(pairs, truth, "confirmed")
    pot_p, n_pot = pair_precision(pairs, truth, "potential")
    return {"seconds": round(seconds, 1), "model": "trained on this export (EM)" if train else "shipped",
            **acc.as_dict(),
            "confirmed_precision": round(conf_p, 4), "confirmed_pairs": n_conf,
            "potential_precision": round(pot_p, 4), "potential_pairs": n_pot,
            "rows_accepted": result.summary.get("rows_accepted"),
            "_clusters": clusters, "_pairs": pairs}


def _true_pair_case(c1: str, c2: str) -> str:
    for c in (c1, c2):
        if c.startswith("hand_"):
            return c
    cases = [c for c in (c1, c2) if c != "original"]
    for c in _PRIORITY:
        if c in cases:
            return c
    return cases[0] if cases else "original"


def missed_pairs(clusters: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """Pairs of records of one person that did not end up in one cluster."""
    t = truth.merge(clusters[["member_id", "cluster_id"]], on="member_id", how="left")
    rows = []
    for pid, g in t.groupby("person_id"):
        if len(g) < 2:
            continue
        recs = g.to_dict("records")
        for i in range(len(recs)):
            for j in range(i + 1, len(recs)):
                a, b = recs[i], recs[j]
                if a["cluster_id"] != b["cluster_id"] or a["cluster_id"] in ("", None):
                    rows.append({"member_id_l": a["member_id"], "member_id_r": b["member_id"],
                                 "category": _true_pair_case(a["case"], b["case"]),
                                 "place": b["place"] if a["case"] == "original" else a["place"]})
    return pd.DataFrame(rows, columns=["member_id_l", "member_id_r", "category", "place"])


def false_pairs(pairs: pd.DataFrame, truth: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """Linked pairs (confirmed or potential) of two different women, with why they looked alike."""
    linked = pairs[pairs["duplicate_class"].isin(["confirmed", "potential"])]
    tr = truth.set_index("member_id")
    village = members.set_index("member_id")["village"]
    rows = []
    for r in linked.itertuples(index=False):
        a, b = tr.loc[r.member_id_l], tr.loc[r.member_id_r]
        if a["person_id"] == b["person_id"]:
            continue
        if a["case"].startswith("hand_neg") or b["case"].startswith("hand_neg"):
            cat = a["case"] if a["case"].startswith("hand_neg") else b["case"]
        elif a["household_id"] == b["household_id"]:
            cat = "household"
        elif a["name_key"] == b["name_key"]:
            same_village = village[r.member_id_l] == village[r.member_id_r]
            cat = "namesake_village" if same_village else "namesake_other_village"
        else:
            cat = "other"
        rows.append({"member_id_l": r.member_id_l, "member_id_r": r.member_id_r,
                     "duplicate_class": r.duplicate_class, "category": cat,
                     "match_probability": getattr(r, "match_probability", "")})
    return pd.DataFrame(rows, columns=["member_id_l", "member_id_r", "duplicate_class", "category",
                                       "match_probability"])


def _show(m: pd.Series) -> str:
    aad = m["aadhaar"]
    if sum(ch.isdigit() for ch in aad) >= 12:
        aad = "full:" + "".join(ch for ch in aad if ch.isdigit())[-4:]   # never print an Aadhaar in clear
    elif aad:
        aad = "mask:" + aad[-4:]
    rel = f"{m['relation_type'] or '?'} {m['relation_name']}".strip()
    age = m["age"] or (f"dob {m['dob']}" if m["dob"] else "-")
    return f"{m['member_name']} | {rel} | {m['village']} | {age} | {m['mobile'] or '-'} | {aad or '-'}"


def _print_breakdown(title: str, df: pd.DataFrame, members: pd.DataFrame, total_by_cat: dict | None,
                     n_examples: int, out) -> None:
    print(f"\n== {title}: {len(df)}", file=out)
    if df.empty:
        return
    counts = df["category"].value_counts()
    for cat, n in counts.items():
        extra = f" of {total_by_cat[cat]} ({n / total_by_cat[cat]:.0%})" if total_by_cat and cat in total_by_cat else ""
        print(f"   {cat:28s} {n:5d}{extra}", file=out)
    idx = members.set_index("member_id")
    if n_examples <= 0:
        return
    print(f"-- examples (up to {n_examples}); name | relation | village | age | mobile | Aadhaar", file=out)
    # spread the examples across categories, worst first
    picked = []
    groups = {c: g for c, g in df.groupby("category")}
    k = 0
    while len(picked) < n_examples and any(k < len(g) for g in groups.values()):
        for cat in counts.index:
            g = groups[cat]
            if k < len(g) and len(picked) < n_examples:
                picked.append(g.iloc[k])
        k += 1
    for r in picked:
        print(f"  [{r['category']}]", file=out)
        print(f"     {_show(idx.loc[r['member_id_l']])}", file=out)
        print(f"     {_show(idx.loc[r['member_id_r']])}", file=out)


def true_pair_counts(truth: pd.DataFrame) -> dict:
    rows = []
    for _, g in truth.groupby("person_id"):
        cs = g["case"].tolist()
        for i in range(len(cs)):
            for j in range(i + 1, len(cs)):
                rows.append(_true_pair_case(cs[i], cs[j]))
    return pd.Series(rows, dtype=str).value_counts().to_dict()


def report(members: pd.DataFrame, truth: pd.DataFrame, res: dict, n_examples: int = 10, out=sys.stdout) -> dict:
    clusters, pairs = res["_clusters"], res["_pairs"]
    miss = missed_pairs(clusters, truth)
    false = false_pairs(pairs, truth, members)
    summary = {k: v for k, v in res.items() if not k.startswith("_")}
    print(json.dumps(summary, indent=2), file=out)
    print(f"\nprecision {res['precision']:.4f}  recall {res['recall']:.4f}  F1 {res['f1']:.4f}  "
          f"confirmed precision {res['confirmed_precision']:.4f} ({res['confirmed_pairs']} pairs)", file=out)
    _print_breakdown("missed true pairs by case", miss, members, true_pair_counts(truth), n_examples, out)
    if not miss.empty:
        print("   by place: " + ", ".join(f"{k} {v}" for k, v in miss["place"].value_counts().items()), file=out)
    _print_breakdown("false linked pairs by category", false, members, None, n_examples, out)
    if not false.empty:
        print("   by class: " + ", ".join(f"{k} {v}" for k, v in false["duplicate_class"].value_counts().items()),
              file=out)
    summary["missed_by_case"] = miss["category"].value_counts().to_dict()
    summary["false_by_category"] = false["category"].value_counts().to_dict()
    return summary


def load_committed() -> tuple[Path, pd.DataFrame, pd.DataFrame]:
    path = COMMITTED_DIR / "members.csv"
    members = pd.read_csv(path, dtype=str, keep_default_na=False)
    truth = pd.read_csv(COMMITTED_DIR / "truth.csv", dtype=str, keep_default_na=False)
    return path, members, truth


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Pehchaan on held-out exports from an independent generator")
    ap.add_argument("--persons", type=int, help="generate this many women instead of the committed file")
    ap.add_argument("--seed", type=int, default=GENERATED_SEED)
    ap.add_argument("--examples", type=int, default=10)
    ap.add_argument("--out", type=Path, help="keep the pipeline outputs here")
    ap.add_argument("--train", action="store_true",
                    help="estimate the model on this export (EM, no labels) instead of the shipped model")
    ap.add_argument("--json", type=Path, help="also write the summary as JSON here")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pehchaan-heldout-") as tmp:
        tmp = Path(tmp)
        if args.persons:
            members, truth = make_heldout(args.persons, args.seed)
            path = tmp / "members.csv"
            members.to_csv(path, index=False)
        else:
            path, members, truth = load_committed()
        print(f"held-out export: {path}")
        print(json.dumps(describe(members, truth), ensure_ascii=False))
        res = run(path, truth, args.out or tmp / "out", train=args.train)
        summary = report(members, truth, res, args.examples)
        if args.json:
            args.json.write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
