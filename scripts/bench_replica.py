"""Measure the read replica's router (docs/performance-replica.md) on a seeded dataset.

Usage, from the repository root, with the replica of `bench/replica.sh start`
(a hot standby of the whole server, so of every database on it):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/blkk_bench \
    REPLICA_DATABASE_URL=postgres://postgres@127.0.0.1:5433/blkk_bench \
    SECRET_KEY=x CACHE_URL=rediscache://127.0.0.1:6379/7 \
        .venv/bin/python scripts/bench_replica.py [--runs 7] [--load-seconds 30] \
        [--rounds 2] [--workers 2] [--out var/bench_replica.json]

It writes nothing to either database: sessions are signed cookies built by hand (no
login signal, no `last_login`), and nothing else is saved. Production settings
(`DEBUG` off), the dashboards' live figures computed on every view
(`DASHBOARD_LIVE_SECONDS=0`).

1. The dashboards, country (ministry) and Jawa Barat (province staff), this month so
   far: median and p95 of `--runs` requests read on the primary (no router) and on
   the replica (the router), interleaved run by run, with the queries each
   connection ran; and beat's warm pass (`live_figures_warm`) both ways.
2. The primary under dashboard load: the API's first page of trainees (ministry and
   Jawa Barat, session-authenticated) requested one after another for
   `--load-seconds`, while `--workers` processes compute dashboards (country and Jawa
   Barat in turn) on the primary, on the replica, or not at all; `--rounds` rounds
   of the three conditions, interleaved. For each: the API's median and p95, the
   dashboards completed, and the CPU time the workers' database backends spent on
   the primary and on the replica (from /proc: the servers run on this machine).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
ROUTER = "blkk_portal.db_router.ReplicaRouter"
DASHBOARDS = (("ministry", "/dashboard/"), ("province", "/dashboard/province/32/"))
API = (("ministry", "/api/v1/trainees/"), ("province", "/api/v1/trainees/"))
# --pin: where the primary's work runs, and where the replica and the dashboards'.
PRIMARY_CPU, REPORTING_CPU = 0, 1
REPLICA_DATA = "/var/lib/postgresql/15/replica"


def configure() -> None:
    os.environ["DEBUG"] = "false"
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ["SECURE_COOKIES"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ["DASHBOARD_LIVE_SECONDS"] = "0"
    # A busy shared machine can take more than the portal's 5 s to accept one.
    os.environ.setdefault("DATABASE_CONNECT_TIMEOUT", "30")
    os.environ["DJANGO_SETTINGS_MODULE"] = "blkk_portal.settings"
    if "bench" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("DATABASE_URL must name a benchmark database (its name has 'bench').")
    if not os.environ.get("REPLICA_DATABASE_URL"):
        sys.exit("REPLICA_DATABASE_URL is not set: start bench/replica.sh first.")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    # No row written: sessions in signed cookies; no collected static manifest.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


def client_of(role: str):
    """A test client signed in as `bench-<role>` through a hand-made session cookie."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.test import Client

    from blkk_portal.accounts.models import User

    user = User.objects.get(username="bench-" + role.replace("_", "-"))
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "blkk_portal.accounts.backends.RoleBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = store.session_key
    return client


@contextmanager
def routed(on: bool):
    from django.test import override_settings

    with override_settings(DATABASE_ROUTERS=[ROUTER] if on else []):
        yield


def get(client, path: str) -> None:
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path}: {response.status_code}")


@contextmanager
def counting():
    """How many statements each connection ran inside."""
    from django.db import connections

    counts = {alias: 0 for alias in connections}

    def counter(alias):
        def count(execute, sql, params, many, context):
            counts[alias] += 1
            return execute(sql, params, many, context)

        return count

    with ExitStack() as stack:
        for alias in counts:
            stack.enter_context(connections[alias].execute_wrapper(counter(alias)))
        yield counts


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def summary(times: list[float]) -> dict:
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(p95(times), 1),
        "runs": len(times),
    }


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def replication_lag() -> dict:
    from django.db import connections

    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT application_name, state, "
            "EXTRACT(EPOCH FROM replay_lag) * 1000, "
            "pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) "
            "FROM pg_stat_replication"
        )
        rows = cursor.fetchall()
    return {
        row[0]: {
            "state": row[1],
            "replay_lag_ms": None if row[2] is None else float(row[2]),
            "bytes_behind": None if row[3] is None else int(row[3]),
        }
        for row in rows
    }


# --- 1. the dashboards, primary against replica ---------------------------------------


def dashboards(runs: int) -> list[dict]:
    rows = []
    for role, path in DASHBOARDS:
        client = client_of(role)
        for on in (False, True):  # warm both
            with routed(on):
                get(client, path)
        times: dict[bool, list[float]] = {False: [], True: []}
        for run in range(runs):
            # Interleaved, each first in turn.
            for on in (False, True) if run % 2 == 0 else (True, False):
                with routed(on):
                    times[on].append(timed(lambda c=client, p=path: get(c, p)))
        for on in (False, True):
            with routed(on), counting() as counts:
                get(client, path)
            rows.append(
                {
                    "label": f"{role} {path}",
                    "read_on": "replica" if on else "primary",
                    **summary(times[on]),
                    "queries": dict(counts),
                }
            )
    from reports.dashboards import live_figures_warm

    with routed(False):
        client_of("ministry")  # connections open
    times = {False: [], True: []}
    from django.test import override_settings

    with override_settings(DASHBOARD_LIVE_SECONDS=600):
        for run in range(max(3, runs // 2)):
            for on in (False, True) if run % 2 == 0 else (True, False):
                with routed(on):
                    times[on].append(timed(live_figures_warm))
    for on in (False, True):
        rows.append(
            {
                "label": "beat's warm pass (live_figures_warm)",
                "read_on": "replica" if on else "primary",
                **summary(times[on]),
            }
        )
    return rows


# --- 2. the primary under dashboard load ----------------------------------------------


def backend_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # utime and stime: fields 14 and 15 of the line, 12 and 13 after the name.
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def backend_pids() -> dict[str, int]:
    from django.db import connections

    pids = {}
    for alias in connections:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pids[alias] = cursor.fetchone()[0]
    return pids


def pin(pid: int, cpu: int | None) -> None:
    if cpu is not None:
        os.sched_setaffinity(pid, {cpu})


def replica_processes() -> list[int]:
    """The replica cluster's postmaster and its children (its backends to come are
    forked from the postmaster and inherit its CPUs)."""
    postmaster = int(Path(REPLICA_DATA, "postmaster.pid").read_text().split("\n", 1)[0])
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == postmaster:
                children.append(int(entry.name))
    return [postmaster, *children]


def worker(on: bool, stop, results, index: int, pinned: bool) -> None:
    """Compute dashboards (country, Jawa Barat, in turn) until `stop` is set; report
    how many, and the CPU its database backends spent meanwhile."""
    if pinned:
        pin(0, REPORTING_CPU)
    clients = [(client_of(role), path) for role, path in DASHBOARDS]
    with routed(on):
        for client, path in clients:
            get(client, path)  # warm, connections open
        pids = backend_pids()
        if pinned:
            # Its SQL on the primary runs where the primary's "machine" is.
            pin(pids["default"], PRIMARY_CPU)
            pin(pids["replica"], REPORTING_CPU)
        before = {alias: backend_cpu_seconds(pid) for alias, pid in pids.items()}
        done = 0
        while not stop.is_set():
            client, path = clients[(done + index) % len(clients)]
            get(client, path)
            done += 1
        after = {alias: backend_cpu_seconds(pid) for alias, pid in pids.items()}
    results.put(
        {
            "done": done,
            "cpu_s": {alias: after[alias] - before[alias] for alias in pids},
        }
    )


def under_load(condition: str, seconds: float, workers: int, pinned: bool) -> dict:
    """The API's first pages requested one after another for `seconds`, while
    `workers` processes compute dashboards per `condition` (none, primary, replica).
    Pinned: this process and its backend on PRIMARY_CPU, the workers and the
    replica on REPORTING_CPU (two machines, emulated on two cores)."""
    from django.db import connections

    clients = [(role, client_of(role), path) for role, path in API]
    for _role, client, path in clients:
        get(client, path)
    processes = []
    stop = multiprocessing.Event()
    results: multiprocessing.Queue = multiprocessing.Queue()
    if condition != "none":
        # No connection may cross a fork: the children open their own.
        connections.close_all()
        for index in range(workers):
            process = multiprocessing.Process(
                target=worker,
                args=(condition == "replica", stop, results, index, pinned),
            )
            process.start()
            processes.append(process)
        time.sleep(2)  # the workers warm up
    if pinned:
        for _role, client, path in clients:
            get(client, path)  # this process's connection, opened again
        pin(backend_pids()["default"], PRIMARY_CPU)
    times: dict[str, list[float]] = {role: [] for role, _c, _p in clients}
    lags = []
    ends = time.monotonic() + seconds
    sampled = time.monotonic()
    while time.monotonic() < ends:
        for role, client, path in clients:
            times[role].append(timed(lambda c=client, p=path: get(c, p)))
        if time.monotonic() - sampled > 2:
            sampled = time.monotonic()
            lags.extend(
                v["replay_lag_ms"]
                for v in replication_lag().values()
                if v["replay_lag_ms"] is not None
            )
    stop.set()
    reports = [results.get(timeout=300) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    done = sum(report["done"] for report in reports)
    cpu = {
        alias: round(sum(report["cpu_s"].get(alias, 0.0) for report in reports), 2)
        for alias in ("default", "replica")
    }
    return {
        "condition": condition,
        "pinned": pinned,
        "seconds": seconds,
        "api": {role: summary(values) for role, values in times.items()},
        "dashboards_done": done,
        "backend_cpu_s": cpu,
        "backend_cpu_s_per_dashboard": {
            alias: round(value / done, 3) if done else None
            for alias, value in cpu.items()
        },
        "max_replay_lag_ms": round(max(lags), 1) if lags else None,
    }


def load(seconds: float, rounds: int, workers: int, pinned: bool) -> list[dict]:
    rows = []
    everywhere = os.sched_getaffinity(0)
    replica = replica_processes() if pinned else []
    try:
        if pinned:
            pin(0, PRIMARY_CPU)
            for pid in replica:
                pin(pid, REPORTING_CPU)
        for _ in range(rounds):
            for condition in ("none", "primary", "replica"):
                rows.append(under_load(condition, seconds, workers, pinned))
                print(json.dumps(rows[-1]), file=sys.stderr)
    finally:
        os.sched_setaffinity(0, everywhere)
        for pid in replica_processes() if pinned else []:
            os.sched_setaffinity(pid, everywhere)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--load-seconds", type=float, default=30)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--parts", default="dashboards,load")
    parser.add_argument(
        "--pin",
        action="store_true",
        help="emulate two machines on two cores: the primary's work on CPU 0, the "
        "dashboards' workers and the whole replica cluster on CPU 1",
    )
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    configure()
    parts = args.parts.split(",")
    figures: dict = {"replication": replication_lag()}
    if "dashboards" in parts:
        figures["dashboards"] = dashboards(args.runs)
        print(json.dumps(figures["dashboards"], indent=1), file=sys.stderr)
    if "load" in parts:
        figures["load"] = load(args.load_seconds, args.rounds, args.workers, args.pin)
    text = json.dumps(figures, indent=2, default=str)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    multiprocessing.set_start_method("fork")
    raise SystemExit(main())
