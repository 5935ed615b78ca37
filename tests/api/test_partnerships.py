"""Partners and partnerships through the API (DESIGN.md, `partners/` and
`partnerships/`): shared partners that managers add and ministry staff change, a
BLKK's partnerships and the ministry's national ones."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.training.factories import (
    PartnerFactory,
    PartnershipFactory,
    purpose,
)
from training.models import Blkk, Partner, Partnership

from .conftest import ids

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PARTNER_FIELDS = {"id", "name", "kind", "regency", "contact_name", "phone", "email"}
PARTNERSHIP_FIELDS = {
    "id",
    "partner",
    "blkk",
    "purposes",
    "agreement_number",
    "signed_on",
    "start_date",
    "end_date",
    "is_active",
}


def days(n: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


def new_partner(**overrides) -> dict:
    body = {
        "name": "Universitas IPB",
        "kind": "university",
        "regency": "32.71",
        "contact_name": "Direktorat Kerja Sama",
        "phone": "0251862123",
        "email": "kerjasama@apps.ipb.ac.id",
    }
    return {**body, **overrides}


def new_partnership(world, **overrides) -> dict:
    body = {
        "partner": world.objects[Partner]["a"].pk,
        "purposes": ["apprenticeship", "placement"],
        "agreement_number": "PKS/017/BLKK/2026",
        "signed_on": days(-10),
        "start_date": days(-5),
        "end_date": days(360),
    }
    return {**body, **overrides}


# --- partners -------------------------------------------------------------------------


def test_a_partner_has_exactly_the_contracts_fields(world, api):
    partner = world.objects[Partner]["a"]

    body = api(world.users["mentor_a"]).get(f"/api/v1/partners/{partner.pk}/").json()

    assert set(body) == PARTNER_FIELDS
    assert body["regency"] == "32.73"
    assert body["name"] == "PT Garmen A"


@pytest.mark.parametrize("persona", ["province_32", "manager_a", "mentor_a"])
def test_everyone_signed_in_reads_every_partner(world, api, persona):
    listed = ids(api(world.users[persona]).get("/api/v1/partners/"))
    assert listed == {partner.pk for partner in world.objects[Partner].values()}


def test_a_manager_adds_a_partner_but_neither_changes_nor_deletes_one(world, api):
    client = api(world.users["manager_a"])

    created = client.post("/api/v1/partners/", new_partner(), format="json")

    assert created.status_code == 201, created.content
    partner = Partner.objects.get(pk=created.json()["id"])
    assert (partner.name, partner.regency_id) == ("Universitas IPB", "32.71")
    url = f"/api/v1/partners/{partner.pk}/"
    assert client.patch(url, {"name": "IPB"}, format="json").status_code == 403
    assert client.delete(url).status_code == 403
    partner.refresh_from_db()
    assert partner.name == "Universitas IPB"


@pytest.mark.parametrize("persona", ["province_32", "mentor_a"])
def test_province_staff_and_mentors_add_no_partner(world, api, persona):
    response = api(world.users[persona]).post(
        "/api/v1/partners/", new_partner(), format="json"
    )
    assert response.status_code == 403
    assert not Partner.objects.filter(name="Universitas IPB").exists()


@pytest.mark.parametrize("typed", ["pt garmen a", "  PT GARMEN A "])
def test_a_partner_already_recorded_in_the_regency_is_refused_and_named(
    world, api, typed
):
    existing = world.objects[Partner]["a"]
    body = new_partner(name=typed, kind="industry", regency="32.73")

    response = api(world.users["manager_a"]).post(
        "/api/v1/partners/", body, format="json", **EN
    )

    assert response.status_code == 400
    assert response.json() == {
        "name": [
            f"PT Garmen A (Kota Bandung) is already recorded as a partner, no. "
            f"{existing.pk}: choose it instead of adding it again."
        ]
    }
    assert Partner.objects.filter(name__iexact="pt garmen a").count() == 1


def test_the_same_name_in_another_regency_is_another_partner(world, api):
    body = new_partner(name="PT Garmen A", kind="industry", regency="35.78")

    response = api(world.users["manager_a"]).post(
        "/api/v1/partners/", body, format="json"
    )

    assert response.status_code == 201, response.content
    assert Partner.objects.filter(name="PT Garmen A").count() == 2


def test_ministry_staff_may_rename_a_partner_like_another(world, api):
    partner_b = world.objects[Partner]["b"]
    PartnerFactory(name="PT Garmen Baru", regency=partner_b.regency)

    response = api(world.users["ministry"]).patch(
        f"/api/v1/partners/{partner_b.pk}/", {"name": "PT Garmen Baru"}, format="json"
    )

    assert response.status_code == 200, response.content
    partner_b.refresh_from_db()
    assert partner_b.name == "PT Garmen Baru"


@pytest.mark.parametrize(
    ("phone", "accepted"),
    [
        ("0215550123", True),  # a Jakarta landline
        ("0251862123", True),  # a Bogor landline
        ("081234567890", True),
        ("+6281234567890", True),
        ("12345", False),
        ("0812-3456-7890", False),
    ],
)
def test_a_partners_phone_is_an_indonesian_landline_or_mobile(
    world, api, phone, accepted
):
    response = api(world.users["manager_a"]).post(
        "/api/v1/partners/", new_partner(phone=phone), format="json", **EN
    )
    assert response.status_code == (201 if accepted else 400), response.content
    if not accepted:
        assert "landline or mobile" in response.json()["phone"][0]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"kind": "bank"}, "kind"),
        ({"regency": "99.99"}, "regency"),
        ({"email": "not-an-email"}, "email"),
        ({"name": "x" * 201}, "name"),
    ],
)
def test_a_bad_partner_is_refused_field_by_field(world, api, changes, field):
    response = api(world.users["manager_a"]).post(
        "/api/v1/partners/", new_partner(**changes), format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {field}


def test_ministry_deletes_an_unused_partner(world, api):
    unused = PartnerFactory()

    response = api(world.users["ministry"]).delete(f"/api/v1/partners/{unused.pk}/")

    assert response.status_code == 204
    assert not Partner.objects.filter(pk=unused.pk).exists()


def test_a_partner_in_use_is_not_deleted_and_the_answer_says_why(world, api):
    used = world.objects[Partner]["a"]

    response = api(world.users["ministry"]).delete(f"/api/v1/partners/{used.pk}/", **EN)

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [
            "This partner cannot be deleted: partnerships or placements refer to "
            "it. Only a partner that nothing refers to can be deleted."
        ]
    }
    assert Partner.objects.filter(pk=used.pk).exists()


def test_partners_are_filtered_by_kind_and_found_by_name(world, api):
    ipb = PartnerFactory(name="Universitas IPB", kind="university")
    client = api(world.users["manager_a"])

    assert ids(client.get("/api/v1/partners/", {"kind": "university"})) == {ipb.pk}
    assert ids(client.get("/api/v1/partners/", {"search": "ipb"})) == {ipb.pk}
    assert client.get("/api/v1/partners/", {"kind": "bank"}).status_code == 400


# --- partnerships ---------------------------------------------------------------------


def test_a_partnership_has_exactly_the_contracts_fields(world, api):
    partnership = world.objects[Partnership]["a"]

    response = api(world.users["manager_a"]).get(
        f"/api/v1/partnerships/{partnership.pk}/"
    )

    body = response.json()
    assert set(body) == PARTNERSHIP_FIELDS
    assert body["purposes"] == ["placement"]
    assert body["blkk"] == partnership.blkk_id
    assert body["partner"] == partnership.partner_id
    assert body["is_active"] is True  # started in 2025, no end


def test_a_manager_records_a_partnership_of_their_blkk_by_default(world, api):
    client = api(world.users["manager_a"])

    response = client.post(
        "/api/v1/partnerships/",
        new_partnership(world, purposes=["placement", "training", "funding"]),
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["blkk"] == world.objects[Blkk]["a"].pk
    # In DESIGN.md's order, whatever the order given.
    assert body["purposes"] == ["training", "placement", "funding"]
    assert body["is_active"] is True
    partnership = Partnership.objects.get(pk=body["id"])
    assert set(partnership.purposes.values_list("code", flat=True)) == {
        "training",
        "placement",
        "funding",
    }
    # Kept with who recorded it, its purposes included.
    latest = partnership.history.latest()
    assert latest.history_user == world.users["manager_a"]
    assert {row.partnershippurpose_id for row in latest.purposes.all()} == {
        "training",
        "placement",
        "funding",
    }


def test_is_active_is_read_only(world, api):
    response = api(world.users["manager_a"]).post(
        "/api/v1/partnerships/",
        new_partnership(world, start_date=days(10), end_date=None, is_active=True),
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["is_active"] is False  # starts in ten days


def test_a_manager_records_no_national_partnership(world, api):
    response = api(world.users["manager_a"]).post(
        "/api/v1/partnerships/",
        new_partnership(world, blkk=None),
        format="json",
        **EN,
    )

    assert response.status_code == 400
    assert response.json() == {
        "blkk": [
            "A national partnership (without a BLKK) is the ministry's: only "
            "ministry staff record it. Choose your BLKK."
        ]
    }
    assert not Partnership.objects.filter(blkk__isnull=True).exists()


def test_a_manager_names_only_their_own_blkk(world, api):
    other = world.objects[Blkk]["b"]

    response = api(world.users["manager_a"]).post(
        "/api/v1/partnerships/", new_partnership(world, blkk=other.pk), format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"blkk"}
    assert not other.partnerships.exclude(pk=world.objects[Partnership]["b"].pk)


def test_ministry_staff_record_a_national_partnership_everyone_reads(world, api):
    created = api(world.users["ministry"]).post(
        "/api/v1/partnerships/", new_partnership(world, blkk=None), format="json"
    )
    assert created.status_code == 201, created.content
    national = created.json()["id"]
    assert created.json()["blkk"] is None

    for persona in ("province_32", "manager_a", "manager_b", "mentor_a", "mentor_b"):
        assert national in ids(api(world.users[persona]).get("/api/v1/partnerships/"))


def test_ministry_staff_must_say_a_partnership_is_national(world, api):
    body = new_partnership(world)  # no `blkk` at all
    response = api(world.users["ministry"]).post(
        "/api/v1/partnerships/", body, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"blkk"}


def test_a_manager_reads_a_national_partnership_but_cannot_change_it(world, api):
    national = PartnershipFactory(blkk=None)
    client = api(world.users["manager_a"])
    url = f"/api/v1/partnerships/{national.pk}/"

    assert client.get(url).status_code == 200
    assert client.patch(url, {"agreement_number": "X"}, format="json").status_code == (
        403
    )
    assert client.put(url, new_partnership(world), format="json").status_code == 403
    assert client.delete(url).status_code == 403
    national.refresh_from_db()
    assert national.blkk_id is None
    assert national.agreement_number != "X"


def test_a_manager_cannot_make_their_partnership_national(world, api):
    partnership = world.objects[Partnership]["a"]

    response = api(world.users["manager_a"]).patch(
        f"/api/v1/partnerships/{partnership.pk}/", {"blkk": None}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"blkk"}
    partnership.refresh_from_db()
    assert partnership.blkk_id == world.objects[Blkk]["a"].pk


@pytest.mark.parametrize("persona", ["province_32", "mentor_a"])
def test_province_staff_and_mentors_record_no_partnership(world, api, persona):
    blkk = world.objects[Blkk]["a"]
    response = api(world.users[persona]).post(
        "/api/v1/partnerships/", new_partnership(world, blkk=blkk.pk), format="json"
    )
    assert response.status_code == 403
    assert blkk.partnerships.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"purposes": ["training", "funding", "training"]},
            "purposes",
            "Give each purpose once: training is repeated.",
        ),
        ({"purposes": []}, "purposes", "Choose at least one purpose."),
        ({"purposes": ["charity"]}, "purposes", None),
        ({"purposes": "training"}, "purposes", None),
        (
            {"start_date": days(0), "end_date": days(-1)},
            "end_date",
            "The end date cannot be before the start date.",
        ),
        ({"signed_on": days(1)}, "signed_on", "This date cannot be in the future."),
        ({"start_date": "1/5/2026"}, "start_date", None),
        ({"partner": 999_999}, "partner", None),
        ({"agreement_number": "x" * 101}, "agreement_number", None),
    ],
)
def test_a_bad_partnership_is_refused_field_by_field(
    world, api, changes, field, message
):
    before = Partnership.objects.count()

    response = api(world.users["manager_a"]).post(
        "/api/v1/partnerships/", new_partnership(world, **changes), format="json", **EN
    )

    assert response.status_code == 400, response.content
    errors = response.json()
    assert set(errors) == {field}
    if message is not None:
        assert errors[field] == [message]
    assert Partnership.objects.count() == before


def test_a_repeated_purpose_in_a_change_is_refused_not_dropped(world, api):
    partnership = world.objects[Partnership]["a"]

    response = api(world.users["manager_a"]).patch(
        f"/api/v1/partnerships/{partnership.pk}/",
        {"purposes": ["placement", "placement"]},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"purposes"}


def test_the_partner_of_a_partnership_with_placements_stays(world, api):
    partnership = world.objects[Partnership]["a"]  # a placement was made through it
    other = PartnerFactory()

    response = api(world.users["manager_a"]).patch(
        f"/api/v1/partnerships/{partnership.pk}/",
        {"partner": other.pk},
        format="json",
        **EN,
    )

    assert response.status_code == 400
    assert response.json() == {
        "partner": [
            "Placements were made through this partnership with its partner, so its "
            "partner cannot be changed: record a new partnership with the other "
            "partner instead."
        ]
    }
    partnership.refresh_from_db()
    assert partnership.partner == world.objects[Partner]["a"]


def test_the_partner_of_an_unused_partnership_may_change(world, api):
    partnership = PartnershipFactory(blkk=world.objects[Blkk]["a"])
    other = PartnerFactory()

    response = api(world.users["manager_a"]).patch(
        f"/api/v1/partnerships/{partnership.pk}/",
        {"partner": other.pk, "purposes": ["mentoring"]},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["purposes"] == ["mentoring"]
    partnership.refresh_from_db()
    assert partnership.partner == other


def test_a_manager_deletes_an_unused_partnership_of_their_blkk(world, api):
    partnership = PartnershipFactory(blkk=world.objects[Blkk]["a"])

    response = api(world.users["manager_a"]).delete(
        f"/api/v1/partnerships/{partnership.pk}/"
    )

    assert response.status_code == 204
    assert not Partnership.objects.filter(pk=partnership.pk).exists()


# --- filters --------------------------------------------------------------------------


@pytest.fixture
def dated(world):
    """Partnerships of BLKK A on either side of today, and a national one."""
    blkk = world.objects[Blkk]["a"]
    return {
        "ended": PartnershipFactory(
            blkk=blkk, start_date=days(-400), end_date=days(-1)
        ),
        "ends_today": PartnershipFactory(
            blkk=blkk, start_date=days(-400), end_date=days(0)
        ),
        "starts_today": PartnershipFactory(
            blkk=blkk, start_date=days(0), end_date=None
        ),
        "upcoming": PartnershipFactory(
            blkk=blkk,
            start_date=days(1),
            end_date=days(90),
            purposes=[purpose("funding"), purpose("training")],
        ),
        "national": PartnershipFactory(blkk=None, start_date=days(-30), end_date=None),
    }


def test_is_active_filters_on_todays_date(world, api, dated):
    client = api(world.users["manager_a"])
    world_a = world.objects[Partnership]["a"].pk  # since 2025, no end

    active = ids(client.get("/api/v1/partnerships/", {"is_active": "true"}))
    inactive = ids(client.get("/api/v1/partnerships/", {"is_active": "false"}))

    assert active == {
        world_a,
        dated["ends_today"].pk,
        dated["starts_today"].pk,
        dated["national"].pk,
    }
    assert inactive == {dated["ended"].pk, dated["upcoming"].pk}
    shown = client.get(f"/api/v1/partnerships/{dated['ends_today'].pk}/").json()
    assert shown["is_active"] is True


def test_is_active_is_computed_by_the_database(
    world, api, dated, django_assert_max_num_queries
):
    """The page's count is the database's, so the filter is in its WHERE."""
    client = api(world.users["ministry"])
    with django_assert_max_num_queries(8) as queries:
        response = client.get(
            "/api/v1/partnerships/", {"is_active": "true", "page_size": 1}
        )
    # Both BLKKs' partnerships of the world, two of A's that are in force today and
    # the national one.
    assert response.json()["count"] == 5
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert len(counts) == 1
    assert '"start_date" <=' in counts[0]


def test_partnerships_are_filtered_by_purpose_blkk_and_partner(world, api, dated):
    client = api(world.users["manager_a"])
    upcoming = dated["upcoming"]

    assert ids(client.get("/api/v1/partnerships/", {"purpose": "funding"})) == {
        upcoming.pk
    }
    by_blkk = ids(
        client.get("/api/v1/partnerships/", {"blkk": world.objects[Blkk]["a"].pk})
    )
    assert dated["national"].pk not in by_blkk
    assert upcoming.pk in by_blkk
    assert ids(
        client.get("/api/v1/partnerships/", {"partner": upcoming.partner_id})
    ) == {upcoming.pk}
    # Another BLKK's partnerships stay out of reach, filtered or not.
    other = world.objects[Blkk]["b"].pk
    assert ids(client.get("/api/v1/partnerships/", {"blkk": other})) == set()


@pytest.mark.parametrize(
    "query",
    [{"is_active": "maybe"}, {"purpose": "charity"}, {"blkk": "x"}, {"partner": "-1"}],
)
def test_a_bad_filter_answers_400(world, api, query):
    response = api(world.users["manager_a"]).get("/api/v1/partnerships/", query)
    assert response.status_code == 400
    assert set(response.json()) == set(query)
