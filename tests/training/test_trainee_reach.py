"""The reach table (training.TraineeReach) and the trainee scope that reads it.

After every kind of write to the base tables (the ORM one row at a time and in
bulk, COPY, hand-written SQL with deferred foreign keys, TRUNCATE) the table holds
exactly the union it is defined as: each person's registering BLKK and every BLKK
whose batch enrolled them, computed here from the base tables (`expected_pairs`).
The scope that reads it sees, for every role, what the UNION of the base tables
gave; the whole-NIK flag is a constant where it can be and one shared subquery
where it cannot; the trainee lists' queries do not grow with their rows.
"""

from __future__ import annotations

import datetime
import io
import pickle

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blkk_portal.accounts.scope import Reach, forget_scope, scope_of
from mentoring.models import Mentor
from tests.conftest import client_for
from tests.personas import make_persona
from training import managers, services
from training.models import (
    Blkk,
    Certification,
    Enrollment,
    GraduateOutcome,
    Placement,
    Trainee,
    TraineeReach,
    TrainingBatch,
)

from .factories import (
    BlkkFactory,
    CertificationFactory,
    EnrollmentFactory,
    GraduateOutcomeFactory,
    TraineeFactory,
    TrainingBatchFactory,
    make_nik,
    regency,
    trade,
)

REACHED_THROUGH_PEOPLE = [Trainee, Certification, GraduateOutcome, Placement]


def expected_pairs() -> set[tuple[int, int]]:
    """(BLKK, person) pairs as the base tables give them, in plain SQL."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT blkk_id, id FROM training_trainee "
            "UNION SELECT b.blkk_id, e.trainee_id FROM training_enrollment e "
            "JOIN training_trainingbatch b ON b.id = e.batch_id"
        )
        return set(cursor.fetchall())


def reach_pairs() -> set[tuple[int, int]]:
    return set(TraineeReach.objects.values_list("blkk_id", "trainee_id"))


def assert_exact() -> set[tuple[int, int]]:
    pairs = reach_pairs()
    assert pairs == expected_pairs()
    return pairs


@pytest.fixture
def blkks(db):
    """Three BLKKs: A and B in Jawa Barat, C in Jawa Timur."""
    return (
        BlkkFactory(regency=regency("32.73")),
        BlkkFactory(regency=regency("32.04")),
        BlkkFactory(regency=regency("35.78")),
    )


def batch_at(blkk: Blkk) -> TrainingBatch:
    return TrainingBatchFactory(blkk=blkk, capacity=500)


# --- the triggers: each write keeps the table exact ----------------------------------


def test_a_registered_person_is_reached_by_their_blkk(blkks):
    a, _b, _c = blkks
    person = TraineeFactory(blkk=a)
    assert (a.pk, person.pk) in assert_exact()


def test_enrolling_elsewhere_adds_that_blkk_once(blkks):
    a, b, _c = blkks
    person = TraineeFactory(blkk=a)
    EnrollmentFactory(trainee=person, batch=batch_at(a))
    EnrollmentFactory(trainee=person, batch=batch_at(b))
    EnrollmentFactory(trainee=person, batch=batch_at(b))
    pairs = assert_exact()
    assert {pair for pair in pairs if pair[1] == person.pk} == {
        (a.pk, person.pk),
        (b.pk, person.pk),
    }


def test_leaving_a_batch_removes_the_blkk_only_when_no_reason_remains(blkks):
    a, b, _c = blkks
    person = TraineeFactory(blkk=a)
    at_home = EnrollmentFactory(trainee=person, batch=batch_at(a))
    first, second = (
        EnrollmentFactory(trainee=person, batch=batch_at(b)) for _ in range(2)
    )

    services.enrollment_delete(enrollment=first, by=None)
    assert (b.pk, person.pk) in assert_exact()  # the second batch still enrolls them
    services.enrollment_delete(enrollment=second, by=None)
    assert (b.pk, person.pk) not in assert_exact()
    services.enrollment_delete(enrollment=at_home, by=None)
    assert (a.pk, person.pk) in assert_exact()  # registered there


def test_an_enrollment_moved_to_another_batch_or_person_moves_its_pair(blkks):
    a, b, c = blkks
    person, other = TraineeFactory(blkk=a), TraineeFactory(blkk=a)
    enrollment = EnrollmentFactory(trainee=person, batch=batch_at(b))

    Enrollment.objects.filter(pk=enrollment.pk).update(batch=batch_at(c))
    pairs = assert_exact()
    assert (c.pk, person.pk) in pairs
    assert (b.pk, person.pk) not in pairs

    Enrollment.objects.filter(pk=enrollment.pk).update(trainee=other)
    pairs = assert_exact()
    assert (c.pk, other.pk) in pairs
    assert (c.pk, person.pk) not in pairs

    # A change of status alone changes no pair.
    before = reach_pairs()
    Enrollment.objects.update(status=Enrollment.Status.ACTIVE)
    assert assert_exact() == before


def test_a_person_moved_to_another_blkk_stays_reached_where_enrolled(blkks):
    a, b, c = blkks
    person = TraineeFactory(blkk=a)
    EnrollmentFactory(trainee=person, batch=batch_at(a))
    loner = TraineeFactory(blkk=a)

    services.trainee_update(trainee=person, blkk=b, by=None)
    services.trainee_update(trainee=loner, blkk=c, by=None)

    pairs = assert_exact()
    assert {(a.pk, person.pk), (b.pk, person.pk)} <= pairs
    assert (c.pk, loner.pk) in pairs
    assert (a.pk, loner.pk) not in pairs


def test_a_manager_cannot_move_a_person_and_nothing_changes(blkks):
    a, b, _c = blkks
    manager = make_persona("manager_a", blkk=a)
    person = TraineeFactory(blkk=a)
    before = reach_pairs()
    with pytest.raises(ValidationError):  # only ministry staff move a person
        services.trainee_update(trainee=person, blkk=b, by=manager)
    assert assert_exact() == before


def test_a_batch_moved_to_another_blkk_takes_its_people_along(blkks):
    a, b, c = blkks
    batch = batch_at(b)
    registered_at_b = TraineeFactory(blkk=b)
    also_in_another_b_batch = TraineeFactory(blkk=a)
    only_here = TraineeFactory(blkk=a)
    for person in (registered_at_b, also_in_another_b_batch, only_here):
        EnrollmentFactory(trainee=person, batch=batch)
    EnrollmentFactory(trainee=also_in_another_b_batch, batch=batch_at(b))

    services.batch_update(batch=batch, blkk=c, by=None)

    pairs = assert_exact()
    for person in (registered_at_b, also_in_another_b_batch, only_here):
        assert (c.pk, person.pk) in pairs
    assert (b.pk, registered_at_b.pk) in pairs
    assert (b.pk, also_in_another_b_batch.pk) in pairs
    assert (b.pk, only_here.pk) not in pairs


def test_erasing_a_person_removes_every_pair_of_theirs(blkks):
    a, b, c = blkks
    person = TraineeFactory(blkk=a)
    for blkk in (a, b, c):
        EnrollmentFactory(trainee=person, batch=batch_at(blkk), completed=True)
    CertificationFactory(trainee=person)
    neighbour = TraineeFactory(blkk=a)

    services.trainee_erase(trainee=person, by=None)

    pairs = assert_exact()
    assert not {pair for pair in pairs if pair[1] == person.pk}
    assert (a.pk, neighbour.pk) in pairs


def test_a_refused_write_leaves_the_table_as_it_was(blkks):
    a, b, _c = blkks
    person = TraineeFactory(blkk=a)
    batch = batch_at(b)
    EnrollmentFactory(trainee=person, batch=batch)
    before = assert_exact()
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.create(trainee=person, batch=batch)  # enrolled twice
    assert assert_exact() == before


def test_bulk_writes_keep_the_table_exact(blkks):
    a, b, c = blkks
    people = Trainee.objects.bulk_create(
        [TraineeFactory.build(blkk=a, regency=regency("32.73")) for _ in range(30)]
    )
    batch = batch_at(b)
    Enrollment.objects.bulk_create(
        [Enrollment(trainee=person, batch=batch) for person in people]
    )
    assert_exact()

    Trainee.objects.filter(pk__in=[p.pk for p in people[:10]]).update(blkk=c)
    assert_exact()
    Enrollment.objects.filter(trainee__in=people[5:20]).delete()
    assert_exact()
    TrainingBatch.objects.filter(pk=batch.pk).update(blkk=a)
    assert_exact()
    Trainee.objects.filter(pk__in=[p.pk for p in people[:3]]).delete()
    assert_exact()


def _copy(table: str, columns: list[str], rows: list[list[object]]) -> None:
    data = io.StringIO()
    for row in rows:
        data.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")
    data.seek(0)
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", data)


def test_copy_loads_fire_the_triggers(blkks):
    a, b, _c = blkks
    born = datetime.date(1999, 4, 2)
    _copy(
        "training_trainee",
        [
            "nik",
            "full_name",
            "gender",
            "birth_date",
            "phone",
            "regency_id",
            "education",
            "has_disability",
            "prior_status",
            "blkk_id",
            "registered_on",
            "consent_on",
            "created_at",
        ],
        [
            [
                make_nik("32", born, "M", 7000 + i),
                f"Copied {i}",
                "M",
                born,
                "",
                "32.73",
                "sma",
                "f",
                "unemployed",
                a.pk,
                "2025-01-06",
                "2025-01-06",
                "2025-01-06 08:00+07",
            ]
            for i in range(40)
        ],
    )
    copied = list(Trainee.objects.filter(full_name__startswith="Copied"))
    assert len(copied) == 40
    batch = batch_at(b)
    _copy(
        "training_enrollment",
        ["trainee_id", "batch_id", "status", "created_at"],
        [[p.pk, batch.pk, "registered", "2025-02-03 08:00+07"] for p in copied],
    )
    pairs = assert_exact()
    assert {(b.pk, p.pk) for p in copied} <= pairs


def test_deferred_foreign_keys_in_either_order(blkks):
    """A load with deferred foreign keys may enroll people in a batch it inserts
    afterwards, or delete a batch before its enrollments."""
    a, b, _c = blkks
    person = TraineeFactory(blkk=a)
    field = trade("menjahit")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) + 1000 FROM training_trainingbatch")
        (batch_id,) = cursor.fetchone()
        cursor.execute(
            "INSERT INTO training_enrollment (trainee_id, batch_id, status, created_at)"
            " VALUES (%s, %s, 'registered', now())",
            [person.pk, batch_id],
        )
        assert (b.pk, person.pk) not in assert_exact()  # no batch, no BLKK yet
        cursor.execute(
            "INSERT INTO training_trainingbatch (id, blkk_id, vocational_field_id, "
            "name, start_date, end_date, capacity, created_at) VALUES "
            "(%s, %s, %s, 'Late batch', '2025-02-03', '2025-03-03', 16, now())",
            [batch_id, b.pk, field.pk],
        )
        assert (b.pk, person.pk) in assert_exact()
        cursor.execute("DELETE FROM training_trainingbatch WHERE id = %s", [batch_id])
        assert (b.pk, person.pk) not in assert_exact()
        cursor.execute(
            "DELETE FROM training_enrollment WHERE batch_id = %s", [batch_id]
        )
        assert_exact()


def test_truncating_a_base_table_rebuilds_the_table(blkks):
    a, b, _c = blkks
    person = TraineeFactory(blkk=a)
    EnrollmentFactory(trainee=person, batch=batch_at(b))
    with connection.cursor() as cursor:
        # The test's deferred foreign-key checks first: TRUNCATE refuses to run
        # with trigger events pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE training_enrollment")
    assert assert_exact() == {(a.pk, person.pk)}


def test_the_rebuild_back_fills_an_emptied_table(world):
    before = assert_exact()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM training_traineereach")
        assert not reach_pairs()
        cursor.execute("SELECT training_reach_rebuild()")
    assert assert_exact() == before


def test_the_migration_back_fills_what_the_tables_hold(blkks):
    a, b, _c = blkks
    executor = MigrationExecutor(connection)
    executor.migrate([("training", "0010_trainee_account")])
    # No table and no triggers: people registered and enrolled meanwhile.
    person = TraineeFactory(blkk=a)
    EnrollmentFactory(trainee=person, batch=batch_at(b))
    executor.loader.build_graph()
    executor.migrate([("training", "0011_trainee_reach")])

    assert {(a.pk, person.pk), (b.pk, person.pk)} <= assert_exact()
    TraineeFactory(blkk=b)  # and the triggers are back
    assert_exact()


def test_the_world_is_exact(world):
    assert assert_exact()


# --- the scope that reads it ----------------------------------------------------------


def _visible_ids(model, user) -> set[int]:
    return set(model.objects.visible_to(user).values_list("pk", flat=True))


@pytest.mark.parametrize(
    "persona", ["ministry", "province_32", "manager_a", "manager_b", "mentor_a"]
)
def test_every_role_sees_what_the_base_tables_give(world, persona, monkeypatch):
    # A person of B enrolled at A: reached by both sides' staff.
    services.enrollment_create(
        trainee=world.objects[Trainee]["b"],
        batch=world.objects[TrainingBatch]["a"],
        by=None,
    )
    user = world.users[persona]
    from_table = {model: _visible_ids(model, user) for model in REACHED_THROUGH_PEOPLE}

    forget_scope(user)
    monkeypatch.setattr(managers, "reach_table_kept", lambda: False)
    from_union = {model: _visible_ids(model, user) for model in REACHED_THROUGH_PEOPLE}

    assert from_table == from_union
    if persona in ("province_32", "manager_a"):
        assert world.objects[Trainee]["b"].pk in from_table[Trainee]


def test_the_scope_reads_the_table_on_postgresql(world):
    sql = str(Trainee.objects.visible_to(world.users["province_32"]).query)
    assert "training_traineereach" in sql
    assert "UNION" not in sql


def _flags(rows) -> dict[int, bool]:
    return dict(rows.values_list("pk", "full_nik_visible"))


def test_a_managers_flag_is_a_constant_on_their_visible_rows(world):
    manager = world.users["manager_a"]
    rows = Trainee.objects.visible_to(manager).filter(full_name__isnull=False)
    flagged = rows.with_full_nik_flag(manager)

    assert str(flagged.query).count("training_traineereach") == 1
    flags = _flags(flagged)
    assert flags
    assert all(flags.values())


def test_a_manager_who_mentors_gets_one_shared_subquery(world):
    from mentoring.models import MentorAssignment

    manager = world.users["manager_a"]
    trainee_a, trainee_b = world.objects[Trainee]["a"], world.objects[Trainee]["b"]
    # Alice mentors B's venture: B's founder becomes visible, their NIK masked.
    MentorAssignment.objects.filter(pk=world.objects[MentorAssignment]["b"].pk).update(
        mentor=Mentor.objects.create(user=manager, full_name="Alice", affiliation="blk")
    )
    forget_scope(manager)
    flagged = Trainee.objects.visible_to(manager).with_full_nik_flag(manager)

    assert _flags(flagged) == {trainee_a.pk: True, trainee_b.pk: False}
    # The WHERE and the CASE read the scope's one subquery of the people its BLKKs
    # reach, built once for the request.
    scope = scope_of(manager)
    assert scope.reach(Reach.BLKK_TRAINEES) is scope.reach(Reach.BLKK_TRAINEES)
    sql = str(flagged.query)
    assert sql.count("training_traineereach") == 2
    assert "CASE WHEN" in sql


def test_rows_not_known_to_be_narrowed_ask_the_database(world):
    manager = world.users["manager_a"]
    trainee_a, trainee_b = world.objects[Trainee]["a"], world.objects[Trainee]["b"]

    everyone = Trainee.objects.filter(pk__in=[trainee_a.pk, trainee_b.pk])
    assert _flags(everyone.with_full_nik_flag(manager)) == {
        trainee_a.pk: True,
        trainee_b.pk: False,
    }
    widened = Trainee.objects.visible_to(manager) | Trainee.objects.filter(
        pk=trainee_b.pk
    )
    assert _flags(widened.with_full_nik_flag(manager)) == {
        trainee_a.pk: True,
        trainee_b.pk: False,
    }
    # Another user's visible rows are not this manager's.
    other = Trainee.objects.visible_to(world.users["ministry"])
    assert _flags(other.with_full_nik_flag(manager))[trainee_b.pk] is False


def test_only_steps_that_narrow_keep_the_mark_of_visible_to(world):
    manager, other = world.users["manager_a"], world.users["manager_b"]
    rows = Trainee.objects.visible_to(manager)
    everyone = Trainee.objects.all()

    assert rows.within_visible_to(manager)
    narrowed = rows.filter(full_name__icontains="a").order_by("pk").values("pk")[:5]
    assert narrowed.within_visible_to(manager)
    assert (rows | everyone.none()).within_visible_to(manager)
    assert not rows.within_visible_to(other)
    assert not everyone.within_visible_to(manager)
    assert not (rows | everyone).within_visible_to(manager)
    assert not (rows ^ everyone).within_visible_to(manager)
    assert not rows.union(everyone).within_visible_to(manager)
    ministry = world.users["ministry"]
    pickled = pickle.dumps(Trainee.objects.visible_to(ministry))
    assert not pickle.loads(pickled).within_visible_to(ministry)  # noqa: S301 (ours)


def test_nik_search_is_unchanged(world):
    manager = world.users["manager_a"]
    trainee_a, trainee_b = world.objects[Trainee]["a"], world.objects[Trainee]["b"]
    found = set(
        Trainee.objects.visible_to(manager)
        .searchable_by_nik(manager)
        .values_list("pk", flat=True)
    )
    assert trainee_a.pk in found
    assert trainee_b.pk not in found
    assert not Trainee.objects.searchable_by_nik(manager).filter(nik=trainee_b.nik)
    with pytest.raises(managers.NikSearchRefused):
        Trainee.objects.searchable_by_nik(world.users["province_32"])


def test_a_mentor_still_sees_masked_niks_only(world):
    mentor = world.users["mentor_a"]
    flags = _flags(Trainee.objects.visible_to(mentor).with_full_nik_flag(mentor))
    assert flags
    assert not any(flags.values())


# --- query counts ---------------------------------------------------------------------


def _grow(blkk: Blkk, other: Blkk, n: int) -> None:
    """n people registered at `blkk`, n of `other` enrolled there, with records."""
    batch = batch_at(blkk)
    for _ in range(n):
        person = TraineeFactory(blkk=blkk)
        EnrollmentFactory(trainee=person, batch=batch, completed=True)
        CertificationFactory(trainee=person, recorded_by_blkk=blkk)
        GraduateOutcomeFactory(trainee=person, recorded_by_blkk=blkk)
        EnrollmentFactory(trainee=TraineeFactory(blkk=other), batch=batch)


@pytest.mark.parametrize("persona", ["manager_a", "province_32"])
@pytest.mark.parametrize(
    "resource", ["trainees", "certifications", "graduate-outcomes"]
)
def test_trainee_list_queries_do_not_grow(
    blkks, persona, resource, django_assert_num_queries
):
    a, _b, c = blkks
    user = (
        make_persona(persona, blkk=a)
        if persona == "manager_a"
        else make_persona(persona)
    )
    api = client_for(user)
    path = f"/api/v1/{resource}/"

    _grow(a, c, 3)
    with CaptureQueriesContext(connection) as few:
        assert api.get(path).status_code == 200
    _grow(a, c, 6)
    with django_assert_num_queries(len(few)):
        assert api.get(path).status_code == 200


def test_the_portal_trainee_list_queries_do_not_grow(
    client, blkks, django_assert_num_queries
):
    a, _b, c = blkks
    manager = make_persona("manager_a", blkk=a)
    client.force_login(manager)
    path = reverse("trainee-list", args=[a.code])

    _grow(a, c, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    _grow(a, c, 5)
    with django_assert_num_queries(len(few)):
        assert client.get(path).status_code == 200


def test_a_mentor_cannot_read_the_trainee_list_of_a_blkk(client, world):
    client.force_login(world.users["mentor_a"])
    blkk_a = world.objects[Blkk]["a"]
    assert client.get(reverse("trainee-list", args=[blkk_a.code])).status_code == 404


def test_the_reach_table_has_no_door(world):
    """Internal: no access declaration, no admin, no API; the permissions of
    no role name it."""
    from django.contrib import admin

    from blkk_portal.access import declared_models, requires_access, role_permissions

    assert TraineeReach not in declared_models()
    assert not requires_access(TraineeReach)
    assert TraineeReach not in admin.site._registry
    assert not any(
        "traineereach" in perm
        for perms in role_permissions().values()
        for perm in perms
    )
