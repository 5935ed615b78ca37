"""Every request the benchmark times (bench/measure.py) runs a fixed number of
queries: the same on the seeded dataset (`seed_scale --factor 0.001`) and after the
measured users' places have grown, so that the benchmark's "queries constant as data
grows" holds for each page and endpoint, not only the ones a test was written for."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench import measure
from bench.plain_admin import MEASURED
from incubator.models import Venture
from mentoring.models import MentoringSession
from training.models import Blkk, TrainingBatch

from .mentoring.factories import MentoringSessionFactory
from .training.factories import (
    CertificationFactory,
    EnrollmentFactory,
    GraduateOutcomeFactory,
    TraineeFactory,
)

# The BLKK page, with every panel filled as in the seeded dataset, runs the most
# (about 45); anything above this is a list that queries per row.
CEILING = 50


def _queries(client, path: str) -> tuple[int, int]:
    client.get(path)  # once untimed: caches a live process already holds
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    return response.status_code, len(captured)


def _requests() -> list[tuple[str, object, str]]:
    """(label, client, path) of every request bench/measure.py times."""
    requests = []
    for role in measure.ROLES:
        client = measure.token_client(measure.bench_user(role))
        requests += [
            (f"{role} api {name}", client, f"/api/v1/{name}/")
            for name in measure.API_LISTS
        ]
    manager = measure.bench_user("manager")
    client = measure.session_client(manager)
    requests += [
        (f"manager {label}", client, path)
        for label, path in measure.manager_pages(manager)
    ]
    mentor = measure.bench_user("mentor")
    client = measure.session_client(mentor)
    requests += [
        (f"mentor {label}", client, path)
        for label, path in measure.mentor_pages(mentor)
    ]
    staff = {
        role: measure.session_client(measure.bench_user(role))
        for role in ("province", "ministry")
    }
    requests += [
        (f"{role} {label}", staff[role], path)
        for role, label, path in measure.staff_pages(manager)
    ]
    requests += [
        ("ministry country dashboard", staff["ministry"], reverse("dashboard")),
        (
            "province dashboard",
            staff["province"],
            reverse("dashboard-province", args=["32"]),
        ),
    ]
    for model in MEASURED:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        requests += [
            (f"ministry {name}", staff["ministry"], reverse(name)),
            (f"province {name}", staff["province"], reverse(name)),
        ]
    return requests


def _grow_the_measured_places() -> None:
    """More of every row the measured users read: at the manager's BLKK (which the
    province user reaches too) and on the mentor's ventures."""
    blkk = Blkk.objects.get(managers=measure.bench_user("manager"))
    batch = TrainingBatch.objects.filter(blkk=blkk).first()
    for trainee in TraineeFactory.create_batch(8, blkk=blkk):
        EnrollmentFactory(trainee=trainee, batch=batch)
        CertificationFactory(trainee=trainee)
        GraduateOutcomeFactory(trainee=trainee)
    mentor = measure.bench_user("mentor").mentor_profile
    for assignment in mentor.assignments.filter(venture__isnull=False)[:2]:
        MentoringSessionFactory.create_batch(4, assignment=assignment)
    assert Venture.objects.exists()
    assert MentoringSession.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_benchmarked_request_runs_a_fixed_number_of_queries():
    call_command("seed_scale", "--factor", "0.001", "--no-progress", verbosity=0)
    requests = _requests()
    # Grown once first: a list that was empty in the seeded sample skips the query
    # that fetches its rows' relations, which is one query, not one per row.
    _grow_the_measured_places()
    before = {label: _queries(client, path) for label, client, path in requests}
    _grow_the_measured_places()
    after = {label: _queries(client, path) for label, client, path in requests}

    answered = {label: status for label, (status, _count) in before.items()}
    assert set(answered.values()) <= {200, 403, 404}, answered
    assert sum(status == 200 for status in answered.values()) > len(requests) * 0.8
    over = {label: count for label, (_s, count) in after.items() if count > CEILING}
    grew = {
        label: (before[label][1], after[label][1])
        for label in before
        if after[label][1] > before[label][1]
    }
    assert (over, grew) == ({}, {})
