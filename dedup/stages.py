"""Stage timing and progress: Rich progress on a terminal, plain log lines otherwise.

Batch runs last minutes on state data; an officer at a terminal wants to see
which stage is running, and a scheduler's log wants one line per stage.
"""
from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from typing import Iterator

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn


class Stages:
    def __init__(self, names: list[str], *, console: Console | None = None, tty: bool | None = None):
        self.names = names
        self.seconds: dict[str, float] = {}
        self.console = console or Console(stderr=True)
        self.tty = sys.stderr.isatty() if tty is None else tty
        self._progress: Progress | None = None
        self._tasks: dict[str, int] = {}

    def __enter__(self) -> "Stages":
        if self.tty:
            self._progress = Progress(SpinnerColumn(), TextColumn("{task.description:<12}"), BarColumn(),
                                      TimeElapsedColumn(), console=self.console, transient=False)
            self._progress.start()
            for n in self.names:
                self._tasks[n] = self._progress.add_task(n, total=1, start=False)
        return self

    def __exit__(self, *exc) -> None:
        if self._progress:
            self._progress.stop()

    @contextmanager
    def stage(self, name: str, detail: str = "") -> Iterator[None]:
        """A stage run more than once (once per part of a big export) adds up its time."""
        t0 = time.perf_counter()
        note = f" ({detail})" if detail else ""
        if self._progress:
            self._progress.start_task(self._tasks[name])
            if detail:
                self._progress.update(self._tasks[name], description=f"{name} {detail}")
        else:
            self.console.print(f"[pehchaan] {name}{note}: started", markup=False, highlight=False)
        try:
            yield
        finally:
            dt = time.perf_counter() - t0
            self.seconds[name] = round(self.seconds.get(name, 0.0) + dt, 3)
            if self._progress:
                self._progress.update(self._tasks[name], completed=1)
            else:
                self.console.print(f"[pehchaan] {name}{note}: done in {dt:.1f}s", markup=False, highlight=False)
