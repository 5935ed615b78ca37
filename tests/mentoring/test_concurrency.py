"""Two managers giving a mentor their last free place at once: the mentor row lock
decides. Transactional, like `tests/training/test_concurrency.py`."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from mentoring import services
from mentoring.models import MentorAssignment
from tests.incubator.factories import VentureFactory
from tests.threads import pause, run_together

from .factories import MentorFactory

# Long enough that, without the lock, both threads would count before either saves.
RACE_WINDOW_SECONDS = 0.3


@pytest.fixture
def slow_capacity_check(monkeypatch):
    check = services.assignment_ensure_mentor_capacity

    def check_then_wait(*, assignment):
        check(assignment=assignment)
        pause(RACE_WINDOW_SECONDS)

    monkeypatch.setattr(services, "assignment_ensure_mentor_capacity", check_then_wait)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_assignments_of_a_mentor_with_one_free_place_at_once_get_one(
    slow_capacity_check,
):
    mentor = MentorFactory(max_active_assignments=1)
    ventures = VentureFactory.create_batch(2)

    def assign(venture):
        return lambda: services.assignment_create(
            mentor=mentor,
            venture=venture,
            start_date=datetime.date(2025, 5, 1),
            status=MentorAssignment.Status.ACTIVE,
            by=None,
        )

    outcomes = run_together(*(assign(venture) for venture in ventures))

    saved = [o for o in outcomes if isinstance(o, MentorAssignment)]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert (len(saved), len(refused)) == (1, 1), outcomes
    assert [e.code for e in refused[0].error_dict["mentor"]] == ["mentor_full"]
    assert list(mentor.assignments.values_list("pk", flat=True)) == [saved[0].pk]
