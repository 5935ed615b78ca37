"""Test speed-ups and shared fixtures."""

from __future__ import annotations

import uuid

import kombu.pools
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connections
from django.utils import translation
from knox.models import AuthToken
from pytest_django.plugin import blocking_manager_key
from rest_framework.test import APIClient

from blkk_portal.accounts import language
from blkk_portal.celery import app as celery_app
from tests.faults.harness import RedisServer, free_port
from tests.personas import make_persona
from tests.training.factories import BlkkFactory, regency
from tests.world import build_world


def _flushes_the_database(item: pytest.Item) -> bool:
    """Whether `item` ran on a transactional database, which Django empties after
    the test (pytest-django's own rule for ordering tests)."""
    marker = item.get_closest_marker("django_db")
    if marker and (
        marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
    ):
        return True
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(fixtures & {"transactional_db", "live_server"})


def _restore_the_migrated_data(config: pytest.Config) -> None:
    """Put back what the migrations wrote (regions, trades, content types, the
    schedule), as it was when the test database was made.

    Django flushes the database after a transactional test and, with
    `serialized_rollback`, restores the data only when the *next* such test
    starts. Its own runner runs those tests last; under xdist's `loadscope` a
    module's transactional test can run before other modules on the same worker,
    which would then find no provinces and no content types."""
    with config.stash[blocking_manager_key].unblock():
        for connection in connections.all(initialized_only=False):
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents is None:
                continue
            # A flush without `serialized_rollback` ran post_migrate, which made
            # content types again under new ids: start from empty tables. The
            # sequences stay past the restored ids, as Django's own flush leaves them.
            call_command(
                "flush",
                database=connection.alias,
                interactive=False,
                verbosity=0,
                inhibit_post_migrate=True,
                reset_sequences=False,
            )
            connection.creation.deserialize_db_from_string(contents)
            connection.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    result = yield
    if nextitem is not None and _flushes_the_database(item):
        _restore_the_migrated_data(item.config)
    return result


@pytest.fixture(autouse=True)
def _fast_test_settings(settings):
    # Production settings hash passwords slowly and want a collected static manifest.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture(autouse=True)
def _portal_language():
    # Each test starts in the portal's default language, as a worker or a command
    # does. A request leaves its language active in the thread after it (as
    # Django's LocaleMiddleware did), and that must not carry over to the next test.
    with translation.override(django_settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def english(monkeypatch):
    """Pages (the admin's too) and this thread in English, for a test that reads
    messages in English whatever the portal's default. The language rule itself is
    tested in tests/accounts/test_language.py."""
    monkeypatch.setattr(language, "page_language", lambda request: "en")
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _own_cache_keys(settings):
    # Tests share one Redis database (CI's parallel workers too): each test gets its
    # own key prefix, so no API throttle count carries over from another test, and
    # nothing is wiped from under a test that runs at the same time.
    settings.CACHES = {
        alias: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
        for alias, config in settings.CACHES.items()
    }


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Report files are written to storage; each test gets its own folder.
    settings.MEDIA_ROOT = tmp_path / "media"


# The personas (tests/personas.py) as fixtures; the scoping and admin tests build
# the fuller two-BLKK world around the same personas (`tests.world`).


@pytest.fixture
def blkk_a(db):
    return BlkkFactory(regency=regency("32.73"), name="BLKK Al-Ikhlas Bandung")


@pytest.fixture
def blkk_b(db):
    return BlkkFactory(regency=regency("35.78"), name="BLKK Darussalam Surabaya")


@pytest.fixture
def ministry_user(db):
    return make_persona("ministry")


@pytest.fixture
def province_user(db):
    return make_persona("province_32")


@pytest.fixture
def manager_a(blkk_a):
    return make_persona("manager_a", blkk=blkk_a)


@pytest.fixture
def manager_b(blkk_b):
    return make_persona("manager_b", blkk=blkk_b)


@pytest.fixture
def mentor_a(db):
    return make_persona("mentor_a")


@pytest.fixture
def mentor_b(db):
    return make_persona("mentor_b")


@pytest.fixture
def world(db):
    """The two-BLKK world around the personas (`tests/world.py`)."""
    return build_world()


@pytest.fixture
def admin_client_for(client, world):
    """`admin_client_for(persona)`: the test client signed in as that persona."""

    def login(persona):
        client.force_login(world.users[persona])
        return client

    return login


def client_for(user) -> APIClient:
    """An API client that authenticates as `user` with a token (none for None)."""
    client = APIClient()
    if user is not None:
        _instance, token = AuthToken.objects.create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def api():
    """`api(user)`: a client that authenticates as `user` with a token."""
    return client_for


# Brokers: tests that need the real publish path (its timeouts, its errors) send
# tasks to a broker instead of running them in-process.


def forget_broker_connections() -> None:
    """Close and forget the pooled broker connections and producers (kombu keeps
    them in a registry of its own), so the next publish connects to the broker the
    settings name now."""
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def celery_broker(settings):
    """`celery_broker(url)`: from then on, tasks are published to the broker at
    `url` instead of running in this process."""

    def use(url: str) -> None:
        settings.CELERY_BROKER_URL = url
        settings.CELERY_TASK_ALWAYS_EAGER = False
        forget_broker_connections()

    yield use
    forget_broker_connections()


@pytest.fixture
def dead_broker_url() -> str:
    """A broker address where nothing listens: connections are refused."""
    return f"redis://127.0.0.1:{free_port()}/0"


@pytest.fixture
def redis_server(tmp_path):
    """A redis-server of the test's own (never the shared one), stopped after."""
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    if server.running():
        server.thaw()
    server.stop()


@pytest.fixture
def mail_server_down(settings):
    """Mail goes by SMTP to a port where nothing listens: every send is refused."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5


@pytest.fixture
def slow_mail_server(settings):
    """Mail is kept in `mail.outbox` as usual, each send taking a moment, as a real
    server's does (so that two senders at once overlap)."""
    settings.EMAIL_BACKEND = "tests.mail.SlowLocmemBackend"
