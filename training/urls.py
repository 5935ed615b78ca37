"""Portal paths of the training app (`/blkk/...`), included by `blkk_portal/urls.py`."""

from __future__ import annotations

from django.urls import path, register_converter
from django.utils.translation import gettext_lazy as _

from blkk_portal.pages import blkk_section

from . import views
from .views import assessments, batches, placements, records
from .views import contact as contact_pages
from .views import imports as import_pages
from .views import instructors as instructor_pages
from .views import partnerships as partnership_pages
from .views import trainees as trainee_pages


class BlkkCodeConverter:
    """A BLKK's registration code in a path (`validate_blkk_code`: capitals, digits,
    dots, dashes, slashes). The paths below it are lower-case words and ids, so a
    code with a slash still ends where they begin."""

    regex = r"[A-Z0-9][A-Z0-9.\-/]{2,39}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(BlkkCodeConverter, "blkk")

urlpatterns = [
    path("blkk/", views.blkk_list, name="blkk-list"),
]

BLKK = "blkk/<blkk:code>/"

# --- a BLKK's trainees and contact details -------------------------------------------

blkk_section(_("Trainees"), "trainee-list", order=10)
blkk_section(_("Contact details"), "blkk-contact", order=90)

urlpatterns += [
    path(
        f"{BLKK}trainees/",
        trainee_pages.trainee_list,
        name="trainee-list",
    ),
    path(
        f"{BLKK}trainees/new/",
        trainee_pages.trainee_create,
        name="trainee-create",
    ),
    path(
        f"{BLKK}trainees/import/",
        import_pages.trainee_import,
        name="trainee-import",
    ),
    path(
        f"{BLKK}trainees/import/template.xlsx",
        import_pages.trainee_import_template,
        name="trainee-import-template",
    ),
    path(
        f"{BLKK}trainees/import/<int:pk>/",
        import_pages.trainee_import_job,
        name="trainee-import-job",
    ),
    path(
        f"{BLKK}trainees/import/<int:pk>/progress/",
        import_pages.trainee_import_progress,
        name="trainee-import-progress",
    ),
    path(
        f"{BLKK}trainees/import/<int:pk>/confirm/",
        import_pages.trainee_import_confirm,
        name="trainee-import-confirm",
    ),
    path(
        f"{BLKK}trainees/import/<int:pk>/cancel/",
        import_pages.trainee_import_cancel,
        name="trainee-import-cancel",
    ),
    path(
        f"{BLKK}trainees/check/",
        trainee_pages.trainee_check,
        name="trainee-check",
    ),
    path(
        f"{BLKK}trainees/<int:pk>/",
        trainee_pages.trainee_detail,
        name="trainee-detail",
    ),
    path(
        f"{BLKK}trainees/<int:pk>/edit/",
        trainee_pages.trainee_update,
        name="trainee-update",
    ),
    path(f"{BLKK}contact/", contact_pages.blkk_contact, name="blkk-contact"),
]

# --- batches, enrollments, certifications, outcomes, follow-ups ---------------------

blkk_section(_("Batches"), "batch-list", order=20)
blkk_section(_("Certifications"), "certification-list", order=30)
blkk_section(_("Outcomes"), "outcome-list", order=40)
blkk_section(_("Follow-ups"), "followup-list", order=45)

urlpatterns += [
    path(f"{BLKK}batches/", batches.batch_list, name="batch-list"),
    path(f"{BLKK}batches/new/", batches.batch_create, name="batch-create"),
    path(f"{BLKK}batches/<int:pk>/", batches.batch_detail, name="batch-detail"),
    path(f"{BLKK}batches/<int:pk>/edit/", batches.batch_update, name="batch-update"),
    path(f"{BLKK}batches/<int:pk>/enroll/", batches.batch_enroll, name="batch-enroll"),
    path(
        f"{BLKK}batches/<int:pk>/enrollments/import/",
        batches.enrollment_import,
        name="enrollment-import",
    ),
    path(
        f"{BLKK}batches/<int:pk>/enrollments/import/template.xlsx",
        batches.enrollment_import_template,
        name="enrollment-import-template",
    ),
    path(
        f"{BLKK}batches/<int:pk>/enrollments/import/<int:job>/",
        batches.enrollment_import_job,
        name="enrollment-import-job",
    ),
    path(
        f"{BLKK}batches/<int:pk>/enrollments/import/<int:job>/progress/",
        batches.enrollment_import_progress,
        name="enrollment-import-progress",
    ),
    path(
        f"{BLKK}batches/<int:pk>/enrollments/import/<int:job>/confirm/",
        batches.enrollment_import_confirm,
        name="enrollment-import-confirm",
    ),
    path(
        f"{BLKK}batches/<int:pk>/enrollments/import/<int:job>/cancel/",
        batches.enrollment_import_cancel,
        name="enrollment-import-cancel",
    ),
    path(
        f"{BLKK}certifications/",
        records.certification_list,
        name="certification-list",
    ),
    path(
        f"{BLKK}certifications/new/",
        records.certification_create,
        name="certification-create",
    ),
    path(
        f"{BLKK}certifications/<int:pk>/edit/",
        records.certification_update,
        name="certification-update",
    ),
    path(f"{BLKK}outcomes/", records.outcome_list, name="outcome-list"),
    path(f"{BLKK}outcomes/new/", records.outcome_create, name="outcome-create"),
    path(
        f"{BLKK}outcomes/<int:pk>/edit/",
        records.outcome_update,
        name="outcome-update",
    ),
    path(f"{BLKK}follow-ups/", records.followup_list, name="followup-list"),
]

# --- placements (pemagangan, skema penempatan) ---------------------------------------

blkk_section(_("Placements"), "placement-list", order=46)

urlpatterns += [
    path(f"{BLKK}placements/", placements.placement_list, name="placement-list"),
    path(
        f"{BLKK}placements/new/",
        placements.placement_create,
        name="placement-create",
    ),
    path(
        f"{BLKK}placements/<int:pk>/edit/",
        placements.placement_update,
        name="placement-update",
    ),
]

# --- instructors and qualifications ---------------------------------------------------

blkk_section(_("Instructors"), "instructor-list", order=50)

urlpatterns += [
    path(
        f"{BLKK}instructors/",
        instructor_pages.instructor_list,
        name="instructor-list",
    ),
    path(
        f"{BLKK}instructors/new/",
        instructor_pages.instructor_create,
        name="instructor-create",
    ),
    path(
        f"{BLKK}instructors/<int:pk>/",
        instructor_pages.instructor_detail,
        name="instructor-detail",
    ),
    path(
        f"{BLKK}instructors/<int:pk>/edit/",
        instructor_pages.instructor_update,
        name="instructor-update",
    ),
    path(
        f"{BLKK}instructors/<int:pk>/qualifications/new/",
        instructor_pages.qualification_create,
        name="instructor-qualification-create",
    ),
    path(
        f"{BLKK}instructors/<int:pk>/qualifications/<int:qualification_pk>/edit/",
        instructor_pages.qualification_update,
        name="instructor-qualification-update",
    ),
]

# --- partnerships and partners --------------------------------------------------------


blkk_section(_("Partnerships"), "partnership-list", order=55)

urlpatterns += [
    path(
        f"{BLKK}partnerships/",
        partnership_pages.partnership_list,
        name="partnership-list",
    ),
    path(
        f"{BLKK}partnerships/new/",
        partnership_pages.partnership_create,
        name="partnership-create",
    ),
    path(
        f"{BLKK}partnerships/<int:pk>/edit/",
        partnership_pages.partnership_update,
        name="partnership-update",
    ),
    path(f"{BLKK}partners/", partnership_pages.partner_list, name="partner-list"),
    path(
        f"{BLKK}partners/new/",
        partnership_pages.partner_create,
        name="partner-create",
    ),
]

# --- grade assessments ----------------------------------------------------------------

blkk_section(_("Grade assessments"), "assessment-list", order=60)

urlpatterns += [
    path(f"{BLKK}assessments/", assessments.assessment_list, name="assessment-list"),
    path(
        f"{BLKK}assessments/new/",
        assessments.assessment_create,
        name="assessment-create",
    ),
]

# --- issue #14: a BLKK's trainees as a CSV file (training/exports.py) ---

from .views import exports as export_pages  # noqa: E402

urlpatterns += [
    path(
        f"{BLKK}trainees/export/",
        export_pages.trainee_export,
        name="trainee-export",
    ),
]
