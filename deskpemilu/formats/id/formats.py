"""Bahasa Indonesia: "14 Feb 2024 14.05 WIB" (the full stop between hours and minutes,
as in Indonesian writing and the Laporan Situasi)."""

from deskpemilu.formats.common import DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS

DATE_FORMAT = "j M Y"
TIME_FORMAT = "H.i"
DATETIME_FORMAT = "j M Y H.i T"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H.i"
MONTH_DAY_FORMAT = "j M"
FIRST_DAY_OF_WEEK = 1

__all__ = [
    "DATETIME_FORMAT",
    "DATETIME_INPUT_FORMATS",
    "DATE_FORMAT",
    "DATE_INPUT_FORMATS",
    "FIRST_DAY_OF_WEEK",
    "MONTH_DAY_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "SHORT_DATE_FORMAT",
    "TIME_FORMAT",
]
