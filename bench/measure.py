"""The benchmark's in-process parts, run against one seeded database:

    DATABASE_URL=... python -m bench.measure --out figures.json [--parts api,pages,...]

`python -m bench` runs it once per dataset (factor 0.1 and factor 1) in a process of
its own, with the production settings (DEBUG off) and `bench.settings`' URLs. Each
request goes through Django's test client, so what is timed is the whole framework:
middleware, authentication, the view, serializing and rendering, but no network.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from .timing import Timed, measure, p95, time_calls

ROOT = Path(__file__).resolve().parent.parent
PARTS = ("api", "deep", "pages", "dashboards", "admin", "kpis")
ROLES = ("ministry", "province", "manager", "manager_training", "mentor")

# Every list of /api/v1/ that grows with the country, and the small ones a client
# reads as often.
API_LISTS = (
    "blkks",
    "training-batches",
    "trainees",
    "enrollments",
    "certifications",
    "graduate-outcomes",
    "instructors",
    "partnerships",
    "placements",
    "grade-assessments",
    "cohorts",
    "ventures",
    "venture-metrics",
    "milestones",
    "cohort-applications",
    "application-reviews",
    "assistance",
    "mentors",
    "mentor-assignments",
    "mentoring-sessions",
    "reports",
)
DEEP_LISTS = ("trainees", "enrollments", "certifications", "mentoring-sessions")
DEEP_PAGE = 20


def configure() -> None:
    """Production settings (DEBUG off), plus what the test client needs."""
    os.environ["DEBUG"] = "false"
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    if "testserver" not in os.environ["ALLOWED_HOSTS"]:
        os.environ["ALLOWED_HOSTS"] += ",testserver"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def bench_user(role: str):
    from blkk_portal.accounts.models import User

    return User.objects.get(username="bench-" + role.replace("_", "-"))


def plain_superuser():
    """The plain admin's user (a superuser: the plain admin checks nothing else)."""
    from blkk_portal.accounts.models import User

    user = User.objects.filter(username="bench-superuser").first()
    if user is None:
        user = User.objects.create_superuser(
            username="bench-superuser", email="superuser@bench.invalid", password=None
        )
    return user


def token_client(user):
    """A test client that sends `user`'s API token, as an API client would."""
    from django.test import Client
    from knox.models import AuthToken

    _instance, token = AuthToken.objects.create(user)
    return Client(HTTP_AUTHORIZATION=f"Token {token}")


def session_client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def getter(client, path: str) -> Callable[[], object]:
    def get():
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path}: {response.status_code}")
        if getattr(response, "streaming", False):
            for _chunk in response.streaming_content:
                pass
        return response

    return get


def measured_or_refused(label: str, client, path: str, runs: int) -> Timed:
    """A 403 or 404 (the role does not read this list) is recorded, not timed."""
    status = client.get(path).status_code
    if status != 200:
        return Timed(label=label, median_ms=0, p95_ms=0, runs=0, status=status)
    return measure(label, getter(client, path), runs)


# --------------------------------------------------------------------------- parts


def api_first_pages(runs: int) -> list[dict]:
    rows = []
    for role in ROLES:
        client = token_client(bench_user(role))
        for name in API_LISTS:
            timed = measured_or_refused(
                f"{role} /api/v1/{name}/", client, f"/api/v1/{name}/", runs
            )
            rows.append(timed.as_dict() | {"role": role, "list": name})
    return rows


def api_deep_pages(runs: int) -> list[dict]:
    """Page DEEP_PAGE of the growing lists, reached by following `next` as a client
    pages: cursor pagination makes it cost what the first page costs."""
    rows = []
    for role in ("ministry", "province", "manager"):
        client = token_client(bench_user(role))
        for name in DEEP_LISTS:
            path = f"/api/v1/{name}/"
            page = 1
            while page < DEEP_PAGE and path:
                response = client.get(path)
                if response.status_code != 200:
                    path = None
                    break
                following = response.json().get("next")
                path = following.replace("http://testserver", "") if following else None
                page += 1
            if not path:
                continue
            timed = measure(f"{role} {name} page {page}", getter(client, path), runs)
            rows.append(timed.as_dict() | {"role": role, "list": name, "page": page})
    return rows


def manager_pages(manager) -> list[tuple[str, str]]:
    """(label, path) of every page a manager works on, with real objects."""
    from django.urls import reverse

    from incubator.models import Assistance, Cohort, CohortApplication, Venture
    from training.models import Blkk, Trainee, TrainingBatch

    blkk = Blkk.objects.filter(managers=manager).get()
    trainee = Trainee.objects.filter(blkk=blkk).order_by("-pk").first()
    batch = TrainingBatch.objects.filter(blkk=blkk).order_by("-start_date").first()
    cohort = Cohort.objects.filter(blkk=blkk).order_by("-pk").first()
    venture = Venture.objects.filter(cohort__blkk=blkk).order_by("pk").first()
    application = CohortApplication.objects.filter(cohort__blkk=blkk).first()
    assistance = Assistance.objects.filter(blkk=blkk).first()

    def url(name: str, *args) -> str:
        return reverse(name, args=[blkk.code, *args])

    word = trainee.full_name.split()[0]
    pages = [
        ("BLKK page", url("blkk-home")),
        ("trainees", url("trainee-list")),
        (f"trainees ?q={word}", url("trainee-list") + f"?q={word}"),
        ("a trainee", url("trainee-detail", trainee.pk)),
        ("new trainee form", url("trainee-create")),
        ("batches", url("batch-list")),
        ("a batch", url("batch-detail", batch.pk)),
        ("enroll form", url("batch-enroll", batch.pk)),
        ("certifications", url("certification-list")),
        ("outcomes", url("outcome-list")),
        ("follow-ups", url("followup-list")),
        ("placements", url("placement-list")),
        ("contact details", url("blkk-contact")),
        ("applications", url("application-list")),
        ("assistance", url("assistance-list")),
    ]
    if cohort is not None:
        pages += [
            ("cohorts", url("cohort-list")),
            ("a cohort", url("cohort-detail", cohort.pk)),
            ("a cohort's ranked applications", url("cohort-applications", cohort.pk)),
        ]
    if venture is not None:
        pages += [
            ("ventures", url("venture-list")),
            ("a venture", url("venture-detail", venture.pk)),
            ("monthly metrics form", url("metrics-month")),
        ]
    if application is not None:
        pages.append(("an application", url("application-detail", application.pk)))
    if assistance is not None:
        pages.append(("an assistance", url("assistance-detail", assistance.pk)))
    return pages


def mentor_pages(mentor_user) -> list[tuple[str, str]]:
    from django.urls import reverse

    assignment = (
        mentor_user.mentor_profile.assignments.filter(venture__isnull=False)
        .order_by("pk")
        .first()
    )
    return [
        ("my mentees", reverse("mentor-home")),
        (
            "log a session form",
            reverse("session-create") + f"?assignment={assignment.pk}",
        ),
        ("an assignment's history", reverse("assignment-detail", args=[assignment.pk])),
        ("metrics entry form", reverse("mentor-metrics")),
        ("applications to review", reverse("mentor-applications")),
    ]


def staff_pages(manager) -> list[tuple[str, str, str]]:
    """(role, label, path): province and ministry staff on the read-only pages."""
    from django.urls import reverse

    from training.models import Blkk

    code = Blkk.objects.filter(managers=manager).get().code
    pages = []
    for role in ("province", "ministry"):
        pages += [
            (role, "BLKK list", reverse("blkk-list")),
            (role, "a BLKK page", reverse("blkk-home", args=[code])),
            (role, "its trainees", reverse("trainee-list", args=[code])),
            (role, "its certifications", reverse("certification-list", args=[code])),
            (role, "its assistance", reverse("assistance-list", args=[code])),
        ]
    return pages


def portal_pages(runs: int) -> list[dict]:
    manager = bench_user("manager")
    rows = []
    client = session_client(manager)
    for label, path in manager_pages(manager):
        rows.append(measure(f"manager: {label}", getter(client, path), runs).as_dict())
    mentor = bench_user("mentor")
    client = session_client(mentor)
    for label, path in mentor_pages(mentor):
        rows.append(measure(f"mentor: {label}", getter(client, path), runs).as_dict())
    clients = {
        role: session_client(bench_user(role)) for role in ("province", "ministry")
    }
    for role, label, path in staff_pages(manager):
        rows.append(
            measure(f"{role}: {label}", getter(clients[role], path), runs).as_dict()
        )
    from django.test import Client

    rows.append(
        measure(
            "anonymous: public cohorts", getter(Client(), "/programmes/cohorts/"), runs
        ).as_dict()
    )
    return rows


def dashboards(runs: int) -> list[dict]:
    """The dashboards as beat keeps them: this month so far from the warm cache,
    last month from its stored report."""
    from django.urls import reverse
    from django.utils import timezone

    from blkk_portal.months import Month
    from reports.dashboards import live_figures_warm
    from training.models import Blkk

    started = time.perf_counter()
    live_figures_warm()
    warm_ms = (time.perf_counter() - started) * 1000
    last = f"?month={Month.of(timezone.localdate()).shifted(-1)}"
    code = Blkk.objects.filter(managers=bench_user("manager")).get().code
    rows = [Timed("beat's warm pass (every 5 min)", warm_ms, warm_ms, 1).as_dict()]
    for role, label, path in (
        ("ministry", "country", reverse("dashboard")),
        ("province", "Jawa Barat", reverse("dashboard-province", args=["32"])),
        ("province", "a BLKK page", reverse("blkk-home", args=[code])),
    ):
        client = session_client(bench_user(role))
        rows.append(
            measure(
                f"{role}: {label}, this month", getter(client, path), runs
            ).as_dict()
        )
        rows.append(
            measure(
                f"{role}: {label}, last month", getter(client, path + last), runs
            ).as_dict()
        )
    return rows


def admin_changelists(runs: int) -> list[dict]:
    """Each portal changelist (ministry staff) beside the plain admin's, interleaved
    run by run so that both see the same machine."""
    from django.urls import reverse

    from .plain_admin import MEASURED

    portal = session_client(bench_user("ministry"))
    plain = session_client(plain_superuser())
    province = session_client(bench_user("province"))
    rows = []
    for model in MEASURED:
        name = f"{model._meta.app_label}_{model._meta.model_name}_changelist"
        portal_get = getter(portal, reverse(f"admin:{name}"))
        plain_get = getter(plain, reverse(f"plain_admin:{name}"))
        province_get = getter(province, reverse(f"admin:{name}"))
        timings: dict[str, list[float]] = {"portal": [], "plain": [], "province": []}
        for get in (portal_get, plain_get, province_get):
            time_calls(get, 0, warmup=2)
        for _ in range(runs):
            for key, get in (
                ("portal", portal_get),
                ("plain", plain_get),
                ("province", province_get),
            ):
                timings[key] += time_calls(get, 1, warmup=0)
        queries = {
            key: measure(key, get, 1).queries
            for key, get in (
                ("portal", portal_get),
                ("plain", plain_get),
                ("province", province_get),
            )
        }
        rows.append(
            {
                "label": model.__name__,
                "portal_median_ms": statistics.median(timings["portal"]),
                "portal_p95_ms": p95(timings["portal"]),
                "plain_median_ms": statistics.median(timings["plain"]),
                "province_median_ms": statistics.median(timings["province"]),
                "province_p95_ms": p95(timings["province"]),
                "portal_queries": queries["portal"],
                "plain_queries": queries["plain"],
                "province_queries": queries["province"],
            }
        )
    return rows


def kpi_pass(runs: int) -> dict:
    """Last month's set-based KPI pass over every BLKK beside the committed
    hand-written SQL (bench/kpis.sql), interleaved; the figures must agree."""
    from django.utils import timezone

    from blkk_portal.months import Month
    from reports.kpis import figures_by_blkk

    from .kpi_sql import run_handwritten_kpis

    month = Month.of(timezone.localdate()).shifted(-1)
    orm_times, sql_times = [], []
    orm = sql = None
    for _ in range(runs):
        started = time.perf_counter()
        orm = figures_by_blkk(month)
        orm_times.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        sql = run_handwritten_kpis(month)
        sql_times.append((time.perf_counter() - started) * 1000)
    differing = [
        blkk_id
        for blkk_id, figures in orm.items()
        if any(
            figures.counts.get(kpi, 0) != value
            for kpi, value in sql.get(blkk_id, {}).items()
        )
    ]
    return {
        "month": str(month),
        "blkks": len(orm),
        "orm_median_ms": statistics.median(orm_times),
        "sql_median_ms": statistics.median(sql_times),
        "runs": runs,
        "blkks_differing": len(differing),
    }


def run(parts: list[str], runs: int) -> dict:
    from django.db import connection

    from training.models import Trainee

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    figures: dict = {"trainees": Trainee.objects.count()}
    steps = {
        "api": lambda: api_first_pages(runs),
        "deep": lambda: api_deep_pages(runs),
        "pages": lambda: portal_pages(runs),
        "dashboards": lambda: dashboards(runs),
        "admin": lambda: admin_changelists(max(5, runs // 2)),
        "kpis": lambda: kpi_pass(max(3, runs // 4)),
    }
    for part in parts:
        started = time.perf_counter()
        figures[part] = steps[part]()
        print(f"  {part}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--parts", default=",".join(PARTS))
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    configure()
    parts = [part for part in args.parts.split(",") if part]
    figures = run(parts, args.runs)
    Path(args.out).write_text(json.dumps(figures, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
