"""A Spark session for Splink: local[*] on a laptop or CI, a cluster master in production.

The master is, in order: ``--spark-master``, PEHCHAAN_SPARK_MASTER, the one spark-submit
(or PYSPARK_SUBMIT_ARGS, or spark-defaults.conf) gives, else ``local[*]``. The same model
and SQL run on any of them unchanged.

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
import shlex
import shutil
import subprocess

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


def _spark_home() -> str | None:
    if os.environ.get("SPARK_HOME"):
        return os.environ["SPARK_HOME"]
    spec = importlib.util.find_spec("pyspark")
    return os.path.dirname(spec.origin) if spec and spec.origin else None


def _defaults_file() -> dict[str, str]:
    """spark-defaults.conf, as spark-submit reads it (SPARK_CONF_DIR, else SPARK_HOME/conf).
    Read here because pyspark offers no reader before its JVM starts (and starting it to ask
    would fix the driver's memory); the format is one "key value" or "key=value" a line."""
    home = _spark_home()
    conf_dir = os.environ.get("SPARK_CONF_DIR") or (os.path.join(home, "conf") if home else None)
    path = os.path.join(conf_dir, "spark-defaults.conf") if conf_dir else None
    out: dict[str, str] = {}
    if not path or not os.path.isfile(path):
        return out
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            key, *value = re.split(r"\s*[=\s]\s*", line, maxsplit=1)  # "key value" or "key=value"
            out[key] = value[0] if value else ""
    return out


_SUBMIT_FLAGS = {"--master": "spark.master", "--driver-memory": "spark.driver.memory",
                 "--executor-memory": "spark.executor.memory", "--num-executors": "spark.executor.instances",
                 "--executor-cores": "spark.executor.cores"}


def _submit_args() -> dict[str, str]:
    """Settings in PYSPARK_SUBMIT_ARGS (what spark-submit is given when pyspark starts the JVM)."""
    out: dict[str, str] = {}
    args = shlex.split(os.environ.get("PYSPARK_SUBMIT_ARGS", ""))
    for i, a in enumerate(args[:-1]):
        if a in _SUBMIT_FLAGS:
            out[_SUBMIT_FLAGS[a]] = args[i + 1]
        elif a == "--conf" and "=" in args[i + 1]:
            k, _, v = args[i + 1].partition("=")
            out[k] = v
    return out


def cluster_conf() -> dict[str, str]:
    """The settings Spark will apply of its own: under spark-submit, the running JVM's;
    otherwise spark-defaults.conf overridden by PYSPARK_SUBMIT_ARGS. (pyspark's SparkConf()
    is empty until the JVM runs, and starting the JVM to ask would fix the driver's memory.)"""
    if os.environ.get("PYSPARK_GATEWAY_PORT"):  # spark-submit started this process
        from pyspark import SparkConf, SparkContext
        SparkContext._ensure_initialized()
        return dict(SparkConf().getAll())
    return {**_defaults_file(), **_submit_args()}


def chosen_master(master: str | None = None) -> str:
    if master:
        return master
    if os.environ.get("PEHCHAAN_SPARK_MASTER"):
        return os.environ["PEHCHAAN_SPARK_MASTER"]
    return cluster_conf().get("spark.master") or "local[*]"


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


_session = None


def get_spark(master: str | None = None):
    """The running session (spark-submit's, a notebook's, or the one started earlier) when it
    is alive and on the master asked for, else a new one; see the module docstring for which
    settings are ours. A session already running on another master is refused: Spark runs
    one per process, and scoring on the wrong one would go unnoticed."""
    global _session
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession() or _session
    if active is not None and getattr(active.sparkContext, "_jsc", None) is None:
        active = None  # stopped
    wanted = chosen_master(master) if (master or os.environ.get("PEHCHAAN_SPARK_MASTER")) else None
    if active is not None:
        running = active.sparkContext.master
        if wanted and wanted != running:
            raise SparkUnavailable(f"a Spark session on '{running}' is already running in this process; "
                                   f"it cannot also run on '{wanted}'")
        spark = active
        for key, value in REQUIRED.items():
            if key.startswith("spark.sql."):  # the others are fixed when a session starts
                spark.conf.set(key, value)
    else:
        given = cluster_conf()
        master = chosen_master(master)
        builder = SparkSession.builder.appName("pehchaan-dedup").master(master)
        for key, value in session_settings(master, set(given), os.environ).items():
            builder = builder.config(key, value)
        spark = builder.getOrCreate()
        spark.sparkContext.setLogLevel("ERROR")
        spark.sparkContext.setCheckpointDir(os.environ.get("PEHCHAAN_SPARK_CHECKPOINT_DIR",
                                                           "/tmp/pehchaan-spark-checkpoints"))
    _session = spark
    return spark
