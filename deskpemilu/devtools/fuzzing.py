"""`deskpemilu fuzz`: generated inputs (devtools/mutate.py) through every reader of
outside input that needs no database, counting what each does with them.

A reader may take an input, or refuse it with a message a person can read: a
ParseError (returned by the field-code parser), a PayloadError (a channel), a
FileRefused (a spreadsheet) or an ImportFailed (an importer) with a non-empty
message. Anything else is a crash: any other exception, a refusal without a message,
or the field-code parser's `internal_error` (its net for its own bugs). Each crash
is saved with its input and traceback, so that it can be replayed.
"""

from __future__ import annotations

import json
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deskpemilu.core.errors import ImportFailed
from deskpemilu.core.tabular import FileRefused
from deskpemilu.devtools.mutate import TPS, Mutator
from deskpemilu.intake import fieldcode, upload
from deskpemilu.intake.channels import (
    PayloadError,
    gateway_parse,
    telegram_parse,
    twilio_parse,
    whatsapp_parse,
)
from deskpemilu.regions import importers
from deskpemilu.results import layouts
from deskpemilu.results.services.official import read_official
from deskpemilu.situation import tps_table
from deskpemilu.situation.vulnerability import INDICATOR_KEYS


class Refused(Exception):
    """A reader's refusal, with its message checked."""


class Crashed(Exception):
    """Not a refusal: the reader did something it must not."""


def _refusal(error: BaseException) -> Refused:
    """The refusal, if `error` is one with a message; otherwise raise Crashed."""
    if isinstance(error, ImportFailed):
        messages = [p.message for p in error.problems]
    elif isinstance(error, FileRefused | PayloadError):
        messages = [error.message]
    else:
        raise error
    if not messages or not all(m and m.strip() for m in messages):
        raise Crashed(f"refusal without a message: {error!r}") from error
    return Refused(messages[0])


# --- the readers, each taking its generated input -----------------------------------


def run_fieldcode(text: str) -> None:
    result = fieldcode.parse(text)
    if isinstance(result, fieldcode.ParseError):
        if result.code == "internal_error":
            # parse() swallowed an exception: run its inner step to show it.
            fieldcode._canonical_checkin(text) or fieldcode._parse(text)
            raise Crashed("parse() answered internal_error")
        if not result.message.strip():
            raise Crashed(f"ParseError without a message: {result!r}")
        raise Refused(result.message)


def _form(text: str):
    from django.http import QueryDict

    return QueryDict(text)


def run_twilio(text: str) -> None:
    twilio_parse(_form(text))


def run_gateway(text: str) -> None:
    gateway_parse(_form(text))


def run_whatsapp(body: bytes) -> None:
    whatsapp_parse(body)


def run_telegram(body: bytes) -> None:
    telegram_parse(body)


def run_upload(name: str, data: bytes) -> None:
    for _, values in upload.read_table(name, data):
        row = upload.clean_row(values)
        if any(not p.reason.strip() for p in row.problems):
            raise Crashed("row problem without a reason")


def run_tps_table(name: str, data: bytes) -> None:
    table = tps_table.read_table(name, data)
    if any(not message.strip() for _, message, _ in table.problems):
        raise Crashed("row problem without a message")


def run_regions(path: Path) -> None:
    importers.parse_regions(path, known_codes={"36", "36.01", "36.01.01"})


def run_tps_list(path: Path) -> None:
    importers.parse_tps(path, known_desa_nodot={"3601012001"})


def run_counts(path: Path) -> None:
    importers.parse_counts(
        path, "kode_tps", {TPS}, aliases={"dpt_total": "dpt"}, what="TPS"
    )


def run_alt_names(path: Path) -> None:
    importers.parse_alt_names(path)


def run_results(path: Path) -> None:
    problems = layouts.Problems(path.name)
    layout = layouts.detect_layout(path, problems, 3)
    if layout is not None:
        for _ in layouts.read_batches(
            path,
            layout,
            problems,
            source="kpu_sirekap",
            single_source=True,
            block_bytes=1 << 14,
            prefetch=0,
        ):
            pass
    if problems:
        raise _refusal(ImportFailed(problems.items))


def run_official(path: Path) -> None:
    read_official(path, 3, {"36": 1, "3601": 2})


# --- the seeds of each table --------------------------------------------------------


def _tps_seed() -> list[list[str]]:
    header = ["kode_tps", *INDICATOR_KEYS, "catatan"]
    row = [TPS, *("1" if i % 3 == 0 else "0" for i in range(len(INDICATOR_KEYS)))]
    return [header, row + ["dekat pos kampanye"], ["3601012001002", *row[1:], ""]]


SEEDS: dict[str, list[list[str]]] = {
    "upload": [list(upload.COLUMNS), *map(list, upload.TEMPLATE_ROWS)],
    "tps_table": _tps_seed(),
    "regions": [
        ["kode", "kode_nodot", "level", "tipe", "nama"],
        ["36.01.01.2001", "3601012001", "desa", "desa", "Sumberjaya"],
        ["36.01.01.1002", "3601011002", "desa", "kelurahan", "Ujungjaya"],
        ["36.01.02", "360102", "kecamatan", "kecamatan", "Cimanggu"],
    ],
    "tps_list": [
        ["kode_tps", "kode_desa", "no_tps", "nama_tps", "kpu_id_tps"],
        [TPS, "3601012001", "001", "TPS 001", "1"],
        ["3601012001901", "3601012001", "901", "TPS Lapas", "2"],
    ],
    "counts": [["kode_tps", "dpt_total"], [TPS, "290"]],
    "alt_names": [["kode", "nama"], ["36.01", "KAB. PANDEGLANG"]],
    "results": [
        [
            "kode_tps",
            "dpt_total",
            "pengguna_hak_pilih_total",
            "suara_1",
            "suara_2",
            "suara_3",
            "suara_sah",
            "suara_tidak_sah",
            "suara_total",
            "waktu_sumber",
            "sumber",
        ],
        [TPS, "290", "218", "118", "76", "18", "212", "6", "218", "", ""],
        ["3601012001002", "300", "1", "0", "1", "0", "1", "0", "1", "2024-02-15", ""],
    ],
    "official": [
        ["wilayah", "kode", "metric", "paslon_no", "paslon", "value", "source_ref"],
        ["NASIONAL", "0", "suara_sah_paslon", "1", "Anies", "40971906", "S1"],
        ["BANTEN", "36", "dpt", "", "", "8842646", "S2"],
    ],
}


# --- the run ------------------------------------------------------------------------


@dataclass
class Target:
    name: str
    weight: int
    make: Callable[[Mutator], tuple[object, str]]  # the input, its file suffix
    run: Callable[..., None]  # takes the input (and a file name for the tables)


def _file_target(name: str, weight: int, run: Callable[[Path], None]) -> Target:
    def make(m: Mutator) -> tuple[object, str]:
        return m.csv_file(SEEDS[name]), ".csv"

    return Target(name, weight, make, run)


def _sheet_target(name: str, weight: int, run: Callable[[str, bytes], None]) -> Target:
    def make(m: Mutator) -> tuple[object, str]:
        if m.rng.random() < 0.35:
            return m.xlsx_file(SEEDS[name]), ".xlsx"
        return m.csv_file(SEEDS[name]), ".csv"

    return Target(name, weight, make, run)


TARGETS = [
    Target("fieldcode", 30, lambda m: (m.text(), ".txt"), run_fieldcode),
    Target("twilio", 7, lambda m: (m.form("twilio"), ".txt"), run_twilio),
    Target("gateway", 7, lambda m: (m.form("gateway"), ".txt"), run_gateway),
    Target("whatsapp", 9, lambda m: (m.json_body("whatsapp"), ".json"), run_whatsapp),
    Target("telegram", 9, lambda m: (m.json_body("telegram"), ".json"), run_telegram),
    _sheet_target("upload", 10, run_upload),
    _sheet_target("tps_table", 7, run_tps_table),
    _file_target("regions", 4, run_regions),
    _file_target("tps_list", 4, run_tps_list),
    _file_target("counts", 3, run_counts),
    _file_target("alt_names", 2, run_alt_names),
    _file_target("results", 5, run_results),
    _file_target("official", 3, run_official),
]


@dataclass
class Crash:
    target: str
    error: str  # type and message
    where: str  # the innermost frame of our code
    saved: Path | None
    size: int


@dataclass
class Summary:
    seed: int
    inputs: int = 0
    seconds: float = 0.0
    tally: dict[str, Counter] = field(default_factory=dict)
    crashes: list[Crash] = field(default_factory=list)

    def signatures(self) -> dict[tuple[str, str, str], list[Crash]]:
        """Crashes grouped by target, error type and place, smallest input first."""
        groups: dict[tuple[str, str, str], list[Crash]] = {}
        for crash in self.crashes:
            key = (crash.target, crash.error.split(":", 1)[0], crash.where)
            groups.setdefault(key, []).append(crash)
        for crashes in groups.values():
            crashes.sort(key=lambda c: c.size)
        return groups

    def as_dict(self) -> dict:
        return {
            "seed": self.seed,
            "inputs": self.inputs,
            "seconds": round(self.seconds, 1),
            "crashes": len(self.crashes),
            "per_target": {t: dict(c) for t, c in sorted(self.tally.items())},
            "signatures": [
                {
                    "target": t,
                    "error": crashes[0].error[:300],
                    "where": where,
                    "count": len(crashes),
                    "smallest_input": str(crashes[0].saved or ""),
                }
                for (t, _, where), crashes in self.signatures().items()
            ],
        }


class Fuzz:
    """Runs generated inputs; crashes are saved under `folder` (at most `keep`)."""

    def __init__(self, seed: int, folder: Path, keep: int = 500) -> None:
        self.mutator = Mutator(seed)
        self.folder = folder
        self.keep = keep
        self.summary = Summary(seed=seed)
        self.work = Path(tempfile.mkdtemp(prefix="deskpemilu-fuzz-"))
        weights = [t.weight for t in TARGETS]
        self._pick = lambda: self.mutator.rng.choices(TARGETS, weights)[0]

    def run(self, count: int, progress: Callable[[int], None]) -> Summary:
        start = time.perf_counter()
        try:
            for _ in range(count):
                self.one(self._pick())
                progress(1)
        finally:
            self.summary.seconds = time.perf_counter() - start
            for path in self.work.iterdir():
                path.unlink()
            self.work.rmdir()
        return self.summary

    def one(self, target: Target) -> str:
        data, suffix = target.make(self.mutator)
        tally = self.summary.tally.setdefault(target.name, Counter())
        self.summary.inputs += 1
        try:
            outcome = try_input(target, data, suffix, self.work)
        except Exception as crash:  # noqa: BLE001 - what the run is looking for
            self._crash(target.name, crash, data, suffix)
            outcome = "crashes"
        tally[outcome] += 1
        return outcome

    def _crash(self, target: str, error: BaseException, data, suffix: str) -> None:
        frames = traceback.extract_tb(error.__traceback__)
        ours = [f for f in frames if "/deskpemilu/" in f.filename] or frames
        where = f"{ours[-1].filename.split('/deskpemilu/')[-1]}:{ours[-1].lineno}"
        raw = (
            data
            if isinstance(data, bytes)
            else str(data).encode("utf-8", "surrogatepass")
        )
        saved = None
        if len(self.summary.crashes) < self.keep:
            self.folder.mkdir(parents=True, exist_ok=True)
            n = len(self.summary.crashes) + 1
            saved = self.folder / f"{n:04d}-{target}{suffix}"
            saved.write_bytes(raw)
            report = "".join(traceback.format_exception(error))
            saved.with_suffix(saved.suffix + ".txt").write_text(report)
        text = f"{type(error).__name__}: {error}"
        self.summary.crashes.append(Crash(target, text, where, saved, len(raw)))


def target(name: str) -> Target:
    return next(t for t in TARGETS if t.name == name)


def try_input(target: Target, data: Any, suffix: str, work: Path) -> str:
    """ "accepted" or "refused" (with a message); a crash raises. Files are written
    to `work` for the readers that take a path."""
    try:
        if target.run in (run_upload, run_tps_table):
            target.run("berkas" + suffix, data)
        elif suffix == ".csv":
            path = work / ("berkas" + suffix)
            path.write_bytes(data)
            target.run(path)
        else:
            target.run(data)
    except Refused:
        return "refused"
    except Crashed:
        raise
    except Exception as error:  # noqa: BLE001 - sorted into refusal or crash
        _refusal(error)
        return "refused"
    return "accepted"


def summary_json(summary: Summary) -> str:
    return json.dumps(summary.as_dict(), indent=2, ensure_ascii=False)
