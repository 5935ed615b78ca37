"""The rules partners and partnerships keep in the database and in their models,
whatever door a row comes through."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone, translation

from tests.training.factories import (
    BlkkFactory,
    PartnerFactory,
    PartnershipFactory,
    PlacementFactory,
    purpose,
)
from training.models import Partner, Partnership

DAY = datetime.date(2026, 3, 1)


def test_a_partnership_ending_before_it_starts_is_refused_by_the_database(db):
    partner = PartnerFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Partnership.objects.create(
            partner=partner, start_date=DAY, end_date=DAY - datetime.timedelta(days=1)
        )


def test_a_partnership_ending_the_day_it_starts_is_kept(db):
    partnership = PartnershipFactory(start_date=DAY, end_date=DAY)
    assert partnership.is_active_on(DAY)


def test_the_end_date_is_refused_beside_its_field(db):
    partnership = Partnership(
        partner=PartnerFactory(),
        start_date=DAY,
        end_date=DAY - datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as refused:
        partnership.full_clean()
    # Said once, on the field, not again by the constraint.
    with translation.override("en"):
        assert refused.value.message_dict == {
            "end_date": ["The end date cannot be before the start date."]
        }


def test_a_partnership_is_not_signed_in_the_future(db):
    partnership = Partnership(
        partner=PartnerFactory(),
        start_date=DAY,
        signed_on=timezone.localdate() + datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as refused:
        partnership.full_clean()
    assert set(refused.value.message_dict) == {"signed_on"}


def test_a_purpose_is_held_once_by_the_database(db):
    partnership = PartnershipFactory(purposes=[purpose("training")])
    through = Partnership.purposes.through
    with pytest.raises(IntegrityError), transaction.atomic():
        through.objects.create(
            partnership=partnership, partnershippurpose=purpose("training")
        )


def test_an_unknown_partner_kind_is_refused_by_the_database(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Partner.objects.create(name="PT Entah", kind="bank")


@pytest.mark.parametrize(
    ("phone", "valid"),
    [
        ("0215550123", True),
        ("02518621234", True),
        ("0967531234", True),
        ("081234567890", True),
        ("+62215550123", True),
        ("", True),
        ("5550123", False),
        ("0812 3456 7890", False),
        ("0012345678", False),
    ],
)
def test_a_partners_phone_is_an_indonesian_landline_or_mobile(db, phone, valid):
    partner = Partner(name="PT Mitra", kind="industry", phone=phone)
    if valid:
        partner.full_clean()
    else:
        with pytest.raises(ValidationError) as refused:
            partner.full_clean()
        assert set(refused.value.message_dict) == {"phone"}


def test_a_partner_in_use_is_protected(db):
    partnership = PartnershipFactory()
    with pytest.raises(ProtectedError), transaction.atomic():
        partnership.partner.delete()
    placement = PlacementFactory(partnership=None, partner=PartnerFactory())
    with pytest.raises(ProtectedError), transaction.atomic():
        placement.partner.delete()


def test_a_partnership_with_placements_and_a_blkk_with_partnerships_are_protected(
    db,
):
    placement = PlacementFactory()
    with pytest.raises(ProtectedError), transaction.atomic():
        placement.partnership.delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        placement.partnership.blkk.delete()


def test_a_placements_partnership_is_with_its_own_partner(db):
    """The database refuses a placement through another partner's partnership, so
    a partnership's partner changing under its placements would break it (the
    service refuses that change)."""
    placement = PlacementFactory()
    other = PartnershipFactory(blkk=placement.trainee.blkk)
    placement.partnership = other
    with pytest.raises(IntegrityError), transaction.atomic():
        placement.save()


@pytest.mark.parametrize(
    ("start", "end", "active"),
    [
        (DAY, None, True),
        (DAY, DAY, True),
        (DAY + datetime.timedelta(days=1), None, False),
        (DAY - datetime.timedelta(days=30), DAY - datetime.timedelta(days=1), False),
        (DAY - datetime.timedelta(days=30), DAY + datetime.timedelta(days=1), True),
    ],
)
def test_active_on_a_day_agrees_in_python_and_in_the_database(db, start, end, active):
    partnership = PartnershipFactory(start_date=start, end_date=end)
    assert partnership.is_active_on(DAY) is active
    in_force = Partnership.objects.active_on(DAY)
    assert in_force.filter(pk=partnership.pk).exists() is active


def test_is_active_is_about_today_in_jakarta(db):
    today = timezone.localdate()
    ended = PartnershipFactory(
        start_date=today - datetime.timedelta(days=9),
        end_date=today - datetime.timedelta(days=1),
    )
    running = PartnershipFactory(start_date=today, end_date=None)
    assert (ended.is_active, running.is_active) == (False, True)


def test_a_partnership_names_its_partner_and_blkk_or_national(db):
    blkk = BlkkFactory(name="BLKK Al-Ikhlas")
    partner = PartnerFactory(name="PT Garmen")
    local = PartnershipFactory(partner=partner, blkk=blkk)
    national = PartnershipFactory(partner=partner, blkk=None)
    with translation.override("en"):
        assert (str(local), str(national)) == (
            "PT Garmen - BLKK Al-Ikhlas",
            "PT Garmen - national",
        )
