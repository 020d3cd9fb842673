"""The why of a status in the reader's language: status_rules.say (pure) with the
catalogue's words, and the words of a coordinator's override. The worker stores the
Indonesian sentence (`reason`, read by the API and the history) next to the why as
data (`why`); pages say the why in the language of the request, and a row stored
before the why was kept shows its Indonesian sentence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils import formats, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext, ngettext, trans_real

from deskpemilu.core.timeutil import to_wib
from deskpemilu.situation import statement
from deskpemilu.situation import status_rules as rules

# Kinds of a why that is not the rules' own: a coordinator's override.
OVERRIDDEN, OVERRIDE_SET, OVERRIDE_LIFTED, OVERRIDE_EXPIRED = (
    "overridden",
    "override_set",
    "override_lifted",
    "override_expired",
)


def words() -> rules.Words:
    """The words of the active language."""
    return rules.Words(
        gettext,
        ngettext,
        str(formats.get_format("DECIMAL_SEPARATOR")),
        str(formats.get_format("THOUSAND_SEPARATOR")),
    )


def _until(moment: str) -> str:
    local = to_wib(parse_datetime(moment) or dt.datetime.min)
    if translation.get_language() == "id":
        return f"{statement.date_text(local.date(), words())} {local:%H.%M} WIB"
    return formats.date_format(local, "DATETIME_FORMAT")


def say(why: Mapping[str, Any] | None, stored: str = "") -> str:
    """The why in the active language; `stored` (the Indonesian sentence) when
    there is no why to say."""
    if not why:
        return stored
    kind = why.get("kind", "")
    reason = why.get("reason", "")
    level = why.get("level", "")
    if kind == OVERRIDDEN:
        return gettext("Set by a coordinator: %(reason)s") % {"reason": reason}
    if kind == OVERRIDE_SET:
        return gettext("Set to %(level)s until %(until)s: %(reason)s") % {
            "level": gettext(rules.LEVEL_LABELS.get(level, level)),
            "until": _until(why.get("until", "")),
            "reason": reason,
        }
    if kind == OVERRIDE_LIFTED:
        text = gettext("Override to %(level)s lifted") % {
            "level": gettext(rules.LEVEL_WORDS.get(level, level))
        }
        return f"{text}: {reason}" if reason else f"{text}."
    if kind == OVERRIDE_EXPIRED:
        return gettext("Override to %(level)s expired (%(until)s).") % {
            "level": gettext(rules.LEVEL_WORDS.get(level, level)),
            "until": _until(why.get("until", "")),
        }
    if "rule" not in why:
        return stored
    return rules.say(why, words())


def indonesian_words() -> rules.Words:
    """The words of the record (stored sentences, the Laporan Situasi), whatever
    the language of the request."""
    catalogue = trans_real.translation("id")
    return rules.Words(
        catalogue.gettext,
        catalogue.ngettext,
        str(formats.get_format("DECIMAL_SEPARATOR", lang="id")),
        str(formats.get_format("THOUSAND_SEPARATOR", lang="id")),
    )


def say_indonesian(why: Mapping[str, Any]) -> str:
    """The sentence stored for the record (and the API): always Indonesian."""
    with translation.override("id"):
        return say(why)
