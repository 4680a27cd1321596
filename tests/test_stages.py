"""Progress: Rich bars on a terminal, one plain line per stage in logs; atomic writes."""
from __future__ import annotations

import io

import pandas as pd
import pytest
from rich.console import Console

from dedup import atomic
from dedup.stages import Stages


def test_plain_lines_when_not_a_terminal():
    buf = io.StringIO()
    with Stages(["import", "score"], console=Console(file=buf, width=100), tty=False) as st:
        with st.stage("import"):
            pass
        with st.stage("score"):
            pass
    out = buf.getvalue().splitlines()
    assert out[0] == "[pehchaan] import: started" and out[1].startswith("[pehchaan] import: done in")
    assert set(st.seconds) == {"import", "score"}


def test_progress_bars_on_a_terminal():
    buf = io.StringIO()
    console = Console(file=buf, width=100, force_terminal=True)
    with Stages(["import", "score"], console=console, tty=True) as st:
        with st.stage("import"):
            pass
    text = buf.getvalue()
    assert "import" in text and "[pehchaan]" not in text
    assert "\x1b[" in text          # drawn with terminal control codes


def test_atomic_write_leaves_nothing_when_interrupted(tmp_path):
    target = tmp_path / "pairs.csv"
    with pytest.raises(RuntimeError):
        with atomic.atomic_path(target) as tmp:
            tmp.write_text("half a file")
            raise RuntimeError("killed")
    assert not target.exists() and list(tmp_path.iterdir()) == []
    atomic.write_frame(tmp_path / "pairs", pd.DataFrame({"a": [1]}))
    assert target.read_text().startswith("a")
