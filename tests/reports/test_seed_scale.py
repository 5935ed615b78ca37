"""`manage.py seed_scale`: the national benchmark dataset, loaded with COPY
(`reports.scale`), at factor 0.001 in the test database.

The load commits for real (it is one transaction of its own, as in production),
so the main test runs on a transactional database; `serialized_rollback` puts
back the regions and trades the data migrations loaded.
"""

from __future__ import annotations

import datetime
import io
import random
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from blkk_portal.accounts.models import User
from incubator.models import Venture
from mentoring.models import MentorAssignment
from reports import scale
from training.models import Blkk, Province, Trainee
from training.validators import nik_agreement_errors, nik_error

from ..training.factories import TraineeFactory

FACTOR = 0.001
# The measured users' own rows, beside the loader's.
BENCH_ROWS = {
    "accounts_user": 5,
    "training_blkk_managers": 2,
    "mentoring_mentor": 1,
    "mentoring_mentorassignment": 5,
    "mentoring_mentoringsession": 5 * 15,
}
# Rules that involve several rows, as the services keep them: each query counts
# the rows that break one.
BROKEN_RULES = {
    "a venture's stage is its history's last move": """
        SELECT count(*) FROM incubator_venture v WHERE v.stage <> (
            SELECT to_stage FROM incubator_stagechange s WHERE s.venture_id = v.id
            ORDER BY changed_on DESC, id DESC LIMIT 1)""",
    "a venture's history opens on its start": """
        SELECT count(*) FROM incubator_venture v WHERE NOT EXISTS (
            SELECT 1 FROM incubator_stagechange s WHERE s.venture_id = v.id
            AND s.from_stage = '' AND s.changed_on = v.started_on)""",
    "stage moves are never dated before the previous one": """
        SELECT count(*) FROM (
            SELECT changed_on < lag(changed_on) OVER (
                PARTITION BY venture_id ORDER BY id) AS back
            FROM incubator_stagechange) x WHERE back""",
    "an assistance's status is its history's last move": """
        SELECT count(*) FROM incubator_assistance a WHERE a.status <> (
            SELECT to_status FROM incubator_assistancestatuschange s
            WHERE s.assistance_id = a.id ORDER BY "on" DESC, id DESC LIMIT 1)""",
    "a batch never holds more people than its places": """
        SELECT count(*) FROM (
            SELECT b.id FROM training_trainingbatch b JOIN training_enrollment e
            ON e.batch_id = b.id AND e.status <> 'dropped'
            GROUP BY b.id, b.capacity HAVING count(*) > b.capacity) x""",
    "a mentor never has more active assignments than allowed": """
        SELECT count(*) FROM (
            SELECT m.id FROM mentoring_mentor m JOIN mentoring_mentorassignment a
            ON a.mentor_id = m.id AND a.status = 'active' AND a.start_date <= %(d)s
            AND (a.end_date IS NULL OR a.end_date >= %(d)s)
            GROUP BY m.id, m.max_active_assignments
            HAVING count(*) > m.max_active_assignments) x""",
    "sessions fall within their assignment, never in the future": """
        SELECT count(*) FROM mentoring_mentoringsession s
        JOIN mentoring_mentorassignment a ON a.id = s.assignment_id
        WHERE s.held_on < a.start_date OR s.held_on > %(d)s
        OR (a.end_date IS NOT NULL AND s.held_on > a.end_date)""",
    "an outcome follows a completed training": """
        SELECT count(*) FROM training_graduateoutcome o WHERE NOT EXISTS (
            SELECT 1 FROM training_enrollment e WHERE e.trainee_id = o.trainee_id
            AND e.status = 'completed' AND e.completed_on <= o.surveyed_on)""",
    "a person is on one application per cohort": """
        SELECT count(*) FROM (
            SELECT cohort_id, person FROM (
                SELECT cohort_id, applicant_id AS person
                FROM incubator_cohortapplication
                UNION ALL
                SELECT a.cohort_id, c.trainee_id
                FROM incubator_cohortapplication_co_applicants c
                JOIN incubator_cohortapplication a ON a.id = c.cohortapplication_id
            ) people GROUP BY 1, 2 HAVING count(*) > 1) x""",
    "applications arrive while the cohort takes them": """
        SELECT count(*) FROM incubator_cohortapplication a
        JOIN incubator_cohort c ON c.id = a.cohort_id
        WHERE c.applications_open_on IS NULL OR a.received_on > %(d)s
        OR a.received_on < c.applications_open_on
        OR a.received_on > c.applications_close_on""",
    "an accepted application's venture starts on its decision, by its people": """
        SELECT count(*) FROM incubator_cohortapplication a
        JOIN incubator_venture v ON v.id = a.venture_id
        WHERE v.started_on <> a.decided_on OR v.cohort_id <> a.cohort_id
        OR NOT EXISTS (SELECT 1 FROM incubator_venture_founders f
                       WHERE f.venture_id = v.id AND f.trainee_id = a.applicant_id)""",
    "every venture has a founder": """
        SELECT count(*) FROM incubator_venture v WHERE NOT EXISTS (
            SELECT 1 FROM incubator_venture_founders f WHERE f.venture_id = v.id)""",
    "a record's BLKK reaches its person": """
        SELECT count(*) FROM training_certification c WHERE NOT EXISTS (
            SELECT 1 FROM training_trainee t
            WHERE t.id = c.trainee_id AND t.blkk_id = c.recorded_by_blkk_id)
        AND NOT EXISTS (
            SELECT 1 FROM training_enrollment e
            JOIN training_trainingbatch b ON b.id = e.batch_id
            WHERE e.trainee_id = c.trainee_id AND b.blkk_id = c.recorded_by_blkk_id)""",
    "a BLKK's grade is its latest assessment's, else its registered one": """
        SELECT count(*) FROM training_blkk b WHERE b.grade <> coalesce(
            (SELECT grade FROM training_gradeassessment g WHERE g.blkk_id = b.id
             ORDER BY assessed_on DESC, id DESC LIMIT 1), b.registered_grade)""",
    "metrics are of months that have begun": """
        SELECT count(*) FROM incubator_venturemetric
        WHERE period > date_trunc('month', %(d)s::date)""",
}


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        return cursor.fetchone()[0]


def _seed(*arguments: str) -> str:
    out = io.StringIO()
    call_command(
        "seed_scale", "--factor", str(FACTOR), "--no-progress", *arguments, stdout=out
    )
    return out.getvalue()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_seed_scale_loads_every_table_at_its_size_within_the_rules():
    output = _seed("--baseline")

    # Every table at the size of its factor (the baseline rolled back its rows).
    for table, expected in scale.expected_rows(FACTOR).items():
        rows = _count(table) - BENCH_ROWS.get(table, 0)
        if isinstance(expected, tuple):
            low, high = expected
            assert low <= rows <= high, (table, rows, expected)
        else:
            assert rows == expected, (table, rows, expected)
    assert _count("training_historicaltrainee") == 0  # no history written
    # Vacuumed after the load, as autovacuum leaves a live database: the reach
    # table's pages are all-visible, so its index-only scans read no heap.
    assert "VACUUM (ANALYZE)" in output
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relallvisible FROM pg_class WHERE relname = 'training_traineereach'"
        )
        assert cursor.fetchone()[0] > 0
    assert re.search(
        r"\| \*\*tables\*\* \| [\d,]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \|", output
    )

    # NIKs: valid (province, birth date, 40 added to the day for women), unique,
    # agreeing with the birth date and gender.
    provinces = set(Province.objects.values_list("code", flat=True))
    people = list(Trainee.objects.values_list("nik", "birth_date", "gender"))
    assert len({nik for nik, _, _ in people}) == len(people)
    for nik, birth_date, gender in people:
        assert nik_error(nik, province_known=provinces.__contains__) is None, nik
        assert not nik_agreement_errors(nik, birth_date, gender), nik

    # The models' own validation, on a sample of every model.
    rng = random.Random(1)
    for model in scale.loaded_models():
        if model._meta.auto_created:
            continue
        ids = list(model.objects.values_list("pk", flat=True))
        for row in model.objects.filter(pk__in=rng.sample(ids, min(15, len(ids)))):
            row.full_clean()

    # And the rules that involve several rows.
    today = timezone.localdate()
    with connection.cursor() as cursor:
        for rule, sql in BROKEN_RULES.items():
            cursor.execute(sql, {"d": today})
            assert cursor.fetchone()[0] == 0, rule

    # The measured users, made through the services.
    users = {
        user.username: user
        for user in User.objects.filter(username__startswith="bench-")
    }
    assert set(users) == {
        "bench-ministry",
        "bench-province",
        "bench-manager",
        "bench-manager-training",
        "bench-mentor",
    }
    assert all(user.check_password(scale.BENCH_PASSWORD) for user in users.values())
    assert users["bench-province"].province_id == "32"
    (home,) = users["bench-manager"].managed_blkks.all()
    assert (home.regency.province_id, home.is_incubator) == ("32", True)
    assert home.cohorts.filter(applications__isnull=False).exists()
    assert Venture.objects.filter(cohort__blkk=home).exists()
    assert (
        home.assistance.exists()
        or Venture.objects.filter(cohort__blkk=home, assistance__isnull=False).exists()
    )
    (plain,) = users["bench-manager-training"].managed_blkks.all()
    assert (plain.regency.province_id, plain.is_incubator) == ("32", False)
    assert plain.registered_trainees.exists()
    mentor = users["bench-mentor"].mentor_profile
    active = MentorAssignment.objects.filter(mentor=mentor).active_on(today)
    assert active.count() == 5
    assert all(assignment.sessions.count() == 15 for assignment in active)


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_rows_and_another_seed_others(monkeypatch):
    written: list[str] = []

    def keep(table, columns, lines, *, tick=lambda rows: None):
        rows = list(lines)
        written.append(table + "".join(rows))
        return len(rows)

    monkeypatch.setattr(scale, "copy_lines", keep)
    today = datetime.date(2026, 11, 30)

    def generated(seed: int) -> list[str]:
        written.clear()
        scale.Loader(factor=FACTOR, seed=seed, today=today).run()
        return list(written)

    first = generated(7)
    assert generated(7) == first
    assert generated(8) != first
    assert Trainee.objects.count() == 0  # nothing was written


@pytest.mark.django_db
def test_seed_scale_refuses_a_database_that_holds_trainees():
    TraineeFactory()

    with pytest.raises(CommandError, match="already holds trainees"):
        _seed()

    assert Trainee.objects.count() == Blkk.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("factor", ["0", "-1", "-0.5", "abc", "11"])
def test_seed_scale_refuses_a_factor_that_is_not_a_positive_size(factor):
    with pytest.raises(CommandError, match="factor"):
        call_command("seed_scale", "--factor", factor, "--no-progress")

    assert not Trainee.objects.exists()


@pytest.mark.django_db
def test_seed_scale_refuses_anything_but_postgresql(monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")

    with pytest.raises(CommandError, match="PostgreSQL only"):
        _seed()


def test_every_loaded_table_has_its_expected_size():
    tables = {model._meta.db_table for model in scale.loaded_models()}

    assert set(scale.expected_rows(1)) == tables
    sizes = scale.sizes(1)
    assert (sizes["blkks"], sizes["trainees"], sizes["sessions"]) == (
        4_300,
        600_000,
        1_500_000,
    )
