"""Write-then-rename, so a run killed half-way never leaves a file that looks complete."""
from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pandas as pd


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_text(path: Path, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_json(path: Path, data) -> None:
    write_text(path, json.dumps(data, indent=2, ensure_ascii=False, default=str))


def write_frame(path: Path, df: pd.DataFrame, fmt: str = "csv") -> Path:
    """CSV starts with a UTF-8 byte-order mark, as the importer's rejects.csv and issues.csv
    do: without it Excel, which is how most block and state teams open these files, reads
    them as the PC's legacy code page and a block written in Hindi turns to gibberish.
    pandas, DuckDB and Spark skip the mark."""
    path = path.with_suffix(".parquet" if fmt == "parquet" else ".csv")
    with atomic_path(path) as tmp:
        if fmt == "parquet":
            df.to_parquet(tmp, index=False)
        else:
            df.to_csv(tmp, index=False, encoding="utf-8-sig")
    return path
