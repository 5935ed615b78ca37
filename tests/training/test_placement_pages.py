"""Placements under `/blkk/CODE/placements/`, on a person's page and on the
follow-up list: read by every BLKK that reaches the person, written only by the
BLKK that keeps the placement, with the service's rules and words."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests.test_content_policy import inline_scripts
from tests.training.factories import (
    EnrollmentFactory,
    GraduateOutcomeFactory,
    PartnerFactory,
    PartnershipFactory,
    PlacementFactory,
    TraineeFactory,
)
from tests.training.record_pages import in_indonesian, signed_in, text, url
from training.models import Placement
from training.programme_records import NOT_A_GRADUATE, PARTNERSHIP_OF_ANOTHER_PARTNER
from training.selectors import placements_ended_early
from training.validators import mask_nik

D = datetime.date


@pytest.fixture
def partnership_a(blkk_a):
    return PartnershipFactory(blkk=blkk_a, partner__name="PT Busana Priangan")


def pages(blkk, placement) -> dict[str, str]:
    return {
        "list": url("placement-list", blkk),
        "new": url("placement-create", blkk),
        "edit": url("placement-update", blkk, placement.pk),
    }


def fields(trainee, partnership, **changes) -> dict:
    return {
        "trainee": trainee.pk,
        "partner": partnership.partner_id,
        "partnership": partnership.pk,
        "kind": "employment",
        "position": "Operator jahit",
        "start_date": "2025-04-14",
        "end_date": "",
        "monthly_pay": "3.100.000",
        "status": "active",
        **changes,
    }


# --- who opens which page -------------------------------------------------------


@pytest.mark.parametrize("page", ["list", "new", "edit"])
def test_every_placement_page_requires_sign_in(client, graduate_a, page):
    placement = PlacementFactory(trainee=graduate_a)
    response = client.get(pages(graduate_a.blkk, placement)[page])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("page", ["list", "new", "edit"])
def test_the_manager_opens_every_placement_page(client, manager_a, graduate_a, page):
    placement = PlacementFactory(trainee=graduate_a)
    response = signed_in(client, manager_a).get(pages(graduate_a.blkk, placement)[page])
    assert response.status_code == 200
    assert inline_scripts(response) == []
    assert " style=" not in text(response)


@pytest.mark.parametrize("persona", ["mentor_a", "manager_b"])
@pytest.mark.parametrize("page", ["list", "new", "edit"])
def test_no_placement_page_for_a_mentor_or_another_blkks_manager(
    client, request, graduate_a, persona, page
):
    placement = PlacementFactory(trainee=graduate_a)
    client = signed_in(client, request.getfixturevalue(persona))
    response = client.get(pages(graduate_a.blkk, placement)[page])
    assert response.status_code == 404


def test_a_placement_of_someone_this_blkk_does_not_reach_is_not_found(
    client, manager_a, blkk_a, graduate_b
):
    theirs = PlacementFactory(trainee=graduate_b)
    client = signed_in(client, manager_a)
    assert client.get(url("placement-update", blkk_a, theirs.pk)).status_code == 404
    assert (
        client.post(
            url("placement-update", blkk_a, theirs.pk), {"position": "X"}
        ).status_code
        == 404
    )
    listed = client.get(url("placement-list", blkk_a), {"trainee": graduate_b.pk})
    assert list(listed.context["page"].object_list) == []
    assert graduate_b.full_name not in text(listed)


@pytest.mark.parametrize("persona", ["ministry_user", "province_user"])
def test_staff_read_placements_without_a_way_to_write(
    client, request, graduate_a, persona
):
    placement = PlacementFactory(trainee=graduate_a)
    links = pages(graduate_a.blkk, placement)
    client = signed_in(client, request.getfixturevalue(persona))
    listed = text(client.get(links["list"]))
    assert graduate_a.full_name in listed
    assert links["new"] not in listed
    assert links["edit"] not in listed
    if persona == "province_user":
        assert graduate_a.nik not in listed
        assert mask_nik(graduate_a.nik) in listed
    for page in ("new", "edit"):
        assert client.get(links[page]).status_code == 403
        assert client.post(links[page], {"trainee": graduate_a.pk}).status_code == 403
    assert Placement.objects.count() == 1


def test_a_placement_kept_by_another_blkk_is_read_here_but_not_changed(
    client, manager_a, blkk_a, blkk_b, shared
):
    theirs = PlacementFactory(trainee=shared, recorded_by_blkk=blkk_b)
    client = signed_in(client, manager_a)
    page = text(client.get(url("placement-list", blkk_a)))
    assert "Citra Dewi" in page
    # Registered elsewhere but enrolled here: this BLKK's managers see the NIK.
    assert shared.nik in page
    edit = url("placement-update", blkk_a, theirs.pk)
    assert edit not in page
    with translation.override("id"):
        kept = translation.gettext("Kept by %(blkk)s") % {"blkk": blkk_b.name}
    assert kept in page
    assert client.get(edit).status_code == 403
    assert client.post(edit, fields(shared, theirs.partnership)).status_code == 403
    theirs.refresh_from_db()
    assert theirs.recorded_by_blkk == blkk_b


# --- the list ---------------------------------------------------------------------


def test_the_list_shows_person_partner_kind_position_dates_and_status(
    client, manager_a, blkk_a, graduate_a, partnership_a
):
    PlacementFactory(
        trainee=graduate_a,
        partnership=partnership_a,
        kind="apprenticeship",
        position="Magang penjahit",
        start_date=D(2025, 4, 1),
        end_date=D(2025, 9, 30),
        status="completed",
    )
    page = text(signed_in(client, manager_a).get(url("placement-list", blkk_a)))
    for shown in (
        "Ayu Lestari",
        graduate_a.nik,
        "PT Busana Priangan",
        "Magang penjahit",
        "1 April 2025",
        "30 September 2025",
        in_indonesian(Placement.Kind.APPRENTICESHIP.label),
        in_indonesian(Placement.Status.COMPLETED.label),
    ):
        assert shown in page, shown


def test_the_list_filters_by_kind_status_and_name(client, manager_a, blkk_a):
    ayu = TraineeFactory(blkk=blkk_a, graduate=True, full_name="Ayu Lestari")
    budi = TraineeFactory(blkk=blkk_a, graduate=True, full_name="Budi Santoso")
    job = PlacementFactory(trainee=ayu)
    apprenticeship = PlacementFactory(trainee=budi, kind="apprenticeship")
    ended = PlacementFactory(trainee=budi, status="ended_early", end_date=D(2025, 5, 1))
    client = signed_in(client, manager_a)

    def listed(**query) -> set:
        response = client.get(url("placement-list", blkk_a), query)
        assert response.status_code == 200
        return set(response.context["page"].object_list)

    assert listed() == {job, apprenticeship, ended}
    assert listed(kind="apprenticeship") == {apprenticeship}
    assert listed(status="ended_early") == {ended}
    assert listed(q="budi") == {apprenticeship, ended}
    assert listed(q="budi", kind="employment") == {ended}
    assert listed(trainee=ayu.pk) == {job}
    # Anything else is ignored rather than an error; a NIK finds nobody (a name only).
    assert listed(kind="internship", status="x") == {job, apprenticeship, ended}
    assert listed(q=ayu.nik) == set()


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_takes_the_same_queries_for_3_or_30_placements(
    client, manager_a, blkk_a, blkk_b, django_assert_max_num_queries, count
):
    for n in range(count):
        # Half registered elsewhere: their whole NIKs shown here are recorded.
        person = TraineeFactory(blkk=blkk_a if n % 2 else blkk_b, graduate=True)
        EnrollmentFactory(trainee=person, batch__blkk=blkk_a)
        PlacementFactory(trainee=person, recorded_by_blkk=blkk_a)
    client = signed_in(client, manager_a)
    with django_assert_max_num_queries(14):
        response = client.get(url("placement-list", blkk_a), {"status": "active"})
    assert len(response.context["page"].object_list) == min(count, 25)


# --- recording and changing ---------------------------------------------------


def test_a_manager_records_a_placement_kept_by_their_blkk(
    client, manager_a, blkk_a, graduate_a, partnership_a
):
    client = signed_in(client, manager_a)
    response = client.post(
        url("placement-create", blkk_a), fields(graduate_a, partnership_a)
    )
    assert response.status_code == 303
    assert response["Location"] == url("placement-list", blkk_a)
    placement = Placement.objects.get()
    assert (placement.trainee, placement.recorded_by_blkk) == (graduate_a, blkk_a)
    assert (placement.monthly_pay, placement.start_date) == (3_100_000, D(2025, 4, 14))
    assert placement.history.get().history_user == manager_a


def test_the_person_in_the_query_is_chosen_among_those_trained(
    client, manager_a, blkk_a, graduate_a, graduate_b, shared
):
    in_training = EnrollmentFactory(batch__blkk=blkk_a, active=True).trainee
    EnrollmentFactory(batch__blkk=blkk_a, dropped=True)
    client = signed_in(client, manager_a)
    response = client.get(url("placement-create", blkk_a), {"trainee": graduate_a.pk})
    assert f'<option value="{graduate_a.pk}" selected>' in text(response)
    offered = {
        value for value, _label in response.context["form"].fields["trainee"].choices
    }
    assert offered == {"", graduate_a.pk, shared.pk, in_training.pk}
    assert graduate_b.full_name not in text(response)


def test_partnerships_offered_are_this_blkks_and_the_national_ones(
    client, manager_a, blkk_a, blkk_b, graduate_a, partnership_a
):
    national = PartnershipFactory(blkk=None)
    theirs = PartnershipFactory(blkk=blkk_b)
    response = signed_in(client, manager_a).get(url("placement-create", blkk_a))
    offered = set(response.context["form"].fields["partnership"].queryset)
    assert offered == {partnership_a, national}
    refused = client.post(url("placement-create", blkk_a), fields(graduate_a, theirs))
    assert refused.status_code == 200
    assert "partnership" in refused.context["form"].errors
    assert not Placement.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"start_date": "2025-03-04"}, "start_date", NOT_A_GRADUATE),
        ({"partner": None}, "partnership", PARTNERSHIP_OF_ANOTHER_PARTNER),
        ({"monthly_pay": "3,1 juta"}, "monthly_pay", None),
        ({"position": ""}, "position", None),
        ({"status": "ended_early"}, None, None),
    ],
)
def test_a_bad_placement_is_refused_with_the_services_words(
    client, manager_a, blkk_a, graduate_a, partnership_a, changes, field, message
):
    if "partner" in changes:
        changes = {"partner": PartnerFactory().pk}
    response = signed_in(client, manager_a).post(
        url("placement-create", blkk_a), fields(graduate_a, partnership_a, **changes)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors
    if field is not None:
        assert field in errors
    if message is not None:
        assert errors[field] == [in_indonesian(message)]
    assert not Placement.objects.exists()


def test_an_apprenticeship_during_training_is_recorded(
    client, manager_a, blkk_a, partnership_a
):
    person = EnrollmentFactory(batch__blkk=blkk_a, active=True).trainee
    response = signed_in(client, manager_a).post(
        url("placement-create", blkk_a),
        fields(
            person,
            partnership_a,
            kind="apprenticeship",
            start_date="2025-02-10",
            monthly_pay="750.000",
        ),
    )
    assert response.status_code == 303
    assert Placement.objects.get().monthly_pay == 750_000


def test_a_manager_ends_a_placement_early_without_changing_its_person(
    client, manager_a, blkk_a, graduate_a, partnership_a
):
    placement = PlacementFactory(trainee=graduate_a, partnership=partnership_a)
    other = TraineeFactory(blkk=blkk_a, graduate=True)
    client = signed_in(client, manager_a)
    edit = url("placement-update", blkk_a, placement.pk)
    form = client.get(edit).context["form"]
    assert form.fields["trainee"].disabled
    response = client.post(
        edit,
        fields(
            other,  # a disabled field keeps the stored person
            partnership_a,
            start_date="2025-04-01",
            status="ended_early",
            end_date="2025-06-15",
        ),
    )
    assert response.status_code == 303
    placement.refresh_from_db()
    assert (placement.trainee, placement.status, placement.end_date) == (
        graduate_a,
        "ended_early",
        D(2025, 6, 15),
    )


# --- a person's page ------------------------------------------------------------


def test_a_persons_page_shows_their_placements_and_offers_to_record_one(
    client, manager_a, blkk_a, graduate_a, partnership_a
):
    placement = PlacementFactory(
        trainee=graduate_a, partnership=partnership_a, position="Penjahit butik"
    )
    response = signed_in(client, manager_a).get(
        url("trainee-detail", blkk_a, graduate_a.pk)
    )
    page = text(response)
    assert "Penjahit butik" in page
    assert "PT Busana Priangan" in page
    assert f"{url('placement-create', blkk_a)}?trainee={graduate_a.pk}" in page
    assert url("placement-update", blkk_a, placement.pk) in page


def test_staff_see_a_persons_placements_without_a_link_to_record(
    client, province_user, blkk_a, graduate_a
):
    PlacementFactory(trainee=graduate_a, position="Penjahit butik")
    page = text(
        signed_in(client, province_user).get(
            url("trainee-detail", blkk_a, graduate_a.pk)
        )
    )
    assert "Penjahit butik" in page
    assert url("placement-create", blkk_a) not in page


# --- placements that ended early, on the follow-up list -------------------------


def ended_early(trainee, end: datetime.date, **fields) -> Placement:
    return PlacementFactory(
        trainee=trainee, status="ended_early", end_date=end, **fields
    )


def shown(blkk, today: datetime.date) -> list[Placement]:
    placements = Placement.objects.filter(trainee__blkk=blkk)
    return list(placements_ended_early(placements, today))


def test_a_placement_ended_early_is_due_until_an_outcome_since_its_end(
    blkk_a, graduate_a
):
    placement = ended_early(graduate_a, D(2025, 6, 30))
    assert shown(blkk_a, D(2025, 6, 29)) == []  # not ended yet
    assert shown(blkk_a, D(2025, 6, 30)) == [placement]
    GraduateOutcomeFactory(trainee=graduate_a, surveyed_on=D(2025, 6, 29))
    assert shown(blkk_a, D(2025, 7, 10)) == [placement]
    # An outcome on or after the end, whoever recorded it, answers it.
    GraduateOutcomeFactory(
        trainee=graduate_a, surveyed_on=D(2025, 6, 30), recorded_by_blkk=None
    )
    assert shown(blkk_a, D(2025, 7, 10)) == []


def test_only_placements_ended_early_of_graduates_are_due(blkk_a, graduate_a):
    PlacementFactory(trainee=graduate_a, status="completed", end_date=D(2025, 6, 30))
    PlacementFactory(trainee=graduate_a, status="active")
    # An apprentice who left during training: no outcome until they graduate.
    apprentice = EnrollmentFactory(batch__blkk=blkk_a, active=True).trainee
    ended_early(
        apprentice, D(2025, 2, 20), kind="apprenticeship", start_date=D(2025, 2, 10)
    )
    assert shown(blkk_a, D(2025, 12, 1)) == []


def test_placements_ended_early_come_oldest_end_first_then_by_name(blkk_a):
    people = {
        name: TraineeFactory(blkk=blkk_a, graduate=True, full_name=name)
        for name in ("Zaenal", "Agus", "Yusuf")
    }
    late = ended_early(people["Zaenal"], D(2025, 5, 1))
    same_day_y = ended_early(people["Yusuf"], D(2025, 6, 1))
    same_day_a = ended_early(people["Agus"], D(2025, 6, 1))
    assert shown(blkk_a, D(2025, 7, 1)) == [late, same_day_a, same_day_y]


def test_the_follow_up_page_lists_placements_ended_early_with_a_way_to_record(
    client, manager_a, blkk_a, graduate_a, graduate_b, shared, partnership_a
):
    ours = ended_early(graduate_a, D(2025, 6, 30), partnership=partnership_a)
    # Recorded by the other BLKK, about a person both reach: followed up here too.
    theirs = ended_early(shared, D(2025, 7, 31))
    ended_early(graduate_b, D(2025, 6, 30))  # not reached here
    client = signed_in(client, manager_a)
    response = client.get(url("followup-list", blkk_a))
    assert response.status_code == 200
    assert inline_scripts(response) == []
    assert response.context["ended_early"]["shown"] == [ours, theirs]
    page = text(response)
    for expected in ("Ayu Lestari", "PT Busana Priangan", "30 Juni 2025", "Citra"):
        assert expected in page, expected
    assert graduate_b.full_name not in page
    record = f"{url('outcome-create', blkk_a)}?trainee={graduate_a.pk}"
    assert record in page
    # The link chooses the person; an outcome recorded today ends the follow-up.
    form = client.get(record)
    assert f'<option value="{graduate_a.pk}" selected>' in text(form)
    saved = client.post(
        record,
        {
            "trainee": graduate_a.pk,
            "surveyed_on": f"{timezone.localdate():%Y-%m-%d}",
            "status": "unemployed",
            "employer_or_business": "",
            "monthly_income": "",
        },
    )
    assert saved.status_code == 303
    after = client.get(url("followup-list", blkk_a))
    assert after.context["ended_early"]["shown"] == [theirs]


def test_staff_read_placements_ended_early_without_a_way_to_record(
    client, province_user, blkk_a, graduate_a
):
    ended_early(graduate_a, D(2025, 6, 30))
    page = text(signed_in(client, province_user).get(url("followup-list", blkk_a)))
    assert "Ayu Lestari" in page
    assert graduate_a.nik not in page
    assert url("outcome-create", blkk_a) not in page


@pytest.mark.parametrize("count", [3, 30])
def test_the_follow_up_page_takes_the_same_queries_for_3_or_30_ended(
    client, manager_a, blkk_a, blkk_b, django_assert_max_num_queries, count
):
    for n in range(count):
        person = TraineeFactory(blkk=blkk_a if n % 2 else blkk_b, graduate=True)
        EnrollmentFactory(trainee=person, batch__blkk=blkk_a)
        ended_early(person, D(2025, 6, 30), recorded_by_blkk=blkk_a)
    client = signed_in(client, manager_a)
    # The graduates due (they are due too) and the placements: a count, a page and
    # its people each, whatever their number.
    with django_assert_max_num_queries(16):
        response = client.get(url("followup-list", blkk_a))
    ended = response.context["ended_early"]
    assert (len(ended["shown"]), ended["count"]) == (min(count, 25), count)
    if count > 25:
        link = f"{url('placement-list', blkk_a)}?status=ended_early"
        assert link in text(response)
