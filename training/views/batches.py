"""A BLKK's training batches: the list, a batch with its enrollments, opening and
changing a batch, enrolling a person (one this BLKK reaches, or anyone by their
exact NIK) and changing many enrollments' status at once.

Ministry and province staff read these pages; only the BLKK's managers write
(`BlkkHere.ensure_writable`: 403). A batch of another BLKK is 404 here.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from blkk_portal.imports import pages
from blkk_portal.imports.models import ImportJob
from blkk_portal.imports.pages import ImportPages, bounded_upload
from blkk_portal.pages import (
    form_data,
    paginate,
    query_without_page,
    save_through_service,
    see_other,
)

from .. import services
from ..forms import (
    BatchForm,
    EnrollForm,
    EnrollmentsStatusForm,
    person_label,
    sees_birth_dates,
)
from ..imports import ENROLLMENTS
from ..models import Enrollment, EnrollmentStatus, Trainee, TrainingBatch
from .blkks import BlkkHere, audit_whole_niks, blkk_page


@require_GET
@blkk_page
def batch_list(request: HttpRequest, here: BlkkHere) -> HttpResponse:
    """The BLKK's batches, newest first, each with its places taken."""
    rows = (
        here.rows(TrainingBatch)
        .select_related("vocational_field")
        .annotate(
            places_taken=Count(
                "enrollments", filter=~Q(enrollments__status=EnrollmentStatus.DROPPED)
            ),
            graduates=Count(
                "enrollments", filter=Q(enrollments__status=EnrollmentStatus.COMPLETED)
            ),
        )
        .order_by("-start_date", "name", "pk")
    )
    context = {
        "here": here,
        "page": paginate(request, rows),
        "query": query_without_page(request),
        "today": timezone.localdate(),
    }
    return render(request, "training/batch_list.html", context)


@require_http_methods(["GET", "POST"])
@blkk_page
def batch_create(request: HttpRequest, here: BlkkHere) -> HttpResponse:
    here.ensure_may("training.add_trainingbatch")
    form = BatchForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        batch = save_through_service(
            form,
            lambda: services.batch_create(
                blkk=here.blkk, by=request.user, **form.cleaned_data
            ),
        )
        if batch is not None:
            messages.success(request, _("The batch is saved."))
            return see_other(reverse("batch-detail", args=[here.blkk.code, batch.pk]))
    context = {"here": here, "form": form, "batch": None}
    return render(request, "training/batch_form.html", context)


@require_http_methods(["GET", "POST"])
@blkk_page
def batch_update(request: HttpRequest, here: BlkkHere, pk: int) -> HttpResponse:
    here.ensure_may("training.change_trainingbatch")
    batch = get_object_or_404(here.writable_rows(TrainingBatch), pk=pk)
    form = BatchForm(form_data(request), instance=batch)
    if request.method == "POST" and form.is_valid():
        saved = save_through_service(
            form,
            lambda: services.batch_update(
                batch=batch, by=request.user, **form.cleaned_data
            ),
        )
        if saved is not None:
            messages.success(request, _("The batch is saved."))
            return see_other(reverse("batch-detail", args=[here.blkk.code, batch.pk]))
    context = {"here": here, "form": form, "batch": batch}
    return render(request, "training/batch_form.html", context)


@require_http_methods(["GET", "POST"])
@blkk_page
def batch_detail(request: HttpRequest, here: BlkkHere, pk: int) -> HttpResponse:
    """A batch and its enrollments; its managers tick several and give them a
    status at once (completed on a date, usually), all or nothing."""
    if request.method == "POST":
        here.ensure_may("training.change_enrollment")
    user = request.user
    batch = get_object_or_404(
        here.rows(TrainingBatch).select_related("vocational_field"), pk=pk
    )
    people = Trainee.objects.visible_to(user).with_full_nik_flag(user)
    enrollments = list(
        here.rows(Enrollment)
        .filter(batch=batch)
        .prefetch_related(Prefetch("trainee", queryset=people))
        .order_by("trainee__full_name", "pk")
    )
    show_birth_date = sees_birth_dates(user)
    for enrollment in enrollments:
        enrollment.trainee_label = person_label(
            enrollment.trainee, birth_date=show_birth_date
        )
    form = None
    refusals: list[tuple[Enrollment, ValidationError]] = []
    if here.writable:
        changeable = here.writable_rows(Enrollment).filter(batch=batch)
        form = EnrollmentsStatusForm(form_data(request), enrollments=changeable)
    if request.method == "POST" and form is not None and form.is_valid():
        chosen = form.cleaned_data["enrollments"].order_by("trainee__full_name", "pk")
        try:
            changed = services.enrollment_update_many(
                enrollments=chosen,
                status=form.cleaned_data["status"],
                completed_on=form.cleaned_data["completed_on"],
                by=user,
            )
        except services.EnrollmentsRefused as refused:
            refusals = _refusals_shown(refused, enrollments)
            _place_refusals(form, refusals)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s enrollment changed.",
                    "%(count)s enrollments changed.",
                    len(changed),
                )
                % {"count": len(changed)},
            )
            return see_other(request.path)
    audit_whole_niks(request, [enrollment.trainee for enrollment in enrollments])
    taken = sum(e.status != EnrollmentStatus.DROPPED for e in enrollments)
    context = {
        "here": here,
        "batch": batch,
        "enrollments": enrollments,
        "places_taken": taken,
        "places_free": max(batch.capacity - taken, 0),
        "form": form,
        "ticked": form.ticked() if form is not None else set(),
        "refusals": refusals,
        "refused_ids": {enrollment.pk for enrollment, _messages in refusals},
    }
    return render(request, "training/batch_detail.html", context)


def _refusals_shown(
    refused: services.EnrollmentsRefused, listed: list[Enrollment]
) -> list[tuple[Enrollment, ValidationError]]:
    """Each refused enrollment as the list shows it (`trainee_label`: its person
    as the user may see them), with the service's error."""
    by_id = {enrollment.pk: enrollment for enrollment in listed}
    return [
        (by_id[enrollment.pk], error)
        for enrollment, error in refused.refusals
        if enrollment.pk in by_id
    ]


def _place_refusals(
    form: EnrollmentsStatusForm, refusals: list[tuple[Enrollment, ValidationError]]
) -> None:
    """A message about what was typed (the date, the status) goes once beside
    that field; any other names the person it was refused for."""
    for enrollment, error in refusals:
        by_field = error.update_error_dict({})
        for field, errors in by_field.items():
            for message in ValidationError(errors).messages:
                if field in ("status", "completed_on"):
                    if message not in form.errors.get(field, []):
                        form.add_error(field, message)
                    continue
                form.add_error(
                    None,
                    _("%(person)s: %(reason)s")
                    % {"person": enrollment.trainee_label, "reason": message},
                )


@require_http_methods(["GET", "POST"])
@blkk_page
def batch_enroll(request: HttpRequest, here: BlkkHere, pk: int) -> HttpResponse:
    """Enroll a person in a batch: one this BLKK reaches, chosen from the list
    (`?q=` narrows it by name), or anyone by their exact NIK (`trainee_nik`, the
    API's rule: the person is then reached here too)."""
    here.ensure_may("training.add_enrollment")
    user = request.user
    batch = get_object_or_404(here.writable_rows(TrainingBatch), pk=pk)
    people = here.rows(Trainee)
    offered = people.exclude(enrollments__batch=batch).order_by("full_name", "pk")
    search = request.GET.get("q", "").strip()[:100]
    if search:
        offered = offered.filter(full_name__icontains=search)
    form = EnrollForm(
        form_data(request), batch=batch, people=people, offered=offered, user=user
    )
    if request.method == "POST" and form.is_valid():
        trainee = form.cleaned_data["trainee"]
        enrollment = save_through_service(
            form,
            lambda: services.enrollment_create(
                trainee=trainee,
                batch=batch,
                status=form.cleaned_data["status"],
                by=user,
            ),
        )
        if enrollment is not None:
            # Enrolled here, the person is now this BLKK's to see. Their name
            # only: a message may be kept in a cookie, never a NIK.
            messages.success(
                request,
                _("%(person)s is enrolled in %(batch)s.")
                % {"person": trainee.full_name, "batch": batch.name},
            )
            return see_other(reverse("batch-detail", args=[here.blkk.code, batch.pk]))
    audit_whole_niks(request, form.offered)
    context = {"here": here, "batch": batch, "form": form, "search": search}
    return render(request, "training/batch_enroll.html", context)


# --- enrolling from a spreadsheet -------------------------------------------------


ENROLLMENT_PAGES = ImportPages(
    kind=ENROLLMENTS,
    url_name="enrollment-import",
    upload_template="training/enrollment_import.html",
    job_template="training/enrollment_import_job.html",
    file_name="pendaftaran-angkatan-template.xlsx",
    notes=(
        gettext_lazy(
            "Each NIK is a person already registered, at this BLKK or at another: "
            "register new people first (Trainees, Import from a spreadsheet)."
        ),
        gettext_lazy(
            "The batch must have a place for every row that is not dropped; "
            "completed_on is given exactly when the status is completed."
        ),
    ),
)


def _import_batch(here: BlkkHere, pk: int) -> TrainingBatch:
    """The batch, for this BLKK's managers who may enroll (DESIGN.md: the import
    is the BLKK's managers'; ministry and province staff, who read the batch, and
    anyone else: 404, as a batch of another BLKK)."""
    if not here.writable or not here.user.has_perm("training.add_enrollment"):
        raise Http404
    return get_object_or_404(
        here.writable_rows(TrainingBatch).select_related("vocational_field"), pk=pk
    )


def _enrollment_jobs(batch: TrainingBatch) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(kind=ENROLLMENTS.name, owner_key=str(batch.pk))


def _places(batch: TrainingBatch) -> dict[str, int]:
    taken = Enrollment.objects.filter(batch=batch).holding_a_place().count()
    return {"places_taken": taken, "places_free": max(batch.capacity - taken, 0)}


@bounded_upload
@require_http_methods(["GET", "POST"])
@blkk_page
def enrollment_import(request: HttpRequest, here: BlkkHere, pk: int) -> HttpResponse:
    """The upload form and this batch's earlier imports; a POSTed file is checked
    and its preview kept, then shown at its own address."""
    batch = _import_batch(here, pk)
    form = pages.UploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        request=request,
    )
    return ENROLLMENT_PAGES.upload(
        request,
        form=form,
        owner_key=lambda: str(batch.pk),
        jobs=_enrollment_jobs(batch),
        args=[here.blkk.code, batch.pk],
        context={"here": here, "batch": batch, **_places(batch)},
    )


@require_GET
@blkk_page
def enrollment_import_template(
    request: HttpRequest, here: BlkkHere, pk: int
) -> HttpResponse:
    _import_batch(here, pk)
    return ENROLLMENT_PAGES.template()


@require_GET
@blkk_page
def enrollment_import_job(
    request: HttpRequest, here: BlkkHere, pk: int, job: int
) -> HttpResponse:
    batch = _import_batch(here, pk)
    return ENROLLMENT_PAGES.job(
        request,
        jobs=_enrollment_jobs(batch),
        pk=job,
        args=[here.blkk.code, batch.pk],
        context={"here": here, "batch": batch},
        after=reverse("batch-detail", args=[here.blkk.code, batch.pk]),
    )


@require_GET
@blkk_page
def enrollment_import_progress(
    request: HttpRequest, here: BlkkHere, pk: int, job: int
) -> HttpResponse:
    batch = _import_batch(here, pk)
    return ENROLLMENT_PAGES.progress(
        request,
        jobs=_enrollment_jobs(batch),
        pk=job,
        args=[here.blkk.code, batch.pk],
        after=reverse("batch-detail", args=[here.blkk.code, batch.pk]),
    )


@transaction.non_atomic_requests
@require_POST
@blkk_page
def enrollment_import_confirm(
    request: HttpRequest, here: BlkkHere, pk: int, job: int
) -> HttpResponse:
    batch = _import_batch(here, pk)
    return ENROLLMENT_PAGES.confirm(
        request, jobs=_enrollment_jobs(batch), pk=job, args=[here.blkk.code, batch.pk]
    )


@require_POST
@blkk_page
def enrollment_import_cancel(
    request: HttpRequest, here: BlkkHere, pk: int, job: int
) -> HttpResponse:
    batch = _import_batch(here, pk)
    return ENROLLMENT_PAGES.cancel(
        request, jobs=_enrollment_jobs(batch), pk=job, args=[here.blkk.code, batch.pk]
    )
