"""Reads of the dashboards (DESIGN.md, "Portal pages"): one scope's month at a glance.

A dashboard is about a place (the country, a province, a BLKK) and a month:

- the month's KPIs. A month that has ended reads its stored report, so the page
  says what the report's files and mail say, to the digit. The current month (so
  far), and a past month whose report was never stored, are computed now by the
  reports' own pass (`kpis.figures_by_blkk`, then `services.content_of_scope`):
  what the report will store, had nothing changed by then;
- the month before, for each figure's change: its stored report, else computed;
- the trend: the stored reports of the twelve months ending with the month (with
  the month before, for the current month, which has no report yet);
- the breakdown: the provinces of the country, the BLKKs of a province (the
  report's own breakdown rows);
- the BLKKs whose ventures have not all reported the month's metrics, and the
  ventures at risk (active at month end, no session in the 60 days ending on it,
  the KPI's own rule), each the first few of them and how many there are;
- whatever the month, today's: the BLKKs whose grade moved up this year, and the
  agreements (partnerships) that end within 60 days (`blkks_moved_up`,
  `partnerships_expiring_in`), each the first few and how many; the value of the
  assistance delivered this year by province or by BLKK (`assistance_this_year`),
  and the assistance not checked for more than six months
  (`assistance_not_checked`).

Every read is a fixed number of queries whatever the number of BLKKs: a pass is
thirteen (fourteen for the country, with its national partnerships), a stored month
two, each list one.

The country's live pass costs about a second at national scale (the latest outcome
of every graduate ever surveyed, docs/benchmarks.md), so the live figures of the
country and of a province are kept in the cache for `DASHBOARD_LIVE_SECONDS`
(5 minutes; 0 turns it off) and the page says when they were computed. A BLKK's are
computed on every view: its pass is cheap, and its managers expect the figures
they just entered.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone
from redis.exceptions import RedisError

from blkk_portal.db_router import replica_reads
from blkk_portal.months import Month
from incubator.selectors import (
    ACTIVE_AT_END,
    assistance_delivered_between,
    assistance_due_for_check,
    assistance_owned_in,
    assistance_value_by_blkk,
    assistance_value_by_province,
)
from mentoring.models import MentorAssignment, MentoringSession
from training.models import Blkk, GradeAssessment, Partnership, Province
from training.selectors import grade_on, grade_rank, partnerships_expiring

from .kpis import (
    BlkkFigures,
    figures_by_blkk,
    kpis_from_counts,
    ventures_with_month_end_state,
)
from .models import ProgressReport, ReportScope
from .presenting import NATIONAL_NAME
from .selectors import stored_trend
from .services import content_of_scope

logger = logging.getLogger(__name__)

# How many BLKKs not reported and ventures at risk a dashboard lists; it says how
# many there are in all.
SHORT_LIST = 10
_CACHE_VERSION = 4


class Source(StrEnum):
    """Where a month's figures come from."""

    SO_FAR = "so_far"  # the current month, computed now
    STORED = "stored"  # a past month's stored report
    NOT_STORED = "not_stored"  # a past month with no stored report, computed now


@dataclass(frozen=True)
class Place:
    """What a dashboard is about: a report's scope and code, and its name."""

    scope: str
    code: str
    name: str
    blkk_id: int | None = None

    @property
    def blkks(self) -> QuerySet | None:
        """The BLKKs the place covers (None: every BLKK, the country)."""
        if self.scope == ReportScope.PROVINCE:
            return Blkk.objects.filter(regency__province_id=self.code)
        if self.scope == ReportScope.BLKK:
            return Blkk.objects.filter(pk=self.blkk_id)
        return None


def national_place() -> Place:
    return Place(ReportScope.NATIONAL, "", NATIONAL_NAME)


def province_place(code: str) -> Place | None:
    """The province with this code, or None."""
    name = Province.objects.filter(code=code).values_list("name", flat=True).first()
    return None if name is None else Place(ReportScope.PROVINCE, code, name)


def blkk_place(blkk: Blkk) -> Place:
    return Place(ReportScope.BLKK, blkk.code, blkk.name, blkk_id=blkk.pk)


def month_asked(raw: str | None, today: datetime.date) -> Month:
    """The month of a page's `?month=YYYY-MM`: this month when absent or empty.
    ValueError for text that is no month, or a month after this one."""
    this_month = Month.of(today)
    if not raw:
        return this_month
    month = Month.parse(raw)
    if month > this_month:
        raise ValueError(f"{month} has not begun")
    return month


def reporting_rate(kpis: dict[str, Any]) -> float | None:
    """`metrics_reported / metrics_expected` as a percentage to one decimal; None
    when no venture was expected to report."""
    expected = kpis.get("metrics_expected", 0)
    if not expected:
        return None
    return round(100 * kpis.get("metrics_reported", 0) / expected, 1)


def month_before(month: Month) -> Month | None:
    try:
        return month.shifted(-1)
    except ValueError:  # January 1900: nothing is recorded before it
        return None


@dataclass(frozen=True)
class Unreported:
    """A BLKK whose ventures active at month end have not all reported the month."""

    code: str
    name: str
    expected: int
    reported: int

    @property
    def missing(self) -> int:
        return self.expected - self.reported


@dataclass(frozen=True)
class StoredReport:
    """The stored report a month's figures were read from."""

    pk: int
    generated_at: datetime.datetime
    has_xlsx: bool
    has_csv: bool


@dataclass
class MonthFigures:
    month: Month
    source: Source
    kpis: dict[str, Any]
    breakdown: list[dict] = field(default_factory=list)
    unreported: list[Unreported] = field(default_factory=list)
    unreported_count: int = 0
    # When the figures were computed (live) or stored (a report).
    as_of: datetime.datetime | None = None
    report: StoredReport | None = None


@dataclass
class Dashboard:
    place: Place
    month: Month
    figures: MonthFigures
    previous_month: Month | None
    previous_kpis: dict[str, Any] | None
    # Stored reports ({"period", "kpis"}), oldest first, of `trend_months`.
    trend: list[dict]
    trend_months: list[Month]
    at_risk: list[dict]
    at_risk_count: int

    @property
    def is_current(self) -> bool:
        return self.figures.source == Source.SO_FAR


def dashboard(place: Place, month: Month, *, today: datetime.date) -> Dashboard:
    """Everything a dashboard shows of `place` in `month` (not after `today`'s)."""
    current = month == Month.of(today)
    # The trend ends with the last month that has ended: this one, for a past month.
    last_ended = month_before(month) if current else month
    trend = (
        stored_trend(place.scope, place.code, last_ended.first_day)
        if last_ended is not None
        else []
    )
    stored_kpis = {row["period"]: row["kpis"] for row in trend}
    if current:
        figures = _live(place, month, Source.SO_FAR)
    elif month.first_day in stored_kpis:
        figures = _stored(place, month)
    else:
        figures = _live(place, month, Source.NOT_STORED)
    previous = month_before(month)
    previous_kpis = None
    if previous is not None:
        previous_kpis = stored_kpis.get(previous.first_day)
        if previous_kpis is None:
            previous_kpis = _live_kpis(place, previous)
    at_risk, at_risk_count = _at_risk(place, month)
    return Dashboard(
        place=place,
        month=month,
        figures=figures,
        previous_month=previous,
        previous_kpis=previous_kpis,
        trend=trend,
        trend_months=_months_ending(last_ended) if last_ended is not None else [],
        at_risk=at_risk,
        at_risk_count=at_risk_count,
    )


def _months_ending(last: Month) -> list[Month]:
    months = [last]
    while len(months) < 12:
        before = month_before(months[0])
        if before is None:
            break
        months.insert(0, before)
    return months


# --- one month's figures -------------------------------------------------------------


def _stored(place: Place, month: Month) -> MonthFigures:
    """The stored report of `place` for `month` (one query; the national one's BLKKs
    not reported are read from their own reports, one more)."""
    row = (
        ProgressReport.objects.filter(
            scope=place.scope, scope_code=place.code, period=month.first_day
        )
        .values("pk", "kpis", "breakdown", "generated_at", "xlsx_file", "csv_file")
        .get()
    )
    figures = MonthFigures(
        month=month,
        source=Source.STORED,
        kpis=row["kpis"],
        breakdown=row["breakdown"] or [],
        as_of=row["generated_at"],
        report=StoredReport(
            pk=row["pk"],
            generated_at=row["generated_at"],
            has_xlsx=bool(row["xlsx_file"]),
            has_csv=bool(row["csv_file"]),
        ),
    )
    if place.scope == ReportScope.PROVINCE:
        rows = [
            Unreported(
                code=line["code"],
                name=line["name"],
                expected=line["kpis"].get("metrics_expected", 0),
                reported=line["kpis"].get("metrics_reported", 0),
            )
            for line in figures.breakdown
        ]
        figures.unreported, figures.unreported_count = _shortlist(rows)
    elif place.scope == ReportScope.NATIONAL:
        figures.unreported, figures.unreported_count = _unreported_blkk_reports(month)
    return figures


def _unreported_blkk_reports(month: Month) -> tuple[list[Unreported], int]:
    """The BLKKs whose own stored reports of `month` count more ventures expected
    to report than reported, the most missing first, and how many there are."""
    expected = Cast(KT("kpis__metrics_expected"), IntegerField())
    reported = Cast(KT("kpis__metrics_reported"), IntegerField())
    name = Blkk.objects.filter(code=OuterRef("scope_code")).values("name")[:1]
    rows = list(
        ProgressReport.objects.filter(scope=ReportScope.BLKK, period=month.first_day)
        .annotate(expected=expected, reported=reported)
        .annotate(missing=F("expected") - F("reported"))
        .filter(missing__gt=0)
        .annotate(name=Subquery(name), total=Window(Count("pk")))
        .order_by("-missing", "name", "scope_code")
        .values("scope_code", "name", "expected", "reported", "total")[:SHORT_LIST]
    )
    shown = [
        Unreported(
            code=row["scope_code"],
            name=row["name"] or row["scope_code"],
            expected=row["expected"],
            reported=row["reported"],
        )
        for row in rows
    ]
    return shown, (rows[0]["total"] if shown else 0)


def _shortlist(rows: list[Unreported]) -> tuple[list[Unreported], int]:
    missing = [row for row in rows if row.missing > 0]
    missing.sort(key=lambda row: (-row.missing, row.name, row.code))
    return missing[:SHORT_LIST], len(missing)


def _live(place: Place, month: Month, source: Source) -> MonthFigures:
    """`place`'s figures for `month` computed now (or a few minutes ago: the
    country's and a province's are kept in the cache, see the module's docstring)."""
    payload = _live_payload(place, month)
    return MonthFigures(
        month=month,
        source=source,
        kpis=payload["kpis"],
        breakdown=payload["breakdown"],
        unreported=[Unreported(*row) for row in payload["unreported"]],
        unreported_count=payload["unreported_count"],
        as_of=payload["computed_at"],
    )


def _live_kpis(place: Place, month: Month) -> dict[str, Any]:
    return _live_payload(place, month)["kpis"]


def _live_payload(place: Place, month: Month) -> dict[str, Any]:
    """What a dashboard shows of `place`'s month computed live: kept in the cache
    for the country and a province (a miss on the country computes every province
    with it, from the same pass), computed on every view for a BLKK."""
    if place.scope == ReportScope.BLKK or settings.DASHBOARD_LIVE_SECONDS <= 0:
        return _payload(
            place, list(figures_by_blkk(month, place.blkks).values()), month
        )
    key = _cache_key("figures", place.scope, place.code, month)
    if place.scope == ReportScope.NATIONAL:
        return _kept(key, lambda: _every_place(month))
    return _kept(
        key,
        lambda: {
            key: _payload(
                place, list(figures_by_blkk(month, place.blkks).values()), month
            )
        },
    )


def _at_risk(place: Place, month: Month) -> tuple[list[dict], int]:
    """`ventures_at_risk` of the place, kept in the cache like its live figures (a
    miss on the country lists every province's with it, from the same query)."""
    if place.scope == ReportScope.BLKK or settings.DASHBOARD_LIVE_SECONDS <= 0:
        return ventures_at_risk(month, place.blkks)
    key = _cache_key("at_risk", place.scope, place.code, month)
    if place.scope == ReportScope.NATIONAL:
        return _kept(key, lambda: _at_risk_every_place(month))
    return _kept(key, lambda: {key: ventures_at_risk(month, place.blkks)})


def _kept(key: str, compute: Callable[[], dict[str, Any]]) -> Any:
    """The cache's value of `key`; else `compute()`, a dict of cache keys to values
    that holds `key`, every one of them kept for DASHBOARD_LIVE_SECONDS. A cache
    that does not answer leaves the value computed on every view."""
    try:
        value = cache.get(key)
    except RedisError:
        logger.warning("dashboard cache unreachable: computing %s", key)
        return compute()[key]
    if value is None:
        values = compute()
        _keep(values)
        value = values[key]
    return value


# Issue #14: on the read replica when one is set (blkk_portal/db_router.py).
@replica_reads()
def live_figures_warm(*, month: Month | None = None) -> int:
    """Compute `month` (this month) so far for the country and every province in
    one pass, their ventures at risk in one query, and the month before unless its
    reports are stored, and keep them in the cache for DASHBOARD_LIVE_SECONDS, so
    that the dashboards answer from the cache (beat runs it every 5 minutes:
    `reports.tasks.dashboards_warm`). Returns how many places' months were kept;
    none when the cache of live figures is turned off."""
    if settings.DASHBOARD_LIVE_SECONDS <= 0:
        return 0
    month = month or Month.of(timezone.localdate())
    figures = _every_place(month)
    values = {**figures, **_at_risk_every_place(month)}
    before = month_before(month)
    # Each figure's change is from the month before: until its reports are stored
    # (beat, on the 1st at 02:00), it is computed live too.
    if before is not None and not _stored_national(before):
        earlier = _every_place(before)
        figures.update(earlier)
        values.update(earlier)
    _keep(values)
    return len(figures)


def _stored_national(month: Month) -> bool:
    return ProgressReport.objects.filter(
        scope=ReportScope.NATIONAL, scope_code="", period=month.first_day
    ).exists()


def _every_place(month: Month) -> dict[str, dict[str, Any]]:
    """The country's and every province's payloads of `month`, by cache key, from
    one pass over every BLKK (a province's figures are the sums of its BLKKs')."""
    rows = list(figures_by_blkk(month).values())
    payloads = {
        _cache_key("figures", ReportScope.NATIONAL, "", month): _payload(
            national_place(), rows, month
        )
    }
    provinces: dict[str, list[BlkkFigures]] = defaultdict(list)
    for row in rows:
        provinces[row.province_code].append(row)
    for code, members in provinces.items():
        place = Place(ReportScope.PROVINCE, code, members[0].province_name)
        payloads[_cache_key("figures", place.scope, code, month)] = _payload(
            place, members, month
        )
    return payloads


def _at_risk_every_place(month: Month) -> dict[str, tuple[list[dict], int]]:
    """The country's and every province's ventures at risk in `month` (as
    `ventures_at_risk` gives them), by cache key, from one query; a province with
    BLKKs and none at risk gets an empty list."""
    rows = list(_at_risk_rows(month).values(*AT_RISK_FIELDS))
    # Each BLKK's province from the BLKK list, not a join in the ventures' query:
    # with one, PostgreSQL misjudged the rows and compared every venture with
    # every regency (600 ms nationally instead of about 100).
    province_of = dict(
        Blkk.objects.order_by().values_list("code", "regency__province_id")
    )
    by_province: dict[str, list[dict]] = {code: [] for code in province_of.values()}
    for row in rows:
        by_province[province_of[row["blkk_code"]]].append(row)
    lists = {
        _cache_key("at_risk", ReportScope.NATIONAL, "", month): (
            rows[:SHORT_LIST],
            len(rows),
        )
    }
    for code, members in by_province.items():
        key = _cache_key("at_risk", ReportScope.PROVINCE, code, month)
        lists[key] = (members[:SHORT_LIST], len(members))
    return lists


def _payload(place: Place, rows: list[BlkkFigures], month: Month) -> dict[str, Any]:
    """What a dashboard shows of a live month, from its BLKKs' rows of one pass."""
    content = content_of_scope(place.scope, place.code, rows, month=month)
    unreported: list[Unreported] = []
    if place.scope != ReportScope.BLKK:
        # `metrics_expected` is `ventures_active` (kpis.kpis_from_counts).
        unreported = [
            Unreported(
                row.code,
                row.name,
                row.counts.get("ventures_active", 0),
                row.counts.get("metrics_reported", 0),
            )
            for row in rows
        ]
    shown, count = _shortlist(unreported)
    return {
        "kpis": kpis_from_counts(content.counts),
        "breakdown": content.breakdown,
        "unreported": [
            (row.code, row.name, row.expected, row.reported) for row in shown
        ],
        "unreported_count": count,
        "computed_at": timezone.now(),
    }


def _cache_key(kind: str, scope: str, code: str, month: Month) -> str:
    return f"dashboard:{_CACHE_VERSION}:{kind}:{scope}:{code}:{month}"


def _keep(values: dict[str, Any]) -> None:
    try:
        cache.set_many(values, settings.DASHBOARD_LIVE_SECONDS)
    except RedisError:
        logger.warning("dashboard cache unreachable: live figures not kept")


# --- lists ---------------------------------------------------------------------------


# What a list of ventures at risk holds of each: its id and name, its BLKK, and its
# last session on or before month end (None: never mentored).
AT_RISK_FIELDS = ("pk", "name", "last_session", "blkk_code", "blkk_name")


def ventures_at_risk(
    month: Month, blkks: QuerySet | None = None
) -> tuple[list[dict], int]:
    """The ventures the KPI `ventures_at_risk` counts for `month` among `blkks`'
    (None: every BLKK): active at month end, no session held in the 60 days ending
    on it. The first `SHORT_LIST`, longest without a session first (never mentored
    first of all), each with its BLKK and its last session on or before month end;
    and how many there are (one query)."""
    rows = list(
        _at_risk_rows(month, blkks)
        .annotate(total=Window(Count("pk")))
        .values(*AT_RISK_FIELDS, "total")[:SHORT_LIST]
    )
    totals = [row.pop("total") for row in rows]
    return rows, (totals[0] if totals else 0)


def _at_risk_rows(month: Month, blkks: QuerySet | None = None) -> QuerySet:
    """Every venture at risk in `month` among `blkks`' (None: every BLKK), as
    `ventures_at_risk` orders them, with `last_session`, `blkk_code` and
    `blkk_name` to hand for `values()`."""
    # The last session of each of the venture's assignments is one step down the
    # (assignment, held_on) index; the latest of those is the venture's. A single
    # subquery over all its sessions read every one of them (3 times slower).
    assignment_last = (
        MentoringSession.objects.filter(
            assignment=OuterRef("pk"), held_on__lte=month.last_day
        )
        .order_by("-held_on")
        .values("held_on")[:1]
    )
    last_session = (
        MentorAssignment.objects.filter(venture=OuterRef("pk"))
        .annotate(last=Subquery(assignment_last))
        .order_by(F("last").desc(nulls_last=True))
        .values("last")[:1]
    )
    ventures = ventures_with_month_end_state(month).filter(
        ACTIVE_AT_END, mentored_recently=False
    )
    if blkks is not None:
        ventures = ventures.filter(cohort__blkk__in=blkks.order_by().values("pk"))
    return ventures.annotate(
        last_session=Subquery(last_session),
        blkk_code=F("cohort__blkk__code"),
        blkk_name=F("cohort__blkk__name"),
    ).order_by(F("last_session").asc(nulls_first=True), "name", "pk")


# --- programme records: grades moving up, agreements ending (issue #12) -------------


@dataclass(frozen=True)
class MovedUp:
    """A BLKK whose grade today is above its grade at the end of last year, and the
    date of the assessment that gave today's grade."""

    code: str
    name: str
    grade_before: str
    grade_now: str
    assessed_on: datetime.date


def blkks_moved_up(place: Place, today: datetime.date) -> tuple[list[MovedUp], int]:
    """The place's active BLKKs whose grade on `today` is higher than on 31 December
    of last year (tumbuh < berkembang < mandiri; `training.selectors.grade_on`),
    the latest assessed first: the first `SHORT_LIST`, and how many there are (one
    query). Only a BLKK assessed since that day can have moved up."""
    year_end = datetime.date(today.year - 1, 12, 31)
    assessed_since = GradeAssessment.objects.filter(
        blkk=OuterRef("pk"), assessed_on__gt=year_end, assessed_on__lte=today
    )
    latest_on = (
        GradeAssessment.objects.filter(blkk=OuterRef("pk"), assessed_on__lte=today)
        .order_by("-assessed_on", "-pk")
        .values("assessed_on")[:1]
    )
    blkks = place.blkks if place.blkks is not None else Blkk.objects.all()
    rows = list(
        blkks.filter(Exists(assessed_since), is_active=True)
        .annotate(grade_before=grade_on(year_end), grade_now=grade_on(today))
        .annotate(
            rank_before=grade_rank("grade_before"), rank_now=grade_rank("grade_now")
        )
        .filter(rank_now__gt=F("rank_before"))
        .annotate(assessed_on=Subquery(latest_on), total=Window(Count("pk")))
        .order_by("-assessed_on", "name", "code")
        .values("code", "name", "grade_before", "grade_now", "assessed_on", "total")[
            :SHORT_LIST
        ]
    )
    totals = [row.pop("total") for row in rows]
    return [MovedUp(**row) for row in rows], (totals[0] if totals else 0)


def partnerships_expiring_in(
    place: Place, today: datetime.date
) -> tuple[list[Partnership], int]:
    """The agreements of the place that end within `EXPIRING_WITHIN_DAYS` of `today`
    (both days included; `training.selectors.partnerships_expiring`): a province's
    BLKKs' own, a BLKK's own, the country's every one, the ministry's national ones
    too. The soonest first, the first `SHORT_LIST`, and how many there are (one
    query)."""
    partnerships = Partnership.objects.all()
    if place.scope == ReportScope.PROVINCE:
        partnerships = partnerships.filter(blkk__regency__province_id=place.code)
    elif place.scope == ReportScope.BLKK:
        partnerships = partnerships.filter(blkk_id=place.blkk_id)
    rows = list(
        partnerships_expiring(partnerships, today).annotate(total=Window(Count("pk")))[
            :SHORT_LIST
        ]
    )
    return rows, (rows[0].total if rows else 0)


# --- intake and assistance (issue #13) -----------------------------------------------

# How many places a dashboard's assistance of the year charts and tables (the
# country has every province with deliveries; a province its BLKKs, the highest
# first); the total counts them all.
ASSISTANCE_ROWS = 15
# What a list of assistance due for a check holds of each.
DUE_FOR_CHECK_FIELDS = (
    "pk",
    "kind",
    "description",
    "value",
    "status",
    "delivered_on",
    "last_checked_on",
    "last_seen",
    "blkk_code",
    "blkk_name",
    "venture_name",
)


@dataclass(frozen=True)
class AssistanceYear:
    """The value of the assistance delivered in a year through a day, by province
    (the country) or by BLKK (a province): the first `ASSISTANCE_ROWS` rows, the
    largest first (`code`, `name`, `value`, `count`), how many rows there are, and
    the totals over all of them."""

    year: int
    through: datetime.date
    rows: list[dict]
    row_count: int
    value: int
    count: int


def assistance_this_year(
    place: Place, today: datetime.date, assistance: QuerySet
) -> AssistanceYear:
    """Of `assistance` (the reader's rows), the place's delivered from 1 January
    of `today`'s year through `today`, the KPI `assistance_delivered_value`'s rule,
    by province for the country and by BLKK for a province or a BLKK (one query)."""
    delivered = assistance_delivered_between(
        assistance_owned_in(assistance, place.blkks),
        datetime.date(today.year, 1, 1),
        today,
    )
    if place.scope == ReportScope.NATIONAL:
        rows = assistance_value_by_province(delivered)
    else:
        rows = assistance_value_by_blkk(delivered)
    return AssistanceYear(
        year=today.year,
        through=today,
        rows=rows[:ASSISTANCE_ROWS],
        row_count=len(rows),
        value=sum(row["value"] for row in rows),
        count=sum(row["count"] for row in rows),
    )


def assistance_not_checked(
    place: Place, today: datetime.date, assistance: QuerySet
) -> tuple[list[dict], int]:
    """Of `assistance` (the reader's rows), the place's handed over and not seen
    (checked, or else delivered) for more than six months before `today`
    (`incubator.selectors.assistance_due_for_check`), the longest unseen first: the
    first `SHORT_LIST`, and how many there are (one query)."""
    rows = list(
        assistance_due_for_check(assistance_owned_in(assistance, place.blkks), today)
        .annotate(total=Window(Count("pk")))
        .values(*DUE_FOR_CHECK_FIELDS, "total")[:SHORT_LIST]
    )
    totals = [row.pop("total") for row in rows]
    return rows, (totals[0] if totals else 0)
