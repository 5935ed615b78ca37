"""The read replica's router (blkk_portal/db_router.py, issue #14): reads go to the
`replica` alias only inside `replica_reads()`, and only the ministry's and provinces'
dashboards (and the beat task that keeps their live figures) enter it; sessions,
accounts, permission checks, writes and a BLKK's own page stay on the primary.

The replica here is a test mirror of the primary (`TEST: {"MIRROR": "default"}`, as
the settings give it): both aliases reach the one test database through two
connections, so a test tells them apart by which connection ran a query. A replica
connection sees only committed rows, so the tests that read a page's figures through
it commit theirs (transactional tests).
"""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.db import connections, router
from django.urls import reverse

from blkk_portal.accounts.models import User
from blkk_portal.db_router import (
    REPLICA,
    ROUTER,
    reading_replica,
    replica_database,
    replica_reads,
)
from reports import dashboards, services
from tests.faults.harness import free_port
from tests.reports.test_dashboards import APRIL, IN_MAY, MARCH, page_figures
from tests.reports.test_dashboards import april as april  # the fixture
from tests.training.factories import BlkkFactory
from training.models import Blkk, Trainee

ROOT = Path(__file__).resolve().parent.parent
BOTH = ["default", REPLICA]
# Tables of the reports' figures and lists: read on the replica, never the primary.
REPORTING_TABLES = (
    "training_trainee",
    "training_enrollment",
    "training_graduateoutcome",
    "incubator_venture",
    "mentoring_mentoringsession",
    "incubator_progressreport",
)


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup):
    """The `replica` alias, a mirror of the primary's test database with the options
    the settings give a replica, for this module's tests only."""
    primary = connections["default"].settings_dict
    configured = connections.configure_settings(
        {"default": dict(primary), REPLICA: replica_database(dict(primary), primary)}
    )
    connections.settings[REPLICA] = configured[REPLICA]
    yield
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


@pytest.fixture(autouse=True)
def routed(settings):
    settings.DATABASE_ROUTERS = [ROUTER]
    settings.DASHBOARD_LIVE_SECONDS = 0


@dataclass
class Ran:
    """The statements each connection ran, and the transaction state of both at the
    time of each replica statement."""

    sql: dict[str, list[str]] = field(default_factory=lambda: {a: [] for a in BOTH})
    replica_states: list[tuple[bool, bool, bool]] = field(default_factory=list)

    def touching(self, alias: str, tables=REPORTING_TABLES) -> list[str]:
        return [sql for sql in self.sql[alias] if any(t in sql for t in tables)]


@contextmanager
def statements():
    ran = Ran()

    def recorder(alias):
        def record(execute, sql, params, many, context):
            ran.sql[alias].append(sql)
            if alias == REPLICA:
                ran.replica_states.append(
                    (
                        connections[REPLICA].in_atomic_block,
                        connections[REPLICA].get_autocommit(),
                        connections["default"].in_atomic_block,
                    )
                )
            return execute(sql, params, many, context)

        return record

    with ExitStack() as stack:
        for alias in BOTH:
            stack.enter_context(connections[alias].execute_wrapper(recorder(alias)))
        yield ran


# --- the router -----------------------------------------------------------------------


@pytest.mark.django_db(databases=BOTH)
def test_reads_go_to_the_replica_only_inside_the_context():
    assert router.db_for_read(Trainee) == "default"
    with replica_reads() as on:
        assert on is True
        assert reading_replica()
        assert router.db_for_read(Trainee) == REPLICA
        assert Trainee.objects.all().db == REPLICA
        # Writes, and reads that lock for a write, stay on the primary.
        assert router.db_for_write(Trainee) == "default"
        assert Trainee.objects.select_for_update().db == "default"
        assert Blkk.objects.filter(pk=0).count() == 0  # the replica answers
    assert not reading_replica()
    assert router.db_for_read(Trainee) == "default"


@pytest.mark.django_db(databases=BOTH)
def test_nested_contexts_restore_what_was_before():
    with replica_reads():
        with replica_reads() as inner:
            assert inner is True
            assert router.db_for_read(Trainee) == REPLICA
        assert router.db_for_read(Trainee) == REPLICA
    assert router.db_for_read(Trainee) == "default"

    @replica_reads()
    def decorated():
        return router.db_for_read(Trainee)

    assert decorated() == REPLICA
    assert router.db_for_read(Trainee) == "default"


@pytest.mark.django_db(databases=BOTH)
def test_accounts_sessions_and_writes_stay_on_the_primary_inside(blkk_a):
    with replica_reads():
        # Who is signed in, with which roles: a permission check sees a change at
        # once, whichever path reads it.
        assert router.db_for_read(User) == "default"
        assert router.db_for_read(Session) == "default"
        assert Blkk.objects.filter(pk=blkk_a.pk).db == REPLICA
        # A write inside is the primary's.
        assert BlkkFactory(regency=blkk_a.regency)._state.db == "default"
    # An object read on the replica is saved to the primary, and its related
    # reads outside the context go to the primary too.
    blkk_a._state.db = REPLICA
    assert router.db_for_write(Blkk, instance=blkk_a) == "default"
    assert router.db_for_read(Blkk, instance=blkk_a) == "default"


def test_relations_and_migrations():
    primary, replica = Blkk(), Blkk()
    primary._state.db, replica._state.db = "default", REPLICA
    assert router.allow_relation(primary, replica)
    assert router.allow_migrate("default", "training")
    assert not router.allow_migrate(REPLICA, "training")


@pytest.mark.django_db(databases=BOTH)
def test_the_warm_pass_reads_on_the_replica(settings):
    settings.DASHBOARD_LIVE_SECONDS = 60
    with statements() as ran:
        assert dashboards.live_figures_warm() > 0
    assert ran.touching(REPLICA)
    assert ran.sql["default"] == []


# --- the pages ------------------------------------------------------------------------

transactional = pytest.mark.django_db(
    transaction=True, serialized_rollback=True, databases=BOTH
)


@transactional
@time_machine.travel(IN_MAY, tick=False)
@pytest.mark.parametrize(
    ("persona", "month"),
    [("ministry_user", ""), ("province_user", ""), ("ministry_user", "2026-04")],
    ids=["country so far", "province so far", "country stored"],
)
def test_dashboards_read_their_figures_on_the_replica(
    client, request, april, persona, month, settings
):
    if month:
        # The report run writes and reads on the primary, router or not.
        with statements() as ran:
            services.reports_generate_month(month=MARCH)
            services.reports_generate_month(month=APRIL)
        assert ran.sql[REPLICA] == []
    url = reverse("dashboard")
    client.force_login(request.getfixturevalue(persona))
    settings.DATABASE_ROUTERS = []
    on_primary = page_figures(client.get(url, {"month": month}, follow=True))
    settings.DATABASE_ROUTERS = [ROUTER]

    with statements() as ran:
        response = client.get(url, {"month": month}, follow=True)

    assert response.status_code == 200
    # The same figures, read through the replica's connection.
    assert page_figures(response) == on_primary
    assert on_primary["blkk_count"] == (3 if persona == "ministry_user" else 2)
    assert ran.touching(REPLICA)
    assert ran.touching("default") == []
    # The session and the user were read on the primary, never on the replica.
    assert ran.touching("default", ("django_session", "accounts_user"))
    assert ran.touching(REPLICA, ("django_session", "accounts_user")) == []
    # ATOMIC_REQUESTS wraps the view in the primary's transaction; the replica's
    # reads run beside it, in autocommit, in no transaction of their own.
    assert {state[:2] for state in ran.replica_states} == {(False, True)}
    assert all(state[2] for state in ran.replica_states)
    assert not reading_replica()


@transactional
@time_machine.travel(IN_MAY, tick=False)
def test_a_blkks_own_page_reads_the_primary(client, april, manager_a, blkk_a):
    # Its managers expect the figures they just entered: no replica lag there.
    client.force_login(manager_a)
    with statements() as ran:
        response = client.get(reverse("blkk-home", args=[blkk_a.code]))
    assert response.status_code == 200
    assert ran.sql[REPLICA] == []
    assert ran.touching("default")


@pytest.mark.django_db(databases=BOTH)
def test_a_wrong_role_or_a_month_that_is_none_reads_nothing_on_the_replica(
    client, manager_a, ministry_user
):
    client.force_login(manager_a)
    with statements() as ran:
        assert client.get(reverse("dashboard")).status_code == 403
    assert ran.sql[REPLICA] == []

    client.force_login(ministry_user)
    with statements() as ran:
        assert client.get(reverse("dashboard"), {"month": "2026-13"}).status_code == 404
    assert ran.sql[REPLICA] == []
    assert not reading_replica()


# --- the settings ---------------------------------------------------------------------

SHOW = (
    "from django.conf import settings as s;"
    "from blkk_portal.db_router import replica_reads;"
    "r = s.DATABASES.get('replica') or {};"
    "cm = replica_reads(); on = cm.__enter__();"
    "print(sorted(s.DATABASES), s.DATABASE_ROUTERS, on, r.get('HOST'), r.get('PORT'),"
    " r.get('ATOMIC_REQUESTS'), r.get('CONN_MAX_AGE'), r.get('CONN_HEALTH_CHECKS'),"
    " r.get('OPTIONS'), (r.get('TEST') or {}).get('MIRROR'),"
    " s.DATABASES['default']['ATOMIC_REQUESTS'])"
)


def settings_shown(**extra: str) -> str:
    env = {
        key: value for key, value in os.environ.items() if key != "REPLICA_DATABASE_URL"
    }
    env.update(
        DATABASE_URL="postgres://portal@db.example:5432/portal",
        CONN_MAX_AGE="30",
        DATABASE_CONNECT_TIMEOUT="4",
        **extra,
    )
    result = subprocess.run(  # noqa: S603 (the test's own interpreter, fixed arguments)
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", SHOW],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_without_a_replica_url_there_is_one_database_and_no_router():
    assert settings_shown() == (
        "['default'] [] False None None None None None None None True\n"
    )


def test_a_replica_url_adds_the_alias_with_the_primarys_options_and_the_router():
    # Nothing listens at the replica's address: the context reads the primary,
    # and says so.
    port = free_port()
    warning, shown = settings_shown(
        REPLICA_DATABASE_URL=f"postgres://portal@127.0.0.1:{port}/portal"
    ).splitlines()
    assert "read replica unreachable, reading the primary" in warning
    assert shown == (
        "['default', 'replica'] ['blkk_portal.db_router.ReplicaRouter'] False "
        f"127.0.0.1 {port} False 30 True "
        "{'options': '-c jit=off', 'connect_timeout': 4} default True"
    )
