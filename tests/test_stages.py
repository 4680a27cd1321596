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
    assert target.read_text(encoding="utf-8-sig").startswith("a")


def test_csv_outputs_open_in_excel_with_indic_text_intact(tmp_path):
    """Excel takes a CSV without a byte-order mark for the PC's code page (cp1252 on most
    office PCs): a block written in Hindi would show as gibberish. Readers skip the mark."""
    frame = pd.DataFrame({"member_id": ["M1"], "block": ["फुलवारी"]})
    path = atomic.write_frame(tmp_path / "pairs", frame)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\xef\xbb\xbf") == 1
    back = pd.read_csv(path, dtype=str)
    assert list(back.columns) == ["member_id", "block"] and back.loc[0, "block"] == "फुलवारी"
