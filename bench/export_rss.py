"""The CSV export of the trainees a user reaches: time and peak RSS of the process
serving it (docs/performance-export.md).

    .venv/bin/python -m bench.export_rss [--json] [--runs N] [--baseline] USERNAME

`measure_export(username)` starts a fresh Python process that loads the portal
(`DJANGO_SETTINGS_MODULE`, `DATABASE_URL` from the environment, as the portal
reads them), signs the user in with Django's test client, asks for
`/api/v1/trainees/export/` and streams the body to /dev/null; that process reports
its own peak resident memory (`resource.getrusage(RUSAGE_SELF).ru_maxrss`, which
counts everything it ever held: the interpreter, Django, the portal and the export)
and the seconds from the request to the last byte. The process does everything in
one transaction that it rolls back (the session, the audit event): the database is
only read. Its throttle is lifted (`EXPORT_RATE`), so that runs can follow one another.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXPORT_URL = "/api/v1/trainees/export/"
LIST_URL = "/api/v1/trainees/"


def measure_export(username: str, *, baseline: bool = False) -> dict:
    """One export of everything `username` reaches, in a process of its own:
    `{"seconds", "rows", "peak_rss_mb", "startup_rss_mb", "warm_rss_mb",
    "first_byte_seconds", "cpu_seconds", "bytes"}`. `startup_rss_mb`: the same
    process with the portal loaded, before any request; `warm_rss_mb`: after
    serving the first page of the trainee list (the export's own cost is
    `peak_rss_mb - warm_rss_mb`); `cpu_seconds`: this process's, not the
    database's. `baseline`: instead, the export as it is often first written (see
    `_baseline`), `{"seconds", "rows", "peak_rss_mb", "bytes"}`."""
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "blkk_portal.settings")
    env["EXPORT_RATE"] = "1000/min"
    env["PYTHONPATH"] = os.pathsep.join(
        part for part in (str(ROOT), env.get("PYTHONPATH", "")) if part
    )
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.export_rss",
            "--baseline-child" if baseline else "--child",
            username,
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def _peak_rss_mb() -> float:
    # Linux reports ru_maxrss in kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _child(username: str) -> dict:
    """The measured process: the export through the portal's whole stack
    (middleware, DRF, the view), its body thrown away as it arrives."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, transaction
    from django.test import Client

    from blkk_portal.accounts.models import User
    from blkk_portal.audit.models import AuditAction, PersonalDataEvent

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # Django closes connections at each request's start and end; inside the
    # transaction rolled back below, that would close the one it runs in.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    with transaction.atomic():
        client = Client()
        client.force_login(User.objects.get(username=username))
        startup = _peak_rss_mb()
        # A worker that has served a page already: the URL patterns, DRF and the
        # trainee list's code loaded, as in a gunicorn worker that has been up.
        warm_up = client.get(LIST_URL, secure=True)
        if warm_up.status_code != 200:
            raise SystemExit(f"{LIST_URL} answered {warm_up.status_code}")
        warm = _peak_rss_mb()
        started = time.perf_counter()
        cpu_started = _cpu_seconds()
        response = client.get(EXPORT_URL, secure=True)
        if response.status_code != 200:
            raise SystemExit(f"{EXPORT_URL} answered {response.status_code}")
        size = 0
        first_byte = None
        with open(os.devnull, "wb") as sink:
            for chunk in response.streaming_content:
                if first_byte is None:
                    first_byte = time.perf_counter() - started
                sink.write(chunk)
                size += len(chunk)
        seconds = time.perf_counter() - started
        cpu = _cpu_seconds() - cpu_started
        event = PersonalDataEvent.objects.filter(action=AuditAction.EXPORT).latest("pk")
        transaction.set_rollback(True)
    return {
        "seconds": round(seconds, 3),
        "rows": event.rows,
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        "startup_rss_mb": round(startup, 1),
        "warm_rss_mb": round(warm, 1),
        "first_byte_seconds": round(first_byte or seconds, 3),
        # This process's own CPU (not the database's): steadier than the wall
        # time on a machine that others share.
        "cpu_seconds": round(cpu, 3),
        "bytes": size,
    }


def _baseline(username: str) -> dict:
    """The before figure: the trainee list's serializer over every row the user
    reaches and the whole file built in memory (an `HttpResponse`), same scope,
    writer and set-up; read only, like `_child`."""
    import io

    import django

    django.setup()
    from django.db import transaction
    from django.http import HttpResponse
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from blkk_portal.accounts.models import User
    from blkk_portal.spreadsheets import SafeCsvWriter
    from training.api.serializers import TraineeSerializer
    from training.models import Trainee

    user = User.objects.get(username=username)
    request = Request(APIRequestFactory().get(LIST_URL))
    request.user = user
    with transaction.atomic():
        started = time.perf_counter()
        rows = Trainee.objects.visible_to(user).with_full_nik_flag(user).order_by("id")
        data = TraineeSerializer(rows, many=True, context={"request": request}).data
        fields = list(TraineeSerializer.Meta.fields)
        buffer = io.StringIO()
        writer = SafeCsvWriter(buffer)
        writer.writerow(fields)
        for row in data:
            writer.writerow([row.get(name) for name in fields])
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv")
        size = len(response.content)
        seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 3),
        "rows": len(data),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        "bytes": size,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.export_rss")
    parser.add_argument("username")
    parser.add_argument("--json", action="store_true", help="one JSON line")
    parser.add_argument("--runs", type=int, default=1, help="report the medians")
    parser.add_argument(
        "--baseline",
        action="store_true",
        help="the before figure: the list's serializer, the whole file in memory",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--baseline-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.username)))
        return
    if args.baseline_child:
        print(json.dumps(_baseline(args.username)))
        return
    runs = [
        measure_export(args.username, baseline=args.baseline) for _ in range(args.runs)
    ]
    result = {key: statistics.median(run[key] for run in runs) for key in runs[0]} | {
        "rows": runs[0]["rows"],
        "runs": len(runs),
    }
    if args.json:
        print(json.dumps(result))
        return
    for key, value in result.items():
        print(f"{key:>20}: {value}")


if __name__ == "__main__":
    main()
