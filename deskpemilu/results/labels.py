"""Words for the codes the results desk keeps: the C.Hasil field names, the checks,
the sources, the refusals and the proposals of proposals.py. The codes stay in the
database, the API, the exports and `verify_results` (they are the contract); people
read these labels, Indonesian first. The templates use them through the filters of
templatetags/results_tags.py; a page test fails on a raw code shown as text."""

from __future__ import annotations

import re
from typing import Any, cast

from django.db.models import Field
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from deskpemilu.results import proposals, screens
from deskpemilu.results.models import CHasilFields, FlagStatus, Source
from deskpemilu.results.spec import CANDIDATE_COLUMN, FIELDS, Check

CHECKS: dict[str, Promise] = {
    Check.SUM_MISMATCH: _("Candidate votes add up to the valid votes"),
    Check.TOTAL_MISMATCH: _("Valid + invalid votes = total votes"),
    Check.VOTERS_MISMATCH: _("Total votes = voters who voted"),
    Check.DPT_SUM_MISMATCH: _("DPT men + women = DPT total"),
    Check.USERS_SUM_MISMATCH: _("DPT voters men + women = DPT voters"),
    Check.USERS_TOTAL_MISMATCH: _("DPT + DPTb + DPK voters = voters who voted"),
    Check.BALLOTS_USED_MISMATCH: _("Ballots used = total votes"),
    Check.BALLOTS_SUM_MISMATCH: _("Ballots used + spoiled + unused = received"),
    Check.BALLOTS_RECEIVED_MISMATCH: _(
        "Ballots received = DPT plus a 2 percent reserve"
    ),
    Check.OVER_CAPACITY: _("More voters than registered"),
    Check.NEGATIVE_COUNT: _("Negative count"),
    Check.ABSURD_COUNT: _("Impossibly large count"),
    Check.ADMIN_BLOCK_EMPTY: _("Voter block read as all zeros"),
    Check.LIKELY_MISREAD: _(
        "Likely misread: a digit added, dropped, swapped or read as another"
    ),
    Check.SOURCE_CONFLICT: _("Sources disagree"),
    Check.TURNOUT_OUTLIER: _("Turnout unlike the rest of the district (screen)"),
    Check.SHARE_OUTLIER: _("Vote share unlike the rest of the district (screen)"),
}
SOURCES: dict[str, Promise] = {str(v): cast(Promise, lbl) for v, lbl in Source.choices}
STATUSES: dict[str, Promise] = {
    str(v): cast(Promise, lbl) for v, lbl in FlagStatus.choices
}
# The refusals of the results services (ResultsError.code), as the API names them.
ERRORS: dict[str, Promise] = {
    "unknown_field": _("unknown field"),
    "reason_required": _("a reason is required"),
    "unknown_source": _("unknown source"),
    "too_large": _("number too large"),
    "bad_status": _("closing status not valid"),
    "note_required": _("a note is required"),
    "closed": _("flag already closed"),
    "no_fields": _("no field to decide"),
}
BLOCKS: dict[str, Promise] = {
    "votes": _("valid / invalid / total votes"),
    "candidates": _("votes per candidate"),
    "dpt": _("DPT men / women / total"),
    "users": _("DPT voters men / women / total"),
    "user_lists": _("voters per list and in all"),
    "ballots": _("ballots received / used / spoiled / unused"),
}
DIGITS: dict[str, Promise] = {
    proposals.DIGIT_INSERTED: _("a digit inserted or doubled"),
    proposals.DIGIT_SWAPPED: _("two neighbouring digits swapped"),
    proposals.DIGIT_SUBSTITUTED: _("one digit misread"),
}


def field_label(name: str) -> str:
    """'dpt_laki' -> 'DPT laki-laki'; 'suara_2' -> 'suara paslon 02'."""
    if name in FIELDS:
        field = cast("Field[Any, Any]", CHasilFields._meta.get_field(name))
        return str(field.verbose_name)
    match = CANDIDATE_COLUMN.match(name)
    if match:
        return gettext("votes of candidate %(number)02d") % {"number": int(match[1])}
    return name


def check_label(name: str) -> str:
    label = CHECKS.get(name)
    return str(label) if label is not None else name


def source_label(name: str) -> str:
    label = SOURCES.get(name)
    return str(label) if label is not None else name


def error_label(code: str) -> str:
    label = ERRORS.get(code)
    return str(label) if label is not None else code


def proposal_reason(found: proposals.Proposal) -> str:
    """Why the sheet's own numbers propose these values, in a sentence."""
    checks = ", ".join(dict.fromkeys(check_label(c.check) for c in found.corrections))
    if found.kind == proposals.COPIED:
        return gettext(
            "The numbers of %(block)s are those of %(source)s: copied from the wrong "
            "row. Solved again from: %(checks)s."
        ) % {
            "block": BLOCKS[found.block],
            "source": BLOCKS[found.copied_from],
            "checks": checks,
        }
    if found.kind == proposals.SHIFTED:
        return gettext(
            "The numbers of %(block)s are moved one box: solved again from: %(checks)s."
        ) % {"block": BLOCKS[found.block], "checks": checks}
    if found.kind == proposals.MISSING:
        return gettext("Empty, and forced by: %(checks)s.") % {"checks": checks}
    if found.digit:
        return gettext(
            "Only this field, changed alone, makes every identity hold (%(digit)s): "
            "%(checks)s."
        ) % {"digit": DIGITS[found.digit], "checks": checks}
    return gettext(
        "Only this field, changed alone, makes every identity hold: %(checks)s."
    ) % {"checks": checks}


# Underscored codes only: plain words ("desk", "saksi") read the same in a sentence.
_CODES = re.compile(r"\b(suara_\d+|[a-z]+(?:_[a-z]+)+)\b")


def codes_in_words(text: str) -> str:
    """Field and source codes inside a sentence (a flag's detail) as labels."""

    def word(match: re.Match[str]) -> str:
        code = match[1]
        if code in FIELDS or CANDIDATE_COLUMN.match(code):
            return field_label(code)
        if code in SOURCES:
            return source_label(code)
        return code

    return _CODES.sub(word, text)


# The statistical screens' findings (screens/), said from their numbers ------------
# The screens are pure and keep an Indonesian `detail` (the API's); pages say the
# finding in the reader's language from the same numbers.

_QUANTITIES = {"turnout": _("turnout"), "winner_share": _("winner's share")}


def screen_detail(result: Any) -> str:
    """A screen's finding in words: 'chi-square 12.34 (df 9, ...)'."""
    p = f"{result.p_value:.3g}" if result.p_value is not None else ""
    if result.screen in ("last_digit", "second_digit"):
        if not result.sufficient:
            return gettext(
                "only %(n)s numbers >= %(least)s; at least %(min)s are needed to "
                "conclude"
            ) % {
                "n": result.sample,
                "least": screens.DIGIT_MIN_NUMBER,
                "min": result.min_sample,
            }
        verdict = (
            gettext("deviates from what is expected")
            if result.verdict == screens.DEVIATES
            else gettext("does not deviate")
        )
        return gettext(
            "chi-square %(stat)s (df %(df)s, 5%% limit %(limit)s, p = %(p)s) over "
            "%(n)s numbers: %(verdict)s"
        ) % {
            "stat": f"{result.statistic:.2f}",
            "df": result.df,
            "limit": f"{result.critical_5:.2f}",
            "p": p,
            "n": result.sample,
            "verdict": verdict,
        }
    if result.screen == "fingerprint":
        if not result.sufficient:
            return gettext(
                "only %(n)s TPS with complete data; at least %(min)s are needed to "
                "conclude"
            ) % {"n": result.sample, "min": result.min_sample}
        verdict = (
            gettext("piling up in the corner")
            if result.verdict == screens.DEVIATES
            else gettext("not piling up in the corner")
        )
        return gettext(
            "%(corner)s TPS with turnout and winner's share >= %(edge)s (expected "
            "%(expected)s if the two are independent, p = %(p)s) of %(n)s TPS: "
            "%(verdict)s"
        ) % {
            "corner": result.corner_observed,
            "edge": f"{screens.CORNER:.0%}",
            "expected": f"{result.corner_expected:.1f}",
            "p": p,
            "n": result.sample,
            "verdict": verdict,
        }
    if result.screen == "integer_percent":
        if not result.sufficient:
            return gettext(
                "only %(n)s percentages can be tested; at least %(min)s are needed "
                "to conclude"
            ) % {"n": result.sample, "min": result.min_sample}
        parts = ", ".join(
            gettext("%(quantity)s %(observed)s of %(tested)s (expected %(expected)s)")
            % {
                "quantity": _QUANTITIES.get(q, q),
                "observed": ob,
                "tested": t,
                "expected": f"{ex:.1f}",
            }
            for q, t, ob, ex in zip(
                result.quantities,
                result.tested,
                result.observed,
                result.expected,
                strict=True,
            )
        )
        verdict = (
            gettext("more than expected")
            if result.verdict == screens.DEVIATES
            else gettext("no excess")
        )
        return gettext(
            "%(observed)s exact whole percentages of %(n)s (%(parts)s); expected "
            "%(expected)s if each count varies binomially around the observed value "
            "(p = %(p)s): %(verdict)s"
        ) % {
            "observed": int(result.statistic or 0),
            "n": result.sample,
            "parts": parts,
            "expected": f"{sum(result.expected):.1f}",
            "p": p,
            "verdict": verdict,
        }
    return str(result.detail)


# A flag's stored detail (checks.py, Indonesian) that pages say in the reader's
# language; other details show as stored, their codes in words.
_ADMIN_BLOCK_EMPTY = re.compile(
    r"^data pemilih dan pengguna hak pilih semuanya 0 padahal ada suara "
    r"\(suara_total (?P<total>[^)]*)\): bagian administrasi belum terisi atau "
    r"terbaca nol$"
)


def detail_in_words(text: str) -> str:
    """A flag's detail for a page: in the reader's language where the desk knows
    its sentence, else as stored with its codes as labels."""
    found = _ADMIN_BLOCK_EMPTY.match(text)
    if found:
        return gettext(
            "voter data and voters who used their right are all 0 although there "
            "are votes (%(field)s %(total)s): the administration part is not filled "
            "in or was read as zero"
        ) % {"field": field_label("suara_total"), "total": found["total"]}
    return codes_in_words(text)
