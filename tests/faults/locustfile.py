"""The load of tests/faults/test_load.py: every role reading and writing the API.

Run by that test as `locust --headless` against gunicorn on loopback. The test
writes a plan (LOAD_PLAN, JSON: one account per simulated user, with its BLKK,
batch or assignment) and reads back what happened (LOAD_RESULTS, JSON): every
request's status, every write sent, and every write answered 201 with its id and
natural key, so that the test can find each in the database exactly once.

Each simulated user has its own account and a number (`key`) that makes its natural
keys its own: the NIKs it registers carry a birth date no one else's carry.
"""

from __future__ import annotations

import datetime
import functools
import json
import os
import random
from collections import defaultdict

import gevent
from locust import constant, events, task
from locust.contrib.fasthttp import FastHttpUser

with open(os.environ["LOAD_PLAN"]) as plan_file:
    PLAN = json.load(plan_file)

RESULTS: dict[str, list] = defaultdict(list)
LISTS = [
    "/api/v1/blkks/",
    "/api/v1/trainees/",
    "/api/v1/training-batches/",
    "/api/v1/enrollments/",
    "/api/v1/cohorts/",
    "/api/v1/ventures/",
    "/api/v1/mentor-assignments/",
    "/api/v1/mentoring-sessions/",
    "/api/v1/reports/",
]
BIRTHS_FROM = datetime.date(1970, 1, 1)


@events.request.add_listener
def record_request(request_type, name, response, context, exception, **_kwargs):
    RESULTS["requests"].append(
        {
            "method": request_type,
            "name": name,
            "status": getattr(response, "status_code", 0) or 0,
            "expect": (context or {}).get("expect"),
            "error": repr(exception) if exception else None,
            "body": (getattr(response, "text", "") or "")[:300] if exception else None,
        }
    )


@events.quitting.add_listener
def write_results(**_kwargs):
    with open(os.environ["LOAD_RESULTS"], "w") as results_file:
        json.dump(RESULTS, results_file)


def paced(weight: int):
    """A task of this weight that ends with the user's pause (`PortalUser.think`)."""

    def wrap(function):
        @functools.wraps(function)
        def run(user):
            try:
                function(user)
            finally:
                user.think()

        return task(weight)(run)

    return wrap


class PortalUser(FastHttpUser):
    """A signed-in user; each task ends with a pause (`think`, through `paced`).

    The pause is inside the task, not locust's `wait_time`: a user stopped while in
    `wait_time` is killed at once, and the kill can land in the request of the task
    just woken, so a write would be sent with no answer read. Paused in a task, the
    user is let finish it (--stop-timeout). The test still accounts for a write
    left unanswered.
    """

    abstract = True
    role = ""
    wait_time = constant(0)

    def on_start(self) -> None:
        self.account = PLAN[self.role].pop()
        self.key = self.account["key"]
        self.serial = 0
        self.headers: dict[str, str] = {}
        answer = self.client.post(
            "/api/v1/auth/token/",
            json={"username": self.account["username"], "password": PLAN["password"]},
            name="POST auth/token",
        )
        if answer.status_code == 200:
            self.headers = {"Authorization": f"Token {answer.json()['token']}"}

    def think(self) -> None:
        gevent.sleep(random.uniform(0.2, 1.0))

    def next_serial(self) -> int:
        self.serial += 1
        return self.serial

    def get(self, path: str, name: str | None = None):
        return self.client.get(path, headers=self.headers, name=name or f"GET {path}")

    def create(self, kind: str, path: str, body: dict, key: str):
        """POST a new row; a 201 is recorded with the id and key to look for."""
        RESULTS["sent"].append({"kind": kind, "key": key})
        answer = self.client.post(
            path, json=body, headers=self.headers, name=f"POST {path}"
        )
        RESULTS["answered"].append({"kind": kind, "key": key})
        if answer.status_code == 201:
            row_id = answer.json()["id"]
            RESULTS["created"].append({"kind": kind, "id": row_id, "key": key})
            return row_id
        return None

    @paced(4)
    def read_a_list(self) -> None:
        self.get(random.choice(LISTS))


class MinistryUser(PortalUser):
    role = "ministry"
    fixed_count = 5

    @paced(1)
    def register_a_blkk(self) -> None:
        code = f"BLKK-LOAD-{self.key:02d}{self.next_serial():04d}"
        body = {
            "code": code,
            "name": f"BLKK Beban {code}",
            "host_institution": "Yayasan Beban",
            "institution_type": "community",
            "regency": "32.73",
            "vocational_fields": ["menjahit"],
        }
        self.create("blkk", "/api/v1/blkks/", body, key=code)

    @paced(1)
    def change_a_blkk_address(self) -> None:
        blkk = random.choice(PLAN["blkks"])
        address = f"Jl. Beban {self.key}-{self.next_serial()}"
        answer = self.client.patch(
            f"/api/v1/blkks/{blkk}/",
            json={"address": address},
            headers=self.headers,
            name="PATCH /api/v1/blkks/{id}/",
        )
        if answer.status_code == 200:
            RESULTS["updated"].append({"kind": "blkk", "id": blkk, "key": address})


class ProvinceUser(PortalUser):
    role = "province"
    fixed_count = 5

    @paced(2)
    def read_a_blkk(self) -> None:
        blkk = random.choice(self.account["blkks"])
        self.get(f"/api/v1/blkks/{blkk}/", name="GET /api/v1/blkks/{id}/")


class ManagerUser(PortalUser):
    role = "manager"
    fixed_count = 25

    def on_start(self) -> None:
        super().on_start()
        self.trainees: list[int] = list(self.account["trainees"])
        self.batch = self.open_a_batch()

    def open_a_batch(self) -> int | None:
        name = f"Angkatan beban {self.key}-{self.next_serial()}"
        body = {
            "blkk": self.account["blkk"],
            "vocational_field": "menjahit",
            "name": name,
            "start_date": "2026-01-05",
            "end_date": "2026-02-04",
            "capacity": 500,
        }
        return self.create("batch", "/api/v1/training-batches/", body, key=name)

    def nik(self, serial: int) -> tuple[str, datetime.date]:
        # A man born on this user's own day: province, region 0101, DDMMYY, serial.
        birth = BIRTHS_FROM + datetime.timedelta(days=self.key)
        return f"{self.account['province']}0101{birth:%d%m%y}{serial:04d}", birth

    @paced(1)
    def open_another_batch(self) -> None:
        self.batch = self.open_a_batch() or self.batch

    @paced(3)
    def register_and_enroll_a_person(self) -> None:
        nik, birth = self.nik(self.next_serial())
        body = {
            "nik": nik,
            "full_name": f"Peserta Beban {self.key}-{self.serial}",
            "gender": "M",
            "birth_date": birth.isoformat(),
            "phone": "081234567890",
            "regency": self.account["regency"],
            "education": "sma",
            "prior_status": "unemployed",
            "blkk": self.account["blkk"],
        }
        trainee = self.create("trainee", "/api/v1/trainees/", body, key=nik)
        if trainee is None or self.batch is None:
            return
        self.trainees.append(trainee)
        self.create(
            "enrollment",
            "/api/v1/enrollments/",
            {"trainee": trainee, "batch": self.batch},
            key=f"{trainee}:{self.batch}",
        )

    @paced(2)
    def read_a_person(self) -> None:
        trainee = random.choice(self.trainees)
        self.get(f"/api/v1/trainees/{trainee}/", name="GET /api/v1/trainees/{id}/")

    @paced(1)
    def register_a_person_with_a_bad_nik(self) -> None:
        """Refused with 400, the one failure the load expects."""
        with self.client.post(
            "/api/v1/trainees/",
            json={"nik": "1234", "full_name": "Salah Ketik"},
            headers=self.headers,
            name="POST /api/v1/trainees/ (bad NIK)",
            context={"expect": [400]},
            catch_response=True,
        ) as answer:
            if answer.status_code == 400:
                answer.success()


class MentorUser(PortalUser):
    role = "mentor"
    fixed_count = 15

    @paced(2)
    def record_a_session(self) -> None:
        topics = f"Sesi beban {self.key}-{self.next_serial()}"
        body = {
            "assignment": self.account["assignment"],
            "held_on": PLAN["today"],
            "duration_minutes": 60,
            "mode": "phone",
            "topics": topics,
            "mentee_rating": 4,
        }
        self.create("session", "/api/v1/mentoring-sessions/", body, key=topics)
