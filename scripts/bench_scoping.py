"""Measure the portal's scoped querysets (`visible_to`) at national scale.

Usage (from the repository root; the database name must contain "bench"):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/blkk_bench SECRET_KEY=x \
        .venv/bin/python scripts/bench_scoping.py [--scale 1.0] [--runs 20]

What it does, in order:

1. creates the database if it does not exist, and migrates it;
2. loads the national benchmark dataset with `reports.scale.load` (the loader of
   `manage.py seed_scale`, at `--scale` as its factor; only when the database has
   no trainees yet): 4,300 BLKKs, 600,000 trainees, 700,000 enrollments, 1,500,000
   mentoring sessions and the rest at factor 1. No history rows are written
   (history tables are not read by the measured queries);
3. creates the measured users with `reports.scale.bench_users` (through the
   services: ministry, the Jawa Barat province user, a manager of an incubator
   BLKK and one of a training-only BLKK, a mentor with five assignments), then
   ANALYZE;
4. times, for each user and each main model, the first list page (LIMIT 50, default
   ordering, the admin's `list_select_related`) and the `count()` the admin
   paginator and the dashboard run; median and p95 over `--runs` runs;
5. saves one `EXPLAIN (ANALYZE, BUFFERS)` per query to `--explain-out`;
6. prints a markdown table.

`--try-indexes` then adds candidate indexes with raw SQL (bench database only),
measures again, prints before/after, and drops them again (unless `--keep-indexes`).
`--try-keyset` times a deep OFFSET page against keyset pagination.
`--try-jit-off` measures again with `SET jit = off` in the session.
`--try-rewrites` times alternative formulations of the slow scoped queries, built
here in the script (the application code is not changed). `--drop` drops the bench
database at the end.
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The admin's `list_select_related` for each measured model (what a changelist or
# an API list with the same joins runs).
SELECT_RELATED = {
    "Blkk": ["regency__province"],
    "Trainee": ["blkk", "regency"],
    "Enrollment": ["trainee", "batch__blkk"],
    "Certification": ["trainee"],
    "GraduateOutcome": ["trainee"],
    "Venture": ["cohort__blkk"],
    "VentureMetric": ["venture"],
    "MentoringSession": [
        "assignment__mentor",
        "assignment__venture",
        "assignment__blkk",
    ],
}
PAGE_SIZE = 50

# Candidate indexes for --try-indexes: (name, table, definition, why).
CANDIDATE_INDEXES = [
    (
        "bench_trainee_name_id",
        "training_trainee",
        "(full_name, id)",
        "Trainee default ordering (full_name, pk): first page without a sort",
    ),
    (
        "bench_enrollment_created_id",
        "training_enrollment",
        "(created_at DESC, id DESC)",
        "Enrollment default ordering (-created_at, -pk)",
    ),
    (
        "bench_outcome_surveyed_id",
        "training_graduateoutcome",
        "(surveyed_on DESC, id DESC)",
        "GraduateOutcome default ordering (-surveyed_on, -pk)",
    ),
    (
        "bench_certification_issued_id",
        "training_certification",
        "(issued_on DESC, id DESC)",
        "Certification default ordering (-issued_on, -pk); the (issued_on) index "
        "leaves an incremental sort",
    ),
]


# --------------------------------------------------------------------------- setup


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="the dataset's factor (reports.scale; 1: the national dataset)",
    )
    parser.add_argument("--runs", type=int, default=20, help="timed runs per query")
    parser.add_argument(
        "--budget",
        type=float,
        default=15.0,
        help="seconds per query at most: slow queries get fewer runs (min 5)",
    )
    parser.add_argument("--seed", type=int, default=None, help="the loader's seed")
    parser.add_argument(
        "--explain-out",
        default=str(Path(tempfile.gettempdir()) / "bench_scoping_explain.md"),
        help="where the EXPLAIN (ANALYZE, BUFFERS) plans are written",
    )
    parser.add_argument("--no-explain", action="store_true")
    parser.add_argument(
        "--only-roles",
        default="",
        help="comma-separated roles to measure (default all)",
    )
    parser.add_argument(
        "--only-models",
        default="",
        help="comma-separated model names to measure (default all)",
    )
    parser.add_argument(
        "--try-indexes",
        action="store_true",
        help="add candidate indexes (raw SQL, bench DB only), measure again, drop them",
    )
    parser.add_argument(
        "--keep-indexes", action="store_true", help="keep the --try-indexes indexes"
    )
    parser.add_argument(
        "--try-rewrites",
        action="store_true",
        help="time alternative formulations of the slow scoped queries",
    )
    parser.add_argument(
        "--try-jit-off",
        action="store_true",
        help="measure again with SET jit = off (this session only)",
    )
    parser.add_argument(
        "--try-keyset",
        action="store_true",
        help="time a deep OFFSET page against keyset pagination (ministry user)",
    )
    parser.add_argument(
        "--deep-offset", type=int, default=10_000, help="OFFSET of the deep page"
    )
    parser.add_argument("--drop", action="store_true", help="drop the database at end")
    args = parser.parse_args(argv)
    return args


def database_settings() -> dict:
    from django.conf import settings

    return settings.DATABASES["default"]


def ensure_bench_database() -> str:
    """Refuse anything but a bench database; create it when missing."""
    import psycopg2
    from psycopg2 import sql

    db = database_settings()
    name = db["NAME"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        sys.exit(f"Refusing to run: {db['ENGINE']} is not PostgreSQL.")
    if "bench" not in str(name):
        sys.exit(
            f"Refusing to run against database {name!r}: its name must contain "
            "'bench' (this script loads and may drop the whole database)."
        )
    conn = psycopg2.connect(
        dbname="postgres",
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cur.fetchone() is None:
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")
    conn.close()
    return name


def drop_bench_database(name: str) -> None:
    import psycopg2
    from django.db import connections
    from psycopg2 import sql

    connections.close_all()
    db = database_settings()
    conn = psycopg2.connect(
        dbname="postgres",
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    conn.close()
    print(f"dropped database {name}")


# --------------------------------------------------------------------------- timing


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def time_call(fn: Callable[[], object], runs: int, budget: float) -> dict:
    """Warm up once, then time `runs` calls (fewer when one call is slow)."""
    started = time.perf_counter()
    result = fn()
    warm = time.perf_counter() - started
    if warm * runs > budget:
        runs = max(5, int(budget / max(warm, 1e-6)))
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return {
        "median": statistics.median(samples),
        "p95": _p95(samples),
        "runs": runs,
        "result": result,
    }


def capture_sql(fn: Callable[[], object]) -> list[tuple[str, tuple]]:
    from django.db import connection

    captured: list[tuple[str, tuple]] = []

    def wrapper(execute, sql, params, many, context):
        captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        fn()
    return captured


def explain(sql: str, params) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def measured_models() -> dict[str, type]:
    from incubator.models import Venture, VentureMetric
    from mentoring.models import MentoringSession
    from training.models import (
        Blkk,
        Certification,
        Enrollment,
        GraduateOutcome,
        Trainee,
    )

    return {
        "Blkk": Blkk,
        "Trainee": Trainee,
        "Enrollment": Enrollment,
        "Certification": Certification,
        "GraduateOutcome": GraduateOutcome,
        "Venture": Venture,
        "VentureMetric": VentureMetric,
        "MentoringSession": MentoringSession,
    }


def query_matrix(users: dict[str, object], args) -> list[tuple[str, str, Callable]]:
    """(role, model name, queryset factory) for every measured combination."""
    only_roles = {r for r in args.only_roles.split(",") if r}
    only_models = {m for m in args.only_models.split(",") if m}
    matrix = []
    for role, user in users.items():
        if only_roles and role not in only_roles:
            continue
        for name, model in measured_models().items():
            if only_models and name not in only_models:
                continue

            def factory(model=model, user=user, name=name):
                return model.objects.visible_to(user).select_related(
                    *SELECT_RELATED[name]
                )

            matrix.append((role, name, factory))
    return matrix


def measure_matrix(
    matrix: list[tuple[str, str, Callable]],
    args,
    explain_log: list[str] | None,
    label: str,
) -> list[dict]:
    results = []
    for role, name, factory in matrix:
        page = time_call(
            lambda f=factory: list(f()[:PAGE_SIZE]), args.runs, args.budget
        )
        count = time_call(lambda f=factory: f().count(), args.runs, args.budget)
        row = {
            "role": role,
            "model": name,
            "rows": count["result"],
            "page_median": page["median"],
            "page_p95": page["p95"],
            "page_runs": page["runs"],
            "count_median": count["median"],
            "count_p95": count["p95"],
            "count_runs": count["runs"],
        }
        results.append(row)
        print(
            f"  {label:<9} {role:<13} {name:<17} rows={row['rows']:>8}  "
            f"page {row['page_median']:8.1f} ms  count {row['count_median']:8.1f} ms",
            flush=True,
        )
        if explain_log is not None:
            for kind, fn in (
                ("page", lambda f=factory: list(f()[:PAGE_SIZE])),
                ("count", lambda f=factory: f().count()),
            ):
                statements = capture_sql(fn)
                if not statements:
                    explain_log.append(
                        f"## {label}: {role} / {name} / {kind}\n\n"
                        "No query: Django knows the result is empty.\n"
                    )
                    continue
                sql, params = statements[-1]
                explain_log.append(
                    f"## {label}: {role} / {name} / {kind}\n\n"
                    f"Queries issued: {len(statements)}\n\n"
                    f"```sql\n{sql}\n-- params: {params!r}\n```\n\n"
                    f"```\n{explain(sql, params)}\n```\n"
                )
    return results


def results_table(results: list[dict]) -> str:
    lines = [
        "| user | model | visible rows | page median ms | page p95 ms "
        "| count median ms | count p95 ms | runs |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['role']} | {r['model']} | {r['rows']:,} | {r['page_median']:.1f} "
            f"| {r['page_p95']:.1f} | {r['count_median']:.1f} | {r['count_p95']:.1f} "
            f"| {min(r['page_runs'], r['count_runs'])} |"
        )
    return "\n".join(lines)


def comparison_table(before: list[dict], after: list[dict], label: str) -> str:
    lines = [
        f"| user | model | page before ms | page {label} ms "
        f"| count before ms | count {label} ms |",
        "|---|---|---:|---:|---:|---:|",
    ]
    indexed = {(r["role"], r["model"]): r for r in after}
    for b in before:
        a = indexed.get((b["role"], b["model"]))
        if a is None:
            continue
        lines.append(
            f"| {b['role']} | {b['model']} | {b['page_median']:.1f} "
            f"| {a['page_median']:.1f} | {b['count_median']:.1f} "
            f"| {a['count_median']:.1f} |"
        )
    return "\n".join(lines)


# ------------------------------------------------------------------- experiments


def try_indexes(matrix, args, explain_log, baseline) -> None:
    from django.db import connection

    print("\n--try-indexes: creating candidate indexes (bench database only)")
    with connection.cursor() as cursor:
        for name, table, definition, why in CANDIDATE_INDEXES:
            started = time.perf_counter()
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} {definition}")
            print(
                f"  {name} ON {table} {definition}: "
                f"{time.perf_counter() - started:.1f} s  ({why})"
            )
        cursor.execute("ANALYZE")
    after = measure_matrix(matrix, args, explain_log, "indexed")
    print("\n### With candidate indexes\n")
    print(results_table(after))
    print("\n### Before / after candidate indexes (medians)\n")
    print(comparison_table(baseline, after, "indexed"))
    if args.try_keyset:
        try_keyset(_bench_users(), args, "with candidate indexes")
    if args.try_rewrites:
        # Everything recommended at once: indexes, jit off and the rewrites.
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        try_rewrites(
            _bench_users(),
            args,
            explain_log,
            baseline,
            label="rewrite + indexes + jit off",
        )
        with connection.cursor() as cursor:
            cursor.execute("RESET jit")
    if not args.keep_indexes:
        with connection.cursor() as cursor:
            for name, *_rest in CANDIDATE_INDEXES:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
            cursor.execute("ANALYZE")
        print("\ncandidate indexes dropped (use --keep-indexes to keep them)")


def _bench_users() -> dict[str, object]:
    from reports.scale import bench_users

    return bench_users(timezone_today())


def timezone_today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()


def try_jit_off(matrix, args, explain_log, baseline) -> None:
    from django.db import connection

    print("\n--try-jit-off: SET jit = off for this session")
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    after = measure_matrix(matrix, args, explain_log, "jit off")
    with connection.cursor() as cursor:
        cursor.execute("RESET jit")
    print("\n### Before / after jit = off (medians)\n")
    print(comparison_table(baseline, after, "jit off"))


# (model, ordering field, descending): the default orderings, with pk as tie-breaker.
KEYSET_SPECS = [
    ("Trainee", "full_name", False),
    ("Enrollment", "created_at", True),
    ("GraduateOutcome", "surveyed_on", True),
    ("MentoringSession", "held_on", True),
]


def try_keyset(users, args, label: str) -> None:
    """A deep page by OFFSET against the same page by keyset (WHERE after the last
    row of the previous page), for the ministry user; same rows checked."""
    from django.db.models import Q

    user = users["ministry"]
    models = measured_models()
    offset = args.deep_offset
    lines = [
        f"| model | OFFSET {offset:,} median ms | keyset median ms |",
        "|---|---:|---:|",
    ]
    for name, field, descending in KEYSET_SPECS:
        model = models[name]

        def base(model=model, name=name):
            return model.objects.visible_to(user).select_related(*SELECT_RELATED[name])

        value, pk = base().values_list(field, "pk")[offset - 1]
        if descending:
            after = Q(**{f"{field}__lt": value}) | Q(pk__lt=pk)
            bound = {f"{field}__lte": value}
        else:
            after = Q(**{f"{field}__gt": value}) | Q(pk__gt=pk)
            bound = {f"{field}__gte": value}

        def deep(base=base):
            return list(base()[offset : offset + PAGE_SIZE])

        def keyset(base=base, bound=bound, after=after):
            return list(base().filter(**bound).filter(after)[:PAGE_SIZE])

        if [o.pk for o in deep()] != [o.pk for o in keyset()]:
            raise AssertionError(f"keyset page of {name} differs from the OFFSET page")
        deep_t = time_call(deep, args.runs, args.budget)
        keyset_t = time_call(keyset, args.runs, args.budget)
        lines.append(f"| {name} | {deep_t['median']:.1f} | {keyset_t['median']:.1f} |")
    print(f"\n### Deep page, OFFSET against keyset ({label}; ministry user)\n")
    print("\n".join(lines))


def rewrites(users: dict[str, object]) -> list[tuple[str, str, str, Callable]]:
    """(role, model, variant, queryset factory): other ways to say the same scope.

    Each variant returns exactly the rows of `visible_to` (checked before timing).
    """
    from django.db.models import Q

    from blkk_portal.accounts.scope import scope_of
    from incubator.models import VentureMetric
    from mentoring.models import MentorAssignment, MentoringSession
    from training.models import (
        Certification,
        Enrollment,
        GraduateOutcome,
        Trainee,
        TrainingBatch,
    )

    def trainee_ids(blkk_ids):
        """Registered at, or enrolled at, a reached BLKK: a UNION of two index scans.

        `.order_by()` drops the models' default ordering inside the UNION parts.
        """
        registered = Trainee.objects.filter(blkk_id__in=blkk_ids).values("pk")
        enrolled = Enrollment.objects.filter(
            batch_id__in=TrainingBatch.objects.filter(blkk_id__in=blkk_ids).values("pk")
        ).values("trainee_id")
        return registered.order_by().union(enrolled.order_by())

    def enrolled_ids(blkk_ids):
        return (
            Enrollment.objects.filter(batch__blkk_id__in=blkk_ids)
            .order_by()
            .values("trainee_id")
        )

    def assignment_ids(blkk_ids):
        """Assignments to the whole BLKK UNION assignments to one of its ventures."""
        whole = MentorAssignment.objects.filter(blkk_id__in=blkk_ids).values("pk")
        ventures = MentorAssignment.objects.filter(
            venture__cohort__blkk_id__in=blkk_ids
        ).values("pk")
        return whole.order_by().union(ventures.order_by())

    variants = []
    for role in ("province", "manager", "manager_training"):
        user = users.get(role)
        if user is None:
            continue
        blkk_ids = scope_of(user).blkk_ids
        variants += [
            (
                role,
                "Trainee",
                "blkk_id IN (...) OR pk IN (enrolled), no correlated EXISTS",
                lambda b=blkk_ids: Trainee.objects.filter(
                    Q(blkk_id__in=b) | Q(pk__in=enrolled_ids(b))
                ).select_related("blkk", "regency"),
            ),
            (
                role,
                "Trainee",
                "pk IN (registered UNION enrolled)",
                lambda b=blkk_ids: Trainee.objects.filter(
                    pk__in=trainee_ids(b)
                ).select_related("blkk", "regency"),
            ),
            (
                role,
                "Certification",
                "trainee.blkk_id IN (...) OR trainee_id IN (enrolled)",
                lambda b=blkk_ids: Certification.objects.filter(
                    Q(trainee__blkk_id__in=b) | Q(trainee_id__in=enrolled_ids(b))
                ).select_related("trainee"),
            ),
            (
                role,
                "GraduateOutcome",
                "trainee.blkk_id IN (...) OR trainee_id IN (enrolled)",
                lambda b=blkk_ids: GraduateOutcome.objects.filter(
                    Q(trainee__blkk_id__in=b) | Q(trainee_id__in=enrolled_ids(b))
                ).select_related("trainee"),
            ),
            (
                role,
                "Certification",
                "trainee_id IN (registered UNION enrolled)",
                lambda b=blkk_ids: Certification.objects.filter(
                    trainee_id__in=trainee_ids(b)
                ).select_related("trainee"),
            ),
            (
                role,
                "GraduateOutcome",
                "trainee_id IN (registered UNION enrolled)",
                lambda b=blkk_ids: GraduateOutcome.objects.filter(
                    trainee_id__in=trainee_ids(b)
                ).select_related("trainee"),
            ),
            (
                role,
                "Enrollment",
                "batch_id IN (batches of the BLKKs)",
                lambda b=blkk_ids: Enrollment.objects.filter(
                    batch_id__in=TrainingBatch.objects.filter(blkk_id__in=b).values(
                        "pk"
                    )
                ).select_related("trainee", "batch__blkk"),
            ),
            (
                role,
                "MentoringSession",
                "assignment_id IN (assignments reached)",
                lambda b=blkk_ids: MentoringSession.objects.filter(
                    assignment_id__in=assignment_ids(b)
                ).select_related(*SELECT_RELATED["MentoringSession"]),
            ),
        ]
    for role, user in users.items():
        variants.append(
            (
                role,
                "VentureMetric",
                "order_by(venture_id, -period)",
                lambda u=user: (
                    VentureMetric.objects.visible_to(u)
                    .select_related("venture")
                    .order_by("venture_id", "-period")
                ),
            )
        )
    return variants


def try_rewrites(users, args, explain_log, baseline, label="rewrite") -> None:
    print(f"\n--try-rewrites ({label}): alternative formulations of the same scope")
    models = measured_models()
    base = {(r["role"], r["model"]): r for r in baseline}
    lines = [
        "| user | model | variant | visible rows | page median ms "
        "| count median ms | page before ms | count before ms |",
        "|---|---|---|---:|---:|---:|---:|---:|",
    ]
    only_roles = {r for r in args.only_roles.split(",") if r}
    only_models = {m for m in args.only_models.split(",") if m}
    for role, name, variant, factory in rewrites(users):
        if (only_roles and role not in only_roles) or (
            only_models and name not in only_models
        ):
            continue
        reference = models[name].objects.visible_to(users[role])
        expected = set(reference.values_list("pk", flat=True))
        if set(factory().values_list("pk", flat=True)) != expected:
            raise AssertionError(f"{role}/{name}/{variant}: different rows")
        page = time_call(
            lambda f=factory: list(f()[:PAGE_SIZE]), args.runs, args.budget
        )
        count = time_call(lambda f=factory: f().count(), args.runs, args.budget)
        before = base.get((role, name), {})
        lines.append(
            f"| {role} | {name} | {variant} | {count['result']:,} "
            f"| {page['median']:.1f} | {count['median']:.1f} "
            f"| {before.get('page_median', float('nan')):.1f} "
            f"| {before.get('count_median', float('nan')):.1f} |"
        )
        print(f"  {role:<13} {name:<17} {variant}: page {page['median']:.1f} ms")
        if explain_log is not None:
            for kind, fn in (
                ("page", lambda f=factory: list(f()[:PAGE_SIZE])),
                ("count", lambda f=factory: f().count()),
            ):
                statements = capture_sql(fn)
                if not statements:
                    continue
                sql, params = statements[-1]
                explain_log.append(
                    f"## {label}: {role} / {name} / {variant} / {kind}\n\n"
                    f"```\n{explain(sql, params)}\n```\n"
                )
    print(f"\n### Rewrites, {label} (same rows, other SQL)\n")
    print("\n".join(lines))


# --------------------------------------------------------------------------- main


def dataset_sizes() -> str:
    from incubator.models import Cohort, Venture, VentureMetric
    from mentoring.models import Mentor, MentorAssignment, MentoringSession
    from training.models import (
        Blkk,
        Certification,
        Enrollment,
        GraduateOutcome,
        Regency,
        Trainee,
        TrainingBatch,
    )

    lines = ["| table | rows |", "|---|---:|"]
    for model in (
        Regency,
        Blkk,
        TrainingBatch,
        Trainee,
        Enrollment,
        Certification,
        GraduateOutcome,
        Cohort,
        Venture,
        Venture.founders.through,
        VentureMetric,
        Mentor,
        MentorAssignment,
        MentoringSession,
    ):
        lines.append(f"| {model._meta.db_table} | {model.objects.count():,} |")
    return "\n".join(lines)


def describe_users(users: dict[str, object]) -> str:
    from blkk_portal.accounts.scope import scope_of
    from mentoring.models import MentorAssignment
    from training.models import Blkk, Trainee

    lines = []
    for role, user in users.items():
        scope = scope_of(user)
        if scope.everything:
            lines.append(f"- {role}: everything")
            continue
        parts = []
        if scope.blkk_ids is not None:
            blkks = Blkk.objects.filter(pk__in=scope.blkk_ids)
            codes = list(blkks.values_list("code", flat=True)[:3])
            parts.append(f"{blkks.count():,} BLKKs ({', '.join(codes)}...)")
            if len(codes) == 1:
                registered = Trainee.objects.filter(blkk__in=blkks).count()
                parts.append(f"{registered} trainees registered there")
        if scope.mentor_id is not None:
            parts.append(
                f"{MentorAssignment.objects.filter(mentor_id=scope.mentor_id).count()}"
                " assignments"
            )
        lines.append(f"- {role}: {'; '.join(parts)}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blkk_portal.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from reports import scale
    from training.models import Trainee

    name = ensure_bench_database()
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"migrated {name} in {time.perf_counter() - started:.1f} s")
    today = timezone.localdate()

    if Trainee.objects.exists():
        print("data already loaded: skipping the load (drop the database to reload)")
    else:
        print(f"loading the national dataset at factor {args.scale} (reports.scale)")
        seed = scale.DEFAULT_SEED if args.seed is None else args.seed
        report = scale.load(factor=args.scale, seed=seed, today=today, progress=True)
        print(f"  loaded {report.rows:,} rows in {report.total_seconds:.1f} s")
    users = scale.bench_users(today)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0]
    print(f"\n{version}\n")
    print("### Dataset\n")
    print(dataset_sizes())
    print("\n### Users\n")
    print(describe_users(users))
    print()

    explain_log: list[str] | None = None if args.no_explain else []
    matrix = query_matrix(users, args)
    baseline = measure_matrix(matrix, args, explain_log, "baseline")
    print("\n### Results (wall time in Django, warm cache)\n")
    print(results_table(baseline))
    if args.try_keyset:
        try_keyset(users, args, "schema as migrated")
    if args.try_rewrites:
        try_rewrites(users, args, explain_log, baseline)
    if args.try_jit_off:
        try_jit_off(matrix, args, explain_log, baseline)
    if args.try_indexes:
        try_indexes(matrix, args, explain_log, baseline)
    if explain_log is not None:
        Path(args.explain_out).write_text(
            "# EXPLAIN (ANALYZE, BUFFERS) of the scoped queries\n\n"
            + "\n".join(explain_log),
            encoding="utf-8",
        )
        print(f"\nplans written to {args.explain_out}")
    if args.drop:
        drop_bench_database(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
