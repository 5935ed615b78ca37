"""The spreadsheet import of a month's venture figures (DESIGN.md, "Spreadsheet
import"; docs/portal.md), a kind of the engine in `blkk_portal.imports`.

The month is chosen on the upload form (`period`, YYYY-MM, a month that has begun:
the service's rule and words) and is part of the job's owner key, `BLKK-ID:YYYY-MM`.
Each row is one venture of this BLKK: `venture` (its id, or its name exactly as the
portal shows it, whatever the case), `revenue` (whole rupiah: `1.250.000`,
`Rp 1.250.000`, `1250000` or a number cell), `workers`, `customers`.

- All three figures are needed on every row, as on the month's form: an empty cell
  is not stored as zero.
- The figures are checked by the API's own serializer (`VentureMetricSerializer`,
  narrowed to them), so a row's errors are the API's messages.
- A venture is looked for among the ventures of this BLKK whose figures the user
  may report (the API's `taking_metrics_from`), read once for the file: any other
  id or name, another BLKK's venture included, is "no such venture in this BLKK".
  A name two of this BLKK's ventures share asks for the id.
- Two rows for one venture are both refused, each naming the other.
- A venture that already has the month's figures gets them replaced, as the month's
  form does (the API's POST refuses a second report; its PATCH changes it): the
  preview says how many rows replace stored figures. A row equal to what is stored
  is not written again.

Rows are written by `services.metrics_store_month` (bulk, with their history).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from rest_framework import serializers

from blkk_portal.forms import RUPIAH_MESSAGE, RupiahField
from blkk_portal.imports import cells
from blkk_portal.imports.cells import Cell, CellError
from blkk_portal.imports.kinds import (
    ROW,
    Checked,
    Column,
    ImportKind,
    ImportRefused,
    Row,
    lines_sharing,
)
from blkk_portal.months import Month
from blkk_portal.numbers import is_ascii_digits
from blkk_portal.templatetags.portal import bulan
from training.imports import manager_may_import
from training.models import Blkk

from . import services
from .api.serializers import VentureMetricSerializer
from .models import Venture, VentureMetric

if TYPE_CHECKING:
    from blkk_portal.accounts.models import User

FIGURES = ("revenue", "workers", "customers")
COLUMNS = ("venture", *FIGURES)
PERMISSIONS = ("incubator.add_venturemetric", "incubator.change_venturemetric")
NOT_YOUR_BLKK = gettext_lazy(
    "Only this BLKK's managers can import its ventures' monthly figures."
)
NO_SUCH_VENTURE = gettext_lazy(
    "No such venture in this BLKK: give its id or its name as the Ventures page "
    "shows it."
)
REQUIRED = gettext_lazy("This field is required.")


def _label(name: str):
    return VentureMetric._meta.get_field(name).verbose_name


def venture_cell(cell: Cell) -> str:
    """A venture's id (a number cell, or digits) or its name, as text."""
    return cells.text(cell)


# The portal forms' reading of an amount (the minimum is the API's to say).
_RUPIAH = RupiahField(min_value=None)


def rupiah_cell(cell: Cell) -> int:
    """Whole rupiah: a number cell without a fraction, or text as the portal's
    forms take it (`1.250.000`, `Rp 1.250.000`, `1250000`)."""
    value = cell.value
    if cell.type == "number" and not isinstance(value, bool):
        if float(value).is_integer():
            return int(value)
        raise CellError(str(RUPIAH_MESSAGE))
    if cell.type != "text":
        raise CellError(str(RUPIAH_MESSAGE))
    try:
        amount = _RUPIAH.to_python(str(value))
    except ValidationError:
        raise CellError(str(RUPIAH_MESSAGE)) from None
    if amount is None:
        raise CellError(str(RUPIAH_MESSAGE))
    return int(amount)


def _columns() -> tuple[Column, ...]:
    return (
        Column(
            "venture",
            _label("venture"),
            venture_cell,
            required=True,
            as_text=True,
            hint=gettext_lazy(
                "The venture's id, or its name as the Ventures page shows it."
            ),
            example="Konveksi Ayu",
        ),
        Column(
            "revenue",
            _label("revenue"),
            rupiah_cell,
            required=True,
            hint=gettext_lazy("Whole rupiah, as 1.250.000 or 1250000."),
            example="1.250.000",
        ),
        Column(
            "workers",
            _label("workers"),
            required=True,
            hint=gettext_lazy("People employed that month, a whole number."),
            example="3",
        ),
        Column(
            "customers",
            _label("customers"),
            required=True,
            hint=gettext_lazy("Customers that month, a whole number."),
            example="40",
        ),
    )


class MetricRowSerializer(VentureMetricSerializer):
    """The API's metrics serializer for one row's figures (the venture and the
    month are resolved for the whole file), each figure needed, as on the month's
    form."""

    venture = None  # type: ignore[assignment]
    period = None  # type: ignore[assignment]

    class Meta(VentureMetricSerializer.Meta):
        fields = list(FIGURES)
        extra_kwargs = {name: {"required": True} for name in FIGURES}


def owner_key(blkk: Blkk, month: Month) -> str:
    """What a job of this kind is about: the BLKK and the month."""
    return f"{blkk.pk}:{month}"


_OWNER = re.compile(r"([0-9]{1,18}):([0-9]{4}-[0-9]{2})")


@dataclass(frozen=True)
class MetricsImportContext:
    blkk: Blkk
    month: Month
    by: User


@dataclass(frozen=True)
class MonthFigures:
    venture_id: int
    revenue: int
    workers: int
    customers: int


class Ventures:
    """The ventures of a BLKK whose figures `by` may report, read once: found by
    id or by name."""

    def __init__(self, blkk: Blkk, by: User) -> None:
        rows = list(
            Venture.objects.taking_metrics_from(by)
            .filter(cohort__blkk_id=blkk.pk)
            .values_list("pk", "name")
        )
        self.ids = {pk for pk, _name in rows}
        self.by_name: dict[str, list[int]] = {}
        for pk, name in rows:
            self.by_name.setdefault(cells.words(name), []).append(pk)

    def pk_of(self, typed: str) -> int:
        """The id of the venture `typed` names; raises CellError."""
        if is_ascii_digits(typed) and len(typed) < 19 and int(typed) in self.ids:
            return int(typed)
        found = self.by_name.get(cells.words(typed), [])
        if len(found) == 1:
            return found[0]
        if found:
            raise CellError(
                _(
                    "Several ventures of this BLKK have this name: give the id "
                    "(%(ids)s)."
                )
                % {"ids": ", ".join(str(pk) for pk in sorted(found))}
            )
        raise CellError(str(NO_SUCH_VENTURE))


class MetricsImport(ImportKind):
    name = "incubator.metrics"
    title = gettext_lazy("Monthly figures")

    columns = _columns()
    title_column = "venture"

    def context(self, *, owner_key: str, by: User) -> MetricsImportContext:
        """This BLKK and month, for one of the BLKK's managers (still), once the
        month has begun."""
        match = _OWNER.fullmatch(owner_key)
        blkk = Blkk.objects.filter(pk=int(match[1])).first() if match else None
        if (
            match is None
            or blkk is None
            or not manager_may_import(by, blkk.pk, *PERMISSIONS)
        ):
            raise ImportRefused(NOT_YOUR_BLKK)
        try:
            month = Month.parse(match[2])
            services.metric_ensure_month_begun(VentureMetric(period=month.first_day))
        except ValueError:
            raise ImportRefused(NOT_YOUR_BLKK) from None
        except ValidationError as error:
            raise ImportRefused(error.messages[0]) from None
        return MetricsImportContext(blkk=blkk, month=month, by=by)

    def check(self, rows: Sequence[Row], context: MetricsImportContext) -> Checked:
        checked = Checked()
        ventures = Ventures(context.blkk, context.by)
        serializer = MetricRowSerializer()
        found: dict[int, int] = {}
        figures: dict[int, dict[str, int]] = {}
        for row in rows:
            typed = row.values.get("venture")
            if typed is None:
                checked.add(row.line, "venture", REQUIRED)
            else:
                try:
                    found[row.line] = ventures.pk_of(str(typed))
                except CellError as error:
                    checked.add(row.line, "venture", error.message)
            data = {name: row.values[name] for name in FIGURES if name in row.values}
            try:
                figures[row.line] = serializer.run_validation(data)
            except serializers.ValidationError as error:
                _add_api_errors(checked, row.line, error.detail)
        for line, others in lines_sharing(
            rows, lambda row: found.get(row.line)
        ).items():
            checked.add(
                line,
                "venture",
                _("The same venture is also on row %(rows)s.")
                % {"rows": ", ".join(str(other) for other in others)},
            )
        if not checked.errors:
            checked.cleaned = [
                MonthFigures(venture_id=found[row.line], **figures[row.line])
                for row in rows
            ]
            replaced = VentureMetric.objects.filter(
                period=context.month.first_day, venture_id__in=set(found.values())
            ).count()
            if replaced:
                checked.notices.append(replaces_notice(replaced, context.month))
        return checked

    def write(
        self,
        cleaned: Sequence[MonthFigures],
        context: MetricsImportContext,
        *,
        by: User | None,
        progress: Callable[[int], None],
        reason: str,
    ) -> int:
        return services.metrics_store_month(
            period=context.month.first_day,
            figures=[
                {
                    "venture_id": row.venture_id,
                    "revenue": row.revenue,
                    "workers": row.workers,
                    "customers": row.customers,
                }
                for row in cleaned
            ],
            by=by,
            progress=progress,
            reason=reason,
        )


def replaces_notice(count: int, month: Month) -> str:
    return ngettext(
        "%(count)s venture already has figures for %(month)s: its row replaces them.",
        "%(count)s ventures already have figures for %(month)s: their rows replace "
        "them.",
        count,
    ) % {"count": count, "month": bulan(month)}


def _add_api_errors(checked: Checked, line: int, detail: Any) -> None:
    for field, messages in detail.items():
        column = field if field in COLUMNS else ROW
        if column in checked.errors.get(line, {}):
            continue
        for message in messages if isinstance(messages, list) else [messages]:
            checked.add(line, column, str(message))


METRICS = MetricsImport()
