"""Accuracy against truth labels: pairwise precision, recall and F1 of clusters.

Counting pairs through the cluster/person contingency table (sum of n choose 2)
instead of listing pairs keeps this linear in rows, even for big clusters.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


def _pairs(counts: pd.Series) -> int:
    c = counts.astype("int64")
    return int((c * (c - 1) // 2).sum())


@dataclass(frozen=True)
class Accuracy:
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4), "true_pairs": self.true_pairs,
                "predicted_pairs": self.predicted_pairs, "correct_pairs": self.correct_pairs}


def cluster_accuracy(clusters: pd.DataFrame, truth: pd.DataFrame) -> Accuracy:
    """clusters: member_id, cluster_id; truth: member_id, person_id (same rows)."""
    df = clusters[["member_id", "cluster_id"]].astype(str).merge(
        truth[["member_id", "person_id"]].astype(str), on="member_id", how="inner")
    return Accuracy(
        true_pairs=_pairs(df.groupby("person_id").size()),
        predicted_pairs=_pairs(df.groupby("cluster_id").size()),
        correct_pairs=_pairs(df.groupby(["cluster_id", "person_id"]).size()),
    )


def pair_precision(pairs: pd.DataFrame, truth: pd.DataFrame, duplicate_class: str) -> tuple[float, int]:
    """Share of pairs of one class that are truly the same person, and how many there were."""
    sel = pairs[pairs["duplicate_class"] == duplicate_class]
    if sel.empty:
        return 1.0, 0
    person = dict(zip(truth["member_id"].astype(str), truth["person_id"].astype(str)))
    same = sel["member_id_l"].astype(str).map(person) == sel["member_id_r"].astype(str).map(person)
    return float(same.mean()), int(len(sel))


# What counts as evidence beyond the name, age and block: a shared identifier, or the same village.
EVIDENCE_COLUMNS = ("aadhaar_token", "aadhaar_last4", "mobile", "bank_token", "dob", "village_key")


@dataclass(frozen=True)
class EvidenceCeiling:
    """How many true duplicate pairs share anything beyond name, age and block.

    A pair with nothing else in common (a woman entered before marriage in her father's
    village and after it in her husband's, with a new phone) looks exactly like two
    namesakes of one block. Clusters are transitive, so such a pair is still found when
    both records share evidence with a third record of hers (A-B by phone, B-C by Aadhaar
    joins A and C): a pair counts when its two records are joined by a chain of evidence
    among her own records. Any method that needs some shared evidence misses the rest, so
    ``max_recall`` bounds recall and ``max_f1`` bounds F1 (at perfect precision). Read
    measured F1 against this, not against 1.0.
    """
    true_pairs: int
    pairs_joinable: int

    @property
    def max_recall(self) -> float:
        return self.pairs_joinable / self.true_pairs if self.true_pairs else 1.0

    @property
    def max_f1(self) -> float:
        r = self.max_recall
        return 2 * r / (1 + r) if r else 0.0

    def as_dict(self) -> dict:
        return {"true_pairs": self.true_pairs, "pairs_joinable": self.pairs_joinable,
                "max_recall": round(self.max_recall, 4), "max_f1": round(self.max_f1, 4)}


def true_pairs(truth: pd.DataFrame) -> pd.DataFrame:
    """Every pair of records of one person (member_id_l < member_id_r as text, the order
    pairs.csv uses). truth: member_id, person_id."""
    t = truth[["member_id", "person_id"]].astype(str)
    t = t[t.duplicated("person_id", keep=False)]
    pairs = t.merge(t, on="person_id", suffixes=("_l", "_r"))
    keep = pairs["member_id_l"] < pairs["member_id_r"]
    return pairs.loc[keep, ["member_id_l", "member_id_r"]].reset_index(drop=True)


def evidence_ceiling(features: pd.DataFrame, truth: pd.DataFrame) -> EvidenceCeiling:
    """features: member_features rows (at least those of duplicated persons); truth: member_id, person_id."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    pairs = true_pairs(truth)
    f = features.assign(member_id=features["member_id"].astype(str)).set_index("member_id")
    cols = [c for c in EVIDENCE_COLUMNS if c in f.columns]
    left = f.reindex(pairs["member_id_l"])[cols].to_numpy(dtype=object)
    right = f.reindex(pairs["member_id_r"])[cols].to_numpy(dtype=object)
    present = pd.notna(left) & pd.notna(right)
    linked = (present & (left == right)).any(axis=1)
    # chains of evidence among one woman's records (her true pairs only: never a namesake)
    ids = pd.Index(pd.unique(pd.concat([pairs["member_id_l"], pairs["member_id_r"]])))
    a, b = ids.get_indexer(pairs["member_id_l"]), ids.get_indexer(pairs["member_id_r"])
    n = len(ids)
    graph = coo_matrix((np.ones(int(linked.sum())), (a[linked], b[linked])), shape=(n, n))
    comp = connected_components(graph, directed=False)[1] if n else np.array([], dtype=int)
    return EvidenceCeiling(true_pairs=len(pairs), pairs_joinable=int((comp[a] == comp[b]).sum()))
