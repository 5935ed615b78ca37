"""Before and after the reach table (docs/performance-reach.md), on national data.

Two steps, so that "before" is the code before the change, not an imitation of it:

    # in each checkout (the one before the change, then this one), against its database:
    cd <checkout> && DATABASE_URL=... python <this file> dump > sql-<name>.json
    # then, from anywhere, interleaved, medians of 20:
    python <this file> time sql-before.json blkk_bench sql-after.json blkk_bench_reach

`dump` writes the SQL the portal sends for each case, as Django logs it (parameters
inlined by the driver): Jawa Barat's province user's first page (visible_to, default
ordering, 50 rows) and count of trainees, certifications and graduate outcomes, and
the manager's first page and count of trainees. `time` runs each statement on its
database, before and after in turn, and reports the medians of the round trips
(planning, execution and fetching the rows), then EXPLAIN ANALYZE's planning and
execution times of one run each.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time

RUNS = 20


def dump() -> None:
    sys.path.insert(0, os.getcwd())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blkk_portal.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from blkk_portal.accounts.models import User
    from training.models import Certification, GraduateOutcome, Trainee

    def sql_of(run) -> str:
        with CaptureQueriesContext(connection) as captured:
            run()
        return captured.captured_queries[-1]["sql"]

    cases = {}
    for who in ("province", "manager"):
        user = User.objects.get(username=f"bench-{who}")
        models = (
            [Trainee, Certification, GraduateOutcome]
            if who == "province"
            else [Trainee]
        )
        for model in models:
            name = f"{who} {model._meta.model_name}"

            def rows(model=model, user=user):
                queryset = model.objects.visible_to(user)
                if model is Trainee:
                    queryset = queryset.with_full_nik_flag(user)
                return list(queryset[:50])

            cases[f"{name}: first page"] = sql_of(rows)
            cases[f"{name}: count"] = sql_of(
                lambda model=model, user=user: model.objects.visible_to(user).count()
            )
    json.dump(cases, sys.stdout, indent=1)


def timed(cursor, sql: str) -> float:
    started = time.perf_counter()
    cursor.execute(sql)
    cursor.fetchall()
    return (time.perf_counter() - started) * 1000


def explain(cursor, sql: str) -> tuple[float, float]:
    cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
    plan = cursor.fetchone()[0][0]
    return plan["Planning Time"], plan["Execution Time"]


def time_them(before_file, before_db, after_file, after_db) -> None:
    import psycopg2

    with open(before_file) as before_in, open(after_file) as after_in:
        sides = {"before": json.load(before_in), "after": json.load(after_in)}
    cursors = {}
    for side, database in (("before", before_db), ("after", after_db)):
        connection = psycopg2.connect(
            host="127.0.0.1", user="postgres", dbname=database
        )
        connection.set_session(readonly=True, autocommit=True)
        cursors[side] = connection.cursor()
    times: dict[tuple[str, str], list[float]] = {}
    for _warm_up in range(2):
        for side, cases in sides.items():
            for sql in cases.values():
                timed(cursors[side], sql)
    for _run in range(RUNS):
        for case in sides["after"]:
            for side in ("before", "after"):
                sql = sides[side][case]
                times.setdefault((case, side), []).append(timed(cursors[side], sql))
    print(
        "| case | before ms | after ms | ratio | plan+exec before | plan+exec after |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for case in sides["after"]:
        before = statistics.median(times[(case, "before")])
        after = statistics.median(times[(case, "after")])
        plans = [explain(cursors[side], sides[side][case]) for side in sides]
        print(
            f"| {case} | {before:.1f} | {after:.1f} | {before / after:.1f}x | "
            + " | ".join(f"{p:.1f} + {e:.1f}" for p, e in plans)
            + " |"
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["dump"]:
        dump()
    elif sys.argv[1:2] == ["time"] and len(sys.argv) == 6:
        time_them(*sys.argv[2:])
    else:
        sys.exit(__doc__)
