"""Measure the portal pages of BLKK managers, mentors and staff, and the dashboards,
at national scale.

Usage (from the repository root; the database name must contain "bench"):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/blkk_bench SECRET_KEY=x \
        .venv/bin/python scripts/bench_pages.py [--runs 30] [--out var/bench_pages.md] \
        [--parts manager,mentor,staff,dashboards]

It reuses `scripts/bench_api.py` and, through it, `scripts/bench_scoping.py` (imported
by path, nothing copied): the refusal of any database whose name lacks "bench", the
national dataset of `reports.scale` (the loader of `manage.py seed_scale`: 4,300
BLKKs, 600,000 trainees, 700,000 enrollments, 1,500,000 sessions at factor 1; run
only when the database has no trainees yet), the measured users of
`reports.scale.bench_users` (the manager of a typical Jawa Barat incubator BLKK,
the Jawa Barat province user, ministry staff, a mentor with five assignments) and
production settings (`DEBUG` off, static files collected into a temporary folder).

Each page is requested through Django's test client signed in as its user, so the
whole middleware, session, scoping, template and format stack runs; warm (one
request before timing); median and p95 over `--runs` requests; with the number of
queries and the time spent in SQL of one request. Every page must answer 200.

Before measuring, the reports of the `--report-months` months before this one (12)
are stored where none is (the monthly pass, figures only), so that the dashboards'
past months and trends read stored reports as in production. The dashboards are
measured with their live figures computed on every request
(`DASHBOARD_LIVE_SECONDS=0`) and from the cache (as beat's warm pass keeps them),
and the warm pass itself is timed.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load_bench_api():
    path = ROOT / "scripts" / "bench_api.py"
    spec = importlib.util.spec_from_file_location("bench_api", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_api"] = module
    spec.loader.exec_module(module)
    return module


ba = load_bench_api()
bs = ba.bs


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="timed requests per page")
    parser.add_argument("--budget", type=float, default=30.0, help="seconds per page")
    parser.add_argument("--scale", type=float, default=1.0, help="dataset scale")
    parser.add_argument("--out", default=None, help="also write the table here")
    parser.add_argument(
        "--prepare-only", action="store_true", help="load the data and users, stop"
    )
    parser.add_argument(
        "--parts",
        default="manager,mentor,staff,dashboards",
        help="comma-separated parts to measure: manager,mentor,staff,dashboards",
    )
    parser.add_argument(
        "--report-months",
        type=int,
        default=12,
        help="store the reports of this many months before this one (the monthly "
        "pass, no files) where none is stored, so that the dashboards' past months "
        "and trends read stored reports",
    )
    return parser.parse_args(argv)


def manager_pages(manager) -> list[tuple[str, str]]:
    """(label, path) of every page a manager works on, with real objects."""
    from django.urls import reverse

    from incubator.models import Cohort, Venture
    from training.models import Blkk, Trainee, TrainingBatch

    blkk = Blkk.objects.filter(managers=manager).get()
    code = blkk.code
    trainee = Trainee.objects.filter(blkk=blkk).order_by("-pk").first()
    batch = TrainingBatch.objects.filter(blkk=blkk).order_by("-start_date").first()
    venture = Venture.objects.filter(cohort__blkk=blkk).order_by("pk").first()
    cohort = Cohort.objects.filter(blkk=blkk).order_by("pk").first()
    name_word = trainee.full_name.split()[0]

    def url(name: str, *args) -> str:
        return reverse(name, args=[code, *args])

    pages = [
        ("BLKK page", url("blkk-home")),
        ("trainees", url("trainee-list")),
        (f"trainees ?q={name_word}", url("trainee-list") + f"?q={name_word}"),
        ("trainees ?q=NIK end", url("trainee-list") + f"?q={trainee.nik[-6:]}"),
        ("a trainee", url("trainee-detail", trainee.pk)),
        ("new trainee form", url("trainee-create")),
        ("batches", url("batch-list")),
        ("a batch", url("batch-detail", batch.pk)),
        ("enroll form", url("batch-enroll", batch.pk)),
        ("certifications", url("certification-list")),
        ("outcomes", url("outcome-list")),
        ("follow-ups", url("followup-list")),
        ("contact details", url("blkk-contact")),
    ]
    if cohort is not None:
        pages += [
            ("cohorts", url("cohort-list")),
            ("a cohort", url("cohort-detail", cohort.pk)),
        ]
    if venture is not None:
        pages += [
            ("ventures", url("venture-list")),
            ("a venture", url("venture-detail", venture.pk)),
            ("monthly metrics form", url("metrics-month")),
        ]
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
    ]


def staff_pages(manager) -> list[tuple[str, str]]:
    from django.urls import reverse

    from training.models import Blkk

    code = Blkk.objects.filter(managers=manager).get().code
    return [
        ("BLKK list", reverse("blkk-list")),
        ("a BLKK page, read-only", reverse("blkk-home", args=[code])),
        ("its trainees, read-only", reverse("trainee-list", args=[code])),
    ]


def staff_requests(manager) -> list[tuple[str, tuple[str, str]]]:
    """(role, page) pairs: the province user on each staff page, ministry staff on
    the BLKK's page."""
    blkk_list, blkk_home, trainees = staff_pages(manager)
    return [
        ("province", blkk_list),
        ("province", blkk_home),
        ("ministry", blkk_home),
        ("province", trainees),
    ]


def store_report_months(months: int) -> None:
    """The monthly pass (`reports_generate_month`, figures only: the files do not
    change what a page reads) for each of the `months` months before this one
    that has no stored national report yet."""
    import time

    from django.utils import timezone

    from blkk_portal.months import Month
    from reports.models import ProgressReport
    from reports.services import reports_generate_month

    this_month = Month.of(timezone.localdate())
    for back in range(months, 0, -1):
        month = this_month.shifted(-back)
        if ProgressReport.objects.filter(
            scope="national", period=month.first_day
        ).exists():
            continue
        started = time.perf_counter()
        stored = len(reports_generate_month(month=month))
        took = time.perf_counter() - started
        print(f"stored {stored:,} reports of {month} in {took:.1f} s")


def dashboard_requests(manager) -> list[tuple[str, str, str, int]]:
    """(role, label, path, DASHBOARD_LIVE_SECONDS) of each dashboard measured: the
    country (ministry) and Jawa Barat (its staff), this month so far and last month
    (its stored report), computed on every request (0) and from the cache (600:
    the live figures and the lists, as beat's warm pass keeps them); and the
    manager's BLKK page as the province user sees it (never cached)."""
    from django.urls import reverse
    from django.utils import timezone

    from blkk_portal.months import Month
    from training.models import Blkk

    last_month = f"?month={Month.of(timezone.localdate()).shifted(-1)}"
    code = Blkk.objects.filter(managers=manager).get().code
    requests = []
    for role, name, path in (
        ("ministry", "country", reverse("dashboard")),
        ("province", "Jawa Barat", reverse("dashboard-province", args=["32"])),
    ):
        requests += [
            (role, f"{name}, this month so far, computed", path, 0),
            (role, f"{name}, this month so far, from the cache", path, 600),
            (role, f"{name}, last month, lists computed", path + last_month, 0),
            (role, f"{name}, last month, lists cached", path + last_month, 600),
        ]
    blkk_page = reverse("blkk-home", args=[code])
    requests += [
        ("province", f"BLKK page {code}, this month so far", blkk_page, 600),
        ("province", f"BLKK page {code}, last month", blkk_page + last_month, 600),
    ]
    return requests


def warm_line(args) -> str:
    """The time of beat's warm pass (`reports.tasks.dashboards_warm`): this month
    so far for the country and every province, from one pass."""
    from django.test.utils import override_settings

    from reports.dashboards import live_figures_warm

    with override_settings(DASHBOARD_LIVE_SECONDS=600):
        timed = bs.time_call(live_figures_warm, min(args.runs, 10), args.budget)
    return (
        f"Beat's warm pass (`dashboards_warm`: the country and "
        f"{timed['result'] - 1} provinces from one pass): median "
        f"{timed['median']:.1f} ms, p95 {timed['p95']:.1f} ms over "
        f"{timed['runs']} runs.\n"
    )


def measure(user, label: str, path: str, args, live_seconds: int | None = None) -> dict:
    from django.test import Client
    from django.test.utils import override_settings

    client = Client()
    client.force_login(user)

    def get():
        response = client.get(path)
        if response.status_code != 200:
            raise AssertionError(f"{label} GET {path}: {response.status_code}")
        return response

    if live_seconds is not None:
        with override_settings(DASHBOARD_LIVE_SECONDS=live_seconds):
            return _measured(label, get, args)
    return _measured(label, get, args)


def _measured(label: str, get, args) -> dict:
    timed = bs.time_call(get, args.runs, args.budget)
    queries = ba.capture_timed(get)
    return {
        "label": label,
        "median": timed["median"],
        "p95": timed["p95"],
        "runs": timed["runs"],
        "queries": len(queries),
        "sql_ms": sum(q[2] for q in queries),
    }


def table(title: str, rows: list[dict]) -> str:
    lines = [
        f"### {title}",
        "",
        "| page | median ms | p95 ms | runs | queries | SQL ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['label']} | {row['median']:.1f} | {row['p95']:.1f} | "
            f"{row['runs']} | {row['queries']} | {row['sql_ms']:.1f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    ba.configure_environment()
    # Production's static files: collected, hashed, compressed, into a throwaway folder.
    os.environ.setdefault("STATIC_ROOT", tempfile.mkdtemp(prefix="bench_pages_static_"))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("collectstatic", interactive=False, verbosity=0)
    users = ba.prepare_database(args)
    store_report_months(args.report_months)
    if args.prepare_only:
        return 0
    parts = set(args.parts.split(","))
    manager = users["manager"]
    sections = []
    if "manager" in parts:
        sections.append(
            (
                f"BLKK manager ({manager.username})",
                [
                    measure(manager, label, path, args)
                    for label, path in manager_pages(manager)
                ],
            )
        )
    if "mentor" in parts:
        sections.append(
            (
                "Mentor (5 assignments, 75 sessions)",
                [
                    measure(users["mentor"], label, path, args)
                    for label, path in mentor_pages(users["mentor"])
                ],
            )
        )
    if "staff" in parts:
        sections.append(
            (
                "Province staff (Jawa Barat) and ministry staff, read-only",
                [
                    measure(users[role], f"{label} ({role})", path, args)
                    for role, (label, path) in staff_requests(manager)
                ],
            )
        )
    if "dashboards" in parts:
        sections.append(
            (
                "Dashboards (ministry: the country; province staff: Jawa Barat and "
                "a BLKK's page)",
                [
                    measure(users[role], f"{label} ({role})", path, args, seconds)
                    for role, label, path, seconds in dashboard_requests(manager)
                ],
            )
        )
    text = "\n".join(table(title, rows) for title, rows in sections)
    if "dashboards" in parts:
        text += "\n" + warm_line(args)
    text += f"\n{ba.environment_line()}\n"
    print(text)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
