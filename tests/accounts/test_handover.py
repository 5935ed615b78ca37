"""Handing a BLKK over from one manager to another in one step, keeping the history
(`training.services.blkk_hand_over`, the BLKK's admin page)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory
from training.models import Blkk, BlkkHandover
from training.services import blkk_hand_over

TODAY = timezone.localdate


@pytest.fixture
def successor(db):
    return UserFactory(blkk_manager=True, username="budi", full_name="Budi Santoso")


def hand_over_url(blkk) -> str:
    return reverse("admin:training_blkk_hand_over", args=[blkk.pk])


def managers_of(blkk) -> set[str]:
    return set(blkk.managers.values_list("username", flat=True))


def test_the_blkk_moves_from_one_manager_to_the_other_and_is_kept(
    blkk_a, manager_a, successor, ministry_user
):
    assert Blkk.objects.visible_to(manager_a).filter(pk=blkk_a.pk).exists()
    day = TODAY() - datetime.timedelta(days=3)

    handover = blkk_hand_over(
        blkk=blkk_a,
        from_user=manager_a,
        to_user=successor,
        handed_over_on=day,
        note="Bu Alice pindah tugas.",
        by=ministry_user,
    )

    assert managers_of(blkk_a) == {"budi"}
    assert handover.from_user == manager_a
    assert handover.to_user == successor
    assert handover.handed_over_on == day
    assert handover.recorded_by == ministry_user
    assert handover.recorded_at is not None
    assert handover.note == "Bu Alice pindah tugas."
    # Both reaches follow at once, even on the objects already in hand.
    assert not Blkk.objects.visible_to(manager_a).filter(pk=blkk_a.pk).exists()
    assert Blkk.objects.visible_to(successor).filter(pk=blkk_a.pk).exists()


def test_the_date_defaults_to_today(blkk_a, manager_a, successor, ministry_user):
    handover = blkk_hand_over(
        blkk=blkk_a, from_user=manager_a, to_user=successor, by=ministry_user
    )

    assert handover.handed_over_on == TODAY()


def test_a_co_manager_may_take_the_blkk_over(blkk_a, manager_a, ministry_user):
    co_manager = UserFactory(blkk_manager=True, managed_blkks=[blkk_a])

    blkk_hand_over(
        blkk=blkk_a, from_user=manager_a, to_user=co_manager, by=ministry_user
    )

    assert managers_of(blkk_a) == {co_manager.username}


def test_a_manager_of_several_blkks_keeps_the_others(
    blkk_a, blkk_b, successor, ministry_user
):
    both = UserFactory(blkk_manager=True, managed_blkks=[blkk_a, blkk_b])

    blkk_hand_over(blkk=blkk_a, from_user=both, to_user=successor, by=ministry_user)

    assert list(both.managed_blkks.all()) == [blkk_b]


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("to a mentor", "to_user"),
        ("to province staff", "to_user"),
        ("to a deactivated manager", "to_user"),
        ("to the same manager", "to_user"),
        ("from someone who does not manage it", "from_user"),
        ("dated tomorrow", "handed_over_on"),
    ],
)
def test_bad_hand_overs_are_refused_and_change_nothing(
    blkk_a, manager_a, manager_b, mentor_a, province_user, ministry_user, case, field
):
    from_user, to_user, day = manager_a, UserFactory(blkk_manager=True), TODAY()
    if case == "to a mentor":
        to_user = mentor_a
    elif case == "to province staff":
        to_user = province_user
    elif case == "to a deactivated manager":
        to_user.is_active = False
        to_user.save(update_fields=["is_active"])
    elif case == "to the same manager":
        to_user = manager_a
    elif case == "from someone who does not manage it":
        from_user = manager_b
    elif case == "dated tomorrow":
        day = TODAY() + datetime.timedelta(days=1)

    with pytest.raises(ValidationError) as refused:
        blkk_hand_over(
            blkk=blkk_a,
            from_user=from_user,
            to_user=to_user,
            handed_over_on=day,
            by=ministry_user,
        )

    assert field in refused.value.message_dict
    assert managers_of(blkk_a) == {"manager_a"}
    assert not BlkkHandover.objects.exists()


def test_a_hand_over_cannot_be_dated_before_the_previous_one(
    blkk_a, manager_a, successor, ministry_user
):
    blkk_hand_over(
        blkk=blkk_a, from_user=manager_a, to_user=successor, by=ministry_user
    )

    with pytest.raises(ValidationError) as refused:
        blkk_hand_over(
            blkk=blkk_a,
            from_user=successor,
            to_user=manager_a,
            handed_over_on=TODAY() - datetime.timedelta(days=10),
            by=ministry_user,
        )

    assert "handed_over_on" in refused.value.message_dict


@pytest.mark.parametrize("persona", ["manager_a", "province_user"])
def test_only_ministry_staff_hand_a_blkk_over(
    request, blkk_a, manager_a, successor, persona
):
    with pytest.raises(PermissionDenied):
        blkk_hand_over(
            blkk=blkk_a,
            from_user=manager_a,
            to_user=successor,
            by=request.getfixturevalue(persona),
        )

    assert managers_of(blkk_a) == {"manager_a"}


# --- the admin ------------------------------------------------------------------------


@pytest.fixture
def staff_client(client, ministry_user):
    client.force_login(ministry_user)
    return client


def test_the_blkk_page_offers_the_hand_over_and_shows_its_history(
    staff_client, blkk_a, manager_a, successor, ministry_user
):
    change_url = reverse("admin:training_blkk_change", args=[blkk_a.pk])
    assert hand_over_url(blkk_a) in staff_client.get(change_url).content.decode()
    form_page = staff_client.get(hand_over_url(blkk_a))
    assert form_page.status_code == 200
    assert form_page.context["form"]["from_user"].initial == manager_a.pk

    done = staff_client.post(
        hand_over_url(blkk_a),
        {
            "from_user": manager_a.pk,
            "to_user": successor.pk,
            "handed_over_on": TODAY().isoformat(),
            "note": "Serah terima jabatan",
        },
        follow=True,
    )

    assert done.redirect_chain[-1][0] == change_url
    assert managers_of(blkk_a) == {"budi"}
    page = done.content.decode()
    assert "Serah terima jabatan" in page
    assert "Budi Santoso" in page
    notes = [str(note) for note in done.context["messages"]]
    # The hand-over, and a reminder that Alice now manages no BLKK.
    assert len(notes) == 2
    assert LogEntry.objects.filter(object_id=str(blkk_a.pk)).count() == 1
    assert BlkkHandover.objects.get().recorded_by == ministry_user


def test_a_bad_hand_over_shows_the_services_message_on_the_form(
    staff_client, blkk_a, manager_a, mentor_a, english
):
    response = staff_client.post(
        hand_over_url(blkk_a),
        {
            "from_user": manager_a.pk,
            "to_user": mentor_a.pk,
            "handed_over_on": TODAY().isoformat(),
        },
    )

    assert response.status_code == 200
    (message,) = response.context["form"].errors["to_user"]
    assert "is not a BLKK manager" in message
    assert managers_of(blkk_a) == {"manager_a"}


def test_only_the_blkks_managers_are_offered_to_hand_over_from(
    staff_client, blkk_a, manager_a, manager_b, successor
):
    response = staff_client.post(
        hand_over_url(blkk_a),
        {
            "from_user": manager_b.pk,
            "to_user": successor.pk,
            "handed_over_on": TODAY().isoformat(),
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["from_user"]
    assert managers_of(blkk_a) == {"manager_a"}


def test_the_search_for_the_next_manager_offers_active_managers_only(
    staff_client, blkk_a, manager_a, successor, mentor_a
):
    closed = UserFactory(blkk_manager=True, username="lama", is_active=False)

    response = staff_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "training",
            "model_name": "blkkhandover",
            "field_name": "to_user",
            "term": "",
        },
    )

    assert response.status_code == 200
    offered = {int(result["id"]) for result in response.json()["results"]}
    assert successor.pk in offered
    assert manager_a.pk in offered
    assert closed.pk not in offered
    assert mentor_a.pk not in offered


def test_an_unknown_blkk_is_404(staff_client, db):
    url = reverse("admin:training_blkk_hand_over", args=[999_999])

    assert staff_client.get(url).status_code == 404


@pytest.mark.parametrize("persona", ["manager_a", "province_user"])
def test_other_staff_get_403_and_no_button(
    client, request, blkk_a, manager_a, successor, persona
):
    client.force_login(request.getfixturevalue(persona))

    page = client.get(reverse("admin:training_blkk_change", args=[blkk_a.pk]))
    posted = client.post(
        hand_over_url(blkk_a),
        {
            "from_user": manager_a.pk,
            "to_user": successor.pk,
            "handed_over_on": TODAY().isoformat(),
        },
    )

    assert page.status_code == 200
    assert hand_over_url(blkk_a) not in page.content.decode()
    assert posted.status_code == 403
    assert managers_of(blkk_a) == {"manager_a"}


def test_a_mentor_is_sent_to_the_admins_sign_in(client, blkk_a, mentor_a):
    client.force_login(mentor_a)

    response = client.get(hand_over_url(blkk_a))

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_manager_reads_the_hand_overs_of_their_blkk_only(
    blkk_a, blkk_b, manager_a, manager_b, successor, ministry_user
):
    other = UserFactory(blkk_manager=True)
    mine = blkk_hand_over(
        blkk=blkk_a, from_user=manager_a, to_user=successor, by=ministry_user
    )
    blkk_hand_over(blkk=blkk_b, from_user=manager_b, to_user=other, by=ministry_user)

    assert list(BlkkHandover.objects.visible_to(successor)) == [mine]
