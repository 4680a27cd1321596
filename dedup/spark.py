"""A Spark session for Splink: local[*] on a laptop or CI, a cluster master in production.

The master is, in order: ``--spark-master``, PEHCHAAN_SPARK_MASTER, the one spark-submit
or spark-defaults.conf gave (``spark.master``), else ``local[*]``. The same model and SQL
run on any of them unchanged.

A cluster's own configuration wins: settings given to spark-submit or in
spark-defaults.conf (driver memory, shuffle partitions, the UI) are not overridden.
Pehchaan's small defaults (8 partitions, a 2 GB driver, no UI) apply only to a local
session, where they keep a laptop or CI responsive; PEHCHAAN_SPARK_PARTITIONS and
PEHCHAAN_SPARK_DRIVER_MEMORY set them anywhere.
"""
from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
from functools import lru_cache

# Splink's SQL, whatever the cluster's default: non-ANSI casts, Arrow for pandas frames.
REQUIRED = {
    "spark.sql.ansi.enabled": "false",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.ui.showConsoleProgress": "false",
}
# Only for a local session, and only where neither spark-submit nor spark-defaults.conf
# set them. The scored pairs come back to the driver (rules and clusters run there), so a
# local driver may collect more than Spark's default 1 GB of results.
LOCAL_DEFAULTS = {
    "spark.sql.shuffle.partitions": "8",
    "spark.default.parallelism": "8",
    "spark.driver.memory": "2g",
    "spark.driver.maxResultSize": "0",
    "spark.ui.enabled": "false",
}
FROM_ENV = {
    "spark.sql.shuffle.partitions": "PEHCHAAN_SPARK_PARTITIONS",
    "spark.default.parallelism": "PEHCHAAN_SPARK_PARTITIONS",
    "spark.driver.memory": "PEHCHAAN_SPARK_DRIVER_MEMORY",
}
_MASTER = re.compile(r"^(local(\[(\*|\d+)(,\d+)?\])?|local-cluster\[.+\]|spark://\S+|yarn|k8s://\S+|mesos://\S+)$")


class SparkUnavailable(Exception):
    """Spark cannot be used on this machine or with this master; the message says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def chosen_master(master: str | None = None) -> str:
    if master:
        return master
    if os.environ.get("PEHCHAAN_SPARK_MASTER"):
        return os.environ["PEHCHAAN_SPARK_MASTER"]
    try:
        from pyspark import SparkConf
        return SparkConf().get("spark.master", "local[*]")
    except Exception:  # pyspark missing: check_spark says so
        return "local[*]"


def _java_major(java: str) -> int | None:
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not m:
        return None
    major = int(m.group(1))
    return int(m.group(2) or 0) if major == 1 else major  # "1.8.0" is Java 8


def check_spark(master: str | None = None) -> None:
    """Raise SparkUnavailable for what can be told before starting Spark: pyspark missing,
    no Java or one too old for this pyspark, a master URL of no known form."""
    if importlib.util.find_spec("pyspark") is None:
        raise SparkUnavailable("pyspark is not installed: pip install 'pehchaan[spark]' "
                               "(or use --engine duckdb)")
    home = os.environ.get("JAVA_HOME")
    java = os.path.join(home, "bin", "java") if home else shutil.which("java")
    if not java or not os.path.exists(java):
        raise SparkUnavailable("Spark needs Java 17 or newer: no 'java' found "
                               f"({'JAVA_HOME=' + home if home else 'not on PATH'}); "
                               "install it, or use --engine duckdb")
    import pyspark
    needs = 17 if int(pyspark.__version__.split(".")[0]) >= 4 else 8
    major = _java_major(java)
    if major is not None and major < needs:
        raise SparkUnavailable(f"pyspark {pyspark.__version__} needs Java {needs} or newer; "
                               f"{java} is Java {major}")
    master = chosen_master(master)
    if not _MASTER.match(master):
        raise SparkUnavailable(f"Spark master '{master}' is not a master URL: use local[*], "
                               "spark://host:7077, yarn or k8s://https://host:port")


def error_message(e: BaseException, master: str | None = None) -> str:
    """One readable line for a Spark failure: the Java cause (a Py4JJavaError's first line is
    only "An error occurred while calling ..."), and the master it was talking to."""
    text = ""
    # py4j's error, or pyspark's translation of it (which keeps the Java one as _origin)
    java = getattr(e, "java_exception", None) or getattr(e, "_origin", None)
    if java is not None:
        try:
            root = java
            while root.getCause() is not None:
                root = root.getCause()
            text = str(root.toString())
        except Exception:  # the gateway itself is gone
            text = ""
    if not text:
        text = str(e).strip()
    first = text.splitlines()[0] if text else type(e).__name__
    if "JAVA_GATEWAY_EXITED" in text:
        first += " (Java could not start Spark: check Java 17+ and the master URL)"
    return f"{first} [master: {chosen_master(master)}]"


def session_settings(master: str, given: set[str], env) -> dict[str, str]:
    """What Pehchaan sets on a new session: its local defaults where the cluster's
    configuration (``given``: the keys spark-submit or spark-defaults.conf set) is silent,
    the PEHCHAAN_SPARK_* variables, and what Splink's SQL needs."""
    out = {}
    if master.startswith("local"):
        out.update({k: v for k, v in LOCAL_DEFAULTS.items() if k not in given})
    out.update({k: env[var] for k, var in FROM_ENV.items() if env.get(var)})
    out.update(REQUIRED)
    return out


@lru_cache(maxsize=2)
def get_spark(master: str | None = None):
    """The running session (spark-submit's, a notebook's) when no master is asked for, else a
    new one; see the module docstring for which settings are ours."""
    from pyspark import SparkConf
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is None or master is not None:
        conf = SparkConf()  # spark-submit's and spark-defaults.conf's settings
        master = chosen_master(master)
        builder = SparkSession.builder.appName("pehchaan-dedup").master(master)
        given = {k for k, _ in conf.getAll()}
        for key, value in session_settings(master, given, os.environ).items():
            builder = builder.config(key, value)
        spark = builder.getOrCreate()
    else:
        spark = active
        for key, value in REQUIRED.items():
            if key.startswith("spark.sql."):  # the others are fixed when a session starts
                spark.conf.set(key, value)
    spark.sparkContext.setLogLevel("ERROR")
    spark.sparkContext.setCheckpointDir(os.environ.get("PEHCHAAN_SPARK_CHECKPOINT_DIR", "/tmp/pehchaan-spark-checkpoints"))
    return spark
