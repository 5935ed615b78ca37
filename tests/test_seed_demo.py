"""`seed_demo` fills a coherent demo and changes nothing when run again."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.test import override_settings

from blkk_portal.accounts.models import Role, User
from incubator.models import Stage, Venture
from training.models import Enrollment, Province, Regency, Trainee


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
def seeded_twice(django_db_setup, django_db_blocker):
    """Seed once for the whole module (it is the slow part), inside a transaction
    that is rolled back at the end; each test runs in a savepoint within it."""
    fast_hasher = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
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
