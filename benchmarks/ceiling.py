"""Where the F1 limit is: the blocking, the weights, or the data itself.

    python -m benchmarks.ceiling --rows 100000 [--state mixed] [--seed 3]

Pehchaan's model is unsupervised (no labelled pairs exist for a state's legacy
export), so a low F1 on synthetic data can mean three different things, each with
a different fix. This benchmark separates them on one export, against the
generator's truth:

1. **Blocking**: the share of true pairs that any blocking rule ever compares.
   A pair never compared can only be found through a third record.
2. **Weights**: a supervised comparison, gradient-boosted trees (scikit-learn) trained
   on the truth labels over exactly what Pehchaan computes for every compared pair:
   the level of each comparison and the name-frequency-adjusted match weight. It is
   cross-validated by block (5 folds: trees never score a block they were trained on),
   clustered as Pehchaan clusters (same Aadhaar confirmed, two different Aadhaar numbers
   never joined), and its best F1 over thresholds, chosen on the truth, shows what a
   labelled weighting of these comparisons reaches. It is a yardstick, not a proof:
   Pehchaan's F1 close to it means better training is unlikely to help much.
3. **Data**: the true pairs that were never compared, scored by the real-time scorer
   as if they had been. Few of them scoring above the threshold means more blocking
   would only add namesakes; what they share (printed) says why.

``--wider`` also compares every pair of one block whose given names sound alike
(block + first-name key, several times the pairs), so the oracle is judged on nearly
every true pair rather than on what Pehchaan's blocking keeps. ``--heldout`` runs the
same on the independent held-out export (the committed file, or ``--persons N``).

The oracle uses the truth, so it is a yardstick and never a model to ship.
"""
from __future__ import annotations

import json
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks import synthetic_export_parser
from dedup.evaluate import cluster_accuracy, true_pairs


FOLDS = 5
# block + first-name key: every namesake pair of a block, on top of the run's rules
WIDER_RULE = ("block_key", "given_first_key")


@dataclass(frozen=True)
class Ceiling:
    true_pairs: int
    pairs_compared: int
    compared_true_pairs: int
    pehchaan: dict
    oracle: dict
    oracle_threshold: float
    never_compared_callable: int          # never-compared true pairs scored >= the threshold if compared
    threshold: float                      # the rule set's potential threshold
    never_compared_by_kind: dict
    never_compared_levels: dict           # comparison -> {level label: pairs}

    @property
    def blocking_recall(self) -> float:
        return self.compared_true_pairs / self.true_pairs if self.true_pairs else 1.0

    def as_dict(self) -> dict:
        return {**asdict(self), "blocking_recall": round(self.blocking_recall, 4)}


def _true_pair_frame(truth: pd.DataFrame) -> pd.DataFrame:
    """True pairs, each named by its later record's kind: the generator's dup_kind, or the
    held-out export's case (the first record's kind is "original" in both)."""
    kind_col = "dup_kind" if "dup_kind" in truth else "case"
    kind_of = dict(zip(truth["member_id"].astype(str), truth[kind_col].astype(str)))
    pairs = true_pairs(truth)
    left, right = pairs["member_id_l"].map(kind_of), pairs["member_id_r"].map(kind_of)
    return pairs.assign(kind=right.where(right != "original", left).to_numpy())


def oracle_probabilities(compared: pd.DataFrame, y: np.ndarray, seed: int = 0) -> np.ndarray:
    """Out-of-fold probabilities from trees trained on the labels, folds by block."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    gammas = [c for c in compared.columns if c.startswith("gamma_")]
    # levels as categories (null level -1 -> 0), plus the adjusted weight as a number
    X = np.column_stack([compared[gammas].to_numpy(dtype=float) + 1,
                         compared["match_weight"].to_numpy(dtype=float)])
    blocks = compared["block_l"].fillna("").astype(str)
    folds = min(FOLDS, blocks.nunique())
    if folds < 2:
        # a small export in one block: fold by the left record instead (a record's pairs
        # can then fall in both folds, so the oracle is somewhat optimistic there)
        blocks = compared["member_id_l"].astype(str)
        folds = FOLDS
    rng = np.random.default_rng(seed)
    names = blocks.unique()
    fold_of = dict(zip(names, rng.permutation(len(names)) % folds))
    fold = blocks.map(fold_of).to_numpy()
    out = np.zeros(len(compared))
    for f in range(folds):
        train, test = fold != f, fold == f
        if not test.any():
            continue
        if len(np.unique(y[train])) < 2:  # one fold without a single true pair: nothing to learn
            out[test] = y[train].mean() if train.any() else 0.0
            continue
        model = HistGradientBoostingClassifier(max_iter=300, categorical_features=list(range(len(gammas))),
                                               random_state=seed)
        model.fit(X[train], y[train])
        out[test] = model.predict_proba(X[test])[:, 1]
    return out


def analyse(members_csv: Path, truth: pd.DataFrame, work: Path, wider: bool = False,
            as_of_year: int | None = None) -> Ceiling:
    from dedup.clusters import clusters_from_pairs
    from dedup.engine import predict
    from dedup.features import member_features
    from dedup.importer import import_members
    from dedup.pipeline import RunOptions, run_members
    from models.member_model import AADHAAR, BLOCKING_RULES
    from models.scorer import MemberScorer
    from models.term_frequencies import as_lookups, term_frequency_tables

    run = run_members(members_csv, work / "pehchaan", RunOptions(tty=False, as_of_year=as_of_year))
    ours = cluster_accuracy(pd.read_csv(run.files["clusters"], dtype=str), truth).as_dict()

    # imported again: the run keeps no features of all rows, and the oracle needs every pair
    features = member_features(import_members(members_csv, work / "import", as_of_year=as_of_year).load())
    features["member_id"] = features["member_id"].astype(str)
    tf = term_frequency_tables(features)
    # every blocked pair, however weak (the floor that normally drops them is off)
    rules = BLOCKING_RULES + ((WIDER_RULE,) if wider else ())
    compared, n_compared = predict(features, Path(run.summary["model"]), floor_match_weight=-1e9,
                                   tf_tables=tf, blocking_rules=rules)
    compared["member_id_l"] = compared["member_id_l"].astype(str)
    compared["member_id_r"] = compared["member_id_r"].astype(str)
    person = dict(zip(truth["member_id"].astype(str), truth["person_id"].astype(str)))
    y = (compared["member_id_l"].map(person) == compared["member_id_r"].map(person)).to_numpy().astype(int)

    p = oracle_probabilities(compared, y)
    # clustered as Pehchaan clusters: same-Aadhaar pairs confirmed, the rest strongest first,
    # never joining two different Aadhaar numbers (dedup/clusters.py)
    ids = truth["member_id"].astype(str)
    identity = features.set_index("member_id")["aadhaar_last4"].reindex(ids).astype(object)
    same_aadhaar = {lv.label: g for g, lv in AADHAAR.levels_by_gamma().items()}["same"]
    confirmed = compared["gamma_aadhaar"].to_numpy() == same_aadhaar
    weight = np.log2(np.clip(p, 1e-9, 1 - 1e-9) / np.clip(1 - p, 1e-9, 1))
    best, best_th = None, 0.5
    for th in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99):
        keep = confirmed | (p >= th)
        kept = compared.loc[keep, ["member_id_l", "member_id_r"]].assign(
            match_weight=weight[keep], duplicate_class=np.where(confirmed[keep], "confirmed", "potential"))
        acc = cluster_accuracy(clusters_from_pairs(ids, kept, identity=identity.reset_index(drop=True)), truth)
        if best is None or acc.f1 > best.f1:
            best, best_th = acc, th

    truly = _true_pair_frame(truth)
    seen = pd.MultiIndex.from_frame(compared[["member_id_l", "member_id_r"]])
    never = truly[~pd.MultiIndex.from_frame(truly[["member_id_l", "member_id_r"]]).isin(seen)]
    scorer = MemberScorer(run.summary["model"], term_frequencies=as_lookups(tf))
    threshold = run.summary["potential_threshold"]
    needed = features[features["member_id"].isin(set(never["member_id_l"]) | set(never["member_id_r"]))]
    records = needed.set_index("member_id", drop=False).to_dict("index")
    callable_, levels = 0, {}
    for a, b in zip(never["member_id_l"], never["member_id_r"]):
        if a not in records or b not in records:  # a rejected row: not the blocking's doing
            continue
        s = scorer.score(records[a], records[b])
        callable_ += s.match_probability >= threshold
        for lv in s.levels:
            levels.setdefault(lv.comparison, {}).setdefault(lv.label, 0)
            levels[lv.comparison][lv.label] += 1
    return Ceiling(
        true_pairs=len(truly), pairs_compared=int(n_compared), compared_true_pairs=int(y.sum()), pehchaan=ours,
        oracle=best.as_dict(), oracle_threshold=best_th, never_compared_callable=int(callable_),
        threshold=float(threshold),
        never_compared_by_kind={k: int(v) for k, v in never["kind"].value_counts().items()},
        never_compared_levels={c: dict(sorted(v.items(), key=lambda kv: -kv[1])) for c, v in levels.items()},
    )


def main(argv: list[str] | None = None) -> dict:
    ap = synthetic_export_parser(__doc__, seed=None)
    ap.add_argument("--wider", action="store_true", help="the oracle also sees every same-name pair of a block")
    ap.add_argument("--heldout", action="store_true", help="the independent held-out export instead")
    ap.add_argument("--persons", type=int, help="with --heldout: generate this many women (--seed, default 7)")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if args.heldout:
            from benchmarks.heldout import GENERATED_SEED, load_committed
            from benchmarks.heldout_data import EXPORT_YEAR, make_heldout

            if args.persons:
                seed = GENERATED_SEED if args.seed is None else args.seed
                members, truth = make_heldout(args.persons, seed)
                path = tmp / "members.csv"
                members.to_csv(path, index=False)
            else:
                path, members, truth = load_committed()
            what = f"held-out export, {len(members):,} rows" + (f", seed {seed}" if args.persons else "")
            c = analyse(path, truth, tmp, wider=args.wider, as_of_year=EXPORT_YEAR)
        else:
            from dedup.synthetic import generate, write_export

            seed = 3 if args.seed is None else args.seed  # as benchmarks.batch
            export = generate(args.rows, seed=seed, state=args.state)
            files = write_export(export, tmp / "export")
            what = f"rows: {args.rows:,}, state: {args.state}, seed {seed}"
            c = analyse(files["members"], export.truth, tmp, wider=args.wider)
    r = c.as_dict()
    print(f"{what}  ({time.perf_counter() - t0:.0f}s)")
    print(f"pairs compared {c.pairs_compared:,}; true pairs {c.true_pairs:,}, compared by the blocking"
          f"{' (wider)' if args.wider else ''} {c.compared_true_pairs:,} "
          f"(blocking recall {c.blocking_recall:.4f})")
    for name, a in (("pehchaan (unsupervised)", c.pehchaan),
                    (f"oracle (trees on truth, by block, p >= {c.oracle_threshold})", c.oracle)):
        print(f"  {name:<52} precision {a['precision']:.4f}  recall {a['recall']:.4f}  F1 {a['f1']:.4f}")
    never = c.true_pairs - c.compared_true_pairs
    print(f"never compared: {never:,} true pairs, by kind {c.never_compared_by_kind}; "
          f"{c.never_compared_callable:,} would score >= {c.threshold} if compared")
    for comp in ("first_name", "relation_name", "location", "year_of_birth", "mobile", "aadhaar_last4"):
        top = list(c.never_compared_levels.get(comp, {}).items())[:4]
        print(f"  {comp:<14} " + ", ".join(f"{k} {v:,}" for k, v in top))
    if args.json:
        args.json.write_text(json.dumps(r, indent=2))
    return r


if __name__ == "__main__":
    main()
