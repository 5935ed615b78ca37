"""A BLKK's trainees: the people it reaches, found by name or by the start or the
end of a NIK; registering a person (NIK, birth date and gender checked as they are
typed); a person's page with what happened to them; changing their record.

Every page is a `blkk_page` (404 outside the user's BLKKs). Ministry and province
staff read the same lists and records; the pages that write answer them 403.

A NIK is not an oracle (DESIGN.md, "Roles and scoping"): a search with a digit in it
looks only among the people whose NIK the user sees whole, and a user who sees NIKs
masked gets 400 with the message the API gives. Whole NIKs shown to anyone but the
registering BLKK's managers are written to the audit trail, as the API does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.db import IntegrityError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from blkk_portal.api.filters import MAX_SEARCH_LENGTH
from blkk_portal.numbers import is_ascii_digits
from blkk_portal.pages import (
    form_data,
    paginate,
    query_without_page,
    row_named,
    save_through_service,
    see_other,
)

from .. import services
from ..exports import may_export_trainees
from ..forms import (
    CHECKED_FIELDS,
    TraineeForm,
    TraineePhoneForm,
    TraineeUpdateForm,
)
from ..managers import NikSearchRefused, sees_whole_niks
from ..models import Certification, Enrollment, GraduateOutcome, Placement, Trainee
from .blkks import BlkkHere, audit_whole_niks, blkk_page

if TYPE_CHECKING:
    from django.forms import BaseForm

NIK_ON_THIS_LIST = _("A person with this NIK is already on this BLKK's list.")
# Nothing about the person or where they were registered: the manager may not see
# them (DESIGN.md: another BLKK enrolls the same person by their exact NIK).
NIK_REGISTERED_ELSEWHERE = _(
    "A person with this NIK is already registered at another BLKK. To train them "
    "here, enroll them in one of this BLKK's batches by their NIK instead of "
    "registering them again."
)
REGISTERED = _("%(name)s is registered.")
SAVED = _("The changes to %(name)s are saved.")


def _search_term(request: HttpRequest) -> str:
    # Bounded like the API's search; a NUL byte, which PostgreSQL cannot compare,
    # is dropped rather than answered with an error.
    raw = request.GET.get("q", "").replace("\x00", "")
    return raw.strip()[:MAX_SEARCH_LENGTH]


def _search(rows: QuerySet, term: str, user) -> QuerySet:
    """`rows` matching `term`: a name (anywhere in it), or, for a term with any
    digit (as the API decides it), the start or the end of a NIK among the people
    whose NIK `user` sees whole. Raises NikSearchRefused for a user who sees NIKs
    masked, whatever the digits."""
    if not any(character.isdigit() for character in term):
        return rows.filter(full_name__icontains=term)
    rows = rows.searchable_by_nik(user)
    digits = "".join(term.split())
    if not is_ascii_digits(digits):
        return rows.none()
    return rows.filter(Q(nik__startswith=digits) | Q(nik__endswith=digits))


@require_GET
@blkk_page
def trainee_list(request: HttpRequest, here: BlkkHere) -> HttpResponse:
    """The people this BLKK registered or enrolled, newest first."""
    user = request.user
    context: dict = {"here": here, "nik_search": sees_whole_niks(user)}
    rows = here.rows(Trainee).with_full_nik_flag(user)
    term = _search_term(request)
    if term:
        try:
            rows = _search(rows, term, user)
        except NikSearchRefused as refused:
            context |= {"refused": refused.message, "search": ""}
            return render(request, "training/trainee_list.html", context, status=400)
    rows = rows.select_related("regency", "blkk").order_by("-registered_on", "-pk")
    page = paginate(request, rows)
    page.object_list = list(page.object_list)
    audit_whole_niks(request, page.object_list)
    context |= {"page": page, "query": query_without_page(request), "search": term}
    context["can_export"] = may_export_trainees(user)
    return render(request, "training/trainee_list.html", context)


@require_GET
@blkk_page
def trainee_detail(request: HttpRequest, here: BlkkHere, pk: int) -> HttpResponse:
    """A person as the user may see them, and their enrollments, certifications,
    outcomes and placements that the user sees."""
    user = request.user
    trainee = get_object_or_404(
        here.rows(Trainee)
        .with_full_nik_flag(user)
        .select_related("regency__province", "blkk"),
        pk=pk,
    )
    audit_whole_niks(request, [trainee], one=True)
    enrollments = (
        Enrollment.objects.visible_to(user)
        .filter(trainee_id=trainee.pk)
        .select_related("batch__blkk", "batch__vocational_field")
        .order_by("-batch__start_date", "-pk")
    )
    certifications = Certification.objects.visible_to(user).filter(
        trainee_id=trainee.pk
    )
    outcomes = GraduateOutcome.objects.visible_to(user).filter(trainee_id=trainee.pk)
    placements = (
        Placement.objects.visible_to(user)
        .filter(trainee_id=trainee.pk)
        .select_related("partner")
    )
    can_edit = here.writable and user.has_perm("training.change_trainee")
    context = {
        "here": here,
        "trainee": trainee,
        "labels": {
            field.name: capfirst(field.verbose_name) for field in Trainee._meta.fields
        },
        "enrollments": enrollments,
        "certifications": certifications,
        "outcomes": outcomes,
        "placements": placements,
        "can_edit": can_edit,
        "phone_only": can_edit
        and trainee.blkk_id not in services.managed_blkk_ids(user),
        # Records this BLKK's managers keep: each gets a link to change it (the
        # batch pages change enrollments), and new ones may be recorded here.
        "writable": {
            "enrollments": _writable_ids(here, Enrollment, trainee),
            "certifications": _writable_ids(here, Certification, trainee),
            "outcomes": _writable_ids(here, GraduateOutcome, trainee),
            "placements": _writable_ids(here, Placement, trainee),
        },
        "can_record": {
            "certification": here.writable
            and user.has_perm("training.add_certification"),
            "outcome": here.writable and user.has_perm("training.add_graduateoutcome"),
            "placement": here.writable and user.has_perm("training.add_placement"),
        },
    }
    return render(request, "training/trainee_detail.html", context)


def _writable_ids(here: BlkkHere, model, trainee: Trainee) -> set[int]:
    if not here.writable:
        return set()
    rows = here.writable_rows(model).filter(trainee_id=trainee.pk)
    return set(rows.values_list("pk", flat=True))


def _check_url(here: BlkkHere, trainee: Trainee | None = None) -> str:
    url = reverse("trainee-check", args=[here.blkk.code])
    return url if trainee is None else f"{url}?trainee={trainee.pk}"


def nik_taken(here: BlkkHere, nik: str) -> tuple[str, str] | None:
    """Whether `nik` is already registered: the message, and the person's page when
    they are on this BLKK's list (the user sees them there anyway); None if not."""
    known_here = here.rows(Trainee).filter(nik=nik).values_list("pk", flat=True)
    pk = known_here.first()
    if pk is not None:
        return str(NIK_ON_THIS_LIST), reverse(
            "trainee-detail", args=[here.blkk.code, pk]
        )
    if Trainee.objects.filter(nik=nik).exists():
        return str(NIK_REGISTERED_ELSEWHERE), ""
    return None


@require_http_methods(["GET", "POST"])
@blkk_page
def trainee_create(request: HttpRequest, here: BlkkHere) -> HttpResponse:
    """Register a person at this BLKK, today."""
    here.ensure_may("training.add_trainee")
    form = TraineeForm(
        data=form_data(request),
        initial={"regency": here.blkk.regency_id},
        check_url=_check_url(here),
    )
    form.existing_link = ""  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        taken = nik_taken(here, form.cleaned_data["nik"])
        if taken is not None:
            form.add_error("nik", taken[0])
            form.existing_link = taken[1]  # type: ignore[attr-defined]
        else:
            trainee = _register(form, here, request)
            if trainee is not None:
                messages.success(request, REGISTERED % {"name": trainee.full_name})
                return see_other(
                    reverse("trainee-detail", args=[here.blkk.code, trainee.pk])
                )
    return render(request, "training/trainee_form.html", {"here": here, "form": form})


def _register(form: BaseForm, here: BlkkHere, request: HttpRequest) -> Trainee | None:
    fields = form.cleaned_data
    try:
        return save_through_service(
            form,
            lambda: services.trainee_register(
                **fields, blkk=here.blkk, by=request.user
            ),
        )
    except IntegrityError:
        # The same NIK registered elsewhere at the same moment: the unique index
        # caught what the check before could not yet see.
        if not Trainee.objects.filter(nik=fields["nik"]).exists():
            raise
        form.add_error("nik", str(NIK_REGISTERED_ELSEWHERE))
        return None


@require_http_methods(["GET", "POST"])
@blkk_page
def trainee_update(request: HttpRequest, here: BlkkHere, pk: int) -> HttpResponse:
    """Change a person's record: all of it (but the NIK) at the BLKK that registered
    them, only their phone at a BLKK that enrolled them (the service's rule)."""
    here.ensure_may("training.change_trainee")
    user = request.user
    trainee = get_object_or_404(
        here.writable_rows(Trainee)
        .with_full_nik_flag(user)
        .select_related("regency", "blkk"),
        pk=pk,
    )
    # The service changes the row it is given, even when it then refuses.
    shown = {"name": trainee.full_name, "nik": trainee.nik}
    phone_only = trainee.blkk_id not in services.managed_blkk_ids(user)
    form: TraineePhoneForm | TraineeUpdateForm
    if phone_only:
        form = TraineePhoneForm(data=form_data(request), instance=trainee)
    else:
        form = TraineeUpdateForm(
            data=form_data(request),
            instance=trainee,
            check_url=_check_url(here, trainee),
        )
    if request.method == "GET":
        audit_whole_niks(request, [trainee], one=True)
    if request.method == "POST" and form.is_valid():
        changes = form.cleaned_data
        saved = save_through_service(
            form,
            lambda: services.trainee_update(trainee=trainee, by=user, **changes),
        )
        if saved is not None:
            messages.success(request, SAVED % {"name": saved.full_name})
            return see_other(reverse("trainee-detail", args=[here.blkk.code, pk]))
    context = {
        "here": here,
        "form": form,
        "trainee": trainee,
        "shown": shown,
        "phone_only": phone_only,
    }
    return render(request, "training/trainee_form.html", context)


@require_POST
@blkk_page
def trainee_check(request: HttpRequest, here: BlkkHere) -> HttpResponse:
    """The messages of the NIK, birth date and gender as typed so far (htmx swaps
    each into its field): the form's own checks, which are the model's validators
    and `nik_agreement_errors`, and whether the NIK is already on this BLKK's
    list (registered elsewhere is said on submit only). A field
    left empty gets no message yet. `?trainee=ID`: a person being changed, whose
    stored NIK the birth date and gender must agree with."""
    here.ensure_writable()
    trainee = _trainee_changed(request, here)
    form: TraineeForm
    if trainee is None:
        here.ensure_may("training.add_trainee")
        form = TraineeForm(data=request.POST)
    else:
        here.ensure_may("training.change_trainee")
        form = TraineeUpdateForm(data=request.POST, instance=trainee)
    form.is_valid()
    results = []
    for name in CHECKED_FIELDS:
        if name not in form.fields:
            continue
        typed = request.POST.get(name, "").strip()
        errors = [str(error) for error in form.errors.get(name, [])] if typed else []
        link = ""
        if name == "nik" and typed and not errors:
            # Only a person already on this BLKK's list (the user sees them there
            # anyway). Whether a NIK is registered elsewhere is said on submit, as
            # the API says it: a side-effect-free check as you type would answer
            # that question for any guessed NIK, as fast as one can type.
            taken = nik_taken(here, form.cleaned_data["nik"])
            if taken is not None and taken[1]:
                errors, link = [taken[0]], taken[1]
        results.append({"auto_id": form[name].auto_id, "errors": errors, "link": link})
    return render(request, "training/trainee_check.html", {"results": results})


def _trainee_changed(request: HttpRequest, here: BlkkHere) -> Trainee | None:
    return row_named(here.writable_rows(Trainee), request.GET.get("trainee"))
