"""The services of partners and partnerships (DESIGN.md, "Programme records the
seeds name"): every door (admin, API, portal) writes through them, so the rules and
the roles are tested here once."""

from __future__ import annotations

import datetime
from functools import partial

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from tests.training.factories import (
    PartnerFactory,
    PartnershipFactory,
    PlacementFactory,
    purpose,
    regency,
)
from training import selectors, services
from training.models import Partner, Partnership

TODAY = timezone.localdate


def days(n: int) -> datetime.date:
    return TODAY() + datetime.timedelta(days=n)


def messages_of(error: ValidationError) -> dict[str, list[str]]:
    with translation.override("en"):
        return {
            name: [str(m) for m in found] for name, found in error.message_dict.items()
        }


@pytest.fixture
def partner(db):
    return PartnerFactory(name="PT Garmen Sejahtera", regency=regency("32.73"))


def partnership_fields(partner, **changes) -> dict:
    """A partnership's fields; `purposes` are given as codes."""
    fields = {
        "partner": partner,
        "purposes": ["apprenticeship", "placement"],
        "agreement_number": "PKS/017/2026",
        "signed_on": days(-10),
        "start_date": days(-5),
        "end_date": days(360),
        **changes,
    }
    fields["purposes"] = [purpose(code) for code in fields["purposes"]]
    return fields


# --- partners -------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _in_english(english):
    """The services' messages are read in English here: a message formatted when it
    is raised (a namesake's name, a repeated purpose) is in the active language."""


@pytest.mark.parametrize("persona", ["ministry_user", "manager_a"])
def test_ministry_staff_and_managers_add_partners(request, persona):
    user = request.getfixturevalue(persona)

    partner = services.partner_create(
        name="  Universitas IPB ",
        kind="university",
        regency=regency("32.71"),
        phone="0251862123",
        by=user,
    )

    assert partner.name == "Universitas IPB"
    assert Partner.objects.get(pk=partner.pk).regency_id == "32.71"


@pytest.mark.parametrize("persona", ["province_user", "mentor_a"])
def test_province_staff_and_mentors_add_no_partner(request, persona):
    with pytest.raises(PermissionDenied):
        services.partner_create(
            name="Universitas IPB",
            kind="university",
            by=request.getfixturevalue(persona),
        )
    assert not Partner.objects.exists()


@pytest.mark.parametrize("typed", ["PT Garmen Sejahtera", "pt garmen SEJAHTERA  "])
def test_a_partner_already_recorded_in_the_regency_is_refused_and_named(
    manager_a, partner, typed
):
    with pytest.raises(ValidationError) as refused:
        services.partner_create(
            name=typed, kind="industry", regency=regency("32.73"), by=manager_a
        )

    assert messages_of(refused.value) == {
        "name": [
            f"PT Garmen Sejahtera (Kota Bandung) is already recorded as a partner, "
            f"no. {partner.pk}: choose it instead of adding it again."
        ]
    }
    assert Partner.objects.count() == 1


def test_a_namesake_without_a_regency_is_refused_among_those_without_one(manager_a):
    first = services.partner_create(name="Kadin", kind="association", by=manager_a)

    with pytest.raises(ValidationError) as refused:
        services.partner_create(name="KADIN", kind="association", by=manager_a)

    assert messages_of(refused.value)["name"] == [
        f"Kadin (no regency) is already recorded as a partner, no. {first.pk}: "
        "choose it instead of adding it again."
    ]
    # With a regency, it is another office.
    services.partner_create(
        name="Kadin", kind="association", regency=regency("32.73"), by=manager_a
    )
    assert Partner.objects.filter(name__iexact="kadin").count() == 2


def test_a_bad_partner_is_refused_field_by_field(manager_a):
    with pytest.raises(ValidationError) as refused:
        services.partner_create(
            name="", kind="bank", phone="12345", email="nope", by=manager_a
        )
    assert set(refused.value.message_dict) == {"name", "kind", "phone", "email"}


def test_only_ministry_staff_change_a_partner(manager_a, ministry_user, partner):
    with pytest.raises(PermissionDenied):
        services.partner_update(partner=partner, name="PT Lain", by=manager_a)

    services.partner_update(partner=partner, name="PT Garmen Jaya", by=ministry_user)

    partner.refresh_from_db()
    assert partner.name == "PT Garmen Jaya"


def test_ministry_staff_may_give_a_partner_a_namesakes_name(ministry_user, partner):
    other = PartnerFactory(name="PT Lain", regency=partner.regency)
    services.partner_update(partner=other, name=partner.name, by=ministry_user)
    assert Partner.objects.filter(name=partner.name).count() == 2


def test_only_ministry_staff_delete_an_unused_partner(
    manager_a, ministry_user, partner
):
    with pytest.raises(PermissionDenied):
        services.partner_delete(partner=partner, by=manager_a)

    services.partner_delete(partner=partner, by=ministry_user)

    assert not Partner.objects.exists()


@pytest.mark.parametrize("used_by", ["partnership", "placement"])
def test_a_partner_in_use_is_not_deleted(ministry_user, used_by):
    if used_by == "partnership":
        used = PartnershipFactory().partner
    else:
        placement = PlacementFactory(partnership=None, partner=PartnerFactory())
        used = placement.partner

    with pytest.raises(ValidationError) as refused:
        services.partner_delete(partner=used, by=ministry_user)

    with translation.override("en"):
        assert refused.value.messages == [
            "This partner cannot be deleted: partnerships or placements refer to it. "
            "Only a partner that nothing refers to can be deleted."
        ]
    assert Partner.objects.filter(pk=used.pk).exists()


# --- partnerships ---------------------------------------------------------------------


def test_a_manager_records_a_partnership_of_their_blkk(manager_a, blkk_a, partner):
    partnership = services.partnership_create(
        blkk=blkk_a, by=manager_a, **partnership_fields(partner)
    )

    stored = Partnership.objects.get(pk=partnership.pk)
    assert (stored.blkk, stored.partner) == (blkk_a, partner)
    assert set(stored.purposes.values_list("code", flat=True)) == {
        "apprenticeship",
        "placement",
    }
    assert stored.is_active


def test_ministry_staff_record_a_national_partnership(ministry_user, partner):
    national = services.partnership_create(
        blkk=None, by=ministry_user, **partnership_fields(partner)
    )
    assert national.blkk is None


def test_a_manager_records_no_national_partnership(manager_a, partner):
    with pytest.raises(ValidationError) as refused:
        services.partnership_create(
            blkk=None, by=manager_a, **partnership_fields(partner)
        )

    assert messages_of(refused.value) == {
        "blkk": [
            "A national partnership (without a BLKK) is the ministry's: only "
            "ministry staff record it. Choose your BLKK."
        ]
    }
    assert not Partnership.objects.exists()


def test_a_manager_records_no_partnership_of_another_blkk(manager_a, blkk_b, partner):
    with pytest.raises(ValidationError) as refused:
        services.partnership_create(
            blkk=blkk_b, by=manager_a, **partnership_fields(partner)
        )
    assert messages_of(refused.value) == {
        "blkk": ["Choose one of the BLKKs you manage."]
    }
    assert not Partnership.objects.exists()


@pytest.mark.parametrize("persona", ["province_user", "mentor_a"])
def test_province_staff_and_mentors_record_no_partnership(
    request, blkk_a, partner, persona
):
    with pytest.raises(PermissionDenied):
        services.partnership_create(
            blkk=blkk_a,
            by=request.getfixturevalue(persona),
            **partnership_fields(partner),
        )
    assert not Partnership.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (lambda: {"purposes": []}, "purposes", "Choose at least one purpose."),
        (
            lambda: {"purposes": ["funding", "training", "funding"]},
            "purposes",
            "Give each purpose once: funding is repeated.",
        ),
        (
            lambda: {"start_date": days(0), "end_date": days(-1)},
            "end_date",
            "The end date cannot be before the start date.",
        ),
        (
            lambda: {"signed_on": days(1)},
            "signed_on",
            "This date cannot be in the future.",
        ),
    ],
)
def test_a_bad_partnership_is_refused_on_its_field(
    manager_a, blkk_a, partner, changes, field, message
):
    # The dates are computed when the test runs, not when it is collected: a run
    # that crosses midnight in Jakarta would otherwise find "tomorrow" is today.
    with pytest.raises(ValidationError) as refused:
        services.partnership_create(
            blkk=blkk_a, by=manager_a, **partnership_fields(partner, **changes())
        )
    assert messages_of(refused.value) == {field: [message]}
    assert not Partnership.objects.exists()


def test_every_refusal_of_a_partnership_comes_at_once(manager_a, blkk_a, partner):
    fields = partnership_fields(
        partner, purposes=[], start_date=days(0), end_date=days(-1), signed_on=days(2)
    )
    with pytest.raises(ValidationError) as refused:
        services.partnership_create(blkk=blkk_a, by=manager_a, **fields)
    assert set(refused.value.message_dict) == {"purposes", "end_date", "signed_on"}


def test_a_partnership_may_have_no_end_and_no_signing_date(manager_a, blkk_a, partner):
    partnership = services.partnership_create(
        blkk=blkk_a,
        by=manager_a,
        **partnership_fields(partner, end_date=None, signed_on=None),
    )
    assert partnership.end_date is None
    assert partnership.is_active


ACTIONS = {
    "update": partial(services.partnership_update, agreement_number="X"),
    "delete": services.partnership_delete,
}


@pytest.fixture
def local_a(blkk_a, partner):
    return PartnershipFactory(blkk=blkk_a, partner=partner)


@pytest.fixture
def national(partner):
    return PartnershipFactory(blkk=None, partner=partner)


def test_a_manager_changes_their_blkks_partnership(manager_a, local_a):
    services.partnership_update(
        partnership=local_a,
        purposes=[purpose("mentoring")],
        end_date=days(90),
        by=manager_a,
    )
    local_a.refresh_from_db()
    assert list(local_a.purposes.values_list("code", flat=True)) == ["mentoring"]
    assert local_a.end_date == days(90)


def test_a_repeated_purpose_in_a_change_is_refused_and_nothing_stored(
    manager_a, local_a
):
    with pytest.raises(ValidationError) as refused:
        services.partnership_update(
            partnership=local_a,
            purposes=[purpose("training"), purpose("training")],
            agreement_number="PKS/NEW",
            by=manager_a,
        )
    assert set(refused.value.message_dict) == {"purposes"}
    local_a.refresh_from_db()
    assert local_a.agreement_number != "PKS/NEW"
    assert list(local_a.purposes.values_list("code", flat=True)) == ["placement"]


@pytest.mark.parametrize("action", ["update", "delete"])
def test_a_manager_neither_changes_nor_deletes_a_national_partnership(
    manager_a, national, action
):
    with pytest.raises(PermissionDenied):
        ACTIONS[action](partnership=national, by=manager_a)
    national.refresh_from_db()
    assert national.agreement_number != "X"


@pytest.mark.parametrize("action", ["update", "delete"])
def test_a_manager_neither_changes_nor_deletes_another_blkks_partnership(
    manager_b, local_a, action
):
    with pytest.raises(PermissionDenied):
        ACTIONS[action](partnership=local_a, by=manager_b)
    assert Partnership.objects.filter(pk=local_a.pk).exists()


def test_province_staff_change_no_partnership(province_user, local_a):
    with pytest.raises(PermissionDenied):
        services.partnership_update(
            partnership=local_a, agreement_number="X", by=province_user
        )


def test_a_manager_cannot_make_a_partnership_national_or_another_blkks(
    manager_a, blkk_b, local_a
):
    for blkk in (None, blkk_b):
        with pytest.raises(ValidationError) as refused:
            services.partnership_update(partnership=local_a, blkk=blkk, by=manager_a)
        assert set(refused.value.message_dict) == {"blkk"}
    local_a.refresh_from_db()
    assert local_a.blkk is not None


def test_ministry_staff_change_a_national_partnership(ministry_user, national):
    services.partnership_update(
        partnership=national, agreement_number="KEMNAKER/1/2026", by=ministry_user
    )
    national.refresh_from_db()
    assert national.agreement_number == "KEMNAKER/1/2026"


def test_the_partner_stays_once_placements_were_made_through_it(manager_a, blkk_a):
    placement = PlacementFactory(trainee__blkk=blkk_a)
    partnership = placement.partnership

    with pytest.raises(ValidationError) as refused:
        services.partnership_update(
            partnership=partnership, partner=PartnerFactory(), by=manager_a
        )

    assert messages_of(refused.value) == {
        "partner": [
            "Placements were made through this partnership with its partner, so its "
            "partner cannot be changed: record a new partnership with the other "
            "partner instead."
        ]
    }
    partnership.refresh_from_db()
    assert partnership.partner == placement.partner
    # Its other fields still change.
    services.partnership_update(
        partnership=partnership, partner=placement.partner, end_date=None, by=manager_a
    )


def test_the_partner_of_an_unused_partnership_may_change(manager_a, local_a):
    other = PartnerFactory()
    services.partnership_update(partnership=local_a, partner=other, by=manager_a)
    local_a.refresh_from_db()
    assert local_a.partner == other


def test_a_partnership_with_placements_is_not_deleted(manager_a, blkk_a):
    partnership = PlacementFactory(trainee__blkk=blkk_a).partnership
    with pytest.raises(ValidationError) as refused:
        services.partnership_delete(partnership=partnership, by=manager_a)
    with translation.override("en"):
        assert refused.value.messages == [
            "This partnership cannot be deleted: placements were made through it."
        ]
    assert Partnership.objects.filter(pk=partnership.pk).exists()


def test_a_manager_deletes_an_unused_partnership_of_their_blkk(manager_a, local_a):
    services.partnership_delete(partnership=local_a, by=manager_a)
    assert not Partnership.objects.filter(pk=local_a.pk).exists()


# --- the list's status (selectors) ----------------------------------------------------


@pytest.fixture
def ending(db):
    """Partnerships in force from a year ago, ending on either side of 60 days."""
    ends = {
        "yesterday": days(-1),
        "today": days(0),
        "in_60_days": days(60),
        "in_61_days": days(61),
        "never": None,
    }
    return {
        name: PartnershipFactory(start_date=days(-365), end_date=end)
        for name, end in ends.items()
    }


def test_partnerships_expiring_end_from_today_through_60_days(ending):
    expiring = selectors.partnerships_expiring(Partnership.objects.all(), TODAY())
    assert set(expiring) == {ending["today"], ending["in_60_days"]}


def test_each_partnership_has_its_status_today(ending):
    upcoming = PartnershipFactory(start_date=days(1), end_date=days(30))
    rows = selectors.partnerships_with_status(Partnership.objects.all(), TODAY())
    status = dict(rows.values_list("pk", "status"))
    Status = selectors.PartnershipStatus
    assert {name: status[row.pk] for name, row in ending.items()} == {
        "yesterday": Status.ENDED,
        "today": Status.EXPIRING,
        "in_60_days": Status.EXPIRING,
        "in_61_days": Status.ACTIVE,
        "never": Status.ACTIVE,
    }
    assert status[upcoming.pk] == Status.UPCOMING
