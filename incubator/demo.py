"""Intake and assistance in the demo (`manage.py seed_demo`).

Like the rest of the demo, every record has a natural key and is created only when
it is missing, through the services, so a second run adds nothing. The story:

- every incubator BLKK opens a second cohort, planned to start in six weeks, taking
  applications since a month ago and for three more weeks, so the public page
  `/programmes/cohorts/` lists it;
- graduates who founded nothing yet apply, some with a co-applicant; the BLKK's
  manager reviews each one, and so does the mentor supporting the BLKK, where one does;
- one application is accepted (its venture starts in pre-incubation), one rejected,
  one shortlisted, the others wait;
- the ministry's assistance reaches every BLKK in every status: equipment delivered
  last year and checked, a training package in use, a working capital grant for an
  incubator's venture approved, this year's proposal, a cancelled one, and at every
  other BLKK equipment delivered eight months ago and never checked since, which the
  dashboards flag.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from training.demo import DAY, rng_for
from training.models import Blkk, Enrollment, Trainee

from . import services
from .models import (
    ApplicationReview,
    Assistance,
    Cohort,
    CohortApplication,
    Venture,
)

if TYPE_CHECKING:
    from blkk_portal.accounts.models import User

APPLICATIONS_PER_COHORT = 6
IDEAS = [
    ("Keripik Singkong", "kuliner", "Keripik singkong pedas dari petani desa."),
    ("Jahit Seragam", "garmen", "Menjahit seragam sekolah dan kantor pesanan."),
    ("Servis Motor", "otomotif", "Bengkel servis motor keliling dengan aplikasi."),
    ("Kopi Bubuk", "kuliner", "Kopi bubuk dari kebun setempat, dijual daring."),
    ("Las Pagar", "teknik", "Pagar dan teralis besi untuk perumahan baru."),
    ("Desain Grafis", "kreatif", "Desain kemasan dan logo untuk UMKM."),
]
# The order each cohort's applications are decided in (the rest wait).
DECISIONS = ["accepted", "rejected", "shortlisted"]


@dataclass
class IntakeDemo:
    today: datetime.date
    by: User | None
    count: Callable[[str, int], None]


def seed_intake_and_assistance(
    blkks: list[Blkk],
    *,
    today: datetime.date,
    by: User | None,
    count: Callable[[str, int], None],
    mentor_of: Callable[[Blkk], User | None],
) -> None:
    """`mentor_of(blkk)`: the user of the mentor supporting the BLKK, if any (the
    mentoring app knows; this one may not ask it)."""
    demo = IntakeDemo(today=today, by=by, count=count)
    for index, blkk in enumerate(blkks):
        if blkk.is_incubator:
            cohort = ensure_open_cohort(demo, blkk)
            seed_applications(demo, cohort, mentor_of(blkk))
        seed_assistance(demo, blkk, index)


# --- intake ---------------------------------------------------------------------


def ensure_open_cohort(demo: IntakeDemo, blkk: Blkk) -> Cohort:
    cohort = Cohort.objects.filter(blkk=blkk, name="Kohort Inkubasi 2").first()
    if cohort is not None:
        return cohort
    start = demo.today + 42 * DAY
    cohort = services.cohort_create(
        blkk=blkk,
        name="Kohort Inkubasi 2",
        year=start.year,
        start_date=start,
        status=Cohort.Status.PLANNED,
        applications_open_on=demo.today - 30 * DAY,
        applications_close_on=demo.today + 21 * DAY,
        by=demo.by,
    )
    demo.count("cohorts", 1)
    return cohort


def applicants_of(blkk: Blkk) -> list[Trainee]:
    """Graduates of the BLKK who founded no venture of the first cohorts, in NIK
    order (the founders of a venture accepted from this intake stay, so a second
    run finds the same people)."""
    first_cohorts_ventures = Venture.objects.filter(application__isnull=True)
    return list(
        Trainee.objects.filter(
            blkk=blkk, enrollments__status=Enrollment.Status.COMPLETED
        )
        .exclude(ventures__in=first_cohorts_ventures)
        .distinct()
        .order_by("nik")[: APPLICATIONS_PER_COHORT * 2]
    )


def seed_applications(demo: IntakeDemo, cohort: Cohort, mentor: User | None) -> None:
    people = applicants_of(cohort.blkk)
    manager = cohort.blkk.managers.order_by("pk").first()
    # A BLKK without a manager of its own is reviewed by ministry staff.
    reviewers = [user for user in (manager or demo.by, mentor) if user]
    for number, idea in enumerate(IDEAS):
        if 2 * number >= len(people):
            break
        applicant = people[2 * number]
        # Every other application has a co-applicant.
        co_applicants = people[2 * number + 1 : 2 * number + 2] if number % 2 else []
        application = ensure_application(
            demo, cohort, applicant, co_applicants, idea, manager
        )
        for reviewer in reviewers:
            ensure_review(demo, application, reviewer, number)
        if number < len(DECISIONS):
            ensure_decision(demo, application, DECISIONS[number], manager)


def ensure_application(
    demo: IntakeDemo,
    cohort: Cohort,
    applicant: Trainee,
    co_applicants: list[Trainee],
    idea: tuple[str, str, str],
    manager: User | None,
) -> CohortApplication:
    application = CohortApplication.objects.filter(
        cohort=cohort, applicant=applicant
    ).first()
    if application is not None:
        return application
    rng = rng_for("application", cohort.pk, applicant.nik)
    name, sector, text = idea
    application = services.application_create(
        cohort=cohort,
        applicant=applicant,
        co_applicants=co_applicants,
        business_name=f"{name} {applicant.full_name.split()[0]}",
        sector=sector,
        idea=text,
        received_on=demo.today - rng.randint(3, 25) * DAY,
        by=manager or demo.by,
    )
    demo.count("cohort applications", 1)
    return application


def ensure_review(
    demo: IntakeDemo, application: CohortApplication, reviewer: User, number: int
) -> None:
    if ApplicationReview.objects.filter(
        application=application, reviewer=reviewer
    ).exists():
        return
    rng = rng_for("review", application.pk, reviewer.pk)
    # The first application is the strongest, so the ranking has a clear top.
    floor = 4 if number == 0 else 2
    services.review_create(
        application=application,
        reviewer=reviewer,
        market=rng.randint(floor, 5),
        team=rng.randint(floor, 5),
        feasibility=rng.randint(floor, 5),
        job_potential=rng.randint(floor - 1, 5),
        comment=rng.choice(
            [
                "Pasar lokal jelas; perlu pencatatan keuangan sederhana.",
                "Tim solid, rencana pemasaran daring masih umum.",
                "Bahan baku mudah didapat; hitung ulang harga jual.",
            ]
        ),
        by=reviewer,
    )
    demo.count("application reviews", 1)


def ensure_decision(
    demo: IntakeDemo,
    application: CohortApplication,
    decision: str,
    manager: User | None,
) -> None:
    if application.status == decision or application.status not in (
        CohortApplication.Status.SUBMITTED,
        CohortApplication.Status.SHORTLISTED,
    ):
        return
    services.application_decide(
        application=application,
        decision=decision,
        note="Keputusan rapat seleksi kohort.",
        on=demo.today - 1 * DAY,
        by=manager or demo.by,
    )
    demo.count("application decisions", 1)


# --- assistance (bantuan wirausaha) ------------------------------------------------


def seed_assistance(demo: IntakeDemo, blkk: Blkk, index: int) -> None:
    """Assistance to the BLKK in every status, and to an incubator's first venture."""
    last_year = demo.today.year - 1
    ensure_assistance(
        demo,
        blkk=blkk,
        year=last_year,
        kind="equipment",
        description="Mesin jahit high speed 5 unit",
        value=62_500_000,
        proposed_days_ago=400,
        moves=[("approved", 380), ("delivered", 350), ("in_use", 340)],
        checked_days_ago=40,
        condition="good" if index % 4 else "damaged",
    )
    ensure_assistance(
        demo,
        blkk=blkk,
        year=demo.today.year,
        kind="training_package",
        description="Paket pelatihan kewirausahaan 20 peserta",
        value=45_000_000,
        proposed_days_ago=120,
        moves=[("approved", 100), ("delivered", 60), ("in_use", 50)],
        checked_days_ago=10,
        condition="good",
    )
    ensure_assistance(
        demo,
        blkk=blkk,
        year=demo.today.year,
        kind="operational",
        description="Biaya operasional inkubator tahun berjalan",
        value=30_000_000,
        proposed_days_ago=20,
        moves=[],
    )
    if index % 2 == 0:
        # Delivered eight months ago and never checked since: flagged.
        ensure_assistance(
            demo,
            blkk=blkk,
            year=demo.today.year - (1 if demo.today.month <= 8 else 0),
            kind="equipment",
            description="Kompor dan oven roti 2 set",
            value=18_750_000,
            proposed_days_ago=300,
            moves=[("approved", 280), ("delivered", 245)],
        )
    if index % 5 == 3:
        ensure_assistance(
            demo,
            blkk=blkk,
            year=demo.today.year,
            kind="equipment",
            description="Genset 10 kVA (dibatalkan: listrik PLN sudah masuk)",
            value=35_000_000,
            proposed_days_ago=90,
            moves=[("cancelled", 75)],
        )
    venture = (
        Venture.objects.filter(cohort__blkk=blkk, stage="incubation")
        .order_by("pk")
        .first()
    )
    if venture is not None:
        ensure_assistance(
            demo,
            venture=venture,
            year=demo.today.year,
            kind="working_capital",
            description=f"Modal kerja {venture.name}",
            value=15_000_000,
            proposed_days_ago=45,
            moves=[("approved", 15)],
        )


def ensure_assistance(
    demo: IntakeDemo,
    *,
    blkk: Blkk | None = None,
    venture: Venture | None = None,
    year: int,
    kind: str,
    description: str,
    value: int,
    proposed_days_ago: int,
    moves: list[tuple[str, int]],
    checked_days_ago: int | None = None,
    condition: str = "",
) -> None:
    if Assistance.objects.filter(
        blkk=blkk, venture=venture, description=description
    ).exists():
        return
    assistance = services.assistance_create(
        blkk=blkk,
        venture=venture,
        year=year,
        kind=kind,
        description=description,
        value=value,
        proposed_on=demo.today - proposed_days_ago * DAY,
        by=demo.by,
    )
    recipient = blkk or venture.cohort.blkk  # type: ignore[union-attr]
    manager = recipient.managers.order_by("pk").first()
    for to_status, days_ago in moves:
        by = demo.by if to_status in ("approved", "cancelled") else manager or demo.by
        services.assistance_move(
            assistance=assistance,
            to_status=to_status,
            on=demo.today - days_ago * DAY,
            handover_number=(
                f"BAST/{recipient.code}/{assistance.pk:05d}"
                if to_status == "delivered"
                else ""
            ),
            note="",
            by=by,
        )
        assistance.refresh_from_db()
    if checked_days_ago is not None:
        services.assistance_record_check(
            assistance=assistance,
            checked_on=demo.today - checked_days_ago * DAY,
            condition=condition,
            by=manager or demo.by,
        )
    demo.count("assistance", 1)
