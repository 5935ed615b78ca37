"""The instructor pages under `/blkk/CODE/instructors/`: the list, an instructor with
their qualifications, recording and changing both, for every role."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from tests.test_content_policy import inline_scripts
from tests.training.factories import (
    InstructorFactory,
    InstructorQualificationFactory,
    trade,
)
from training.models import Instructor, InstructorQualification

TODAY = datetime.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)):
        yield


@pytest.fixture
def instructor_a(blkk_a):
    return InstructorFactory(
        blkk=blkk_a,
        full_name="Bambang Sutrisno",
        vocational_fields=[trade("menjahit")],
        employment="permanent",
    )


@pytest.fixture
def qualification_a(instructor_a):
    return InstructorQualificationFactory(
        instructor=instructor_a,
        title="Penjahit Pakaian Wanita",
        issued_on=datetime.date(2024, 6, 1),
        valid_until=datetime.date(2027, 5, 31),
    )


@pytest.fixture
def instructor_b(blkk_b):
    return InstructorFactory(blkk=blkk_b, full_name="Budi Santoso")


def url(name: str, blkk, *args) -> str:
    return reverse(name, args=[blkk.code, *args])


def signed_in(client, user):
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


def in_indonesian(message: str) -> str:
    with translation.override("id"):
        return translation.gettext(message)


def pages(blkk, instructor, qualification) -> dict[str, str]:
    return {
        "list": url("instructor-list", blkk),
        "detail": url("instructor-detail", blkk, instructor.pk),
        "new": url("instructor-create", blkk),
        "edit": url("instructor-update", blkk, instructor.pk),
        "new qualification": url(
            "instructor-qualification-create", blkk, instructor.pk
        ),
        "edit qualification": url(
            "instructor-qualification-update", blkk, instructor.pk, qualification.pk
        ),
    }


READ = ["list", "detail"]
WRITE = ["new", "edit", "new qualification", "edit qualification"]


# --- who opens which page -------------------------------------------------------


@pytest.mark.parametrize("page", READ + WRITE)
def test_every_instructor_page_requires_sign_in(client, qualification_a, page):
    instructor = qualification_a.instructor
    response = client.get(pages(instructor.blkk, instructor, qualification_a)[page])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("page", READ + WRITE)
def test_the_manager_opens_every_instructor_page(
    client, manager_a, qualification_a, page
):
    instructor = qualification_a.instructor
    client = signed_in(client, manager_a)
    response = client.get(pages(instructor.blkk, instructor, qualification_a)[page])
    assert response.status_code == 200
    assert inline_scripts(response) == []
    assert " style=" not in text(response)


@pytest.mark.parametrize("persona", ["mentor_a", "manager_b"])
@pytest.mark.parametrize("page", READ + WRITE)
def test_no_instructor_page_for_a_mentor_or_another_blkks_manager(
    client, request, qualification_a, persona, page
):
    instructor = qualification_a.instructor
    client = signed_in(client, request.getfixturevalue(persona))
    response = client.get(pages(instructor.blkk, instructor, qualification_a)[page])
    assert response.status_code == 404


def test_another_blkks_instructor_is_not_found_here(
    client, manager_a, blkk_a, instructor_a, instructor_b
):
    theirs = InstructorQualificationFactory(instructor=instructor_b)
    client = signed_in(client, manager_a)
    for page, address in pages(blkk_a, instructor_b, theirs).items():
        if page in ("list", "new"):
            continue
        assert client.get(address).status_code == 404, page
    # Their qualification under my instructor's path is not found either.
    mixed = url("instructor-qualification-update", blkk_a, instructor_a.pk, theirs.pk)
    assert client.get(mixed).status_code == 404
    listed = client.get(url("instructor-list", blkk_a))
    assert "Budi Santoso" not in text(listed)


@pytest.mark.parametrize("persona", ["ministry_user", "province_user"])
def test_staff_read_instructors_without_a_way_to_write(
    client, request, qualification_a, persona
):
    instructor = qualification_a.instructor
    addresses = pages(instructor.blkk, instructor, qualification_a)
    client = signed_in(client, request.getfixturevalue(persona))
    for page in READ:
        response = client.get(addresses[page])
        assert response.status_code == 200
        shown = text(response)
        assert "Bambang Sutrisno" in shown
        assert in_indonesian("You are viewing this BLKK's records read-only.") in (
            shown
        )
        for write in WRITE:
            assert addresses[write] not in shown
    for page in WRITE:
        assert client.get(addresses[page]).status_code == 403
        assert client.post(addresses[page], {"full_name": "X"}).status_code == 403
    instructor.refresh_from_db()
    assert instructor.full_name == "Bambang Sutrisno"
    assert Instructor.objects.count() == 1


def test_the_menu_names_the_instructors(client, manager_a, blkk_a):
    response = signed_in(client, manager_a).get(url("instructor-list", blkk_a))
    sections = {s["url"]: s for s in response.context["here"].sections}
    assert sections[url("instructor-list", blkk_a)]["current"] is True


# --- the list ---------------------------------------------------------------------


def test_the_list_shows_trades_employment_certification_and_activity(
    client, manager_a, blkk_a, qualification_a
):
    expired = InstructorFactory(blkk=blkk_a, full_name="Citra Lestari")
    InstructorQualificationFactory(
        instructor=expired, valid_until=datetime.date(2026, 3, 1)
    )
    InstructorFactory(blkk=blkk_a, full_name="Dedi Kurniawan", is_active=False)

    response = signed_in(client, manager_a).get(url("instructor-list", blkk_a))

    rows = {row.full_name: row for row in response.context["page"].object_list}
    assert rows["Bambang Sutrisno"].certified is True
    assert rows["Citra Lestari"].certified is False
    assert rows["Dedi Kurniawan"].is_active is False
    # Active instructors first, by name.
    assert list(rows) == ["Bambang Sutrisno", "Citra Lestari", "Dedi Kurniawan"]
    shown = text(response)
    assert "Menjahit (Garmen Apparel)" in shown
    assert in_indonesian("Permanent") in shown
    assert shown.count(f">{in_indonesian('Certified')}<") == 1
    assert shown.count(f">{in_indonesian('Not certified')}<") == 2
    assert shown.count(f">{in_indonesian('Inactive')}<") == 1


def test_the_list_is_searched_by_name(client, manager_a, blkk_a, instructor_a):
    InstructorFactory(blkk=blkk_a, full_name="Sri Wahyuni")
    client = signed_in(client, manager_a)

    found = client.get(url("instructor-list", blkk_a), {"q": "wahyu"})
    nobody = client.get(url("instructor-list", blkk_a), {"q": "zzz\x00"})

    assert [row.full_name for row in found.context["page"].object_list] == [
        "Sri Wahyuni"
    ]
    assert list(nobody.context["page"].object_list) == []
    assert in_indonesian("No instructor matches.") in text(nobody)


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_takes_the_same_queries_for_3_or_30_instructors(
    client, manager_a, blkk_a, django_assert_max_num_queries, count
):
    for _n in range(count):
        instructor = InstructorFactory(
            blkk=blkk_a, vocational_fields=[trade("menjahit"), trade("las")]
        )
        InstructorQualificationFactory(instructor=instructor)
    client = signed_in(client, manager_a)
    # Session, user, BLKK, scope, menu: then a count, a page, its trades.
    with django_assert_max_num_queries(11):
        response = client.get(url("instructor-list", blkk_a))
    assert len(response.context["page"].object_list) == min(count, 25)
    if count > 25:
        assert response.context["page"].has_next()


# --- an instructor ----------------------------------------------------------------


def test_an_instructor_shows_their_qualifications_and_who_is_certified(
    client, manager_a, blkk_a, qualification_a
):
    instructor = qualification_a.instructor
    InstructorQualificationFactory(
        instructor=instructor,
        kind="methodology",
        title="Metodologi Pelatihan",
        number="",
        valid_until=None,
    )

    response = signed_in(client, manager_a).get(
        url("instructor-detail", blkk_a, instructor.pk)
    )

    assert response.context["certified"] is True
    shown = text(response)
    assert "Penjahit Pakaian Wanita" in shown
    assert "Metodologi Pelatihan" in shown
    assert in_indonesian("Certified today") in shown
    assert shown.count(f">{in_indonesian('Valid today')}<") == 1
    assert (
        url(
            "instructor-qualification-update", blkk_a, instructor.pk, qualification_a.pk
        )
        in shown
    )


def test_an_instructor_with_an_expired_competency_is_not_certified(
    client, manager_a, blkk_a, instructor_a
):
    InstructorQualificationFactory(
        instructor=instructor_a, valid_until=datetime.date(2026, 3, 1)
    )
    response = signed_in(client, manager_a).get(
        url("instructor-detail", blkk_a, instructor_a.pk)
    )
    assert response.context["certified"] is False
    assert in_indonesian("Not certified today") in text(response)


# --- recording and changing ---------------------------------------------------------


def instructor_fields(**changes) -> dict:
    return {
        "full_name": "Slamet Riyadi",
        "gender": "M",
        "phone": "081311112222",
        "vocational_fields": ["las", "otomotif"],
        "employment": "contract",
        "is_active": "on",
        **changes,
    }


def test_a_manager_records_an_instructor_here(client, manager_a, blkk_a):
    response = signed_in(client, manager_a).post(
        url("instructor-create", blkk_a), instructor_fields()
    )

    instructor = Instructor.objects.get(full_name="Slamet Riyadi")
    assert response.status_code == 303
    assert response["Location"] == url("instructor-detail", blkk_a, instructor.pk)
    assert instructor.blkk == blkk_a
    assert instructor.is_active is True
    assert {f.code for f in instructor.vocational_fields.all()} == {"las", "otomotif"}


def test_a_bad_instructor_is_refused_beside_each_field(client, manager_a, blkk_a):
    response = signed_in(client, manager_a).post(
        url("instructor-create", blkk_a),
        instructor_fields(
            full_name="",
            gender="X",
            phone="12",
            vocational_fields=["no-such-trade"],
            employment="",
        ),
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {
        "full_name",
        "gender",
        "phone",
        "vocational_fields",
        "employment",
    }
    assert not Instructor.objects.exists()


def test_a_manager_changes_an_instructor_and_may_mark_them_inactive(
    client, manager_a, blkk_a, instructor_a
):
    client = signed_in(client, manager_a)
    form = client.get(url("instructor-update", blkk_a, instructor_a.pk)).context["form"]
    assert form["vocational_fields"].value() == ["menjahit"]

    fields = instructor_fields(full_name="Bambang S.", vocational_fields=["tik"])
    del fields["is_active"]  # an unticked box is not posted
    response = client.post(url("instructor-update", blkk_a, instructor_a.pk), fields)

    assert response.status_code == 303
    instructor_a.refresh_from_db()
    assert instructor_a.full_name == "Bambang S."
    assert instructor_a.is_active is False
    assert [f.code for f in instructor_a.vocational_fields.all()] == ["tik"]


def qualification_fields(**changes) -> dict:
    return {
        "kind": "tot",
        "title": "TOT Menjahit",
        "issuer": "BBPVP Bandung",
        "number": "TOT-2025-7",
        "issued_on": "2025-11-03",
        "valid_until": "",
        **changes,
    }


def test_a_manager_records_a_qualification_of_an_inactive_instructor(
    client, manager_a, blkk_a
):
    instructor = InstructorFactory(blkk=blkk_a, is_active=False)

    response = signed_in(client, manager_a).post(
        url("instructor-qualification-create", blkk_a, instructor.pk),
        qualification_fields(),
    )

    assert response.status_code == 303
    assert response["Location"] == url("instructor-detail", blkk_a, instructor.pk)
    qualification = instructor.qualifications.get()
    assert (qualification.kind, qualification.valid_until) == ("tot", None)


def test_the_services_refusals_show_beside_their_fields(
    client, manager_a, blkk_a, instructor_a, qualification_a
):
    client = signed_in(client, manager_a)
    address = url("instructor-qualification-create", blkk_a, instructor_a.pk)

    early = client.post(address, qualification_fields(valid_until="2025-11-02"))
    duplicate = client.post(
        address,
        qualification_fields(
            issuer=qualification_a.issuer, number=qualification_a.number
        ),
    )

    assert early.status_code == duplicate.status_code == 200
    assert early.context["form"].errors == {
        "valid_until": [in_indonesian("The end date cannot be before the start date.")]
    }
    assert duplicate.context["form"].errors == {
        "number": [
            in_indonesian(
                "This issuer already issued a qualification with this number."
            )
        ]
    }
    assert instructor_a.qualifications.count() == 1


def test_a_bad_qualification_is_refused_beside_each_field(
    client, manager_a, blkk_a, instructor_a
):
    response = signed_in(client, manager_a).post(
        url("instructor-qualification-create", blkk_a, instructor_a.pk),
        qualification_fields(
            kind="diploma", title="", issuer="", issued_on="2099-01-01"
        ),
    )
    assert set(response.context["form"].errors) == {
        "kind",
        "title",
        "issuer",
        "issued_on",
    }
    assert not InstructorQualification.objects.exists()


def test_a_manager_changes_a_qualification(
    client, manager_a, blkk_a, instructor_a, qualification_a
):
    response = signed_in(client, manager_a).post(
        url(
            "instructor-qualification-update",
            blkk_a,
            instructor_a.pk,
            qualification_a.pk,
        ),
        qualification_fields(kind="competency", valid_until="2029-01-01"),
    )

    assert response.status_code == 303
    qualification_a.refresh_from_db()
    assert qualification_a.valid_until == datetime.date(2029, 1, 1)
    assert qualification_a.instructor == instructor_a


def test_a_manager_of_two_blkks_writes_only_the_instructors_of_the_page(
    client, manager_a, blkk_a, blkk_b, instructor_b
):
    """Managing both BLKKs, the instructor of B is still reached only on B's pages."""
    blkk_b.managers.add(manager_a)
    client = signed_in(client, manager_a)
    assert (
        client.get(url("instructor-update", blkk_a, instructor_b.pk)).status_code == 404
    )
    assert (
        client.get(url("instructor-update", blkk_b, instructor_b.pk)).status_code == 200
    )
