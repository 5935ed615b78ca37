"""Admin for progress reports: the list, downloads, and generating in the background."""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blkk_portal.accounts.models import Role
from blkk_portal.admin_base import ScopedAdmin
from blkk_portal.admin_lists import period_filter
from blkk_portal.celery import TaskQueueUnavailable
from blkk_portal.forms import MonthFormField
from blkk_portal.months import Month
from blkk_portal.pages import place_errors

from . import files, presenting, selectors, services
from .models import ProgressReport, ReportRun, ReportScope


class ReportMonthFilter(admin.SimpleListFilter):
    """One month's reports: the last `MONTHS` ended months are offered, newest
    first, counted from today rather than read from the reports (a DISTINCT over
    every stored report); an older month is chosen by its year, or by a link with
    `?month=YYYY-MM`."""

    title = _("month")
    parameter_name = "month"
    MONTHS = 24

    def lookups(self, request, model_admin):
        last = Month.last_completed()
        months = [last.shifted(-back) for back in range(self.MONTHS)]
        return [(str(m), presenting.month_display(m.first_day)) for m in months]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            month = Month.parse(self.value())
        except ValueError:
            return queryset.none()
        return queryset.filter(period=month.first_day)


ALL_SCOPES = ""


class ReportGenerateForm(forms.Form):
    """Which reports to generate in the background; the user's reach is checked in
    `clean`, so a wrong role gets a form error and nothing is queued."""

    period = MonthFormField(
        label=_("month"),
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
        help_text=_("As YYYY-MM, for example 2026-04."),
        error_messages={
            "invalid": _("Give the month as YYYY-MM, for example 2026-04."),
        },
    )
    scope = forms.ChoiceField(
        label=_("scope"),
        choices=[
            (ALL_SCOPES, _("Every BLKK, province and the country")),
            *ReportScope.choices,
        ],
        required=False,
    )
    scope_code = forms.CharField(
        label=_("scope code"),
        required=False,
        help_text=_("The province code or the BLKK's code; empty for the country."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        cleaned = super().clean()
        scope = cleaned.get("scope", ALL_SCOPES)
        code = cleaned.get("scope_code", "").strip()
        cleaned["scope_code"] = code
        if scope == ALL_SCOPES:
            if not self.user.sees_everything:
                raise ValidationError(
                    _("Only ministry staff may generate every scope.")
                )
            return cleaned
        selectors.scope_blkks(scope, code)  # unknown scope or code: a field error
        if not selectors.report_generation_allowed(self.user, scope, code):
            raise ValidationError(_("You may not generate this report."))
        return cleaned


@admin.register(ProgressReport)
class ProgressReportAdmin(ScopedAdmin):
    """Stored reports, read as a person reads them: the scope by name, every KPI
    labelled and formatted (the portal's `reports/_kpi_table.html`), the breakdown
    by place, the files; the stored JSON only for ministry staff, folded away."""

    list_display = [
        "scope_label",
        "scope",
        "month",
        "generated_at",
        "downloads",
        "mailed_at",
    ]
    list_filter = ["scope", ReportMonthFilter, period_filter("period", recent=False)]
    search_fields = ["scope_code"]
    change_form_template = "admin/reports/progressreport/change_form.html"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "scope_label",
                    "scope",
                    "scope_code",
                    "month",
                    "generated_at",
                    "downloads",
                    "files_generated_at",
                    "mailed_at",
                ]
            },
        ),
    ]
    stored_data = (
        _("Stored data (JSON)"),
        {"fields": ["kpis"], "classes": ["collapse"]},
    )
    readonly_fields = [
        "scope_label",
        "scope",
        "scope_code",
        "month",
        "generated_at",
        "downloads",
        "files_generated_at",
        "mailed_at",
    ]
    actions = ["regenerate"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # Reports are written by the generator only; the admin reads them.
        return False

    def has_generate_permission(self, request) -> bool:
        """Ministry, provincial staff and managers may ask for (some) reports."""
        user = request.user
        return user.sees_everything or user.role in (Role.PROVINCE, Role.BLKK_MANAGER)

    class Media:
        css = {"all": ["css/admin_reports.css"]}

    def get_queryset(self, request):
        # The scope's name in the same query as the rows (no query per row).
        return super().get_queryset(request).with_place_name()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        report = self.get_object(request, object_id)
        if report is not None:
            extra_context = {
                **(extra_context or {}),
                "subtitle": presenting.report_title(report, report.scope_label),
                "rows": presenting.kpi_rows(report.kpis),
                "report": report,
                "summary": presenting.summary_columns(),
                "breakdown": selectors.report_breakdown(report, request.user),
                # The stored figures as the API gives them, for ministry staff
                # who check a figure against a client's: folded, at the bottom.
                "stored_json": json.dumps(report.kpis, indent=2, ensure_ascii=False)
                if request.user.sees_everything
                else "",
            }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("name"), ordering="place_name")
    def scope_label(self, report: ProgressReport) -> str:
        return report.scope_label

    @admin.display(description=_("month"), ordering="period")
    def month(self, report: ProgressReport) -> str:
        return presenting.month_display(report.period)

    @admin.display(description=_("files"))
    def downloads(self, report: ProgressReport) -> str:
        links = [
            format_html(
                '<a href="{}">{}</a>',
                reverse(
                    "admin:reports_progressreport_download", args=[report.pk, kind]
                ),
                label,
            )
            for kind, label, field in (
                ("xlsx", "XLSX", report.xlsx_file),
                ("csv", "CSV", report.csv_file),
            )
            if field
        ]
        return format_html_join(" | ", "{}", ((link,) for link in links)) or "-"

    @admin.action(
        description=_("Regenerate selected reports"), permissions=["generate"]
    )
    def regenerate(self, request, queryset):
        queued, refused = 0, 0
        not_ended: set[str] = set()
        for report in queryset.order_by("pk"):
            if not selectors.report_generation_allowed(
                request.user, report.scope, report.scope_code
            ):
                refused += 1
                continue
            try:
                # Committed, and its task published, at the end of the block.
                with transaction.atomic():
                    services.report_generate_async(
                        scope=report.scope,
                        scope_code=report.scope_code,
                        period=report.period,
                        requested_by=request.user,
                    )
            except ValidationError as error:
                # A report of a month not ended (stored before the rule): the
                # service's message, once per message.
                not_ended.update(error.messages)
                continue
            except TaskQueueUnavailable as error:
                messages.error(request, str(error))
                break
            queued += 1
        for message in sorted(not_ended):
            messages.error(request, message)
        if queued:
            messages.success(
                request,
                ngettext(
                    "%(count)d report queued for regeneration.",
                    "%(count)d reports queued for regeneration.",
                    queued,
                )
                % {"count": queued},
            )
        if refused:
            messages.warning(
                request,
                ngettext(
                    "%(count)d report is outside what you may generate.",
                    "%(count)d reports are outside what you may generate.",
                    refused,
                )
                % {"count": refused},
            )

    @transaction.non_atomic_requests
    def changelist_view(self, request, extra_context=None):
        """In a transaction as every request is, except to regenerate: that action
        commits each run and publishes its task in turn, so that a broker that does
        not answer is reported on the page and leaves no run queued (the generate
        page does the same)."""
        if request.method == "POST" and request.POST.get("action") == "regenerate":
            return super().changelist_view(request, extra_context)
        with transaction.atomic():
            return super().changelist_view(request, extra_context)

    def get_urls(self):
        view = self.admin_site.admin_view
        urls = [
            path(
                "generate/",
                # Outside the request's transaction, as `changelist_view` says.
                transaction.non_atomic_requests(view(self.generate_view)),
                name="reports_progressreport_generate",
            ),
            path(
                "runs/<int:run_id>/",
                view(self.run_view),
                name="reports_progressreport_run",
            ),
            path(
                "<int:report_id>/download/<str:kind>/",
                view(self.download_view),
                name="reports_progressreport_download",
            ),
        ]
        return urls + super().get_urls()

    def generate_view(self, request):
        if not self.has_generate_permission(request):
            raise PermissionDenied
        form = ReportGenerateForm(request.POST or None, user=request.user)
        status = 200
        if request.method == "POST" and form.is_valid():
            try:
                # Committed, and its task published, at the end of the block.
                with transaction.atomic():
                    run = self._queue_generation(request, form.cleaned_data)
            except ValidationError as error:
                # The services' refusal (a month not ended) beside its field.
                place_errors(form, error)
            except TaskQueueUnavailable as error:
                form.add_error(None, str(error))
                status = 503
            else:
                return redirect(
                    reverse("admin:reports_progressreport_run", args=[run.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Generate reports"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(
            request,
            "admin/reports/progressreport/generate.html",
            context,
            status=status,
        )

    def _queue_generation(self, request, data: dict) -> ReportRun:
        if data["scope"] == ALL_SCOPES:
            return services.reports_generate_month_async(
                period=data["period"], requested_by=request.user
            )
        return services.report_generate_async(
            scope=data["scope"],
            scope_code=data["scope_code"],
            period=data["period"],
            requested_by=request.user,
        )

    def run_view(self, request, run_id):
        run = get_object_or_404(ReportRun.objects.visible_to(request.user), pk=run_id)
        progress = selectors.report_run_progress(run)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Report generation"),
            "run": run,
            "progress": progress,
            "finished": run.status in (ReportRun.Status.DONE, ReportRun.Status.FAILED),
            "opts": self.model._meta,
        }
        return TemplateResponse(
            request, "admin/reports/progressreport/run.html", context
        )

    def download_view(self, request, report_id, kind):
        report = get_object_or_404(self.get_queryset(request), pk=report_id)
        return files.report_file_response(report, kind)
