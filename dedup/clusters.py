"""Duplicate clusters: connected components over confirmed and potential pairs.

scipy's connected_components rather than Splink's clustering, so the same pairs
give the same clusters whichever engine scored them (DuckDB or Spark).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from matching_rules.rules import CONFIRMED, POTENTIAL


def clusters_from_pairs(member_ids: pd.Series, pairs: pd.DataFrame) -> pd.DataFrame:
    """Connected components over confirmed and potential pairs.

    cluster_class is 'confirmed' when the whole cluster holds together on confirmed
    pairs alone, 'potential' when a block manager's decision is needed somewhere in
    it, 'unique' for a member with no duplicate.
    """
    ids = member_ids.astype(str).to_numpy()
    index = pd.Index(ids)
    dup = pairs[pairs["duplicate_class"].isin([CONFIRMED, POTENTIAL])]
    n = len(ids)

    def components(edges: pd.DataFrame) -> np.ndarray:
        a = index.get_indexer(edges["member_id_l"].astype(str))
        b = index.get_indexer(edges["member_id_r"].astype(str))
        g = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
        return connected_components(g, directed=False)[1]

    comp_all = components(dup)
    comp_conf = components(dup[dup["duplicate_class"] == CONFIRMED])
    df = pd.DataFrame({"member_id": ids, "c": comp_all, "cc": comp_conf})
    size = df.groupby("c")["member_id"].transform("size")
    n_conf_groups = df.groupby("c")["cc"].transform("nunique")
    df["cluster_id"] = df.groupby("c")["member_id"].transform("min")
    df["cluster_size"] = size
    df["cluster_class"] = np.where(size == 1, "unique", np.where(n_conf_groups == 1, CONFIRMED, POTENTIAL))
    return df[["member_id", "cluster_id", "cluster_class", "cluster_size"]]
