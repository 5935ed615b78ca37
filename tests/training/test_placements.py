"""Placement services (pemagangan, skema penempatan): for a graduate (an
apprenticeship also during training), with the partner of its partnership, kept by
the BLKK it was recorded for; and the database's own check of the same rules."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from tests.training.factories import (
    EnrollmentFactory,
    PartnerFactory,
    PartnershipFactory,
    PlacementFactory,
    TraineeFactory,
    TrainingBatchFactory,
    regency,
)
from training import services
from training.models import Placement
from training.programme_records import NOT_A_GRADUATE, PARTNERSHIP_OF_ANOTHER_PARTNER

D = datetime.date
# TraineeFactory(graduate=True) completes a batch on 5 March 2025.
GRADUATED = D(2025, 3, 5)


@pytest.fixture
def graduate_a(blkk_a):
    return TraineeFactory(blkk=blkk_a, graduate=True, full_name="Ayu Lestari")


@pytest.fixture
def graduate_b(blkk_b):
    return TraineeFactory(blkk=blkk_b, regency=regency("35.78"), graduate=True)


@pytest.fixture
def partnership_a(blkk_a):
    return PartnershipFactory(blkk=blkk_a)


def place(trainee, by, **fields) -> Placement:
    """`placement_create` with the fields a test does not care about filled in: the
    partner is the partnership's, else a new one."""
    if "partner" not in fields:
        partnership = fields.get("partnership")
        fields["partner"] = partnership.partner if partnership else PartnerFactory()
    values = {
        "kind": Placement.Kind.EMPLOYMENT,
        "position": "Operator jahit",
        "start_date": D(2025, 4, 1),
        **fields,
    }
    return services.placement_create(trainee=trainee, by=by, **values)


def messages(caught: pytest.ExceptionInfo, field: str) -> list[str]:
    with translation.override("en"):
        return [str(message) for message in caught.value.message_dict[field]]


def english(message) -> str:
    with translation.override("en"):
        return str(message)


# --- recording ------------------------------------------------------------------


@pytest.mark.parametrize("kind", Placement.Kind.values)
def test_a_manager_places_a_graduate_in_each_kind(
    manager_a, blkk_a, graduate_a, partnership_a, kind
):
    placement = place(
        graduate_a,
        manager_a,
        partnership=partnership_a,
        kind=kind,
        start_date=GRADUATED + datetime.timedelta(days=10),
        monthly_pay=2_500_000,
        status="active",
    )
    stored = Placement.objects.get(pk=placement.pk)
    assert (stored.kind, stored.partner, stored.partnership) == (
        kind,
        partnership_a.partner,
        partnership_a,
    )
    assert stored.recorded_by_blkk == blkk_a
    assert stored.history.count() == 1


def test_a_graduate_may_start_on_the_day_they_completed(manager_a, graduate_a):
    assert place(graduate_a, manager_a, start_date=GRADUATED).start_date == GRADUATED


def test_a_placement_without_a_partnership_is_accepted(manager_a, graduate_a):
    placement = place(graduate_a, manager_a, monthly_pay=None)
    assert placement.partnership is None
    assert placement.status == Placement.Status.PLANNED


def test_a_national_partnership_is_offered_to_every_manager(manager_a, graduate_a):
    national = PartnershipFactory(blkk=None)
    placement = place(graduate_a, manager_a, partnership=national)
    assert placement.partnership == national


def test_ministry_placements_are_their_own_unless_they_name_a_blkk(
    ministry_user, blkk_a, graduate_a
):
    assert place(graduate_a, ministry_user).recorded_by_blkk is None
    named = place(graduate_a, ministry_user, recorded_by_blkk=blkk_a)
    assert named.recorded_by_blkk == blkk_a


def test_a_command_records_for_the_registering_blkk(blkk_a, graduate_a):
    assert place(graduate_a, None).recorded_by_blkk == blkk_a


# --- who the person is ----------------------------------------------------------


def test_refused_for_a_person_who_never_completed_a_training(manager_a, blkk_a):
    person = TraineeFactory(blkk=blkk_a)
    EnrollmentFactory(trainee=person, batch__blkk=blkk_a, active=True)
    with pytest.raises(ValidationError) as caught:
        place(person, manager_a)
    assert messages(caught, "start_date") == [english(NOT_A_GRADUATE)]
    assert not Placement.objects.exists()


def test_refused_for_a_graduate_who_completed_only_after_the_start(
    manager_a, graduate_a
):
    with pytest.raises(ValidationError) as caught:
        place(graduate_a, manager_a, start_date=GRADUATED - datetime.timedelta(days=1))
    assert messages(caught, "start_date") == [english(NOT_A_GRADUATE)]


def test_an_apprenticeship_may_start_during_training(manager_a, blkk_a):
    person = TraineeFactory(blkk=blkk_a)
    EnrollmentFactory(trainee=person, batch__blkk=blkk_a, active=True)
    placement = place(
        person, manager_a, kind=Placement.Kind.APPRENTICESHIP, start_date=D(2025, 2, 10)
    )
    assert placement.kind == Placement.Kind.APPRENTICESHIP


def test_an_apprenticeship_is_refused_when_the_only_training_was_dropped(
    manager_a, blkk_a
):
    person = TraineeFactory(blkk=blkk_a)
    EnrollmentFactory(trainee=person, batch__blkk=blkk_a, dropped=True)
    with pytest.raises(ValidationError) as caught:
        place(person, manager_a, kind=Placement.Kind.APPRENTICESHIP)
    assert messages(caught, "start_date") == [english(NOT_A_GRADUATE)]


def test_employment_is_refused_during_training(manager_a, blkk_a):
    person = TraineeFactory(blkk=blkk_a)
    EnrollmentFactory(trainee=person, batch__blkk=blkk_a, active=True)
    with pytest.raises(ValidationError) as caught:
        place(person, manager_a, kind=Placement.Kind.MIGRANT_WORK)
    assert "start_date" in caught.value.message_dict


def test_a_manager_cannot_place_someone_their_blkk_does_not_reach(
    manager_a, graduate_b
):
    with pytest.raises(ValidationError) as caught:
        place(graduate_b, manager_a)
    assert "recorded_by_blkk" in caught.value.message_dict
    assert not Placement.objects.exists()


def test_province_staff_cannot_record_or_change_a_placement(province_user, graduate_a):
    with pytest.raises(ValidationError):
        place(graduate_a, province_user)
    placement = PlacementFactory(trainee=graduate_a)
    with pytest.raises(PermissionDenied):
        services.placement_update(
            placement=placement,
            status="completed",
            end_date=D(2025, 6, 1),
            by=province_user,
        )
    with pytest.raises(PermissionDenied):
        services.placement_delete(placement=placement, by=province_user)
    placement.refresh_from_db()
    assert placement.status == Placement.Status.ACTIVE


# --- the partner and partnership ------------------------------------------------


def test_a_partnership_with_another_partner_is_refused(
    manager_a, graduate_a, partnership_a
):
    with pytest.raises(ValidationError) as caught:
        place(
            graduate_a,
            manager_a,
            partner=PartnerFactory(),
            partnership=partnership_a,
        )
    assert messages(caught, "partnership") == [english(PARTNERSHIP_OF_ANOTHER_PARTNER)]


def test_a_manager_cannot_use_another_blkks_partnership(manager_a, blkk_b, graduate_a):
    theirs = PartnershipFactory(blkk=blkk_b)
    with pytest.raises(ValidationError) as caught:
        place(graduate_a, manager_a, partnership=theirs)
    assert messages(caught, "partnership") == [english(services.PARTNERSHIP_NOT_SEEN)]


def test_ministry_may_use_any_partnership(ministry_user, blkk_b, graduate_a):
    theirs = PartnershipFactory(blkk=blkk_b)
    assert place(graduate_a, ministry_user, partnership=theirs).partnership == theirs


# --- the row's own rules --------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"end_date": D(2025, 3, 31)},
            "The end date cannot be before the start date.",
        ),
        (
            {"status": "completed"},
            "A completed or ended placement needs its end date.",
        ),
        (
            {"status": "ended_early"},
            "A completed or ended placement needs its end date.",
        ),
    ],
)
def test_dates_and_status_must_agree(manager_a, graduate_a, fields, message):
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        place(graduate_a, manager_a, **fields)
    assert message in str(caught.value)


def test_pay_cannot_be_negative(manager_a, graduate_a):
    with pytest.raises(ValidationError) as caught:
        place(graduate_a, manager_a, monthly_pay=-1)
    assert "monthly_pay" in caught.value.message_dict


# --- changing and deleting ------------------------------------------------------


@pytest.fixture
def shared(blkk_a, blkk_b):
    """Registered and trained at BLKK B, then enrolled at BLKK A too."""
    person = TraineeFactory(blkk=blkk_b, regency=regency("35.78"), graduate=True)
    EnrollmentFactory(trainee=person, batch=TrainingBatchFactory(blkk=blkk_a))
    return person


def test_the_keeping_blkk_changes_its_placement(manager_a, graduate_a, partnership_a):
    placement = place(graduate_a, manager_a, partnership=partnership_a)
    services.placement_update(
        placement=placement,
        status="ended_early",
        end_date=D(2025, 5, 2),
        by=manager_a,
    )
    placement.refresh_from_db()
    assert (placement.status, placement.end_date) == ("ended_early", D(2025, 5, 2))
    assert placement.history.count() == 2


def test_another_blkk_reads_but_cannot_change_or_delete_the_placement(
    manager_a, manager_b, blkk_b, shared
):
    theirs = PlacementFactory(trainee=shared, recorded_by_blkk=blkk_b)
    assert Placement.objects.visible_to(manager_a).filter(pk=theirs.pk).exists()
    with pytest.raises(PermissionDenied):
        services.placement_update(placement=theirs, position="Kasir", by=manager_a)
    with pytest.raises(PermissionDenied):
        services.placement_delete(placement=theirs, by=manager_a)
    theirs.refresh_from_db()
    assert theirs.position == "Operator jahit"
    services.placement_delete(placement=theirs, by=manager_b)
    assert not Placement.objects.filter(pk=theirs.pk).exists()


def test_the_person_of_a_placement_cannot_be_changed_even_by_ministry(
    ministry_user, graduate_a, blkk_a
):
    placement = PlacementFactory(trainee=graduate_a)
    other = TraineeFactory(blkk=blkk_a, graduate=True)
    with pytest.raises(ValidationError) as caught:
        services.placement_update(placement=placement, trainee=other, by=ministry_user)
    assert messages(caught, "trainee") == [english(services.PLACEMENT_FIXED["trainee"])]


def test_only_ministry_hands_a_placement_to_another_blkk(
    manager_a, ministry_user, blkk_a, shared
):
    placement = PlacementFactory(trainee=shared, recorded_by_blkk=blkk_a)
    with pytest.raises(ValidationError) as caught:
        services.placement_update(
            placement=placement, recorded_by_blkk=shared.blkk, by=manager_a
        )
    assert "recorded_by_blkk" in caught.value.message_dict
    services.placement_update(
        placement=placement, recorded_by_blkk=shared.blkk, by=ministry_user
    )
    placement.refresh_from_db()
    assert placement.recorded_by_blkk == shared.blkk


def test_a_partnership_set_by_ministry_stays_when_a_manager_changes_the_status(
    manager_a, blkk_a, blkk_b, graduate_a
):
    theirs = PartnershipFactory(blkk=blkk_b)
    placement = PlacementFactory(
        trainee=graduate_a, partnership=theirs, recorded_by_blkk=blkk_a
    )
    services.placement_update(
        placement=placement,
        partnership=theirs,
        status="completed",
        end_date=D(2025, 12, 31),
        by=manager_a,
    )
    placement.refresh_from_db()
    assert placement.status == "completed"
    # Choosing it anew is another matter.
    placement = PlacementFactory(
        trainee=graduate_a, partnership=None, partner=PartnerFactory()
    )
    with pytest.raises(ValidationError) as caught:
        services.placement_update(
            placement=placement,
            partner=theirs.partner,
            partnership=theirs,
            by=manager_a,
        )
    assert "partnership" in caught.value.message_dict


def test_an_apprenticeship_left_with_the_training_can_be_marked_ended_early(
    manager_a, blkk_a
):
    """The training is checked when the placement starts, not on every change: an
    apprentice who dropped out of the training is still recorded as ended early."""
    person = TraineeFactory(blkk=blkk_a)
    enrollment = EnrollmentFactory(trainee=person, batch__blkk=blkk_a, active=True)
    placement = place(
        person, manager_a, kind=Placement.Kind.APPRENTICESHIP, start_date=D(2025, 2, 10)
    )
    services.enrollment_update(enrollment=enrollment, status="dropped", by=manager_a)

    services.placement_update(
        placement=placement, status="ended_early", end_date=D(2025, 2, 20), by=manager_a
    )
    placement.refresh_from_db()
    assert placement.status == "ended_early"
    # Moving its start is checked again, and refused.
    with pytest.raises(ValidationError) as caught:
        services.placement_update(
            placement=placement, start_date=D(2025, 2, 11), by=manager_a
        )
    assert "start_date" in caught.value.message_dict


# --- the database's own check (PostgreSQL) --------------------------------------

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the rules' trigger is PostgreSQL's"
)


@postgresql_only
def test_the_database_refuses_a_start_before_the_training_was_completed(graduate_a):
    placement = PlacementFactory(trainee=graduate_a)
    with (
        pytest.raises(IntegrityError, match="placement_for_a_graduate"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE training_placement SET start_date = %s WHERE id = %s",
            [GRADUATED - datetime.timedelta(days=1), placement.pk],
        )


@postgresql_only
def test_the_database_refuses_a_partnership_of_another_partner(graduate_a):
    placement = PlacementFactory(trainee=graduate_a)
    other = PartnershipFactory(blkk=graduate_a.blkk)
    with (
        pytest.raises(IntegrityError, match="placement_partnership_same_partner"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE training_placement SET partnership_id = %s WHERE id = %s",
            [other.pk, placement.pk],
        )


@postgresql_only
def test_the_database_lets_a_status_change_through_after_the_training_was_dropped(
    blkk_a,
):
    person = TraineeFactory(blkk=blkk_a)
    enrollment = EnrollmentFactory(trainee=person, batch__blkk=blkk_a, active=True)
    placement = PlacementFactory(
        trainee=person, kind="apprenticeship", start_date=D(2025, 2, 10)
    )
    enrollment.status = "dropped"
    enrollment.save(update_fields=["status"])
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE training_placement SET status = 'ended_early', end_date = %s "
            "WHERE id = %s",
            [D(2025, 2, 20), placement.pk],
        )
    with (
        pytest.raises(IntegrityError, match="placement_for_a_graduate"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE training_placement SET kind = 'apprenticeship' WHERE id = %s",
            [placement.pk],
        )


@postgresql_only
@pytest.mark.parametrize(
    ("rule", "field"),
    [("trainee_may_start", "start_date"), ("clean", "partnership")],
)
def test_what_only_the_database_catches_is_a_field_error_not_a_crash(
    manager_a, graduate_a, partnership_a, rule, field
):
    """The person's training dropped, or the partnership changed, between the
    service's check and the write: the trigger's refusal comes back as the field
    error `clean()` would give (a 400 or a form error, never a 500)."""
    fields = {"partnership": partnership_a}
    if field == "start_date":
        fields["start_date"] = GRADUATED - datetime.timedelta(days=1)
    else:
        fields["partner"] = PartnerFactory()
    passing = (lambda self: True) if rule == "trainee_may_start" else lambda self: None
    with (
        mock.patch.object(Placement, rule, passing),
        pytest.raises(ValidationError) as caught,
    ):
        place(graduate_a, manager_a, **fields)
    assert list(caught.value.message_dict) == [field]
    assert not Placement.objects.exists()
