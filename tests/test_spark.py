"""The same model on Apache Spark (local[*]) gives the same pairs and clusters as DuckDB."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest

from dedup.pipeline import RunOptions, run_members

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def java():
    if not shutil.which("java"):
        pytest.fail("Java is required for the Spark engine (Java 17 is on the CI machine)")


def test_spark_and_duckdb_give_the_same_clusters(small_export, tmp_path, java):
    _, files = small_export
    duck = run_members(files["members"], tmp_path / "duck", RunOptions(engine="duckdb", tty=False))
    spark = run_members(files["members"], tmp_path / "spark", RunOptions(engine="spark", tty=False))
    assert spark.summary["pairs_compared"] == duck.summary["pairs_compared"] > 1000
    assert spark.summary["pairs"] == duck.summary["pairs"]
    cd = pd.read_csv(duck.files["clusters"], dtype=str).sort_values("member_id").reset_index(drop=True)
    cs = pd.read_csv(spark.files["clusters"], dtype=str).sort_values("member_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(cd, cs)
    assert (cd.cluster_class != "unique").sum() > 50      # real duplicates were found
    pd_ = pd.read_csv(duck.files["pairs"]).sort_values(["member_id_l", "member_id_r"]).reset_index(drop=True)
    ps = pd.read_csv(spark.files["pairs"]).sort_values(["member_id_l", "member_id_r"]).reset_index(drop=True)
    assert (pd_[["member_id_l", "member_id_r", "duplicate_class"]]
            .equals(ps[["member_id_l", "member_id_r", "duplicate_class"]]))
    assert (pd_.match_weight - ps.match_weight).abs().max() < 1e-6


def test_spark_and_duckdb_score_pairs_row_for_row_even_with_no_district(small_features, java):
    """Canonical pair order from both engines, and name frequencies that are all missing
    (an export without a district column) do not break Spark."""
    from dedup.engine import predict
    from models.scorer import DEFAULT_MODEL_PATH
    from models.term_frequencies import add_tf_keys

    no_district = small_features.assign(district_key=None)
    add_tf_keys(no_district)
    assert no_district["given_in_district"].isna().all()
    for features in (small_features, no_district):
        duck, n_duck = predict(features, DEFAULT_MODEL_PATH, engine="duckdb")
        spark, n_spark = predict(features, DEFAULT_MODEL_PATH, engine="spark")
        assert n_duck == n_spark and len(duck) == len(spark) > 100
        cols = ["member_id_l", "member_id_r", "district_l", "block_l", "district_r", "block_r"]
        pd.testing.assert_frame_equal(duck[cols], spark[cols], check_dtype=False)
        assert (duck.match_weight - spark.match_weight).abs().max() < 1e-6


def test_spark_scores_an_export_in_parts_as_duckdb_scores_it_at_once(tmp_path, java):
    """Each part's Spark cache is released and the next part scored in the same session;
    the pairs are DuckDB's single run's, row for row (16 districts, parts of <= 2,500)."""
    from dedup.synthetic import generate, write_export

    files = write_export(generate(4000, seed=5, state="mixed"), tmp_path / "export")
    duck = run_members(files["members"], tmp_path / "duck", RunOptions(engine="duckdb", tty=False))
    spark = run_members(files["members"], tmp_path / "spark",
                        RunOptions(engine="spark", tty=False, max_rows_per_part=2500))
    assert len(spark.summary["parts"]) >= 2
    assert spark.summary["pairs_compared"] == duck.summary["pairs_compared"]
    pairs_d = pd.read_csv(duck.files["pairs"], dtype=str)
    pairs_s = pd.read_csv(spark.files["pairs"], dtype=str)
    key = ["member_id_l", "member_id_r", "duplicate_class", "rules", "flags"]
    pd.testing.assert_frame_equal(pairs_d[key], pairs_s[key])
    assert (pairs_d.match_weight.astype(float) - pairs_s.match_weight.astype(float)).abs().max() < 1e-3
    pd.testing.assert_frame_equal(pd.read_csv(duck.files["clusters"], dtype=str),
                                  pd.read_csv(spark.files["clusters"], dtype=str))
