"""Portal pages of stored progress reports: the list, a report, its files, and
generating one in the background with its progress.

Every report is read through `ProgressReport.objects.visible_to` (the API's and the
admin's door): everyone signed in reads the national report, provincial staff their
province's and its BLKKs', managers their BLKKs'; any other report answers 404, as a
missing one does. Generating goes through the API's service and checks
(`selectors.report_generation_allowed`, `services.report_generate_async`), so a page
refuses what `reports/generate/` refuses (a month not ended, a scope out of reach)
with the same words.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from blkk_portal.accounts.models import Role
from blkk_portal.celery import TaskQueueUnavailable
from blkk_portal.months import Month
from blkk_portal.pages import (
    NOT_YOUR_ROLE,
    form_data,
    paginate,
    place_errors,
    query_without_page,
    roles_required,
    see_other,
)
from blkk_portal.templatetags.portal import bulan_singkat
from training.views import blkks_opened_by

from .. import presenting, selectors, services
from ..files import report_file_response
from ..forms import ReportFilterForm, ReportGenerateForm
from ..models import ProgressReport, ReportRun, ReportScope
from ..presenting import KPI_LABELS

GENERATING_ROLES = (Role.MINISTRY, Role.PROVINCE, Role.BLKK_MANAGER)
FILE_KINDS = (("xlsx", "Excel (XLSX)"), ("csv", "CSV"))
# The country first, then provinces, then BLKKs, within a month.
SCOPE_ORDER = Case(
    When(scope=ReportScope.NATIONAL, then=Value(0)),
    When(scope=ReportScope.PROVINCE, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def _reports(request: HttpRequest) -> QuerySet:
    """The reports the user reads, each with its place's name."""
    return ProgressReport.objects.visible_to(request.user).with_place_name()


def _generate_form(request: HttpRequest, data=None) -> ReportGenerateForm | None:
    """The generate form for a user who may generate some report, else None;
    unbound, it starts on the user's own scope and the last month that ended."""
    user = request.user
    scopes = selectors.generation_scopes(user)
    if not scopes:
        return None
    last_month = Month.last_completed()
    initial: dict[str, object] = {"period": last_month, "scope": scopes[0]}
    if data is None and user.role == Role.PROVINCE:
        initial.update(scope=ReportScope.PROVINCE, scope_code=user.province_id)
    elif data is None and user.role == Role.BLKK_MANAGER:
        first = blkks_opened_by(user).order_by("code").values_list("code", flat=True)
        initial["scope_code"] = first.first() or ""
    return ReportGenerateForm(
        data, initial=initial, scopes=scopes, last_month=last_month
    )


@require_GET
@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    """The stored reports the user reads, newest month first, the country before
    provinces before BLKKs; filtered by name or code, scope and month."""
    form = ReportFilterForm(request.GET or None)
    rows = _reports(request).order_by("-period", SCOPE_ORDER, "scope_code")
    if form.is_valid():
        search, scope = form.cleaned_data["q"], form.cleaned_data["scope"]
        month = form.cleaned_data["period"]
        if search:
            rows = rows.filter(
                Q(scope_code__icontains=search) | Q(place_name__icontains=search)
            )
        if scope:
            rows = rows.filter(scope=scope)
        if month is not None:
            rows = rows.filter(period=month.first_day)
    context = {
        "form": form,
        "page": paginate(request, rows),
        "query": query_without_page(request),
        "generate_form": _generate_form(request),
    }
    return render(request, "reports/report_list.html", context)


@require_GET
@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One report as a person reads it: every KPI labelled and formatted, its
    breakdown by place with links to those reports, its trend, its files."""
    report = get_object_or_404(_reports(request), pk=pk)
    trend = selectors.report_trend(report)
    context = {
        "report": report,
        "name": report.scope_label,
        "rows": presenting.kpi_rows(report.kpis),
        "summary": presenting.summary_columns(),
        "breakdown": selectors.report_breakdown(report, request.user),
        "trend": [
            {**month, "cells": presenting.summary_row(month["kpis"])} for month in trend
        ],
        "graduates_chart": graduates_chart(trend),
        "files": [
            (kind, label)
            for kind, label in FILE_KINDS
            if getattr(report, f"{kind}_file")
        ],
    }
    return render(request, "reports/report_detail.html", context)


@require_GET
@login_required
def report_file(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The report's XLSX or CSV file (any other kind, or none stored: 404)."""
    report = get_object_or_404(ProgressReport.objects.visible_to(request.user), pk=pk)
    return report_file_response(report, kind)


# Outside the request's transaction: the run is committed, and its task published,
# within the request, so a broker that does not answer is this page's message and
# leaves no run queued (as the API's `reports/generate/` and the admin do).
@transaction.non_atomic_requests
@require_http_methods(["GET", "POST"])
@roles_required(*GENERATING_ROLES)
def report_generate(request: HttpRequest) -> HttpResponse:
    """Ask for one report in the background; a valid request goes (303) to the
    run's progress page."""
    data = form_data(request)
    form = _generate_form(request, data)
    if form is None:  # a provincial user with no province, say
        raise PermissionDenied(NOT_YOUR_ROLE)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            run = _queue(request, form)
        except TaskQueueUnavailable as error:
            form.add_error(None, str(error))
            status = 503
        else:
            if run is not None:
                return see_other(reverse("report-run", args=[run.pk]))
    return render(
        request, "reports/report_generate.html", {"form": form}, status=status
    )


def _queue(request: HttpRequest, form: ReportGenerateForm) -> ReportRun | None:
    """The run queued for the form's report, or None with the refusal on the form
    (the API's 403 and 400 alike)."""
    scope, code = form.cleaned_data["scope"], form.cleaned_data["scope_code"]
    if not selectors.report_generation_allowed(request.user, scope, code):
        form.add_error(None, _("You may not generate this report."))
        return None
    try:
        # Committed, and its task published, at the end of the block.
        with transaction.atomic():
            return services.report_generate_async(
                scope=scope,
                scope_code=code,
                period=form.cleaned_data["period"],
                requested_by=request.user,
            )
    except ValidationError as error:
        place_errors(form, error)
        return None


def _run_context(request: HttpRequest, run: ReportRun) -> dict:
    progress = selectors.report_run_progress(run)
    finished = run.status in (ReportRun.Status.DONE, ReportRun.Status.FAILED)
    return {
        "run": run,
        "progress": progress,
        "finished": finished,
        "name": selectors.scope_name(run.scope, run.scope_code) if run.scope else "",
        "report": selectors.report_run_report(run, request.user)
        if run.status == ReportRun.Status.DONE
        else None,
    }


@require_GET
@login_required
def report_run(request: HttpRequest, pk: int) -> HttpResponse:
    """How far a background generation got; its bar follows without a reload."""
    run = get_object_or_404(ReportRun.objects.visible_to(request.user), pk=pk)
    return render(request, "reports/report_run.html", _run_context(request, run))


@require_GET
@login_required
def report_run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment htmx asks for every second until the run ends."""
    run = get_object_or_404(ReportRun.objects.visible_to(request.user), pk=pk)
    return render(request, "reports/_run_progress.html", _run_context(request, run))


def graduates_chart(trend: list[dict]) -> dict | None:
    """The graduates of each stored month, for the same Chart.js bar chart the
    dashboards draw (static/js/dashboard.js); the trend table holds the figures."""
    if not trend:
        return None
    return {
        "type": "bar",
        "horizontal": False,
        "format": "count",
        "labels": [bulan_singkat(month["period"]) for month in trend],
        "series": [
            {
                "label": str(KPI_LABELS["graduates"]),
                "values": [month["kpis"].get("graduates") for month in trend],
            }
        ],
    }
