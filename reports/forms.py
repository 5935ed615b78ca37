"""Forms of the report pages: finding a stored report, and asking for one.

Their field names are the API's (`scope`, `scope_code`, `period`); what a month or a
scope code may be is the services' to say (`reports.services.ended_month`,
`reports.selectors.scope_blkks`), so a page refuses what `reports/generate/` refuses
with the same words."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from blkk_portal.forms import MonthFormField, PortalForm
from blkk_portal.months import Month

from .models import ReportScope

SEARCH_MAX = 100


class MonthInput(forms.TextInput):
    """The browser's month picker; it sends `YYYY-MM`, the API's month."""

    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs={"placeholder": "YYYY-MM", **(attrs or {})})

    def format_value(self, value):
        return str(value) if isinstance(value, Month) else super().format_value(value)


class ReportFilterForm(PortalForm):
    """The report list's filters; each may be left empty."""

    q = forms.CharField(
        label=_("Name or code"), required=False, max_length=SEARCH_MAX, strip=True
    )
    scope = forms.ChoiceField(
        label=_("Scope"),
        required=False,
        choices=[("", _("Every scope")), *ReportScope.choices],
    )
    period = MonthFormField(label=_("Month"), required=False, widget=MonthInput())


class ReportGenerateForm(PortalForm):
    """One report to generate in the background: the API's `reports/generate/`."""

    scope = forms.ChoiceField(label=_("Scope"), choices=ReportScope.choices)
    scope_code = forms.CharField(
        label=_("Scope code"),
        required=False,
        max_length=40,
        help_text=_(
            "The province code (such as 32) or the BLKK's code; empty for the "
            "national report."
        ),
    )
    period = MonthFormField(
        label=_("Month"),
        help_text=_(
            "A month that has ended, as YYYY-MM. The dashboard shows the month so far."
        ),
        widget=MonthInput(),
    )

    def __init__(self, *args, scopes: list[str], last_month: Month, **kwargs):
        super().__init__(*args, **kwargs)
        scope = cast(forms.ChoiceField, self.fields["scope"])
        scope.choices = [(v, label) for v, label in ReportScope.choices if v in scopes]
        # The picker offers no month that has not ended; the service refuses one
        # typed or posted anyway.
        self.fields["period"].widget.attrs["max"] = str(last_month)
