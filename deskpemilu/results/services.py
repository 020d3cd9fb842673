"""Writes of the results app: imports of sheets and official recaps, the desk's
decisions, and the flags the checks leave."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from deskpemilu.accounts import access
from deskpemilu.core.csvio import read_rows, sha256_of
from deskpemilu.core.errors import ImportFailed, ImportProblem
from deskpemilu.elections.models import Contest
from deskpemilu.regions.codes import dotted
from deskpemilu.regions.models import TPS, Region
from deskpemilu.results import bulk, checks, layouts, screens, selectors
from deskpemilu.results.models import (
    Decision,
    FlagStatus,
    OfficialRecap,
    RecapLevel,
    ResultImport,
    ResultSheet,
    SheetFlag,
)
from deskpemilu.results.sheets import Sheets, content_hash
from deskpemilu.results.spec import FIELDS, SOURCE_RANK, SOURCES, Check, is_field

Progress = Callable[[int], None]


class ResultsError(ValueError):
    """A write refused for a reason the person can fix, said in Indonesian; `field`
    names the input at fault."""

    def __init__(self, code: str, message: str, field: str = "") -> None:
        super().__init__(message)
        self.code, self.message, self.field = code, message, field


def desk_at(actor, prefix: str) -> bool:
    """Whether the actor holds a desk role over the whole area (undotted prefix;
    "" = everywhere)."""
    acc = access.access_for(actor)
    if not prefix:
        return acc.everything
    return bool(acc.roles_at(dotted(prefix) or "") & access.DESK_ROLES)


def _field_in_contest(contest: Contest, name: str) -> bool:
    return name in FIELDS or int(name[6:]) <= contest.candidates.count()


@dataclass
class ImportReport:
    file: str
    source: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    empty: int = 0
    flagged: int = 0
    ignored_columns: tuple[str, ...] = ()

    def __str__(self) -> str:
        text = (
            f"{self.file} ({self.source}): {self.rows} baris, {self.created} baru, "
            f"{self.updated} berubah, {self.unchanged} sama, {self.empty} kosong; "
            f"{self.flagged} lembar ditandai"
        )
        if self.ignored_columns:
            text += "; kolom diabaikan: " + ", ".join(self.ignored_columns)
        return text


def contest_for(kind: str, election_slug: str | None = None) -> Contest:
    """The contest of this kind (of the given election, else the latest one)."""
    qs = Contest.objects.filter(kind=kind).order_by("-election__vote_date")
    if election_slug:
        qs = qs.filter(election__slug=election_slug)
    contest = qs.first()
    if contest is None:
        raise ImportFailed([ImportProblem("-", None, f"kontestasi {kind} tidak ada")])
    return contest


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
            importer = _Importer(contest, source, run, problems)
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
class _Importer:
    """Imports batches of sheets of one source inside the caller's transaction.

    New sheets go to a bulk.SheetWriter, which inserts them while the next batch
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
        if self.only_codes is None:
            self.codes, self.ids = bulk.tps_index()
            tps, sheet_ids, hashes = bulk.existing_sheets(self.contest.id, self.source)
            other = bulk.tps_with_other_sources(self.contest.id, self.source)
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
        self.writer = bulk.SheetWriter(
            contest_id=self.contest.id, source=self.source, run_id=self.run.id
        )
        self.flags: list[checks.Flag] = []
        self.flag_tps: list[int] = []
        self.flag_codes: list[str] = []
        self.touched_other: list[np.ndarray] = []

    def __enter__(self) -> _Importer:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
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
        sheets = batch.sheets.take(rows)
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
        self._check(sheets.take(todo), tps_ids[todo])
        touched = tps_ids[todo]
        self.touched_other.append(touched[self.has_other[touched]])

    def finish(self) -> None:
        """Once every batch is added: the flags and the comparison of sources."""
        self.writer.flush()
        self._store_flags()
        if self.touched_other:
            self._sources_changed(np.concatenate(self.touched_other))

    def _tps_ids(self, batch: layouts.Batch, rows: np.ndarray) -> np.ndarray:
        codes = batch.sheets.codes[rows]
        tps_ids = bulk.lookup(self.codes, self.ids, codes)
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

    def _write(self, sheets, tps_ids, photos, source_ts, hashes, new, changed) -> None:
        pick = np.nonzero(new)[0]
        if pick.size:
            self.writer.add(
                sheets=sheets.take(pick),
                tps_ids=tps_ids[pick],
                primary=np.ones(pick.size, dtype=bool),  # see _sources_changed
                photos=None if photos is None else photos[pick],
                source_ts=source_ts[pick],
                hashes=hashes[pick],
            )
        pick = np.nonzero(changed)[0]
        if pick.size:
            self.writer.flush()  # the connection is needed for other statements
            ids = self.sheet_id[tps_ids[pick]]
            SheetFlag.objects.filter(
                sheet_id__in=ids.tolist(), cross_source=False, status=FlagStatus.OPEN
            ).delete()
            bulk.update_sheets(
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
        sheet_of = bulk.sheet_ids_for(
            self.contest.id, self.source, sorted(set(self.flag_tps))
        )
        # Flags are written straight to the table: ~25,000 at national scale would
        # cost seconds as model instances.
        bulk.insert_flags(
            self.flags,
            contest_id=self.contest.id,
            tps_ids=self.flag_tps,
            codes=self.flag_codes,
            sheet_ids=[sheet_of.get(t) for t in self.flag_tps],
            sources=[self.source] * len(self.flags),
            now=timezone.now(),
        )

    def _sources_changed(self, tps_ids: np.ndarray) -> None:
        if tps_ids.size:
            sources_refresh(contest=self.contest, tps_ids=tps_ids.tolist())


def _lookups_for(contest: Contest, source: str, codes: list[str]) -> tuple:
    """_Importer's look-up arrays restricted to these TPS codes."""
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


def _flag_row(
    f: checks.Flag, contest_id, tps_id, code, sheet_id, source, now
) -> SheetFlag:
    return SheetFlag(
        contest_id=contest_id,
        tps_id=tps_id,
        tps_code=code,
        sheet_id=sheet_id,
        source=source,
        cross_source=f.cross_source,
        check_name=f.check,
        field=f.field,
        value=f.value,
        expected=f.expected,
        detail=f.detail,
        created_at=now,
    )


def sheets_of(contest: Contest, tps_ids: list[int]) -> tuple[Sheets, list[ResultSheet]]:
    """The stored sheets of these TPS (every source) as arrays, and their rows."""
    stored = list(
        ResultSheet.objects.filter(contest=contest, tps_id__in=tps_ids).order_by(
            "tps_code", "source"
        )
    )
    k = contest.candidates.count()
    dicts = []
    for sheet in stored:
        row = {"kode_tps": sheet.tps_code, "sumber": sheet.source}
        row.update({name: getattr(sheet, name) for name in FIELDS})
        row.update({f"suara_{i + 1}": v for i, v in enumerate(sheet.votes[:k])})
        dicts.append(row)
    return Sheets.from_dicts(dicts, k), stored


def sources_refresh(*, contest: Contest, tps_ids: list[int]) -> None:
    """After a sheet of these TPS changed: mark each TPS's best source primary and
    rebuild the flags that compare its sources."""
    for start in range(0, len(tps_ids), 2000):
        chunk = tps_ids[start : start + 2000]
        sheets, stored = sheets_of(contest, chunk)
        best: dict[int, ResultSheet] = {}
        for s in stored:
            b = best.get(s.tps_id)
            if b is None or SOURCE_RANK[s.source] < SOURCE_RANK[b.source]:
                best[s.tps_id] = s
        primary = {s.id for s in best.values()}
        moved = [s for s in stored if s.is_primary != (s.id in primary)]
        for s in moved:
            s.is_primary = not s.is_primary
        ResultSheet.objects.bulk_update(moved, ["is_primary"], batch_size=2000)
        SheetFlag.objects.filter(
            contest=contest, tps_id__in=chunk, cross_source=True, status=FlagStatus.OPEN
        ).delete()
        now = timezone.now()
        SheetFlag.objects.bulk_create(
            [
                _flag_row(
                    f,
                    contest.id,
                    stored[f.row].tps_id,
                    stored[f.row].tps_code,
                    stored[f.row].id if f.check != "source_conflict" else None,
                    stored[f.row].source if f.check != "source_conflict" else "",
                    now,
                )
                for f in checks.compare_sources(sheets)
            ]
        )


# Decisions ----------------------------------------------------------------------------


def decision_record(
    *,
    actor,
    contest: Contest,
    tps_code: str,
    field_name: str,
    value: int | None,
    reason: str,
    chosen_source: str = "",
) -> Decision:
    """Keep a value for one field of one TPS, with the reason; the previous decision
    on the field is superseded (kept), and the open flags on the field resolved.

    Desk roles in the TPS's region only; outside the user's scope the TPS is "not
    found".
    """
    tps = access.tps_visible(actor).filter(code=tps_code).select_related("desa").first()
    if tps is None:
        raise Http404("TPS not found")
    if not access.access_for(actor).roles_at(tps.desa.code) & access.DESK_ROLES:
        raise PermissionDenied("only the desk decides result values")
    if not is_field(field_name) or not _field_in_contest(contest, field_name):
        raise ResultsError(
            "unknown_field", f"Kolom '{field_name}' tidak dikenal.", "field"
        )
    if not reason.strip():
        raise ResultsError("reason_required", "Keputusan perlu alasan.", "reason")
    if chosen_source and chosen_source not in SOURCES:
        raise ResultsError(
            "unknown_source", f"Sumber '{chosen_source}' tidak dikenal.", "source"
        )
    if value is not None and abs(value) > layouts.MAX_VALUE:
        raise ResultsError("too_large", "Angka terlalu besar.", "value")
    now = timezone.now()
    with transaction.atomic():
        current = (
            Decision.objects.select_for_update()
            .filter(
                contest=contest, tps=tps, field=field_name, superseded_at__isnull=True
            )
            .first()
        )
        if current:
            current.superseded_at = now
            current.save(update_fields=["superseded_at"])
        decision = Decision.objects.create(
            contest=contest,
            tps=tps,
            tps_code=tps.code,
            field=field_name,
            value=value,
            chosen_source=chosen_source,
            reason=reason.strip(),
            decided_by=actor,
            decided_at=now,
        )
        if current:
            current.superseded_by = decision
            current.save(update_fields=["superseded_by"])
        SheetFlag.objects.filter(
            contest=contest, tps=tps, field=field_name, status=FlagStatus.OPEN
        ).update(
            status=FlagStatus.RESOLVED,
            resolved_at=now,
            resolved_by=actor,
            note=f"keputusan #{decision.id}: {value}",
        )
    return decision


# Official recapitulation -------------------------------------------------------

OFFICIAL_METRICS = {
    "suara_sah_total": "suara_sah",
    "suara_tidak_sah": "suara_tidak_sah",
    "suara_total": "suara_total",
    "dpt": "dpt_total",
    "pengguna_hak_pilih_dpt": "pengguna_dpt_total",
    "pengguna_hak_pilih_dptb": "pengguna_dptb_total",
    "pengguna_hak_pilih_dpk": "pengguna_dpk_total",
    "pengguna_hak_pilih_total": "pengguna_hak_pilih_total",
}
LEVEL_BY_LENGTH = {
    0: RecapLevel.NASIONAL,
    2: RecapLevel.PROVINSI,
    4: RecapLevel.KABKOTA,
    6: RecapLevel.KECAMATAN,
    10: RecapLevel.DESA,
}


def official_recap_import(*, path: Path, contest: Contest, actor: str = "") -> int:
    """Official recap figures (D.Hasil) from a long-format CSV (wilayah, kode,
    metric, paslon_no, value, source_ref), as pilpres2024_official_totals.csv.
    All or nothing; a region's figures are replaced by the file's."""
    problems: list[ImportProblem] = []
    k = contest.candidates.count()
    areas: dict[str, dict] = {}
    regions = dict(Region.objects.values_list("code_nodot", "id"))
    for line, row in read_rows(
        path, ["kode", "metric", "paslon_no", "value", "source_ref"]
    ):
        code = "" if row["kode"] in ("0", "") else row["kode"]
        if len(code) not in LEVEL_BY_LENGTH or not (code == "" or code.isdigit()):
            problems.append(
                ImportProblem(path.name, line, "kode wilayah salah", row["kode"])
            )
            continue
        if code and code not in regions:
            problems.append(ImportProblem(path.name, line, "wilayah tak dikenal", code))
            continue
        if not row["value"].lstrip("-").isdigit():
            problems.append(
                ImportProblem(
                    path.name, line, "nilai harus bilangan bulat", row["value"]
                )
            )
            continue
        area = areas.setdefault(code, {"votes": [None] * k, "refs": set()})
        area["refs"].add(row["source_ref"])
        value = int(row["value"])
        if row["metric"] == "suara_sah_paslon":
            number = int(row["paslon_no"]) if row["paslon_no"].isdigit() else 0
            if not 1 <= number <= k:
                problems.append(
                    ImportProblem(
                        path.name, line, "nomor paslon salah", row["paslon_no"]
                    )
                )
                continue
            area["votes"][number - 1] = value
        elif row["metric"] in OFFICIAL_METRICS:
            area[OFFICIAL_METRICS[row["metric"]]] = value
        else:
            problems.append(
                ImportProblem(path.name, line, "metric tak dikenal", row["metric"])
            )
    if problems:
        raise ImportFailed(problems)
    with transaction.atomic():
        for code, area in areas.items():
            refs = area.pop("refs")
            OfficialRecap.objects.update_or_create(
                contest=contest,
                area_code=code,
                defaults={
                    "level": LEVEL_BY_LENGTH[len(code)],
                    "region_id": regions.get(code),
                    "source_ref": f"{path.name}: " + ", ".join(sorted(refs)),
                    **{name: area.get(name) for name in FIELDS},
                    "votes": area["votes"],
                },
            )
    return len(areas)


# Sheets typed at the desk or posted to the API ------------------------------------


def sheets_submit(
    *,
    actor,
    contest: Contest,
    rows: list[dict],
    source: str = "desk",
    channel: str = "entri desk",
    photo=None,
) -> ImportReport:
    """Store sheets given as dicts (`kode_tps`, the C.Hasil fields, `votes` list or
    `suara_<n>`, optional `waktu_sumber` (aware datetime) and `foto` URL) through the
    import path: same checks, flags, idempotence and choice of the primary source.

    Desk roles only (403); every problem of every row is listed and nothing is
    written (ImportFailed); a TPS outside the actor's scope reads as unknown.
    `photo` (an uploaded file) is kept on the sheet of a single-row submission.
    """
    if not access.access_for(actor).roles & access.DESK_ROLES:
        raise PermissionDenied("only the desk enters result sheets")
    if source not in SOURCES:
        raise ImportFailed([ImportProblem(channel, None, "sumber tak dikenal", source)])
    problems = layouts.Problems(channel)
    k = contest.candidates.count()
    dicts, stamps, photos = _submitted(actor, rows, k, problems)
    if problems:
        raise ImportFailed(problems.items)
    sheets = Sheets.from_dicts(dicts, k)
    sheets.sources = None  # one source: no comparison inside the submission
    batch = layouts.Batch(
        sheets=sheets,
        lines=np.arange(1, len(dicts) + 1, dtype=np.int64),
        empty=~sheets.known.any(1),
        bad=np.zeros(len(dicts), dtype=bool),
        source_ts=np.array(stamps, dtype="datetime64[us]"),
        photos=np.array(photos, dtype=str),
    )
    digest = hashlib.sha256(
        json.dumps(dicts, sort_keys=True, default=str).encode()
    ).hexdigest()
    with transaction.atomic():
        run = ResultImport.objects.create(
            contest=contest,
            source=source,
            file_name=channel,
            sha256=digest,
            imported_by=actor.get_username(),
        )
        codes = [d["kode_tps"] for d in dicts]
        with _Importer(contest, source, run, problems, only_codes=codes) as importer:
            importer.add(batch)
            if problems:
                raise ImportFailed(problems.items)
            importer.finish()
        report = importer.report
        for name in ("rows", "created", "updated", "unchanged", "empty", "flagged"):
            setattr(run, name, getattr(report, name))
        run.save()
        stored = ResultSheet.objects.filter(
            contest=contest, source=source, tps_code__in=codes
        )
        stored.filter(import_run=run).update(entered_by=actor)
        if photo is not None and len(codes) == 1:
            sheet = stored.get()
            sheet.photo.save(photo.name, photo, save=False)
            sheet.save(update_fields=["photo"])
    return report


def _submitted(actor, rows: list[dict], k: int, problems) -> tuple:
    """The rows as Sheets.from_dicts input, their times and photo URLs; problems
    added for anything the import would refuse."""
    visible = {
        t.code: t.desa.code
        for t in access.tps_visible(actor)
        .filter(code__in=[str(r.get("kode_tps", "")).strip() for r in rows])
        .select_related("desa")
    }
    acc = access.access_for(actor)
    dicts, stamps, photos, seen = [], [], [], set()
    for line, row in enumerate(rows, start=1):
        code = str(row.get("kode_tps", "")).strip()
        if code not in visible:
            problems.add(line, "kode TPS tidak dikenal", code)
        elif code in seen:
            problems.add(line, "TPS muncul lebih dari sekali", code)
        elif not acc.roles_at(visible[code]) & access.DESK_ROLES:
            raise PermissionDenied("only the desk enters result sheets")
        seen.add(code)
        out = {"kode_tps": code or "0"}
        votes = list(row.get("votes") or [])
        votes += [row.get(f"suara_{i}") for i in range(len(votes) + 1, k + 1)]
        for number, value in enumerate(votes, start=1):
            if number > k and value is not None:
                problems.add(line, f"paslon nomor {number} tidak ada ({k} paslon)")
            out[f"suara_{number}"] = value
        for name in FIELDS:
            out[name] = row.get(name)
        for name, value in out.items():
            if name != "kode_tps" and not _count_ok(value):
                problems.add(line, f"kolom {name} harus bilangan bulat", str(value))
                out[name] = None
        if not any(v is not None for n, v in out.items() if n != "kode_tps"):
            problems.add(line, "lembar kosong: tidak ada angka", code)
        dicts.append(out)
        moment = row.get("waktu_sumber") or timezone.now()
        stamps.append(moment.astimezone(dt.UTC).replace(tzinfo=None))
        photos.append(str(row.get("foto") or ""))
    return dicts, stamps, photos


def _count_ok(value) -> bool:
    if value is None:
        return True
    return (
        isinstance(value, int)
        and not isinstance(value, bool)
        and abs(value) <= layouts.MAX_VALUE
    )


# Flags -------------------------------------------------------------------------


def flag_close(*, actor, flag_id: int, status: str, note: str) -> SheetFlag:
    """Resolve or dismiss an open flag, with a note saying why. Desk roles of the
    TPS's region only (403); outside the actor's scope the flag is not found."""
    flag = selectors.flag_for_user_or_404(actor, flag_id)
    if not access.access_for(actor).roles_at(flag.tps.desa.code) & access.DESK_ROLES:
        raise PermissionDenied("only the desk closes flags")
    if status not in (FlagStatus.RESOLVED, FlagStatus.DISMISSED):
        raise ResultsError("bad_status", "Status penutupan tidak sah.", "status")
    if not note.strip():
        raise ResultsError("note_required", "Tulis catatan alasannya.", "note")
    with transaction.atomic():
        flag = SheetFlag.objects.select_for_update().get(pk=flag.pk)
        if flag.status != FlagStatus.OPEN:
            raise ResultsError("closed", "Tanda ini sudah ditutup.", "status")
        flag.status, flag.note = status, note.strip()
        flag.resolved_at, flag.resolved_by = timezone.now(), actor
        flag.save(update_fields=["status", "note", "resolved_at", "resolved_by"])
    return flag


@dataclass
class ScreensReport:
    tps: int = 0
    flags: int = 0
    removed: int = 0
    kept_closed: int = 0


def screens_run(*, contest: Contest, actor=None, prefix: str = "") -> ScreensReport:
    """Compute the kecamatan outlier screens (turnout, vote share) over the desk
    values under `prefix` and store them as flags, in bulk.

    A kecamatan is judged whole, so a prefix below kecamatan widens to it. Open
    outlier flags of the area are replaced; a finding someone already resolved or
    dismissed (same TPS, check, field and detail) is not raised again. With an
    actor, desk roles of the area are required (403).
    """
    prefix = prefix[:6]
    if actor is not None and not desk_at(actor, prefix):
        raise PermissionDenied("only the desk runs the screens")
    desk = selectors.desk_sheets(contest, prefix)
    found = screens.outlier_flags(desk.sheets)
    names = (Check.TURNOUT_OUTLIER, Check.SHARE_OUTLIER)
    area = selectors.in_area(prefix)
    now = timezone.now()
    with transaction.atomic():
        flags = SheetFlag.objects.filter(area, contest=contest, check_name__in=names)
        removed, _ = flags.filter(status=FlagStatus.OPEN).delete()
        closed = set(
            flags.exclude(status=FlagStatus.OPEN).values_list(
                "tps_id", "check_name", "field", "detail"
            )
        )
        new = []
        for f in found:
            tps_id = int(desk.tps_ids[f.row])
            if (tps_id, f.check, f.field, f.detail) in closed:
                continue
            row = _flag_row(
                f,
                contest.id,
                tps_id,
                desk.sheets.code(f.row),
                int(desk.sheet_ids[f.row]),
                desk.sheets.source(f.row),
                now,
            )
            new.append(row)
        SheetFlag.objects.bulk_create(new, batch_size=2000)
    return ScreensReport(len(desk.sheets), len(new), removed, len(found) - len(new))
