"""The one JSON reader of the API: bodies (every view) and pagination cursors.

Python's `json` module parses nested arrays and objects by recursion, so about a
thousand levels of `[` (2 KB of body) raise `RecursionError`, a 500. No request of
the portal nests deeper than a few levels; text nested deeper than `MAX_JSON_DEPTH`
is refused before it is parsed (400, with a message saying so).

The depth is measured without a Python loop over the characters: one regular
expression drops every string (brackets inside a string do not count) and every
character that is not a bracket, and the running depth over the brackets left is
computed by `itertools.accumulate` in C. Text with fewer opening brackets than the
limit cannot be too deep, and is not scanned at all.
"""

from __future__ import annotations

import re
from itertools import accumulate

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json

MAX_JSON_DEPTH = 32

# A string (to its closing quote, or to the end of malformed text), or a run of
# characters that are neither brackets nor quotes, or a quote no string starts at.
_NOT_A_BRACKET = re.compile(
    r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\Z)|[^\[\]{}"]+|"', flags=re.DOTALL
)
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class JsonTooDeep(ValueError):
    pass


def json_depth(text: str) -> int:
    """How many levels arrays and objects nest in `text`, brackets inside strings
    aside; for malformed text, the deepest level reached before it breaks off."""
    brackets = _NOT_A_BRACKET.sub("", text)
    return max(accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0)


def too_deep_message() -> str:
    return _("The JSON is nested too deeply (at most %(levels)s levels).") % {
        "levels": MAX_JSON_DEPTH
    }


def loads(text: str | bytes, *, strict: bool = True):
    """`json.loads`, refusing text nested deeper than MAX_JSON_DEPTH (JsonTooDeep)
    and, when `strict`, NaN and Infinity; ValueError for anything malformed."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    openers = text.count("[") + text.count("{")
    if openers > MAX_JSON_DEPTH and json_depth(text) > MAX_JSON_DEPTH:
        raise JsonTooDeep(too_deep_message())
    if strict:
        return json.loads(text)
    return json.loads(text, parse_constant=None)


class PortalJSONParser(parsers.JSONParser):
    """DRF's JSON parser with the depth limit: every API view reads JSON here
    (settings `REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]`)."""

    def parse(self, stream, media_type=None, parser_context=None):
        # DRF's own check of the charset (text encodings only; newer than its stubs).
        encoding = parsers.get_encoding(parser_context or {})  # type: ignore[attr-defined]
        try:
            return loads(stream.read().decode(encoding), strict=self.strict)
        except JsonTooDeep as error:
            raise ParseError(str(error)) from error
        except ValueError as error:
            # DRF's own words for malformed JSON.
            raise ParseError(f"JSON parse error - {error}") from error
