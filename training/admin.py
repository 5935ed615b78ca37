"""Admin for the BLKK registry and training records, scoped like everything else."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from blkk_portal import forms as portal_forms
from blkk_portal.accounts.models import User
from blkk_portal.admin_base import (
    ReadOnlyAdminMixin,
    ReadOnlyInline,
    ScopedAdmin,
    ScopedHistoryAdmin,
)
from blkk_portal.admin_lists import period_filter
from blkk_portal.numbers import is_ascii_digits

from . import services
from .admin_filters import BlkkRegencyFilter, province_filter
from .forms import person_label, sees_birth_dates
from .managers import NikSearchRefused, sees_whole_niks, whole_nik_condition
from .models import (
    BLKK_CONTACT_FIELDS,
    ROADMAP_CRITERIA,
    Blkk,
    BlkkHandover,
    Certification,
    Enrollment,
    GradeAssessment,
    GraduateOutcome,
    Partner,
    Partnership,
    PartnershipPurpose,
    Placement,
    Province,
    Regency,
    Trainee,
    TrainingBatch,
    VocationalField,
)
from .programme_records import PARTNERSHIP_PURPOSES, Instructor, InstructorQualification
from .validators import mask_nik

NIK_LENGTH = 16


class NikSearchMixin:
    """For admins whose search finds people by NIK (`=nik` or `=trainee__nik`).

    A NIK is not an oracle: a search term with a digit in it looks only among the
    people whose NIK the user sees whole, and a user who sees NIKs masked gets a 400
    page that says so (the autocomplete widgets' search gets a 400 too).
    `person_path` leads from the admin's model to the person ("" for Trainee).
    """

    person_path = "trainee__"

    def get_search_results(self, request, queryset, search_term):
        if any(character.isdigit() for character in search_term):
            people = Trainee.objects.searchable_by_nik(request.user)
            queryset = queryset.filter(
                **{f"{self.person_path}pk__in": people.values("pk")}
            )
        term = search_term.strip()
        if len(term) == NIK_LENGTH and is_ascii_digits(term):
            # A whole NIK: looked up in its unique index alone. Searched in every
            # field as well, the OR with "name contains" would read every row.
            return queryset.filter(**{f"{self.person_path}nik": term}), False
        return super().get_search_results(request, queryset, search_term)

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except NikSearchRefused as refused:
            context = {
                **self.admin_site.each_context(request),
                "title": _("Search not available"),
                "opts": self.model._meta,
                "message": refused.message,
            }
            return TemplateResponse(
                request, "admin/nik_search_refused.html", context, status=400
            )


def full_nik_visible(request, trainee: Trainee) -> bool:
    """Whether the user sees this person's NIK whole: from the list's annotation
    when there is one, else asked of the database (a historical version, say)."""
    flag = getattr(trainee, "full_nik_visible", None)
    if flag is not None:
        return flag
    condition = whole_nik_condition(request.user)
    if condition is None:
        return False
    return not condition or Trainee.objects.filter(condition, pk=trainee.pk).exists()


class ReferenceDataAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    """Regions come from the official Kemendagri file and change only with it."""

    search_fields = ["code", "name"]


@admin.register(Province)
class ProvinceAdmin(ReferenceDataAdmin):
    list_display = ["code", "name"]


@admin.register(Regency)
class RegencyAdmin(ReferenceDataAdmin):
    list_display = ["code", "name", "province"]
    list_filter = ["province"]
    list_select_related = ["province"]


@admin.register(VocationalField)
class VocationalFieldAdmin(ScopedAdmin):
    services = services.VOCATIONAL_FIELDS
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class BlkkHandoverInline(ReadOnlyInline):
    """Who handed the BLKK over to whom, newest first (the history of its managers)."""

    model = BlkkHandover
    fk_name = "blkk"
    fields = [
        "handed_over_on",
        "from_user",
        "to_user",
        "note",
        "recorded_by",
        "recorded_at",
    ]
    readonly_fields = fields
    show_change_link = False
    ordering = ["-handed_over_on", "-pk"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("from_user", "to_user", "recorded_by")
        )


class BlkkHandoverForm(forms.Form):
    """Hand one BLKK over: from one of its managers, to another BLKK manager."""

    from_user = portal_forms.ModelChoiceField(
        label=_("from manager"), queryset=User.objects.none()
    )
    to_user = portal_forms.ModelChoiceField(
        label=_("to manager"),
        queryset=User.objects.all(),
        help_text=_("An active account with the role BLKK manager."),
    )
    handed_over_on = forms.DateField(
        label=_("handed over on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea)

    def __init__(self, *args, blkk: Blkk, admin_site, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        managers = blkk.managers.order_by("full_name", "username")
        from_user = cast(forms.ModelChoiceField, self.fields["from_user"])
        from_user.queryset = managers
        if len(managers) == 1:
            from_user.initial = managers[0].pk
        # Searched as the user admin searches, among active BLKK managers (the
        # field's limit_choices_to); thousands of them make a plain select too long.
        to_user = cast(forms.ModelChoiceField, self.fields["to_user"])
        to_user.widget = AutocompleteSelect(
            BlkkHandover._meta.get_field("to_user"), admin_site
        )
        # Assigning the queryset hands the widget its choices.
        to_user.queryset = to_user.queryset


class GradeAssessmentInline(ReadOnlyInline):
    """The BLKK's grade assessments, newest first; each opens on its own page, and a
    new one is recorded there ("Record a grade assessment")."""

    model = GradeAssessment
    fk_name = "blkk"
    fields = ["assessed_on", "grade", "criteria_met", "assessed_by", "note"]
    readonly_fields = fields
    ordering = ["-assessed_on", "-pk"]

    def get_queryset(self, request):
        # The BLKK names each row's change link.
        return super().get_queryset(request).select_related("blkk", "assessed_by")

    @admin.display(description=_("criteria met"))
    def criteria_met(self, obj: GradeAssessment) -> str:
        return criteria_met_count(obj)


def grade_assessment_links(request, blkk_id) -> dict[str, str]:
    """For a BLKK's change page: its assessments' list, and for whoever may record
    one, the form to record one for it."""
    links = {
        "grade_assessments_url": reverse("admin:training_gradeassessment_changelist")
        + "?"
        + urlencode({"blkk__id__exact": blkk_id})
    }
    if request.user.has_perm("training.add_gradeassessment"):
        links["grade_assessment_add_url"] = (
            reverse("admin:training_gradeassessment_add")
            + "?"
            + urlencode({"blkk": blkk_id})
        )
    return links


def criteria_met_count(assessment: GradeAssessment) -> str:
    """`4 of 7`: how many roadmap criteria the assessment found met."""
    met = len(ROADMAP_CRITERIA) - len(assessment.missing_criteria())
    return _("%(met)s of %(total)s") % {"met": met, "total": len(ROADMAP_CRITERIA)}


@admin.register(Blkk)
class BlkkAdmin(ScopedHistoryAdmin):
    services = services.BLKKS
    inlines = [BlkkHandoverInline, GradeAssessmentInline]
    change_form_template = "admin/training/blkk/change_form.html"
    list_display = [
        "code",
        "name",
        "host_institution",
        "regency",
        "province_name",
        "grade",
        "lsp_status",
        "is_incubator",
        "is_active",
    ]
    # Choices from the region and trade tables, not from the BLKKs (admin_filters).
    list_filter = [
        province_filter(regency_path="regency"),
        BlkkRegencyFilter,
        "vocational_fields",
        "grade",
        "lsp_status",
        "institution_type",
        "is_incubator",
        "is_active",
    ]
    list_select_related = ["regency__province"]
    search_fields = ["code", "name", "host_institution"]
    autocomplete_fields = ["regency", "managers"]
    filter_horizontal = ["vocational_fields"]
    fieldsets = [
        (None, {"fields": ["code", "name", "host_institution", "institution_type"]}),
        (_("Location and contact"), {"fields": ["regency", *BLKK_CONTACT_FIELDS]}),
        (
            _("Programme"),
            {
                "fields": [
                    "established_year",
                    "vocational_fields",
                    "grade",
                    "registered_grade",
                    "lsp_status",
                    "lsp_license_number",
                    "lsp_licensed_on",
                    "is_incubator",
                    "is_active",
                    "managers",
                ]
            },
        ),
    ]

    @admin.display(description=_("province"), ordering="regency__province__name")
    def province_name(self, obj: Blkk) -> str:
        return obj.regency.province.name

    def get_fieldsets(self, request, obj=None):
        if obj is not None:
            return self.fieldsets
        # A new BLKK's grade is its grade at registration: no second field for it.
        return [
            (
                title,
                {
                    **box,
                    "fields": [f for f in box["fields"] if f != "registered_grade"],
                },
            )
            for title, box in self.fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        if request.user.sees_everything:
            # The grade is given at registration, then changes only through a
            # grade assessment (`services.BLKKS.fixed`).
            return () if obj is None else services.BLKKS.fixed
        every_field = [f for _title, box in self.fieldsets for f in box["fields"]]
        return [f for f in every_field if f not in BLKK_CONTACT_FIELDS]

    def has_add_permission(self, request) -> bool:
        return request.user.sees_everything

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.sees_everything

    # --- handing the BLKK over from one manager to another ------------------------

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/hand-over/",
                self.admin_site.admin_view(self.hand_over_view),
                name="training_blkk_hand_over",
            )
        ]
        return urls + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {})}
        if request.user.sees_everything:
            extra_context["hand_over_url"] = reverse(
                "admin:training_blkk_hand_over", args=[object_id]
            )
        extra_context.update(grade_assessment_links(request, object_id))
        return super().change_view(request, object_id, form_url, extra_context)

    def hand_over_view(self, request, object_id):
        """One step: the BLKK leaves one manager and goes to another, and the
        hand-over is kept (`services.blkk_hand_over`). Ministry staff only: the
        other roles get 403, as for any page their role may not open."""
        if not request.user.sees_everything:
            raise PermissionDenied
        blkk = self.get_object(request, object_id)
        if blkk is None:
            raise Http404
        form = BlkkHandoverForm(
            request.POST or None, blkk=blkk, admin_site=self.admin_site
        )
        if request.method == "POST" and form.is_valid():
            try:
                handover = services.blkk_hand_over(
                    blkk=blkk, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                self._announce(request, handover)
                return redirect(reverse("admin:training_blkk_change", args=[blkk.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Hand %(blkk)s over") % {"blkk": blkk.name},
            "blkk": blkk,
            "form": form,
            "media": self.media + form.media,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/training/blkk/hand_over.html", context)

    def _announce(self, request, handover: BlkkHandover) -> None:
        self.log_change(
            request,
            handover.blkk,
            str(
                _("Handed over from %(from)s to %(to)s.")
                % {"from": handover.from_user, "to": handover.to_user}
            ),
        )
        messages.success(
            request,
            _("%(blkk)s is now managed by %(to)s instead of %(from)s.")
            % {
                "blkk": handover.blkk.name,
                "to": handover.to_user,
                "from": handover.from_user,
            },
        )
        if not handover.from_user.managed_blkks.exists():
            messages.warning(
                request,
                _(
                    "%(person)s manages no BLKK now; deactivate the account if they "
                    "have left."
                )
                % {"person": handover.from_user},
            )


@admin.register(BlkkHandover)
class BlkkHandoverAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    """Every hand-over, searchable; made on a BLKK's page ("Hand over")."""

    list_display = ["blkk", "from_user", "to_user", "handed_over_on", "recorded_by"]
    list_select_related = ["blkk", "from_user", "to_user", "recorded_by"]
    search_fields = [
        "blkk__code",
        "blkk__name",
        "from_user__username",
        "from_user__full_name",
        "to_user__username",
        "to_user__full_name",
    ]
    list_filter = [period_filter("handed_over_on")]


class EnrollmentInline(ReadOnlyInline):
    model = Enrollment
    fields = ["trainee", "status", "completed_on"]
    readonly_fields = fields
    autocomplete_fields = ["trainee"]


@admin.register(TrainingBatch)
class TrainingBatchAdmin(ScopedAdmin):
    services = services.BATCHES
    list_display = [
        "name",
        "blkk",
        "vocational_field",
        "start_date",
        "end_date",
        "capacity",
    ]
    # Newest first, down the primary key: no index serves the model's ordering (by start
    # date and name), so every page would sort the whole table (and its joins) first.
    ordering = ["-pk"]
    list_filter = [
        province_filter("blkk"),
        "vocational_field",
        period_filter("start_date", future=True),
    ]
    list_select_related = ["blkk", "vocational_field"]
    search_fields = ["name", "blkk__name", "blkk__code"]
    autocomplete_fields = ["blkk", "vocational_field"]
    inlines = [EnrollmentInline]


@admin.register(Trainee)
class TraineeAdmin(NikSearchMixin, ScopedHistoryAdmin):
    services = services.TRAINEES
    list_display = [
        "shown_nik",
        "full_name",
        "gender",
        "birth_date",
        "blkk",
        "regency",
        "education",
        "registered_on",
    ]
    list_filter = [
        province_filter("blkk"),
        "gender",
        "education",
        "prior_status",
        "has_disability",
        period_filter("registered_on"),
    ]
    list_select_related = ["blkk", "regency"]
    # An exact NIK, or part of a name.
    search_fields = ["=nik", "full_name"]
    person_path = ""
    autocomplete_fields = ["blkk", "regency"]
    raw_id_fields = ["account"]

    def get_exclude(self, request, obj=None):
        """Linking a person to their portal account is the ministry's act; nobody
        else is shown the list of accounts."""
        exclude = list(super().get_exclude(request, obj) or [])
        if not request.user.sees_everything:
            exclude.append("account")
        return exclude

    def get_queryset(self, request):
        return super().get_queryset(request).with_full_nik_flag(request.user)

    def choice_queryset(self, request, queryset):
        return queryset.with_full_nik_flag(request.user)

    def choice_label(self, request, trainee: Trainee) -> str:
        """A person in pickers and autocomplete results: name, birth date and the
        NIK as the user may see it (`training.forms.person_label`)."""
        trainee.full_nik_visible = full_nik_visible(request, trainee)
        return person_label(trainee, birth_date=sees_birth_dates(request.user))

    @admin.display(description=_("NIK"), ordering="nik")
    def shown_nik(self, obj: Trainee) -> str:
        return obj.nik if obj.full_nik_visible else mask_nik(obj.nik)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            self._record_views(request, changelist.result_list, one=False)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        self._record_page_view(request, response)
        return response

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        response = super().history_form_view(
            request, object_id, version_id, extra_context
        )
        self._record_page_view(request, response)
        return response

    def _record_page_view(self, request, response) -> None:
        trainee = getattr(response, "context_data", {}).get("original")
        if request.method == "GET" and trainee is not None:
            trainee.full_nik_visible = full_nik_visible(request, trainee)
            self._record_views(request, [trainee], one=True)

    def _record_views(self, request, trainees, *, one: bool) -> None:
        services.trainee_views_record(
            user=request.user,
            trainees=trainees,
            query=request.get_full_path(),
            one=one,
        )

    def get_sortable_by(self, request):
        # Sorted by NIK, a list of masked NIKs would still tell their order.
        sortable = super().get_sortable_by(request)
        if sees_whole_niks(request.user):
            return sortable
        return [name for name in sortable if name != "shown_nik"]

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is not None and not full_nik_visible(request, obj):
            fields = ["shown_nik" if f == "nik" else f for f in fields]
        return fields

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is None:
            return readonly
        # Kept on the object for `shown_nik`: a historical version (the history
        # page) comes without the list's annotation.
        obj.full_nik_visible = full_nik_visible(request, obj)
        if not obj.full_nik_visible:
            readonly.append("shown_nik")
        if not request.user.sees_everything:
            readonly += self._kept_by_others(request, obj)
        return readonly

    def _kept_by_others(self, request, obj: Trainee) -> list[str]:
        """Fields this manager may not change (the service refuses them too): the
        BLKK, and all but the phone at a BLKK that only enrolled the person."""
        if obj.blkk_id in services.managed_blkk_ids(request.user):
            return ["blkk"]
        return [
            field.name
            for field in Trainee._meta.fields
            if field.editable and field.name not in {"id", "nik", "phone"}
        ]


@admin.register(Enrollment)
class EnrollmentAdmin(NikSearchMixin, ScopedHistoryAdmin):
    services = services.ENROLLMENTS
    fields = ["trainee", "batch", "status", "completed_on"]
    list_display = ["trainee", "batch", "blkk", "status", "completed_on"]
    list_filter = [
        province_filter("batch__blkk"),
        # Every trade (a small table), filtered through the batch.
        ("batch__vocational_field", admin.RelatedFieldListFilter),
        "status",
        period_filter("completed_on"),
    ]
    list_select_related = ["trainee", "batch__blkk"]
    search_fields = ["=trainee__nik", "trainee__full_name", "batch__name"]
    autocomplete_fields = ["trainee", "batch"]

    @admin.display(description=_("BLKK"), ordering="batch__blkk__name")
    def blkk(self, obj: Enrollment):
        return obj.batch.blkk


class PersonRecordAdmin(NikSearchMixin, ScopedHistoryAdmin):
    """Certifications and outcomes: the BLKK a record belongs to is shown, and
    fixed once recorded for everyone but ministry staff."""

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and not request.user.sees_everything:
            readonly.append("recorded_by_blkk")
        return readonly


@admin.register(Certification)
class CertificationAdmin(PersonRecordAdmin):
    services = services.CERTIFICATIONS
    list_display = ["trainee", "scheme", "lsp_name", "issued_on", "result", "number"]
    list_filter = [
        province_filter("trainee__blkk"),
        "result",
        period_filter("issued_on"),
    ]
    list_select_related = ["trainee"]
    search_fields = ["=trainee__nik", "trainee__full_name", "scheme", "number"]
    autocomplete_fields = ["trainee"]
    readonly_fields = ["valid_until"]


@admin.register(GraduateOutcome)
class GraduateOutcomeAdmin(PersonRecordAdmin):
    services = services.OUTCOMES
    list_display = [
        "trainee",
        "surveyed_on",
        "status",
        "employer_or_business",
        "monthly_income",
    ]
    list_filter = [
        province_filter("trainee__blkk"),
        "status",
        period_filter("surveyed_on"),
    ]
    list_select_related = ["trainee"]
    search_fields = ["=trainee__nik", "trainee__full_name", "employer_or_business"]
    autocomplete_fields = ["trainee"]


# --- placements -----------------------------------------------------------------------


@admin.register(Placement)
class PlacementAdmin(PersonRecordAdmin):
    services = services.PLACEMENTS
    fields = [
        "trainee",
        "partner",
        "partnership",
        "kind",
        "position",
        "start_date",
        "end_date",
        "monthly_pay",
        "status",
        "recorded_by_blkk",
    ]
    list_display = [
        "trainee",
        "partner",
        "kind",
        "position",
        "start_date",
        "end_date",
        "status",
    ]
    list_filter = [
        province_filter("trainee__blkk"),
        "kind",
        "status",
        period_filter("start_date", future=True),
    ]
    list_select_related = ["trainee", "partner"]
    search_fields = ["=trainee__nik", "trainee__full_name", "partner__name", "position"]
    autocomplete_fields = ["trainee"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "partnership" and field is not None:
            # Each choice is labelled with its partner and BLKK: read them at once.
            field.queryset = field.queryset.select_related("partner", "blkk")
        return field


# --- instructors and qualifications ---------------------------------------------------


class InstructorQualificationInline(ReadOnlyInline):
    """An instructor's qualifications, each changed on its own page (its rules are
    the service's)."""

    model = InstructorQualification
    fields = ["kind", "title", "issuer", "number", "issued_on", "valid_until"]
    readonly_fields = fields


@admin.register(Instructor)
class InstructorAdmin(ScopedHistoryAdmin):
    services = services.INSTRUCTORS
    list_display = ["full_name", "blkk", "trades", "employment", "is_active"]
    list_filter = [
        province_filter("blkk"),
        "vocational_fields",
        "employment",
        "gender",
        "is_active",
    ]
    list_select_related = ["blkk"]
    search_fields = ["full_name", "blkk__name", "blkk__code"]
    autocomplete_fields = ["blkk"]
    filter_horizontal = ["vocational_fields"]
    fields = [
        "blkk",
        "full_name",
        "gender",
        "phone",
        "vocational_fields",
        "employment",
        "is_active",
    ]
    inlines = [InstructorQualificationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("vocational_fields")

    @admin.display(description=_("vocational fields"))
    def trades(self, obj: Instructor) -> str:
        return ", ".join(trade.name for trade in obj.vocational_fields.all())


class InstructorQualificationForm(forms.ModelForm):
    """The constraints' messages beside their fields, as the service gives them
    (the model form checks constraints before the service is called)."""

    def _update_errors(self, errors):
        super()._update_errors(services.qualification_errors_on_fields(errors))


@admin.register(InstructorQualification)
class InstructorQualificationAdmin(ScopedHistoryAdmin):
    services = services.QUALIFICATIONS
    form = InstructorQualificationForm
    list_display = [
        "instructor",
        "blkk",
        "kind",
        "title",
        "issuer",
        "number",
        "issued_on",
        "valid_until",
    ]
    # Newest first, down the primary key: no index serves the model's ordering (by date
    # issued), so every page would sort the whole table (and its joins) first.
    ordering = ["-pk"]
    list_filter = [
        province_filter("instructor__blkk"),
        "kind",
        period_filter("issued_on"),
    ]
    list_select_related = ["instructor__blkk"]
    search_fields = ["instructor__full_name", "title", "issuer", "number"]
    autocomplete_fields = ["instructor"]

    @admin.display(description=_("BLKK"), ordering="instructor__blkk__name")
    def blkk(self, obj: InstructorQualification):
        return obj.instructor.blkk


# --- partners and partnerships --------------------------------------------------------


PURPOSE_LABELS = dict(PARTNERSHIP_PURPOSES)


def purpose_label(purpose: PartnershipPurpose) -> str:
    """A purpose as the portal names it, in the user's language."""
    return str(PURPOSE_LABELS.get(purpose.pk, purpose.name))


@admin.register(Partner)
class PartnerAdmin(ScopedHistoryAdmin):
    """Shared reference data: everyone with the admin reads every partner; managers
    add partners (the service refuses a name already recorded in the regency, and
    names it); ministry staff alone change or delete them (`writable_by`)."""

    services = services.PARTNERS
    list_display = ["name", "kind", "regency", "contact_name", "phone", "email"]
    list_filter = [
        "kind",
        province_filter(regency_path="regency", every_province=True),
    ]
    list_select_related = ["regency"]
    search_fields = ["name"]
    autocomplete_fields = ["regency"]


@admin.register(Partnership)
class PartnershipAdmin(ScopedHistoryAdmin):
    """A BLKK's partnerships (its managers write them) and the ministry's national
    ones (no BLKK: ministry staff alone write them). The BLKK is chosen among those
    the user may write; the purposes are ticked."""

    services = services.PARTNERSHIPS
    fields = [
        "partner",
        "blkk",
        "purposes",
        "agreement_number",
        "signed_on",
        "start_date",
        "end_date",
    ]
    list_display = [
        "partner",
        "where",
        "purpose_list",
        "agreement_number",
        "start_date",
        "end_date",
        "in_force",
    ]
    list_filter = [
        province_filter("blkk"),
        ("blkk", admin.EmptyFieldListFilter),
        "purposes",
        period_filter("start_date", future=True),
    ]
    list_select_related = ["partner", "blkk"]
    search_fields = ["partner__name", "agreement_number", "blkk__name", "blkk__code"]
    autocomplete_fields = ["partner", "blkk"]

    def get_queryset(self, request):
        purposes = Prefetch("purposes", queryset=PartnershipPurpose.objects.all())
        return super().get_queryset(request).prefetch_related(purposes)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "blkk" and field is not None:
            # Only the BLKKs the user may hold a partnership of; empty (national)
            # is offered to ministry staff alone.
            field.queryset = Blkk.objects.writable_by(request.user)
            field.required = not request.user.sees_everything
            field.help_text = (
                _("Empty for a national partnership of the ministry.")
                if request.user.sees_everything
                else _("A BLKK you manage.")
            )
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "purposes":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "purposes" and field is not None:
            field.label_from_instance = purpose_label
            field.error_messages["required"] = services.PURPOSES_REQUIRED
        return field

    @admin.display(description=_("BLKK"), ordering="blkk__name")
    def where(self, obj: Partnership) -> str:
        return obj.blkk.name if obj.blkk_id else str(_("National"))

    @admin.display(description=_("purposes"))
    def purpose_list(self, obj: Partnership) -> str:
        return ", ".join(purpose_label(purpose) for purpose in obj.purposes.all())

    @admin.display(description=_("in force today"), boolean=True)
    def in_force(self, obj: Partnership) -> bool:
        return obj.is_active


# --- grade assessments ----------------------------------------------------------------


@admin.register(GradeAssessment)
class GradeAssessmentAdmin(ScopedHistoryAdmin):
    """Recorded, corrected and deleted by ministry staff (through the services, which
    keep the BLKK's grade); managers and province staff read their BLKKs'."""

    services = services.GRADE_ASSESSMENTS
    list_display = ["blkk", "assessed_on", "grade", "shown_criteria", "assessed_by"]
    # Newest first, down the primary key: no index serves the model's ordering (by date
    # assessed), so every page would sort the whole table (and its joins) first.
    ordering = ["-pk"]
    list_filter = [
        province_filter("blkk"),
        "grade",
        period_filter("assessed_on"),
    ]
    list_select_related = ["blkk", "assessed_by"]
    search_fields = ["blkk__code", "blkk__name"]
    autocomplete_fields = ["blkk"]
    readonly_fields = ["assessed_by"]
    fieldsets = [
        (None, {"fields": ["blkk", "assessed_on", "grade", "assessed_by"]}),
        (
            _("Criteria of the roadmap to independence"),
            {"fields": list(ROADMAP_CRITERIA)},
        ),
        (None, {"fields": ["note"]}),
    ]

    @admin.display(description=_("criteria met"))
    def shown_criteria(self, obj: GradeAssessment) -> str:
        return criteria_met_count(obj)
