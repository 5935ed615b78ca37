"""A bounded load on gunicorn: 50 users of the four roles read and write the API.

Locust (headless, loopback only, LOAD_SECONDS of run time) drives the load of
tests/faults/locustfile.py: ministry staff register BLKKs and change their
addresses, provincial staff read, BLKK managers open batches and register and
enroll people, mentors record sessions, and everyone reads lists and records. The
server runs with the production settings, throttles set generously (the whole load
comes from one address).

What must hold: no answer 5xx, no request fails except the deliberate 400s, and
every write answered 201 is in the database exactly once (each row found by the
natural key sent, the rows added equal to the 201s, no write left unanswered).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from blkk_portal.accounts.models import Role
from mentoring.models import MentoringSession
from mentoring.services import user_create
from tests.faults.server import let_sign_in_on_the_server, running_portal
from tests.incubator.factories import CohortFactory, VentureFactory
from tests.mentoring.factories import MentorAssignmentFactory
from tests.personas import PASSWORD
from tests.reference import ensure_reference_data
from tests.training.factories import BlkkFactory, TraineeFactory, regency
from training.models import Blkk, Enrollment, Province, Trainee, TrainingBatch

pytestmark = pytest.mark.faults

# Bounds: the load runs this long, then each user may finish its task in hand.
USERS = 50
SPAWN_RATE = 25
LOAD_SECONDS = 40
STOP_SECONDS = 20
LOCUST_TIMEOUT = LOAD_SECONDS + STOP_SECONDS + 60
# Generous, for 50 users behind one address; rates the throttles read, if present.
THROTTLE_ENV = {
    "API_SEARCH_RATE": "100000/minute",
    "API_TOKEN_RATE": "100000/minute",
    "API_ADDRESS_RATE": "100000/minute",
}
ROLE_COUNTS = {"ministry": 5, "province": 5, "manager": 25, "mentor": 15}
# (province code, regency code) of the BLKKs the load works on.
BLKK_PLACES = [("32", "32.73"), ("32", "32.73"), ("32", "32.73"), ("35", "35.78")]
# What each kind of write creates, and the field holding the natural key sent; an
# enrollment's key is "trainee id:batch id".
KEY_FIELDS = {
    "blkk": (Blkk, "code"),
    "batch": (TrainingBatch, "name"),
    "trainee": (Trainee, "nik"),
    "session": (MentoringSession, "topics"),
    "enrollment": (Enrollment, None),
}
KINDS = list(KEY_FIELDS)


def model_of(kind: str):
    return KEY_FIELDS[kind][0]


def stored_ids(kind: str, keys: list[str]) -> dict[str, list[int]]:
    """The ids of the rows stored under each natural key."""
    model, key_field = KEY_FIELDS[kind]
    found: dict[str, list[int]] = defaultdict(list)
    if key_field is None:
        trainees = {key.split(":")[0] for key in keys}
        pairs = model.objects.filter(trainee__in=trainees)
        for trainee, batch, pk in pairs.values_list("trainee_id", "batch_id", "pk"):
            found[f"{trainee}:{batch}"].append(pk)
    else:
        rows = model.objects.filter(**{f"{key_field}__in": keys})
        for key, pk in rows.values_list(key_field, "pk"):
            found[key].append(pk)
    return {key: found[key] for key in keys}


def build_load_world() -> dict:
    """The BLKKs, accounts and records of the load; answers the locust plan."""
    ensure_reference_data()
    blkks = []
    for _province, regency_code in BLKK_PLACES:
        blkk = BlkkFactory(regency=regency(regency_code), is_incubator=True)
        people = [TraineeFactory(blkk=blkk, regency=blkk.regency) for _ in range(3)]
        venture = VentureFactory(cohort=CohortFactory(blkk=blkk), founders=people[:1])
        blkks.append((blkk, people, venture))
    plan: dict = {
        "password": PASSWORD,
        "today": timezone.localdate().isoformat(),
        "blkks": [blkk.pk for blkk, _people, _venture in blkks],
    }
    users = []
    key = iter(range(USERS))

    def account(role: str, **kwargs):
        number = next(key)
        user = user_create(
            username=f"load_{role}_{number:02d}",
            password=PASSWORD,
            role=role,
            full_name=f"Beban {number}",
            email=f"load{number}@example.id",
            **kwargs,
        )
        users.append(user)
        return user, number

    plan["ministry"] = [
        {"username": user.username, "key": number}
        for user, number in (
            account(Role.MINISTRY) for _ in range(ROLE_COUNTS["ministry"])
        )
    ]
    plan["province"] = []
    for index in range(ROLE_COUNTS["province"]):
        code = ("32", "35")[index % 2]
        user, number = account(Role.PROVINCE, province=Province.objects.get(pk=code))
        seen = [b.pk for b, _p, _v in blkks if b.regency.province_id == code]
        plan["province"].append(
            {"username": user.username, "key": number, "blkks": seen}
        )
    plan["manager"] = []
    for index in range(ROLE_COUNTS["manager"]):
        blkk, people, _venture = blkks[index % len(blkks)]
        user, number = account(Role.BLKK_MANAGER, blkks=[blkk])
        plan["manager"].append(
            {
                "username": user.username,
                "key": number,
                "blkk": blkk.pk,
                "regency": blkk.regency_id,
                "province": blkk.regency.province_id,
                "trainees": [person.pk for person in people],
            }
        )
    plan["mentor"] = []
    for index in range(ROLE_COUNTS["mentor"]):
        _blkk, _people, venture = blkks[index % len(blkks)]
        user, number = account(Role.MENTOR)
        assignment = MentorAssignmentFactory(
            mentor=user.mentor_profile, venture=venture
        )
        plan["mentor"].append(
            {"username": user.username, "key": number, "assignment": assignment.pk}
        )
    let_sign_in_on_the_server(users, PASSWORD)
    return plan


def run_locust(host: str, workdir: Path, plan: dict) -> dict:
    plan_path, results_path = workdir / "plan.json", workdir / "results.json"
    plan_path.write_text(json.dumps(plan))
    command = [
        sys.executable,
        "-m",
        "locust",
        "--locustfile",
        str(Path(__file__).with_name("locustfile.py")),
        "--headless",
        "--users",
        str(USERS),
        "--spawn-rate",
        str(SPAWN_RATE),
        "--run-time",
        f"{LOAD_SECONDS}s",
        "--stop-timeout",
        str(STOP_SECONDS),
        "--host",
        host,
        "--only-summary",
        "--loglevel",
        "INFO",
    ]
    finished = subprocess.run(  # noqa: S603 (our own command line)
        command,
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "LOAD_PLAN": str(plan_path),
            "LOAD_RESULTS": str(results_path),
        },
        capture_output=True,
        text=True,
        timeout=LOCUST_TIMEOUT,
    )
    print(finished.stdout[-10_000:], finished.stderr[-10_000:])
    assert results_path.exists(), f"locust wrote no results:\n{finished.stderr}"
    results = json.loads(results_path.read_text())
    # Non-zero when a request failed unexpectedly or a task raised (locust's rule).
    results["exit_code"] = finished.returncode
    return results


def status_is_expected(request: dict) -> bool:
    if request["expect"]:
        return request["status"] in request["expect"]
    return 200 <= request["status"] < 300


@pytest.fixture
def plan(transactional_db):
    return build_load_world()


@pytest.fixture
def server(plan, tmp_path):
    with running_portal(tmp_path / "server", extra_env=THROTTLE_ENV) as server:
        yield server


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_users_of_every_role_get_no_5xx_and_each_write_is_stored_once(
    plan, server, tmp_path
):
    rows_before = {kind: model_of(kind).objects.count() for kind in KINDS}

    results = run_locust(server.url, tmp_path, plan)

    requests = results["requests"]
    statuses = Counter(request["status"] for request in requests)
    print("answers by status:", dict(statuses))
    assert [r for r in requests if r["status"] >= 500] == []
    assert [r for r in requests if not status_is_expected(r)] == []
    signed_in = [r for r in requests if r["name"] == "POST auth/token"]
    assert len(signed_in) == USERS
    assert results["exit_code"] == 0, "a task raised: see locust's output"

    created = results["created"]
    sent = {(row["kind"], row["key"]) for row in results["sent"]}
    answered = {(row["kind"], row["key"]) for row in results["answered"]}
    assert len(sent) == len(results["sent"]), "a natural key was sent twice"
    assert answered == {(row["kind"], row["key"]) for row in created}
    # A user stopped as the run ends may be cut off mid-write (see the locustfile).
    unanswered = sent - answered
    assert len(unanswered) <= USERS
    print(f"writes: {len(created)} answered 201, {len(unanswered)} cut off")
    for kind in KINDS:
        rows = [row for row in created if row["kind"] == kind]
        assert rows, f"no {kind} was written"
        cut_off = [key for cut_kind, key in unanswered if cut_kind == kind]
        stored = stored_ids(kind, [row["key"] for row in rows] + cut_off)
        assert {row["key"]: stored[row["key"]] for row in rows} == {
            row["key"]: [row["id"]] for row in rows
        }, f"a {kind} answered 201 is missing or stored twice"
        assert all(len(stored[key]) <= 1 for key in cut_off)
        stored_cut_off = sum(len(stored[key]) for key in cut_off)
        added = model_of(kind).objects.count() - rows_before[kind]
        assert added == len(rows) + stored_cut_off, f"{kind}: rows without a 201"

    addresses = {row["key"] for row in results["updated"]}
    assert addresses, "no BLKK address was changed"
    for blkk in Blkk.objects.filter(pk__in=plan["blkks"]).exclude(address=""):
        assert blkk.address in addresses
