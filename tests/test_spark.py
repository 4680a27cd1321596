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


# --- Spark on a cluster: its configuration is respected; failures are explained --------

def test_a_clusters_own_settings_are_not_overridden():
    from dedup.spark import LOCAL_DEFAULTS, REQUIRED, session_settings

    # on a cluster: only what Splink's SQL needs, nothing of the laptop defaults
    assert session_settings("yarn", set(), {}) == REQUIRED
    # locally, the defaults fill only what spark-defaults.conf / spark-submit left out
    local = session_settings("local[*]", {"spark.driver.memory"}, {})
    assert "spark.driver.memory" not in local
    assert local["spark.sql.shuffle.partitions"] == LOCAL_DEFAULTS["spark.sql.shuffle.partitions"]
    # and the PEHCHAAN_SPARK_* variables apply anywhere
    env = {"PEHCHAAN_SPARK_PARTITIONS": "400", "PEHCHAAN_SPARK_DRIVER_MEMORY": "16g"}
    on_cluster = session_settings("spark://m:7077", {"spark.sql.shuffle.partitions"}, env)
    assert on_cluster["spark.sql.shuffle.partitions"] == "400" and on_cluster["spark.driver.memory"] == "16g"


def test_the_running_session_is_used_as_it_is(java):
    from dedup.spark import get_spark

    from dedup.spark import SparkUnavailable

    spark = get_spark()
    before = spark.conf.get("spark.sql.shuffle.partitions")
    spark.conf.set("spark.sql.shuffle.partitions", "3")   # as a notebook or spark-submit set it
    try:
        assert get_spark() is spark
        assert spark.conf.get("spark.sql.shuffle.partitions") == "3"
        assert get_spark(spark.sparkContext.master) is spark
        # one Spark per process: asking for another master is refused, not ignored
        with pytest.raises(SparkUnavailable, match="already running"):
            get_spark("spark://elsewhere:7077")
    finally:
        spark.conf.set("spark.sql.shuffle.partitions", before)


def test_spark_defaults_and_submit_args_are_read_before_spark_starts(tmp_path, monkeypatch):
    """pyspark's SparkConf() is empty until the JVM runs, so the cluster's settings are read
    from the files and variables spark-submit itself reads."""
    from dedup.spark import chosen_master, cluster_conf, session_settings

    (tmp_path / "spark-defaults.conf").write_text(
        "# a cluster's defaults\nspark.master   spark://head:7077\n"
        "spark.sql.shuffle.partitions=400\nspark.driver.memory 24g\n")
    monkeypatch.setenv("SPARK_CONF_DIR", str(tmp_path))
    monkeypatch.delenv("PEHCHAAN_SPARK_MASTER", raising=False)
    monkeypatch.delenv("PYSPARK_SUBMIT_ARGS", raising=False)
    monkeypatch.delenv("PYSPARK_GATEWAY_PORT", raising=False)
    assert chosen_master() == "spark://head:7077"
    conf = cluster_conf()
    assert conf["spark.sql.shuffle.partitions"] == "400" and conf["spark.driver.memory"] == "24g"
    assert "spark.driver.memory" not in session_settings("local[4]", set(conf), {})
    # PYSPARK_SUBMIT_ARGS wins over the file, as in spark-submit
    monkeypatch.setenv("PYSPARK_SUBMIT_ARGS", "--master yarn --conf spark.sql.shuffle.partitions=90 pyspark-shell")
    assert chosen_master() == "yarn" and cluster_conf()["spark.sql.shuffle.partitions"] == "90"
    # and an explicit master wins over both
    assert chosen_master("local[2]") == "local[2]"
    monkeypatch.setenv("PEHCHAAN_SPARK_MASTER", "spark://other:7077")
    assert chosen_master() == "spark://other:7077"


def test_a_java_failure_is_told_by_its_cause_and_master(java):
    from py4j.protocol import Py4JJavaError

    from dedup.spark import error_message, get_spark

    jvm = get_spark().sparkContext._jvm
    with pytest.raises(Py4JJavaError) as raw:      # as py4j raises it
        jvm.java.io.FileInputStream("/nonexistent/members.parquet")
    with pytest.raises(Exception) as translated:   # as pyspark re-raises what it knows
        jvm.java.lang.Integer.parseInt("not-a-number")
    assert not isinstance(translated.value, Py4JJavaError)
    for e, cause, detail in ((raw, "java.io.FileNotFoundException", "/nonexistent/members.parquet"),
                             (translated, "java.lang.NumberFormatException", "not-a-number")):
        msg = error_message(e.value)
        assert msg.startswith(cause) and detail in msg, msg
        assert "master: local[*]" in msg and "An error occurred while calling" not in msg


def _dedup(args):
    from typer.testing import CliRunner

    from dedup.cli import app
    return CliRunner().invoke(app, ["dedup", "members", *args])


@pytest.mark.parametrize("why, setup, message", [
    ("wrong master", {"args": ["--spark-master", "foo://bar"]}, "is not a master URL"),
    ("no pyspark", {"no_pyspark": True}, "pip install"),
    ("no java", {"java_home": "/nonexistent"}, "needs Java 17"),
])
def test_spark_that_cannot_run_stops_before_the_last_results_are_touched(
        small_export, tmp_path, monkeypatch, why, setup, message):
    import importlib.util

    from dedup import spark as spark_mod

    _, files = small_export
    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.json").write_text('{"earlier": "run"}')
    if setup.get("no_pyspark"):
        real = importlib.util.find_spec
        monkeypatch.setattr(spark_mod.importlib.util, "find_spec",
                            lambda name, *a: None if name == "pyspark" else real(name, *a))
    if setup.get("java_home"):
        monkeypatch.setenv("JAVA_HOME", setup["java_home"])
    result = _dedup([str(files["members"]), "--out", str(out), "--engine", "spark", *setup.get("args", [])])
    assert result.exit_code == 2, (why, result.output)
    assert message in result.output and "Traceback" not in result.output, result.output
    assert (out / "summary.json").read_text() == '{"earlier": "run"}'
