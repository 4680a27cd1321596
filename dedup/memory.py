"""Will scoring this export fit in this machine's memory? Say so before trying.

Import reads any file in bounded chunks, but scoring holds one feature row per member
in pandas (and DuckDB works beside it). A state export too big for the machine would
otherwise end with the process killed by the kernel: no message, nothing written. So
after import, when the number of rows is known, the run checks the need against the
memory free and stops with a clear message and exit code 2 instead.
"""
from __future__ import annotations

import os
from pathlib import Path

# Measured with benchmarks.batch: 1M Bihar rows peaked at 6.3-6.4 GB RSS, 100k at 1.0 GB.
BYTES_PER_ROW = 6_500
BASE_BYTES = 600 * 2**20
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


def check_fits(rows: int) -> None:
    """Raise NotEnoughMemory when scoring ``rows`` members would not fit.

    PEHCHAAN_MEMORY_CHECK=off skips the check (e.g. with swap or a machine that
    frees page cache late).
    """
    if os.environ.get("PEHCHAAN_MEMORY_CHECK", "on").lower() in ("off", "0", "no"):
        return
    free = available_bytes()
    need = needed_bytes(rows)
    if free is None or need <= free:
        return
    raise NotEnoughMemory(
        f"{rows:,} member rows need about {need / GB:.0f} GB of memory to score on one machine; "
        f"this machine has {free / GB:.1f} GB free. Run the export in parts, one district or block "
        "at a time (the same woman in two parts is then found only through her Aadhaar), or on a "
        "machine with more memory (README: 'Scaling out'). The import itself finished: rejects.csv "
        "and issues.csv are written. PEHCHAAN_MEMORY_CHECK=off skips this check.")
