"""Integers and ids read from text: ASCII digits only, the whole text.

Python's `int()` and `str.isdigit()` accept every Unicode decimal digit (Arabic-Indic
`int("\\u0661\\u0666")` is 16, full-width `int("\\uff11")` is 1) and whitespace
around them (`int("16\\n")`), and regular expressions' `\\d` matches those digits
too. The portal reads an integer or an id from text through these two checks only
(the API's fields and filters, the admin's forms and object pages, the pagination
parameters), so such digits are refused wherever a letter is. Patterns written for
the schema or a URL use `[0-9]`, never `\\d`.
"""

from __future__ import annotations

import re

_DIGITS = re.compile(r"[0-9]+")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INTEGER = re.compile(r"-?[0-9]+")

# For URL patterns and OpenAPI schemas: ASCII digits, anchored by the caller.
DIGITS_PATTERN = "[0-9]+"


def is_ascii_digits(text: str) -> bool:
    """True for text of ASCII digits only (an id, a page number), nothing around."""
    return _DIGITS.fullmatch(text) is not None


def is_ascii_integer(text: str) -> bool:
    """True for ASCII digits with an optional leading minus, nothing around."""
    return _INTEGER.fullmatch(text) is not None


def is_ascii_iso_date(text: str) -> bool:
    """True for `YYYY-MM-DD` in ASCII digits, nothing around (the API's dates)."""
    return _ISO_DATE.fullmatch(text) is not None
