"""The mentors' portal pages (DESIGN.md "Portal pages", `/mentor/...`): who may open
them, another mentor's rows answering 404, the session form's defaults, its writes
through the service, the history's edit and delete windows, and the query budgets.

The monthly figures page has its own module (test_metric_pages.py).
"""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from blkk_portal.pages import PAGE_SIZE
from blkk_portal.templatetags.portal import tanggal
from mentoring import services
from mentoring.models import MentorAssignment, MentoringSession
from tests.incubator.factories import VentureFactory
from tests.personas import PASSWORD
from tests.test_content_policy import assert_strict_policy, inline_scripts
from tests.training.factories import TraineeFactory

from .factories import MentorAssignmentFactory, MentoringSessionFactory

pytestmark = pytest.mark.django_db

ENDED = MentorAssignment.Status.ENDED
ONLINE = MentoringSession.Mode.ONLINE
PHONE = MentoringSession.Mode.PHONE


def assignment_of(user, **fields) -> MentorAssignment:
    """An active, open-ended assignment of `user`'s Mentor profile to a new venture."""
    return MentorAssignmentFactory(mentor=user.mentor_profile, **fields)


def session_of(assignment, **fields) -> MentoringSession:
    return MentoringSessionFactory(
        assignment=assignment, recorded_by=assignment.mentor.user, **fields
    )


def recorded_days_ago(session: MentoringSession, days: int) -> None:
    """Move the moment `session` was recorded back `days` days."""
    moment = timezone.now() - datetime.timedelta(days=days)
    MentoringSession.objects.filter(pk=session.pk).update(created_at=moment)
    session.refresh_from_db()


def history_url(assignment) -> str:
    return reverse("assignment-detail", args=[assignment.pk])


def create_url(assignment=None) -> str:
    url = reverse("session-create")
    return f"{url}?assignment={assignment.pk}" if assignment else url


def session_post(assignment, **fields) -> dict:
    return {
        "assignment": assignment.pk,
        "held_on": timezone.localdate().isoformat(),
        "duration_minutes": "75",
        "mode": ONLINE,
        "topics": "Menghitung harga pokok produksi",
        "notes": "",
        "action_items": "Mencatat biaya bahan",
        "mentee_rating": "4",
        **fields,
    }


def service_fields(assignment, **fields) -> dict:
    """What the form posts by default, as the service takes it."""
    return {
        "assignment": assignment,
        "held_on": timezone.localdate(),
        "duration_minutes": 75,
        "mode": ONLINE,
        "topics": "Menghitung harga pokok produksi",
        "action_items": "Mencatat biaya bahan",
        "mentee_rating": 4,
        **fields,
    }


def service_message(call) -> dict[str, list[str]]:
    """What a service says when it refuses, in Indonesian (the pages' language)."""
    with translation.override("id"), pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


def permission_message(call) -> str:
    with translation.override("id"), pytest.raises(PermissionDenied) as caught:
        call()
    return str(caught.value)


# --- who may open the pages ---------------------------------------------------------


@pytest.fixture
def pages(mentor_a):
    """Every mentor page, for a mentor with one assignment and one fresh session."""
    assignment = assignment_of(mentor_a)
    session = session_of(assignment)
    return [
        reverse("mentor-home"),
        create_url(),
        create_url(assignment),
        history_url(assignment),
        reverse("session-update", args=[session.pk]),
        reverse("session-delete", args=[session.pk]),
        reverse("mentor-metrics"),
    ]


def test_a_mentor_opens_every_mentor_page(client, mentor_a, pages):
    client.force_login(mentor_a)
    for url in pages:
        assert client.get(url).status_code == 200, url


def test_signing_in_is_required_for_every_mentor_page(client, pages):
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("persona", ["manager_a", "province_user", "ministry_user"])
def test_users_without_a_mentor_profile_are_refused_every_mentor_page(
    client, request, pages, persona
):
    client.force_login(request.getfixturevalue(persona))
    for url in pages:
        assert client.get(url).status_code == 403, url


def test_users_without_a_mentor_profile_cannot_post_a_session(
    client, manager_a, mentor_a
):
    assignment = assignment_of(mentor_a)
    client.force_login(manager_a)
    response = client.post(reverse("session-create"), session_post(assignment))
    assert response.status_code == 403
    assert not MentoringSession.objects.exists()


def test_a_manager_who_also_mentors_uses_the_mentor_pages(client, manager_a):
    services.mentor_create(
        user=manager_a, full_name="Alice", affiliation="blk", by=None
    )
    assignment = assignment_of(manager_a)
    client.force_login(manager_a)
    home = client.get(reverse("mentor-home"))
    assert home.status_code == 200
    assert assignment.venture.name in home.content.decode()
    response = client.post(reverse("session-create"), session_post(assignment))
    assert response.status_code == 303
    assert MentoringSession.objects.get().recorded_by == manager_a


# --- my mentees -------------------------------------------------------------------


def test_home_lists_each_assignment_with_founders_last_session_and_metrics(
    client, mentor_a
):
    founder = TraineeFactory(full_name="Siti Rahmawati")
    venture = VentureFactory(founders=[founder])
    assignment = assignment_of(mentor_a, venture=venture)
    session_of(assignment, held_on=datetime.date(2026, 2, 3))
    session_of(assignment, held_on=datetime.date(2026, 3, 9))
    venture.metrics.create(period=datetime.date(2026, 1, 1), revenue=1)
    venture.metrics.create(period=datetime.date(2026, 2, 1), revenue=1)
    client.force_login(mentor_a)
    response = client.get(reverse("mentor-home"))
    row = response.context["page"].object_list[0]
    assert row.last_session_on == datetime.date(2026, 3, 9)
    assert row.last_metric_period == datetime.date(2026, 2, 1)
    page = response.content.decode()
    assert "Siti Rahmawati" in page
    assert "9 Maret 2026" in page
    assert "Februari 2026" in page
    assert f"{create_url(assignment)}" in page
    assert history_url(assignment) in page
    assert f"{reverse('mentor-metrics')}?venture={venture.pk}" in page


def test_home_lists_active_assignments_first_and_blkk_wide_ones_by_blkk(
    client, mentor_a
):
    ended = assignment_of(mentor_a, status=ENDED, start_date=datetime.date(2026, 1, 1))
    whole = assignment_of(mentor_a, whole_blkk=True)
    client.force_login(mentor_a)
    response = client.get(reverse("mentor-home"))
    rows = list(response.context["page"].object_list)
    assert rows == [whole, ended]
    page = response.content.decode()
    assert whole.blkk.name in page
    # Only an active assignment offers to log a session.
    assert create_url(whole) in page
    assert create_url(ended) not in page


def test_home_shows_none_of_another_mentors_assignments(client, mentor_a, mentor_b):
    other = assignment_of(mentor_b)
    client.force_login(mentor_a)
    response = client.get(reverse("mentor-home"))
    assert list(response.context["page"].object_list) == []
    assert other.venture.name not in response.content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_home_queries_do_not_grow_with_assignments(
    client, mentor_a, django_assert_max_num_queries, count
):
    for index in range(count):
        assignment = assignment_of(mentor_a, status=ENDED if index % 2 else "active")
        session_of(assignment)
        assignment.venture.metrics.create(period=datetime.date(2026, 1, 1))
    client.force_login(mentor_a)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("mentor-home"))
    assert len(response.context["page"].object_list) == min(count, PAGE_SIZE)


# --- the session form: defaults ---------------------------------------------------


def test_the_form_offers_only_active_assignments_and_preselects_the_only_one(
    client, mentor_a
):
    active = assignment_of(mentor_a)
    ended = assignment_of(mentor_a, status=ENDED)
    client.force_login(mentor_a)
    response = client.get(reverse("session-create"))
    form = response.context["form"]
    offered = [value for value, _label in form.fields["assignment"].widget.choices]
    assert offered == ["", active.pk]
    assert ended.pk not in offered
    assert form["assignment"].value() == active.pk


def test_with_several_active_assignments_none_is_preselected(client, mentor_a):
    assignment_of(mentor_a)
    assignment_of(mentor_a)
    client.force_login(mentor_a)
    response = client.get(reverse("session-create"))
    assert response.context["form"]["assignment"].value() is None


def test_the_query_string_preselects_an_assignment(client, mentor_a):
    assignment_of(mentor_a)
    chosen = assignment_of(mentor_a)
    client.force_login(mentor_a)
    response = client.get(create_url(chosen))
    assert response.context["form"]["assignment"].value() == chosen.pk
    assert f'<option value="{chosen.pk}" selected>' in response.content.decode()


def test_the_date_defaults_to_today_in_jakarta(client, mentor_a):
    assignment_of(mentor_a)
    client.force_login(mentor_a)
    # 18:30 UTC on 10 March is 01:30 on 11 March in Jakarta.
    moment = datetime.datetime(2026, 3, 10, 18, 30, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        response = client.get(reverse("session-create"))
    assert response.context["form"]["held_on"].value() == datetime.date(2026, 3, 11)
    assert 'value="2026-03-11"' in response.content.decode()


def test_the_mode_and_duration_default_to_the_mentors_last_session(client, mentor_a):
    first = assignment_of(mentor_a)
    second = assignment_of(mentor_a)
    session_of(second, held_on=datetime.date(2026, 3, 1), mode=PHONE)
    session_of(
        first, held_on=datetime.date(2026, 3, 9), mode=ONLINE, duration_minutes=45
    )
    session_of(first, held_on=datetime.date(2026, 2, 1), mode=PHONE)
    client.force_login(mentor_a)
    response = client.get(reverse("session-create"))
    form = response.context["form"]
    assert form["mode"].value() == ONLINE
    assert form["duration_minutes"].value() == 45
    checked = r'<input type="radio" name="mode" value="(\w+)"[^>]* checked>'
    assert re.findall(checked, response.content.decode()) == [ONLINE]


def test_a_first_session_defaults_to_in_person(client, mentor_a, mentor_b):
    assignment_of(mentor_a)
    session_of(assignment_of(mentor_b), mode=PHONE)
    client.force_login(mentor_a)
    response = client.get(reverse("session-create"))
    assert response.context["form"]["mode"].value() == MentoringSession.Mode.IN_PERSON


def test_a_mentor_without_an_active_assignment_is_told_so(client, mentor_a):
    assignment_of(mentor_a, status=ENDED)
    client.force_login(mentor_a)
    response = client.get(reverse("session-create"))
    assert response.status_code == 200
    assert response.context["offered"] == []
    assert "session-form" not in response.content.decode()


def test_their_own_inactive_assignment_in_the_query_is_not_preselected(
    client, mentor_a
):
    assignment_of(mentor_a)
    assignment_of(mentor_a)
    ended = assignment_of(mentor_a, status=ENDED)
    client.force_login(mentor_a)
    response = client.get(create_url(ended))
    assert response.status_code == 200
    assert response.context["form"]["assignment"].value() is None
    expected = service_message(
        lambda: services.session_ensure_writable(
            session=MentoringSession(assignment=ended), by=mentor_a
        )
    )
    assert response.context["notice"] == expected["assignment"][0]


# --- the session form: another mentor's assignment is 404 -------------------------


@pytest.mark.parametrize("raw", ["other", "999999999", "abc", "\u0661", "1.0"])
def test_an_assignment_not_theirs_in_the_query_is_404(client, mentor_a, mentor_b, raw):
    other = assignment_of(mentor_b)
    assignment_of(mentor_a)
    client.force_login(mentor_a)
    value = str(other.pk) if raw == "other" else raw
    response = client.get(reverse("session-create"), {"assignment": value})
    assert response.status_code == 404


def test_an_assignment_not_theirs_in_the_form_is_404_and_stores_nothing(
    client, mentor_a, mentor_b
):
    mine = assignment_of(mentor_a)
    other = assignment_of(mentor_b)
    client.force_login(mentor_a)
    response = client.post(create_url(mine), session_post(other))
    assert response.status_code == 404
    assert not MentoringSession.objects.exists()


# --- the session form: storing ----------------------------------------------------


def test_a_valid_session_is_stored_and_shown_in_the_assignments_history(
    client, mentor_a
):
    assignment = assignment_of(mentor_a)
    client.force_login(mentor_a)
    response = client.post(reverse("session-create"), session_post(assignment))
    assert response.status_code == 303
    assert response["Location"] == history_url(assignment)
    session = MentoringSession.objects.get()
    assert session.assignment == assignment
    assert session.recorded_by == mentor_a
    assert (session.mode, session.duration_minutes, session.mentee_rating) == (
        ONLINE,
        75,
        4,
    )
    history = client.get(response["Location"])
    assert "Menghitung harga pokok produksi" in history.content.decode()


def test_a_session_in_the_future_shows_the_services_message_and_stores_nothing(
    client, mentor_a
):
    assignment = assignment_of(mentor_a)
    tomorrow = timezone.localdate() + datetime.timedelta(days=2)
    client.force_login(mentor_a)
    response = client.post(
        reverse("session-create"),
        session_post(assignment, held_on=tomorrow.isoformat()),
    )
    assert response.status_code == 200
    expected = service_message(
        lambda: services.session_create(
            **service_fields(assignment, held_on=tomorrow), by=mentor_a
        )
    )
    assert response.context["form"].errors["held_on"] == expected["held_on"]
    assert expected["held_on"][0] in response.content.decode()
    assert not MentoringSession.objects.exists()


def test_a_duration_out_of_range_shows_the_services_message(client, mentor_a):
    assignment = assignment_of(mentor_a)
    client.force_login(mentor_a)
    response = client.post(
        reverse("session-create"), session_post(assignment, duration_minutes="481")
    )
    expected = service_message(
        lambda: services.session_create(
            **service_fields(assignment, duration_minutes=481), by=mentor_a
        )
    )
    errors = response.context["form"].errors
    assert set(expected["duration_minutes"]) <= set(errors["duration_minutes"])
    assert not MentoringSession.objects.exists()


def test_their_own_inactive_assignment_posted_is_a_form_error(client, mentor_a):
    assignment_of(mentor_a)
    ended = assignment_of(mentor_a, status=ENDED)
    client.force_login(mentor_a)
    response = client.post(reverse("session-create"), session_post(ended))
    assert response.status_code == 200
    expected = service_message(
        lambda: services.session_create(**service_fields(ended), by=mentor_a)
    )
    assert response.context["form"].errors["assignment"] == expected["assignment"]
    assert not MentoringSession.objects.exists()


def test_missing_topics_and_non_ascii_digits_are_refused(client, mentor_a):
    assignment = assignment_of(mentor_a)
    client.force_login(mentor_a)
    response = client.post(
        reverse("session-create"),
        session_post(assignment, topics="", duration_minutes="\u0667\u0665"),
    )
    errors = response.context["form"].errors
    assert set(errors) == {"topics", "duration_minutes"}
    assert not MentoringSession.objects.exists()


# --- history, change, delete ------------------------------------------------------


def test_history_lists_sessions_newest_first_and_paginates(client, mentor_a):
    assignment = assignment_of(mentor_a)
    start = datetime.date(2025, 6, 1)
    for day in range(PAGE_SIZE + 2):
        session_of(assignment, held_on=start + datetime.timedelta(days=day))
    client.force_login(mentor_a)
    first = client.get(history_url(assignment)).context["page"]
    assert first.object_list[0].held_on == start + datetime.timedelta(days=26)
    assert len(first.object_list) == PAGE_SIZE
    second = client.get(history_url(assignment), {"page": "2"}).context["page"]
    assert [s.held_on for s in second.object_list] == [
        start + datetime.timedelta(days=1),
        start,
    ]


def test_history_offers_change_and_delete_until_the_deadline(client, mentor_a):
    assignment = assignment_of(mentor_a)
    fresh = session_of(assignment)
    old = session_of(assignment)
    recorded_days_ago(old, 3)
    client.force_login(mentor_a)
    page = client.get(history_url(assignment)).content.decode()
    assert reverse("session-update", args=[fresh.pk]) in page
    assert reverse("session-delete", args=[fresh.pk]) in page
    assert reverse("session-update", args=[old.pk]) not in page
    assert reverse("session-delete", args=[old.pk]) not in page
    deadline = timezone.localtime(services.session_edit_deadline(fresh))
    with translation.override("id"):
        assert tanggal(deadline) in page


def test_history_of_an_ended_assignment_offers_no_change(client, mentor_a):
    assignment = assignment_of(mentor_a, status=ENDED)
    session = session_of(assignment)
    client.force_login(mentor_a)
    response = client.get(history_url(assignment))
    assert response.status_code == 200
    assert reverse("session-update", args=[session.pk]) not in (
        response.content.decode()
    )
    assert create_url(assignment) not in response.content.decode()


def test_another_mentors_assignment_history_is_404(client, mentor_a, mentor_b):
    other = assignment_of(mentor_b)
    client.force_login(mentor_a)
    assert client.get(history_url(other)).status_code == 404


@pytest.mark.parametrize("count", [3, 30])
def test_history_queries_do_not_grow_with_sessions(
    client, mentor_a, django_assert_max_num_queries, count
):
    assignment = assignment_of(mentor_a)
    for _ in range(count):
        session_of(assignment)
    client.force_login(mentor_a)
    with django_assert_max_num_queries(9):
        response = client.get(history_url(assignment))
    assert len(response.context["page"].object_list) == min(count, PAGE_SIZE)


def test_a_fresh_session_is_changed_through_the_form(client, mentor_a):
    assignment = assignment_of(mentor_a)
    session = session_of(assignment, topics="Lama")
    client.force_login(mentor_a)
    url = reverse("session-update", args=[session.pk])
    form = client.get(url).context["form"]
    assert form["topics"].value() == "Lama"
    data = session_post(assignment, topics="Baru", held_on=session.held_on.isoformat())
    del data["assignment"]
    response = client.post(url, data)
    assert response.status_code == 303
    assert response["Location"] == history_url(assignment)
    session.refresh_from_db()
    assert (session.topics, session.mode) == ("Baru", ONLINE)


def test_a_change_the_service_refuses_shows_its_message_and_changes_nothing(
    client, mentor_a
):
    assignment = assignment_of(mentor_a)
    session = session_of(assignment, topics="Lama")
    client.force_login(mentor_a)
    data = session_post(assignment, topics="Baru", held_on="2020-01-01")
    del data["assignment"]
    response = client.post(reverse("session-update", args=[session.pk]), data)
    assert response.status_code == 200
    expected = service_message(
        lambda: services.session_update(
            session=MentoringSession.objects.get(pk=session.pk),
            held_on=datetime.date(2020, 1, 1),
            by=mentor_a,
        )
    )
    assert response.context["form"].errors["held_on"] == expected["held_on"]
    session.refresh_from_db()
    assert session.topics == "Lama"


def test_a_session_past_its_deadline_is_refused_with_the_services_message(
    client, mentor_a
):
    assignment = assignment_of(mentor_a)
    session = session_of(assignment, topics="Lama")
    recorded_days_ago(session, 3)
    expected = permission_message(
        lambda: services.session_update(session=session, topics="Baru", by=mentor_a)
    )
    client.force_login(mentor_a)
    for url in (
        reverse("session-update", args=[session.pk]),
        reverse("session-delete", args=[session.pk]),
    ):
        shown = client.get(url)
        assert shown.status_code == 403
        assert shown.context["why"] == expected
        data = session_post(assignment, topics="Baru")
        assert client.post(url, data).status_code == 403
    session.refresh_from_db()
    assert session.topics == "Lama"


def test_a_fresh_session_is_deleted_after_confirmation(client, mentor_a):
    assignment = assignment_of(mentor_a)
    session = session_of(assignment)
    client.force_login(mentor_a)
    url = reverse("session-delete", args=[session.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert MentoringSession.objects.filter(pk=session.pk).exists()
    response = client.post(url)
    assert response.status_code == 303
    assert response["Location"] == history_url(assignment)
    assert not MentoringSession.objects.filter(pk=session.pk).exists()


@pytest.mark.parametrize("name", ["session-update", "session-delete"])
def test_another_mentors_session_is_404(client, mentor_a, mentor_b, name):
    session = session_of(assignment_of(mentor_b), topics="Milik Omar")
    client.force_login(mentor_a)
    url = reverse(name, args=[session.pk])
    assert client.get(url).status_code == 404
    data = session_post(session.assignment, topics="Diubah")
    assert client.post(url, data).status_code == 404
    session.refresh_from_db()
    assert session.topics == "Milik Omar"


# --- the page rules every portal page keeps ----------------------------------------


def test_mentor_pages_have_no_inline_script_or_style(client, mentor_a, pages):
    client.force_login(mentor_a)
    for url in pages:
        response = client.get(url)
        assert_strict_policy(response)
        assert inline_scripts(response) == [], url
        assert "style=" not in response.content.decode(), url


def test_a_session_posted_after_the_sign_in_expired_comes_back_unsaved(
    client, mentor_a
):
    assignment = assignment_of(mentor_a)
    url = reverse("session-create")
    start = datetime.datetime(2026, 9, 1, 8, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        login = {"username": "mentor_a", "password": PASSWORD, "next": url}
        assert client.post(reverse("login"), login).status_code == 302
        clock.shift(datetime.timedelta(minutes=31))
        data = session_post(assignment, topics="Ditulis sebelum sesi habis")
        expired = client.post(url, data)
        assert expired.status_code == 302
        assert not MentoringSession.objects.exists()
        assert client.post(reverse("login"), login)["Location"] == url
        resumed = client.get(url)
    form = resumed.context["form"]
    assert form.is_bound
    assert form["topics"].value() == "Ditulis sebelum sesi habis"
    assert not MentoringSession.objects.exists()


def test_a_session_can_be_changed_until_the_end_of_the_next_day_in_papua(
    client, mentor_a
):
    papua = datetime.timezone(datetime.timedelta(hours=9))
    assignment = assignment_of(mentor_a)
    with time_machine.travel(datetime.datetime(2026, 3, 10, 10, 0, tzinfo=papua)):
        session = session_of(assignment)
    url = reverse("session-update", args=[session.pk])
    client.force_login(mentor_a)
    last_minute = datetime.datetime(2026, 3, 11, 23, 59, tzinfo=papua)
    with time_machine.travel(last_minute, tick=False):
        assert client.get(url).status_code == 200
        assert url in client.get(history_url(assignment)).content.decode()
    with time_machine.travel(last_minute + datetime.timedelta(minutes=1), tick=False):
        assert client.get(url).status_code == 403
        assert url not in client.get(history_url(assignment)).content.decode()
