"""Time the admin's changelists (the first page of every portal model's list) at
national scale, in-process, for ministry staff and province staff.

Usage (the database must be a copy of the seeded one: each request writes its
session row, and the trainee list its audit events; its name must contain "bench"):

    createdb -h 127.0.0.1 -U postgres -T blkk_bench blkk_bench_admin
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/blkk_bench_admin SECRET_KEY=x \\
        .venv/bin/python scripts/bench_admin.py --runs 20 --out var/admin-after.json

    # the code before a change, from a checkout of it, on the same database:
    DATABASE_URL=... .venv/bin/python scripts/bench_admin.py --root ../before \\
        --out var/admin-before.json

    .venv/bin/python scripts/bench_admin.py --compare var/admin-before.json \\
        var/admin-after.json   # a Markdown table, before -> after

    # both, list by list in turns (on a machine whose load changes):
    DATABASE_URL=... .venv/bin/python scripts/bench_admin.py --against ../before \\
        --rounds 4 --runs 5 --out var/admin   # var/admin-before.json, -after.json

Each list is opened through Django's test client signed in as its user, so the whole
middleware, session, scoping and template stack runs, with DEBUG off: one request to
warm up, then `--runs` timed ones (median and p95 of the wall time); then three more
with every query timed by an execute wrapper (the median of their SQL time, the
query count, and the slowest queries of the last). Runs of before and after are
best interleaved (`--compare` takes several files a side, comma-separated, and pools
their timings).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
PORTAL_APPS = {"accounts", "audit", "training", "incubator", "mentoring", "reports"}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--root", default=str(HERE), help="the checkout to measure")
    parser.add_argument("--users", default="bench-ministry,bench-province")
    parser.add_argument("--models", default="", help="app.Model,... (default: all)")
    parser.add_argument("--query", default="", help="a query string for every list")
    parser.add_argument("--out", default="")
    parser.add_argument(
        "--explain", action="store_true", help="keep the slowest query's plan"
    )
    parser.add_argument("--label", default="")
    parser.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"))
    parser.add_argument(
        "--against",
        default="",
        help="a checkout of the code before: time both, list by list, in turns",
    )
    parser.add_argument("--rounds", type=int, default=2)
    return parser.parse_args(argv)


def configure(root: str) -> None:
    if os.environ.get("DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}:
        sys.exit(
            "Refusing to run with DEBUG on: the figures would not be production's."
        )
    os.environ["DEBUG"] = "false"
    hosts = [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h]
    os.environ["ALLOWED_HOSTS"] = ",".join([*hosts, "testserver"])
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="bench_admin_"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blkk_portal.settings")
    root_path = Path(root).resolve()
    sys.path.insert(0, str(root_path))
    # Celery's Django fixup puts the working directory first on the path.
    os.chdir(root_path)
    import django

    django.setup()
    from django.conf import settings

    # The pages name static files; no collected manifest is needed to time them.
    settings.STORAGES["staticfiles"]["BACKEND"] = (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    name = settings.DATABASES["default"]["NAME"]
    if "bench" not in name or name == "blkk_bench":
        sys.exit(f"{name}: run on a copy of the benchmark database (it is written).")


class Timer:
    """Every query's SQL and wall time, through an execute wrapper."""

    def __init__(self) -> None:
        self.queries: list[tuple[float, str, object]] = []

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = (time.perf_counter() - start) * 1000
            self.queries.append((elapsed, sql, params))


def explain(sql: str, params) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of one query, rolled back."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        plan = "\n".join(line for (line,) in cursor.fetchall())
        transaction.set_rollback(True)
    return plan


def measure(args: argparse.Namespace) -> dict:
    from django.contrib import admin
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from blkk_portal.accounts.models import User

    models = sorted(
        (m for m in admin.site._registry if m._meta.app_label in PORTAL_APPS),
        key=lambda m: m._meta.label,
    )
    if args.models:
        wanted = set(args.models.split(","))
        models = [m for m in models if m._meta.label in wanted]
    results = []
    for username in args.users.split(","):
        client = Client()
        client.force_login(User.objects.get(username=username))
        for model in models:
            url = reverse(
                f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
            )
            if args.query:
                url = f"{url}?{args.query}"
            status = client.get(url).status_code
            row = {"user": username, "model": model._meta.label, "status": status}
            if status == 200:
                times = []
                for _run in range(args.runs):
                    start = time.perf_counter()
                    client.get(url)
                    times.append((time.perf_counter() - start) * 1000)
                sql_totals = []
                for _run in range(3):
                    timer = Timer()
                    with connection.execute_wrapper(timer):
                        client.get(url)
                    sql_totals.append(sum(ms for ms, _sql, _p in timer.queries))
                slowest = sorted(timer.queries, key=lambda q: q[0], reverse=True)[:3]
                row.update(
                    times=times,
                    queries=len(timer.queries),
                    sql_ms=statistics.median(sql_totals),
                    slowest=[(round(ms, 2), sql[:300]) for ms, sql, _p in slowest],
                )
                if args.explain:
                    row["plan"] = explain(slowest[0][1], slowest[0][2])
                print(
                    f"{username:16} {model._meta.label:36} "
                    f"median {statistics.median(times):7.1f} ms  "
                    f"sql {row['sql_ms']:7.1f} ms  {row['queries']:2} queries",
                    flush=True,
                )
            else:
                print(f"{username:16} {model._meta.label:36} {status}", flush=True)
            results.append(row)
    return {"label": args.label or args.root, "runs": args.runs, "rows": results}


def pooled(paths: str) -> dict[tuple[str, str], dict]:
    """Rows of one or more result files, their timings pooled per (user, model)."""
    rows: dict[tuple[str, str], dict] = {}
    for path in paths.split(","):
        for row in json.loads(Path(path).read_text())["rows"]:
            key = (row["user"], row["model"])
            kept = rows.setdefault(key, {**row, "times": [], "sql": []})
            kept["times"] += row.get("times", [])
            if "sql_ms" in row:
                kept["sql"].append(row["sql_ms"])
    return rows


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def compare(before_paths: str, after_paths: str) -> str:
    before, after = pooled(before_paths), pooled(after_paths)
    lines = [
        "| user | list | before median (p95) | after median (p95) | ratio "
        "| SQL before -> after | queries |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key in sorted(after):
        b, a = before.get(key), after[key]
        if not a["times"] or b is None or not b["times"]:
            continue
        bm, am = statistics.median(b["times"]), statistics.median(a["times"])
        lines.append(
            f"| {key[0]} | {key[1]} | {bm:.1f} ({p95(b['times']):.1f}) ms "
            f"| {am:.1f} ({p95(a['times']):.1f}) ms | {am / bm:.2f} "
            f"| {statistics.median(b['sql']):.1f} -> {statistics.median(a['sql']):.1f}"
            f" ms | {b['queries']} -> {a['queries']} |"
        )
    return "\n".join(lines)


def interleave(args: argparse.Namespace, out: Path) -> None:
    """Before and after in turns, one list at a time, `--rounds` times (`--runs`
    timed requests each time): a machine whose load changes over the run then
    weighs on both alike. Writes `<out>-before.json` and `<out>-after.json`."""
    import subprocess

    from django.contrib import admin

    labels = (
        args.models.split(",")
        if args.models
        else [
            m._meta.label
            for m in sorted(admin.site._registry, key=lambda m: m._meta.label)
            if m._meta.app_label in PORTAL_APPS
        ]
    )
    rows: dict[str, list] = {"before": [], "after": []}
    part = out.with_suffix(".part.json")
    for _round in range(args.rounds):
        for label in labels:
            for side, root in (("before", args.against), ("after", args.root)):
                command = [
                    sys.executable,
                    str(Path(__file__).resolve()),
                    "--root",
                    root,
                    "--runs",
                    str(args.runs),
                    "--users",
                    args.users,
                    "--models",
                    label,
                    "--out",
                    str(part),
                ]
                if args.query:
                    command += ["--query", args.query]
                subprocess.run(command, check=True)  # noqa: S603 (our own script)
                rows[side] += json.loads(part.read_text())["rows"]
    part.unlink()
    for side, side_rows in rows.items():
        path = out.with_name(f"{out.stem}-{side}.json")
        path.write_text(json.dumps({"label": side, "rows": side_rows}, indent=1))
    print(
        compare(
            str(out.with_name(f"{out.stem}-before.json")),
            str(out.with_name(f"{out.stem}-after.json")),
        )
    )


def main(argv=None) -> None:
    args = parse_args(argv)
    if args.compare:
        print(compare(*args.compare))
        return
    if args.against:
        args.against = str(Path(args.against).resolve())
        args.root = str(Path(args.root).resolve())
        out = Path(args.out or "var/bench_admin").resolve()
        configure(args.root)
        interleave(args, out)
        return
    out = Path(args.out).resolve() if args.out else None
    configure(args.root)
    result = measure(args)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
