"""Every list costs the same number of queries for 3 rows and for 30, for every
role, on its first page and on a deep one (issue #14).

The rows are added under BLKK A of the world (tests/world.py), where each persona
reaches them as DESIGN.md says: ministry everything, Jawa Barat's staff and A's
manager everything of A, A's mentor the venture they mentor and what hangs off it.
`GROWS` names who sees the new rows, so that a constant count is a count over rows
actually shown, not over an empty list.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incubator.models import Cohort, CohortApplication, Venture
from mentoring.models import Mentor, MentorAssignment
from reports.models import ReportRun
from tests.incubator.factories import (
    ApplicationReviewFactory,
    AssistanceFactory,
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
    regency,
    trade,
)
from training.models import Blkk, Instructor, Trainee

from .resources import CONTRACT_RESOURCES, REFERENCE_DATA, url

ROLES = ["ministry", "province_32", "manager_a", "mentor_a"]
FEW, MANY = 3, 30
DEEP_PAGE_SIZE = 5
# Pages followed through `next` before the deep page is measured (page 4).
DEEP = 3
STAFF = {"ministry", "province_32", "manager_a"}
EVERYONE = set(ROLES)

# Who sees the rows `_rows_maker` adds (DESIGN.md, "Roles and scoping").
GROWS = {
    # New BLKKs in Jawa Barat: the province's staff see them, A's manager does not.
    "blkks": {"ministry", "province_32"},
    "training-batches": STAFF,
    # Founders of the venture A's mentor mentors.
    "trainees": EVERYONE,
    "enrollments": STAFF,
    "certifications": STAFF,
    "graduate-outcomes": STAFF,
    "instructors": STAFF,
    "instructor-qualifications": STAFF,
    "partners": EVERYONE,
    # Half national (everyone signed in reads them), half A's; counted apart below.
    "partnerships": STAFF,
    "placements": STAFF,
    "grade-assessments": STAFF,
    "cohorts": STAFF,
    "ventures": EVERYONE,
    "milestones": EVERYONE,
    "venture-metrics": EVERYONE,
    "cohort-applications": EVERYONE,
    "application-reviews": STAFF,
    "assistance": STAFF,
    # Mentors assigned at A (planned): its staff see them; a mentor sees only
    # themselves.
    "mentors": STAFF,
    "mentor-assignments": EVERYONE,
    "mentoring-sessions": EVERYONE,
    # National reports: everyone signed in.
    "reports": EVERYONE,
    # Runs A's manager asked for: theirs, and every run for ministry staff.
    "report-runs": {"ministry", "manager_a"},
}
# Of `n` partnerships added, those a mentor reads (the national ones).
PARTNERSHIPS_NATIONAL = {"mentor_a"}


def _a(world, model):
    return world.objects[model]["a"]


def _rows_maker(world, resource: str):
    """A function adding n rows of `resource` under BLKK A of the world."""
    blkk, trainee = _a(world, Blkk), _a(world, Trainee)
    cohort, venture = _a(world, Cohort), _a(world, Venture)
    mentor = _a(world, Mentor)
    mentor.max_active_assignments = 50
    mentor.save(update_fields=["max_active_assignments"])
    if resource == "blkks":
        return lambda n: BlkkFactory.create_batch(n, regency=regency("32.73"))
    if resource == "training-batches":
        names = (f"Angkatan uji {i}" for i in range(200))
        return lambda n: [
            TrainingBatchFactory(blkk=blkk, name=next(names)) for _n in range(n)
        ]
    if resource == "trainees":
        return lambda n: venture.founders.add(
            *TraineeFactory.create_batch(n, blkk=blkk)
        )
    if resource == "enrollments":
        batch = TrainingBatchFactory(blkk=blkk, capacity=500)
        return lambda n: EnrollmentFactory.create_batch(
            n, batch=batch, trainee__blkk=blkk
        )
    if resource == "certifications":
        return lambda n: CertificationFactory.create_batch(n, trainee=trainee)
    if resource == "graduate-outcomes":
        return lambda n: GraduateOutcomeFactory.create_batch(n, trainee=trainee)
    if resource == "placements":
        # After the person completed their batch (tests/world.py).
        return lambda n: PlacementFactory.create_batch(
            n, trainee=trainee, start_date=datetime.date(2026, 5, 4)
        )
    if resource == "instructors":
        return lambda n: [
            InstructorQualificationFactory(
                instructor=InstructorFactory(
                    blkk=blkk, vocational_fields=[trade("menjahit"), trade("las")]
                )
            )
            for _n in range(n)
        ]
    if resource == "instructor-qualifications":
        instructor = _a(world, Instructor)
        return lambda n: InstructorQualificationFactory.create_batch(
            n, instructor=instructor
        )
    if resource == "partners":
        return lambda n: PartnerFactory.create_batch(n)
    if resource == "partnerships":
        return lambda n: [
            PartnershipFactory(
                blkk=None if i % 2 else blkk,
                purposes=[purpose("training"), purpose("funding")],
            )
            for i in range(n)
        ]
    if resource == "grade-assessments":
        return lambda n: GradeAssessmentFactory.create_batch(n, blkk=blkk)
    if resource == "cohorts":
        return lambda n: CohortFactory.create_batch(n, blkk=blkk)
    if resource == "ventures":
        # Each mentored by A's mentor, so that the mentor's list grows too.
        return lambda n: [
            MentorAssignmentFactory(
                mentor=mentor,
                venture=VentureFactory(cohort=cohort, founders=[trainee]),
            )
            for _n in range(n)
        ]
    if resource == "milestones":
        return lambda n: MilestoneFactory.create_batch(n, venture=venture)
    if resource == "venture-metrics":
        periods = iter(range(200))
        return lambda n: [
            VentureMetricFactory(venture=venture, period=month(next(periods)))
            for _n in range(n)
        ]
    if resource == "cohort-applications":
        open_cohort = OpenCohortFactory(blkk=blkk)
        return lambda n: [
            ApplicationReviewFactory.create_batch(
                2,
                application=CohortApplicationFactory(
                    cohort=open_cohort,
                    co_applicants=TraineeFactory.create_batch(2, blkk=blkk),
                ),
            )
            for _n in range(n)
        ]
    if resource == "application-reviews":
        application = _a(world, CohortApplication)
        return lambda n: ApplicationReviewFactory.create_batch(
            n, application=application
        )
    if resource == "assistance":
        return lambda n: [
            AssistanceFactory(
                blkk=None if i % 2 else blkk,
                venture=venture if i % 2 else None,
                approved=True,
            )
            for i in range(n)
        ]
    if resource == "mentors":
        return lambda n: [
            MentorAssignmentFactory(
                venture=venture, status=MentorAssignment.Status.PLANNED
            )
            for _n in range(n)
        ]
    if resource == "mentor-assignments":
        return lambda n: [
            MentorAssignmentFactory(
                mentor=mentor, venture=VentureFactory(cohort=cohort)
            )
            for _n in range(n)
        ]
    if resource == "mentoring-sessions":
        assignment = _a(world, MentorAssignment)
        return lambda n: MentoringSessionFactory.create_batch(n, assignment=assignment)
    if resource == "reports":
        return lambda n: ProgressReportFactory.create_batch(n)
    assert resource == "report-runs"
    manager = world.users["manager_a"]
    runs = iter(range(200))
    return lambda n: [
        ReportRun.objects.create(period=month(i), task_id=f"t{i}", requested_by=manager)
        for i in (next(runs) for _n in range(n))
    ]


def _read(client, path, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params)
    assert response.status_code == 200, (path, response.content[:300])
    return response.json(), len(queries)


def _expected_growth(resource: str, role: str, added: int) -> int:
    if resource == "partnerships" and role in PARTNERSHIPS_NATIONAL:
        return added // 2
    return added if role in GROWS[resource] else 0


LISTS = [resource for resource in CONTRACT_RESOURCES if resource not in REFERENCE_DATA]


@pytest.mark.parametrize("resource", LISTS)
def test_every_roles_first_page_costs_the_same_for_3_and_30_rows(
    world, api, resource, django_assert_max_num_queries
):
    clients = {role: api(world.users[role]) for role in ROLES}
    add_rows = _rows_maker(world, resource)
    add_rows(FEW)
    few = {role: _read(client, url(resource)) for role, client in clients.items()}

    add_rows(MANY - FEW)

    for role, client in clients.items():
        shown, queries = few[role]
        with django_assert_max_num_queries(queries, info=f"{role} {resource}"):
            body, _queries = _read(client, url(resource))
        grown = len(body["results"]) - len(shown["results"])
        assert grown == _expected_growth(resource, role, MANY - FEW), role


@pytest.mark.parametrize("resource", LISTS)
def test_every_roles_deep_page_costs_what_the_first_page_costs(
    world, api, resource, django_assert_max_num_queries
):
    _rows_maker(world, resource)(MANY)
    for role in ROLES:
        client = api(world.users[role])
        params = {"page_size": DEEP_PAGE_SIZE}
        first, first_queries = _read(client, url(resource), params)
        if _expected_growth(resource, role, MANY) < DEEP_PAGE_SIZE * (DEEP + 1):
            continue
        body = first
        for _page in range(DEEP):
            assert body["next"], (role, resource)
            path = body["next"].removeprefix("http://testserver")
            with django_assert_max_num_queries(first_queries, info=f"{role} {path}"):
                body, _queries = _read(client, path)
            assert len(body["results"]) == DEEP_PAGE_SIZE


@pytest.mark.parametrize("role", ROLES)
def test_reference_data_costs_the_same_on_every_page(
    world, api, role, django_assert_max_num_queries
):
    client = api(world.users[role])
    for resource in sorted(REFERENCE_DATA):
        _first, queries = _read(client, url(resource), {"page_size": 2})
        with django_assert_max_num_queries(queries):
            deep, _queries = _read(client, url(resource), {"page_size": 2, "page": 4})
        assert len(deep["results"]) == 2
