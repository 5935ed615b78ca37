"""Query budgets of the admin's lists: a changelist runs the same queries for ten
more rows as for one, so no page does a query per row."""

from __future__ import annotations

import datetime

import factory
import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blkk_portal.accounts.models import User
from blkk_portal.audit.models import PersonalDataEvent
from blkk_portal.audit.services import audit_record
from mentoring.models import Mentor
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
from tests.personas import make_persona
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
)
from training.models import (
    Blkk,
    BlkkHandover,
    GradeAssessment,
    Province,
    Regency,
    VocationalField,
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


# --- issue #14: every changelist, for ministry staff and the scoped roles ----------

PORTAL_APPS = {"accounts", "audit", "training", "incubator", "mentoring", "reports"}
PORTAL_MODELS = sorted(
    (m for m in admin.site._registry if m._meta.app_label in PORTAL_APPS),
    key=lambda m: m._meta.label,
)
# Who may open which changelist is the roles' business (accounts.backends); these
# pin it, so that a change to the admin's lists cannot open or close one unnoticed.
STAFF_ONLY_OF_THE_MINISTRY = {User, PersonalDataEvent}
SCOPED_PERSONAS = ["province_32", "manager_a"]
ROWS_ADDED = 10


def _factory_rows(model_factory):
    return lambda: model_factory.create_batch(ROWS_ADDED)


def _provinces():
    for index in range(ROWS_ADDED):
        Province.objects.create(code=f"0{index}", name=f"Provinsi Uji {index}")


def _regencies():
    for index in range(ROWS_ADDED):
        Regency.objects.create(
            code=f"32.{90 + index}", name=f"Kabupaten Uji {index}", province_id="32"
        )


def _trades():
    for index in range(ROWS_ADDED):
        VocationalField.objects.create(code=f"uji-{index}", name=f"Kejuruan {index}")


def _handovers():
    for _index in range(ROWS_ADDED):
        BlkkHandover.objects.create(
            blkk=BlkkFactory(),
            from_user=UserFactory(role="blkk_manager"),
            to_user=UserFactory(role="blkk_manager"),
            handed_over_on=datetime.date(2026, 1, 5),
        )


def _audit_events():
    for index in range(ROWS_ADDED):
        audit_record(
            user=None,
            action=PersonalDataEvent.Action.FULL_NIK_VIEW,
            subject="training.trainee",
            rows=index + 1,
            query="/x/",
        )


# How to add rows to each list: in Jawa Barat, where the scoped personas look (the
# factories' BLKKs are in Bandung), each with its own related rows.
GROWERS = {
    **{made._meta.model: _factory_rows(made) for made in FACTORIES},
    Province: _provinces,
    Regency: _regencies,
    VocationalField: _trades,
    BlkkHandover: _handovers,
    GradeAssessment: _factory_rows(GradeAssessmentFactory),
    PersonalDataEvent: _audit_events,
    # Mentors reach a BLKK's staff through their home BLKK.
    Mentor: lambda: MentorFactory.create_batch(
        ROWS_ADDED, home_blkk=factory.SubFactory(BlkkFactory)
    ),
}


def test_every_portal_changelist_is_measured_below():
    assert set(PORTAL_MODELS) <= set(GROWERS)


def _changelist_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def _open(client, url: str) -> tuple[int, int, int]:
    """(status, queries, rows counted) of one request."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    rows = response.context["cl"].result_count if response.status_code == 200 else 0
    return response.status_code, len(queries), rows


@pytest.mark.django_db
@pytest.mark.parametrize("model", PORTAL_MODELS, ids=lambda m: m._meta.label)
def test_changelist_queries_stay_constant_for_every_role_as_rows_grow(
    client, model, django_assert_max_num_queries
):
    """Each persona's first page runs the same queries with ten more rows in its
    reach (counted: the list does see them) as before, within the budget; a role
    that may not open the list is refused before and after."""
    world = build_world()
    url = _changelist_url(model)
    personas = ["ministry", *SCOPED_PERSONAS]
    before = {}
    for persona in personas:
        client.force_login(world.users[persona])
        before[persona] = _open(client, url)
    GROWERS[model]()
    # Alice manages every BLKK of Jawa Barat now: the new rows are hers too.
    manager = world.users["manager_a"]
    for blkk in Blkk.objects.filter(regency__province_id="32"):
        blkk.managers.add(manager)
    for persona in personas:
        client.force_login(world.users[persona])
        with django_assert_max_num_queries(QUERY_BUDGET):
            status, queries, rows = _open(client, url)
        status_before, queries_before, rows_before = before[persona]
        expected = (
            403
            if persona != "ministry" and model in STAFF_ONLY_OF_THE_MINISTRY
            else 200
        )
        assert (status_before, status) == (expected, expected), persona
        assert queries == queries_before, persona
        if expected == 200:
            assert rows == rows_before + ROWS_ADDED, persona


@pytest.mark.django_db
@pytest.mark.parametrize("model", PORTAL_MODELS, ids=lambda m: m._meta.label)
def test_mentor_is_sent_to_the_admin_login_from_every_changelist(client, model):
    client.force_login(make_persona("mentor_a"))
    response = client.get(_changelist_url(model))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
