"""The national-scale benchmark, in one run: `make bench` or

    .venv/bin/python -m bench [--factor 1] [--small-factor 0.1] [--runs 20]

It needs PostgreSQL and Redis (the same as `make test`) and `wrk` (installed from
Debian's packages when missing). For each of the two factors it seeds a database
`blkk_bench_f<factor>` with `manage.py seed_scale` (kept between runs: `--reseed`
builds it again), then measures, against baselines in the same run:

- the monthly run (`generate_reports` for last month, every scope, with files),
  with twelve months stored;
- in-process (bench/measure.py): every API list's first page for every role and a
  deep page, the portal pages and dashboards, the admin changelists beside a plain
  admin, the KPI pass beside the hand-written SQL of bench/kpis.sql;
- at factor 1 only: throughput under wrk against gunicorn (2 workers) beside a
  raw-SQL view of the same rows, and the CSV export of every trainee (time and peak
  RSS of the process serving it).

It prints (and with `--out FILE` writes) the table of figure, baseline, ratio and
target that docs/PERFORMANCE.md records, followed by every measurement.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from .report import render

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PORT = 8799
WRK_SECONDS = 10
WRK_CONNECTIONS = 16


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--factor", type=float, default=1.0)
    parser.add_argument("--small-factor", type=float, default=0.1)
    parser.add_argument("--runs", type=int, default=20, help="timed runs per request")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved wrk rounds")
    parser.add_argument("--reseed", action="store_true", help="drop and seed again")
    parser.add_argument(
        "--skip",
        default="",
        help="skip parts: small,monthly,measure,throughput,export",
    )
    parser.add_argument("--out", help="also write the markdown here")
    parser.add_argument(
        "--render", metavar="JSON", help="only print the table of a saved run's figures"
    )
    return parser.parse_args(argv)


# ------------------------------------------------------------------------ environment


def base_environment(database: str, media: str, static: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{database}",
        CACHE_URL=os.environ.get("BENCH_CACHE_URL", "rediscache://127.0.0.1:6379/8"),
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8"),
        SECRET_KEY=os.environ.get(
            "SECRET_KEY", "bench-only-secret-key-not-for-production"
        ),
        DEBUG="false",
        # The sign-in and request logs of thousands of timed requests would bury
        # the table.
        LOG_LEVEL="WARNING",
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        MEDIA_ROOT=media,
        STATIC_ROOT=static,
        DJANGO_SETTINGS_MODULE="bench.settings",
        PYTHONPATH=str(ROOT),
    )
    return env


def manage(env: dict[str, str], *args: str, quiet: bool = True) -> float:
    """Run a management command; its wall time in seconds."""
    started = time.perf_counter()
    subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )
    return time.perf_counter() - started


def last_json_line(command: list[str], env: dict[str, str]) -> dict:
    """What `command` printed last, as JSON (the commands print logs before it)."""
    out = subprocess.run(
        command, cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def psql(sql: str) -> str:
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-tAc", sql],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def database_name(factor: float) -> str:
    return "blkk_bench_f" + f"{factor:g}".replace(".", "_")


def seeded_database(
    factor: float, media: str, static: str, reseed: bool
) -> tuple[str, float | None]:
    """The database of `factor`, seeded (once); the seed's seconds when it ran now."""
    name = database_name(factor)
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"
    if exists and reseed:
        psql(f"DROP DATABASE {name}")
        exists = False
    env = base_environment(name, media, static)
    if exists:
        manage(
            env, "migrate", "--noinput"
        )  # a dataset seeded before the last migration
        return name, None
    psql(f"CREATE DATABASE {name}")
    manage(env, "migrate", "--noinput")
    print(f"seeding {name} (factor {factor:g})", file=sys.stderr)
    seconds = manage(
        env, "seed_scale", "--factor", f"{factor:g}", "--baseline", quiet=False
    )
    return name, seconds


# ------------------------------------------------------------------------ monthly run


def monthly_run(env: dict[str, str], months_stored: int = 12) -> dict:
    """`generate_reports` for last month, every scope with files, after the eleven
    months before it are stored (figures only), as a portal a year old has them."""
    last = last_month()
    store = (
        "from blkk_portal.months import Month\n"
        "from reports.models import ProgressReport\n"
        "from reports.services import reports_generate_month\n"
        f"last = Month.parse('{last}')\n"
        f"for back in range({months_stored - 1}, 0, -1):\n"
        "    month = last.shifted(-back)\n"
        "    stored = ProgressReport.objects.filter(scope='national',"
        " period=month.first_day)\n"
        "    if not stored.exists():\n"
        "        reports_generate_month(month=month)\n"
    )
    manage(env, "shell", "-c", store)
    seconds = manage(env, "generate_reports", "--period", last)
    reports = int(
        subprocess.run(
            [
                PYTHON,
                "manage.py",
                "shell",
                "-c",
                "from reports.models import ProgressReport as P; "
                f"print(P.objects.filter(period='{last}-01').exclude(xlsx_file='').count())",
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    return {
        "month": last,
        "seconds": seconds,
        "reports_with_files": reports,
        "months_stored": months_stored,
    }


def jakarta_today() -> datetime.date:
    """Today where the portal reports (Asia/Jakarta), as the services count months."""
    return datetime.datetime.now(tz=ZoneInfo("Asia/Jakarta")).date()


def last_month() -> str:
    first = jakarta_today().replace(day=1) - datetime.timedelta(days=1)
    return f"{first:%Y-%m}"


# --------------------------------------------------------------------------- throughput


def tokens(env: dict[str, str]) -> dict[str, str]:
    """A fresh API token for the ministry's and the manager's bench users, and the
    manager's BLKK id (the raw view's `?blkk=`)."""
    code = (
        "from knox.models import AuthToken\n"
        "from blkk_portal.accounts.models import User\n"
        "from training.models import Blkk\n"
        "import json\n"
        "m = User.objects.get(username='bench-ministry')\n"
        "g = User.objects.get(username='bench-manager')\n"
        "print(json.dumps({'ministry': AuthToken.objects.create(m)[1],"
        " 'manager': AuthToken.objects.create(g)[1],"
        " 'blkk': Blkk.objects.filter(managers=g).get().pk}))\n"
    )
    return last_json_line([PYTHON, "manage.py", "shell", "-c", code], env)


def wrk(path: str, token: str | None) -> float:
    """Requests per second of `path` under wrk (16 connections, 2 threads)."""
    command = ["wrk", "-t2", f"-c{WRK_CONNECTIONS}", f"-d{WRK_SECONDS}s", "--latency"]
    if token:
        command += ["-H", f"Authorization: Token {token}"]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{PORT}{path}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    if "Non-2xx" in output:
        raise RuntimeError(f"wrk {path}: non-2xx answers\n{output}")
    return float(re.search(r"Requests/sec:\s+([0-9.]+)", output).group(1))


def throughput(env: dict[str, str], rounds: int) -> dict:
    subprocess.run(
        ["bash", "scripts/need_command.sh", "wrk", "wrk"], cwd=ROOT, check=True
    )
    keys = tokens(env)
    server_env = env | {"WEB_CONCURRENCY": "2", "GUNICORN_BIND": f"127.0.0.1:{PORT}"}
    server = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "-c", "gunicorn.conf.py", "bench.wsgi"],
        cwd=ROOT,
        env=server_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_server()
        blkk = keys["blkk"]
        targets = {
            "raw SQL, ministry's rows": ("/bench/raw/trainees/", None),
            "API, ministry": ("/api/v1/trainees/", keys["ministry"]),
            "raw SQL, manager's rows": (f"/bench/raw/trainees/?blkk={blkk}", None),
            "API, manager": ("/api/v1/trainees/", keys["manager"]),
        }
        for path, token in targets.values():
            wrk_warm(path, token)
        measured: dict[str, list[float]] = {label: [] for label in targets}
        for _ in range(rounds):
            for label, (path, token) in targets.items():
                measured[label].append(wrk(path, token))
        return {
            label: statistics.median(values) for label, values in measured.items()
        } | {"rounds": rounds}
    finally:
        server.terminate()
        server.wait(timeout=30)


def wrk_warm(path: str, token: str | None) -> None:
    command = ["wrk", "-t1", "-c2", "-d2s"]
    if token:
        command += ["-H", f"Authorization: Token {token}"]
    subprocess.run(
        [*command, f"http://127.0.0.1:{PORT}{path}"], check=True, capture_output=True
    )


def wait_for_server() -> None:
    import urllib.request

    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz/", timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer on /healthz/")


# --------------------------------------------------------------------------- export


def export(env: dict[str, str]) -> dict:
    return last_json_line(
        [PYTHON, "-m", "bench.export_rss", "--json", "bench-ministry"], env
    )


# --------------------------------------------------------------------------- in-process


def in_process(env: dict[str, str], runs: int) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = handle.name
    subprocess.run(
        [PYTHON, "-m", "bench.measure", "--out", out, "--runs", str(runs)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return json.loads(Path(out).read_text())


# --------------------------------------------------------------------------- report


def machine() -> dict:
    return {
        "date": jakarta_today().isoformat(),
        "cpu": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "postgres": psql("SHOW server_version"),
        "cpu_model": cpu_model(),
    }


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


RAW = Path(tempfile.gettempdir()) / "bench-results.json"


def measure_factor(factor: float, args, skip: set[str], results: dict) -> None:
    """Every part of one factor, each saved to RAW as soon as it is measured; a part
    that fails is recorded with its error and the run goes on."""
    media = tempfile.mkdtemp(prefix="bench_media_")
    static = tempfile.mkdtemp(prefix="bench_static_")
    try:
        name, seed_seconds = seeded_database(factor, media, static, args.reseed)
        env = base_environment(name, media, static)
        manage(env, "collectstatic", "--noinput")
        result = results["factors"].setdefault(f"{factor:g}", {})
        result.update(database=name, seed_seconds=seed_seconds)
        parts = {}
        if factor == args.factor:
            parts["throughput"] = lambda: throughput(env, args.rounds)
            parts["export"] = lambda: export(env)
        # The monthly run first: the dashboards' last month reads its stored reports.
        parts["monthly"] = lambda: monthly_run(env)
        parts["measure"] = lambda: in_process(env, args.runs)
        for part, run in parts.items():
            if part in skip:
                continue
            print(f"{name}: {part}", file=sys.stderr)
            try:
                result[part] = run()
            except (subprocess.CalledProcessError, RuntimeError, OSError) as error:
                print(f"{name}: {part} failed: {error!r}", file=sys.stderr)
                result[part + "_error"] = repr(error)
            RAW.write_text(json.dumps(results, indent=1, default=str))
    finally:
        shutil.rmtree(media, ignore_errors=True)
        shutil.rmtree(static, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    skip = set(filter(None, args.skip.split(",")))
    if args.render:
        results = json.loads(Path(args.render).read_text())
    else:
        results = {"machine": machine(), "factors": {}}
        factors = [args.factor] if "small" in skip else [args.factor, args.small_factor]
        for factor in factors:
            measure_factor(factor, args, skip, results)
    text = render(results, big=f"{args.factor:g}", small=f"{args.small_factor:g}")
    print(text)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    print(f"(raw figures: {RAW})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
