"""`/api/v1/` routes of the training app, registered by `blkk_portal/api/urls.py`."""

from __future__ import annotations

from . import views

# (path prefix, viewset), in the order the API root lists them.
routes = [
    ("provinces", views.ProvinceViewSet),
    ("regencies", views.RegencyViewSet),
    ("vocational-fields", views.VocationalFieldViewSet),
    ("blkks", views.BlkkViewSet),
    ("training-batches", views.TrainingBatchViewSet),
    ("trainees", views.TraineeViewSet),
    ("enrollments", views.EnrollmentViewSet),
    ("certifications", views.CertificationViewSet),
    ("graduate-outcomes", views.GraduateOutcomeViewSet),
    ("instructors", views.InstructorViewSet),
    ("instructor-qualifications", views.InstructorQualificationViewSet),
    ("partners", views.PartnerViewSet),
    ("partnerships", views.PartnershipViewSet),
    ("placements", views.PlacementViewSet),
    ("grade-assessments", views.GradeAssessmentViewSet),
]
