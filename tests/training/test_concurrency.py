"""Two managers enrolling the last place at once: PostgreSQL's row lock decides.

These tests commit for real (other threads use other connections), so they run on a
transactional database; `serialized_rollback` puts back the regions and trades the
data migrations loaded, which the flush after a transactional test removes.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.threads import pause, run_together
from training import services
from training.models import Enrollment

from .factories import TraineeFactory, TrainingBatchFactory

# Long enough that, without the lock, both threads would count before either saves.
RACE_WINDOW_SECONDS = 0.3


@pytest.fixture
def slow_capacity_check(monkeypatch):
    """Hold each transaction open for a moment after its capacity check, so that the
    two enrollments overlap for certain."""
    check = services.enrollment_ensure_capacity

    def check_then_wait(*, enrollment):
        check(enrollment=enrollment)
        pause(RACE_WINDOW_SECONDS)

    monkeypatch.setattr(services, "enrollment_ensure_capacity", check_then_wait)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_managers_enrolling_the_last_place_at_once_get_one_place(
    slow_capacity_check,
):
    batch = TrainingBatchFactory(capacity=1)
    first, second = TraineeFactory.create_batch(2, blkk=batch.blkk)

    outcomes = run_together(
        lambda: services.enrollment_create(trainee=first, batch=batch, by=None),
        lambda: services.enrollment_create(trainee=second, batch=batch, by=None),
    )

    saved = [o for o in outcomes if isinstance(o, Enrollment)]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert (len(saved), len(refused)) == (1, 1), outcomes
    assert [e.code for e in refused[0].error_dict["batch"]] == ["batch_full"]
    assert list(batch.enrollments.values_list("pk", flat=True)) == [saved[0].pk]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_enrollments_at_once_both_fit_when_there_is_room(slow_capacity_check):
    batch = TrainingBatchFactory(capacity=2)
    first, second = TraineeFactory.create_batch(2, blkk=batch.blkk)

    outcomes = run_together(
        lambda: services.enrollment_create(trainee=first, batch=batch, by=None),
        lambda: services.enrollment_create(trainee=second, batch=batch, by=None),
    )

    assert all(isinstance(o, Enrollment) for o in outcomes), outcomes
    assert batch.enrollments.count() == 2
