"""The national benchmark dataset (issue #14): the one loader, behind `seed_scale`.

`load(factor=1)` fills an empty, migrated PostgreSQL database with a decade of the
whole country's data up to today, written with COPY (psycopg2's `copy_expert`)
table after table in dependency order, in one transaction:

- 4,300 BLKKs over all 514 regencies (Java's provinces weigh three times as much),
  each with one manager account, its trades, grade assessments and a few
  hand-overs; instructors with their trades and qualifications; partners and
  partnerships (national ones too) with their purposes;
- ~43,750 training batches (about one a year per BLKK, 16-24 places), 600,000
  trainees with valid NIKs (region, birth date, 40 added to the day for women,
  unique serial), 700,000 enrollments (a person sometimes trains twice, at the same
  BLKK or another of the province), 200,000 certifications, 250,000 graduate
  outcomes, placements;
- 6,000 cohorts at the incubator BLKKs (a third), their applications with
  co-applicants and reviews, 50,000 ventures (accepted applications or entered
  directly) with founders, their whole stage history, milestones and 600,000
  monthly metrics; assistance to BLKKs and ventures with its status history;
- 8,000 mentors with accounts, 80,000 assignments (one per venture, the rest to
  whole BLKKs; never more active at once than a mentor's maximum) and 1,500,000
  sessions.

Every row satisfies the database's constraints and the rules the services check
(a venture's stage is its history's last move, an outcome or placement follows a
completed training, a batch never holds more people than its places, ...): the
loader bypasses `save()`, nothing else does. History rows (django-simple-history)
are not written: the dataset has no history, as after a bulk import without one.

Sizes scale with `factor`; the same `seed` and day give the same rows. Dates
spread over the ten years up to today, so every month's KPIs have data.
`bench_users(today)` then creates the measured users through the services.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import math
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from blkk_portal.accounts.models import User

# The measured users' password (throwaway accounts in a benchmark database).
BENCH_PASSWORD = "bench-not-a-secret"  # noqa: S105
DEFAULT_SEED = 20260101
MAX_FACTOR = 10.0
DECADE_DAYS = 3652
# Rows per `read()` of the COPY stream: about half a megabyte of text.
CHUNK_ROWS = 4000

# Sizes at factor 1 (issue #14 for the first twelve; the programme records in
# proportion to them).
BASE_SIZES: dict[str, int] = {
    "blkks": 4_300,
    "batches": 43_750,
    "trainees": 600_000,
    "enrollments": 700_000,
    "certifications": 200_000,
    "outcomes": 250_000,
    "cohorts": 6_000,
    "ventures": 50_000,
    "metrics": 600_000,
    "mentors": 8_000,
    "assignments": 80_000,
    "sessions": 1_500_000,
    "instructors": 13_000,
    "qualifications": 20_000,
    "partners": 6_000,
    "partnerships": 9_000,
    "national_partnerships": 12,
    "placements": 50_000,
    "assessments": 10_000,
    "applications": 90_000,
    "milestones": 150_000,
    "assistance": 12_000,
    "ministry_staff": 12,
    "handovers": 86,
}
# The least of each that keeps the dataset whole at a tiny factor: two BLKKs in
# Jawa Barat (an incubator and a training-only one), a cohort, a venture...
MIN_SIZES: dict[str, int] = {
    "blkks": 2,
    "batches": 4,
    "trainees": 40,
    "enrollments": 40,
    "cohorts": 1,
    "ventures": 1,
    "mentors": 2,
    "assignments": 1,
    "national_partnerships": 1,
    "ministry_staff": 2,
    "handovers": 1,
}
# Of the ventures, those born of an accepted application (the rest were entered
# directly); of the graduate outcomes, the follow-up surveys of a graduate
# already surveyed.
ACCEPTED_SHARE = 0.6
SECOND_SURVEY_SHARE = 0.15
JAVA = frozenset({"31", "32", "33", "34", "35", "36"})
JAVA_WEIGHT = 3
BENCH_PROVINCE = "32"
# Provinces in the shipped regions file (one province officer each).
PROVINCES = 38


def sizes(factor: float) -> dict[str, int]:
    """The number of rows of each kind at `factor` (1 = the national dataset)."""
    check_factor(factor)
    counts = {
        name: max(MIN_SIZES.get(name, 0), round(base * factor))
        for name, base in BASE_SIZES.items()
    }
    counts["enrollments"] = max(counts["enrollments"], counts["trainees"])
    counts["assignments"] = max(counts["assignments"], 1)
    return counts


def expected_rows(factor: float) -> dict[str, int | tuple[int, int]]:
    """What `load(factor)` writes into each table: its exact number of rows, or
    the bounds of it for the tables whose rows follow from the histories drawn
    (trades, founders, stage and status changes, reviews...). The users are the
    loader's own (not those there before, nor the measured users)."""
    n = sizes(factor)
    partners = max(n["partners"], len(NATIONAL_PARTNERS))
    partnerships = n["partnerships"] + n["national_partnerships"]
    return {
        "accounts_user": n["ministry_staff"]
        + PROVINCES
        + n["blkks"]
        + min(n["handovers"], n["blkks"])
        + n["mentors"],
        "training_blkk": n["blkks"],
        "training_blkk_vocational_fields": (n["blkks"], 3 * n["blkks"]),
        "training_blkk_managers": n["blkks"],
        "training_blkkhandover": min(n["handovers"], n["blkks"]),
        "training_gradeassessment": n["assessments"],
        "training_instructor": n["instructors"],
        "training_instructor_vocational_fields": (
            n["instructors"],
            2 * n["instructors"],
        ),
        "training_instructorqualification": n["qualifications"],
        "training_partner": partners,
        "training_partnership": partnerships,
        "training_partnership_purposes": (partnerships, 4 * partnerships),
        "training_trainingbatch": n["batches"],
        "training_trainee": n["trainees"],
        "training_enrollment": n["enrollments"],
        "training_certification": n["certifications"],
        "training_graduateoutcome": n["outcomes"],
        "training_placement": n["placements"],
        "incubator_cohort": n["cohorts"],
        "incubator_venture": n["ventures"],
        "incubator_venture_founders": (n["ventures"], 3 * n["ventures"]),
        "incubator_stagechange": (n["ventures"], 4 * n["ventures"]),
        "incubator_cohortapplication": n["applications"],
        "incubator_cohortapplication_co_applicants": (0, 2 * n["applications"]),
        "incubator_applicationreview": (0, 2 * n["applications"]),
        "incubator_milestone": n["milestones"],
        "incubator_venturemetric": n["metrics"],
        "incubator_assistance": n["assistance"],
        "incubator_assistancestatuschange": (n["assistance"], 4 * n["assistance"]),
        "mentoring_mentor": n["mentors"],
        "mentoring_mentorassignment": n["assignments"],
        "mentoring_mentoringsession": n["sessions"],
    }


def check_factor(factor: float) -> None:
    if not isinstance(factor, int | float) or not 0 < factor <= MAX_FACTOR:
        raise ScaleRefused(
            f"The factor must be a number above 0 and at most {MAX_FACTOR:g}, "
            f"not {factor!r}."
        )


class ScaleRefused(Exception):
    """The dataset cannot be loaded here (not PostgreSQL, not empty, bad factor)."""


# --- words ---------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


def _columns(text: str) -> list[str]:
    return text.split()


# No tab, newline or backslash in any of them: the rows go to COPY's text format
# unescaped.

MEN = _words(
    "Agus Ahmad Andi Bambang Budi Dedi Eko Fajar Hadi Hendra Joko Made Muhammad "
    "Rahmat Rizki Slamet Suharto Tri Wahyu Wayan Yusuf Zainal Asep Ujang Cecep "
    "Ketut Komang Nyoman Fauzi Hasan Irfan Lukman Rudi Arif Dimas Gilang Ilham"
)
WOMEN = _words(
    "Anisa Ayu Dewi Dian Fitri Indah Intan Kartika Lestari Lina Maya Nur Nurul "
    "Putri Ratna Ria Rina Sari Siti Sri Wulan Yanti Euis Neneng Endang Kadek "
    "Nyoman Rahma Aisyah Desi Eka Fatimah Hana Laila Mega Novi"
)
SURNAMES = _words(
    "Aminah Anggraini Hidayat Kurniawan Lubis Maharani Nasution Nugroho Pratama "
    "Purnomo Putra Rahayu Ramadhan Saputra Setiawan Siregar Simanjuntak Sulistyo "
    "Susanto Syahputra Utami Wibowo Wijaya Yulianti Hasibuan Harahap Pane Sitompul "
    "Gunawan Hartono Santoso Suryadi Wahyudi Firmansyah Hakim Iskandar Kusuma "
    "Mulyadi Permana Rosyid Sutrisno Hutapea Manurung Tanjung Sembiring Ginting"
)
N_SURNAMES = len(SURNAMES)
HOSTS = (
    ("Pondok Pesantren Al-Hikmah", "pesantren"),
    ("Pondok Pesantren Darul Ulum", "pesantren"),
    ("Pondok Pesantren Nurul Huda", "pesantren"),
    ("Pondok Pesantren Miftahul Ulum", "pesantren"),
    ("Pondok Pesantren Al-Falah", "pesantren"),
    ("Pondok Pesantren Raudlatul Ulum", "pesantren"),
    ("Pondok Pesantren Darussalam", "pesantren"),
    ("Yayasan Bina Insani", "community"),
    ("Yayasan Karya Mandiri", "community"),
    ("Paroki Santo Yosef", "religious"),
    ("Gereja Kristen Jawa", "religious"),
    ("Pura Jagatnatha", "religious"),
    ("Vihara Dharma Bhakti", "religious"),
    ("Serikat Pekerja Nasional", "union"),
    ("Koperasi Tani Makmur", "other"),
)
STREETS = _words("Raya Merdeka Pahlawan Sudirman Diponegoro Masjid Pesantren Pasar")
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
PRODUCTS = _words(
    "Batik Kopi Sambal Bengkel Jahit Keripik Anyaman Servis HP Roti Madu Las Sablon "
    "Tempe Dodol Bordir Salon"
)
TOPICS = (
    "Pemasaran digital",
    "Pembukuan sederhana",
    "Perizinan NIB",
    "Pengemasan produk",
    "Akses permodalan",
    "Harga pokok produksi",
    "Sertifikasi halal",
    "Penjualan daring",
)
SESSION_NOTES = (
    "Progres usaha dan kendala lapangan dibahas bersama.",
    "Omzet naik; stok bahan baku perlu dijaga.",
    "Pencatatan keuangan mulai rapi.",
    "Pelanggan baru dari pasar daring.",
    "",
)
ACTION_ITEMS = (
    "Perbarui pembukuan; unggah foto produk.",
    "Urus NIB di OSS.",
    "Coba kemasan baru.",
    "Hubungi calon pembeli grosir.",
    "",
)
MILESTONES = (
    "NIB terbit",
    "Sertifikat halal",
    "Kemasan baru",
    "Penjualan daring pertama",
    "Pembukuan bulanan",
    "Pinjaman KUR",
    "Karyawan pertama",
    "Pameran produk",
)
LSPS = tuple(f"LSP P{n} BLK Komunitas {n:02d}" for n in range(1, 41))
COMPANY_PREFIXES = ("PT", "CV", "UD", "Koperasi")
COMPANY_WORDS = _words(
    "Sinar Karya Boga Teknik Garmen Mandiri Sejahtera Makmur Jaya Abadi Nusantara "
    "Prima Utama Lestari Berkah Sentosa Bangun Tani Samudra Mulia"
)
AREA_CODES = ("21", "22", "24", "31", "61", "274", "341", "361", "411", "711")
OUTCOME_STATUSES = (
    ("employed", 35),
    ("self_employed", 28),
    ("apprenticeship", 6),
    ("migrant_worker", 5),
    ("studying", 5),
    ("unemployed", 21),
)
WORKING = frozenset({"employed", "self_employed", "migrant_worker", "apprenticeship"})
EDUCATION = (
    ("none", 2),
    ("sd", 10),
    ("smp", 25),
    ("sma", 30),
    ("smk", 24),
    ("diploma", 4),
    ("s1", 4),
    ("s2_plus", 1),
)
PRIOR = (
    ("unemployed", 45),
    ("laid_off", 10),
    ("working", 25),
    ("student", 15),
    ("other", 5),
)
GRADES = ("tumbuh", "berkembang", "mandiri")
CRITERIA = (
    "has_competent_managers",
    "has_certified_instructors",
    "is_licensed",
    "tracks_alumni",
    "has_partnerships",
    "produces_goods_or_services",
    "is_self_funding",
)
# What an assessor typically finds at each grade (the roadmap's criteria met).
CRITERIA_AT_GRADE = {
    "tumbuh": {"has_competent_managers", "tracks_alumni"},
    "berkembang": {
        "has_competent_managers",
        "has_certified_instructors",
        "tracks_alumni",
        "has_partnerships",
    },
    "mandiri": set(CRITERIA) - {"is_licensed"},
}
PURPOSES = (
    ("training", 30),
    ("apprenticeship", 20),
    ("placement", 20),
    ("certification", 10),
    ("assessment_research", 5),
    ("funding", 5),
    ("market_access", 5),
    ("mentoring", 5),
)
PARTNER_KINDS = (
    ("industry", 50),
    ("university", 10),
    ("local_government", 15),
    ("central_government", 2),
    ("association", 8),
    ("financial", 7),
    ("ngo", 7),
    ("other", 1),
)
NATIONAL_PARTNERS = (
    ("IPB University", "university", "32.71"),
    ("UIN Sunan Ampel Surabaya", "university", "35.78"),
    ("Asosiasi Pengusaha Indonesia", "association", ""),
)
ASSISTANCE_KINDS = (
    ("equipment", 45, 25_000_000, 250_000_000),
    ("training_package", 20, 10_000_000, 60_000_000),
    ("working_capital", 25, 5_000_000, 50_000_000),
    ("operational", 10, 10_000_000, 100_000_000),
)
CONDITIONS = (("good", 75), ("damaged", 10), ("unused", 10), ("lost", 5))


def _hundred(weighted: Sequence[tuple[str, int]]) -> list[str]:
    """A list of 100 entries drawn in the weights' proportions: `list[int(r * 100)]`
    picks one in O(1), cheaper than `random.choices` in the loops below."""
    total = sum(weight for _, weight in weighted)
    out: list[str] = []
    for value, weight in weighted:
        out += [value] * round(100 * weight / total)
    while len(out) < 100:
        out.append(weighted[0][0])
    return out[:100]


EDUCATION_100 = _hundred(EDUCATION)
PRIOR_100 = _hundred(PRIOR)
OUTCOME_100 = _hundred(OUTCOME_STATUSES)
PURPOSE_100 = _hundred(PURPOSES)
PARTNER_KIND_100 = _hundred(PARTNER_KINDS)
CONDITION_100 = _hundred(CONDITIONS)


# --- helpers -------------------------------------------------------------------------


def distribute(total: int, weights: Sequence[float]) -> list[int]:
    """Split `total` into whole parts proportional to `weights` (largest
    remainders): the parts add up to `total` exactly, and none exceeds its weight
    rounded up when `total` is at most the weights' sum."""
    mass = float(sum(weights))
    if total <= 0 or mass <= 0:
        return [0] * len(weights)
    raw = [total * weight / mass for weight in weights]
    parts = [int(value) for value in raw]
    short = total - sum(parts)
    if short:
        order = sorted(range(len(raw)), key=lambda i: parts[i] - raw[i])
        for i in order[:short]:
            parts[i] += 1
    return parts


class Chooser:
    """Selection sampling (Knuth's algorithm S): `take()` answers, for each of
    `population` candidates in turn, whether it is one of the `wanted`: exactly
    `wanted` of them are, each equally likely."""

    def __init__(self, rng: random.Random, wanted: int, population: int) -> None:
        if wanted > population:
            raise ScaleRefused(
                f"Cannot choose {wanted:,} of {population:,}: lower the factor's "
                "derived sizes or raise their sources."
            )
        self.random = rng.random
        self.wanted = wanted
        self.left = population

    def take(self) -> bool:
        chosen = self.random() * self.left < self.wanted
        self.left -= 1
        if chosen:
            self.wanted -= 1
        return chosen


class Days:
    """Dates as ordinals, and their text for COPY, from a table built once."""

    def __init__(self, today: datetime.date) -> None:
        self.today = today.toordinal()
        self.first = self.today - DECADE_DAYS
        self.base = self.today - 82 * 366
        last = self.today + 2200
        self.iso: list[str] = []
        self.day: list[int] = []
        self.mmyy: list[str] = []
        self.year: list[int] = []
        self.month: list[int] = []
        for ordinal in range(self.base, last):
            date = datetime.date.fromordinal(ordinal)
            self.iso.append(date.isoformat())
            self.day.append(date.day)
            self.mmyy.append(f"{date.month:02d}{date.year % 100:02d}")
            self.year.append(date.year)
            self.month.append(date.year * 12 + date.month - 1)
        # Working hours in Asia/Jakarta, and midnight for rows dated today (so that
        # nothing is stamped later than now).
        self.hours = [
            f" {hour:02d}:{minute:02d}:00+07"
            for hour in range(8, 17)
            for minute in range(0, 60, 5)
        ]

    def text(self, ordinal: int) -> str:
        return self.iso[ordinal - self.base]

    def stamp(self, ordinal: int, pick: float) -> str:
        """A timestamp on `ordinal` during working hours (`pick` in [0, 1))."""
        if ordinal >= self.today:
            return self.iso[self.today - self.base] + " 00:00:00+07"
        return self.iso[ordinal - self.base] + self.hours[int(pick * len(self.hours))]

    def year_of(self, ordinal: int) -> int:
        return self.year[ordinal - self.base]

    def month_of(self, ordinal: int) -> int:
        """Months since year 0 (year * 12 + month - 1)."""
        return self.month[ordinal - self.base]

    @staticmethod
    def month_start(month: int) -> int:
        return datetime.date(month // 12, month % 12 + 1, 1).toordinal()


@dataclass
class TableLoad:
    """One table's load: its rows and the seconds spent generating and copying."""

    table: str
    columns: list[str]
    rows: int
    seconds: float
    # With `baseline`: PostgreSQL's own time for as many rows (`scale_baseline`).
    baseline_seconds: float | None = None


@dataclass
class LoadReport:
    factor: float
    seed: int
    today: datetime.date
    # The first id of the users the loader wrote (others may exist before them).
    user_base: int = 1
    tables: list[TableLoad] = field(default_factory=list)
    # Work that belongs to no one table: reading the regions, sequences, ANALYZE.
    other_seconds: float = 0.0
    total_seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(table.rows for table in self.tables)


class LineStream:
    """The file `copy_expert` reads: COPY text, `CHUNK_ROWS` lines a `read()`, built
    from `lines` as PostgreSQL asks for them (so generating the next chunk overlaps
    the server's work on the last one)."""

    def __init__(self, lines: Iterable[str], tick: Callable[[int], Any]) -> None:
        self._lines = iter(lines)
        self._tick = tick
        self.rows = 0

    def read(self, size: int = -1) -> str:
        chunk = list(itertools.islice(self._lines, CHUNK_ROWS))
        self.rows += len(chunk)
        self._tick(len(chunk))
        return "".join(chunk)


def copy_lines(
    table: str,
    columns: Sequence[str],
    lines: Iterable[str],
    *,
    tick: Callable[[int], Any] = lambda rows: None,
) -> int:
    """COPY `lines` (tab-separated text, one row a line ending in a newline, `\\N`
    for NULL) into `table`'s `columns` on Django's connection; the row count."""
    from django.db import connection

    quote = connection.ops.quote_name
    statement = (
        f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    )
    stream = LineStream(lines, tick)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(statement, stream, size=1 << 20)
    return stream.rows


def _bool(value: bool) -> str:
    return "t" if value else "f"


def _null(value: object) -> str:
    return "\\N" if value is None else str(value)


# --- the loader ----------------------------------------------------------------------


class Loader:
    """Generates the national dataset and COPYs it, one table after another, into
    Django's default database (PostgreSQL). Ids are assigned here."""

    def __init__(
        self,
        *,
        factor: float,
        seed: int = DEFAULT_SEED,
        today: datetime.date,
        progress: bool = False,
        baseline: bool = False,
    ) -> None:
        self.n = sizes(factor)
        self.factor = factor
        self.seed = seed
        self.days = Days(today)
        self.t = self.days.today
        self.first = self.days.first
        self.progress = progress
        self.baseline = baseline
        self.baseline_spent = 0.0
        self.report = LoadReport(factor=factor, seed=seed, today=today)

    def rng(self, name: str) -> random.Random:
        """One generator per part, seeded by the seed and the part's name: a part's
        rows do not change when another part changes."""
        return random.Random(f"{self.seed}/{name}")  # noqa: S311 - synthetic data

    # -- copying ---------------------------------------------------------------------

    def copy(
        self,
        model_or_table: Any,
        columns: Sequence[str],
        lines: Iterable[str],
        *,
        expected: int | None = None,
        started: float | None = None,
    ) -> int:
        """COPY one table, timed from `started` (its generation may have begun
        earlier) with a progress bar of `expected` rows."""
        table = (
            model_or_table
            if isinstance(model_or_table, str)
            else model_or_table._meta.db_table
        )
        started = time.perf_counter() if started is None else started
        bar = None
        if self.progress:
            from tqdm import tqdm

            bar = tqdm(
                total=expected,
                desc=f"{table:<44}",
                unit=" rows",
                leave=True,
                # 1.2M rows, but 16 rows rather than 16.0.
                unit_scale=bool(expected and expected >= 10_000),
                mininterval=0.5,
            )
        try:
            rows = copy_lines(
                table, columns, lines, tick=bar.update if bar else lambda rows: None
            )
        finally:
            if bar is not None:
                bar.close()
        load = TableLoad(
            table=table,
            columns=list(columns),
            rows=rows,
            seconds=time.perf_counter() - started,
        )
        self.report.tables.append(load)
        if self.baseline and rows:
            self.measure_baseline(model_or_table, load)
        return rows

    def measure_baseline(self, model: Any, load: TableLoad) -> None:
        """Time the baseline of the table just loaded, in a savepoint rolled back:
        measured right after the load, under the same conditions (on a shared
        machine, minutes apart would compare different loads)."""
        from .scale_baseline import measure_table

        started = time.perf_counter()
        load.baseline_seconds = measure_table(
            model, load.columns, load.rows, self.report
        )
        self.baseline_spent += time.perf_counter() - started

    def run(self) -> LoadReport:
        """Load everything in one transaction, reset the sequences, ANALYZE."""
        from django.db import connection, transaction

        started = time.perf_counter()
        with transaction.atomic():
            with connection.cursor() as cursor:
                # Foreign keys are checked at the end of each COPY rather than all
                # at the commit: each table's time includes its own checks.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            other = time.perf_counter()
            self.read_reference()
            self.plan_blkks()
            self.report.other_seconds += time.perf_counter() - other
            self.load_users()
            self.load_blkks()
            self.load_instructors()
            self.load_partners()
            self.load_people()
            self.load_trainee_records()
            self.load_placements()
            self.load_cohorts()
            self.load_intake_and_ventures()
            self.load_venture_records()
            self.load_assistance()
            self.load_mentoring()
            other = time.perf_counter()
            reset_sequences()
            self.report.other_seconds += time.perf_counter() - other
        other = time.perf_counter()
        analyze()
        self.report.other_seconds += time.perf_counter() - other
        self.report.total_seconds = time.perf_counter() - started - self.baseline_spent
        return self.report

    # -- reference data --------------------------------------------------------------

    def read_reference(self) -> None:
        from django.db.models import Max

        from blkk_portal.accounts.models import User
        from training.models import Regency, VocationalField

        self.regencies = list(
            Regency.objects.order_by("code").values_list("code", "name", "province_id")
        )
        if not self.regencies:
            raise ScaleRefused("No regions: run `manage.py migrate` first.")
        self.fields = list(
            VocationalField.objects.order_by("pk").values_list("pk", "name")
        )
        self.field_name = dict(self.fields)
        self.provinces = sorted({province for _, _, province in self.regencies})
        self.regencies_of: dict[str, list[int]] = {p: [] for p in self.provinces}
        for index, (_code, _name, province) in enumerate(self.regencies):
            self.regencies_of[province].append(index)
        self.user_base = (User.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        self.report.user_base = self.user_base

    # -- BLKKs (planned first: users and grades depend on them) -----------------------

    def plan_blkks(self) -> None:
        rng, n = self.rng("blkks"), self.n["blkks"]
        rnd = rng.random
        regencies = self.regencies
        weights = [JAVA_WEIGHT if p in JAVA else 1 for _, _, p in regencies]
        if n >= len(regencies):
            counts = [1] * len(regencies)
            extra = rng.choices(range(len(regencies)), weights, k=n - len(regencies))
            for index in extra:
                counts[index] += 1
            chosen = [i for i, c in enumerate(counts) for _ in range(c)]
        else:
            chosen = sorted(rng.choices(range(len(regencies)), weights, k=n))
        # Two BLKKs in Jawa Barat at least: the measured users' (`bench_users`).
        jb = self.regencies_of[BENCH_PROVINCE]
        while sum(1 for i in chosen if regencies[i][2] == BENCH_PROVINCE) < 2:
            outside = next(
                k for k, i in enumerate(chosen) if regencies[i][2] != BENCH_PROVINCE
            )
            chosen[outside] = jb[int(rnd() * len(jb))]
        chosen.sort()
        self.blkk_regency = [0, *chosen]  # index = BLKK id
        self.blkk_province = ["", *(regencies[i][2] for i in chosen)]
        incubator = [False] + [rnd() < 1 / 3 for _ in chosen]
        jb_ids = [b for b in range(1, n + 1) if self.blkk_province[b] == BENCH_PROVINCE]
        if not any(incubator[b] for b in jb_ids):
            incubator[jb_ids[0]] = True
        if all(incubator[b] for b in jb_ids):
            incubator[jb_ids[-1]] = False
        self.incubator = incubator
        self.key_blkk = next(b for b in jb_ids if incubator[b])
        self.blkk_active = [True] + [
            b == self.key_blkk or b in jb_ids or rnd() > 0.03 for b in range(1, n + 1)
        ]
        self.blkks_of: dict[str, list[int]] = {p: [] for p in self.provinces}
        for b in range(1, n + 1):
            self.blkks_of[self.blkk_province[b]].append(b)
        # Size: how much a BLKK trains relative to the others.
        self.blkk_size = [0.0] + [0.5 + rnd() for _ in chosen]
        self.blkk_fields = [[]] + [
            rng.sample([pk for pk, _ in self.fields], 1 + int(rnd() * 3))
            for _ in chosen
        ]
        self.registered_grade = [""] + [
            "tumbuh" if r < 0.6 else "berkembang" if r < 0.9 else "mandiri"
            for r in (rnd() for _ in chosen)
        ]
        # LSP: none, preparing or licensed (since a date, with its licence number).
        self.lsp: list[tuple[str, int | None]] = [("none", None)]
        for _ in chosen:
            r = rnd()
            if r < 0.6:
                self.lsp.append(("none", None))
            elif r < 0.85:
                self.lsp.append(("preparing", None))
            else:
                self.lsp.append(
                    ("licensed", self.first + int(rnd() * (DECADE_DAYS - 30)))
                )
        self.plan_assessments()

    def plan_assessments(self) -> None:
        """Grade assessments per BLKK, in date order; a BLKK's grade is its latest
        assessment's, else the grade it was registered with."""
        rng, n = self.rng("assessments"), self.n["blkks"]
        rnd = rng.random
        counts = distribute(self.n["assessments"], [0.5 + rnd() for _ in range(n)])
        self.assessments: list[tuple[int, int, str]] = []  # (blkk, day, grade)
        self.grade = [""] * (n + 1)
        for b in range(1, n + 1):
            grade = GRADES.index(self.registered_grade[b])
            k = counts[b - 1]
            for j in range(k):
                day = self.first + int((j + 0.1 + 0.8 * rnd()) * DECADE_DAYS / k)
                r = rnd()
                if r < 0.35:
                    grade = min(2, grade + 1)
                elif r < 0.4:
                    grade = max(0, grade - 1)
                self.assessments.append((b, min(day, self.t), GRADES[grade]))
            self.grade[b] = GRADES[grade] if k else self.registered_grade[b]

    # -- users ------------------------------------------------------------------------

    def load_users(self) -> None:
        """Ministry staff, one province officer per province, one manager per BLKK
        (and the former managers of the hand-overs), one account per mentor: all
        without a usable password (nobody signs in as them)."""
        from blkk_portal.accounts.models import User

        started = time.perf_counter()
        rng, days = self.rng("users"), self.days
        rnd = rng.random
        base = self.user_base
        n_blkk, n_mentor = self.n["blkks"], self.n["mentors"]
        self.ministry_ids = list(range(base, base + self.n["ministry_staff"]))
        self.province_user = {
            p: base + len(self.ministry_ids) + i for i, p in enumerate(self.provinces)
        }
        manager_base = base + len(self.ministry_ids) + len(self.provinces)
        self.manager_of = [0] + [manager_base + b - 1 for b in range(1, n_blkk + 1)]
        n_handovers = min(self.n["handovers"], n_blkk)
        former_base = manager_base + n_blkk
        self.former_managers = list(range(former_base, former_base + n_handovers))
        mentor_base = former_base + n_handovers
        self.mentor_user = [0] + [mentor_base + m for m in range(n_mentor)]
        self.mentor_name = [""]

        def name() -> str:
            first = MEN if rnd() < 0.6 else WOMEN
            return (
                f"{first[int(rnd() * len(first))]} {SURNAMES[int(rnd() * N_SURNAMES)]}"
            )

        def row(uid, username, role, staff, active, full_name, province="\\N"):
            joined = days.stamp(self.first - 30 + int(rnd() * 400), rnd())
            return (
                f"{uid}\t!seed-scale-no-password\t\\N\tf\t{username}\t"
                f"{username}@blkk.example\t{_bool(staff)}\t{_bool(active)}\t"
                f"{joined}\t{full_name}\t{role}\t{province}\t\n"
            )

        def lines() -> Iterator[str]:
            for i, uid in enumerate(self.ministry_ids, start=1):
                yield row(uid, f"kemnaker-{i:02d}", "ministry", True, True, name())
            for province, uid in self.province_user.items():
                yield row(
                    uid,
                    f"disnaker-{province}",
                    "province",
                    True,
                    True,
                    name(),
                    province,
                )
            for b in range(1, n_blkk + 1):
                yield row(
                    self.manager_of[b],
                    f"pengelola-{b:05d}",
                    "blkk_manager",
                    True,
                    True,
                    name(),
                )
            for i, uid in enumerate(self.former_managers, start=1):
                # Whoever handed a BLKK over left: their account is closed.
                yield row(
                    uid,
                    f"pengelola-lama-{i:04d}",
                    "blkk_manager",
                    True,
                    False,
                    name(),
                )
            for m in range(1, n_mentor + 1):
                full_name = name()
                self.mentor_name.append(full_name)
                yield row(
                    self.mentor_user[m],
                    f"mentor-{m:05d}",
                    "mentor",
                    False,
                    True,
                    full_name,
                )

        columns = _columns(
            "id password last_login is_superuser username email is_staff is_active "
            "date_joined full_name role province_id language"
        )
        total = mentor_base + n_mentor - base
        self.copy(User, columns, lines(), expected=total, started=started)

    def ministry_user(self, pick: float) -> int:
        return self.ministry_ids[int(pick * len(self.ministry_ids))]

    # -- BLKKs, their trades, managers, hand-overs, assessments -----------------------

    def load_blkks(self) -> None:
        from training.models import Blkk, BlkkHandover, GradeAssessment

        started = time.perf_counter()
        rng, days, n = self.rng("blkk-rows"), self.days, self.n["blkks"]
        rnd = rng.random
        per_regency: dict[int, int] = {}
        self.blkk_name = [""]

        def lines() -> Iterator[str]:
            for b in range(1, n + 1):
                regency = self.blkk_regency[b]
                code, regency_name, _province = self.regencies[regency]
                k = per_regency[regency] = per_regency.get(regency, 0) + 1
                host, kind = HOSTS[int(rnd() * len(HOSTS))]
                name = f"BLKK {host} {regency_name}" + (f" {k}" if k > 1 else "")
                self.blkk_name.append(name)
                lsp_status, licensed = self.lsp[b]
                year = days.year_of(licensed) if licensed else 0
                number = f"KEP.{b:05d}/BNSP/LSP/{year}" if licensed else ""
                registered = self.first - 60 - int(rnd() * 700)
                established = days.year_of(registered) - int(rnd() * 25)
                email = f"blkk{b}@blkk.example" if rnd() < 0.7 else ""
                yield (
                    f"{b}\tBLKK-{code}-{k:03d}\t{name}\t{host}\t{kind}\t{code}\t"
                    f"Jl. {STREETS[int(rnd() * 8)]} No. {1 + int(rnd() * 200)}, "
                    f"{regency_name}\t08{1_000_000_000 + int(rnd() * 8e9)}\t{email}\t"
                    f"{established}\t{self.grade[b]}\t{self.registered_grade[b]}\t"
                    f"{lsp_status}\t{number}\t"
                    f"{days.text(licensed) if licensed else chr(92) + 'N'}\t"
                    f"{_bool(self.incubator[b])}\t{_bool(self.blkk_active[b])}\t"
                    f"{days.stamp(registered, rnd())}\t"
                    f"{days.stamp(self.first + int(rnd() * DECADE_DAYS), rnd())}\n"
                )

        columns = _columns(
            "id code name host_institution institution_type regency_id address phone "
            "email established_year grade registered_grade lsp_status "
            "lsp_license_number lsp_licensed_on is_incubator is_active created_at "
            "updated_at"
        )
        self.copy(Blkk, columns, lines(), expected=n, started=started)

        trades = (f"{b}\t{pk}\n" for b in range(1, n + 1) for pk in self.blkk_fields[b])
        self.copy(
            Blkk.vocational_fields.through,
            ["blkk_id", "vocationalfield_id"],
            trades,
            expected=sum(len(f) for f in self.blkk_fields),
        )
        managers = (f"{b}\t{self.manager_of[b]}\n" for b in range(1, n + 1))
        self.copy(Blkk.managers.through, ["blkk_id", "user_id"], managers, expected=n)

        started = time.perf_counter()
        handed = rng.sample(range(1, n + 1), len(self.former_managers))

        def handovers() -> Iterator[str]:
            for former, b in zip(self.former_managers, sorted(handed), strict=True):
                day = self.first + int(rnd() * DECADE_DAYS)
                yield (
                    f"{b}\t{former}\t{self.manager_of[b]}\t{days.text(day)}\t"
                    f"Pergantian pengelola\t{self.ministry_user(rnd())}\t"
                    f"{days.stamp(day, rnd())}\n"
                )

        self.copy(
            BlkkHandover,
            _columns(
                "blkk_id from_user_id to_user_id handed_over_on note recorded_by_id "
                "recorded_at"
            ),
            handovers(),
            expected=len(handed),
            started=started,
        )

        started = time.perf_counter()

        def assessments() -> Iterator[str]:
            for b, day, grade in self.assessments:
                met = set(CRITERIA_AT_GRADE[grade])
                _status, licensed = self.lsp[b]
                if licensed is not None and licensed <= day:
                    met.add("is_licensed")
                flags = "\t".join(_bool(name in met) for name in CRITERIA)
                yield (
                    f"{b}\t{days.text(day)}\t{self.ministry_user(rnd())}\t{grade}\t"
                    f"{flags}\t\t{days.stamp(day, rnd())}\n"
                )

        self.copy(
            GradeAssessment,
            [
                "blkk_id",
                "assessed_on",
                "assessed_by_id",
                "grade",
                *CRITERIA,
                "note",
                "created_at",
            ],
            assessments(),
            expected=len(self.assessments),
            started=started,
        )

    # -- instructors ------------------------------------------------------------------

    def load_instructors(self) -> None:
        from training.models import Instructor, InstructorQualification

        started = time.perf_counter()
        rng, days, n = self.rng("instructors"), self.days, self.n["blkks"]
        rnd = rng.random
        counts = distribute(self.n["instructors"], self.blkk_size[1:])
        trades: list[str] = []

        def lines() -> Iterator[str]:
            iid = 0
            for b in range(1, n + 1):
                for _ in range(counts[b - 1]):
                    iid += 1
                    women = rnd() < 0.35
                    first = WOMEN if women else MEN
                    fields = self.blkk_fields[b]
                    for pk in rng.sample(fields, min(len(fields), 1 + int(rnd() * 2))):
                        trades.append(f"{iid}\t{pk}\n")
                    r = rnd()
                    employment = (
                        "permanent"
                        if r < 0.3
                        else "contract"
                        if r < 0.8
                        else "volunteer"
                    )
                    yield (
                        f"{iid}\t{b}\t{first[int(rnd() * len(first))]} "
                        f"{SURNAMES[int(rnd() * N_SURNAMES)]}\t"
                        f"{'F' if women else 'M'}\t"
                        f"08{1_000_000_000 + int(rnd() * 8e9)}\t{employment}\t"
                        f"{_bool(rnd() < 0.9)}\t"
                        f"{days.stamp(self.first + int(rnd() * DECADE_DAYS), rnd())}\n"
                    )

        n_instructors = self.copy(
            Instructor,
            _columns(
                "id blkk_id full_name gender phone employment is_active created_at"
            ),
            lines(),
            expected=self.n["instructors"],
            started=started,
        )
        self.copy(
            Instructor.vocational_fields.through,
            ["instructor_id", "vocationalfield_id"],
            trades,
            expected=len(trades),
        )

        started = time.perf_counter()
        per_instructor = distribute(
            self.n["qualifications"], [0.2 + rnd() for _ in range(n_instructors)]
        )

        def qualifications() -> Iterator[str]:
            qid = 0
            for iid, k in enumerate(per_instructor, start=1):
                for _ in range(k):
                    qid += 1
                    issued = self.first + int(rnd() * DECADE_DAYS)
                    r = rnd()
                    if r < 0.6:
                        kind, issuer, valid = "competency", "BNSP", issued + 1095
                        title = "Sertifikat kompetensi instruktur"
                    elif r < 0.85:
                        kind, issuer, valid = "methodology", "Kemnaker", None
                        title = "Metodologi pelatihan kerja"
                    else:
                        kind, issuer = "tot", "BBPLK Bandung"
                        valid = issued + 1826 if rnd() < 0.5 else None
                        title = "Training of trainers"
                    yield (
                        f"{iid}\t{kind}\t{title}\t{issuer}\t{kind[:3].upper()}-"
                        f"{qid:07d}\t{days.text(issued)}\t"
                        f"{days.text(valid) if valid else chr(92) + 'N'}\t"
                        f"{days.stamp(issued, rnd())}\n"
                    )

        self.copy(
            InstructorQualification,
            _columns(
                "instructor_id kind title issuer number issued_on valid_until "
                "created_at"
            ),
            qualifications(),
            expected=self.n["qualifications"],
            started=started,
        )

    # -- partners and partnerships ----------------------------------------------------

    def load_partners(self) -> None:
        from training.models import Partner, Partnership

        started = time.perf_counter()
        rng, days = self.rng("partners"), self.days
        rnd = rng.random
        regencies = self.regencies
        weights = [JAVA_WEIGHT if p in JAVA else 1 for _, _, p in regencies]
        # `choices` with the weights added up once (the same draws, without adding
        # them up again for every partner).
        cumulative = list(itertools.accumulate(weights))
        anywhere = range(len(regencies))
        n_partners = max(self.n["partners"], len(NATIONAL_PARTNERS))
        self.partners_of: dict[str, list[int]] = {p: [] for p in self.provinces}
        taken: set[tuple[str, str]] = set()
        code_index = {code: i for i, (code, _, _) in enumerate(regencies)}

        def lines() -> Iterator[str]:
            for pid in range(1, n_partners + 1):
                if pid <= len(NATIONAL_PARTNERS):
                    name, kind, code = NATIONAL_PARTNERS[pid - 1]
                    regency = code_index.get(code)
                else:
                    kind = PARTNER_KIND_100[int(rnd() * 100)]
                    regency = (
                        None
                        if rnd() < 0.08
                        else rng.choices(anywhere, cum_weights=cumulative)[0]
                    )
                    name = self._partner_name(kind, regency, rnd)
                code = regencies[regency][0] if regency is not None else ""
                while (name.lower(), code) in taken:
                    name = f"{name} {1 + int(rnd() * 99)}"
                taken.add((name.lower(), code))
                if regency is not None:
                    self.partners_of[regencies[regency][2]].append(pid)
                area = AREA_CODES[int(rnd() * len(AREA_CODES))]
                yield (
                    f"{pid}\t{name}\t{kind}\t{code or chr(92) + 'N'}\t"
                    f"{MEN[int(rnd() * len(MEN))]} "
                    f"{SURNAMES[int(rnd() * N_SURNAMES)]}\t"
                    f"0{area}{5_000_000 + int(rnd() * 4_999_999)}\t"
                    f"kontak{pid}@mitra.example\t"
                    f"{days.stamp(self.first + int(rnd() * DECADE_DAYS), rnd())}\n"
                )

        self.copy(
            Partner,
            _columns("id name kind regency_id contact_name phone email created_at"),
            lines(),
            expected=n_partners,
            started=started,
        )
        self.n_partners = n_partners

        started = time.perf_counter()
        n_blkk = self.n["blkks"]
        counts = distribute(
            self.n["partnerships"],
            [
                self.blkk_size[b] * (1 + GRADES.index(self.grade[b]))
                for b in range(1, n_blkk + 1)
            ],
        )
        purposes: list[str] = []
        # (partnership, partner) of each BLKK, for its placements.
        self.partnerships_of: list[list[tuple[int, int]]] = [
            [] for _ in range(n_blkk + 1)
        ]
        purpose_codes = [code for code, _ in PURPOSES]

        def agreement(psid: int, blkk: int | None) -> str:
            start = self.first + int(rnd() * (DECADE_DAYS + 30))
            end = None if rnd() < 0.3 else start + 365 * (1 + int(rnd() * 3))
            signed = min(self.t, start - int(rnd() * 30))
            chosen = {PURPOSE_100[int(rnd() * 100)] for _ in range(1 + int(rnd() * 3))}
            if blkk is None and rnd() < 0.5:
                chosen.add("assessment_research")
            for code in sorted(chosen, key=purpose_codes.index):
                purposes.append(f"{psid}\t{code}\n")
            where = f"BLKK-{blkk}" if blkk else "KEMNAKER"
            return (
                f"{psid}\t{_null(blkk)}\tPKS.{psid:05d}/{where}/"
                f"{days.year_of(start)}\t{days.text(signed)}\t{days.text(start)}\t"
                f"{days.text(end) if end else chr(92) + 'N'}\t"
                f"{days.stamp(min(signed, self.t), rnd())}"
            )

        def lines_partnerships() -> Iterator[str]:
            psid = 0
            for k in range(self.n["national_partnerships"]):
                psid += 1
                partner = (
                    1 + k % len(NATIONAL_PARTNERS)
                    if k < 6
                    else (1 + int(rnd() * n_partners))
                )
                yield f"{agreement(psid, None)}\t{partner}\n"
            for b in range(1, n_blkk + 1):
                local = self.partners_of[self.blkk_province[b]]
                for _ in range(counts[b - 1]):
                    psid += 1
                    partner = (
                        local[int(rnd() * len(local))]
                        if local and rnd() < 0.9
                        else 1 + int(rnd() * n_partners)
                    )
                    self.partnerships_of[b].append((psid, partner))
                    yield f"{agreement(psid, b)}\t{partner}\n"

        self.copy(
            Partnership,
            _columns(
                "id blkk_id agreement_number signed_on start_date end_date created_at "
                "partner_id"
            ),
            lines_partnerships(),
            expected=self.n["partnerships"] + self.n["national_partnerships"],
            started=started,
        )
        self.copy(
            Partnership.purposes.through,
            ["partnership_id", "partnershippurpose_id"],
            purposes,
            expected=len(purposes),
        )

    @staticmethod
    def _partner_name(kind: str, regency: int | None, rnd: Callable[[], float]) -> str:
        words = COMPANY_WORDS
        pair = f"{words[int(rnd() * len(words))]} {words[int(rnd() * len(words))]}"
        if kind == "industry":
            return f"{COMPANY_PREFIXES[int(rnd() * 4)]} {pair}"
        if kind == "university":
            return f"Universitas {pair}"
        if kind == "local_government":
            return f"Dinas Tenaga Kerja {pair}"
        if kind == "central_government":
            return f"Balai Besar {pair}"
        if kind == "association":
            return f"Asosiasi {pair}"
        if kind == "financial":
            return f"Bank Perkreditan Rakyat {pair}"
        if kind == "ngo":
            return f"Yayasan {pair}"
        return f"Mitra {pair}"

    # -- batches, trainees, enrollments -----------------------------------------------

    def load_people(self) -> None:
        """Batches, then the people who filled them: a batch's places go, in the
        order batches start, to new people registered at its BLKK just before it,
        or to people trained before (at the same BLKK or another of the province)
        who enroll again, so that the enrollments exceed the trainees as asked."""
        from training.models import Enrollment, Trainee, TrainingBatch

        started = time.perf_counter()
        rng, days, n_blkk = self.rng("batches"), self.days, self.n["blkks"]
        rnd = rng.random
        per_blkk = distribute(self.n["batches"], self.blkk_size[1:])
        span = DECADE_DAYS + 60
        plan: list[tuple[int, int, int, int, int, int]] = []
        for b in range(1, n_blkk + 1):
            k = per_blkk[b - 1]
            fields = self.blkk_fields[b]
            for j in range(k):
                start = self.first + int((j + 0.15 + 0.7 * rnd()) * span / k)
                r = rnd()
                capacity = 16 if r < 0.6 else 20 if r < 0.85 else 24
                field_id = fields[int(rnd() * len(fields))]
                plan.append((start, b, j + 1, capacity, field_id, 20 + int(rnd() * 41)))
        plan.sort()
        total_places = sum(p[3] for p in plan)
        if self.n["enrollments"] > total_places:
            raise ScaleRefused("More enrollments than the batches' places.")
        self.batch_blkk = [0]
        self.batch_start = [0]
        self.batch_end = [0]
        self.batch_field = [0]
        batch_lines = []
        for bid, (start, b, j, capacity, field_id, length) in enumerate(plan, 1):
            end = start + length
            self.batch_blkk.append(b)
            self.batch_start.append(start)
            self.batch_end.append(end)
            self.batch_field.append(field_id)
            batch_lines.append(
                f"{bid}\t{b}\t{field_id}\tAngkatan {j} {days.year_of(start)}\t"
                f"{days.text(start)}\t{days.text(end)}\t{capacity}\t"
                f"{days.stamp(min(start - 30, self.t), rnd())}\n"
            )
        self.copy(
            TrainingBatch,
            _columns(
                "id blkk_id vocational_field_id name start_date end_date capacity "
                "created_at"
            ),
            batch_lines,
            expected=len(batch_lines),
            started=started,
        )
        del batch_lines
        places = distribute(self.n["enrollments"], [p[3] for p in plan])
        del plan

        started = time.perf_counter()
        enrollment_lines: list[str] = []
        self.trainee_blkk = [0]
        self.trainee_registered = [0]
        # Who a BLKK reaches (registered or enrolled there), in the order reached.
        self.reached: list[list[int]] = [[] for _ in range(n_blkk + 1)]
        self.reached_on: list[list[int]] = [[] for _ in range(n_blkk + 1)]
        # Completed enrollments: (trainee, batch, completed on).
        self.completed: list[tuple[int, int, int]] = []
        lines = self._trainee_lines(places, enrollment_lines, rng)
        self.copy(
            Trainee,
            _columns(
                "id nik full_name gender birth_date phone regency_id education "
                "has_disability prior_status blkk_id registered_on consent_on "
                "created_at"
            ),
            lines,
            expected=self.n["trainees"],
            started=started,
        )
        self.copy(
            Enrollment,
            _columns("trainee_id batch_id status completed_on created_at"),
            enrollment_lines,
            expected=len(enrollment_lines),
        )

    def _trainee_lines(
        self, places: list[int], enrollment_lines: list[str], rng: random.Random
    ) -> Iterator[str]:
        days, t = self.days, self.t
        rnd = rng.random
        regencies = self.regencies
        n_people = self.n["trainees"]
        total = self.n["enrollments"]
        repeats_wanted = total - n_people
        # People of a BLKK, and of a province, who may enroll again: their first
        # batch started at least 61 days (a batch's longest run) before.
        pool: dict[int, list[int]] = {}
        pool_start: dict[int, list[int]] = {}
        province_pool: dict[str, list[int]] = {p: [] for p in self.provinces}
        province_start: dict[str, list[int]] = {p: [] for p in self.provinces}
        serials: dict[str, int] = {}
        slot = repeats = people = 0
        base = days.base
        dd, mmyy, iso = days.day, days.mmyy, days.iso
        reached, reached_on = self.reached, self.reached_on
        completed = self.completed
        nik_regions = [code.replace(".", "") for code, _, _ in regencies]
        for bid in range(1, len(self.batch_blkk)):
            b = self.batch_blkk[bid]
            start, end = self.batch_start[bid], self.batch_end[bid]
            province = self.blkk_province[b]
            own, own_start = pool.setdefault(b, []), pool_start.setdefault(b, [])
            here: set[int] = set()
            if end < t:
                state = 2
            elif start <= t:
                state = 1
            else:
                state = 0
            for _ in range(places[bid - 1]):
                slot += 1
                person = 0
                # Enroll someone again when behind the share of repeats (or when
                # the new people are all registered).
                if repeats * total < repeats_wanted * slot or people >= n_people:
                    if rnd() < 0.6 or not province_pool[province]:
                        candidates, starts = own, own_start
                    else:
                        candidates = province_pool[province]
                        starts = province_start[province]
                    ready = bisect.bisect_left(starts, start - 61)
                    if ready:
                        person = candidates[int(rnd() * ready)]
                        if person in here:
                            person = 0
                    if not person and people >= n_people:
                        person = self._anyone_before(start, here, rnd)
                    if person:
                        repeats += 1
                        if b != self.trainee_blkk[person]:
                            reached[b].append(person)
                            reached_on[b].append(start)
                if not person:
                    people += 1
                    person = people
                    registered = min(t, start - 1 - int(rnd() * 30))
                    regency = self.blkk_regency[b]
                    if rnd() < 0.12:
                        near = self.regencies_of[province]
                        regency = near[int(rnd() * len(near))]
                    region = nik_regions[regency]
                    if rnd() < 0.03:
                        region = nik_regions[int(rnd() * len(nik_regions))]
                    born = registered - 6209 - int(rnd() * 10227)  # 17 to 45
                    women = rnd() < 0.45
                    i = born - base
                    day = dd[i] + 40 if women else dd[i]
                    prefix = f"{region}{1 + int(rnd() * 30):02d}{day:02d}{mmyy[i]}"
                    serial = serials[prefix] = serials.get(prefix, 0) + 1
                    if serial > 9999:
                        raise ScaleRefused("NIK serials ran out: lower the factor.")
                    first = WOMEN if women else MEN
                    full_name = (
                        f"{first[int(rnd() * len(first))]} "
                        f"{SURNAMES[int(rnd() * N_SURNAMES)]}"
                    )
                    registered_text = iso[registered - base]
                    phone = (
                        f"08{1_000_000_000 + int(rnd() * 8e9)}" if rnd() < 0.92 else ""
                    )
                    self.trainee_blkk.append(b)
                    self.trainee_registered.append(registered)
                    reached[b].append(person)
                    reached_on[b].append(registered)
                    own.append(person)
                    own_start.append(start)
                    province_pool[province].append(person)
                    province_start[province].append(start)
                    yield (
                        f"{person}\t{prefix}{serial:04d}\t{full_name}\t"
                        f"{'F' if women else 'M'}\t{iso[i]}\t{phone}\t"
                        f"{regencies[regency][0]}\t{EDUCATION_100[int(rnd() * 100)]}\t"
                        f"{_bool(rnd() < 0.03)}\t{PRIOR_100[int(rnd() * 100)]}\t{b}\t"
                        f"{registered_text}\t{registered_text}\t"
                        f"{days.stamp(registered, rnd())}\n"
                    )
                here.add(person)
                r = rnd()
                if state == 2:
                    if r < 0.86:
                        status, done = "completed", iso[end - base]
                        completed.append((person, bid, end))
                    else:
                        status, done = "dropped", "\\N"
                elif state == 1:
                    status, done = ("active", "\\N") if r < 0.93 else ("dropped", "\\N")
                else:
                    status, done = "registered", "\\N"
                enrollment_lines.append(
                    f"{person}\t{bid}\t{status}\t{done}\t"
                    f"{days.stamp(min(t, start - 1 - int(r * 20)), rnd())}\n"
                )
        if people != n_people or repeats != repeats_wanted:
            raise ScaleRefused(
                f"Filled {people:,} people and {repeats:,} repeat enrollments, not "
                f"{n_people:,} and {repeats_wanted:,}: the factor is too small."
            )

    def _anyone_before(self, start: int, here: set[int], rnd) -> int:
        """Anyone registered before `start` and not in this batch (the last places
        when every new person is registered)."""
        ready = bisect.bisect_left(self.trainee_registered, start - 61, lo=1) - 1
        for _ in range(20):
            if ready < 1:
                return 0
            person = 1 + int(rnd() * ready)
            if person not in here:
                return person
        return 0

    # -- certifications and graduate outcomes -----------------------------------------

    def load_trainee_records(self) -> None:
        from training.models import Certification, GraduateOutcome

        started = time.perf_counter()
        rng, days, t = self.rng("certifications"), self.days, self.t
        rnd = rng.random
        chooser = Chooser(rng, self.n["certifications"], len(self.completed))
        serials = [0] * len(LSPS)

        def certifications() -> Iterator[str]:
            for person, bid, done in self.completed:
                if not chooser.take():
                    continue
                issued = min(t, done + 7 + int(rnd() * 54))
                lsp = int(rnd() * len(LSPS))
                serials[lsp] += 1
                number = (
                    f"{serials[lsp]:06d}/{lsp + 1:02d}/{days.year_of(issued)}"
                    if rnd() < 0.95
                    else ""
                )
                yield (
                    f"{person}\tOkupasi {self.field_name[self.batch_field[bid]]}\t"
                    f"{LSPS[lsp]}\t{days.text(issued)}\t"
                    f"{'competent' if rnd() < 0.85 else 'not_yet'}\t{number}\t"
                    f"{self.batch_blkk[bid]}\t{days.stamp(issued, rnd())}\n"
                )

        self.copy(
            Certification,
            _columns(
                "trainee_id scheme lsp_name issued_on result number "
                "recorded_by_blkk_id created_at"
            ),
            certifications(),
            expected=self.n["certifications"],
            started=started,
        )

        started = time.perf_counter()
        rng = self.rng("outcomes")
        rnd = rng.random
        second = round(self.n["outcomes"] * SECOND_SURVEY_SHARE)
        first = self.n["outcomes"] - second
        chooser = Chooser(rng, first, len(self.completed))
        surveyed: list[tuple[int, int, int]] = []

        def outcome(person: int, bid: int, day: int) -> str:
            status = OUTCOME_100[int(rnd() * 100)]
            if status in WORKING:
                income = 1_500_000 + 50_000 * int(rnd() * 130)
                where = (
                    "Usaha sendiri"
                    if status == "self_employed"
                    else f"{COMPANY_PREFIXES[int(rnd() * 2)]} "
                    f"{COMPANY_WORDS[int(rnd() * len(COMPANY_WORDS))]}"
                )
            else:
                income, where = None, ""
            return (
                f"{person}\t{days.text(day)}\t{status}\t{where}\t{_null(income)}\t"
                f"{self.batch_blkk[bid]}\t{days.stamp(day, rnd())}\n"
            )

        def outcomes() -> Iterator[str]:
            for person, bid, done in self.completed:
                if chooser.take():
                    day = min(t, done + 90 + int(rnd() * 275))
                    surveyed.append((person, bid, day))
                    yield outcome(person, bid, day)
            again = Chooser(rng, second, len(surveyed))
            for person, bid, day in surveyed:
                if again.take():
                    yield outcome(person, bid, min(t, day + 180 + int(rnd() * 360)))

        self.copy(
            GraduateOutcome,
            _columns(
                "trainee_id surveyed_on status employer_or_business monthly_income "
                "recorded_by_blkk_id created_at"
            ),
            outcomes(),
            expected=self.n["outcomes"],
            started=started,
        )

    # -- placements -------------------------------------------------------------------

    def load_placements(self) -> None:
        from training.models import Placement

        started = time.perf_counter()
        rng, days, t = self.rng("placements"), self.days, self.t
        rnd = rng.random
        chooser = Chooser(rng, self.n["placements"], len(self.completed))

        def lines() -> Iterator[str]:
            for person, bid, done in self.completed:
                if not chooser.take():
                    continue
                b = self.batch_blkk[bid]
                start = done + 7 + int(rnd() * 150)
                r = rnd()
                if r < 0.5:
                    kind, position = "apprenticeship", "Peserta magang"
                    end = start + 90 + int(rnd() * 275)
                    pay = 1_000_000 + 100_000 * int(rnd() * 20)
                elif r < 0.9:
                    kind, position = "employment", "Operator produksi"
                    end = start + 60 + int(rnd() * 700) if rnd() < 0.3 else None
                    pay = 2_000_000 + 100_000 * int(rnd() * 40)
                else:
                    kind, position = "migrant_work", "Caregiver"
                    end = start + 730
                    pay = 8_000_000 + 100_000 * int(rnd() * 60)
                if start > t:
                    status = "planned"
                elif end is not None and end < t:
                    status = "ended_early" if kind == "employment" else "completed"
                else:
                    status = "active"
                own = self.partnerships_of[b]
                if own and rnd() < 0.6:
                    partnership, partner = own[int(rnd() * len(own))]
                else:
                    local = self.partners_of[self.blkk_province[b]]
                    partnership = None
                    partner = (
                        local[int(rnd() * len(local))]
                        if local
                        else 1 + int(rnd() * self.n_partners)
                    )
                yield (
                    f"{person}\t{partner}\t{_null(partnership)}\t{kind}\t{position}\t"
                    f"{days.text(start)}\t{days.text(end) if end else chr(92) + 'N'}\t"
                    f"{pay}\t{status}\t{b}\t{days.stamp(min(start, t), rnd())}\n"
                )

        self.copy(
            Placement,
            _columns(
                "trainee_id partner_id partnership_id kind position start_date "
                "end_date monthly_pay status recorded_by_blkk_id created_at"
            ),
            lines(),
            expected=self.n["placements"],
            started=started,
        )

    # -- cohorts ----------------------------------------------------------------------

    def load_cohorts(self) -> None:
        from incubator.models import Cohort

        started = time.perf_counter()
        rng, days, t = self.rng("cohorts"), self.days, self.t
        rnd = rng.random
        incubators = [b for b in range(1, self.n["blkks"] + 1) if self.incubator[b]]
        incubators.remove(self.key_blkk)
        incubators.insert(0, self.key_blkk)
        per_blkk = distribute(self.n["cohorts"], [1.0] * len(incubators))
        # Spread over the decade and the next five months: some cohorts are
        # planned, and some of those take applications today.
        first = self.first - 60
        span = t + 150 - first
        plan = []
        for b, k in zip(incubators, per_blkk, strict=True):
            for j in range(k):
                start = first + int((j + rnd()) * span / k)
                if b == self.key_blkk and j == 0:
                    start = min(start, t - 30)  # the measured manager's has begun
                windowed = rnd() < 0.85 or (b == self.key_blkk and j == 0)
                plan.append((start, b, j + 1, windowed, 180 + int(rnd() * 186)))
        plan.sort()
        # (blkk, start, end, open, close) by cohort id.
        self.cohorts: list[tuple[int, int, int, int | None, int | None]] = [
            (0, 0, 0, None, None)
        ]
        lines = []
        for cid, (start, b, j, windowed, length) in enumerate(plan, start=1):
            end = start + length
            opens = start - 75 if windowed else None
            closes = start - 10 if windowed else None
            status = "planned" if start > t else "closed" if end < t else "running"
            self.cohorts.append((b, start, end, opens, closes))
            year = days.year_of(start)
            lines.append(
                f"{cid}\t{b}\tKohort {j} {year}\t{year}\t{days.text(start)}\t"
                f"{days.text(end)}\t{status}\t"
                f"{days.text(opens) if opens else chr(92) + 'N'}\t"
                f"{days.text(closes) if closes else chr(92) + 'N'}\n"
            )
        self.copy(
            Cohort,
            _columns(
                "id blkk_id name year start_date end_date status applications_open_on "
                "applications_close_on"
            ),
            lines,
            expected=len(lines),
            started=started,
        )

    # -- applications, reviews, ventures, founders, stage history ---------------------

    def load_intake_and_ventures(self) -> None:
        from incubator.models import (
            ApplicationReview,
            CohortApplication,
            StageChange,
            Venture,
        )

        started = time.perf_counter()
        rng, days, t = self.rng("ventures"), self.days, self.t
        rnd = rng.random
        cohorts = self.cohorts
        # Ventures go to cohorts that started at least two weeks ago.
        hosting = [c for c in range(1, len(cohorts)) if cohorts[c][1] <= t - 14]
        # Bigger BLKKs run bigger cohorts (they reach more people).
        weights = [(0.5 + rnd()) * self.blkk_size[cohorts[c][0]] for c in hosting]
        per_cohort = dict(
            zip(hosting, distribute(self.n["ventures"], weights), strict=True)
        )
        # The measured manager's BLKK has a venture, whatever the factor.
        key = next(c for c in hosting if cohorts[c][0] == self.key_blkk)
        if not per_cohort[key]:
            most = max(hosting, key=per_cohort.__getitem__)
            per_cohort[most] -= 1
            per_cohort[key] += 1
        accepted = {
            c: (
                round(per_cohort[c] * ACCEPTED_SHARE)
                if cohorts[c][3] is not None
                else 0
            )
            for c in hosting
        }
        n_accepted = sum(accepted.values())
        if n_accepted > self.n["applications"]:
            raise ScaleRefused("More accepted applications than applications.")
        # The others (rejected, withdrawn, waiting) go to cohorts that have opened
        # their window.
        opened = [
            c
            for c in range(1, len(cohorts))
            if cohorts[c][3] is not None and cohorts[c][3] <= t
        ]
        others = dict(
            zip(
                opened,
                distribute(
                    self.n["applications"] - n_accepted,
                    [1 + per_cohort.get(c, 0) for c in opened],
                ),
                strict=True,
            )
        )
        applications: list[str] = []
        co_applicants: list[str] = []
        reviews: list[str] = []
        founders: list[str] = []
        stage_lines: list[str] = []
        # (start, end or None, blkk) by venture id; ventures with a graduation.
        self.venture_span: list[tuple[int, int | None, int]] = [(0, None, 0)]
        self.venture_graduated: list[bool] = [False]
        self.venture_sector: list[int] = [0]
        aid = 0

        def venture_line(vid: int, c: int, started_on: int, people: list[int]) -> str:
            b = cohorts[c][0]
            for person in people:
                founders.append(f"{vid}\t{person}\n")
            stage, end, graduated = self._stage_history(
                vid, started_on, self.manager_of[b], stage_lines, rnd
            )
            self.venture_span.append((started_on, end, b))
            self.venture_graduated.append(graduated)
            sector = int(rnd() * len(SECTORS))
            self.venture_sector.append(sector)
            nib = f"{9_120_000_000_000 + vid}" if rnd() < 0.5 else ""
            return (
                f"{vid}\t{c}\t{PRODUCTS[int(rnd() * len(PRODUCTS))]} "
                f"{SURNAMES[int(rnd() * N_SURNAMES)]}\t{SECTORS[sector]}\t"
                f"{stage}\t{nib}\t"
                f"{days.text(started_on)}\t{days.stamp(started_on, rnd())}\n"
            )

        def lines() -> Iterator[str]:
            nonlocal aid
            vid = 0
            for c in range(1, len(cohorts)):
                b, start, _end, opens, closes = cohorts[c]
                n_ventures = per_cohort.get(c, 0)
                n_accept = accepted.get(c, 0)
                n_other = others.get(c, 0)
                people = self._people_for(c, b, rnd)
                for k in range(n_accept + n_other):
                    aid += 1
                    applicant = next(people)
                    r = rnd()
                    co = [
                        next(people)
                        for _ in range(0 if r < 0.6 else 1 if r < 0.9 else 2)
                    ]
                    received = opens + int(rnd() * (min(closes, t) - opens + 1))
                    venture = "\\N"
                    decided = None
                    if k < n_accept:
                        status = "accepted"
                        decided = min(t, closes + 1 + int(rnd() * 25))
                        decided = max(decided, received)
                        vid += 1
                        venture = str(vid)
                        yield venture_line(vid, c, decided, [applicant, *co])
                    elif closes < t:
                        r = rnd()
                        if start > t and r < 0.3:
                            status = "shortlisted"
                        elif r < 0.85:
                            status = "rejected"
                            decided = max(
                                received, min(t, closes + 1 + int(rnd() * 20))
                            )
                        else:
                            status = "withdrawn"
                    else:
                        r = rnd()
                        status = (
                            "submitted"
                            if r < 0.65
                            else "shortlisted"
                            if r < 0.9
                            else "withdrawn"
                        )
                    for person in co:
                        co_applicants.append(f"{aid}\t{person}\n")
                    sector = SECTORS[int(rnd() * len(SECTORS))]
                    product = PRODUCTS[int(rnd() * len(PRODUCTS))]
                    applications.append(
                        f"{aid}\t{c}\t{applicant}\t"
                        f"{product} {SURNAMES[int(rnd() * N_SURNAMES)]}\t{sector}\t"
                        f"Usaha {product.lower()} untuk pasar sekitar.\t"
                        f"{days.text(received)}\t{status}\t"
                        f"{days.text(decided) if decided else chr(92) + 'N'}\t"
                        f"{venture}\t{self.manager_of[b]}\t"
                        f"{days.stamp(received, rnd())}\n"
                    )
                    if status in ("shortlisted", "accepted", "rejected"):
                        self._reviews(aid, b, received, decided, status, reviews, rnd)
                # Ventures entered directly, not through an application.
                for _ in range(n_ventures - n_accept):
                    vid += 1
                    started_on = min(t, start + int(rnd() * 30))
                    crew = [next(people) for _ in range(1 + int(rnd() < 0.3))]
                    yield venture_line(vid, c, started_on, crew)

        self.copy(
            Venture,
            _columns("id cohort_id name sector stage nib started_on created_at"),
            lines(),
            expected=self.n["ventures"],
            started=started,
        )
        self.copy(
            Venture.founders.through,
            ["venture_id", "trainee_id"],
            founders,
            expected=len(founders),
        )
        self.copy(
            StageChange,
            _columns(
                "venture_id from_stage to_stage changed_on changed_by_id note "
                "created_at"
            ),
            stage_lines,
            expected=len(stage_lines),
        )
        self.copy(
            CohortApplication,
            _columns(
                "id cohort_id applicant_id business_name sector idea received_on "
                "status decided_on venture_id recorded_by_id created_at"
            ),
            applications,
            expected=len(applications),
        )
        self.copy(
            CohortApplication.co_applicants.through,
            ["cohortapplication_id", "trainee_id"],
            co_applicants,
            expected=len(co_applicants),
        )
        self.copy(
            ApplicationReview,
            _columns(
                "application_id reviewer_id market team feasibility job_potential "
                "comment created_at updated_at"
            ),
            reviews,
            expected=len(reviews),
        )

    def _people_for(self, cohort: int, blkk: int, rnd) -> Iterator[int]:
        """People the BLKK reaches, each at most once in the cohort (on one
        application, or founding one of its direct ventures), those reached before
        the cohort first."""
        start = self.cohorts[cohort][1]
        people = self.reached[blkk]
        before = bisect.bisect_left(self.reached_on[blkk], start)
        order = list(range(len(people)))
        # The people reached before the cohort, in random order, then the rest.
        head, tail = order[:before], order[before:]
        random.Random(rnd()).shuffle(head)  # noqa: S311 - synthetic data
        seen: set[int] = set()
        for index in itertools.chain(head, tail):
            person = people[index]
            if person not in seen:
                seen.add(person)
                yield person
        raise ScaleRefused(
            f"Too few people at BLKK {blkk} for its cohort {cohort}: raise the factor."
        )

    def _reviews(self, aid, blkk, received, decided, status, reviews, rnd) -> None:
        """The BLKK's manager reviews the application; ministry staff often too."""
        until = decided if decided is not None else self.t
        low = 3 if status == "accepted" else 1 if status == "rejected" else 2
        reviewers = [self.manager_of[blkk]]
        if rnd() < 0.4:
            reviewers.append(self.ministry_user(rnd()))
        for reviewer in reviewers:
            day = received + int(rnd() * (until - received + 1))
            scores = "\t".join(str(low + int(rnd() * (6 - low))) for _ in range(4))
            stamp = self.days.stamp(day, rnd())
            reviews.append(f"{aid}\t{reviewer}\t{scores}\t\t{stamp}\t{stamp}\n")

    def _stage_history(self, vid, started_on, manager, stage_lines, rnd):
        """A venture's moves from its start: pre-incubation, incubation,
        post-incubation (sometimes skipped), graduated; a fifth drop out on the
        way. Moves after today have not happened. Its stage, the day it ended
        (graduated or dropped, None while active) and whether it graduated."""
        days, t = self.days, self.t
        path = [("", "pre_incubation", started_on)]
        day = started_on + 45 + int(rnd() * 76)
        path.append(("pre_incubation", "incubation", day))
        day += 120 + int(rnd() * 121)
        if rnd() < 0.9:
            path.append(("incubation", "post_incubation", day))
            day += 90 + int(rnd() * 91)
        path.append((path[-1][1], "graduated", day))
        if rnd() < 0.2:
            at = 1 + int(rnd() * (len(path) - 1))
            previous = path[at - 1]
            drop_day = previous[2] + 15 + int(rnd() * max(1, path[at][2] - previous[2]))
            path = [*path[:at], (previous[1], "dropped", drop_day)]
        stage, end = "pre_incubation", None
        for from_stage, to_stage, on in path:
            if on > t:
                break
            stage_lines.append(
                f"{vid}\t{from_stage}\t{to_stage}\t{days.text(on)}\t{manager}\t\t"
                f"{days.stamp(on, rnd())}\n"
            )
            stage = to_stage
            if to_stage in ("graduated", "dropped"):
                end = on
        return stage, end, stage == "graduated"

    # -- milestones and monthly metrics -----------------------------------------------

    def load_venture_records(self) -> None:
        from incubator.models import Milestone, VentureMetric

        started = time.perf_counter()
        rng, days, t = self.rng("milestones"), self.days, self.t
        rnd = rng.random
        n_ventures = len(self.venture_span) - 1
        per_venture = distribute(
            self.n["milestones"], [0.5 + rnd() for _ in range(n_ventures)]
        )

        def milestones() -> Iterator[str]:
            for vid in range(1, n_ventures + 1):
                start = self.venture_span[vid][0]
                offset = int(rnd() * len(MILESTONES))
                for j in range(per_venture[vid - 1]):
                    due = start + 30 * (j + 1) + int(rnd() * 30)
                    done = None
                    if due <= t and rnd() < 0.75:
                        done = min(t, max(start, due - 20 + int(rnd() * 40)))
                    yield (
                        f"{vid}\t{MILESTONES[(offset + j) % len(MILESTONES)]}\t"
                        f"{days.text(due)}\t"
                        f"{days.text(done) if done else chr(92) + 'N'}\n"
                    )

        self.copy(
            Milestone,
            _columns("venture_id title due_on done_on"),
            milestones(),
            expected=self.n["milestones"],
            started=started,
        )

        started = time.perf_counter()
        rng = self.rng("metrics")
        rnd = rng.random
        this_month = days.month_of(t)
        # Months a venture reports: from its start to its end (or this month), and
        # a year after it graduated (the programme follows its graduates).
        spans = []
        active_total = after_total = 0
        for vid in range(1, n_ventures + 1):
            start, end, _b = self.venture_span[vid]
            first = days.month_of(start)
            last = min(this_month, days.month_of(end)) if end else this_month
            after = (
                min(this_month, last + 12) - last if self.venture_graduated[vid] else 0
            )
            spans.append((first, last, after))
            active_total += last - first + 1
            after_total += after
        wanted = self.n["metrics"]
        from_active = min(
            active_total, max(wanted - after_total, round(0.85 * active_total)), wanted
        )
        active_chooser = Chooser(rng, from_active, active_total)
        after_chooser = Chooser(rng, wanted - from_active, after_total)
        month_text = {}

        def period(month: int) -> str:
            text = month_text.get(month)
            if text is None:
                text = month_text[month] = days.text(Days.month_start(month))
            return text

        def metrics() -> Iterator[str]:
            for vid in range(1, n_ventures + 1):
                first, last, after = spans[vid - 1]
                scale = (1 + self.venture_sector[vid]) * 1_500_000
                for month in range(first, last + after + 1):
                    chooser = active_chooser if month <= last else after_chooser
                    if not chooser.take():
                        continue
                    age = month - first
                    revenue = int(scale * (1 + 0.06 * age) * (0.6 + 0.8 * rnd()))
                    workers = 1 + int(rnd() * (2 + age / 3))
                    reported = min(t, Days.month_start(month) + 33 + int(rnd() * 10))
                    yield (
                        f"{vid}\t{period(month)}\t{revenue}\t{workers}\t"
                        f"{int(rnd() * (20 + 10 * age))}\t"
                        f"{days.stamp(reported, rnd())}\n"
                    )

        self.copy(
            VentureMetric,
            _columns("venture_id period revenue workers customers created_at"),
            metrics(),
            expected=wanted,
            started=started,
        )

    # -- assistance -------------------------------------------------------------------

    def load_assistance(self) -> None:
        from incubator.models import Assistance, AssistanceStatusChange

        started = time.perf_counter()
        rng, days, t = self.rng("assistance"), self.days, self.t
        rnd = rng.random
        n_ventures = len(self.venture_span) - 1
        n_blkk = self.n["blkks"]
        incubators = [b for b in range(1, n_blkk + 1) if self.incubator[b]]
        kinds = [(kind, weight) for kind, weight, _, _ in ASSISTANCE_KINDS]
        kind_100 = _hundred(kinds)
        ranges = {kind: (low, high) for kind, _, low, high in ASSISTANCE_KINDS}
        changes: list[str] = []

        def lines() -> Iterator[str]:
            for aid in range(1, self.n["assistance"] + 1):
                if aid == 1:
                    blkk, venture = self.key_blkk, None
                elif rnd() < 0.45 or not n_ventures:
                    pool = incubators if rnd() < 0.7 else range(1, n_blkk + 1)
                    blkk, venture = pool[int(rnd() * len(pool))], None
                else:
                    blkk, venture = None, 1 + int(rnd() * n_ventures)
                if venture is None:
                    owner = blkk
                    proposed = self.first + int(rnd() * DECADE_DAYS)
                else:
                    start, _end, owner = self.venture_span[venture]
                    proposed = min(t, start + 30 + int(rnd() * 370))
                kind = kind_100[int(rnd() * 100)]
                low, high = ranges[kind]
                value = (low + int(rnd() * (high - low))) // 100_000 * 100_000
                moves = [("", "proposed", proposed, self.ministry_user(rnd()))]
                day = proposed
                status = "proposed"
                approved = delivered = checked = None
                handover, condition = "", ""
                r = rnd()
                for to_status, gap, chance in (
                    ("approved", 14, 0.88),
                    ("delivered", 20, 0.92),
                    ("in_use", 7, 0.8),
                ):
                    step = day + gap + int(rnd() * 60)
                    if step > t:
                        break
                    if rnd() >= chance:
                        if status in ("proposed", "approved") and r < 0.6:
                            moves.append(
                                (status, "cancelled", step, self.ministry_user(rnd()))
                            )
                            status = "cancelled"
                        break
                    by = (
                        self.ministry_user(rnd())
                        if to_status == "approved"
                        else self.manager_of[owner]
                    )
                    moves.append((status, to_status, step, by))
                    status, day = to_status, step
                    if to_status == "approved":
                        approved = step
                    elif to_status == "delivered":
                        delivered = step
                        handover = f"BAST/{aid:06d}/{days.year_of(step)}"
                if delivered is not None and rnd() < 0.7:
                    check = day + 30 + int(rnd() * 370)
                    if check <= t:
                        checked = check
                        condition = CONDITION_100[int(rnd() * 100)]
                for from_status, to_status, on, by in moves:
                    changes.append(
                        f"{aid}\t{from_status}\t{to_status}\t{days.text(on)}\t{by}\t\t"
                        f"{days.stamp(on, rnd())}\n"
                    )
                yield (
                    f"{aid}\t{_null(blkk)}\t{_null(venture)}\t{days.year_of(proposed)}\t"
                    f"{kind}\tBantuan {kind.replace('_', ' ')} untuk usaha binaan\t"
                    f"{value}\t{days.text(proposed)}\t{status}\t"
                    f"{days.text(approved) if approved else chr(92) + 'N'}\t"
                    f"{days.text(delivered) if delivered else chr(92) + 'N'}\t"
                    f"{handover}\t{days.text(checked) if checked else chr(92) + 'N'}\t"
                    f"{condition}\t{days.stamp(proposed, rnd())}\n"
                )

        self.copy(
            Assistance,
            _columns(
                "id blkk_id venture_id year kind description value proposed_on status "
                "approved_on delivered_on handover_number last_checked_on condition "
                "created_at"
            ),
            lines(),
            expected=self.n["assistance"],
            started=started,
        )
        self.copy(
            AssistanceStatusChange,
            _columns("assistance_id from_status to_status on by_id note created_at"),
            changes,
            expected=len(changes),
        )

    # -- mentors, assignments, sessions -----------------------------------------------

    def load_mentoring(self) -> None:
        from mentoring.models import Mentor, MentorAssignment, MentoringSession

        started = time.perf_counter()
        rng, days, t = self.rng("mentors"), self.days, self.t
        rnd = rng.random
        n_mentors, n_blkk = self.n["mentors"], self.n["blkks"]
        graded = [b for b in range(1, n_blkk + 1) if self.grade[b] != "tumbuh"] or [1]
        self.mentor_cap = [0]

        def mentors() -> Iterator[str]:
            for m in range(1, n_mentors + 1):
                r = rnd()
                affiliation = (
                    "blk"
                    if r < 0.45
                    else "university"
                    if r < 0.7
                    else "industry"
                    if r < 0.95
                    else "ministry"
                )
                home = (
                    graded[int(rnd() * len(graded))] if affiliation == "blk" else None
                )
                r = rnd()
                cap = 5 if r < 0.85 else 8 if r < 0.95 else 10
                self.mentor_cap.append(cap)
                expertise = f"{SECTORS[int(rnd() * 8)]}, {TOPICS[int(rnd() * 8)]}"
                yield (
                    f"{m}\t{self.mentor_user[m]}\t{self.mentor_name[m]}\t{expertise}\t"
                    f"{affiliation}\t{_null(home)}\t{cap}\n"
                )

        self.copy(
            Mentor,
            _columns(
                "id user_id full_name expertise affiliation home_blkk_id "
                "max_active_assignments"
            ),
            mentors(),
            expected=n_mentors,
            started=started,
        )

        started = time.perf_counter()
        rng = self.rng("assignments")
        rnd = rng.random
        n_ventures = len(self.venture_span) - 1
        wanted = self.n["assignments"]
        plan: list[tuple[int, int, int | None, int | None, str]] = []
        # One mentor per venture (as many as there are assignments), from its start
        # to its end; the rest to whole BLKKs, mostly incubators.
        for vid in range(1, min(n_ventures, wanted) + 1):
            start, end, _b = self.venture_span[vid]
            start = min(t, start + int(rnd() * 21))
            if end is not None:
                end = max(end, start)
            plan.append(
                (
                    start,
                    vid,
                    None,
                    end,
                    "ended" if end is not None and end < t else "active",
                )
            )
        incubators = [b for b in range(1, n_blkk + 1) if self.incubator[b]]
        for _ in range(wanted - len(plan)):
            pool = incubators if rnd() < 0.7 else range(1, n_blkk + 1)
            blkk = pool[int(rnd() * len(pool))]
            if rnd() < 0.02:
                start = t + 7 + int(rnd() * 50)
                plan.append((start, None, blkk, start + 180, "planned"))
                continue
            start = self.first + int(rnd() * DECADE_DAYS)
            end: int | None = start + 90 + int(rnd() * 450)
            if end >= t and rnd() < 0.5:
                end = None
            status = "ended" if end is not None and end < t else "active"
            plan.append((start, None, blkk, end, status))
        plan.sort(key=lambda item: item[0])
        # Mentors in order of the assignments' starts, never more active at once
        # than their maximum (so not today either).
        ends: list[list[float]] = [[] for _ in range(n_mentors + 1)]
        lines = []
        self.assignment_spans: list[tuple[int, int, int, int]] = []
        forever = math.inf
        for aid, (start, venture, blkk, end, status) in enumerate(plan, start=1):
            mentor = 0
            if status != "planned":
                for attempt in range(n_mentors + 20):
                    candidate = (
                        1 + int(rnd() * n_mentors)
                        if attempt < 20
                        else 1 + (attempt - 20) % n_mentors
                    )
                    open_ends = [e for e in ends[candidate] if e >= start]
                    ends[candidate] = open_ends
                    if len(open_ends) < self.mentor_cap[candidate]:
                        mentor = candidate
                        open_ends.append(forever if end is None else end)
                        break
                if not mentor:
                    raise ScaleRefused("Too few mentors for the assignments.")
                self.assignment_spans.append((aid, start, min(t, end or t), mentor))
            else:
                mentor = 1 + int(rnd() * n_mentors)
            lines.append(
                f"{aid}\t{mentor}\t{_null(venture)}\t{_null(blkk)}\t{days.text(start)}\t"
                f"{days.text(end) if end is not None else chr(92) + 'N'}\t{status}\t"
                f"{days.stamp(start, rnd())}\n"
            )
        self.copy(
            MentorAssignment,
            _columns(
                "id mentor_id venture_id blkk_id start_date end_date status created_at"
            ),
            lines,
            expected=len(lines),
            started=started,
        )
        del lines, plan, ends

        started = time.perf_counter()
        rng = self.rng("sessions")
        rnd = rng.random
        spans = self.assignment_spans
        per_assignment = distribute(
            self.n["sessions"], [end - start + 1 for _, start, end, _ in spans]
        )
        tails = [
            f"{minutes}\t{mode}\t{TOPICS[i]}; {TOPICS[(i + 3) % 8]}\t{note}\t{action}\t"
            for minutes in (30, 45, 60, 90, 120)
            for mode in ("in_person", "online", "phone")
            for i in range(8)
            for note in SESSION_NOTES
            for action in ACTION_ITEMS
        ]
        n_tails = len(tails)
        ratings = ["1", "2", "3", "4", "4", "5", "5", "5", "\\N", "\\N"]
        iso, base, hours = days.iso, days.base, days.hours
        n_hours = len(hours)
        midnight = " 00:00:00+07"

        def sessions() -> Iterator[str]:
            for (aid, start, end, mentor), k in zip(spans, per_assignment, strict=True):
                if not k:
                    continue
                user = self.mentor_user[mentor]
                step = (end - start + 1) / k
                for j in range(k):
                    held = start + int((j + rnd()) * step)
                    text = iso[held - base]
                    stamp = text + (
                        midnight if held >= t else hours[int(rnd() * n_hours)]
                    )
                    yield (
                        f"{aid}\t{text}\t{tails[int(rnd() * n_tails)]}"
                        f"{ratings[int(rnd() * 10)]}\t{user}\t{stamp}\n"
                    )

        self.copy(
            MentoringSession,
            _columns(
                "assignment_id held_on duration_minutes mode topics notes "
                "action_items mentee_rating recorded_by_id created_at"
            ),
            sessions(),
            expected=self.n["sessions"],
            started=started,
        )


def loaded_models() -> list[Any]:
    """Every model (and many-to-many table) the loader writes, in its order."""
    from blkk_portal.accounts.models import User
    from incubator.models import (
        ApplicationReview,
        Assistance,
        AssistanceStatusChange,
        Cohort,
        CohortApplication,
        Milestone,
        StageChange,
        Venture,
        VentureMetric,
    )
    from mentoring.models import Mentor, MentorAssignment, MentoringSession
    from training.models import (
        Blkk,
        BlkkHandover,
        Certification,
        Enrollment,
        GradeAssessment,
        GraduateOutcome,
        Instructor,
        InstructorQualification,
        Partner,
        Partnership,
        Placement,
        Trainee,
        TrainingBatch,
    )

    return [
        User,
        Blkk,
        Blkk.vocational_fields.through,
        Blkk.managers.through,
        BlkkHandover,
        GradeAssessment,
        Instructor,
        Instructor.vocational_fields.through,
        InstructorQualification,
        Partner,
        Partnership,
        Partnership.purposes.through,
        TrainingBatch,
        Trainee,
        Enrollment,
        Certification,
        GraduateOutcome,
        Placement,
        Cohort,
        Venture,
        Venture.founders.through,
        StageChange,
        CohortApplication,
        CohortApplication.co_applicants.through,
        ApplicationReview,
        Milestone,
        VentureMetric,
        Assistance,
        AssistanceStatusChange,
        Mentor,
        MentorAssignment,
        MentoringSession,
    ]


def analyze(models: Iterable[Any] | None = None) -> None:
    """ANALYZE the tables of `models` (default: every table the loader writes), so
    that the planner knows their new sizes."""
    from django.db import connection

    tables = ", ".join(
        connection.ops.quote_name(model._meta.db_table)
        for model in (loaded_models() if models is None else models)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def vacuum() -> None:
    """VACUUM (ANALYZE) the whole database, as autovacuum does to a live one after
    so many inserts: it marks the pages all-visible, so that index-only scans (the
    reach table's, for every scoped list) read no table pages. Freshly loaded and
    not yet vacuumed, a province's first page of certifications read the reach
    table's heap row by row: 34 ms, against 2 ms once vacuumed."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def reset_sequences() -> None:
    """Move every loaded table's id sequence past the ids written explicitly."""
    from django.core.management.color import no_style
    from django.db import connection

    statements = connection.ops.sequence_reset_sql(no_style(), loaded_models())
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def check_database() -> None:
    """Refuse anything but an empty, migrated PostgreSQL database: the loader
    writes ids of its own and checks nothing already there."""
    from django.db import connection

    if connection.vendor != "postgresql":
        raise ScaleRefused(
            f"seed_scale loads PostgreSQL only (COPY); this database is "
            f"{connection.vendor}."
        )
    from training.models import Trainee

    if Trainee.objects.exists():
        raise ScaleRefused(
            "This database already holds trainees: seed_scale loads an empty, "
            "migrated database (create a new one, migrate it, then run it)."
        )
    from blkk_portal.accounts.models import User

    filled = [
        model._meta.db_table
        for model in loaded_models()
        if model is not User and model._default_manager.exists()
    ]
    if filled:
        raise ScaleRefused(
            "This database already holds rows in "
            + ", ".join(filled)
            + ": seed_scale loads an empty, migrated database."
        )


def load(
    *,
    factor: float,
    seed: int = DEFAULT_SEED,
    today: datetime.date | None = None,
    progress: bool = False,
    baseline: bool = False,
) -> LoadReport:
    """Check the database, then load the dataset at `factor` (see the module's
    docstring); the per-table rows and times, and with `baseline` each table's
    baseline (`scale_baseline`), measured right after it (not counted in the
    load's times)."""
    from django.utils import timezone

    check_factor(factor)
    check_database()
    loader = Loader(
        factor=factor,
        seed=seed,
        today=today or timezone.localdate(),
        progress=progress,
        baseline=baseline,
    )
    return loader.run()


# --- the measured users --------------------------------------------------------------


def bench_users(today: datetime.date) -> dict[str, User]:
    """The users a benchmark measures, created through the portal's services (or
    found, when they exist): `ministry`, `province` (Jawa Barat), `manager` (of a
    typical incubator BLKK of Jawa Barat, one with cohorts, ventures, applications
    and assistance), `manager_training` (of a typical training-only BLKK there) and
    `mentor` (five active assignments, with sessions). Usernames `bench-<key>`
    (dashes for underscores); password `BENCH_PASSWORD`."""
    from django.db.models import Count, Exists, OuterRef, Q

    from blkk_portal.accounts.models import Role, User
    from incubator.models import (
        ACTIVE_STAGES,
        Assistance,
        Cohort,
        CohortApplication,
        Venture,
    )
    from mentoring.models import MentorAssignment, MentoringSession
    from mentoring.services import assignment_create, sessions_bulk_create, user_create
    from training.models import Blkk, Province

    def existing(key: str) -> User | None:
        return User.objects.filter(username=f"bench-{key.replace('_', '-')}").first()

    def made(key: str, **fields: Any) -> User:
        user = existing(key)
        if user is None:
            user = user_create(
                username=f"bench-{key.replace('_', '-')}",
                password=BENCH_PASSWORD,
                **fields,
            )
        return user

    users: dict[str, User] = {}
    users["ministry"] = made("ministry", role=Role.MINISTRY, full_name="Bench Ministry")
    users["province"] = made(
        "province",
        role=Role.PROVINCE,
        province=Province.objects.get(code=BENCH_PROVINCE),
        full_name="Bench Province",
    )
    in_province = Blkk.objects.filter(
        regency__province_id=BENCH_PROVINCE, is_active=True
    ).annotate(n=Count("registered_trainees"))

    def typical(blkks) -> Blkk:
        """The BLKK with the median number of registered trainees."""
        candidates = list(blkks.order_by("n", "pk"))
        if not candidates:
            raise ScaleRefused("No BLKK in Jawa Barat fits: load the dataset first.")
        return candidates[len(candidates) // 2]

    if existing("manager") is None:
        incubators = in_province.filter(is_incubator=True).filter(
            Exists(Cohort.objects.filter(blkk=OuterRef("pk"))),
            Exists(Venture.objects.filter(cohort__blkk=OuterRef("pk"))),
            Exists(CohortApplication.objects.filter(cohort__blkk=OuterRef("pk"))),
            Exists(
                Assistance.objects.filter(
                    Q(blkk=OuterRef("pk")) | Q(venture__cohort__blkk=OuterRef("pk"))
                )
            ),
        )
        users["manager"] = made(
            "manager",
            role=Role.BLKK_MANAGER,
            blkks=[typical(incubators)],
            full_name="Bench Manager",
        )
    else:
        users["manager"] = existing("manager")  # type: ignore[assignment]
    if existing("manager_training") is None:
        users["manager_training"] = made(
            "manager_training",
            role=Role.BLKK_MANAGER,
            blkks=[typical(in_province.filter(is_incubator=False, n__gt=0))],
            full_name="Bench Manager Training",
        )
    else:
        users["manager_training"] = existing("manager_training")  # type: ignore[assignment]
    users["mentor"] = made(
        "mentor",
        role=Role.MENTOR,
        full_name="Bench Mentor",
        expertise="Pemasaran digital, pembukuan",
    )
    mentor = users["mentor"].mentor_profile
    if not mentor.assignments.exists():
        home = users["manager"].managed_blkks.get()
        # Ventures: active ones first (any other when too few are), the manager's
        # BLKK's first, then Jawa Barat's, then any.
        ventures = list(
            Venture.objects.annotate(
                active=Count("pk", filter=Q(stage__in=sorted(ACTIVE_STAGES))),
                rank=Count("pk", filter=Q(cohort__blkk=home))
                + Count("pk", filter=Q(cohort__blkk__regency__province_id="32")),
            ).order_by("-active", "-rank", "-started_on", "pk")[:4]
        )
        # Then whole BLKKs: the manager's, then other incubators, then any.
        blkks = [
            home,
            *Blkk.objects.filter(is_active=True)
            .exclude(pk=home.pk)
            .order_by("-is_incubator", "pk")[:4],
        ]
        targets: list[dict[str, Any]] = [
            {"venture": venture, "start_date": min(venture.started_on, today)}
            for venture in ventures
        ]
        for blkk in blkks[: 5 - len(targets)]:
            targets.append(
                {"blkk": blkk, "start_date": today - datetime.timedelta(days=240)}
            )
        rng = random.Random(7)  # noqa: S311 - synthetic data
        for target in targets:
            assignment = assignment_create(
                mentor=mentor, status=MentorAssignment.Status.ACTIVE, by=None, **target
            )
            span = max(1, (today - assignment.start_date).days)
            sessions_bulk_create(
                sessions=[
                    MentoringSession(
                        assignment=assignment,
                        held_on=assignment.start_date
                        + datetime.timedelta(days=int(span * (j + rng.random()) / 15)),
                        duration_minutes=60,
                        mode=MentoringSession.Mode.ONLINE,
                        topics=TOPICS[j % len(TOPICS)],
                        recorded_by=users["mentor"],
                    )
                    for j in range(15)
                ],
                by=None,
            )
    return users
