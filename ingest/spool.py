"""A bounded on-disk spool of line-protocol batches kept while InfluxDB is unreachable.

Each batch is one file, written to a temporary name, flushed with fsync and renamed, so a
crash leaves either the whole batch or nothing. Files are named by a growing sequence
number and drained in that order.
"""

from __future__ import annotations

import os
from pathlib import Path


class Spool:
    """Batches waiting for InfluxDB, oldest first, at most ``max_bytes`` on disk."""

    def __init__(self, directory: Path, max_bytes: int) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.max_bytes = max_bytes
        for leftover in directory.glob("*.tmp"):
            leftover.unlink()
        files = self.pending()
        self._next = int(files[-1].stem) + 1 if files else 1
        self.bytes_used = sum(path.stat().st_size for path in files)

    def pending(self) -> list[Path]:
        """Return the spooled batch files in the order they were written."""
        return sorted(self.directory.glob("*.lp"), key=lambda path: int(path.stem))

    def __len__(self) -> int:
        return len(self.pending())

    def append(self, lines: list[str]) -> bool:
        """Write a batch durably; return False, writing nothing, when it would not fit."""
        data = ("\n".join(lines) + "\n").encode("utf-8")
        if self.bytes_used + len(data) > self.max_bytes:
            return False

        target = self.directory / f"{self._next:012d}.lp"
        temporary = target.with_suffix(".tmp")
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
        self._sync_directory()

        self._next += 1
        self.bytes_used += len(data)
        return True

    def read(self, path: Path) -> list[str]:
        """Return the lines of one spooled batch."""
        return [line for line in path.read_text("utf-8").splitlines() if line]

    def remove(self, path: Path) -> None:
        """Delete a batch after InfluxDB accepted it."""
        size = path.stat().st_size
        path.unlink()
        self.bytes_used -= size

    def _sync_directory(self) -> None:
        descriptor = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
