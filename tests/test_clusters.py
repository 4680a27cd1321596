"""Clusters: a chain of potential pairs must not make two Aadhaar numbers one woman."""
from __future__ import annotations

import pandas as pd

from dedup.clusters import clusters_from_pairs


def _pairs(rows):
    return pd.DataFrame(rows, columns=["member_id_l", "member_id_r", "duplicate_class", "match_weight"])


def _groups(clusters: pd.DataFrame) -> set[frozenset]:
    return {frozenset(g) for _, g in clusters.groupby("cluster_id")["member_id"]}


IDS = pd.Series(["a", "b", "c", "d", "e"])


def test_chain_through_a_record_without_aadhaar_keeps_two_numbers_apart():
    pairs = _pairs([("a", "b", "potential", 10.0), ("b", "c", "potential", 5.0)])
    tokens = pd.Series(["t1", None, "t2", None, None])
    plain = clusters_from_pairs(IDS, pairs)
    kept = clusters_from_pairs(IDS, pairs, identity=tokens)
    assert frozenset("abc") in _groups(plain)
    # b joins a (the stronger pair); b~c would put t1 and t2 together, so c stays apart
    assert _groups(kept) == {frozenset("ab"), frozenset("c"), frozenset("d"), frozenset("e")}
    assert kept.set_index("member_id").loc["c", "cluster_class"] == "unique"


def test_the_stronger_pair_wins_the_shared_record():
    pairs = _pairs([("a", "b", "potential", 3.0), ("b", "c", "potential", 9.0)])
    kept = clusters_from_pairs(IDS, pairs, identity=pd.Series(["t1", None, "t2", None, None]))
    assert frozenset("bc") in _groups(kept) and frozenset("a") in _groups(kept)


def test_records_without_aadhaar_and_confirmed_pairs_still_join():
    pairs = _pairs([("a", "b", "confirmed", 20.0), ("b", "c", "potential", 4.0),
                    ("d", "e", "potential", 4.0)])
    tokens = pd.Series(["t1", "t1", None, None, None])
    kept = clusters_from_pairs(IDS, pairs, identity=tokens)
    assert _groups(kept) == {frozenset("abc"), frozenset("de")}
    cls = kept.set_index("member_id")["cluster_class"]
    assert cls["a"] == "potential" and cls["d"] == "potential"
    # same answer as plain components when nothing conflicts
    assert _groups(kept) == _groups(clusters_from_pairs(IDS, pairs))


def test_a_pair_naming_an_unknown_member_is_an_error_not_a_silent_merge():
    import pytest
    pairs = _pairs([("a", "zz", "potential", 5.0)])
    with pytest.raises(ValueError):
        clusters_from_pairs(IDS, pairs, identity=pd.Series([None] * 5))


def test_a_potential_cluster_shows_which_members_are_one_woman_for_certain():
    """a=b share an Aadhaar, c joins b on a score: the cluster awaits review, but a block
    manager who rejects c must still see a and b as one woman."""
    pairs = _pairs([("a", "b", "confirmed", 20.0), ("b", "c", "potential", 4.0),
                    ("d", "e", "potential", 4.0)])
    kept = clusters_from_pairs(IDS, pairs, identity=pd.Series(["t1", "t1", None, None, None]))
    group = kept.set_index("member_id")["confirmed_group"]
    assert group["a"] == group["b"] == "a"
    assert group["c"] == group["d"] == group["e"] == ""



def test_certain_surplus_counts_aadhaar_groups_inside_potential_clusters():
    """a=b (Aadhaar), b~c (score): one record is surplus for certain, one awaits review."""
    from dedup.pipeline import surplus_records, surplus_records_certain

    pairs = _pairs([("a", "b", "confirmed", 20.0), ("b", "c", "potential", 4.0)])
    kept = clusters_from_pairs(IDS, pairs, identity=pd.Series(["t1", "t1", None, None, None]))
    assert surplus_records(kept) == 2 and surplus_records_certain(kept) == 1
