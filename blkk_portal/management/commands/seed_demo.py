"""`python manage.py seed_demo`: a realistic demo of the programme, safe to run again.

Every record has a natural key (a BLKK's code, a person's NIK, a batch's name...) and
is created only when that key is missing, with values drawn from a random generator
seeded by the key itself. Running the command twice therefore leaves the same rows;
running it months later adds only what the passing time calls for (new monthly
metrics, new sessions of still-open assignments, the reports of months that ended
since). Writes go through the services, so the demo obeys the same rules as real data
(capacity, stage history, NIK checks).

The demo tells a year's story: the batches of the 20 BLKKs end on dates spread over
the last twelve months, so every month has registrations, graduates, certificates
and follow-ups somewhere, and people registered this month wait for the next batch;
ventures grow, change stage and report monthly figures; mentors meet them every three
weeks. Then the progress reports of the last twelve months that ended are stored with
their files, as beat stores them on the 1st, so every trend has twelve points.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone, translation

from blkk_portal.accounts.models import Role, User
from blkk_portal.months import Month
from incubator import services as incubator_services
from incubator.demo import seed_intake_and_assistance
from incubator.models import (
    Cohort,
    Stage,
    Venture,
    VentureMetric,
)
from mentoring import services as mentoring_services
from mentoring.models import Mentor, MentorAssignment, MentoringSession
from mentoring.services import user_create
from reports import services as reports_services
from reports.models import ProgressReport, ReportScope
from training import services as training_services
from training.demo import rng_for, seed_programme
from training.models import (
    Blkk,
    Certification,
    Enrollment,
    Province,
    Regency,
    Trainee,
    TrainingBatch,
    VocationalField,
)

DEMO_PROVINCES = ("32", "33", "35", "73")  # Jawa Barat, Jawa Tengah, Jawa Timur, Sulsel
BLKKS_PER_PROVINCE = 5
BATCH_CAPACITY = 16
BATCH_DAYS = 45
# Three batches of each BLKK ended this long ago (plus the BLKK's shift, below); the
# fourth started 20 days ago and is running.
BATCH_ENDED_DAYS_AGO = (263, 133, 3)
RUNNING_BATCH_STARTED_DAYS_AGO = 20
BATCHES_PER_BLKK = len(BATCH_ENDED_DAYS_AGO) + 1
# Each BLKK's batches end a week earlier than the previous BLKK's: over 20 BLKKs the
# shifts span 0 to 133 days, more than the 130 between two batches of one BLKK, so
# a batch ends somewhere every week from 3 to 396 days ago, and every one of the
# last twelve months (however far into this month today is) has graduates.
BATCH_SHIFT_DAYS = 7
# The batch each enrolled person (by number) trained in: the first batch is the
# largest, as the incubation cohort's founders come from it.
BATCH_OF_TRAINEE = (0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 3, 3, 3)
# And people registered this month, waiting for the next batch.
NEWLY_REGISTERED_PER_BLKK = 2
SESSION_EVERY_DAYS = 21
# Every seventh venture's mentor has not met it for this long (at risk), and about
# one venture in seven has not yet reported last month's figures.
QUIET_MENTOR_DAYS = 100
LATE_REPORTER_SHARE = 0.15
# A mentor's support to a whole BLKK began this long ago (sessions all year).
BLKK_SUPPORT_DAYS = 380
# The progress reports stored: the last twelve months that ended.
REPORT_MONTHS = 12

HOSTS = [
    ("pesantren", "Pondok Pesantren Al-Hikmah"),
    ("pesantren", "Pondok Pesantren Darussalam"),
    ("religious", "Yayasan Gereja Bethel"),
    ("community", "Yayasan Karya Mandiri"),
    ("union", "Serikat Pekerja Nusantara"),
    ("pesantren", "Pondok Pesantren Nurul Huda"),
    ("community", "Lembaga Pemberdayaan Masyarakat Sejahtera"),
    ("religious", "Yayasan Vihara Dharma Bakti"),
]
WOMEN = [
    "Siti", "Dewi", "Rina", "Ayu", "Wulan", "Fitri", "Nur", "Lestari", "Indah",
    "Ratna", "Yuli", "Putri", "Sri", "Maya", "Anisa", "Kartika",
]  # fmt: skip
MEN = [
    "Budi", "Agus", "Joko", "Rizky", "Dedi", "Hendra", "Eko", "Andi", "Fajar",
    "Bayu", "Wahyu", "Iwan", "Arif", "Yusuf", "Rahmat", "Ilham",
]  # fmt: skip
FAMILY = [
    "Saputra", "Hidayat", "Santoso", "Wijaya", "Pratama", "Nugroho", "Kurniawan",
    "Setiawan", "Rahayu", "Lestari", "Syahputra", "Siregar", "Nasution", "Daeng",
    "Sulistyo", "Permata",
]  # fmt: skip
VENTURE_KINDS = {
    "menjahit": ("Konveksi", "garmen"),
    "tik": ("Jasa Digital", "jasa TIK"),
    "pengolahan-hasil-pertanian": ("Olahan Tani", "pengolahan pangan"),
    "otomotif": ("Bengkel", "otomotif"),
    "las": ("Bengkel Las", "logam"),
    "tata-rias": ("Salon", "kecantikan"),
    "tata-boga": ("Dapur", "kuliner"),
    "listrik": ("Jasa Instalasi", "kelistrikan"),
    "refrigerasi": ("Servis AC", "refrigerasi"),
    "pertanian": ("Kebun", "pertanian"),
    "perikanan": ("Tambak", "perikanan"),
    "peternakan": ("Ternak", "peternakan"),
    "bangunan": ("Jasa Bangun", "konstruksi"),
    "kerajinan": ("Kriya", "kerajinan"),
    "bahasa": ("Kursus Bahasa", "pendidikan"),
    "pariwisata": ("Wisata", "pariwisata"),
}
# Each venture's path through the stages, as days after its start; every stage occurs.
STAGE_PATHS = [
    [],
    [(Stage.INCUBATION, 60)],
    [(Stage.INCUBATION, 45), (Stage.POST_INCUBATION, 180)],
    [(Stage.INCUBATION, 40), (Stage.POST_INCUBATION, 150), (Stage.GRADUATED, 260)],
    [(Stage.INCUBATION, 50), (Stage.DROPPED, 120)],
]
# Roughly the tracer-study mix: most graduates work, for others or for themselves.
OUTCOME_MIX = [
    "employed", "employed", "self_employed", "self_employed", "unemployed",
    "apprenticeship", "studying", "migrant_worker",
]  # fmt: skip
SESSION_TOPICS = [
    "Pembukuan sederhana dan arus kas",
    "Pemasaran melalui media sosial",
    "Perizinan usaha (NIB, PIRT, halal)",
    "Penetapan harga jual",
    "Akses permodalan (KUR)",
    "Kemasan dan merek",
]
MENTORS = [
    ("mentor.rahmat", "Rahmat Hidayat", "industry", "Pemasaran digital, UMKM"),
    ("mentor.sari", "Sari Wulandari", "university", "Keuangan dan pembukuan"),
    ("mentor.yohanes", "Yohanes Siregar", "blk", "Produksi dan mutu"),
    ("mentor.fatimah", "Fatimah Daeng", "ministry", "Perizinan usaha (NIB, PIRT)"),
]


def supporting_mentor(blkk: Blkk) -> User | None:
    """The user of the mentor holding an active BLKK-wide assignment there, if any:
    they review the BLKK's cohort applications."""
    assignment = (
        MentorAssignment.objects.filter(
            blkk=blkk, status=MentorAssignment.Status.ACTIVE
        )
        .select_related("mentor__user")
        .order_by("pk")
        .first()
    )
    return assignment.mentor.user if assignment else None


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def make_nik(regency: Regency, birth: datetime.date, female: bool, serial: int) -> str:
    """Region (province, regency, district 01), DDMMYY (+40 for women), serial."""
    day = birth.day + (40 if female else 0)
    return f"{regency.code.replace('.', '')}01{day:02d}{birth:%m%y}{serial:04d}"


@dataclass
class Demo:
    today: datetime.date
    ministry: User | None = None
    blkks: list[Blkk] = field(default_factory=list)
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)

    def count(self, label: str, number: int = 1) -> None:
        if number:
            self.created[label] = self.created.get(label, 0) + number


class Command(BaseCommand):
    help = "Fill the database with a realistic demo (idempotent) and print its logins."

    def handle(self, *args, **options) -> None:
        demo = Demo(today=timezone.localdate())
        with transaction.atomic():
            demo.ministry = self.ensure_user(
                demo, "kemnaker", role=Role.MINISTRY, full_name="Staf Kemnaker"
            )
            for province_code in DEMO_PROVINCES:
                self.seed_province(demo, Province.objects.get(code=province_code))
            self.seed_mentoring(demo)
            seed_programme(
                demo.blkks, today=demo.today, by=demo.ministry, count=demo.count
            )
            seed_intake_and_assistance(
                demo.blkks,
                today=demo.today,
                by=demo.ministry,
                count=demo.count,
                mentor_of=supporting_mentor,
            )
            self.seed_reports(demo)
        self.report(demo)

    # Users -------------------------------------------------------------------------

    def ensure_user(self, demo: Demo, username: str, **fields) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                username=username, password=settings.DEMO_PASSWORD, **fields
            )
            demo.count("users")
        demo.logins.append((fields["role"], username, fields.get("full_name", "")))
        return user

    # BLKKs and their trainees --------------------------------------------------------

    def seed_province(self, demo: Demo, province: Province) -> None:
        regencies = list(province.regencies.order_by("code")[:BLKKS_PER_PROVINCE])
        blkks = [
            self.ensure_blkk(demo, regency, index)
            for index, regency in enumerate(regencies)
        ]
        self.ensure_user(
            demo,
            f"disnaker.{province.code}",
            role=Role.PROVINCE,
            province=province,
            full_name=f"Disnaker {province.name}",
        )
        # The first manager looks after two BLKKs, as happens in small regencies.
        self.ensure_user(
            demo,
            f"pengelola.{province.code}",
            role=Role.BLKK_MANAGER,
            blkks=blkks[:2],
            full_name=f"Pengelola {blkks[0].name}",
        )
        for blkk in blkks:
            demo.blkks.append(blkk)
            self.seed_blkk(demo, blkk, index=len(demo.blkks) - 1)
        # Some people train at a second BLKK, found there by their NIK.
        for blkk, neighbour in zip(blkks, blkks[1:] + blkks[:1], strict=True):
            wanderer = blkk.registered_trainees.earliest("nik")
            running = neighbour.batches.latest("start_date")
            self.ensure_enrollment(demo, wanderer, running)

    def ensure_blkk(self, demo: Demo, regency: Regency, index: int) -> Blkk:
        code = f"BLKK-{regency.code}-{index + 1:03d}"
        blkk = Blkk.objects.filter(code=code).first()
        if blkk is not None:
            return blkk
        rng = rng_for("blkk", code)
        kind, host = rng.choice(HOSTS)
        established_year = rng.randint(2017, 2023)
        lsp_status = rng.choice(Blkk.LspStatus.values)
        licensed = lsp_status == Blkk.LspStatus.LICENSED
        blkk = training_services.blkk_create(
            code=code,
            name=f"BLKK {host.split(' ', 2)[-1]} {regency.name.title()}",
            host_institution=f"{host} {regency.name.title()}",
            institution_type=kind,
            regency=regency,
            address=f"Jl. Pendidikan No. {rng.randint(1, 120)}, {regency.name.title()}",
            phone=f"08{rng.randint(10**9, 10**10 - 1)}",
            established_year=established_year,
            grade=rng.choice(Blkk.Grade.values),
            lsp_status=lsp_status,
            # A licensed certification body has its BNSP licence number and date.
            lsp_license_number=f"BNSP-LSP-{regency.code}-{index + 1:03d}"
            if licensed
            else "",
            lsp_licensed_on=datetime.date(established_year + 2, 3, 1)
            if licensed
            else None,
            is_incubator=index < 3,
            vocational_fields=rng.sample(
                list(VocationalField.objects.order_by("code")), 2
            ),
            by=demo.ministry,
        )
        demo.count("BLKKs")
        return blkk

    def seed_blkk(self, demo: Demo, blkk: Blkk, index: int) -> None:
        trades = list(blkk.vocational_fields.order_by("code"))
        shift = index * BATCH_SHIFT_DAYS
        batches = [
            self.ensure_batch(demo, blkk, trades[number % len(trades)], number, shift)
            for number in range(BATCHES_PER_BLKK)
        ]
        serial_base = (index + 1) * 100
        for number, batch_number in enumerate(BATCH_OF_TRAINEE):
            batch = batches[batch_number]
            trainee = self.ensure_trainee(demo, blkk, serial_base + number, batch)
            enrollment = self.ensure_enrollment(demo, trainee, batch)
            if enrollment.status == Enrollment.Status.COMPLETED:
                self.ensure_certification(demo, enrollment)
                self.ensure_outcome(demo, enrollment)
        for number in range(NEWLY_REGISTERED_PER_BLKK):
            self.ensure_trainee(
                demo, blkk, serial_base + len(BATCH_OF_TRAINEE) + number, None
            )
        if blkk.is_incubator:
            self.seed_incubation(demo, blkk, batches)

    def ensure_batch(
        self, demo: Demo, blkk: Blkk, trade: VocationalField, number: int, shift: int
    ) -> TrainingBatch:
        name = f"Angkatan {number + 1} - {trade.name}"
        batch = TrainingBatch.objects.filter(blkk=blkk, name=name).first()
        if batch is not None:
            return batch
        if number < len(BATCH_ENDED_DAYS_AGO):
            days_ago = BATCH_ENDED_DAYS_AGO[number] + shift
            end = demo.today - datetime.timedelta(days=days_ago)
            start = end - datetime.timedelta(days=BATCH_DAYS)
        else:
            start = demo.today - datetime.timedelta(days=RUNNING_BATCH_STARTED_DAYS_AGO)
            end = start + datetime.timedelta(days=BATCH_DAYS)
        batch = training_services.batch_create(
            blkk=blkk,
            vocational_field=trade,
            name=name,
            start_date=start,
            end_date=end,
            capacity=BATCH_CAPACITY,
            by=demo.ministry,
        )
        demo.count("batches")
        return batch

    def ensure_trainee(
        self, demo: Demo, blkk: Blkk, number: int, batch: TrainingBatch | None
    ) -> Trainee:
        """A person registered a few weeks before their batch started, or, with no
        batch, this month (waiting for the next one)."""
        rng = rng_for("trainee", blkk.code, number)
        female = rng.random() < 0.55
        birth = datetime.date(rng.randint(1984, 2006), rng.randint(1, 12), 1)
        birth += datetime.timedelta(days=rng.randint(0, 27))
        nik = make_nik(blkk.regency, birth, female, serial=number)
        trainee = Trainee.objects.filter(nik=nik).first()
        if trainee is not None:
            return trainee
        first = rng.choice(WOMEN if female else MEN)
        if batch is not None:
            registered = batch.start_date - datetime.timedelta(days=rng.randint(3, 25))
        else:
            registered = demo.today - datetime.timedelta(
                days=rng.randint(0, demo.today.day - 1)
            )
        trainee = training_services.trainee_register(
            nik=nik,
            full_name=f"{first} {rng.choice(FAMILY)}",
            gender=Trainee.Gender.FEMALE if female else Trainee.Gender.MALE,
            birth_date=birth,
            phone=f"08{rng.randint(10**9, 10**10 - 1)}",
            regency=blkk.regency,
            education=rng.choice(["smp", "sma", "sma", "smk", "smk", "diploma"]),
            has_disability=rng.random() < 0.05,
            prior_status=rng.choice(["unemployed", "unemployed", "laid_off"]),
            blkk=blkk,
            registered_on=registered,
            by=demo.ministry,
        )
        demo.count("trainees")
        return trainee

    def ensure_enrollment(
        self, demo: Demo, trainee: Trainee, batch: TrainingBatch
    ) -> Enrollment:
        enrollment = Enrollment.objects.filter(trainee=trainee, batch=batch).first()
        if enrollment is not None:
            return enrollment
        rng = rng_for("enrollment", trainee.nik, batch.pk)
        if batch.end_date >= demo.today:
            status, completed_on = Enrollment.Status.ACTIVE, None
        elif rng.random() < 0.12:
            status, completed_on = Enrollment.Status.DROPPED, None
        else:
            status, completed_on = Enrollment.Status.COMPLETED, batch.end_date
        enrollment = training_services.enrollment_create(
            trainee=trainee,
            batch=batch,
            status=status,
            completed_on=completed_on,
            by=demo.ministry,
        )
        demo.count("enrollments")
        return enrollment

    def ensure_certification(self, demo: Demo, enrollment: Enrollment) -> None:
        if enrollment.completed_on is None:
            return  # Not completed: nothing to certify.
        rng = rng_for("certification", enrollment.trainee.nik, enrollment.batch_id)
        issued_on = enrollment.completed_on + datetime.timedelta(days=14)
        if rng.random() > 0.75 or issued_on > demo.today:
            return
        lsp = f"LSP {enrollment.batch.vocational_field.name.split(' (')[0]}"
        number = f"{enrollment.batch.vocational_field.code.upper()}/{enrollment.pk:06d}"
        if Certification.objects.filter(lsp_name=lsp, number=number).exists():
            return
        competent = rng.random() < 0.85
        training_services.certification_create(
            trainee=enrollment.trainee,
            scheme=f"Okupasi {enrollment.batch.vocational_field.name}",
            lsp_name=lsp,
            issued_on=issued_on,
            result="competent" if competent else "not_yet",
            number=number,
            by=demo.ministry,
        )
        demo.count("certifications")

    def ensure_outcome(self, demo: Demo, enrollment: Enrollment) -> None:
        if enrollment.completed_on is None:
            return  # Not completed: no graduate to survey.
        surveyed_on = enrollment.completed_on + datetime.timedelta(days=90)
        trainee = enrollment.trainee
        if surveyed_on > demo.today or trainee.outcomes.exists():
            return
        rng = rng_for("outcome", trainee.nik)
        status = rng.choice(OUTCOME_MIX)
        earns = status in {"employed", "self_employed", "migrant_worker"}
        training_services.outcome_create(
            trainee=trainee,
            surveyed_on=surveyed_on,
            status=status,
            employer_or_business=f"CV {rng.choice(FAMILY)} Jaya" if earns else "",
            monthly_income=rng.randrange(1_500_000, 6_000_000, 50_000)
            if earns
            else None,
            by=demo.ministry,
        )
        demo.count("graduate outcomes")

    # Incubation --------------------------------------------------------------------

    def seed_incubation(
        self, demo: Demo, blkk: Blkk, batches: list[TrainingBatch]
    ) -> None:
        first_batch = batches[0]
        cohort = Cohort.objects.filter(blkk=blkk, name="Kohort Inkubasi 1").first()
        if cohort is None:
            start = first_batch.end_date + datetime.timedelta(days=7)
            cohort = incubator_services.cohort_create(
                blkk=blkk,
                name="Kohort Inkubasi 1",
                year=start.year,
                start_date=start,
                status=Cohort.Status.RUNNING,
                by=demo.ministry,
            )
            demo.count("cohorts")
        graduates = list(
            Trainee.objects.filter(
                enrollments__batch=first_batch,
                enrollments__status=Enrollment.Status.COMPLETED,
            ).order_by("nik")
        )
        for number, path in enumerate(STAGE_PATHS):
            # Two founders where the batch had enough graduates, else one.
            founders = graduates[number::5][:2]
            if founders:
                self.ensure_venture(demo, cohort, first_batch, number, path, founders)

    def ensure_venture(
        self,
        demo: Demo,
        cohort: Cohort,
        batch: TrainingBatch,
        number: int,
        path: Sequence[tuple[str, int]],
        founders: list[Trainee],
    ) -> None:
        kind, sector = VENTURE_KINDS.get(batch.vocational_field.code, ("Usaha", "umum"))
        name = f"{kind} {founders[0].full_name}"
        venture = Venture.objects.filter(cohort=cohort, name=name).first()
        if venture is None:
            venture = self.create_venture(demo, cohort, number, path, founders, name)
            incubator_services.venture_update(
                venture=venture, sector=sector, by=demo.ministry
            )
        self.ensure_metrics(demo, venture)

    def create_venture(self, demo, cohort, number, path, founders, name) -> Venture:
        rng = rng_for("venture", cohort.blkk.code, number)
        started_on = cohort.start_date + datetime.timedelta(days=rng.randint(0, 10))
        has_nib = rng.random() < 0.6
        venture = incubator_services.venture_create(
            cohort=cohort,
            name=name,
            sector="umum",
            founders=founders,
            started_on=started_on,
            nib=f"91{cohort.blkk.pk % 100_000:05d}{number:06d}" if has_nib else "",
            by=demo.ministry,
        )
        for to_stage, after_days in path:
            changed_on = started_on + datetime.timedelta(days=after_days)
            if changed_on > demo.today:
                break
            incubator_services.venture_change_stage(
                venture=venture,
                to_stage=to_stage,
                changed_on=changed_on,
                by=demo.ministry,
            )
        venture.refresh_from_db()
        for offset, title in ((30, "Mengurus NIB melalui OSS"), (120, "Label halal")):
            due_on = started_on + datetime.timedelta(days=offset)
            done_on = due_on if due_on <= demo.today and rng.random() < 0.7 else None
            incubator_services.milestone_create(
                venture=venture,
                title=title,
                due_on=due_on,
                done_on=done_on,
                by=demo.ministry,
            )
        demo.count("ventures")
        return venture

    def ensure_metrics(self, demo: Demo, venture: Venture) -> None:
        """One row per month from the venture's start to last month, while active;
        a late reporter's last month is still missing."""
        stop = demo.today
        if rng_for("late", venture.cohort_id, venture.name).random() < (
            LATE_REPORTER_SHARE
        ):
            stop = month_start(demo.today) - datetime.timedelta(days=1)
        if venture.stage == Stage.DROPPED:
            # Stopped at the last stage change, the drop.
            stop = venture.stage_changes.latest("changed_on", "pk").changed_on
        period = next_month(venture.started_on)
        rng = rng_for("metrics", venture.pk)
        revenue = rng.randrange(1_000_000, 4_000_000, 100_000)
        reported = set(venture.metrics.values_list("period", flat=True))
        missing = []
        while period < month_start(stop):
            revenue = int(revenue * rng.uniform(0.95, 1.15))
            if period not in reported:
                missing.append(
                    VentureMetric(
                        venture=venture,
                        period=period,
                        revenue=revenue,
                        workers=1 + revenue // 3_000_000,
                        customers=revenue // 75_000,
                    )
                )
            period = next_month(period)
        incubator_services.metrics_bulk_create(metrics=missing, by=demo.ministry)
        demo.count("venture metrics", len(missing))

    # Mentoring ---------------------------------------------------------------------

    def seed_mentoring(self, demo: Demo) -> None:
        mentors = []
        for username, full_name, affiliation, expertise in MENTORS:
            user = self.ensure_user(
                demo, username, role=Role.MENTOR, full_name=full_name
            )
            mentor = user.mentor_profile
            if mentor.expertise != expertise:
                mentoring_services.mentor_update(
                    mentor=mentor,
                    affiliation=affiliation,
                    expertise=expertise,
                    max_active_assignments=15,
                    by=demo.ministry,
                )
            mentors.append(mentor)
        # Ventures of the first cohorts; one accepted from this year's intake starts
        # without a mentor, as it would the day after its selection.
        ventures = Venture.objects.filter(
            cohort__blkk__in=demo.blkks, application__isnull=True
        ).order_by("pk")
        for number, venture in enumerate(ventures):
            mentor = mentors[number % len(mentors)]
            assignment = self.ensure_venture_assignment(demo, mentor, venture)
            quiet = number % 7 == 3
            self.ensure_sessions(demo, assignment, quiet=quiet)
        # Each mentor also supports one whole BLKK of their region.
        for number, mentor in enumerate(mentors):
            blkk = demo.blkks[number * BLKKS_PER_PROVINCE]
            assignment = MentorAssignment.objects.filter(
                mentor=mentor, blkk=blkk
            ).first() or mentoring_services.assignment_create(
                mentor=mentor,
                blkk=blkk,
                start_date=demo.today - datetime.timedelta(days=BLKK_SUPPORT_DAYS),
                status=MentorAssignment.Status.ACTIVE,
                by=demo.ministry,
            )
            self.ensure_sessions(demo, assignment)

    def ensure_venture_assignment(
        self, demo: Demo, mentor: Mentor, venture: Venture
    ) -> MentorAssignment:
        assignment = MentorAssignment.objects.filter(
            mentor=mentor, venture=venture
        ).first()
        if assignment is not None:
            return assignment
        ended = venture.stage_changes.filter(
            to_stage__in=[Stage.GRADUATED, Stage.DROPPED]
        ).first()
        assignment = mentoring_services.assignment_create(
            mentor=mentor,
            venture=venture,
            start_date=venture.started_on,
            end_date=ended.changed_on if ended else None,
            status=MentorAssignment.Status.ENDED
            if ended
            else MentorAssignment.Status.ACTIVE,
            by=demo.ministry,
        )
        demo.count("mentor assignments")
        return assignment

    def ensure_sessions(
        self, demo: Demo, assignment: MentorAssignment, *, quiet: bool = False
    ) -> None:
        """A session every three weeks from the assignment's start while it runs;
        a quiet mentor's stopped `QUIET_MENTOR_DAYS` ago."""
        held_on = assignment.start_date + datetime.timedelta(days=7)
        until = min(assignment.end_date or demo.today, demo.today)
        if quiet:
            until = min(until, demo.today - datetime.timedelta(days=QUIET_MENTOR_DAYS))
        recorded = set(assignment.sessions.values_list("held_on", flat=True))
        missing = []
        while held_on <= until:
            if held_on not in recorded:
                missing.append(self.build_session(assignment, held_on))
            held_on += datetime.timedelta(days=SESSION_EVERY_DAYS)
        mentoring_services.sessions_bulk_create(sessions=missing, by=demo.ministry)
        demo.count("mentoring sessions", len(missing))

    def build_session(self, assignment, held_on) -> MentoringSession:
        rng = rng_for("session", assignment.pk, held_on)
        session = MentoringSession(
            assignment=assignment,
            held_on=held_on,
            duration_minutes=rng.choice([45, 60, 90, 120]),
            mode=rng.choice(["in_person", "in_person", "online", "phone"]),
            topics=rng.choice(SESSION_TOPICS),
            notes="Peserta aktif; tindak lanjut pada sesi berikutnya.",
            mentee_rating=rng.choice([None, 3, 4, 4, 5, 5]),
            recorded_by=assignment.mentor.user,
        )
        # Historic sessions are loaded as the mentor recorded them at the time and
        # stored by ministry staff (`sessions_bulk_create`), so the mentor's today-only
        # write rules do not apply; the field and date rules do.
        return session

    # Progress reports -----------------------------------------------------------

    def seed_reports(self, demo: Demo) -> None:
        """The reports of the last twelve months that ended, every scope, with their
        files, oldest first (a report's workbook charts the months stored before
        it): what beat stores on the 1st of each month, without the mail. A month
        whose national report is stored already is left as it was, as a stored
        report is a record of its month."""
        last = Month.of(demo.today).shifted(-1)
        months = [last.shifted(-back) for back in range(REPORT_MONTHS - 1, -1, -1)]
        stored = set(
            ProgressReport.objects.filter(
                scope=ReportScope.NATIONAL,
                period__in=[month.first_day for month in months],
            ).values_list("period", flat=True)
        )
        # The files in the portal's language, as the Celery tasks write them.
        with translation.override(settings.LANGUAGE_CODE):
            for month in months:
                if month.first_day in stored:
                    continue
                report_ids = reports_services.reports_generate_month(month=month)
                for report_id in report_ids:
                    reports_services.report_files_render(report_id=report_id)
                demo.count("progress reports", len(report_ids))

    # Output ------------------------------------------------------------------------

    def report(self, demo: Demo) -> None:
        if demo.created:
            made = ", ".join(f"{n} {label}" for label, n in demo.created.items())
            self.stdout.write(self.style.SUCCESS(f"Demo data created: {made}."))
        else:
            self.stdout.write("Demo data already complete; nothing to add.")
        self.stdout.write(
            f"\nDemo logins (password for all: {settings.DEMO_PASSWORD}):"
        )
        for role, username, full_name in demo.logins:
            self.stdout.write(f"  {role:<13} {username:<18} {full_name}")
