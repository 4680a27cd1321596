"""A Spark session for Splink: local[*] on a laptop or CI, a cluster master in production.

Set PEHCHAAN_SPARK_MASTER (or pass --spark-master) to e.g. spark://host:7077 or
yarn; the same model and SQL run there unchanged.
"""
from __future__ import annotations

import os
from functools import lru_cache


@lru_cache(maxsize=2)
def get_spark(master: str | None = None):
    from pyspark.sql import SparkSession

    master = master or os.environ.get("PEHCHAAN_SPARK_MASTER", "local[*]")
    builder = (
        SparkSession.builder.appName("pehchaan-dedup")
        .master(master)
        .config("spark.sql.shuffle.partitions", os.environ.get("PEHCHAAN_SPARK_PARTITIONS", "8"))
        .config("spark.default.parallelism", "8")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.driver.memory", os.environ.get("PEHCHAAN_SPARK_DRIVER_MEMORY", "2g"))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
    )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    spark.sparkContext.setCheckpointDir(os.environ.get("PEHCHAAN_SPARK_CHECKPOINT_DIR", "/tmp/pehchaan-spark-checkpoints"))
    return spark
