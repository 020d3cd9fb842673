"""Official recapitulation figures (D.Hasil): imported from a file, or typed at the
desk (which recap a person may type, its arithmetic as typed, and the write). Both
land in the same row (one per contest and area), so typing a region's figures again,
or importing them later, replaces them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from deskpemilu.accounts import access
from deskpemilu.accounts.models import User
from deskpemilu.core.csvio import read_rows
from deskpemilu.core.errors import ImportFailed, ImportProblem
from deskpemilu.elections.models import Contest
from deskpemilu.regions.codes import dotted
from deskpemilu.regions.models import Region
from deskpemilu.results import checks
from deskpemilu.results.layouts import MAX_VALUE
from deskpemilu.results.models import OfficialRecap, RecapLevel
from deskpemilu.results.services.common import ResultsError
from deskpemilu.results.sheets import Sheets
from deskpemilu.results.spec import FIELDS, Check

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
    regions = dict(Region.objects.values_list("code_nodot", "id"))
    areas = read_official(path, contest.candidates.count(), regions)
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
                    "entered_by": None,  # imported, not typed: replaces typed figures
                },
            )
    return len(areas)


def _whole(text: str) -> int | None:
    """A whole number as written in the file (ASCII digits, an optional minus),
    within what the database holds; None otherwise."""
    digits = text[1:] if text.startswith("-") else text
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 10:
        return None
    value = int(text)
    return value if abs(value) <= MAX_VALUE else None


def read_official(
    path: Path, k: int, regions: Mapping[str, int]
) -> dict[str, dict[str, Any]]:
    """The file's figures by area code ("" for the nation), each with its votes
    per candidate (`k` of them) and its source references; ImportFailed with every
    problem found. No ORM: `regions` are the known region codes (without dots)."""
    problems: list[ImportProblem] = []
    areas: dict[str, dict[str, Any]] = {}
    for line, row in read_rows(
        path, ["kode", "metric", "paslon_no", "value", "source_ref"]
    ):
        code = "" if row["kode"] in ("0", "") else row["kode"]
        if code and dotted(code) is None:
            problems.append(
                ImportProblem(path.name, line, "kode wilayah salah", row["kode"])
            )
            continue
        if code and code not in regions:
            problems.append(ImportProblem(path.name, line, "wilayah tak dikenal", code))
            continue
        value = _whole(row["value"])
        if value is None:
            problems.append(
                ImportProblem(
                    path.name,
                    line,
                    f"nilai harus bilangan bulat (paling besar {MAX_VALUE})",
                    row["value"],
                )
            )
            continue
        area = areas.setdefault(code, {"votes": [None] * k, "refs": set()})
        area["refs"].add(row["source_ref"])
        if row["metric"] == "suara_sah_paslon":
            number = _whole(row["paslon_no"]) or 0
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
    return areas


# Typed at the desk -----------------------------------------------------------------

# The levels with a D.Hasil form: PPK (kecamatan), KPU kab/kota and KPU province.
# The nation's figures come from KPU's decree and are imported, not typed.
ENTRY_LEVELS = (RecapLevel.KECAMATAN, RecapLevel.KABKOTA, RecapLevel.PROVINSI)
# Checks that hold for one TPS only: a recap counts far more than 3,000, and the 2 %
# ballot reserve is rounded per TPS, so a recap's ballots may differ from its DPT +
# 2 % by up to one per TPS.
TPS_ONLY_CHECKS = frozenset({Check.ABSURD_COUNT, Check.BALLOTS_RECEIVED_MISMATCH})
PICKER_LIMIT = 2_000  # regions offered in the page's list


@dataclass
class RecapTarget:
    """The area whose D.Hasil is typed, and its figures stored so far (if any)."""

    region: Region
    current: OfficialRecap | None = None

    @property
    def level(self) -> str:
        return self.region.level


@dataclass
class RecapSaved:
    recap: OfficialRecap
    replaced: bool
    failing: list[str] = field(default_factory=list)  # identities that do not hold


def recap_report(
    figures: Mapping[str, int | None], n_candidates: int
) -> tuple[list[checks.IdentityState], list[checks.Flag]]:
    """The identities of a D.Hasil as typed so far (those of the C.Hasil, which sum
    up), each holding, failing or not yet checkable, and the other findings, without
    the checks that apply to a single TPS only."""
    row = {"kode_tps": "0", **figures}
    states, others = checks.sheet_report(Sheets.from_dicts([row], n_candidates))
    return states, [f for f in others if f.check not in TPS_ONLY_CHECKS]


def entry_regions(actor: User) -> list[tuple[str, str, str]]:
    """(code, name, level) of the areas the actor may type a D.Hasil for: every
    kecamatan, kab/kota and province inside a scope where they hold a desk role."""
    regions = (
        access.regions_visible(actor)
        .filter(level__in=ENTRY_LEVELS)
        .order_by("code")
        .values_list("code", "name", "level")[:PICKER_LIMIT]
    )
    return [r for r in regions if access.can_write_results(actor, r[0])]


def recap_entry_target(
    *, actor: User, contest: Contest, region_code: str, level: str = ""
) -> RecapTarget:
    """The area of this code whose D.Hasil the actor may type, with its stored
    figures.

    Outside the actor's scope the region is not found (404); without a desk role
    there the actor is refused (403); a region without a D.Hasil (a desa), or one
    that is not of the `level` picked, is refused with a ResultsError on `wilayah`.
    """
    region = access.region_for_user_or_404(actor, region_code)
    if not access.can_write_results(actor, region.code):
        raise PermissionDenied("only the desk enters official figures")
    levels = dict(RecapLevel.choices)
    if region.level not in ENTRY_LEVELS:
        raise ResultsError(
            "no_recap_level",
            _("%(name)s is a village: official recaps start at the district.")
            % {"name": region.name},
            "wilayah",
        )
    if level and level != region.level:
        raise ResultsError(
            "level_mismatch",
            _("%(code)s %(name)s is a %(actual)s, not a %(picked)s.")
            % {
                "code": region.code,
                "name": region.name,
                "actual": levels[region.level],
                "picked": levels.get(level, level),
            },
            "wilayah",
        )
    current = (
        OfficialRecap.objects.filter(contest=contest, area_code=region.code_nodot)
        .select_related("entered_by")
        .first()
    )
    return RecapTarget(region, current)


def recap_figures(recap: OfficialRecap | None) -> dict[str, int | None]:
    """The stored figures as field -> value (`suara_<n>` for the votes)."""
    if recap is None:
        return {}
    out = {name: getattr(recap, name) for name in FIELDS}
    for number, value in enumerate(recap.votes or [], start=1):
        out[f"suara_{number}"] = value
    return out


def official_recap_enter(
    *,
    actor: User,
    contest: Contest,
    region_code: str,
    level: str,
    figures: Mapping[str, int | None],
    votes: Sequence[int | None],
    source_ref: str,
    note: str = "",
) -> RecapSaved:
    """Store the official figures (D.Hasil) of one kecamatan, kab/kota or province,
    typed at the desk: `figures` are the C.Hasil fields (None = not on the form),
    `votes` the votes by ballot number, `source_ref` the document they come from.

    Access as `recap_entry_target` (404 out of scope, 403 without a desk role).
    Figures already stored for the area (typed or imported) are replaced, with who
    typed them and when (`entered_by`, `updated_at`). The arithmetic is not a
    reason to refuse: an official document is stored as it reads, and the
    identities that do not hold are returned so the person can check their typing.
    """
    target = recap_entry_target(
        actor=actor, contest=contest, region_code=region_code, level=level
    )
    k = contest.candidates.count()
    values = {name: figures.get(name) for name in FIELDS}
    votes = list(votes)
    if len(votes) != k:
        raise ResultsError(
            "wrong_candidates",
            _("This contest has %(k)s candidates, not %(n)s.")
            % {"k": k, "n": len(votes)},
        )
    named = {**values, **{f"suara_{i}": v for i, v in enumerate(votes, start=1)}}
    for name, value in named.items():
        _check_count(name, value)
    if all(v is None for v in named.values()):
        raise ResultsError("empty", _("No figure was typed."))
    if not source_ref.strip():
        raise ResultsError(
            "source_required",
            _("Say which document the figures come from."),
            "source_ref",
        )
    region = target.region
    with transaction.atomic():
        current = (
            OfficialRecap.objects.select_for_update()
            .filter(contest=contest, area_code=region.code_nodot)
            .first()
        )
        recap = current or OfficialRecap(contest=contest, area_code=region.code_nodot)
        for name, value in values.items():
            setattr(recap, name, value)
        recap.votes = votes
        recap.level = region.level
        recap.region = region
        recap.source_ref = source_ref.strip()
        recap.note = note.strip()
        recap.entered_by = actor
        recap.save()
    states, _others = recap_report(named, k)
    failing = [s.check for s in states if s.state == "fail"]
    return RecapSaved(recap, replaced=current is not None, failing=failing)


def _check_count(name: str, value: object) -> None:
    if value is None:
        return
    if not isinstance(value, int) or isinstance(value, bool):
        raise ResultsError("not_integer", _("Type a whole number."), name)
    if value < 0:
        raise ResultsError("negative", _("A count cannot be negative."), name)
    if value > MAX_VALUE:
        raise ResultsError("too_large", _("Too large: at most 2,000,000,000."), name)
