"""Admin for cohorts, ventures (with their stage history), milestones, metrics and
assistance (with its status history)."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from blkk_portal.admin_base import (
    ReadOnlyAdminMixin,
    ReadOnlyInline,
    ScopedAdmin,
    ScopedHistoryAdmin,
)
from blkk_portal.admin_lists import period_filter
from blkk_portal.numbers import is_ascii_digits
from training.admin_filters import province_filter
from training.models import Blkk

from . import services
from .models import (
    ApplicationReview,
    Assistance,
    AssistanceStatusChange,
    Cohort,
    CohortApplication,
    Milestone,
    Stage,
    StageChange,
    Venture,
    VentureMetric,
)
from .programme_records import (
    APPLICATION_MOVES,
    SCORE_FIELDS,
    application_moves_from,
)


@admin.register(Cohort)
class CohortAdmin(ScopedAdmin):
    services = services.COHORTS
    list_display = [
        "name",
        "blkk",
        "year",
        "start_date",
        "end_date",
        "status",
        "applications_open_on",
        "applications_close_on",
    ]
    list_filter = [
        province_filter("blkk"),
        "status",
        # A cohort's year stands for its dates (no date hierarchy to draw).
        period_filter("year", future=True),
    ]
    list_select_related = ["blkk"]
    search_fields = ["name", "blkk__name", "blkk__code"]
    autocomplete_fields = ["blkk"]


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
    # Newest first, down the primary key: no index serves the model's ordering (by
    # name), so every page would sort the whole table (and its joins) first.
    ordering = ["-pk"]
    # The sector is free text: a filter would list the values of every venture
    # (a DISTINCT over the table); it is searched instead.
    list_filter = [
        province_filter("cohort__blkk"),
        "stage",
        period_filter("started_on"),
    ]
    list_select_related = ["cohort__blkk"]
    search_fields = ["name", "nib", "sector", "cohort__name", "cohort__blkk__code"]
    autocomplete_fields = ["cohort", "founders"]
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
    # Newest first, read down an index: the model's ordering starts with a related
    # model (in that model's order), a join and a sort of the whole table a page.
    ordering = ["-changed_on", "-pk"]
    list_filter = ["to_stage", period_filter("changed_on")]
    list_select_related = ["venture", "changed_by"]
    search_fields = ["venture__name"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Milestone)
class MilestoneAdmin(ScopedAdmin):
    services = services.MILESTONES
    list_display = ["title", "venture", "due_on", "done_on"]
    # Newest first, read down an index: the model's ordering starts with a related
    # model (in that model's order), a join and a sort of the whole table a page.
    ordering = ["-pk"]
    list_filter = [period_filter("due_on", future=True)]
    list_select_related = ["venture"]
    search_fields = ["title", "venture__name"]
    autocomplete_fields = ["venture"]


@admin.register(VentureMetric)
class VentureMetricAdmin(ScopedHistoryAdmin):
    services = services.METRICS
    list_display = ["venture", "period", "revenue", "workers", "customers"]
    list_filter = [
        province_filter("venture__cohort__blkk"),
        period_filter("period", recent=False),
    ]
    list_select_related = ["venture"]
    search_fields = ["venture__name"]
    autocomplete_fields = ["venture"]


# --- intake: applications to a cohort and their reviews -------------------------------


class ApplicationReviewInline(ReadOnlyInline):
    """An application's reviews, each written by its reviewer on its own page."""

    model = ApplicationReview
    fields = ("reviewer", "market", "team", "feasibility", "job_potential", "comment")
    readonly_fields = ("reviewer", *SCORE_FIELDS, "comment")
    show_change_link = False


class ApplicationDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("decision"))
    on = forms.DateField(
        label=_("on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea)

    def __init__(self, *args, application: CohortApplication, **kwargs):
        super().__init__(*args, **kwargs)
        decision = cast(forms.ChoiceField, self.fields["decision"])
        decision.choices = [
            (status.value, status.label)
            for status in application_moves_from(application.status)
        ]


@admin.register(CohortApplication)
class CohortApplicationAdmin(ScopedHistoryAdmin):
    """Applications: recorded and changed through the services; the status, the
    decision date and the venture change only by a decision (the Decide page)."""

    services = services.APPLICATIONS
    fields = [
        "cohort",
        "applicant",
        "co_applicants",
        "business_name",
        "sector",
        "idea",
        "received_on",
        "status",
        "decided_on",
        "venture",
        "recorded_by",
    ]
    readonly_fields = ["status", "decided_on", "venture", "recorded_by"]
    list_display = [
        "business_name",
        "cohort",
        "blkk",
        "applicant",
        "received_on",
        "status",
        "decided_on",
    ]
    list_filter = [
        province_filter("cohort__blkk"),
        "status",
        period_filter("received_on"),
    ]
    list_select_related = ["cohort__blkk", "applicant"]
    search_fields = ["business_name", "applicant__full_name", "cohort__name"]
    autocomplete_fields = ["cohort", "applicant", "co_applicants"]
    inlines = [ApplicationReviewInline]

    @admin.display(description=_("BLKK"), ordering="cohort__blkk__name")
    def blkk(self, obj: CohortApplication):
        return obj.cohort.blkk

    def render_change_form(self, request, context, *args, **kwargs):
        context["decidable"] = sorted(APPLICATION_MOVES)
        return super().render_change_form(request, context, *args, **kwargs)

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="incubator_cohortapplication_decide",
            )
        ]
        return urls + super().get_urls()

    def decide_view(self, request, object_id):
        if not is_ascii_digits(object_id):
            raise Http404
        application = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_change_permission(request, application):
            raise PermissionDenied
        form = ApplicationDecisionForm(request.POST or None, application=application)
        if request.method == "POST" and form.is_valid():
            try:
                services.application_decide(
                    application=application, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("The decision is recorded."))
                return redirect(
                    reverse(
                        "admin:incubator_cohortapplication_change",
                        args=[application.pk],
                    )
                )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Decide on %(name)s") % {"name": application.business_name},
            "application": application,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(
            request, "admin/incubator/cohortapplication/decide.html", context
        )


@admin.register(ApplicationReview)
class ApplicationReviewAdmin(ScopedHistoryAdmin):
    """Reviews: the reviewer is whoever records one here (the service refuses a
    review in anyone else's name); a mentor reads only their own."""

    services = services.REVIEWS
    fields = [
        "application",
        "reviewer",
        "market",
        "team",
        "feasibility",
        "job_potential",
        "comment",
    ]
    readonly_fields = ["reviewer"]
    list_display = [
        "application",
        "reviewer",
        "market",
        "team",
        "feasibility",
        "job_potential",
        "total",
    ]
    # Newest first, read down an index: the model's ordering starts with a related
    # model (in that model's order), a join and a sort of the whole table a page.
    ordering = ["-pk"]
    list_select_related = ["application__cohort", "reviewer"]
    search_fields = ["application__business_name"]
    autocomplete_fields = ["application"]

    @admin.display(description=_("total"))
    def total(self, obj: ApplicationReview) -> int:
        return obj.total

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None and self.services is not None:
            # The reviewer is the acting user, never chosen.
            build = form._build_service_call

            def build_with_reviewer(self):
                call = build(self)
                if self.stored is not None:
                    return call
                values = {
                    name: value
                    for name, value in self.cleaned_data.items()
                    if name in {"application", *SCORE_FIELDS, "comment"}
                }
                return lambda: self.services.call_create(
                    fields={**values, "reviewer": self.acting_user},
                    by=self.acting_user,
                )

            form._build_service_call = build_with_reviewer
        return form


# --- assistance (bantuan wirausaha) ---------------------------------------------------


class AssistanceStatusChangeInline(ReadOnlyInline):
    model = AssistanceStatusChange
    readonly_fields = ("on", "from_status", "to_status", "by", "note")
    fields = readonly_fields
    show_change_link = False
    ordering = ["on", "pk"]


ASSISTANCE_PROPOSAL_FIELDS = [
    "blkk",
    "venture",
    "year",
    "kind",
    "description",
    "value",
    "proposed_on",
]
ASSISTANCE_LATER_FIELDS = [
    "status",
    "approved_on",
    "delivered_on",
    "handover_number",
    *services.ASSISTANCE_CHECK_FIELDS,
    "portal_page",
]


@admin.register(Assistance)
class AssistanceAdmin(ScopedHistoryAdmin):
    """Proposed, changed and deleted by ministry staff through the services; the
    managers of the BLKK it counts at change only its check here. Its status, dates
    and handover number are read-only: moves are made on the assistance's portal
    page (linked from the change page) or through the API's status endpoint, both
    through `services.assistance_move`."""

    services = services.ASSISTANCE
    list_display = [
        "__str__",
        "counted_at",
        "year",
        "kind",
        "value",
        "status",
        "delivered_on",
        "last_checked_on",
        "condition",
    ]
    # Newest first, down the primary key: no index serves the model's ordering (by year
    # and date proposed), so every page would sort the whole table (and its joins)
    # first.
    ordering = ["-pk"]
    list_filter = [
        province_filter("blkk", "venture__cohort__blkk"),
        "status",
        "kind",
        period_filter("year", future=True),
        "condition",
        period_filter("proposed_on"),
    ]
    list_select_related = ["blkk", "venture__cohort__blkk"]
    search_fields = [
        "description",
        "=handover_number",
        "blkk__code",
        "blkk__name",
        "venture__name",
        "venture__cohort__blkk__code",
    ]
    autocomplete_fields = ["blkk", "venture"]
    inlines = [AssistanceStatusChangeInline]

    @admin.display(description=_("counts at"))
    def counted_at(self, obj: Assistance) -> Blkk:
        return _counted_at(obj)

    @admin.display(description=_("status moves"))
    def portal_page(self, obj: Assistance) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("assistance-detail", args=[_counted_at(obj).code, obj.pk]),
            _("Move the status on the assistance's portal page"),
        )

    def get_fields(self, request, obj=None):
        if obj is None:
            return ASSISTANCE_PROPOSAL_FIELDS
        return [*ASSISTANCE_PROPOSAL_FIELDS, *ASSISTANCE_LATER_FIELDS]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if not request.user.sees_everything:
            # A manager records the check; the service refuses anything else.
            return [
                name
                for name in self.get_fields(request, obj)
                if name not in services.ASSISTANCE_CHECK_FIELDS
            ]
        readonly = [*services.ASSISTANCE.fixed, "portal_page"]
        if obj.status in services.ASSISTANCE_SETTLED_STATUSES:
            readonly += services.ASSISTANCE_SETTLED_FIELDS
        return readonly


def _counted_at(assistance: Assistance) -> Blkk:
    """The BLKK an assistance counts at: its own, or its venture's cohort's."""
    if assistance.blkk is not None:
        return assistance.blkk
    # Else it goes to a venture (one recipient: a constraint).
    return cast(Venture, assistance.venture).cohort.blkk


@admin.register(AssistanceStatusChange)
class AssistanceStatusChangeAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    """The status history, written only by the status moves."""

    list_display = ["assistance", "from_status", "to_status", "on", "by"]
    # Newest first, read down an index: the model's ordering starts with a related
    # model (in that model's order), a join and a sort of the whole table a page.
    ordering = ["-pk"]
    list_filter = ["to_status", period_filter("on")]
    list_select_related = ["assistance__blkk", "assistance__venture", "by"]
    search_fields = ["assistance__description", "=assistance__handover_number"]
