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
    # Integer work only (a crore of string ids is slow to group): the cluster id is the
    # smallest member_id in the component, found through each id's sort rank.
    rank = np.empty(n, dtype=np.int64)
    order = np.argsort(ids, kind="stable")
    rank[order] = np.arange(n)
    size = np.bincount(comp_all, minlength=comp_all.max() + 1 if n else 0)
    min_rank = np.full(len(size), n, dtype=np.int64)
    np.minimum.at(min_rank, comp_all, rank)
    pairs_cc = pd.DataFrame({"c": comp_all, "cc": comp_conf}).drop_duplicates()
    n_conf_groups = np.bincount(pairs_cc["c"].to_numpy(), minlength=len(size))
    member_size = size[comp_all]
    cls = np.where(member_size == 1, "unique",
                   np.where(n_conf_groups[comp_all] == 1, CONFIRMED, POTENTIAL))
    return pd.DataFrame({"member_id": ids, "cluster_id": ids[order[min_rank[comp_all]]],
                         "cluster_class": cls, "cluster_size": member_size})
