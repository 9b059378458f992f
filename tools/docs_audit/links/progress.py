"""Progress for a person watching: a bar on a terminal, a few plain lines elsewhere (CI)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from .results import UrlResult


class ProgressReporter:
    """Writes to ``stream`` (stderr): never to stdout, which carries the report."""

    def __init__(self, stream: TextIO | None = None, interactive: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.interactive = self.stream.isatty() if interactive is None else interactive
        self._bar: object | None = None
        self._task: object | None = None
        self._last_line = 0.0
        self._last_percent = -1

    def update(self, done: int, total: int, result: UrlResult) -> None:
        if self.interactive:
            self._update_bar(done, total, result)
        else:
            self._update_lines(done, total)

    def _update_bar(self, done: int, total: int, result: UrlResult) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        if self._bar is None:
            bar = Progress(
                TextColumn("checking links"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.description}"),
                console=Console(file=self.stream),
                transient=True,
            )
            bar.start()
            self._task = bar.add_task("", total=total)
            self._bar = bar
        assert isinstance(self._bar, Progress)
        self._bar.update(self._task, completed=done, description=result.url[:60])  # type: ignore[arg-type]

    def _update_lines(self, done: int, total: int) -> None:
        # A line every 10 % or every 10 s, whichever comes first; always the last one.
        percent = done * 100 // max(total, 1)
        now = time.monotonic()
        if done == total or percent // 10 > self._last_percent // 10 or now - self._last_line > 10:
            self.stream.write(f"links: {done}/{total} URLs checked\n")
            self.stream.flush()
            self._last_line = now
            self._last_percent = percent

    def close(self) -> None:
        if self._bar is not None:
            from rich.progress import Progress

            assert isinstance(self._bar, Progress)
            self._bar.stop()
