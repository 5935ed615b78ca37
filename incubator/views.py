"""Portal pages of the incubator app: a BLKK's cohorts, ventures and their stage
moves, milestones, and the monthly metrics of all its ventures in one form.

Every page is a page of one BLKK (`training.views.blkk_page`): its managers write;
ministry and province staff read the same pages, without write buttons, and a write
page answers them 403; anyone else, and any record of another BLKK, 404. Records
are looked up among the user's rows of this BLKK (`here.rows`, `here.writable_rows`
for writes), and written by the app's services, whose messages the forms show.

A refused POST re-renders its form with the service's message and status 200 (as
Django's own forms and the admin do; the API answers 400): the page is the answer,
and nothing was stored.
"""

from __future__ import annotations

import copy
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from blkk_portal.imports.models import ImportJob
from blkk_portal.imports.pages import ImportPages, bounded_upload
from blkk_portal.months import Month
from blkk_portal.pages import (
    form_data,
    paginate,
    place_errors,
    query_without_page,
    save_through_service,
    see_other,
)
from blkk_portal.templatetags.portal import bulan
from training.models import Trainee
from training.views import BlkkHere, audit_whole_niks, blkk_page

from . import public, selectors, services
from .forms import (
    CohortForm,
    MetricsFormSet,
    MetricsImportForm,
    MilestoneForm,
    MonthForm,
    StageMoveForm,
    VentureForm,
    VentureUpdateForm,
)
from .imports import METRICS
from .imports import owner_key as metrics_owner_key
from .models import (
    Cohort,
    Milestone,
    Stage,
    StageChange,
    Venture,
    VentureMetric,
)
from .panels import venture_panels

GET_OR_POST = ["GET", "POST"]
METRIC_PERMISSIONS = ("incubator.add_venturemetric", "incubator.change_venturemetric")
# Months of figures a venture's page shows.
RECENT_METRICS = 6


# --- cohorts --------------------------------------------------------------------------


@require_GET
@blkk_page
def cohort_list(request: HttpRequest, here: BlkkHere) -> HttpResponse:
    rows = here.rows(Cohort).annotate(venture_count=Count("ventures"))
    rows = selectors.with_taking_applications(rows, timezone.localdate())
    page = paginate(request, rows.order_by("-year", "name", "pk"))
    context = {"here": here, "page": page, "query": query_without_page(request)}
    return render(request, "incubator/cohort_list.html", context)


@require_GET
@blkk_page
def cohort_detail(request: HttpRequest, here: BlkkHere, pk: int) -> HttpResponse:
    cohort = get_object_or_404(here.rows(Cohort), pk=pk)
    ventures = _venture_rows(request, here).filter(cohort=cohort)
    page = paginate(request, ventures)
    context = {
        "here": here,
        "cohort": cohort,
        "taking_applications": cohort.takes_applications_on(timezone.localdate()),
        "page": page,
        "query": query_without_page(request),
    }
    return render(request, "incubator/cohort_detail.html", context)


@require_http_methods(GET_OR_POST)
@blkk_page
def cohort_create(request: HttpRequest, here: BlkkHere) -> HttpResponse:
    here.ensure_may("incubator.add_cohort")
    form = CohortForm(data=form_data(request))
    if request.method == "POST" and form.is_valid():
        cohort = save_through_service(
            form,
            lambda: services.cohort_create(
                blkk=here.blkk, **form.cleaned_data, by=request.user
            ),
        )
        if cohort is not None:
            messages.success(request, _("Cohort %(name)s saved.") % {"name": cohort})
            return see_other(_cohort_url(here, cohort))
    context = {"here": here, "form": form, "cohort": None}
    return render(request, "incubator/cohort_form.html", context)


@require_http_methods(GET_OR_POST)
@blkk_page
def cohort_update(request: HttpRequest, here: BlkkHere, pk: int) -> HttpResponse:
    here.ensure_may("incubator.change_cohort")
    cohort = get_object_or_404(here.writable_rows(Cohort), pk=pk)
    form = CohortForm(data=form_data(request), instance=cohort)
    if request.method == "POST" and form.is_valid():
        saved = save_through_service(
            form,
            lambda: services.cohort_update(
                cohort=cohort, **form.cleaned_data, by=request.user
            ),
        )
        if saved is not None:
            messages.success(request, _("Cohort %(name)s saved.") % {"name": saved})
            return see_other(_cohort_url(here, saved))
        cohort.refresh_from_db()  # the refused changes were set on it
    context = {"here": here, "form": form, "cohort": cohort}
    return render(request, "incubator/cohort_form.html", context)


def _cohort_url(here: BlkkHere, cohort: Cohort) -> str:
    return reverse("cohort-detail", args=[here.blkk.code, cohort.pk])


# --- ventures -------------------------------------------------------------------------


def _venture_rows(request: HttpRequest, here: BlkkHere):
    """This BLKK's ventures the user sees, each with its cohort, its founders' names
    (those the user sees) and the last month it reported, in three queries."""
    founders = Trainee.objects.visible_to(request.user).order_by("full_name", "pk")
    rows = (
        here.rows(Venture)
        .select_related("cohort")
        .prefetch_related(Prefetch("founders", queryset=founders))
    )
    return selectors.with_last_report(rows).order_by("name", "pk")


@require_GET
@blkk_page
def venture_list(request: HttpRequest, here: BlkkHere) -> HttpResponse:
    """This BLKK's ventures, by stage and cohort."""
    cohorts = here.rows(Cohort).order_by("-year", "name", "pk")
    stage = request.GET.get("stage", "")
    cohort = request.GET.get("cohort", "")
    rows = _venture_rows(request, here)
    if stage in Stage.values:
        rows = rows.filter(stage=stage)
    else:
        stage = ""
    if cohort.isascii() and cohort.isdigit() and len(cohort) < 10:
        rows = rows.filter(cohort_id=int(cohort))
    else:
        cohort = ""
    context = {
        "here": here,
        "page": paginate(request, rows),
        "query": query_without_page(request),
        "stages": Stage.choices,
        "stage": stage,
        "cohorts": cohorts,
        "cohort": cohort,
    }
    return render(request, "incubator/venture_list.html", context)


@require_GET
@blkk_page
def venture_detail(request: HttpRequest, here: BlkkHere, pk: int) -> HttpResponse:
    """A venture: its founders, stage history and the move form, milestones, last
    figures, and what the apps above add (its mentors)."""
    venture = get_object_or_404(here.rows(Venture).select_related("cohort"), pk=pk)
    user = request.user
    founders = list(
        Trainee.objects.visible_to(user)
        .with_full_nik_flag(user)
        .filter(ventures=venture)
        .order_by("full_name", "pk")
    )
    audit_whole_niks(request, founders)
    history = (
        here.rows(StageChange)
        .filter(venture=venture)
        .select_related("changed_by")
        .order_by("changed_on", "pk")
    )
    milestones = (
        here.rows(Milestone)
        .filter(venture=venture)
        .order_by(F("due_on").asc(nulls_last=True), "pk")
    )
    metrics = here.rows(VentureMetric).filter(venture=venture).order_by("-period")
    stage_form = StageMoveForm(venture=venture) if here.writable else None
    context = {
        "here": here,
        "venture": venture,
        "founders": founders,
        "history": history,
        "milestones": milestones,
        "metrics": metrics[:RECENT_METRICS],
        "stage_form": stage_form,
        "today": timezone.localdate(),
        "panels": [
            {"template": panel.template_name, **panel.context(request, venture)}
            for panel in venture_panels()
        ],
    }
    return render(request, "incubator/venture_detail.html", context)


@require_http_methods(GET_OR_POST)
@blkk_page
def venture_create(request: HttpRequest, here: BlkkHere) -> HttpResponse:
    here.ensure_may("incubator.add_venture")
    cohorts = here.writable_rows(Cohort).order_by("-year", "name", "pk")
    initial = {"started_on": timezone.localdate()}
    chosen = request.GET.get("cohort", "")
    if chosen.isascii() and chosen.isdigit() and len(chosen) < 10:
        initial["cohort"] = chosen
    form = VentureForm(
        data=form_data(request),
        initial=initial,
        cohorts=cohorts,
        people=here.writable_rows(Trainee).order_by("full_name", "pk"),
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        venture = save_through_service(
            form, lambda: services.venture_create(**form.cleaned_data, by=request.user)
        )
        if venture is not None:
            messages.success(request, _("Venture %(name)s saved.") % {"name": venture})
            return see_other(_venture_url(here, venture))
    audit_whole_niks(request, form.fields["founders"].queryset)
    context = {"here": here, "form": form, "venture": None}
    return render(request, "incubator/venture_form.html", context)


@require_http_methods(GET_OR_POST)
@blkk_page
def venture_update(request: HttpRequest, here: BlkkHere, pk: int) -> HttpResponse:
    here.ensure_may("incubator.change_venture")
    venture = get_object_or_404(
        here.writable_rows(Venture).select_related("cohort"), pk=pk
    )
    # The people this BLKK reaches, and the venture's founders the user sees (a
    # founder another BLKK registered stays ticked).
    founder_ids = Venture.founders.through.objects.filter(venture_id=venture.pk)
    offered = here.writable_rows(Trainee) | Trainee.objects.visible_to(
        request.user
    ).filter(pk__in=founder_ids.values("trainee_id"))
    form = VentureUpdateForm(
        data=form_data(request),
        instance=venture,
        cohorts=here.writable_rows(Cohort).order_by("-year", "name", "pk"),
        people=offered.order_by("full_name", "pk"),
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        changes = dict(form.cleaned_data)
        # Founders the user does not see are not offered, and so not unticked.
        unseen = venture.founders.exclude(pk__in=offered.values("pk"))
        changes["founders"] = [*changes["founders"], *unseen]
        saved = save_through_service(
            form,
            lambda: services.venture_update(
                venture=venture, **changes, by=request.user
            ),
        )
        if saved is not None:
            messages.success(request, _("Venture %(name)s saved.") % {"name": saved})
            return see_other(_venture_url(here, saved))
        venture.refresh_from_db()  # the refused changes were set on it
    audit_whole_niks(request, form.fields["founders"].queryset)
    context = {"here": here, "form": form, "venture": venture}
    return render(request, "incubator/venture_form.html", context)


@require_http_methods(GET_OR_POST)
@blkk_page
def venture_stage(request: HttpRequest, here: BlkkHere, pk: int) -> HttpResponse:
    """Move a venture to another stage. Only the moves the rules allow from its
    stage are offered; any other posted is refused by the service, in its words."""
    here.ensure_may("incubator.change_venture")
    venture = get_object_or_404(
        here.writable_rows(Venture).select_related("cohort"), pk=pk
    )
    form = StageMoveForm(data=form_data(request), venture=venture)
    if request.method == "POST" and form.is_valid():
        change = save_through_service(
            form,
            lambda: services.venture_change_stage(
                venture=venture, **form.cleaned_data, by=request.user
            ),
        )
        if change is not None:
            messages.success(
                request,
                _("%(venture)s moved to %(stage)s.")
                % {"venture": venture, "stage": change.get_to_stage_display()},
            )
            return see_other(_venture_url(here, venture))
    context = {"here": here, "form": form, "venture": venture}
    return render(request, "incubator/venture_stage.html", context)


def _venture_url(here: BlkkHere, venture: Venture) -> str:
    return reverse("venture-detail", args=[here.blkk.code, venture.pk])


# --- milestones -----------------------------------------------------------------------


@require_http_methods(GET_OR_POST)
@blkk_page
def milestone_create(request: HttpRequest, here: BlkkHere, pk: int) -> HttpResponse:
    here.ensure_may("incubator.add_milestone")
    venture = get_object_or_404(here.writable_rows(Venture), pk=pk)
    form = MilestoneForm(data=form_data(request))
    if request.method == "POST" and form.is_valid():
        milestone = save_through_service(
            form,
            lambda: services.milestone_create(
                venture=venture, **form.cleaned_data, by=request.user
            ),
        )
        if milestone is not None:
            messages.success(request, _("Milestone saved."))
            return see_other(_venture_url(here, venture))
    context = {"here": here, "form": form, "venture": venture, "milestone": None}
    return render(request, "incubator/milestone_form.html", context)


@require_http_methods(GET_OR_POST)
@blkk_page
def milestone_update(request: HttpRequest, here: BlkkHere, pk: int) -> HttpResponse:
    """Change a milestone, or mark it done (the venture's page posts `done_on`)."""
    here.ensure_may("incubator.change_milestone")
    milestone = get_object_or_404(
        here.writable_rows(Milestone).select_related("venture"), pk=pk
    )
    form = MilestoneForm(data=form_data(request), instance=milestone)
    if request.method == "POST" and form.is_valid():
        saved = save_through_service(
            form,
            lambda: services.milestone_update(
                milestone=milestone, **form.cleaned_data, by=request.user
            ),
        )
        if saved is not None:
            messages.success(request, _("Milestone saved."))
            return see_other(_venture_url(here, milestone.venture))
        milestone.refresh_from_db()  # the refused changes were set on it
    context = {
        "here": here,
        "form": form,
        "venture": milestone.venture,
        "milestone": milestone,
    }
    return render(request, "incubator/milestone_form.html", context)


# --- monthly metrics ------------------------------------------------------------------


class _Refused(Exception):
    """A row of the month was refused: roll every row back."""


@require_http_methods(GET_OR_POST)
@blkk_page
def metrics_month(request: HttpRequest, here: BlkkHere) -> HttpResponse:
    """The figures of all this BLKK's ventures for one month (`?period=YYYY-MM`,
    by default the last completed month), in one form: one row per venture active
    at the month's end (and any that reported it anyway), stored all or nothing."""
    writing = request.method == "POST"
    if writing:
        here.ensure_may(*METRIC_PERMISSIONS)
    month_form = MonthForm(data=request.GET)
    month = _month_asked(month_form)
    context: dict = {"here": here, "month_form": month_form, "month": month}
    if month is None:
        return render(request, "incubator/metrics_month.html", context)
    rows = here.writable_rows if writing else here.rows
    ventures = list(selectors.ventures_reporting_month(month, rows(Venture)))
    stored = {
        metric.venture_id: metric
        for metric in rows(VentureMetric).filter(
            period=month.first_day, venture_id__in=[v.pk for v in ventures]
        )
    }
    formset = None
    if here.writable:
        formset = MetricsFormSet(
            data=form_data(request), ventures=ventures, stored=stored
        )
        if writing and formset.is_valid():
            saved = _store_month(formset, month=month, by=request.user)
            if saved is not None:
                messages.success(request, _saved_message(month, saved))
                return see_other(_metrics_url(here, month))
    missing = [venture for venture in ventures if venture.pk not in stored]
    context |= {
        "rows": [
            {
                "venture": venture,
                "metric": stored.get(venture.pk),
                "form": formset.forms[index] if formset is not None else None,
            }
            for index, venture in enumerate(ventures)
        ],
        "formset": formset,
        "missing": missing,
        "previous": _month_before(month),
        "next": _begun(month.shifted(1)),
    }
    return render(request, "incubator/metrics_month.html", context)


def _month_asked(month_form: MonthForm) -> Month | None:
    """The month of `?period=` (default: the last completed one); None, with the
    message on the form, for text that is not a month or a month not yet begun
    (the service's rule and words)."""
    if not month_form.is_valid():
        return None
    month = month_form.cleaned_data["period"] or Month.last_completed()
    try:
        services.metric_ensure_month_begun(VentureMetric(period=month.first_day))
    except ValidationError as error:
        place_errors(month_form, error)
        return None
    return month


def _month_before(month: Month) -> Month | None:
    try:
        return month.shifted(-1)
    except ValueError:  # before the first month the portal knows
        return None


def _begun(month: Month) -> Month | None:
    return month if month.first_day <= timezone.localdate() else None


def _store_month(formset, *, month: Month, by) -> int | None:
    """Store every row that was filled in and changed, through the metric services,
    in one transaction: if any row is refused, its messages go on its row and no row
    is stored. Returns the rows stored, or None."""
    stored = 0
    try:
        with transaction.atomic():
            refused = False
            for form in formset.forms:
                figures = form.figures()
                if figures is None:
                    continue
                try:
                    with transaction.atomic():
                        if form.metric is None:
                            services.metric_create(
                                venture=form.venture,
                                period=month.first_day,
                                **figures,
                                by=by,
                            )
                        else:
                            # A copy: if another row is refused, the page shows
                            # the figures as stored, not as refused.
                            services.metric_update(
                                metric=copy.copy(form.metric), **figures, by=by
                            )
                    stored += 1
                except ValidationError as error:
                    place_errors(form, error)
                    refused = True
            if refused:
                raise _Refused
    except _Refused:
        return None
    return stored


def _saved_message(month: Month, count: int) -> str:
    if not count:
        return _("Nothing changed in the figures for %(month)s.") % {
            "month": bulan(month)
        }
    return ngettext(
        "Figures for %(month)s saved for %(count)d venture.",
        "Figures for %(month)s saved for %(count)d ventures.",
        count,
    ) % {"month": bulan(month), "count": count}


def _metrics_url(here: BlkkHere, month: Month) -> str:
    url = reverse("metrics-month", args=[here.blkk.code])
    return f"{url}?{urlencode({'period': str(month)})}"


# --- importing a month's figures ------------------------------------------------------

METRICS_PAGES = ImportPages(
    kind=METRICS,
    url_name="metrics-import",
    upload_template="incubator/metrics_import.html",
    job_template="incubator/metrics_import_job.html",
    file_name="data-bulanan-template.xlsx",
    notes=(
        gettext_lazy(
            "One row per venture of this BLKK. A venture that already has the "
            "month's figures gets them replaced by its row."
        ),
    ),
)


def _ensure_metrics_importer(here: BlkkHere) -> None:
    """404 unless the user manages this BLKK and may report figures (DESIGN.md:
    the import is the BLKK's managers', others 404; mentors report on their own
    page, one venture at a time)."""
    if not here.writable or not here.user.has_perms(METRIC_PERMISSIONS):
        raise Http404


def _metrics_jobs(here: BlkkHere) -> QuerySet[ImportJob]:
    """This BLKK's imports of figures, of every month."""
    return ImportJob.objects.filter(
        kind=METRICS.name, owner_key__startswith=f"{here.blkk.pk}:"
    )


def _job_month(job: ImportJob) -> Month | None:
    try:
        return Month.parse(job.owner_key.partition(":")[2])
    except ValueError:
        return None


@bounded_upload
@require_http_methods(GET_OR_POST)
@blkk_page
def metrics_import(request: HttpRequest, here: BlkkHere) -> HttpResponse:
    """The upload form (the month, by default `?period=` or the last completed
    one, and the file) and this BLKK's earlier imports of figures."""
    _ensure_metrics_importer(here)
    if request.method == "POST":
        form = MetricsImportForm(request.POST, request.FILES, request=request)
    else:
        asked = MonthForm(data=request.GET)
        month = asked.is_valid() and asked.cleaned_data["period"]
        initial = {"period": str(month or Month.last_completed())}
        form = MetricsImportForm(initial=initial, request=request)
    return METRICS_PAGES.upload(
        request,
        form=form,
        owner_key=lambda: metrics_owner_key(here.blkk, form.cleaned_data["period"]),
        jobs=_metrics_jobs(here),
        args=[here.blkk.code],
        context={"here": here},
        about=lambda job: bulan(month) if (month := _job_month(job)) else "",
    )


@require_GET
@blkk_page
def metrics_import_template(request: HttpRequest, here: BlkkHere) -> HttpResponse:
    _ensure_metrics_importer(here)
    return METRICS_PAGES.template()


@require_GET
@blkk_page
def metrics_import_job(request: HttpRequest, here: BlkkHere, pk: int) -> HttpResponse:
    """A preview, a run's progress or its result, with the month it is for."""
    _ensure_metrics_importer(here)

    def after(job: ImportJob) -> str:
        month = _job_month(job)
        return _metrics_url(here, month) if month is not None else ""

    return METRICS_PAGES.job(
        request,
        jobs=_metrics_jobs(here),
        pk=pk,
        args=[here.blkk.code],
        context=lambda job: {"here": here, "month": _job_month(job)},
        after=after,
    )


@require_GET
@blkk_page
def metrics_import_progress(
    request: HttpRequest, here: BlkkHere, pk: int
) -> HttpResponse:
    _ensure_metrics_importer(here)
    return METRICS_PAGES.progress(
        request, jobs=_metrics_jobs(here), pk=pk, args=[here.blkk.code]
    )


@transaction.non_atomic_requests
@require_POST
@blkk_page
def metrics_import_confirm(
    request: HttpRequest, here: BlkkHere, pk: int
) -> HttpResponse:
    _ensure_metrics_importer(here)
    return METRICS_PAGES.confirm(
        request, jobs=_metrics_jobs(here), pk=pk, args=[here.blkk.code]
    )


@require_POST
@blkk_page
def metrics_import_cancel(
    request: HttpRequest, here: BlkkHere, pk: int
) -> HttpResponse:
    _ensure_metrics_importer(here)
    return METRICS_PAGES.cancel(
        request, jobs=_metrics_jobs(here), pk=pk, args=[here.blkk.code]
    )


# --- the public page of cohorts taking applications (issue #13) -----------------------

# Cohorts a public page lists; the rest are a page away.
PUBLIC_PAGE_SIZE = 20


@transaction.non_atomic_requests
@require_GET
def public_cohorts(request: HttpRequest) -> HttpResponse:
    """`/programmes/cohorts/`, for anyone, signed in or not (DESIGN.md, "Portal
    pages"): the cohorts of active BLKKs taking applications today, by province,
    each with its BLKK's name, regency, address, phone and email; `?province=CODE`
    keeps one province. Nothing about any person. Its rows come from the cache
    (`incubator.public`): a page seen a moment ago asks the database nothing."""
    today = timezone.localdate()
    rows = public.public_cohorts(today)
    provinces: dict[str, dict] = {}
    for row in rows:
        entry = provinces.setdefault(
            row["province_code"],
            {"code": row["province_code"], "name": row["province"], "count": 0},
        )
        entry["count"] += 1
    chosen = request.GET.get("province", "")
    if chosen:
        rows = [row for row in rows if row["province_code"] == chosen]
    context = {
        "today": today,
        "page": paginate(request, rows, per_page=PUBLIC_PAGE_SIZE),
        "query": query_without_page(request),
        "provinces": list(provinces.values()),
        "province": provinces.get(chosen),
        "province_asked": bool(chosen),
        "total": len(rows),
    }
    return render(request, "incubator/public_cohorts.html", context)
