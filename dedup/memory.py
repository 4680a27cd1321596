"""How many rows can this machine score at once? Decide before trying.

Import reads any file in bounded chunks, but scoring holds one feature row per member
in pandas (and DuckDB works beside it). A state export too big for the machine would
otherwise end with the process killed by the kernel: no message, nothing written. So
after import, when the number of rows is known, the run compares the need with the
memory free: an export that does not fit is scored a group of districts at a time
(dedup/partitions.py), and only a single district too big for the machine stops the
run, with a clear message and exit code 2.
"""
from __future__ import annotations

import os
from pathlib import Path

# Measured with benchmarks.batch: 1M Bihar rows peaked at 5.6-6.4 GB RSS, 100k at 1.0 GB.
BYTES_PER_ROW = 6_500
BASE_BYTES = 600 * 2**20
# What a run keeps of every row while it scores another part (member id, district,
# block, SHG, Aadhaar token and last 4; the pairs found), as Arrow strings: about 260
# bytes in pandas (1,250 as Python strings, benchmarks.partitions); the rest is room for
# the final steps (clusters, pairs.csv) over all rows.
KEPT_BYTES_PER_ROW = 600
# Below this, parts would be so many that the machine is plainly too small.
MIN_ROWS_PER_PART = 1_000
GB = 2**30


class NotEnoughMemory(Exception):
    """The export is too big to score on this machine; ``message`` says what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def needed_bytes(rows: int) -> int:
    return BASE_BYTES + rows * BYTES_PER_ROW


def available_bytes() -> int | None:
    """Memory this process can still use: MemAvailable, lowered by a container's limit."""
    free = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                free = int(line.split()[1]) * 1024
                break
    except (OSError, ValueError):
        return None
    try:  # cgroup v2: a container's own cap can be far below the machine's free memory
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        used = int(Path("/sys/fs/cgroup/memory.current").read_text().strip())
        if limit != "max" and free is not None:
            free = min(free, int(limit) - used)
    except (OSError, ValueError):
        pass
    return free


def _check_is_off() -> bool:
    return os.environ.get("PEHCHAAN_MEMORY_CHECK", "on").lower() in ("off", "0", "no")


def budget_rows_per_part(rows: int) -> int | None:
    """Rows one part may hold so the whole run fits in the memory free; None when all
    ``rows`` fit at once (or the check is off, or memory cannot be read)."""
    if _check_is_off():
        return None
    free = available_bytes()
    if free is None or needed_bytes(rows) <= free:
        return None
    spare = (free - BASE_BYTES - rows * KEPT_BYTES_PER_ROW) // BYTES_PER_ROW
    if spare < MIN_ROWS_PER_PART:
        raise NotEnoughMemory(
            f"{rows:,} member rows need about {needed_bytes(rows) / GB:.0f} GB of memory to score at "
            f"once, and this machine has {free / GB:.1f} GB free: too little even to score them a "
            "district at a time. Run on a machine with more memory (with --engine spark too: the "
            "cluster scores the pairs, but each part's rows, features and pairs are held on the "
            "machine that runs pehchaan; README: 'Scaling out'). The import itself finished: "
            "rejects.csv and issues.csv are written. "
            "PEHCHAAN_MEMORY_CHECK=off skips this check.")
    return int(spare)
