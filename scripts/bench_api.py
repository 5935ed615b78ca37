"""Measure the portal's REST API and the monthly report KPI pass at national scale.

Usage (from the repository root; the database name must contain "bench"):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/blkk_bench SECRET_KEY=x \
        .venv/bin/python scripts/bench_api.py [--runs 20] [--month 2026-07]

It reuses `scripts/bench_scoping.py` (imported by path, nothing copied): its refusal
of any database whose name lacks "bench" and its timing helpers; the dataset and the
measured users come from `reports.scale` (the loader of `manage.py seed_scale`, run
only when the database has no trainees yet, a few minutes at factor 1). Settings are
the production ones: `DEBUG` off (the script refuses `DEBUG=true`), `testserver`
added to `ALLOWED_HOSTS`, `SECURE_SSL_REDIRECT=false`, uploaded files in a temporary
`MEDIA_ROOT` unless one is set.

What it does, in order:

1. migrates, loads the dataset if needed (`reports.scale.load`, with the ventures'
   stage history, which the KPIs read a venture's stage at month end from) and
   creates the users (`reports.scale.bench_users`); then ANALYZE;
2. first pages through the real API (`rest_framework.test.APIClient` with a knox
   token, so the whole middleware, authentication, scoping, serializer and JSON
   rendering stack runs), `page_size=50`, for the ministry, the Jawa Barat province
   user, a BLKK manager and the mentor: the cursor-paginated lists (trainees,
   enrollments, mentoring sessions, venture metrics) and the page-number lists
   (BLKKs, ventures, certifications; these run a COUNT);
3. deep pages: follows `next` 20 times on `/api/v1/trainees/` as ministry and times
   page 1 against page 21, checks page 21 against the plain OFFSET slice, and times
   `Trainee.objects.order_by("full_name", "id")[1000:1050]` and `[250000:250050]`,
   and `/api/v1/certifications/?page=21` and a deep page number; then follows `next`
   on `/api/v1/venture-metrics/` to check that every row comes once;
4. `?search=` on `/api/v1/trainees/` (a common name fragment, two rarer words, a
   word that matches nobody, a whole NIK) as ministry and as the province user;
   `--try-trgm` also times them with a pg_trgm index on the name and an index on
   `UPPER(nik)` (raw SQL, bench database only, dropped again);
5. the report KPI pass: `reports.kpis.figures_by_blkk(month)` over every BLKK
   (timed, its queries counted with `CaptureQueriesContext` and timed one by one),
   the same pass for one province and one BLKK, `month_contents`,
   `reports_generate_month` (pass plus the upsert of every report of the month,
   no files), and one national report's files (`report_files_render`: XLSX + CSV);
6. prints markdown tables (also written to `--out`) and writes one
   `EXPLAIN (ANALYZE, BUFFERS)` per slow query to `--explain-out`.

Times are wall time in Django (`time.perf_counter`), warm: each request runs once
before it is timed; median and p95 over `--runs` runs (fewer for a slow one, as in
bench_scoping: `--budget` seconds per measurement, 5 runs at least).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE_SIZE = 50
ROLES = ("ministry", "province", "manager", "mentor")
CURSOR_LISTS = ("trainees", "enrollments", "mentoring-sessions", "venture-metrics")
NUMBERED_LISTS = ("blkks", "ventures", "certifications")
FOLLOW = 20
# The eleven queries of `figures_by_blkk`, in the order it issues them.
KPI_QUERIES = (
    "BLKK list (grade on month end per BLKK)",
    "trainees registered",
    "graduates",
    "certified competent",
    "outcome counts (latest outcome per graduate)",
    "venture figures (stage at month end, EXISTS x4)",
    "metric sums",
    "session sums",
    "instructors active and certified (EXISTS)",
    "partnerships in force",
    "placements started by kind",
)
TRGM_INDEX = "bench_trainee_name_trgm"
NIK_UPPER_INDEX = "bench_trainee_nik_upper"


def load_bench_scoping():
    """scripts/bench_scoping.py as a module (scripts/ is not a package)."""
    path = ROOT / "scripts" / "bench_scoping.py"
    spec = importlib.util.spec_from_file_location("bench_scoping", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_scoping"] = module
    spec.loader.exec_module(module)
    return module


bs = load_bench_scoping()


# --------------------------------------------------------------------------- setup


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="timed runs per request")
    parser.add_argument(
        "--budget",
        type=float,
        default=15.0,
        help="seconds per measurement at most: slow ones get fewer runs (min 5)",
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="the dataset's factor (reports.scale; load only)",
    )
    parser.add_argument(
        "--month",
        default="",
        help="YYYY-MM of the KPI pass (default: the latest month in which every "
        "venture reported metrics)",
    )
    parser.add_argument(
        "--deep-offset", type=int, default=250_000, help="OFFSET of the deep slice"
    )
    parser.add_argument(
        "--metric-pages",
        type=int,
        default=30,
        help="pages of /venture-metrics/ followed in the cursor check",
    )
    parser.add_argument(
        "--try-trgm",
        action="store_true",
        help="time the searches again with a pg_trgm index on the name and an index "
        "on UPPER(nik) (bench DB only, dropped)",
    )
    parser.add_argument(
        "--explain-threshold",
        type=float,
        default=50.0,
        help="EXPLAIN the slowest query of a measurement slower than this (ms)",
    )
    parser.add_argument(
        "--out",
        default=str(Path(tempfile.gettempdir()) / "bench_api_results.md"),
        help="where the markdown tables are written",
    )
    parser.add_argument(
        "--explain-out",
        default=str(Path(tempfile.gettempdir()) / "bench_api_explain.md"),
        help="where the EXPLAIN (ANALYZE, BUFFERS) plans are written",
    )
    parser.add_argument(
        "--skip",
        default="",
        help="comma-separated parts to skip: lists,deep,search,kpis",
    )
    return parser.parse_args(argv)


def configure_environment() -> None:
    """Production settings, plus what the test client needs."""
    if os.environ.get("DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}:
        sys.exit(
            "Refusing to run with DEBUG on: the figures would not be production's."
        )
    os.environ["DEBUG"] = "false"
    hosts = [
        h
        for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
        if h
    ]
    if "testserver" not in hosts:
        hosts.append("testserver")
    os.environ["ALLOWED_HOSTS"] = ",".join(hosts)
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="bench_api_media_"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blkk_portal.settings")
    sys.path.insert(0, str(ROOT))


def prepare_database(args: argparse.Namespace) -> dict[str, object]:
    """Database, migrations, data (`reports.scale`), users."""
    from django.core.management import call_command
    from django.utils import timezone

    from reports import scale
    from training.models import Trainee

    name = bs.ensure_bench_database()
    call_command("migrate", verbosity=0, interactive=False)
    today = timezone.localdate()
    if Trainee.objects.exists():
        print(f"{name}: data already loaded")
    else:
        print(f"{name}: loading the national dataset (reports.scale)")
        scale.load(factor=args.scale, today=today, progress=True)
    users = scale.bench_users(today)
    analyze()
    return {role: users[role] for role in ROLES}


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --------------------------------------------------------------------------- timing


def capture_timed(fn: Callable[[], object]) -> list[tuple[str, object, float]]:
    """(sql, params, ms) of every query `fn` runs."""
    from django.db import connection

    captured: list[tuple[str, object, float]] = []

    def wrapper(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            captured.append((sql, params, (time.perf_counter() - started) * 1000))

    with connection.execute_wrapper(wrapper):
        fn()
    return captured


class Explains:
    """EXPLAIN (ANALYZE, BUFFERS) of the slowest query of slow measurements."""

    def __init__(self, threshold_ms: float) -> None:
        self.threshold = threshold_ms
        self.sections: list[str] = []

    def add(self, label: str, queries, median_ms: float, force: bool = False) -> None:
        if not queries or (median_ms < self.threshold and not force):
            return
        sql, params, ms = max(queries, key=lambda q: q[2])
        self.sections.append(
            f"## {label}\n\nmedian {median_ms:.1f} ms; slowest of {len(queries)} "
            f"queries took {ms:.1f} ms\n\n```sql\n{sql}\n-- params: {params!r}\n```"
            f"\n\n```\n{bs.explain(sql, params)}\n```\n"
        )

    def write(self, path: str) -> None:
        Path(path).write_text(
            "# EXPLAIN (ANALYZE, BUFFERS) of the slow API and KPI queries\n\n"
            + "\n".join(self.sections),
            encoding="utf-8",
        )


class Api:
    """One authenticated APIClient per user, through an API token."""

    def __init__(self, users: dict[str, object]) -> None:
        from knox.models import AuthToken
        from rest_framework.test import APIClient

        self.clients = {}
        for role, user in users.items():
            _instance, token = AuthToken.objects.create(user=user)
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
            self.clients[role] = client

    def get(self, role: str, url: str):
        response = self.clients[role].get(url)
        if response.status_code != 200:
            raise AssertionError(
                f"{role} GET {url}: {response.status_code} {response.content[:300]!r}"
            )
        return response

    def measure(
        self, role: str, url: str, args, explains: Explains, label: str = ""
    ) -> dict:
        timed = bs.time_call(lambda: self.get(role, url), args.runs, args.budget)
        queries = capture_timed(lambda: self.get(role, url))
        response = timed["result"]
        body = response.json()
        explains.add(label or f"{role} GET {url}", queries, timed["median"])
        return {
            "role": role,
            "url": url,
            "median": timed["median"],
            "p95": timed["p95"],
            "runs": timed["runs"],
            "rows": len(body.get("results", [])),
            "count": body.get("count"),
            "next": body.get("next"),
            "queries": len(queries),
            "sql_ms": sum(q[2] for q in queries),
            "slowest_ms": max((q[2] for q in queries), default=0.0),
            "bytes": len(response.content),
            "body": body,
        }


def table(header: Sequence[str], rows: list[Sequence], right_from: int = 1) -> str:
    lines = [
        "| " + " | ".join(header) + " |",
        "|"
        + "|".join("---" if i < right_from else "---:" for i in range(len(header)))
        + "|",
    ]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def ms(value: float) -> str:
    return f"{value:,.1f}"


# --------------------------------------------------------------------------- parts


def first_pages(api: Api, args, explains: Explains) -> str:
    rows = []
    for role in ROLES:
        for name in CURSOR_LISTS + NUMBERED_LISTS:
            url = f"/api/v1/{name}/?page_size={PAGE_SIZE}"
            r = api.measure(role, url, args, explains)
            kind = "cursor" if name in CURSOR_LISTS else "page + count"
            rows.append(
                (
                    role,
                    f"`/{name}/`",
                    kind,
                    r["rows"],
                    "-" if r["count"] is None else f"{r['count']:,}",
                    ms(r["median"]),
                    ms(r["p95"]),
                    r["queries"],
                    ms(r["sql_ms"]),
                    f"{r['bytes'] / 1024:.0f}",
                    r["runs"],
                )
            )
            print(
                f"  {role:<12} {name:<19} {r['median']:8.1f} ms  "
                f"{r['queries']:>2} queries, SQL {r['sql_ms']:.1f} ms",
                flush=True,
            )
    return table(
        (
            "user",
            "endpoint",
            "pagination",
            "rows",
            "count",
            "median ms",
            "p95 ms",
            "queries",
            "SQL ms",
            "KiB",
            "runs",
        ),
        rows,
        right_from=3,
    )


def deep_pages(api: Api, args, explains: Explains) -> str:
    from incubator.models import VentureMetric
    from training.models import Certification, Trainee

    role = "ministry"
    urls = [f"/api/v1/trainees/?page_size={PAGE_SIZE}"]
    for _ in range(FOLLOW):
        urls.append(api.get(role, urls[-1]).json()["next"])
    depth = FOLLOW * PAGE_SIZE
    ordered = Trainee.objects.order_by("full_name", "id")
    page21_ids = [row["id"] for row in api.get(role, urls[-1]).json()["results"]]
    slice_ids = list(ordered.values_list("pk", flat=True)[depth : depth + PAGE_SIZE])
    if page21_ids != slice_ids:
        raise AssertionError("cursor page 21 differs from the OFFSET 1,000 slice")

    rows = []
    for label, url in (("page 1", urls[0]), (f"page {FOLLOW + 1} (cursor)", urls[-1])):
        r = api.measure(role, url, args, explains, f"trainees {label}")
        rows.append(
            (
                f"API `/trainees/` {label}",
                ms(r["median"]),
                ms(r["p95"]),
                r["queries"],
                ms(r["slowest_ms"]),
                r["runs"],
            )
        )
    for start in (0, depth, args.deep_offset):
        timed = bs.time_call(
            lambda s=start: list(ordered[s : s + PAGE_SIZE]), args.runs, args.budget
        )
        queries = capture_timed(lambda s=start: list(ordered[s : s + PAGE_SIZE]))
        explains.add(f"Trainee slice [{start}:{start + PAGE_SIZE}]", queries, 0, True)
        rows.append(
            (
                f'`Trainee.objects.order_by("full_name", "id")'
                f"[{start}:{start + PAGE_SIZE}]`",
                ms(timed["median"]),
                ms(timed["p95"]),
                len(queries),
                ms(queries[-1][2]),
                timed["runs"],
            )
        )
    certifications = Certification.objects.count()
    deep_page = max(1, (certifications * 19 // 20) // PAGE_SIZE)
    for page in (1, FOLLOW + 1, deep_page):
        url = f"/api/v1/certifications/?page_size={PAGE_SIZE}&page={page}"
        r = api.measure(role, url, args, explains, f"certifications page {page}")
        rows.append(
            (
                f"API `/certifications/?page={page}` (OFFSET "
                f"{(page - 1) * PAGE_SIZE:,}, + COUNT)",
                ms(r["median"]),
                ms(r["p95"]),
                r["queries"],
                ms(r["slowest_ms"]),
                r["runs"],
            )
        )
    text = table(
        (
            "request (ministry)",
            "median ms",
            "p95 ms",
            "queries",
            "slowest SQL ms",
            "runs",
        ),
        rows,
    )

    # Does following `next` give every row once? DRF's cursor keeps only the first
    # ordering field as its position, plus an offset among equal values capped at
    # `offset_cutoff` (1,000).
    url = f"/api/v1/venture-metrics/?page_size={PAGE_SIZE}"
    seen: list[int] = []
    first_repeat = None
    page_times = []
    for page in range(1, args.metric_pages + 1):
        started = time.perf_counter()
        body = api.get(role, url).json()
        page_times.append((time.perf_counter() - started) * 1000)
        ids = [row["id"] for row in body["results"]]
        if first_repeat is None and set(ids) & set(seen):
            first_repeat = page
        seen += ids
        url = body["next"]
        if not url:
            break
    expected = list(
        VentureMetric.objects.order_by("-period", "-id").values_list("pk", flat=True)[
            : len(seen)
        ]
    )
    top_period = VentureMetric.objects.order_by("-period").values("period")[:1]
    same_period = VentureMetric.objects.filter(period__in=top_period).count()
    text += (
        f"\n\nCursor check, `/api/v1/venture-metrics/` as ministry (ordering "
        f"`-period, -id`; {same_period:,} metrics share the newest period): followed "
        f"{len(page_times)} pages, {len(seen):,} rows returned, "
        f"{len(set(seen)):,} distinct, "
        f"{len(set(expected) - set(seen)):,} of the first {len(seen):,} rows by "
        f"(-period, -id) never returned; first repeated row on page "
        f"{first_repeat or '-'}; page times {ms(page_times[0])} ms (page 1) to "
        f"{ms(max(page_times))} ms (slowest)."
    )
    print(text.rsplit("\n\n", 1)[1])
    return text


def search_terms() -> list[tuple[str, str]]:
    from training.models import Trainee

    in_province = Trainee.objects.filter(blkk__regency__province_id="32").order_by("pk")
    nik = in_province.values_list("nik", flat=True)[1000]
    return [
        ("common fragment", "siti"),
        ("two words", "zainal sitompul"),
        ("no match", "qwerty"),
        ("whole NIK (province 32 trainee)", nik),
    ]


def searches(api: Api, args, explains: Explains, label: str = "") -> list[tuple]:
    from django.db.models import Q

    from training.models import Trainee

    rows = []
    for kind, term in search_terms():
        matches = Trainee.objects.all()
        for word in term.split():
            matches = matches.filter(Q(full_name__icontains=word) | Q(nik=word))
        total = matches.count()
        for role in ("ministry", "province"):
            url = f"/api/v1/trainees/?page_size={PAGE_SIZE}&search={term}"
            r = api.measure(
                role, url, args, explains, f"{label}search {kind} as {role}"
            )
            rows.append(
                (
                    role,
                    f"{kind}: `{term}`",
                    f"{total:,}",
                    r["rows"],
                    ms(r["median"]),
                    ms(r["p95"]),
                    r["queries"],
                    ms(r["slowest_ms"]),
                    r["runs"],
                )
            )
            print(f"  {label}{role:<12} {kind:<32} {r['median']:8.1f} ms", flush=True)
    return rows


SEARCH_HEADER = (
    "user",
    "search",
    "matches nationally",
    "rows",
    "median ms",
    "p95 ms",
    "queries",
    "slowest SQL ms",
    "runs",
)


def search_part(api: Api, args, explains: Explains) -> str:
    from django.db import connection

    from training.models import Trainee

    text = table(SEARCH_HEADER, searches(api, args, explains), right_from=2)
    nik = search_terms()[-1][1]
    timed = bs.time_call(
        lambda: list(Trainee.objects.filter(nik=nik)), args.runs, args.budget
    )
    text += (
        f"\n\nFor comparison, `Trainee.objects.filter(nik=...)` alone: "
        f"{ms(timed['median'])} ms median (unique index on `nik`)."
    )
    if args.try_trgm:
        created = False
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            if cursor.fetchone() is None:
                cursor.execute("CREATE EXTENSION pg_trgm")
                created = True
            started = time.perf_counter()
            # Django's icontains is UPPER(col::text) LIKE UPPER(%s) on PostgreSQL,
            # and DRF's `=nik` is iexact: UPPER(nik::text) = UPPER(%s), which the
            # unique index on `nik` cannot serve. The second index stands in for an
            # exact NIK lookup; with both, the OR can become a BitmapOr.
            cursor.execute(
                f"CREATE INDEX {TRGM_INDEX} ON training_trainee "
                'USING gin (UPPER("full_name"::text) gin_trgm_ops)'
            )
            cursor.execute(
                f"CREATE INDEX {NIK_UPPER_INDEX} ON training_trainee "
                '(UPPER("nik"::text))'
            )
            build = time.perf_counter() - started
            cursor.execute("ANALYZE training_trainee")
            cursor.execute(f"SELECT pg_relation_size('{TRGM_INDEX}')")
            size = cursor.fetchone()[0]
        try:
            rows = searches(api, args, explains, "pg_trgm: ")
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP INDEX IF EXISTS {TRGM_INDEX}")
                cursor.execute(f"DROP INDEX IF EXISTS {NIK_UPPER_INDEX}")
                if created:
                    cursor.execute("DROP EXTENSION IF EXISTS pg_trgm")
                cursor.execute("ANALYZE training_trainee")
        text += (
            "\n\nWith `CREATE INDEX ... USING gin (UPPER(full_name::text) "
            "gin_trgm_ops)` and `CREATE INDEX ... (UPPER(nik::text))` (built in "
            f"{build:.1f} s; the trigram index is {size / 2**20:.1f} MiB; both "
            "dropped afterwards):\n\n" + table(SEARCH_HEADER, rows, right_from=2)
        )
    return text


def default_month():
    """The latest month in which the most ventures reported metrics."""
    from django.db.models import Count

    from blkk_portal.months import Month
    from incubator.models import VentureMetric

    row = (
        VentureMetric.objects.order_by()
        .values("period")
        .annotate(n=Count("pk"))
        .order_by("-n", "-period")
        .first()
    )
    return Month.of(row["period"])


def kpi_part(args, explains: Explains) -> str:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from blkk_portal.months import Month
    from reports.files import render_xlsx
    from reports.kpis import figures_by_blkk
    from reports.models import ProgressReport, ReportScope
    from reports.selectors import TREND_MONTHS, report_trend, scope_blkks, scope_name
    from reports.services import (
        month_contents,
        report_compute_and_store,
        report_files_render,
        reports_generate_month,
    )

    month = Month.parse(args.month) if args.month else default_month()
    print(f"  KPI month {month}", flush=True)
    runs = min(args.runs, 10)

    timed = bs.time_call(lambda: figures_by_blkk(month), runs, args.budget * 2)
    with CaptureQueriesContext(connection) as captured:
        figures = figures_by_blkk(month)
    queries = captured.captured_queries
    per_query = [float(q["time"]) * 1000 for q in queries]
    labels = KPI_QUERIES if len(queries) == len(KPI_QUERIES) else ()
    non_empty = sum(1 for row in figures.values() if not row.is_empty)
    rows = [
        (
            f"`figures_by_blkk({month})`, every BLKK ({len(figures):,}; "
            f"{non_empty:,} with something to count)",
            ms(timed["median"]),
            ms(timed["p95"]),
            len(queries),
            timed["runs"],
        )
    ]
    province = scope_blkks(ReportScope.PROVINCE, "32")
    one_blkk_code = province.order_by("code").values_list("code", flat=True)[0]
    for label, blkks in (
        (f"province 32 ({province.count():,} BLKKs)", province),
        (f"one BLKK ({one_blkk_code})", scope_blkks(ReportScope.BLKK, one_blkk_code)),
    ):
        t = bs.time_call(lambda b=blkks: figures_by_blkk(month, b), runs, args.budget)
        with CaptureQueriesContext(connection) as c:
            figures_by_blkk(month, blkks)
        rows.append(
            (
                f"`figures_by_blkk({month}, blkks)`, {label}",
                ms(t["median"]),
                ms(t["p95"]),
                len(c.captured_queries),
                t["runs"],
            )
        )
    contents = month_contents(figures, month=month)
    t = bs.time_call(lambda: month_contents(figures, month=month), runs, args.budget)
    rows.append(
        (
            f"`month_contents` (Python only: {len(contents):,} reports' KPIs)",
            ms(t["median"]),
            ms(t["p95"]),
            0,
            t["runs"],
        )
    )
    t = bs.time_call(
        lambda: reports_generate_month(month=month), min(runs, 5), args.budget * 2
    )
    rows.append(
        (
            f"`reports_generate_month({month})`: pass + upsert of "
            f"{len(t['result']):,} reports, no files",
            ms(t["median"]),
            ms(t["p95"]),
            "",
            t["runs"],
        )
    )
    report = report_compute_and_store(
        scope=ReportScope.NATIONAL, scope_code="", month=month
    )
    t = bs.time_call(
        lambda: report_compute_and_store(
            scope=ReportScope.NATIONAL, scope_code="", month=month
        ),
        runs,
        args.budget,
    )
    rows.append(
        (
            "`report_compute_and_store` national (pass + one upsert)",
            ms(t["median"]),
            ms(t["p95"]),
            "",
            t["runs"],
        )
    )
    report = ProgressReport.objects.get(pk=report.pk)
    name = scope_name(report.scope, report.scope_code)
    trend = report_trend(report)
    t = bs.time_call(lambda: render_xlsx(report, name, trend), runs, args.budget)
    rows.append(
        (
            f"`render_xlsx` national ({len(report.breakdown)} province rows, "
            f"{len(trend)} of {TREND_MONTHS} trend months stored; "
            f"{len(t['result']) / 1024:.0f} KiB)",
            ms(t["median"]),
            ms(t["p95"]),
            0,
            t["runs"],
        )
    )
    t = bs.time_call(
        lambda: report_files_render(report_id=report.pk), runs, args.budget
    )
    rows.append(
        (
            "`report_files_render` national (XLSX + CSV, saved to MEDIA_ROOT)",
            ms(t["median"]),
            ms(t["p95"]),
            "",
            t["runs"],
        )
    )
    text = table(("step", "median ms", "p95 ms", "queries", "runs"), rows)
    detail = [
        (i + 1, labels[i] if labels else "", ms(per_query[i]))
        for i in range(len(queries))
    ]
    text += "\n\nThe pass's queries, one run:\n\n" + table(
        ("#", "query", "ms"), detail, right_from=2
    )
    slowest = max(range(len(queries)), key=lambda i: per_query[i])
    explains.sections.append(
        f"## KPI pass {month}: slowest query (#{slowest + 1})\n\n```sql\n"
        f"{queries[slowest]['sql']}\n```\n\n"
        f"```\n{bs.explain(queries[slowest]['sql'], None)}\n```\n"
    )
    kpis = report.kpis
    text += (
        f"\n\nNational KPIs of {month} (sanity check): "
        + ", ".join(
            f"{key} {kpis[key]:,}"
            for key in (
                "trainees_registered",
                "graduates",
                "certified_competent",
                "ventures_active",
                "mentoring_sessions",
                "ventures_at_risk",
                "metrics_reported",
            )
        )
        + "."
    )
    return text


# --------------------------------------------------------------------------- main


def environment_line() -> str:
    import django
    import rest_framework
    from django.db import connection
    from django.utils import timezone

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]
    return (
        f"{timezone.now():%Y-%m-%d %H:%M} UTC; {os.cpu_count()} CPUs; PostgreSQL {pg} "
        f"(jit {jit}); Django {django.__version__}, DRF {rest_framework.__version__}, "
        f"Python {platform.python_version()}; DEBUG off"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    configure_environment()
    import django

    django.setup()
    from django.conf import settings

    if settings.DEBUG:
        sys.exit("DEBUG is on: refusing to measure.")

    skip = {part for part in args.skip.split(",") if part}
    users = prepare_database(args)
    api = Api(users)
    explains = Explains(args.explain_threshold)
    sections = [
        f"Environment: {environment_line()}",
        "### Dataset\n\n" + bs.dataset_sizes(),
        "### Users\n\n" + bs.describe_users(users),
    ]
    print("\n\n".join(sections), flush=True)
    parts = (
        ("lists", "First pages through the API (page_size 50)", first_pages),
        ("deep", "Deep pages", deep_pages),
        ("search", "Search on /api/v1/trainees/", search_part),
    )
    for key, title, part in parts:
        if key in skip:
            continue
        print(f"\n{title}...", flush=True)
        sections.append(f"### {title}\n\n" + part(api, args, explains))
        print("\n" + sections[-1], flush=True)
    if "kpis" not in skip:
        print("\nReport KPIs...", flush=True)
        sections.append("### Report KPIs\n\n" + kpi_part(args, explains))
        print("\n" + sections[-1], flush=True)
    Path(args.out).write_text("\n\n".join(sections) + "\n", encoding="utf-8")
    explains.write(args.explain_out)
    print(f"\ntables written to {args.out}; plans to {args.explain_out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
