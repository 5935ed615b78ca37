"""Every list endpoint issues the same number of queries for 5 rows and for 200."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.models import ReportRun
from tests.accounts.factories import UserFactory
from tests.incubator.factories import (
    ApplicationReviewFactory,
    AssistanceFactory,
    AssistanceStatusChangeFactory,
    CohortApplicationFactory,
    CohortFactory,
    MilestoneFactory,
    OpenCohortFactory,
    VentureFactory,
    VentureMetricFactory,
    month,
)
from tests.mentoring.factories import (
    MentorAssignmentFactory,
    MentorFactory,
    MentoringSessionFactory,
)
from tests.reports.factories import ProgressReportFactory
from tests.training.factories import (
    BlkkFactory,
    CertificationFactory,
    EnrollmentFactory,
    GradeAssessmentFactory,
    GraduateOutcomeFactory,
    InstructorFactory,
    InstructorQualificationFactory,
    PartnerFactory,
    PartnershipFactory,
    PlacementFactory,
    TraineeFactory,
    TrainingBatchFactory,
    purpose,
    trade,
)

from .resources import CONTRACT_RESOURCES, REFERENCE_DATA, url


def _rows_maker(resource: str):
    """A function adding n rows of `resource`, hung off shared parents."""
    blkk = BlkkFactory(is_incubator=True)
    if resource == "blkks":
        return lambda n: BlkkFactory.create_batch(n)
    if resource == "training-batches":
        return lambda n: TrainingBatchFactory.create_batch(n, blkk=blkk)
    if resource == "trainees":
        return lambda n: TraineeFactory.create_batch(n, blkk=blkk)
    if resource == "enrollments":
        batch = TrainingBatchFactory(blkk=blkk, capacity=500)
        return lambda n: EnrollmentFactory.create_batch(n, batch=batch)
    if resource == "partners":
        return lambda n: PartnerFactory.create_batch(n)
    if resource == "partnerships":
        # Local and national ones, each with its own partner and two purposes.
        return lambda n: [
            PartnershipFactory(
                blkk=None if i % 2 else blkk,
                purposes=[purpose("training"), purpose("funding")],
            )
            for i in range(n)
        ]
    graduate = TraineeFactory(blkk=blkk, graduate=True)
    if resource == "certifications":
        return lambda n: CertificationFactory.create_batch(n, trainee=graduate)
    if resource == "graduate-outcomes":
        return lambda n: GraduateOutcomeFactory.create_batch(n, trainee=graduate)
    if resource == "placements":
        return lambda n: PlacementFactory.create_batch(n, trainee=graduate)
    if resource == "instructors":
        # Each with two trades and a qualification: the list prefetches them.
        return lambda n: [
            InstructorQualificationFactory(
                instructor=InstructorFactory(
                    blkk=blkk, vocational_fields=[trade("menjahit"), trade("las")]
                )
            ).instructor
            for _n in range(n)
        ]
    if resource == "instructor-qualifications":
        instructor = InstructorFactory(blkk=blkk)
        return lambda n: InstructorQualificationFactory.create_batch(
            n, instructor=instructor
        )
    if resource == "grade-assessments":
        return lambda n: GradeAssessmentFactory.create_batch(n, blkk=blkk)
    if resource == "cohorts":
        return lambda n: CohortFactory.create_batch(n, blkk=blkk)
    if resource in ("cohort-applications", "application-reviews"):
        return _intake_rows_maker(resource, blkk)
    cohort = CohortFactory(blkk=blkk)
    if resource == "ventures":
        return lambda n: VentureFactory.create_batch(
            n, cohort=cohort, founders=[graduate]
        )
    venture = VentureFactory(cohort=cohort, founders=[graduate])
    if resource == "milestones":
        return lambda n: MilestoneFactory.create_batch(n, venture=venture)
    if resource == "venture-metrics":
        return lambda n: VentureMetricFactory.create_batch(n, venture=venture)
    if resource == "assistance":
        # To the BLKK and to its venture, each with two entries of status history.
        return lambda n: [
            AssistanceStatusChangeFactory(
                assistance=AssistanceFactory(
                    blkk=None if i % 2 else blkk,
                    venture=venture if i % 2 else None,
                    approved=True,
                ),
                from_status="proposed",
                to_status="approved",
                on=datetime.date(2025, 3, 3),
            ).assistance
            for i in range(n)
        ]
    if resource == "mentors":
        return lambda n: MentorFactory.create_batch(n)
    if resource == "reports":
        return lambda n: ProgressReportFactory.create_batch(n)
    if resource == "report-runs":
        return lambda n: [
            ReportRun.objects.create(period=month(i), task_id=f"t{i}") for i in range(n)
        ]
    mentor = MentorFactory(max_active_assignments=50)
    if resource == "mentor-assignments":
        return lambda n: MentorAssignmentFactory.create_batch(
            n, mentor=mentor, venture=venture
        )
    assignment = MentorAssignmentFactory(mentor=mentor, venture=venture)
    assert resource == "mentoring-sessions"
    return lambda n: MentoringSessionFactory.create_batch(n, assignment=assignment)


def _intake_rows_maker(resource: str, blkk):
    """Applications with two co-applicants and two reviews each; or many reviews
    of one application."""
    cohort = OpenCohortFactory(blkk=blkk)
    if resource == "cohort-applications":
        return lambda n: [
            ApplicationReviewFactory.create_batch(
                2,
                application=CohortApplicationFactory(
                    cohort=cohort,
                    co_applicants=TraineeFactory.create_batch(2, blkk=blkk),
                ),
            )
            for _n in range(n)
        ]
    application = CohortApplicationFactory(cohort=cohort)
    return lambda n: ApplicationReviewFactory.create_batch(n, application=application)


LIST_RESOURCES = CONTRACT_RESOURCES


@pytest.mark.parametrize("resource", LIST_RESOURCES)
def test_list_queries_do_not_grow_with_rows(
    db, api, resource, django_assert_max_num_queries
):
    client = api(UserFactory(ministry=True))
    params = {"page_size": 200}
    add_rows = None if resource in REFERENCE_DATA else _rows_maker(resource)
    if add_rows:
        add_rows(5)
    # A full page of the few, as of the many: a page that is not full tells its
    # count without counting (blkk_portal/api/pagination.py).
    with CaptureQueriesContext(connection) as few:
        assert client.get(url(resource), {"page_size": 5}).status_code == 200

    if add_rows:
        add_rows(195)
    with django_assert_max_num_queries(len(few)):
        response = client.get(url(resource), params)

    assert response.status_code == 200
    if add_rows:
        assert len(response.json()["results"]) >= 200
