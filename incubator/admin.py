"""Admin for cohorts, ventures (with their stage history), metrics and reports."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blkk_portal.accounts.models import Role
from blkk_portal.admin_base import ReadOnlyInline, ScopedAdmin, ScopedHistoryAdmin

from . import reports, services
from .models import (
    Cohort,
    Milestone,
    ProgressReport,
    ReportRun,
    ReportScope,
    Stage,
    StageChange,
    Venture,
    VentureMetric,
)
from .periods import Month

RELATED_ONLY = admin.RelatedOnlyFieldListFilter


@admin.register(Cohort)
class CohortAdmin(ScopedAdmin):
    services = services.COHORTS
    list_display = ["name", "blkk", "year", "start_date", "end_date", "status"]
    list_filter = [("blkk__regency__province", RELATED_ONLY), "status", "year"]
    list_select_related = ["blkk"]
    search_fields = ["name", "blkk__name", "blkk__code"]
    autocomplete_fields = ["blkk"]
    date_hierarchy = "start_date"


class StageChangeInline(ReadOnlyInline):
    model = StageChange
    fields = ["changed_on", "from_stage", "to_stage", "changed_by", "note"]
    readonly_fields = fields
    show_change_link = False


class MilestoneInline(ReadOnlyInline):
    model = Milestone
    fields = ["title", "due_on", "done_on"]
    readonly_fields = fields


class VentureMetricInline(ReadOnlyInline):
    model = VentureMetric
    fields = ["period", "revenue", "workers", "customers"]
    readonly_fields = fields
    ordering = ["-period"]


class StageChangeForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("to stage"), choices=Stage.choices)
    changed_on = forms.DateField(
        label=_("changed on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea)


@admin.register(Venture)
class VentureAdmin(ScopedHistoryAdmin):
    services = services.VENTURES
    list_display = ["name", "cohort", "blkk", "sector", "stage", "nib", "started_on"]
    list_filter = [
        ("cohort__blkk__regency__province", RELATED_ONLY),
        "stage",
        "sector",
    ]
    list_select_related = ["cohort__blkk"]
    search_fields = ["name", "nib", "cohort__name", "cohort__blkk__code"]
    autocomplete_fields = ["cohort", "founders"]
    date_hierarchy = "started_on"
    inlines = [StageChangeInline, MilestoneInline, VentureMetricInline]

    @admin.display(description=_("BLKK"), ordering="cohort__blkk__name")
    def blkk(self, obj: Venture):
        return obj.cohort.blkk

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/stage/",
                self.admin_site.admin_view(self.change_stage_view),
                name="incubator_venture_stage",
            )
        ]
        return urls + super().get_urls()

    def change_stage_view(self, request, object_id):
        venture = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_change_permission(request, venture):
            raise PermissionDenied
        form = StageChangeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.venture_change_stage(
                    venture=venture, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Stage changed."))
                return redirect(
                    reverse("admin:incubator_venture_change", args=[venture.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Change stage of %(name)s") % {"name": venture.name},
            "venture": venture,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/incubator/venture/stage.html", context)


@admin.register(StageChange)
class StageChangeAdmin(ScopedAdmin):
    list_display = ["venture", "from_stage", "to_stage", "changed_on", "changed_by"]
    list_filter = ["to_stage"]
    list_select_related = ["venture", "changed_by"]
    search_fields = ["venture__name"]
    date_hierarchy = "changed_on"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Milestone)
class MilestoneAdmin(ScopedAdmin):
    services = services.MILESTONES
    list_display = ["title", "venture", "due_on", "done_on"]
    list_select_related = ["venture"]
    search_fields = ["title", "venture__name"]
    autocomplete_fields = ["venture"]
    date_hierarchy = "due_on"


@admin.register(VentureMetric)
class VentureMetricAdmin(ScopedHistoryAdmin):
    services = services.METRICS
    list_display = ["venture", "period", "revenue", "workers", "customers"]
    list_filter = [("venture__cohort__blkk__regency__province", RELATED_ONLY)]
    list_select_related = ["venture"]
    search_fields = ["venture__name"]
    autocomplete_fields = ["venture"]
    date_hierarchy = "period"


class ReportMonthFilter(admin.SimpleListFilter):
    """The months that have reports the user can read, newest first."""

    title = _("month")
    parameter_name = "month"

    def lookups(self, request, model_admin):
        months = (
            model_admin.get_queryset(request)
            .order_by("-period")
            .values_list("period", flat=True)
            .distinct()
        )
        return [(f"{m:%Y-%m}", f"{m:%Y-%m}") for m in months]

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

    period = forms.CharField(
        label=_("month"),
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
        help_text=_("As YYYY-MM, for example 2026-04."),
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

    def clean_period(self) -> Month:
        try:
            return Month.parse(self.cleaned_data["period"])
        except ValueError:
            raise ValidationError(
                _("Give the month as YYYY-MM, for example 2026-04.")
            ) from None

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
        reports.scope_blkks(scope, code)  # unknown scope or code: a field error
        if not reports.report_generation_allowed(self.user, scope, code):
            raise ValidationError(_("You may not generate this report."))
        return cleaned


@admin.register(ProgressReport)
class ProgressReportAdmin(ScopedAdmin):
    list_display = [
        "scope",
        "scope_code",
        "month",
        "generated_at",
        "downloads",
        "mailed_at",
    ]
    list_filter = ["scope", ReportMonthFilter]
    search_fields = ["scope_code"]
    date_hierarchy = "period"
    fields = [
        "scope",
        "scope_code",
        "month",
        "kpis",
        "generated_at",
        "downloads",
        "files_generated_at",
        "mailed_at",
    ]
    readonly_fields = fields
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

    @admin.display(description=_("month"), ordering="period")
    def month(self, report: ProgressReport) -> str:
        return f"{report.period:%Y-%m}"

    @admin.display(description=_("files"))
    def downloads(self, report: ProgressReport) -> str:
        links = [
            format_html(
                '<a href="{}">{}</a>',
                reverse(
                    "admin:incubator_progressreport_download", args=[report.pk, kind]
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
        for report in queryset.order_by("pk"):
            if not reports.report_generation_allowed(
                request.user, report.scope, report.scope_code
            ):
                refused += 1
                continue
            reports.report_generate_async(
                scope=report.scope,
                scope_code=report.scope_code,
                period=report.period,
                requested_by=request.user,
            )
            queued += 1
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

    def get_urls(self):
        view = self.admin_site.admin_view
        urls = [
            path(
                "generate/",
                view(self.generate_view),
                name="incubator_progressreport_generate",
            ),
            path(
                "runs/<int:run_id>/",
                view(self.run_view),
                name="incubator_progressreport_run",
            ),
            path(
                "<int:report_id>/download/<str:kind>/",
                view(self.download_view),
                name="incubator_progressreport_download",
            ),
        ]
        return urls + super().get_urls()

    def generate_view(self, request):
        if not self.has_generate_permission(request):
            raise PermissionDenied
        form = ReportGenerateForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            if data["scope"] == ALL_SCOPES:
                run = reports.reports_generate_month_async(
                    period=data["period"], requested_by=request.user
                )
            else:
                run = reports.report_generate_async(
                    scope=data["scope"],
                    scope_code=data["scope_code"],
                    period=data["period"],
                    requested_by=request.user,
                )
            return redirect(
                reverse("admin:incubator_progressreport_run", args=[run.pk])
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Generate reports"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(
            request, "admin/incubator/progressreport/generate.html", context
        )

    def run_view(self, request, run_id):
        run = get_object_or_404(ReportRun.objects.visible_to(request.user), pk=run_id)
        progress = reports.report_run_progress(run)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Report generation"),
            "run": run,
            "progress": progress,
            "finished": run.status in (ReportRun.Status.DONE, ReportRun.Status.FAILED),
            "opts": self.model._meta,
        }
        return TemplateResponse(
            request, "admin/incubator/progressreport/run.html", context
        )

    def download_view(self, request, report_id, kind):
        report = get_object_or_404(self.get_queryset(request), pk=report_id)
        return reports.report_file_response(report, kind)
