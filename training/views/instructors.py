"""A BLKK's instructors (kapasitas instruktur): the list, found by name, with who is
certified today; an instructor with their qualifications; recording and changing
an instructor and their qualifications.

Every page is a `blkk_page` (404 outside the user's BLKKs, and for mentors). The
BLKK's managers write; ministry and province staff read the same pages, and the
pages that write answer them 403. An instructor of another BLKK is 404 here.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from blkk_portal.api.filters import MAX_SEARCH_LENGTH
from blkk_portal.pages import (
    form_data,
    paginate,
    query_without_page,
    save_through_service,
    see_other,
)

from .. import services
from ..forms import InstructorForm, QualificationForm
from ..models import Instructor, InstructorQualification, certified_on
from ..selectors import instructors_certified_on
from .blkks import BlkkHere, blkk_page


def _search_term(request: HttpRequest) -> str:
    # Bounded like the API's search; a NUL byte, which PostgreSQL cannot compare,
    # is dropped rather than answered with an error.
    raw = request.GET.get("q", "").replace("\x00", "")
    return raw.strip()[:MAX_SEARCH_LENGTH]


def _instructor_url(here: BlkkHere, instructor: Instructor) -> str:
    return reverse("instructor-detail", args=[here.blkk.code, instructor.pk])


@require_GET
@blkk_page
def instructor_list(request: HttpRequest, here: BlkkHere) -> HttpResponse:
    """The BLKK's instructors, active ones first, by name; each with their trades,
    employment, and whether they are certified today."""
    today = timezone.localdate()
    rows = here.rows(Instructor)
    term = _search_term(request)
    if term:
        rows = rows.filter(full_name__icontains=term)
    certified = instructors_certified_on(today).filter(pk=OuterRef("pk"))
    rows = (
        rows.annotate(certified=Exists(certified))
        .prefetch_related("vocational_fields")
        .order_by("-is_active", "full_name", "pk")
    )
    context = {
        "here": here,
        "page": paginate(request, rows),
        "query": query_without_page(request),
        "search": term,
    }
    return render(request, "training/instructor_list.html", context)


@require_GET
@blkk_page
def instructor_detail(request: HttpRequest, here: BlkkHere, pk: int) -> HttpResponse:
    """An instructor and their qualifications, latest first; each qualification
    that makes them certified today is marked."""
    today = timezone.localdate()
    instructor = get_object_or_404(
        here.rows(Instructor).prefetch_related("vocational_fields"), pk=pk
    )
    valid_today = InstructorQualification.objects.filter(
        certified_on(today), pk=OuterRef("pk")
    )
    qualifications = list(
        here.rows(InstructorQualification)
        .filter(instructor_id=instructor.pk)
        .annotate(valid_today=Exists(valid_today))
        .order_by("-issued_on", "-pk")
    )
    user = request.user
    context = {
        "here": here,
        "instructor": instructor,
        "labels": {
            field.name: capfirst(field.verbose_name)
            for field in [*Instructor._meta.fields, *Instructor._meta.many_to_many]
        },
        "qualifications": qualifications,
        "certified": any(row.valid_today for row in qualifications),
        "can_edit": here.writable and user.has_perm("training.change_instructor"),
        "can_add_qualification": here.writable
        and user.has_perm("training.add_instructorqualification"),
        "can_edit_qualifications": here.writable
        and user.has_perm("training.change_instructorqualification"),
    }
    return render(request, "training/instructor_detail.html", context)


@require_http_methods(["GET", "POST"])
@blkk_page
def instructor_create(request: HttpRequest, here: BlkkHere) -> HttpResponse:
    """Record an instructor of this BLKK."""
    here.ensure_may("training.add_instructor")
    form = InstructorForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        instructor = save_through_service(
            form,
            lambda: services.instructor_create(
                blkk=here.blkk, by=request.user, **form.cleaned_data
            ),
        )
        if instructor is not None:
            messages.success(request, _("The instructor is saved."))
            return see_other(_instructor_url(here, instructor))
    context = {"here": here, "form": form, "instructor": None}
    return render(request, "training/instructor_form.html", context)


@require_http_methods(["GET", "POST"])
@blkk_page
def instructor_update(request: HttpRequest, here: BlkkHere, pk: int) -> HttpResponse:
    here.ensure_may("training.change_instructor")
    instructor = get_object_or_404(here.writable_rows(Instructor), pk=pk)
    form = InstructorForm(form_data(request), instance=instructor)
    if request.method == "POST" and form.is_valid():
        saved = save_through_service(
            form,
            lambda: services.instructor_update(
                instructor=instructor, by=request.user, **form.cleaned_data
            ),
        )
        if saved is not None:
            messages.success(request, _("The instructor is saved."))
            return see_other(_instructor_url(here, instructor))
    context = {"here": here, "form": form, "instructor": instructor}
    return render(request, "training/instructor_form.html", context)


@require_http_methods(["GET", "POST"])
@blkk_page
def qualification_create(request: HttpRequest, here: BlkkHere, pk: int) -> HttpResponse:
    """Record a qualification of an instructor of this BLKK (active or not)."""
    here.ensure_may("training.add_instructorqualification")
    instructor = get_object_or_404(here.writable_rows(Instructor), pk=pk)
    form = QualificationForm(form_data(request))
    return _qualification_form(
        request,
        here,
        form,
        instructor=instructor,
        qualification=None,
        save=lambda: services.qualification_create(
            instructor=instructor, by=request.user, **form.cleaned_data
        ),
    )


@require_http_methods(["GET", "POST"])
@blkk_page
def qualification_update(
    request: HttpRequest, here: BlkkHere, pk: int, qualification_pk: int
) -> HttpResponse:
    here.ensure_may("training.change_instructorqualification")
    instructor = get_object_or_404(here.writable_rows(Instructor), pk=pk)
    qualification = get_object_or_404(
        here.writable_rows(InstructorQualification).filter(instructor_id=instructor.pk),
        pk=qualification_pk,
    )
    form = QualificationForm(form_data(request), instance=qualification)
    return _qualification_form(
        request,
        here,
        form,
        instructor=instructor,
        qualification=qualification,
        save=lambda: services.qualification_update(
            qualification=qualification, by=request.user, **form.cleaned_data
        ),
    )


def _qualification_form(
    request: HttpRequest,
    here: BlkkHere,
    form: QualificationForm,
    *,
    instructor: Instructor,
    qualification: InstructorQualification | None,
    save,
) -> HttpResponse:
    """The add or edit page of a qualification: `save()` calls the service; its
    refusal shows on the form and nothing is stored."""
    if (
        request.method == "POST"
        and form.is_valid()
        and save_through_service(form, save) is not None
    ):
        messages.success(request, _("The qualification is saved."))
        return see_other(_instructor_url(here, instructor))
    context = {
        "here": here,
        "form": form,
        "instructor": instructor,
        "qualification": qualification,
    }
    return render(request, "training/instructor_qualification_form.html", context)
