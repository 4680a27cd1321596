"""The F1-ceiling benchmark's yardsticks must be sound, or its conclusions are not."""
from __future__ import annotations

import numpy as np
import pandas as pd

from benchmarks.ceiling import _true_pair_frame, analyse, oracle_probabilities


def test_oracle_never_scores_a_block_it_was_trained_on():
    """Two blocks where the same levels mean opposite things: out-of-fold trees must get
    each block wrong. Trees that had seen the block would get it right (leakage)."""
    rng = np.random.default_rng(0)
    n = 4000
    block = np.where(np.arange(n) < n // 2, "A", "B")
    g = rng.integers(0, 2, n)
    y = np.where(block == "A", g, 1 - g)
    compared = pd.DataFrame({"gamma_first_name": g, "match_weight": np.zeros(n), "block_l": block})
    p = oracle_probabilities(compared, y)
    assert ((p >= 0.5) == y).mean() < 0.05


def test_true_pairs_take_the_later_records_kind():
    truth = pd.DataFrame({"member_id": ["a", "b", "c", "d"], "person_id": ["1", "1", "1", "2"],
                          "dup_kind": ["original", "marriage", "script", "original"]})
    pairs = _true_pair_frame(truth)
    assert sorted(zip(pairs.member_id_l, pairs.member_id_r, pairs.kind)) == [
        ("a", "b", "marriage"), ("a", "c", "script"), ("b", "c", "script")]


def test_counts_add_up_on_a_small_export(small_export, tmp_path):
    export, files = small_export
    c = analyse(files["members"], export.truth, tmp_path)
    never = c.true_pairs - c.compared_true_pairs
    assert c.true_pairs == c.pehchaan["true_pairs"] == c.oracle["true_pairs"]
    assert 0 < c.compared_true_pairs <= c.true_pairs
    assert sum(c.never_compared_by_kind.values()) == never
    assert 0 <= c.never_compared_callable <= never
    # every never-compared pair was scored on every comparison (rejected rows aside)
    assert all(sum(levels.values()) <= never for levels in c.never_compared_levels.values())
    # the comparisons carry real evidence: trees trained on them find most duplicates
    assert c.oracle["f1"] > 0.6
