"""Measure the portal's scoped querysets (`visible_to`) at national scale.

Usage (from the repository root; the database name must contain "bench"):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/blkk_bench SECRET_KEY=x \
        .venv/bin/python scripts/bench_scoping.py [--scale 1.0] [--runs 20]

What it does, in order:

1. creates the database if it does not exist, and migrates it;
2. loads a synthetic national dataset with PostgreSQL COPY (only when the database
   has no trainees yet): ~3,000 BLKKs over the 514 real regencies, ~30,000 batches,
   ~300,000 trainees with valid NIKs, ~450,000 enrollments, certifications, graduate
   outcomes, ~3,000 cohorts, ~10,000 ventures with founders, ~100,000 monthly
   metrics, ~1,000 mentors, their assignments and ~200,000 mentoring sessions.
   COPY bypasses model `save()`, so django-simple-history writes no history rows
   (that is intended: history tables are not read by the measured queries);
3. creates the measured users through `mentoring.services.user_create` (ministry,
   a Jawa Barat province user, two BLKK managers: of an incubator BLKK and of a
   training-only BLKK, and a mentor with five assignments), then ANALYZE;
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
import io
import math
import os
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Provinces on Java: most BLKKs (pesantren-hosted) are there, so they weigh more.
JAVA = {"31", "32", "33", "34", "35", "36"}
JAVA_WEIGHT = 3


def _words(text: str) -> list[str]:
    return text.split()


FIRST_NAMES = _words(
    "Agus Ahmad Andi Anisa Ayu Bambang Budi Dedi Dewi Dian Eka Endang Fajar Fitri "
    "Hadi Hendra Indah Intan Joko Kartika Lestari Lina Made Maya Muhammad Nur Nurul "
    "Putri Putu Rahmat Ratna Ria Rina Rizki Sari Siti Slamet Sri Suharto Tri Wahyu "
    "Wayan Wulan Yanti Yusuf Zainal Asep Ujang Cecep Euis Neneng Ketut Komang Nyoman "
    "Fauzi Hasan Irfan Lukman Rudi"
)
LAST_NAMES = _words(
    "Aminah Anggraini Hidayat Kurniawan Lubis Maharani Nasution Nugroho Pratama "
    "Purnomo Putra Rahayu Ramadhan Saputra Setiawan Siregar Simanjuntak Sulistyo "
    "Susanto Syahputra Utami Wibowo Wijaya Yulianti Hasibuan Harahap Pane Sitompul "
    "Gunawan Hartono Santoso Suryadi Wahyudi Firmansyah Hakim Iskandar Kusuma Lestari "
    "Mulyadi Permana Rosyid Sutrisno"
)
HOSTS = (
    "Pondok Pesantren Al-Hikmah",
    "Pondok Pesantren Darul Ulum",
    "Pondok Pesantren Nurul Huda",
    "Pondok Pesantren Miftahul Ulum",
    "Yayasan Bina Insani",
    "Paroki Santo Yosef",
    "Serikat Pekerja Nasional",
    "Yayasan Karya Mandiri",
    "Pura Jagatnatha",
    "Vihara Dharma Bhakti",
)
INSTITUTION_FOR_HOST = {
    "Pondok": "pesantren",
    "Yayasan": "community",
    "Paroki": "religious",
    "Serikat": "union",
    "Pura": "religious",
    "Vihara": "religious",
}
SECTORS = (
    "Kuliner",
    "Fesyen",
    "Kerajinan",
    "Otomotif",
    "Teknologi informasi",
    "Pertanian",
    "Perikanan",
    "Jasa",
)
PRODUCTS = (
    "Batik",
    "Keripik",
    "Sambal",
    "Bengkel",
    "Jahit",
    "Kopi",
    "Anyaman",
    "Servis HP",
    "Roti",
    "Madu",
    "Las",
    "Sablon",
)
TOPICS = (
    "Pemasaran digital",
    "Pembukuan sederhana",
    "Perizinan NIB",
    "Pengemasan produk",
    "Akses permodalan",
    "Harga pokok produksi",
)
LSPS = [f"LSP P{n} BLK Komunitas {n:02d}" for n in range(1, 41)]
OUTCOMES = (
    ("employed", 35),
    ("self_employed", 30),
    ("apprenticeship", 5),
    ("migrant_worker", 5),
    ("studying", 5),
    ("unemployed", 20),
)
EDUCATION = ("none", "sd", "smp", "sma", "smk", "diploma", "s1", "s2_plus")
EDUCATION_WEIGHTS = (2, 10, 25, 30, 25, 4, 3, 1)
PRIOR = ("unemployed", "laid_off", "working", "student", "other")
PRIOR_WEIGHTS = (45, 10, 25, 15, 5)

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
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies sizes")
    for name, default in (
        ("blkks", 3_000),
        ("batches", 30_000),
        ("trainees", 300_000),
        ("enrollments", 450_000),
        ("cohorts", 3_000),
        ("ventures", 10_000),
        ("metrics", 100_000),
        ("mentors", 1_000),
        ("sessions", 200_000),
    ):
        parser.add_argument(
            f"--{name}",
            type=int,
            default=None,
            help=f"number of {name} (default {default:,} x scale)",
        )
        parser.set_defaults(**{f"default_{name}": default})
    parser.add_argument("--runs", type=int, default=20, help="timed runs per query")
    parser.add_argument(
        "--budget",
        type=float,
        default=15.0,
        help="seconds per query at most: slow queries get fewer runs (min 5)",
    )
    parser.add_argument("--seed", type=int, default=20260101)
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
    for name in (
        "blkks",
        "batches",
        "trainees",
        "enrollments",
        "cohorts",
        "ventures",
        "metrics",
        "mentors",
        "sessions",
    ):
        if getattr(args, name) is None:
            default = getattr(args, f"default_{name}")
            setattr(args, name, max(1, round(default * args.scale)))
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


# --------------------------------------------------------------------------- loading


def _fmt(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, str):
        return (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return str(value)


def copy_rows(model, fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """COPY `rows` (tuples in the order of `fields`) into the model's table."""
    from django.db import connection

    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(model._meta.get_field(f).column) for f in fields
    )
    statement = f"COPY {table} ({columns}) FROM STDIN"
    count = 0
    buffer = io.StringIO()

    def flush() -> None:
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(statement, buffer)
        buffer.seek(0)
        buffer.truncate()

    for row in rows:
        buffer.write("\t".join(map(_fmt, row)))
        buffer.write("\n")
        count += 1
        if count % 100_000 == 0:
            flush()
    flush()
    return count


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    """An aware timestamp during working hours on `day` (WIB, UTC+7)."""
    return datetime.datetime.combine(
        day,
        datetime.time(rng.randrange(1, 10), rng.randrange(60), rng.randrange(60)),
        tzinfo=datetime.UTC,
    )


def _day(ordinal: int) -> datetime.date:
    return datetime.date.fromordinal(ordinal)


class Loader:
    """Generates and COPYs the national dataset; ids are assigned here."""

    def __init__(self, args: argparse.Namespace, today: datetime.date) -> None:
        self.args = args
        self.rng = random.Random(args.seed)  # noqa: S311 - synthetic data, not security
        self.today = today
        self.timings: list[tuple[str, int, float]] = []

    def step(self, label: str, model, fields, rows) -> None:
        started = time.perf_counter()
        count = copy_rows(model, fields, rows)
        elapsed = time.perf_counter() - started
        self.timings.append((label, count, elapsed))
        print(f"  {label:<28} {count:>9,} rows  {elapsed:6.1f} s", flush=True)

    def run(self) -> None:
        from django.db import connection, transaction

        started = time.perf_counter()
        with transaction.atomic():
            self.load_blkks()
            self.load_batches()
            self.load_trainees_and_enrollments()
            self.load_records()
            self.load_incubation()
            self.load_mentoring()
            self.reset_sequences()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"  loaded and analysed in {time.perf_counter() - started:.1f} s")

    # -- BLKKs and batches ------------------------------------------------------

    def load_blkks(self) -> None:
        from training.models import Blkk, Regency, VocationalField

        rng, n = self.rng, self.args.blkks
        regencies = list(Regency.objects.values_list("code", "province_id"))
        weights = [JAVA_WEIGHT if prov in JAVA else 1 for _, prov in regencies]
        chosen = rng.choices(regencies, weights, k=n)
        chosen.sort()
        per_regency: dict[str, int] = defaultdict(int)
        self.blkk_province: list[str] = [""]  # index = BLKK id
        self.blkk_regency: list[str] = [""]
        self.blkks_by_province: dict[str, list[int]] = defaultdict(list)
        self.regencies_by_province: dict[str, list[str]] = defaultdict(list)
        for code, prov in regencies:
            self.regencies_by_province[prov].append(code)
        rows = []
        now = _at(self.today, rng)
        for blkk_id, (regency, prov) in enumerate(chosen, start=1):
            per_regency[regency] += 1
            host = rng.choice(HOSTS)
            self.blkk_province.append(prov)
            self.blkk_regency.append(regency)
            self.blkks_by_province[prov].append(blkk_id)
            rows.append(
                (
                    blkk_id,
                    f"BLKK-{regency}-{per_regency[regency]:03d}",
                    f"BLKK {host} {per_regency[regency]}",
                    host,
                    INSTITUTION_FOR_HOST[host.split()[0]],
                    regency,
                    f"Jl. Raya No. {rng.randrange(1, 200)}",
                    f"08{rng.randrange(10**9, 10**10)}",
                    "",
                    rng.randrange(1990, 2024),
                    rng.choice(("tumbuh", "tumbuh", "berkembang", "mandiri")),
                    rng.choice(("none", "none", "preparing", "licensed")),
                    blkk_id % 3 == 0,
                    rng.random() > 0.03,
                    now,
                    now,
                )
            )
        fields = [
            "id",
            "code",
            "name",
            "host_institution",
            "institution_type",
            "regency",
            "address",
            "phone",
            "email",
            "established_year",
            "grade",
            "lsp_status",
            "is_incubator",
            "is_active",
            "created_at",
            "updated_at",
        ]
        self.step("BLKKs", Blkk, fields, rows)
        self.n_blkk = n
        self.field_ids = list(VocationalField.objects.values_list("pk", flat=True))
        through = Blkk.vocational_fields.through
        pairs = (
            (blkk_id, field_id)
            for blkk_id in range(1, n + 1)
            for field_id in rng.sample(self.field_ids, rng.randrange(1, 4))
        )
        self.step("BLKK trades", through, ["blkk", "vocationalfield"], pairs)

    def load_batches(self) -> None:
        from training.models import TrainingBatch

        rng, n, n_blkk = self.rng, self.args.batches, self.n_blkk
        first = datetime.date(2019, 1, 1).toordinal()
        last = self.today.toordinal() - 20
        self.batch_blkk = [0]
        self.batch_start = [0]
        self.batch_end = [0]
        self.batches_by_blkk: dict[int, list[int]] = defaultdict(list)
        per_blkk: dict[int, int] = defaultdict(int)
        rows = []
        for batch_id in range(1, n + 1):
            blkk = batch_id if batch_id <= n_blkk else rng.randrange(n_blkk) + 1
            start = rng.randrange(first, last)
            end = start + rng.randrange(20, 60)
            per_blkk[blkk] += 1
            self.batch_blkk.append(blkk)
            self.batch_start.append(start)
            self.batch_end.append(end)
            self.batches_by_blkk[blkk].append(batch_id)
            rows.append(
                (
                    batch_id,
                    blkk,
                    rng.choice(self.field_ids),
                    f"Angkatan {per_blkk[blkk]} {_day(start).year}",
                    _day(start),
                    _day(end),
                    rng.choice((16, 16, 20, 24)),
                    _at(_day(start - 30), rng),
                )
            )
        fields = [
            "id",
            "blkk",
            "vocational_field",
            "name",
            "start_date",
            "end_date",
            "capacity",
            "created_at",
        ]
        self.step("training batches", TrainingBatch, fields, rows)
        self.n_batch = n

    # -- trainees and enrollments -----------------------------------------------

    def _second_batch(self, first_batch: int) -> int:
        rng = self.rng
        blkk = self.batch_blkk[first_batch]
        own = self.batches_by_blkk[blkk]
        if rng.random() < 0.6 and len(own) > 1:
            candidate = rng.choice(own)
        else:
            # Another BLKK of the province (enrolled by NIK elsewhere).
            other = rng.choice(self.blkks_by_province[self.blkk_province[blkk]])
            candidate = rng.choice(self.batches_by_blkk[other])
        return candidate

    def load_trainees_and_enrollments(self) -> None:
        from training.models import Enrollment, Trainee

        rng, args = self.rng, self.args
        n = args.trainees
        extra = max(0, min(n, args.enrollments - n))
        p_second = extra / n
        today = self.today.toordinal()
        people = []  # (registered_on, temp index, blkk, regency, batches)
        for index in range(n):
            first_batch = rng.randrange(1, self.n_batch + 1)
            batches = [first_batch]
            if rng.random() < p_second:
                for _attempt in range(5):
                    second = self._second_batch(first_batch)
                    if second != first_batch:
                        batches.append(second)
                        break
            blkk = self.batch_blkk[first_batch]
            start = min(self.batch_start[b] for b in batches)
            registered = start - rng.randrange(1, 30)
            regency = self.blkk_regency[blkk]
            if rng.random() < 0.1:
                regency = rng.choice(
                    self.regencies_by_province[self.blkk_province[blkk]]
                )
            people.append((registered, index, blkk, regency, batches))
        people.sort()

        serials: dict[str, int] = defaultdict(int)
        trainee_rows = []
        enrollment_rows = []
        self.trainees_by_blkk: dict[int, list[int]] = defaultdict(list)
        for trainee_id, (registered, _index, blkk, regency, batches) in enumerate(
            people, start=1
        ):
            birth = _day(registered - 365 * 17 - rng.randrange(365 * 28))
            gender = "F" if rng.random() < 0.45 else "M"
            nik_day = birth.day + (40 if gender == "F" else 0)
            prefix = (
                f"{regency[:2]}0101{nik_day:02d}{birth.month:02d}{birth.year % 100:02d}"
            )
            serials[prefix] += 1
            nik = f"{prefix}{serials[prefix]:04d}"
            registered_on = _day(registered)
            trainee_rows.append(
                (
                    trainee_id,
                    nik,
                    f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    gender,
                    birth,
                    f"08{rng.randrange(10**9, 10**10)}",
                    regency,
                    rng.choices(EDUCATION, EDUCATION_WEIGHTS)[0],
                    rng.random() < 0.03,
                    rng.choices(PRIOR, PRIOR_WEIGHTS)[0],
                    blkk,
                    registered_on,
                    registered_on,
                    _at(registered_on, rng),
                )
            )
            self.trainees_by_blkk[blkk].append(trainee_id)
            for batch in batches:
                end = self.batch_end[batch]
                if end >= today:
                    status, completed = "active", None
                elif rng.random() < 0.88:
                    status, completed = "completed", _day(end)
                else:
                    status, completed = "dropped", None
                created = _at(_day(self.batch_start[batch] - rng.randrange(1, 20)), rng)
                enrollment_rows.append((created, trainee_id, batch, status, completed))
        if max(serials.values()) > 9999:
            raise RuntimeError("NIK serials overflow: lower --trainees")
        self.step(
            "trainees",
            Trainee,
            [
                "id",
                "nik",
                "full_name",
                "gender",
                "birth_date",
                "phone",
                "regency",
                "education",
                "has_disability",
                "prior_status",
                "blkk",
                "registered_on",
                "consent_on",
                "created_at",
            ],
            trainee_rows,
        )
        self.n_trainee = n
        del trainee_rows
        enrollment_rows.sort()
        self.completed = [
            (trainee, batch, completed)
            for (_c, trainee, batch, status, completed) in enrollment_rows
            if status == "completed"
        ]
        self.step(
            "enrollments",
            Enrollment,
            ["id", "created_at", "trainee", "batch", "status", "completed_on"],
            (
                (enrollment_id, *row)
                for enrollment_id, row in enumerate(enrollment_rows, start=1)
            ),
        )

    def load_records(self) -> None:
        """Certifications for ~40% and tracer answers for ~45% of completions."""
        from training.models import Certification, GraduateOutcome

        rng, today = self.rng, self.today
        certifications = []
        outcomes = []
        lsp_serial: dict[str, int] = defaultdict(int)
        statuses = [s for s, _ in OUTCOMES]
        weights = [w for _, w in OUTCOMES]
        for trainee, batch, completed in self.completed:
            if rng.random() < 0.4:
                issued = min(
                    today, completed + datetime.timedelta(rng.randrange(7, 60))
                )
                lsp = rng.choice(LSPS)
                lsp_serial[lsp] += 1
                certifications.append(
                    (
                        _at(issued, rng),
                        trainee,
                        f"Skema okupasi {batch % 40}",
                        lsp,
                        issued,
                        "competent" if rng.random() < 0.85 else "not_yet",
                        f"{lsp_serial[lsp]:07d}/{issued.year}",
                    )
                )
            if rng.random() < 0.45:
                surveyed = min(
                    today, completed + datetime.timedelta(rng.randrange(90, 365))
                )
                status = rng.choices(statuses, weights)[0]
                working = status in ("employed", "self_employed", "migrant_worker")
                outcomes.append(
                    (
                        _at(surveyed, rng),
                        trainee,
                        surveyed,
                        status,
                        "Usaha sendiri" if working else "",
                        rng.randrange(1_000_000, 8_000_000) if working else None,
                    )
                )
        certifications.sort()
        outcomes.sort()
        self.step(
            "certifications",
            Certification,
            [
                "id",
                "created_at",
                "trainee",
                "scheme",
                "lsp_name",
                "issued_on",
                "result",
                "number",
            ],
            ((i, *row) for i, row in enumerate(certifications, start=1)),
        )
        self.step(
            "graduate outcomes",
            GraduateOutcome,
            [
                "id",
                "created_at",
                "trainee",
                "surveyed_on",
                "status",
                "employer_or_business",
                "monthly_income",
            ],
            ((i, *row) for i, row in enumerate(outcomes, start=1)),
        )
        del self.completed

    # -- incubation ---------------------------------------------------------------

    def load_incubation(self) -> None:
        from incubator.models import Cohort, Venture, VentureMetric

        rng, args, today = self.rng, self.args, self.today
        incubators = [b for b in range(1, self.n_blkk + 1) if b % 3 == 0] or [1]
        per_blkk: dict[int, int] = defaultdict(int)
        cohort_rows = []
        self.cohort_blkk = [0]
        cohort_start = [0]
        for cohort_id in range(1, args.cohorts + 1):
            blkk = incubators[(cohort_id - 1) % len(incubators)]
            year = 2022 + ((cohort_id - 1) // len(incubators)) % 4
            per_blkk[blkk] += 1
            start = datetime.date(year, rng.choice((1, 7)), 1)
            closed = year < today.year - 1
            self.cohort_blkk.append(blkk)
            cohort_start.append(start)
            cohort_rows.append(
                (
                    cohort_id,
                    blkk,
                    f"Kohort {per_blkk[blkk]} ({year})",
                    year,
                    start,
                    start + datetime.timedelta(days=180) if closed else None,
                    "closed" if closed else "running",
                )
            )
        self.step(
            "cohorts",
            Cohort,
            ["id", "blkk", "name", "year", "start_date", "end_date", "status"],
            cohort_rows,
        )
        stages = ("pre_incubation", "incubation", "post_incubation", "graduated")
        venture_rows = []
        founder_rows = []
        self.venture_start = [0]
        self.venture_blkk = [0]
        for venture_id in range(1, args.ventures + 1):
            cohort = rng.randrange(1, args.cohorts + 1)
            blkk = self.cohort_blkk[cohort]
            started = min(
                today, cohort_start[cohort] + datetime.timedelta(rng.randrange(120))
            )
            self.venture_start.append(started)
            self.venture_blkk.append(blkk)
            venture_rows.append(
                (
                    venture_id,
                    cohort,
                    f"{rng.choice(PRODUCTS)} {rng.choice(LAST_NAMES)} {venture_id}",
                    rng.choice(SECTORS),
                    rng.choice(stages) if rng.random() > 0.08 else "dropped",
                    f"{9120000000000 + venture_id:013d}" if rng.random() < 0.5 else "",
                    started,
                    _at(started, rng),
                )
            )
            pool = self.trainees_by_blkk.get(blkk) or [1]
            for trainee in set(rng.choices(pool, k=rng.randrange(1, 4))):
                founder_rows.append((venture_id, trainee))
        self.step(
            "ventures",
            Venture,
            [
                "id",
                "cohort",
                "name",
                "sector",
                "stage",
                "nib",
                "started_on",
                "created_at",
            ],
            venture_rows,
        )
        self.step(
            "venture founders",
            Venture.founders.through,
            ["venture", "trainee"],
            founder_rows,
        )
        base, extra = divmod(args.metrics, args.ventures)
        metric_rows = []
        this_month = today.year * 12 + today.month - 1
        for venture_id in range(1, args.ventures + 1):
            months = base + (1 if venture_id <= extra else 0)
            last = this_month - 1 - rng.randrange(4)
            for month in range(last - months + 1, last + 1):
                period = datetime.date(month // 12, month % 12 + 1, 1)
                metric_rows.append(
                    (
                        _at(period + datetime.timedelta(days=35), rng),
                        venture_id,
                        period,
                        rng.randrange(0, 50_000_000),
                        rng.randrange(0, 12),
                        rng.randrange(0, 400),
                    )
                )
        metric_rows.sort()
        self.step(
            "venture metrics",
            VentureMetric,
            [
                "id",
                "created_at",
                "venture",
                "period",
                "revenue",
                "workers",
                "customers",
            ],
            ((i, *row) for i, row in enumerate(metric_rows, start=1)),
        )

    # -- mentoring ------------------------------------------------------------------

    def load_mentoring(self) -> None:
        from mentoring.models import Mentor, MentorAssignment, MentoringSession

        rng, args, today = self.rng, self.args, self.today
        mentor_rows = []
        for mentor_id in range(1, args.mentors + 1):
            mentor_rows.append(
                (
                    mentor_id,
                    f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    rng.choice(SECTORS),
                    rng.choice(("blk", "university", "industry", "ministry")),
                    rng.randrange(1, self.n_blkk + 1) if rng.random() < 0.7 else None,
                    rng.choice((5, 10, 15)),
                )
            )
        self.step(
            "mentors",
            Mentor,
            [
                "id",
                "full_name",
                "expertise",
                "affiliation",
                "home_blkk",
                "max_active_assignments",
            ],
            mentor_rows,
        )
        # One assignment per venture, and BLKK-wide assignments (two per mentor).
        assignments = []
        for venture_id in range(1, args.ventures + 1):
            assignments.append((self.venture_start[venture_id], venture_id, None))
        incubators = [b for b in range(1, self.n_blkk + 1) if b % 3 == 0] or [1]
        first = datetime.date(2022, 1, 1).toordinal()
        for _ in range(2 * args.mentors):
            start = _day(rng.randrange(first, today.toordinal() - 60))
            assignments.append((start, None, rng.choice(incubators)))
        assignments.sort(key=lambda a: a[0])
        assignment_rows = []
        spans = []
        for assignment_id, (start, venture, blkk) in enumerate(assignments, start=1):
            end = None
            if rng.random() < 0.35:
                end = min(today, start + datetime.timedelta(rng.randrange(90, 540)))
            status = "ended" if end is not None and end < today else "active"
            spans.append((start.toordinal(), (end or today).toordinal()))
            assignment_rows.append(
                (
                    assignment_id,
                    rng.randrange(1, args.mentors + 1),
                    venture,
                    blkk,
                    start,
                    end,
                    status,
                    _at(start, rng),
                )
            )
        self.step(
            "mentor assignments",
            MentorAssignment,
            [
                "id",
                "mentor",
                "venture",
                "blkk",
                "start_date",
                "end_date",
                "status",
                "created_at",
            ],
            assignment_rows,
        )
        session_rows = []
        for _ in range(args.sessions):
            assignment = rng.randrange(1, len(spans) + 1)
            start, end = spans[assignment - 1]
            held = _day(rng.randrange(start, max(start, end) + 1))
            session_rows.append(
                (
                    _at(held, rng),
                    assignment,
                    held,
                    rng.choice((30, 45, 60, 90, 120)),
                    rng.choice(("in_person", "online", "phone")),
                    "; ".join(rng.sample(TOPICS, 2)),
                    "Catatan sesi pendampingan: progres usaha dan kendala lapangan.",
                    "Perbarui pembukuan; unggah foto produk.",
                    rng.randrange(1, 6) if rng.random() < 0.7 else None,
                    None,
                )
            )
        session_rows.sort()
        self.step(
            "mentoring sessions",
            MentoringSession,
            [
                "id",
                "created_at",
                "assignment",
                "held_on",
                "duration_minutes",
                "mode",
                "topics",
                "notes",
                "action_items",
                "mentee_rating",
                "recorded_by",
            ],
            ((i, *row) for i, row in enumerate(session_rows, start=1)),
        )

    def reset_sequences(self) -> None:
        from django.core.management.color import no_style
        from django.db import connection

        from incubator.models import Cohort, Venture, VentureMetric
        from mentoring.models import Mentor, MentorAssignment, MentoringSession
        from training.models import (
            Blkk,
            Certification,
            Enrollment,
            GraduateOutcome,
            Trainee,
            TrainingBatch,
        )

        models = [
            Blkk,
            TrainingBatch,
            Trainee,
            Enrollment,
            Certification,
            GraduateOutcome,
            Cohort,
            Venture,
            VentureMetric,
            Mentor,
            MentorAssignment,
            MentoringSession,
        ]
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)


# --------------------------------------------------------------------------- users


def bench_users(today: datetime.date) -> dict[str, object]:
    """One user per role (created once, through the portal's own service)."""
    from django.db.models import Count

    from blkk_portal.accounts.models import Role, User
    from incubator.models import Venture
    from mentoring.models import MentorAssignment, MentoringSession
    from mentoring.services import user_create
    from training.models import Blkk, Province

    password = "bench-not-a-secret"  # noqa: S105 - throwaway users in a bench DB
    users: dict[str, object] = {}

    def get_or_create(username: str, **kwargs) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(username=username, password=password, **kwargs)
        return user

    users["ministry"] = get_or_create("bench-ministry", role=Role.MINISTRY)
    users["province 32"] = get_or_create(
        "bench-province-32",
        role=Role.PROVINCE,
        province=Province.objects.get(code="32"),
    )
    # Typical BLKKs of Jawa Barat (the median number of registered trainees): one
    # that hosts incubation (ventures, mentoring) and one that only trains, as
    # two thirds of BLKKs do.
    for role, username, incubator in (
        ("blkk_manager", "bench-manager", True),
        ("blkk_manager (training only)", "bench-manager-plain", False),
    ):
        manager = User.objects.filter(username=username).first()
        if manager is None:
            candidates = list(
                Blkk.objects.filter(regency__province_id="32", is_incubator=incubator)
                .annotate(n=Count("registered_trainees"))
                .order_by("n", "pk")
            )
            manager = user_create(
                username=username,
                password=password,
                role=Role.BLKK_MANAGER,
                blkks=[candidates[len(candidates) // 2]],
            )
        users[role] = manager
    mentor_user = get_or_create(
        "bench-mentor", role=Role.MENTOR, full_name="Bench Mentor"
    )
    mentor = mentor_user.mentor_profile
    if not mentor.assignments.exists():
        rng = random.Random(7)  # noqa: S311 - synthetic data, not security
        ventures = list(
            Venture.objects.filter(cohort__blkk__regency__province_id="32")
            .order_by("pk")
            .values_list("pk", "started_on")[:4]
        )
        blkk = Blkk.objects.filter(regency__province_id="33", is_incubator=True).first()
        assignments = [
            MentorAssignment(
                mentor=mentor,
                venture_id=pk,
                start_date=started,
                status=MentorAssignment.Status.ACTIVE,
            )
            for pk, started in ventures
        ]
        assignments.append(
            MentorAssignment(
                mentor=mentor,
                blkk=blkk,
                start_date=datetime.date(2024, 1, 1),
                status=MentorAssignment.Status.ACTIVE,
            )
        )
        MentorAssignment.objects.bulk_create(assignments)
        sessions = []
        for assignment in assignments:
            span = (today - assignment.start_date).days
            for _ in range(15):
                sessions.append(
                    MentoringSession(
                        assignment=assignment,
                        held_on=assignment.start_date
                        + datetime.timedelta(rng.randrange(max(span, 1))),
                        duration_minutes=60,
                        mode=MentoringSession.Mode.ONLINE,
                        topics="Pemasaran digital",
                    )
                )
        MentoringSession.objects.bulk_create(sessions)
    users["mentor"] = mentor_user
    return users


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
        try_keyset(bench_users(timezone_today()), args, "with candidate indexes")
    if args.try_rewrites:
        # Everything recommended at once: indexes, jit off and the rewrites.
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        try_rewrites(
            bench_users(timezone_today()),
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
    for role in ("province 32", "blkk_manager", "blkk_manager (training only)"):
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

    from training.models import Trainee

    name = ensure_bench_database()
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"migrated {name} in {time.perf_counter() - started:.1f} s")
    today = timezone.localdate()

    if Trainee.objects.exists():
        print("data already loaded: skipping the load (drop the database to reload)")
    else:
        print(
            f"loading (scale {args.scale}: {args.blkks:,} BLKKs, "
            f"{args.trainees:,} trainees, {args.enrollments:,} enrollments, "
            f"{args.sessions:,} sessions)"
        )
        Loader(args, today).run()
    users = bench_users(today)
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
