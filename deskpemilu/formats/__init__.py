"""The desk's date and time formats, one per language (settings.FORMAT_MODULE_PATH).

Django looks here before its own locale formats, so only what the desk decides is
written: a moment reads "14 Feb 2024 14.05 WIB" in Indonesian and "14 Feb 2024 14:05
WIB" in English, a day "14 Feb 2024"; typed dates are day/month/year in both
languages (never the American month first). Templates use the names
(`|date:"DATETIME_FORMAT"`, `|date`, `|time`), never a pattern of their own.
"""
