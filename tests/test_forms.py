"""The shared form fields (blkk_portal/forms.py): ASCII digits only, nothing around."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from blkk_portal.forms import IntegerField, MonthFormField
from blkk_portal.months import Month

ARABIC_INDIC_16 = "\u0661\u0666"
FULL_WIDTH_16 = "\uff11\uff16"


@pytest.mark.parametrize(
    "text", [ARABIC_INDIC_16, FULL_WIDTH_16, "16\n", " 16", "16.0"]
)
def test_the_integer_field_refuses_anything_but_ascii_digits(text):
    with pytest.raises(ValidationError) as caught:
        IntegerField().clean(text)
    assert caught.value.code == "invalid"


@pytest.mark.parametrize(("text", "number"), [("16", 16), ("-3", -3), (7, 7)])
def test_the_integer_field_reads_ascii_digits(text, number):
    assert IntegerField().clean(text) == number


@pytest.mark.parametrize(
    "text",
    [
        "2026-01\n",
        " 2026-01",
        "2026-01 ",
        "\uff12\uff10\uff12\uff16-\uff10\uff11",
        "\u0662\u0660\u0662\u0666-\u0660\u0661",
    ],
)
def test_the_month_field_refuses_text_around_or_other_digits(text):
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        MonthFormField().clean(text)
    with translation.override("en"):
        assert caught.value.messages == [
            "Give the month as YYYY-MM, for example 2026-03."
        ]


def test_the_month_field_reads_a_month():
    assert MonthFormField().clean("2026-01") == Month(2026, 1)
