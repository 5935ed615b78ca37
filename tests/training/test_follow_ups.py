"""Graduates due for a follow-up (`training.selectors.graduates_due_for_follow_up`)
and the page that lists them: 3, 6 and 12 months after completing a batch, until
an outcome is surveyed on or after that date."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import Value
from django.urls import reverse
from django.utils import timezone

from tests.test_content_policy import inline_scripts
from tests.training.factories import (
    EnrollmentFactory,
    GraduateOutcomeFactory,
    TraineeFactory,
    TrainingBatchFactory,
)
from training.models import Blkk, GraduateOutcome, Province, Trainee
from training.selectors import AddMonths, add_months, graduates_due_for_follow_up

D = datetime.date


@pytest.fixture
def batch_a(blkk_a):
    return TrainingBatchFactory(blkk=blkk_a, start_date=D(2024, 1, 8))


@pytest.fixture
def batch_b(blkk_b):
    return TrainingBatchFactory(blkk=blkk_b, start_date=D(2024, 1, 8))


def graduate(batch, completed_on: datetime.date, **person) -> Trainee:
    """A person registered at the batch's BLKK who completed it on that date."""
    trainee = TraineeFactory(blkk=batch.blkk, **person)
    complete(trainee, batch, completed_on)
    return trainee


def complete(trainee: Trainee, batch, completed_on: datetime.date) -> None:
    EnrollmentFactory(
        trainee=trainee, batch=batch, status="completed", completed_on=completed_on
    )


def survey(trainee: Trainee, surveyed_on: datetime.date, **fields) -> None:
    GraduateOutcomeFactory(trainee=trainee, surveyed_on=surveyed_on, **fields)


def due(blkks, today: datetime.date) -> list[tuple]:
    return [
        (row.person, row.milestone, row.due_on, row.days_overdue)
        for row in graduates_due_for_follow_up(blkks, today)
    ]


# --- month arithmetic -------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2025, 8, 31), 6, D(2026, 2, 28)),
        (D(2023, 8, 31), 6, D(2024, 2, 29)),
        (D(2025, 8, 31), 3, D(2025, 11, 30)),
        (D(2025, 11, 30), 3, D(2026, 2, 28)),
        (D(2025, 10, 31), 3, D(2026, 1, 31)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2025, 12, 15), 12, D(2026, 12, 15)),
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
    ],
)
def test_months_are_added_up_to_the_months_last_day(day, months, expected):
    assert add_months(day, months) == expected


def test_the_database_adds_months_as_python_does(db):
    days = [D(2023, 1, 27) + datetime.timedelta(days=n) for n in range(0, 800, 7)]
    days += [D(2023, 8, 31), D(2024, 2, 29), D(2025, 12, 31)]
    for day in days:
        added = {f"m{m}": AddMonths(Value(day), Value(m)) for m in (1, 3, 6, 12)}
        row = Province.objects.annotate(**added).values(*added)[:1].get()
        assert row == {f"m{m}": add_months(day, m) for m in (1, 3, 6, 12)}, day


# --- the rule ---------------------------------------------------------------------


def test_a_graduate_is_due_three_months_after_completing(blkk_a, batch_a):
    person = graduate(batch_a, D(2026, 1, 15))
    assert due(blkk_a, D(2026, 1, 15)) == []  # completed today
    assert due(blkk_a, D(2026, 4, 14)) == []
    assert due(blkk_a, D(2026, 4, 15)) == [(person, 3, D(2026, 4, 15), 0)]
    assert due(blkk_a, D(2026, 4, 25)) == [(person, 3, D(2026, 4, 15), 10)]


def test_a_survey_before_the_due_date_does_not_answer_it(blkk_a, batch_a):
    person = graduate(batch_a, D(2026, 1, 15))
    survey(person, D(2026, 4, 14))
    (row,) = graduates_due_for_follow_up(blkk_a, D(2026, 4, 20))
    assert (row.milestone, row.last_surveyed_on) == (3, D(2026, 4, 14))


def test_a_survey_on_the_due_date_answers_it_until_the_next(blkk_a, batch_a):
    person = graduate(batch_a, D(2026, 1, 15))
    survey(person, D(2026, 4, 15))
    assert due(blkk_a, D(2026, 4, 15)) == []
    assert due(blkk_a, D(2026, 7, 14)) == []
    assert due(blkk_a, D(2026, 7, 15)) == [(person, 6, D(2026, 7, 15), 0)]
    survey(person, D(2026, 8, 1))
    assert due(blkk_a, D(2027, 1, 14)) == []
    assert due(blkk_a, D(2027, 1, 15)) == [(person, 12, D(2027, 1, 15), 0)]
    survey(person, D(2027, 2, 1))
    assert due(blkk_a, D(2030, 1, 1)) == []


def test_a_graduate_never_surveyed_is_due_once_at_the_latest_milestone(blkk_a, batch_a):
    person = graduate(batch_a, D(2025, 1, 15))
    # The 3, 6 and 12 months have all passed: one row, one survey answers them all.
    assert due(blkk_a, D(2026, 3, 1)) == [(person, 12, D(2026, 1, 15), 45)]
    survey(person, D(2026, 3, 1))
    assert due(blkk_a, D(2026, 3, 2)) == []


def test_a_survey_after_six_months_answers_three_and_six(blkk_a, batch_a):
    person = graduate(batch_a, D(2026, 1, 15))
    survey(person, D(2026, 7, 20))
    assert due(blkk_a, D(2026, 7, 21)) == []
    assert due(blkk_a, D(2027, 1, 15)) == [(person, 12, D(2027, 1, 15), 0)]


def test_month_ends_fall_on_the_shorter_months_last_day(blkk_a, batch_a):
    person = graduate(batch_a, D(2025, 8, 31))
    assert due(blkk_a, D(2025, 11, 29)) == []
    assert due(blkk_a, D(2025, 11, 30)) == [(person, 3, D(2025, 11, 30), 0)]
    survey(person, D(2025, 12, 1))
    assert due(blkk_a, D(2026, 2, 27)) == []
    assert due(blkk_a, D(2026, 2, 28)) == [(person, 6, D(2026, 2, 28), 0)]
    assert due(blkk_a, D(2026, 3, 31)) == [(person, 6, D(2026, 2, 28), 31)]


def test_a_leap_year_gives_the_29th_of_february(blkk_a, batch_a):
    person = graduate(batch_a, D(2023, 8, 31))
    survey(person, D(2023, 12, 1))
    assert due(blkk_a, D(2024, 2, 28)) == []
    assert due(blkk_a, D(2024, 2, 29)) == [(person, 6, D(2024, 2, 29), 0)]


def test_the_latest_completion_here_starts_the_count_again(blkk_a, batch_a):
    person = graduate(batch_a, D(2025, 1, 10))
    complete(person, TrainingBatchFactory(blkk=blkk_a), D(2025, 12, 10))
    # The first training's 12 months (10 January 2026) no longer count.
    assert due(blkk_a, D(2026, 3, 9)) == []
    assert due(blkk_a, D(2026, 3, 10)) == [(person, 3, D(2026, 3, 10), 0)]


def test_each_blkk_follows_up_its_own_completions(blkk_a, blkk_b, batch_a, batch_b):
    person = graduate(batch_b, D(2025, 1, 10))
    assert due(blkk_a, D(2026, 1, 10)) == []
    assert due(blkk_b, D(2026, 1, 10)) == [(person, 12, D(2026, 1, 10), 0)]
    complete(person, batch_a, D(2025, 10, 10))
    assert due(blkk_a, D(2026, 1, 10)) == [(person, 3, D(2026, 1, 10), 0)]
    assert due(blkk_b, D(2026, 1, 10)) == [(person, 12, D(2026, 1, 10), 0)]
    # One survey, whoever records it, is an answer about the person for both.
    survey(person, D(2026, 1, 10), recorded_by_blkk=blkk_b)
    assert due(blkk_a, D(2026, 1, 11)) == []
    assert due(blkk_b, D(2026, 1, 11)) == []


def test_only_completions_make_graduates(blkk_a, batch_a):
    EnrollmentFactory(batch=batch_a, active=True)
    EnrollmentFactory(batch=batch_a, dropped=True)
    EnrollmentFactory(batch=batch_a)
    assert due(blkk_a, D(2030, 1, 1)) == []


def test_rows_come_oldest_due_date_first_then_by_name(blkk_a, batch_a):
    late = graduate(batch_a, D(2025, 1, 10), full_name="Zaenal")
    same_day_z = graduate(batch_a, D(2025, 9, 10), full_name="Yusuf")
    same_day_a = graduate(batch_a, D(2025, 9, 10), full_name="Agus")
    graduate(batch_a, D(2025, 12, 1), full_name="Not Yet")
    rows = due(blkk_a, D(2025, 12, 20))
    assert [row[0] for row in rows] == [late, same_day_a, same_day_z]
    assert [row[1] for row in rows] == [6, 3, 3]


def test_the_blkks_are_given_as_a_blkk_ids_or_a_queryset(
    blkk_a, blkk_b, batch_a, batch_b
):
    mine = graduate(batch_a, D(2025, 1, 10), full_name="Agus")
    theirs = graduate(batch_b, D(2025, 1, 10), full_name="Bima")
    today = D(2025, 5, 1)
    assert [row[0] for row in due(blkk_a, today)] == [mine]
    assert [row[0] for row in due(blkk_a.pk, today)] == [mine]
    assert [row[0] for row in due([blkk_b.pk], today)] == [theirs]
    both = Blkk.objects.filter(pk__in=[blkk_a.pk, blkk_b.pk])
    assert [row[0] for row in due(both, today)] == [mine, theirs]
    assert [row[0] for row in due(both.values("pk"), today)] == [mine, theirs]
    assert graduates_due_for_follow_up([], today).count() == 0


def test_persons_are_read_from_the_people_given(blkk_a, batch_a, manager_a):
    person = graduate(batch_a, D(2025, 1, 10))
    people = Trainee.objects.visible_to(manager_a).with_full_nik_flag(manager_a)
    (row,) = graduates_due_for_follow_up(blkk_a, D(2025, 5, 1), people=people)
    assert row.person == person
    assert row.person.full_nik_visible is True
    assert row.completed_on == D(2025, 1, 10)


@pytest.mark.parametrize("count", [3, 30])
def test_counting_takes_one_query_and_a_page_two(
    blkk_a, batch_a, django_assert_num_queries, count
):
    for _n in range(count):
        person = graduate(batch_a, D(2025, 1, 10))
        survey(person, D(2025, 2, 1))
    due_now = graduates_due_for_follow_up(blkk_a, D(2025, 6, 1))
    with django_assert_num_queries(1):
        assert due_now.count() == count
    with django_assert_num_queries(2):
        assert len(due_now[0:25]) == min(count, 25)


# --- the page ---------------------------------------------------------------------


def _followups(blkk) -> str:
    return reverse("followup-list", args=[blkk.code])


def _record_outcome(blkk, person) -> str:
    return f"{reverse('outcome-create', args=[blkk.code])}?trainee={person.pk}"


@pytest.fixture
def overdue(batch_a):
    """A graduate whose 3-month follow-up fell due ten days ago (or a few more, when
    a month's end moves it)."""
    today = timezone.localdate()
    completed = add_months(today - datetime.timedelta(days=10), -3)
    return graduate(batch_a, completed, full_name="Ayu Lestari")


def test_the_page_requires_sign_in(client, blkk_a):
    response = client.get(_followups(blkk_a))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["mentor_a", "manager_b"])
def test_no_follow_ups_for_a_mentor_or_another_blkks_manager(
    client, request, blkk_a, persona
):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_followups(blkk_a)).status_code == 404


def test_the_manager_sees_who_is_due_and_records_their_outcome(
    client, manager_a, blkk_a, overdue
):
    client.force_login(manager_a)
    response = client.get(_followups(blkk_a))
    assert response.status_code == 200
    assert inline_scripts(response) == []
    assert " style=" not in response.content.decode()
    (row,) = response.context["page"].object_list
    completed = overdue.enrollments.get().completed_on
    due_on = add_months(completed, 3)
    assert (row.person, row.milestone, row.due_on) == (overdue, 3, due_on)
    assert row.days_overdue == (timezone.localdate() - due_on).days >= 10
    page = response.content.decode()
    assert "Ayu Lestari" in page
    assert overdue.nik in page
    assert _record_outcome(blkk_a, overdue) in page
    # The link chooses the person; a survey today ends the follow-up.
    form = client.get(_record_outcome(blkk_a, overdue))
    assert f'<option value="{overdue.pk}" selected>' in form.content.decode()
    today = timezone.localdate()
    saved = client.post(
        _record_outcome(blkk_a, overdue),
        {
            "trainee": overdue.pk,
            "surveyed_on": f"{today:%Y-%m-%d}",
            "status": "self_employed",
            "employer_or_business": "Konveksi Ayu",
            "monthly_income": "2.000.000",
        },
    )
    assert saved.status_code == 303
    assert GraduateOutcome.objects.get().recorded_by_blkk == blkk_a
    assert list(client.get(_followups(blkk_a)).context["page"].object_list) == []


@pytest.mark.parametrize("persona", ["ministry_user", "province_user"])
def test_staff_read_the_follow_ups_without_a_way_to_record(
    client, request, blkk_a, overdue, persona
):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(_followups(blkk_a))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ayu Lestari" in page
    assert reverse("outcome-create", args=[blkk_a.code]) not in page
    if persona == "province_user":
        assert overdue.nik not in page


@pytest.mark.parametrize("count", [3, 30])
def test_the_page_takes_the_same_queries_for_3_or_30_graduates(
    client, manager_a, blkk_a, batch_a, django_assert_max_num_queries, count
):
    completed = add_months(timezone.localdate(), -4)
    for _n in range(count):
        graduate(batch_a, completed)
    client.force_login(manager_a)
    # One more for the placements that ended early (none here).
    with django_assert_max_num_queries(13):
        response = client.get(_followups(blkk_a))
    assert len(response.context["page"].object_list) == min(count, 25)
