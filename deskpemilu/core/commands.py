"""Shared pieces of management commands: clear import errors and progress bars."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from deskpemilu.core.errors import ImportFailed


@contextmanager
def progress_bar(total: int, desc: str) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr (shown on a terminal, quiet in logs)."""
    bar = tqdm(total=total, desc=desc, unit=" baris", file=sys.stderr, disable=None)
    try:
        yield bar.update
    finally:
        bar.close()


def existing_file(raw: str) -> Path:
    path = Path(raw)
    if not path.is_file():
        raise CommandError(f"Berkas tidak ditemukan: {raw}")
    return path


def count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return max(sum(1 for _ in handle) - 1, 0)


class ImportCommand(BaseCommand):
    """A command whose ImportFailed becomes a clear error and exit code 1."""

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except ImportFailed as exc:
            raise CommandError(exc.summary()) from exc
