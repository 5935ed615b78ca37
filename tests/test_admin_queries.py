"""Query budgets of the admin's lists: a changelist runs the same queries for ten
more rows as for one, so no page does a query per row."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.incubator.factories import (
    ApplicationReviewFactory,
    AssistanceFactory,
    AssistanceStatusChangeFactory,
    CohortApplicationFactory,
    CohortFactory,
    MilestoneFactory,
    StageChangeFactory,
    VentureFactory,
    VentureMetricFactory,
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
    GraduateOutcomeFactory,
    InstructorFactory,
    InstructorQualificationFactory,
    PartnerFactory,
    PartnershipFactory,
    PlacementFactory,
    TraineeFactory,
    TrainingBatchFactory,
)

from .world import build_world

FACTORIES = [
    UserFactory,
    BlkkFactory,
    TrainingBatchFactory,
    TraineeFactory,
    EnrollmentFactory,
    CertificationFactory,
    GraduateOutcomeFactory,
    PartnerFactory,
    PartnershipFactory,
    CohortFactory,
    VentureFactory,
    StageChangeFactory,
    MilestoneFactory,
    VentureMetricFactory,
    ProgressReportFactory,
    MentorFactory,
    MentorAssignmentFactory,
    MentoringSessionFactory,
    PlacementFactory,
    InstructorFactory,
    InstructorQualificationFactory,
    CohortApplicationFactory,
    ApplicationReviewFactory,
    AssistanceFactory,
    AssistanceStatusChangeFactory,
]
QUERY_BUDGET = 20


def changelist_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f._meta.model.__name__)
def test_changelist_queries_do_not_grow_with_rows(
    client, factory, django_assert_max_num_queries
):
    world = build_world()
    client.force_login(world.users["ministry"])
    model = factory._meta.model
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    few = changelist_queries(client, url)
    # Each new row brings its own related rows (BLKK, trainee, venture...), the worst
    # case for a list that would look them up one by one.
    factory.create_batch(10)
    with django_assert_max_num_queries(QUERY_BUDGET):
        many = changelist_queries(client, url)
    assert many == few


def crontab_factory(index: int):
    from django_celery_beat.models import CrontabSchedule

    return CrontabSchedule.objects.create(minute=str(index), hour="3")


def periodic_task_factory(index: int):
    from django_celery_beat.models import PeriodicTask

    return PeriodicTask.objects.create(
        name=f"task {index}",
        task="incubator.tasks.metric_reminders_send",
        crontab=crontab_factory(index),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model_name", "create"),
    [("crontabschedule", crontab_factory), ("periodictask", periodic_task_factory)],
)
def test_beat_schedule_changelists_do_not_grow_with_rows(
    client, model_name, create, django_assert_max_num_queries
):
    """The schedule is edited in the admin (django-celery-beat's own pages)."""
    world = build_world()
    client.force_login(world.users["ministry"])
    url = reverse(f"admin:django_celery_beat_{model_name}_changelist")
    few = changelist_queries(client, url)
    for index in range(10):
        create(index)
    with django_assert_max_num_queries(QUERY_BUDGET):
        many = changelist_queries(client, url)
    assert many == few
