"""Accuracy against truth labels: pairwise precision, recall and F1 of clusters.

Counting pairs through the cluster/person contingency table (sum of n choose 2)
instead of listing pairs keeps this linear in rows, even for big clusters.
"""
from __future__ import annotations

from dataclasses import dataclass

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
