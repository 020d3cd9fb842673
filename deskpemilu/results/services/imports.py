"""Imports of result sheets from CSV files, streaming and all or nothing (also the
path of sheets typed at the desk or posted to the API)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from types import TracebackType

import numpy as np
from django.db import transaction
from django.utils import timezone

from deskpemilu.core.csvio import sha256_of
from deskpemilu.core.errors import ImportFailed, ImportProblem
from deskpemilu.elections.models import Contest
from deskpemilu.regions.models import TPS
from deskpemilu.results import checks, layouts, storage
from deskpemilu.results.models import (
    FlagStatus,
    ResultImport,
    ResultSheet,
    SheetFlag,
)
from deskpemilu.results.services.common import ImportReport, Progress
from deskpemilu.results.services.sources import sources_refresh
from deskpemilu.results.services.sums import DesaSumKeeper, contest_lock
from deskpemilu.results.sheets import Sheets, content_hash
from deskpemilu.results.spec import SOURCES


def results_import(
    *,
    path: Path,
    contest: Contest,
    source: str,
    actor: str = "",
    progress: Progress | None = None,
    block_bytes: int = layouts.BLOCK_BYTES,
) -> ImportReport:
    """Import the sheets of one source from a CSV file (layouts.py), all or nothing.

    Every row is validated first-class: a file with an unknown TPS, a non-integer
    cell, a duplicated TPS or a foreign source is refused whole with every problem
    listed (file, line, value), and nothing is written. A sheet whose numbers and
    photo are those already stored is left alone (no write, no new flag); a
    changed sheet is updated and checked again. Checks run per batch and their
    flags are stored; the flags comparing sources are rebuilt for the TPS touched.
    The file is read in blocks of `block_bytes` (one batch each); `progress` is
    called with the number of rows of each batch read.
    """
    if source not in SOURCES:
        raise ImportFailed(
            [ImportProblem(path.name, None, "sumber tak dikenal", source)]
        )
    problems = layouts.Problems(path.name)
    n_candidates = contest.candidates.count()
    layout = layouts.detect_layout(path, problems, n_candidates)
    if layout is None:
        raise ImportFailed(problems.items)
    batches = layouts.read_batches(
        path,
        layout,
        problems,
        source=source,
        single_source=True,
        block_bytes=block_bytes,
    )
    try:
        with transaction.atomic(), ThreadPoolExecutor(2) as pool:
            # The file's digest and its first batch are read while the database
            # answers the look-ups the importer starts with.
            digest = pool.submit(sha256_of, path)
            first = pool.submit(next, batches, None)
            run = ResultImport.objects.create(
                contest=contest,
                source=source,
                file_name=path.name,
                sha256="",
                imported_by=actor,
            )
            importer = SheetImporter(contest, source, run, problems)
            importer.report.ignored_columns = layout.ignored
            ahead = first.result()
            with importer:
                for batch in chain([] if ahead is None else [ahead], batches):
                    importer.add(batch)
                    if progress:
                        progress(len(batch.sheets))
                if problems:
                    raise ImportFailed(problems.items)
                importer.finish()
            report = importer.report
            for name in ("rows", "created", "updated", "unchanged", "empty"):
                setattr(run, name, getattr(report, name))
            run.flagged, run.sha256 = report.flagged, digest.result()
            run.save()
    finally:
        batches.close()  # stops the reading thread early after an error
    return report


@dataclass
class SheetImporter:
    """Imports batches of sheets of one source inside the caller's transaction.

    New sheets go to a storage.SheetWriter, which inserts them while the next batch
    is read and checked; changed sheets are updated at once (the writer flushed
    first). The flags of the checks and the comparison of sources wait for
    `finish()`, when every sheet is in the table: then one look-up gives the
    sheet ids of the flagged TPS and the flags go in one bulk insert. Use as a
    context manager: leaving it with an error stops the writer (the caller's
    transaction rolls back).
    """

    contest: Contest
    source: str
    run: ResultImport
    problems: layouts.Problems
    # A few sheets (the entry form, the API): look up only their TPS, not all.
    only_codes: list[str] | None = None
    report: ImportReport = field(init=False)

    def __post_init__(self) -> None:
        self.report = ImportReport(self.run.file_name, self.source)
        # One writer of a contest's sheets at a time (the primary source of a TPS
        # and the kept sums per desa depend on what is stored).
        contest_lock(self.contest.id)
        self.sums = DesaSumKeeper(
            self.contest,
            self.contest.candidates.count(),
            had_sheets=ResultSheet.objects.filter(contest=self.contest).exists(),
        )
        if self.only_codes is None:
            self.codes, self.ids = storage.tps_index()
            tps, sheet_ids, hashes = storage.existing_sheets(
                self.contest.id, self.source
            )
            other = storage.tps_with_other_sources(self.contest.id, self.source)
        else:
            self.codes, self.ids, tps, sheet_ids, hashes, other = _lookups_for(
                self.contest, self.source, self.only_codes
            )
        size = int(self.ids.max(initial=0)) + 1
        size = max(size, int(tps.max(initial=0)) + 1)
        self.sheet_id = np.zeros(size, dtype=np.int64)
        self.hash = np.zeros(size, dtype=np.int64)
        self.sheet_id[tps], self.hash[tps] = sheet_ids, hashes
        self.seen_line = np.zeros(size, dtype=np.int64)
        self.has_other = np.zeros(size, dtype=bool)
        self.has_other[other] = True
        self.writer = storage.SheetWriter(
            contest_id=self.contest.id, source=self.source, run_id=self.run.id
        )
        self.flags: list[checks.Flag] = []
        self.flag_tps: list[int] = []
        self.flag_codes: list[str] = []
        self.touched_other: list[np.ndarray] = []

    def __enter__(self) -> SheetImporter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is not None:
            self.writer.abort(exc)
        else:
            self.writer.flush()

    def add(self, batch: layouts.Batch) -> None:
        self.report.rows += len(batch.sheets)
        self.report.empty += int((batch.empty & ~batch.bad).sum())
        rows = np.nonzero(~batch.empty & ~batch.bad)[0]
        tps_ids = self._tps_ids(batch, rows)
        if self.problems:
            return  # keep reading to list every problem; write nothing
        sheets = _take(batch.sheets, rows)
        photos = None if batch.photos is None else batch.photos[rows]
        hashes = content_hash(sheets, photos)
        old = self.sheet_id[tps_ids]
        new = old == 0
        changed = ~new & (self.hash[tps_ids] != hashes)
        self.report.created += int(new.sum())
        self.report.updated += int(changed.sum())
        self.report.unchanged += int((~new & ~changed).sum())
        todo = np.nonzero(new | changed)[0]
        if not todo.size:
            return
        self._write(
            sheets, tps_ids, photos, batch.source_ts[rows], hashes, new, changed
        )
        self._check(_take(sheets, todo), tps_ids[todo])
        touched = tps_ids[todo]
        other = self.has_other[touched]
        self.touched_other.append(touched[other])
        self.sums.stale(sheets.codes[todo[other]])

    def finish(self) -> None:
        """Once every batch is added: the flags and the comparison of sources."""
        self.writer.flush()
        self._store_flags()
        if self.touched_other:
            self._sources_changed(np.concatenate(self.touched_other))
        self.sums.finish()

    def _tps_ids(self, batch: layouts.Batch, rows: np.ndarray) -> np.ndarray:
        codes = batch.sheets.codes[rows]
        tps_ids = storage.lookup(self.codes, self.ids, codes)
        lines = batch.lines[rows]
        for i in np.nonzero(tps_ids == 0)[0]:
            self.problems.add(
                int(lines[i]), "kode TPS tidak dikenal", f"{int(codes[i]):013d}"
            )
        known = tps_ids > 0
        first = self.seen_line[tps_ids]
        order = np.argsort(tps_ids, kind="stable")
        ids_sorted = tps_ids[order]
        repeat = np.zeros(len(tps_ids), dtype=bool)
        repeat[order[1:]] = ids_sorted[1:] == ids_sorted[:-1]
        for i in np.nonzero(known & ((first > 0) | repeat))[0]:
            self.problems.add(
                int(lines[i]), "TPS muncul lebih dari sekali", f"{int(codes[i]):013d}"
            )
        self.seen_line[tps_ids[known]] = lines[known]
        return tps_ids

    def _write(
        self,
        sheets: Sheets,
        tps_ids: np.ndarray,
        photos: np.ndarray | None,
        source_ts: np.ndarray,
        hashes: np.ndarray,
        new: np.ndarray,
        changed: np.ndarray,
    ) -> None:
        pick = np.nonzero(new)[0]
        if pick.size:
            self.sums.added(_take(sheets, pick))  # those of a TPS with another
            # source are summed again from the table (stale, in add())
            self.writer.add(
                sheets=_take(sheets, pick),
                tps_ids=tps_ids[pick],
                primary=np.ones(pick.size, dtype=bool),  # see _sources_changed
                photos=None if photos is None else photos[pick],
                source_ts=source_ts[pick],
                hashes=hashes[pick],
            )
        pick = np.nonzero(changed)[0]
        if pick.size:
            self.sums.stale(sheets.codes[pick])
            self.writer.flush()  # the connection is needed for other statements
            ids = self.sheet_id[tps_ids[pick]]
            SheetFlag.objects.filter(
                sheet_id__in=ids.tolist(), cross_source=False, status=FlagStatus.OPEN
            ).delete()
            storage.update_sheets(
                sheets=sheets.take(pick),
                sheet_ids=ids,
                photos=None if photos is None else photos[pick],
                source_ts=source_ts[pick],
                hashes=hashes[pick],
                run_id=self.run.id,
            )

    def _check(self, sheets: Sheets, tps_ids: np.ndarray) -> None:
        """Run the per-sheet checks; their flags are kept for _store_flags."""
        found = checks.check_sheets(sheets)
        self.report.flagged += len({f.row for f in found})
        self.flags += found
        self.flag_tps += [int(tps_ids[f.row]) for f in found]
        self.flag_codes += [sheets.code(f.row) for f in found]

    def _store_flags(self) -> None:
        if not self.flags:
            return
        sheet_of = storage.sheet_ids_for(
            self.contest.id, self.source, sorted(set(self.flag_codes))
        )
        # Flags are written straight to the table: ~25,000 at national scale would
        # cost seconds as model instances.
        storage.insert_flags(
            self.flags,
            contest_id=self.contest.id,
            tps_ids=self.flag_tps,
            codes=self.flag_codes,
            sheet_ids=[sheet_of.get(c) for c in self.flag_codes],
            sources=[self.source] * len(self.flags),
            now=timezone.now(),
        )

    def _sources_changed(self, tps_ids: np.ndarray) -> None:
        if tps_ids.size:
            sources_refresh(contest=self.contest, tps_ids=tps_ids.tolist())


def _take(sheets: Sheets, rows: np.ndarray) -> Sheets:
    """The rows of sheets (ascending indexes); the same object when that is all
    of them, as in most batches: no copy of the matrices."""
    return sheets if len(rows) == len(sheets) else sheets.take(rows)


def _lookups_for(
    contest: Contest, source: str, codes: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """SheetImporter's look-up arrays restricted to these TPS codes."""
    pairs = sorted(
        (int(c), i)
        for c, i in TPS.objects.filter(code__in=codes).values_list("code", "id")
    )
    known = np.array([c for c, _ in pairs], dtype=np.int64)
    ids = np.array([i for _, i in pairs], dtype=np.int64)
    stored = list(
        ResultSheet.objects.filter(contest=contest, tps_code__in=codes).values_list(
            "tps_id", "id", "content_hash", "source"
        )
    )
    mine = [r for r in stored if r[3] == source]
    tps = np.array([r[0] for r in mine], dtype=np.int64)
    sheet_ids = np.array([r[1] for r in mine], dtype=np.int64)
    hashes = np.array([r[2] for r in mine], dtype=np.int64)
    other = np.array(sorted({r[0] for r in stored if r[3] != source}), dtype=np.int64)
    return known, ids, tps, sheet_ids, hashes, other
