"""A BLKK's grade assessments (Peta Jalan Kemandirian BLKK): `/blkk/CODE/assessments/`.

Everyone who opens the BLKK (its managers, ministry staff, its province's staff)
reads its assessments over time, newest first. Ministry staff alone record one
(`/blkk/CODE/assessments/new/`, through `services.grade_assessment_record`, which
also moves the BLKK's grade); a POST by anyone else answers 403.
"""

from __future__ import annotations

import dataclasses

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from blkk_portal.pages import (
    form_data,
    paginate,
    query_without_page,
    save_through_service,
    see_other,
)

from .. import services
from ..forms import GradeAssessmentForm
from ..models import ROADMAP_CRITERIA, GradeAssessment
from .blkks import BlkkHere, blkk_page

RECORDED = _("The assessment is recorded; the BLKK's grade follows its latest one.")
RECORD = "training.add_gradeassessment"


def _assessing(request: HttpRequest, here: BlkkHere) -> BlkkHere:
    """`here` as these pages see it: written by whoever records assessments
    (ministry staff), read by the BLKK's managers and province staff."""
    return dataclasses.replace(here, writable=request.user.has_perm(RECORD))


def _criteria_labels() -> list[tuple[str, str]]:
    meta = GradeAssessment._meta
    return [
        (name, capfirst(meta.get_field(name).verbose_name)) for name in ROADMAP_CRITERIA
    ]


@require_GET
@blkk_page
def assessment_list(request: HttpRequest, here: BlkkHere) -> HttpResponse:
    """The BLKK's assessments over time, newest first: grade, date, assessor, each
    criterion met or missing, the note."""
    here = _assessing(request, here)
    rows = (
        here.rows(GradeAssessment)
        .select_related("assessed_by")
        .order_by("-assessed_on", "-pk")
    )
    page = paginate(request, rows)
    labels = _criteria_labels()
    for assessment in page.object_list:
        assessment.criteria = [
            {"label": label, "met": getattr(assessment, name)} for name, label in labels
        ]
        assessment.met_count = sum(1 for c in assessment.criteria if c["met"])
    context = {
        "here": here,
        "page": page,
        "query": query_without_page(request),
        "criteria_total": len(labels),
        "edits_in_admin": request.user.has_perm("training.change_gradeassessment"),
    }
    return render(request, "training/assessment_list.html", context)


@require_http_methods(["GET", "POST"])
@blkk_page
def assessment_create(request: HttpRequest, here: BlkkHere) -> HttpResponse:
    """Record an assessment of this BLKK (ministry staff; anyone else: 403)."""
    here = _assessing(request, here)
    here.ensure_may(RECORD)
    form = GradeAssessmentForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data
        saved = save_through_service(
            form,
            lambda: services.grade_assessment_record(
                blkk=here.blkk, by=request.user, **fields
            ),
        )
        if saved is not None:
            messages.success(request, RECORDED)
            return see_other(reverse("assessment-list", args=[here.blkk.code]))
    return render(
        request, "training/assessment_form.html", {"here": here, "form": form}
    )
