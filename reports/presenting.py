"""How a progress report reads to a person: every KPI with its label (in the active
language), the kind of its value and its parts, the scope by name, the title.

The one home of these for the portal's report page, the admin's report page, the
XLSX and the CSV's label row, so they name and order the figures alike. Values stay
numbers here: a page formats them through the portal's filters (`KpiRow.display`,
`blkk_portal.templatetags.portal`), a workbook through Excel number formats
(`XLSX_FORMATS`), and the CSV keeps them raw under machine keys.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from blkk_portal.templatetags.portal import NOTHING, angka, jam, rupiah
from training.models import Grade, OutcomeStatus, Placement

from .kpis import KPI_KEYS

KPI_LABELS = {
    "blkk_count": gettext_lazy("Active BLKKs"),
    "trainees_registered": gettext_lazy("Trainees registered"),
    "graduates": gettext_lazy("Graduates (enrollments completed)"),
    "certified_competent": gettext_lazy("Certified competent"),
    "outcome_counts": gettext_lazy("Graduates by latest outcome"),
    "ventures_active": gettext_lazy("Active ventures at month end"),
    "ventures_graduated": gettext_lazy("Ventures graduated"),
    "jobs_created": gettext_lazy("Jobs (workers employed by ventures)"),
    "revenue_total": gettext_lazy("Ventures' revenue (IDR)"),
    "mentoring_sessions": gettext_lazy("Mentoring sessions"),
    "mentoring_hours": gettext_lazy("Mentoring hours"),
    "ventures_mentored": gettext_lazy("Ventures mentored"),
    "ventures_at_risk": gettext_lazy("Ventures at risk (no session in 60 days)"),
    "metrics_expected": gettext_lazy("Monthly metrics expected"),
    "metrics_reported": gettext_lazy("Monthly metrics reported"),
    "instructors_active": gettext_lazy("Active instructors"),
    "instructors_certified": gettext_lazy(
        "Certified instructors (competency certificate valid at month end)"
    ),
    "partnerships_active": gettext_lazy("Partnerships in force at month end"),
    "placements_started": gettext_lazy("Placements started"),
    "applications_received": gettext_lazy("Cohort applications received"),
    "applications_accepted": gettext_lazy("Cohort applications accepted"),
    "assistance_delivered_value": gettext_lazy(
        "Value of entrepreneurship assistance delivered (IDR)"
    ),
    "blkk_by_grade": gettext_lazy("Active BLKKs by grade at month end"),
}

COUNT, RUPIAH, HOURS = "count", "rupiah", "hours"
# Every KPI not named here is a count of things or people.
KPI_KINDS = {
    "revenue_total": RUPIAH,
    "assistance_delivered_value": RUPIAH,
    "mentoring_hours": HOURS,
}
# Excel number formats: Excel shows the separators of the reader's own locale.
XLSX_FORMATS = {COUNT: "#,##0", RUPIAH: '"Rp" #,##0', HOURS: "0.00"}

# The KPIs that are a count per choice (`{status: count}`): the labels of their
# parts, and the prefix of their CSV columns (`outcome_employed`).
KPI_PARTS: dict[str, type[models.TextChoices]] = {
    "outcome_counts": OutcomeStatus,
    "placements_started": Placement.Kind,
    "blkk_by_grade": Grade,
}
PART_PREFIXES = {"outcome_counts": "outcome"}

# The few KPIs of a table whose rows are months or places (a report's trend and its
# breakdown on a page); the files carry every KPI.
SUMMARY_KEYS = (
    "trainees_registered",
    "graduates",
    "certified_competent",
    "ventures_active",
    "jobs_created",
    "revenue_total",
    "mentoring_sessions",
)
NATIONAL_NAME = "Indonesia"


@dataclass(frozen=True)
class KpiRow:
    """One line of a report: a KPI, a heading over a KPI's parts, or one part.

    `key` is the KPI's machine key, or its CSV column for a part
    (`outcome_employed`); `value` is None for a heading and for a figure the
    report does not hold (one stored before that KPI existed)."""

    key: str
    label: str
    value: int | float | None
    kind: str = COUNT
    heading: bool = False
    part: bool = False

    @property
    def display(self) -> str:
        """The value as the portal shows it: `1.234`, `Rp 1.250.000`, `12,50`."""
        if self.heading:
            return ""
        if self.value is None:
            return NOTHING
        return {RUPIAH: rupiah, HOURS: jam}.get(self.kind, angka)(self.value)

    @property
    def xlsx_format(self) -> str:
        return XLSX_FORMATS[self.kind]


def kpi_label(key: str) -> str:
    return str(KPI_LABELS.get(key, key))


def kpi_kind(key: str) -> str:
    return KPI_KINDS.get(key, COUNT)


# The choices of each KPI that counts per choice, read once (a breakdown asks for
# them once per place).
_KNOWN_PARTS = {key: tuple(choices.values) for key, choices in KPI_PARTS.items()}


def _part_order(key: str, found: dict) -> list[str]:
    """A KPI's parts: its choices in their order, then any others it holds."""
    known = _KNOWN_PARTS.get(key, ())
    return [*known, *sorted(part for part in found if part not in known)]


def _parts(key: str, value: dict | None) -> list[KpiRow]:
    choices = KPI_PARTS.get(key)
    labels = dict(choices.choices) if choices else {}
    found = value or {}
    order = _part_order(key, found)
    prefix = PART_PREFIXES.get(key, key)
    return [
        KpiRow(
            key=f"{prefix}_{part}",
            label=str(labels.get(part, part)),
            value=None if value is None else found.get(part, 0),
            part=True,
        )
        for part in order
    ]


def _is_dict_kpi(key: str, value) -> bool:
    return key in KPI_PARTS or isinstance(value, dict)


def kpi_rows(kpis: dict) -> list[KpiRow]:
    """Every KPI of a report in DESIGN.md's order, labelled; a KPI that counts per
    choice (`outcome_counts`) is a heading followed by one row per choice. Keys the
    report holds beyond today's KPIs follow, under their own names."""
    extra = sorted(key for key in kpis if key not in KPI_KEYS)
    rows: list[KpiRow] = []
    for key in (*KPI_KEYS, *extra):
        value = kpis.get(key)
        if _is_dict_kpi(key, value):
            rows.append(KpiRow(key, kpi_label(key), None, heading=True))
            rows += _parts(key, value)
        else:
            rows.append(KpiRow(key, kpi_label(key), value, kpi_kind(key)))
    return rows


def kpi_columns(kpis: dict) -> list[KpiRow]:
    """One column per figure, as the CSV and the breakdown sheet have them: every
    KPI in DESIGN.md's order, a KPI that counts per choice one column per choice
    labelled "KPI: choice". The same columns whatever `kpis` holds (`{}` gives the
    header), so rows of different reports line up; a figure `kpis` does not hold
    (a report stored before that KPI existed) has the value None, not 0."""
    columns: list[KpiRow] = []
    for key in KPI_KEYS:
        value = kpis.get(key)
        if _is_dict_kpi(key, value):
            columns += [
                KpiRow(
                    part.key,
                    f"{kpi_label(key)}: {part.label}",
                    part.value,
                    part=True,
                )
                for part in _parts(key, value if isinstance(value, dict) else None)
            ]
        else:
            columns.append(KpiRow(key, kpi_label(key), value, kpi_kind(key)))
    return columns


def kpi_column_values(kpis: dict) -> list[int | float | None]:
    """The values of `kpi_columns(kpis)`, in its order, without labelling each: the
    rows of a breakdown, whose header (`kpi_columns({})`) labels them once."""
    values: list[int | float | None] = []
    for key in KPI_KEYS:
        value = kpis.get(key)
        if _is_dict_kpi(key, value):
            found = value if isinstance(value, dict) else None
            values += [
                None if found is None else found.get(part, 0)
                for part in _part_order(key, found or {})
            ]
        else:
            values.append(value)
    return values


def summary_columns() -> list[str]:
    """The labels of the KPIs a table of months or places shows (`summary_row`)."""
    return [kpi_label(key) for key in SUMMARY_KEYS]


def summary_row(kpis: dict) -> list[KpiRow]:
    """The KPIs of `SUMMARY_KEYS` from a month's or a place's figures."""
    return [
        KpiRow(key, kpi_label(key), kpis.get(key), kpi_kind(key))
        for key in SUMMARY_KEYS
    ]


def scope_display(scope: str, scope_code: str, place_name: str | None) -> str:
    """A report's scope by name: "Indonesia", a province's name, a BLKK's name with
    its code. `place_name` is the province's or BLKK's name (None when unknown)."""
    if scope == "national":
        return NATIONAL_NAME
    if scope == "blkk":
        return f"{place_name} ({scope_code})" if place_name else scope_code
    return place_name or scope_code


def month_display(period) -> str:
    """A report's month as a person reads it: `November 2026`."""
    return date_format(period, "YEAR_MONTH_FORMAT", use_l10n=True)


def report_title(report, name: str) -> str:
    """`Progress report <scope name>, <November 2026>`: a page's, a file's and a
    mail's title."""
    return _("Progress report %(where)s, %(period)s") % {
        "where": name,
        "period": month_display(report.period),
    }
