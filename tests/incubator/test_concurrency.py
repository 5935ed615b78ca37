"""Two weekly reminder tasks at once (a second beat): each manager is reminded once,
the unique `ReminderSent` row deciding; two moves of one assistance at once: the
locked row decides, the second is judged from the first's status. Transactional,
like `tests/training/test_concurrency.py`."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from blkk_portal.months import Month
from incubator import services
from incubator.models import Assistance, AssistanceStatusChange
from incubator.reminders import metric_reminders_send
from tests.accounts.factories import UserFactory
from tests.threads import pause, run_together

from .factories import AssistanceFactory, VentureFactory

APRIL = Month(2026, 4)
MONDAY = datetime.date(2026, 5, 4)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_reminder_tasks_at_once_remind_each_manager_once(blkk_a, slow_mail_server):
    managers = UserFactory.create_batch(2, blkk_manager=True, managed_blkks=[blkk_a])
    VentureFactory(
        cohort__blkk=blkk_a,
        name="Keripik Tempe Sari",
        started_on=datetime.date(2026, 1, 5),
    )

    def remind():
        return metric_reminders_send(month=APRIL, today=MONDAY)

    outcomes = run_together(remind, remind)

    assert sorted(outcomes) == [0, 2] or sorted(outcomes) == [1, 1], outcomes
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.email for m in managers)


# --- intake (issue #13) ---------------------------------------------------------------

RACE_WINDOW_SECONDS = 0.3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_managers_accepting_at_once_leave_one_venture(monkeypatch):
    from django.core.exceptions import ValidationError

    from incubator import services
    from incubator.models import CohortApplication, Venture
    from tests.threads import pause

    from .factories import CohortApplicationFactory

    application = CohortApplicationFactory()
    first, second = UserFactory.create_batch(
        2, blkk_manager=True, managed_blkks=[application.cohort.blkk]
    )
    create = services.venture_create

    def create_then_wait(**fields):
        venture = create(**fields)
        # Hold the transaction open: without the application's lock, the other
        # decision would read "submitted" meanwhile and create a second venture.
        pause(RACE_WINDOW_SECONDS)
        return venture

    monkeypatch.setattr(services, "venture_create", create_then_wait)

    def accept(by):
        return lambda: services.application_decide(
            application=application, decision="accepted", by=by
        )

    outcomes = run_together(accept(first), accept(second))

    decided = [o for o in outcomes if isinstance(o, CohortApplication)]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert (len(decided), len(refused)) == (1, 1), outcomes
    assert [e.code for e in refused[0].error_dict["decision"]] == ["decision_forbidden"]
    assert Venture.objects.count() == 1
    stored = CohortApplication.objects.get(pk=application.pk)
    assert stored.venture == Venture.objects.get()
    assert stored.status == "accepted"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_person_named_on_two_applications_at_once_is_on_one(monkeypatch):
    from django.core.exceptions import ValidationError

    from incubator import services
    from incubator.models import CohortApplication
    from tests.threads import pause
    from tests.training.factories import TraineeFactory

    from .factories import OpenCohortFactory

    cohort = OpenCohortFactory()
    shared, one, other = TraineeFactory.create_batch(3, blkk=cohort.blkk)
    check = services._check_people

    def check_then_wait(**kwargs):
        check(**kwargs)
        pause(RACE_WINDOW_SECONDS)

    monkeypatch.setattr(services, "_check_people", check_then_wait)

    def apply(applicant, name):
        return lambda: services.application_create(
            cohort=cohort,
            applicant=applicant,
            co_applicants=[shared],
            business_name=name,
            sector="kuliner",
            idea="-",
            by=None,
        )

    outcomes = run_together(apply(one, "Satu"), apply(other, "Dua"))

    stored = [o for o in outcomes if isinstance(o, CohortApplication)]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert (len(stored), len(refused)) == (1, 1), outcomes
    assert [e.code for e in refused[0].error_dict["co_applicants"]] == [
        "already_applied"
    ]
    assert CohortApplication.objects.count() == 1


# --- assistance: two moves of one assistance at once ---------------------------------

ASSISTANCE_RACE_WINDOW_SECONDS = 0.3


@pytest.fixture
def slow_move_rule(monkeypatch):
    """Hold each move's transaction open for a moment after the status rule is
    judged, so that two moves overlap for certain."""
    allowed = services.assistance_move_allowed

    def allowed_then_wait(from_status, to_status):
        answer = allowed(from_status, to_status)
        pause(ASSISTANCE_RACE_WINDOW_SECONDS)
        return answer

    monkeypatch.setattr(services, "assistance_move_allowed", allowed_then_wait)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_deliveries_of_one_assistance_at_once_record_one(blkk_a, slow_move_rule):
    first, second = UserFactory.create_batch(
        2, blkk_manager=True, managed_blkks=[blkk_a]
    )
    assistance = AssistanceFactory.create(blkk=blkk_a, approved=True)

    def deliver(user, number):
        return lambda: services.assistance_move(
            assistance=assistance,
            to_status="delivered",
            on=datetime.date(2025, 4, 7),
            handover_number=number,
            by=user,
        )

    outcomes = run_together(deliver(first, "BAST/1"), deliver(second, "BAST/2"))

    moved = [o for o in outcomes if isinstance(o, AssistanceStatusChange)]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert (len(moved), len(refused)) == (1, 1), outcomes
    assert [e.code for e in refused[0].error_dict["to_status"]] == [
        "status_move_forbidden"
    ]
    row = Assistance.objects.get(pk=assistance.pk)
    winner = "BAST/1" if moved[0].by == first else "BAST/2"
    assert (row.status, row.handover_number) == ("delivered", winner)
    assert list(
        row.status_changes.order_by("pk").values_list("from_status", "to_status")
    ) == [("", "proposed"), ("approved", "delivered")]
