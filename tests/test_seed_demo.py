"""`seed_demo` fills a coherent demo and changes nothing when run again."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.test import override_settings
from django.utils import timezone

from blkk_portal.accounts.models import Role, User
from blkk_portal.months import Month
from incubator.models import (
    ApplicationReview,
    Assistance,
    Cohort,
    CohortApplication,
    Stage,
    StageChange,
    Venture,
    VentureMetric,
)
from incubator.selectors import assistance_check_overdue
from mentoring.models import MentoringSession
from reports.kpis import counts_total, figures_by_blkk
from reports.models import ProgressReport
from reports.selectors import report_trend
from training.models import (
    Blkk,
    Certification,
    Enrollment,
    GraduateOutcome,
    Instructor,
    Partnership,
    Placement,
    Province,
    Regency,
    Trainee,
)
from training.selectors import (
    blkk_grade_on,
    partnerships_expiring,
    trades_without_certified_instructor,
)


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {"accounts", "training", "incubator", "mentoring", "reports"}
    }


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded_twice(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seed once for the whole module (it is the slow part), inside a transaction
    that is rolled back at the end; each test runs in a savepoint within it. The
    report files go to a folder of the module's own."""
    fast_hasher = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        MEDIA_ROOT=tmp_path_factory.mktemp("media"),
    )
    with django_db_blocker.unblock(), fast_hasher, transaction.atomic():
        first_output = seed()
        after_first = row_counts()
        second_output = seed()
        yield first_output, after_first, second_output, row_counts()
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_second_run_adds_nothing(seeded_twice):
    _, after_first, second_output, after_second = seeded_twice
    assert after_second == after_first
    assert "nothing to add" in second_output


@pytest.mark.django_db
def test_demo_is_of_the_promised_size(seeded_twice):
    _, counts, _, _ = seeded_twice
    assert counts["training.Blkk"] == 20
    assert 300 <= counts["training.Trainee"] <= 400
    assert counts["incubator.VentureMetric"] > 0
    assert counts["mentoring.MentoringSession"] > 0
    assert counts["training.GraduateOutcome"] > 0
    assert counts["training.Certification"] > 0


@pytest.mark.django_db
def test_regions_are_all_there_after_seeding(seeded_twice):
    assert Province.objects.count() == 38
    assert Regency.objects.count() == 514


@pytest.mark.django_db
def test_ventures_cover_every_stage(seeded_twice):
    stages = set(Venture.objects.values_list("stage", flat=True))
    assert stages == set(Stage.values)


@pytest.mark.django_db
def test_every_demo_trainee_passes_validation(seeded_twice):
    for trainee in Trainee.objects.all():
        trainee.full_clean()


@pytest.mark.django_db
def test_some_people_train_at_a_second_blkk(seeded_twice):
    elsewhere = Enrollment.objects.exclude(batch__blkk=F("trainee__blkk"))
    assert elsewhere.count() == 20


@pytest.mark.django_db
def test_logins_for_every_role_are_printed(seeded_twice):
    first_output, _, _, _ = seeded_twice
    for role in Role.values:
        user = User.objects.filter(role=role).first()
        assert user is not None, role
        assert user.username in first_output


def last_twelve_months() -> list[Month]:
    last = Month.last_completed()
    return [last.shifted(-back) for back in range(11, -1, -1)]


@pytest.mark.django_db
def test_each_of_the_last_twelve_months_has_its_stored_reports(seeded_twice):
    months = [month.first_day for month in last_twelve_months()]
    national = {
        report.period: report
        for report in ProgressReport.objects.filter(scope="national", period__in=months)
    }

    assert sorted(national) == months
    # Every scope of each month: the country, 4 provinces, 20 BLKKs; with files.
    assert ProgressReport.objects.filter(period__in=months).count() == 12 * 25
    assert not ProgressReport.objects.filter(period__in=months, xlsx_file="").exists()
    assert not ProgressReport.objects.filter(period__in=months).unfinished().exists()
    # No report of a month that has not ended.
    assert not ProgressReport.objects.filter(period__gt=months[-1]).exists()
    # So the trend of the last month has twelve points.
    assert len(report_trend(national[months[-1]])) == 12


@pytest.mark.django_db
def test_most_months_have_people_trained_and_ventures_at_work(seeded_twice):
    figures = [
        ProgressReport.objects.get(scope="national", period=month.first_day).kpis
        for month in last_twelve_months()
    ]

    def months_with(key: str) -> int:
        return sum(1 for kpis in figures if kpis[key])

    assert months_with("trainees_registered") == 12
    assert months_with("graduates") == 12
    assert months_with("certified_competent") >= 10
    assert months_with("mentoring_sessions") == 12
    assert months_with("ventures_active") >= 10
    assert months_with("jobs_created") >= 9
    assert sum(1 for kpis in figures if any(kpis["outcome_counts"].values())) >= 9
    assert sum(kpis["ventures_graduated"] for kpis in figures) > 0
    # Last month: some ventures have gone quiet, some have not reported yet.
    last = figures[-1]
    assert last["ventures_at_risk"] > 0
    assert 0 < last["metrics_reported"] < last["metrics_expected"]


@pytest.mark.django_db
def test_the_year_holds_every_kind_of_record_month_by_month(seeded_twice):
    months = last_twelve_months()

    def months_of(dates) -> set[Month]:
        return {Month.of(day) for day in dates}

    for model, field in (
        (Trainee, "registered_on"),
        (Enrollment, "completed_on"),
        (Certification, "issued_on"),
        (GraduateOutcome, "surveyed_on"),
        (VentureMetric, "period"),
        (MentoringSession, "held_on"),
        (StageChange, "changed_on"),
    ):
        dates = model.objects.exclude(**{field: None}).values_list(field, flat=True)
        covered = months_of(dates) & set(months)
        assert len(covered) >= 6, (model.__name__, sorted(map(str, covered)))


@pytest.mark.django_db
def test_the_month_so_far_has_people_registered(seeded_twice):
    this_month = Month.last_completed().shifted(1)
    counts = counts_total(figures_by_blkk(this_month).values())
    assert counts["trainees_registered"] > 0


@pytest.mark.django_db
def test_the_programme_records_tell_their_story(seeded_twice):
    """Issue #12's records: national and local agreements (some ending within 60
    days), instructors with a trade left without a certified one, placements of
    every kind (some ended early, apprentices starting during training), and BLKKs
    that moved up from their registered grade this year."""
    today = timezone.localdate()
    assert Partnership.objects.filter(blkk__isnull=True).count() == 3
    assert partnerships_expiring(Partnership.objects.all(), today).exists()
    assert Partnership.objects.filter(end_date__lt=today).exists()
    assert Instructor.objects.count() > 40
    blkks = list(Blkk.objects.all())
    assert any(trades_without_certified_instructor(blkk, today) for blkk in blkks)
    kinds = set(Placement.objects.values_list("kind", flat=True))
    assert kinds == {"apprenticeship", "employment", "migrant_work"}
    assert Placement.objects.filter(status="ended_early").exists()
    assert Placement.objects.filter(
        kind="apprenticeship", trainee__enrollments__status="active"
    ).exists()
    moved_up = [
        blkk
        for blkk in blkks
        if blkk.grade != blkk.registered_grade
        and blkk.grade_assessments.filter(assessed_on__year=today.year).exists()
    ]
    assert moved_up
    for blkk in blkks:
        # Every BLKK's grade is its latest assessment's.
        assert blkk.grade == blkk_grade_on(blkk, today)


def test_intake_and_assistance_tell_their_story(seeded_twice, client):
    """Issue #13's records: every incubator's second cohort takes applications today
    (so the public page lists it), applications with co-applicants and reviews by
    the manager and the supporting mentor, one accepted into a venture in
    pre-incubation, one rejected, one shortlisted; assistance in every status, to
    BLKKs and to a venture, and some not checked for more than six months."""
    today = timezone.localdate()
    incubators = Blkk.objects.filter(is_incubator=True)
    open_cohorts = Cohort.objects.taking_applications_on(today)
    assert set(open_cohorts.values_list("blkk", flat=True)) == set(
        incubators.values_list("pk", flat=True)
    )
    public = client.get("/programmes/cohorts/")
    assert public.status_code == 200
    assert all(cohort.blkk.name in public.content.decode() for cohort in open_cohorts)
    statuses = set(CohortApplication.objects.values_list("status", flat=True))
    assert statuses == {"submitted", "shortlisted", "accepted", "rejected"}
    assert CohortApplication.objects.filter(co_applicants__isnull=False).exists()
    reviewers = set(ApplicationReview.objects.values_list("reviewer__role", flat=True))
    assert reviewers >= {Role.BLKK_MANAGER, Role.MENTOR}
    for application in CohortApplication.objects.filter(status="accepted"):
        venture = application.venture
        assert venture.stage == Stage.PRE_INCUBATION
        assert venture.started_on == application.decided_on
        assert set(venture.founders.values_list("pk", flat=True)) == (
            application.people_ids
        )
    assert set(Assistance.objects.values_list("status", flat=True)) == set(
        Assistance.Status.values
    )
    assert Assistance.objects.filter(venture__isnull=False).exists()
    assert assistance_check_overdue(Assistance.objects.all(), today).exists()
    for assistance in Assistance.objects.all():
        # Every assistance's history opens with its proposal and ends at its status.
        history = list(assistance.status_changes.order_by("on", "pk"))
        assert (history[0].from_status, history[0].to_status) == ("", "proposed")
        assert history[-1].to_status == assistance.status
