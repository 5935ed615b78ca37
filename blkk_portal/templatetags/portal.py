"""The portal's formats, in one place (DESIGN.md, "Portal pages"): `Rp 1.250.000`,
`1.234`, `12,50` hours, `22 November 2026`, `November 2026`; years stay `2026`.

Views hand templates numbers and dates, never text they formatted themselves.
"""

from __future__ import annotations

import datetime

from django import template
from django.template.defaultfilters import floatformat
from django.utils.formats import date_format, number_format

register = template.Library()
# What a missing figure or date shows: a dash, not "None".
NOTHING = "\u2013"


@register.filter
def angka(value) -> str:
    """A count with its thousands grouped: `1.234` (`1,234` in English)."""
    if value is None or value == "":
        return NOTHING
    return number_format(value, decimal_pos=0, force_grouping=True)


@register.filter
def rupiah(value) -> str:
    """An amount of rupiah: `Rp 1.250.000`."""
    if value is None or value == "":
        return NOTHING
    return f"Rp\u00a0{angka(value)}"


@register.filter
def jam(value) -> str:
    """Hours to two decimals, thousands grouped: `1.234,50` (`1,234.50` in
    English)."""
    if value is None or value == "":
        return NOTHING
    return number_format(value, decimal_pos=2, force_grouping=True)


@register.filter(expects_localtime=True)
def tanggal(value) -> str:
    """A date: `22 November 2026`; a moment, at the portal's local time."""
    if not value:
        return NOTHING
    if isinstance(value, datetime.datetime):
        return date_format(value, "DATETIME_FORMAT", use_l10n=True)
    return date_format(value, "DATE_FORMAT", use_l10n=True)


@register.filter
def bulan(value) -> str:
    """A month (a date in it, or a `Month`): `November 2026`."""
    if not value:
        return NOTHING
    day = getattr(value, "first_day", value)
    return date_format(day, "YEAR_MONTH_FORMAT", use_l10n=True)


@register.filter
def jumlah(value, kind: str = "count") -> str:
    """A report figure as its kind reads (the dashboards' `kind`): `rupiah`, `hours`
    (up to two decimals: `12,75`), a `percent` (one decimal: `85,3%`), else a count."""
    if value is None or value == "":
        return NOTHING
    if kind == "rupiah":
        return rupiah(value)
    if kind == "hours":
        return floatformat(value, "-2g")
    if kind == "percent":
        return f"{floatformat(value, '-1g')}%"
    return angka(value)


@register.filter
def selisih(value, kind: str = "count") -> str:
    """A change from one month to the next, signed: `+12`, `0`, `+Rp 1.250.000`,
    and a fall with the minus sign U+2212 (not a hyphen), as typesetting has it."""
    if value is None or value == "":
        return NOTHING
    if not value:
        return jumlah(0, kind)
    sign = "+" if value > 0 else "\u2212"
    return f"{sign}{jumlah(abs(value), kind)}"


@register.filter
def bulan_singkat(value) -> str:
    """A month in short, for a chart's axis: `Nov 2026`."""
    if not value:
        return NOTHING
    day = getattr(value, "first_day", value)
    return date_format(day, "M Y", use_l10n=True)
