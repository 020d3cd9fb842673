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

from deskpemilu.results import proposals
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
