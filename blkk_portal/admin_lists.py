"""What keeps the admin's lists cheap on national-scale tables (issue #14).

A changelist's first page should cost what its fifty rows cost, whatever the size of
the table. Django's admin has three habits that read the whole table instead:

- `date_hierarchy` draws its links from `SELECT DISTINCT date_trunc(...)` over every
  row of the list; `PeriodFilter` offers fixed periods (the past seven days, this
  month, one of the last ten years, earlier) computed from today, and narrows the
  list by a range on the field, which an index on it can serve.
- A filter on a related field (`RelatedOnlyFieldListFilter`) or on a field without
  choices (`AllValuesFieldListFilter`) lists the values found in the list, a
  `SELECT DISTINCT` over a join of the whole table; the portal's filters take their
  choices from small tables or from fixed lists (`training.admin_filters`).
- The paginator counts every row of the list. `EstimatedCountPaginator` reads the
  planner's estimate of a large table's size for a list with no filter at all (the
  ministry's first page) and says it is approximate; a filtered or scoped list is
  counted exactly. (`show_full_result_count = False` on the admin drops Django's
  second, unfiltered count.)
"""

from __future__ import annotations

import datetime
from functools import cached_property
from typing import Any

from django.contrib import admin
from django.core.paginator import EmptyPage, Page, Paginator
from django.db import connections, models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blkk_portal.numbers import is_ascii_digits

# --- periods instead of the date hierarchy ---------------------------------------

PAST_WEEK = "7d"
THIS_MONTH = "month"
RECENT = {PAST_WEEK, THIS_MONTH}
LATER = "later"
EARLIER = "earlier"


class PeriodFilter(admin.SimpleListFilter):
    """A date (or a year number) narrowed to a fixed period chosen from today.

    Made for a field by `period_filter(...)`; the parameter is `<field>__period`,
    with values `7d`, `month`, a year (`2024`: any four digits, so a link to an older
    year works), `earlier` (before the oldest year offered) and, where the field
    holds future dates, `later` (after this year). A value it does not know lists
    nothing.
    """

    field_name: str = ""
    # Offered years: this one and the nine before it.
    years = 10
    # Whether the field holds dates after this year (batches planned, milestones due).
    future = False
    # Whether "past 7 days" and "this month" make sense (not for a month or a year).
    recent = True

    def __init__(self, request, params, model, model_admin) -> None:
        self.field = model._meta.get_field(self.field_name)
        self.title = self.field.verbose_name
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin) -> list[tuple[str, Any]]:
        this_year = timezone.localdate().year
        choices: list[tuple[str, Any]] = []
        if self.recent and not self._is_year_number:
            choices += [(PAST_WEEK, _("Past 7 days")), (THIS_MONTH, _("This month"))]
        if self.future:
            choices.append((LATER, _("After %(year)s") % {"year": this_year}))
        oldest = this_year - self.years + 1
        choices += [(str(year), str(year)) for year in range(this_year, oldest - 1, -1)]
        choices.append((EARLIER, _("Before %(year)s") % {"year": oldest}))
        return choices

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value is None:
            return queryset
        bounds = self.bounds(value, timezone.localdate())
        if bounds is None or (self._is_year_number and value in RECENT):
            return queryset.none()
        start, end = bounds
        name = self.field_name
        if self._is_year_number:
            years = {}
            if start is not None:
                years[f"{name}__gte"] = start.year
            if end is not None:
                years[f"{name}__lt"] = end.year
            return queryset.filter(**years)
        lookups = {}
        if start is not None:
            lookups[f"{name}__gte"] = self._boundary(start)
        if end is not None:
            lookups[f"{name}__lt"] = self._boundary(end)
        return queryset.filter(**lookups)

    @classmethod
    def bounds(
        cls, value: str, today: datetime.date
    ) -> tuple[datetime.date | None, datetime.date | None] | None:
        """[start, end) of the period `value` (None: open), counted from `today`;
        None for a value it does not know."""
        this_year = today.year
        if value == PAST_WEEK and cls.recent:
            return today - datetime.timedelta(days=6), today + datetime.timedelta(1)
        if value == THIS_MONTH and cls.recent:
            start = today.replace(day=1)
            return start, (start + datetime.timedelta(days=32)).replace(day=1)
        if value == LATER and cls.future:
            return datetime.date(this_year + 1, 1, 1), None
        if value == EARLIER:
            return None, datetime.date(this_year - cls.years + 1, 1, 1)
        if len(value) == 4 and is_ascii_digits(value) and value != "0000":
            year = int(value)
            end = datetime.date(year + 1, 1, 1) if year < 9999 else None
            return datetime.date(year, 1, 1), end
        return None

    @property
    def _is_year_number(self) -> bool:
        return isinstance(self.field, models.IntegerField)

    def _boundary(self, day: datetime.date) -> datetime.date | datetime.datetime:
        if isinstance(self.field, models.DateTimeField):
            # Midnight where the portal is, as Django's date filters compare.
            return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
        return day


def period_filter(
    field_name: str, *, future: bool = False, recent: bool = True
) -> type[PeriodFilter]:
    """A `PeriodFilter` of `field_name`, for a `list_filter`."""
    return type(
        f"PeriodFilter_{field_name}",
        (PeriodFilter,),
        {
            "field_name": field_name,
            "parameter_name": f"{field_name}__period",
            "future": future,
            "recent": recent,
            "__module__": __name__,
        },
    )


# --- counting ------------------------------------------------------------------------

# Below this many rows an exact COUNT(*) costs a few milliseconds: count.
ESTIMATE_FROM_ROWS = 100_000

# The planner's own reckoning (PostgreSQL's `estimate_rel_size`): the rows per page
# found by the last ANALYZE, times the pages the table has now, so that a table that
# grew since is not under-counted. NULL when the table was never analysed.
_ESTIMATE_SQL = """
SELECT CASE WHEN c.reltuples < 0 OR c.relpages = 0 THEN NULL
            ELSE (c.reltuples / c.relpages)
                 * (pg_relation_size(c.oid) / current_setting('block_size')::int)
       END
FROM pg_class c
WHERE c.oid = to_regclass(%s)
"""


def _unfiltered(queryset: QuerySet) -> bool:
    """Whether `queryset` holds every row of its table, once each (its joins come
    from select_related, which neither drop nor repeat a row)."""
    query = queryset.query
    return not (
        query.where
        or query.distinct
        or query.combinator
        or query.is_sliced
        or query.group_by is not None
        or query.extra
    )


def estimated_row_count(queryset: QuerySet) -> int | None:
    """The planner's estimate of the rows of `queryset`'s table, rounded to three
    significant figures, when the queryset is the whole table on PostgreSQL and the
    table holds at least `ESTIMATE_FROM_ROWS` rows; else None."""
    if not _unfiltered(queryset):
        return None
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            _ESTIMATE_SQL, [connection.ops.quote_name(queryset.model._meta.db_table)]
        )
        row = cursor.fetchone()
    if row is None or row[0] is None or row[0] < ESTIMATE_FROM_ROWS:
        return None
    return rounded_estimate(row[0])


def rounded_estimate(estimate: float) -> int:
    """`estimate` to three significant figures (612,337 -> 612,000), which reads as
    the approximation it is."""
    whole = int(estimate)
    unit = 10 ** max(len(str(whole)) - 3, 0)
    return round(whole / unit) * unit


class EstimatedCountPaginator(Paginator):
    """Django's paginator, whose `count` is the planner's estimate for a list of
    every row of a large table (`estimated` is then True: the admin's templates
    print "about"), and an exact COUNT(*) for anything narrower: a scoped user's
    list, a filter, a search."""

    estimated = False

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            estimate = estimated_row_count(self.object_list)
            if estimate is not None:
                self.estimated = True
                return estimate
        return super().count

    def page(self, number):
        """A page; when the count is estimated, any page from the first on (the
        table may hold a little more than the estimate, or a little less: then the
        page is short or empty rather than refused)."""
        if not self.count or not self.estimated:
            return super().page(number)
        try:
            return super().page(number)
        except EmptyPage:
            number = int(number)
            if number < 1:
                raise
            bottom = (number - 1) * self.per_page
            return Page(self.object_list[bottom : bottom + self.per_page], number, self)
