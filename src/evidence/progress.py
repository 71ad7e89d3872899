"""Progress of long work, on stderr: a bar on a terminal, a line every few seconds otherwise (logs, CI)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable


class Progress:
    """Progress on stderr: a bar on a terminal, a line every few seconds otherwise (logs, CI)."""

    def __init__(self, total: int, label: str, *, every: float = 2.0):
        self.total, self.label, self.every = total, label, every
        self.done = 0
        self.started = self._last = time.monotonic()
        self.tty = sys.stderr.isatty()

    def advance(self, item: str = "", *, step: int = 1) -> None:
        self.done += step
        now = time.monotonic()
        if self.tty:
            width = 30
            filled = int(width * self.done / max(self.total, 1))
            sys.stderr.write(
                f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} {item[:40]:<40}"
            )
            sys.stderr.flush()
        elif now - self._last >= self.every or self.done == self.total:
            self._last = now
            sys.stderr.write(f"{self.label}: {self.done}/{self.total} ({now - self.started:.0f} s)\n")
            sys.stderr.flush()

    def finish(self) -> None:
        if self.tty and self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def iter_progress(items: Iterable, total: int, label: str):
    bar = Progress(total, label)
    for item in items:
        yield item
        bar.advance(str(item))
    bar.finish()
