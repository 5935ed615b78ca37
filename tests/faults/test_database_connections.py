"""The database drops every connection, or cannot be reached, under a running
gunicorn; the portal answers 503 while it is gone and goes on when it is back.

PostgreSQL ends a backend when it restarts, fails over, or an operator or a pooler
terminates it. Gunicorn's workers keep their connections between requests
(CONN_MAX_AGE), so a worker's next request starts on a dead connection: it must be
answered as usual, never 500. While the database cannot be reached at all, a
request is answered 503 with Retry-After (JSON on the API), not a 500 page.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
import requests
from django.db import connection

from tests.faults.server import (
    DatabaseProxy,
    PortalServer,
    let_sign_in_on_the_server,
    running_portal,
)
from tests.personas import PASSWORD
from tests.world import build_world
from training.models import Trainee

pytestmark = pytest.mark.faults

WORKERS = 2
# Bounds, not expectations: rounds of requests before the test gives up waiting
# for both workers to have served one.
MAX_ROUNDS = 25
KILLS = 2
TIMEOUT_SECONDS = 30
TERMINATE_SECONDS = 10


@dataclass
class Answer:
    what: str
    status: int
    body: str
    retry_after: str | None = None

    @classmethod
    def of(cls, what: str, response: requests.Response) -> Answer:
        return cls(
            what,
            response.status_code,
            response.text[:500],
            response.headers.get("Retry-After"),
        )


def sign_in_for_api(server: PortalServer, username: str) -> requests.Session:
    client = requests.Session()
    answer = client.post(
        f"{server.url}/api/v1/auth/token/",
        json={"username": username, "password": PASSWORD},
        timeout=TIMEOUT_SECONDS,
    )
    assert answer.status_code == 200, answer.text
    client.headers["Authorization"] = f"Token {answer.json()['token']}"
    return client


def sign_in_for_pages(server: PortalServer, username: str) -> requests.Session:
    client = requests.Session()
    login_url = f"{server.url}/accounts/login/"
    client.get(login_url, timeout=TIMEOUT_SECONDS).raise_for_status()
    answer = client.post(
        login_url,
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": client.cookies["csrftoken"],
        },
        timeout=TIMEOUT_SECONDS,
        allow_redirects=False,
    )
    assert answer.status_code == 302, answer.text[:2000]
    return client


def other_backends() -> int:
    """Connections to the test database other than this test's own."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def terminate_other_backends() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return sum(1 for (terminated,) in cursor.fetchall() if terminated)


def wait_until_terminated() -> None:
    # A terminated backend exits on its own time; the signal is only the request.
    deadline = time.monotonic() + TERMINATE_SECONDS
    while other_backends():
        assert time.monotonic() < deadline, "terminated backends are still there"
        time.sleep(0.1)


def request_mix(
    server: PortalServer, api: requests.Session, pages: requests.Session, world
) -> list[Callable[[], Answer]]:
    """Reads and a write through the API, and pages, as a BLKK manager."""
    trainee = world.objects[Trainee]["a"]
    base = server.url
    created = iter(range(1_000_000))

    def get(client: requests.Session, path: str) -> Callable[[], Answer]:
        def call() -> Answer:
            answer = client.get(f"{base}{path}", timeout=TIMEOUT_SECONDS)
            return Answer.of(f"GET {path}", answer)

        return call

    def create_batch() -> Answer:
        start = datetime.date(2026, 1, 5)
        answer = api.post(
            f"{base}/api/v1/training-batches/",
            json={
                "vocational_field": "menjahit",
                "name": f"Angkatan gangguan {next(created)}",
                "start_date": start.isoformat(),
                "end_date": (start + datetime.timedelta(days=30)).isoformat(),
                "capacity": 20,
            },
            timeout=TIMEOUT_SECONDS,
        )
        return Answer.of("POST training-batches", answer)

    return [
        get(api, "/api/v1/trainees/"),
        get(api, f"/api/v1/trainees/{trainee.pk}/"),
        get(api, "/api/v1/training-batches/"),
        get(api, "/api/v1/ventures/"),
        get(api, "/api/v1/enrollments/"),
        get(pages, "/"),
        create_batch,
    ]


def run_round(calls: list[Callable[[], Answer]]) -> list[Answer]:
    # Concurrent, so that both workers take requests.
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda call: call(), calls))


def run_until_both_workers_served(
    server: PortalServer, calls: list[Callable[[], Answer]]
) -> list[Answer]:
    served_before = len(server.access_lines())
    answers: list[Answer] = []
    for _ in range(MAX_ROUNDS):
        answers += run_round(calls)
        pids = {line.pid for line in server.access_lines()[served_before:]}
        if len(pids) >= WORKERS:
            return answers
    raise AssertionError(f"one worker served nothing: {answers}")


@pytest.fixture
def world_server(transactional_db, tmp_path):
    world = build_world()
    let_sign_in_on_the_server(world.users.values(), PASSWORD)
    with running_portal(
        tmp_path / "server", workers=WORKERS, extra_env={"CONN_MAX_AGE": "600"}
    ) as server:
        yield world, server


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_requests_succeed_after_every_database_connection_is_terminated(
    world_server,
):
    world, server = world_server
    api = sign_in_for_api(server, "manager_a")
    pages = sign_in_for_pages(server, "manager_a")
    calls = request_mix(server, api, pages, world)

    for _ in range(MAX_ROUNDS):
        answers = run_round(calls)
        assert all(a.status < 300 for a in answers), answers
        if other_backends() >= WORKERS:
            break
    assert other_backends() >= WORKERS, "the workers did not keep their connections"

    for kill in range(1, KILLS + 1):
        assert terminate_other_backends() >= WORKERS
        wait_until_terminated()
        after_kill = run_until_both_workers_served(server, calls)
        refused = [a for a in after_kill if not 200 <= a.status < 300]
        assert refused == [], f"kill {kill}: {refused}"


@pytest.fixture
def database_proxy():
    db = connection.settings_dict
    proxy = DatabaseProxy(target=(db["HOST"], int(db["PORT"] or 5432)))
    proxy.start()
    yield proxy
    proxy.stop()


@pytest.fixture
def world_server_behind_proxy(transactional_db, tmp_path, database_proxy):
    world = build_world()
    let_sign_in_on_the_server(world.users.values(), PASSWORD)
    db = connection.settings_dict
    with running_portal(
        tmp_path / "server",
        workers=WORKERS,
        extra_env={"CONN_MAX_AGE": "600"},
        database_url=database_proxy.url(db["NAME"], db["USER"]),
    ) as server:
        yield world, server, database_proxy


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_while_the_database_is_unreachable_requests_answer_503_then_recover(
    world_server_behind_proxy,
):
    world, server, proxy = world_server_behind_proxy
    api = sign_in_for_api(server, "manager_a")
    pages = sign_in_for_pages(server, "manager_a")
    calls = request_mix(server, api, pages, world)
    assert all(a.status < 300 for a in run_until_both_workers_served(server, calls))

    proxy.cut()
    anonymous = requests.Session()

    def sign_in() -> Answer:
        answer = anonymous.post(
            f"{server.url}/api/v1/auth/token/",
            json={"username": "manager_b", "password": PASSWORD},
            timeout=TIMEOUT_SECONDS,
        )
        return Answer.of("POST auth/token", answer)

    def health() -> Answer:
        answer = anonymous.get(f"{server.url}/healthz/", timeout=TIMEOUT_SECONDS)
        return Answer.of("GET /healthz/", answer)

    outage = run_until_both_workers_served(server, [*calls, sign_in, health])
    assert [a for a in outage if a.status != 503] == []
    api_answers = [a for a in outage if "/api/" in a.what or "auth" in a.what]
    assert all(a.retry_after for a in outage if a.what != "GET /healthz/")
    assert all('"detail"' in a.body for a in api_answers)
    page = next(a for a in outage if a.what == "GET /")
    assert "Server Error" not in page.body

    proxy.restore()
    after = run_until_both_workers_served(server, calls)
    assert [a for a in after if not 200 <= a.status < 300] == []
