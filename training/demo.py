"""The programme records of the demo (`manage.py seed_demo`): instructors and their
qualifications, partners and partnerships, placements and grade assessments.

Like the rest of the demo, every record has a natural key and is created only when
it is missing, with values drawn from a generator seeded by that key, through the
services; so a second run adds nothing. The records tell a story a ministry viewer
can follow on the dashboards:

- the ministry's national partnerships with IPB and UIN Sunan Ampel (assessment and
  research) and an employers' association (apprenticeships and placements), one of
  them ending within 60 days;
- each BLKK's agreement with a local company, some ending within 60 days and some
  ended, and the incubators' agreements with their regency's government;
- an instructor per trade, certified, except where a certificate has lapsed (so
  some trades have no certified instructor today), and a volunteer trained as a
  trainer;
- graduates placed with the local company, some of whom left early, a few working
  abroad through the national agreement, and apprentices starting during the
  running batch;
- each BLKK assessed last year at its registered grade, and a third of them
  assessed again this year, moving up (tumbuh to berkembang, berkembang to
  mandiri).
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import services
from .models import (
    ROADMAP_CRITERIA,
    Blkk,
    Enrollment,
    GradeAssessment,
    Instructor,
    InstructorQualification,
    Partner,
    Partnership,
    PartnershipPurpose,
    Placement,
    Regency,
    Trainee,
)

if TYPE_CHECKING:
    from blkk_portal.accounts.models import User

DAY = datetime.timedelta(days=1)
# Agreements "ending soon" end within the 60 days the dashboards look ahead.
ENDING_SOON_DAYS = 35
NATIONAL_PARTNERS = [
    # (name, kind, regency, purposes, started days ago, ends in days or None)
    (
        "IPB University",
        "university",
        "32.71",
        ("assessment_research", "mentoring"),
        700,
        None,
    ),
    (
        "UIN Sunan Ampel Surabaya",
        "university",
        "35.78",
        ("assessment_research", "training"),
        680,
        ENDING_SOON_DAYS,
    ),
    (
        "Asosiasi Pengusaha Indonesia",
        "association",
        None,
        ("apprenticeship", "placement"),
        500,
        600,
    ),
]
COMPANY_KINDS = ["PT Garmen", "CV Karya", "PT Sinar Boga", "PT Teknik"]
GRADE_ORDER = [Blkk.Grade.TUMBUH, Blkk.Grade.BERKEMBANG, Blkk.Grade.MANDIRI]
# What an assessor typically finds at each grade (the roadmap's criteria met).
CRITERIA_AT_GRADE = {
    Blkk.Grade.TUMBUH: {"has_competent_managers", "tracks_alumni"},
    Blkk.Grade.BERKEMBANG: {
        "has_competent_managers",
        "has_certified_instructors",
        "tracks_alumni",
        "has_partnerships",
    },
    Blkk.Grade.MANDIRI: set(ROADMAP_CRITERIA) - {"is_licensed"},
}


def rng_for(*key: object) -> random.Random:
    """A generator seeded by a record's natural key, so values repeat run after run
    (every part of the demo draws from it)."""
    return random.Random("/".join(str(part) for part in key))


@dataclass
class ProgrammeDemo:
    today: datetime.date
    by: User | None
    count: Callable[[str, int], None]
    national: dict[str, Partnership] = field(default_factory=dict)


def seed_programme(
    blkks: list[Blkk],
    *,
    today: datetime.date,
    by: User | None,
    count: Callable[[str, int], None],
) -> None:
    """The programme records of `blkks`, in the demo's story."""
    demo = ProgrammeDemo(today=today, by=by, count=count)
    for name, kind, regency, purposes, started, ends in NATIONAL_PARTNERS:
        partner = ensure_partner(demo, name, kind, regency)
        demo.national[name] = ensure_partnership(
            demo, partner, None, purposes, started_days_ago=started, ends_in=ends
        )
    for index, blkk in enumerate(blkks):
        company = seed_partnerships(demo, blkk, index)
        seed_instructors(demo, blkk, index)
        seed_placements(demo, blkk, index, company)
        seed_assessments(demo, blkk, index)


# --- partners and partnerships ----------------------------------------------------


def ensure_partner(
    demo: ProgrammeDemo, name: str, kind: str, regency_code: str | None
) -> Partner:
    partner = Partner.objects.filter(name=name).first()
    if partner is not None:
        return partner
    slug = "".join(part[0] for part in name.lower().split() if part[0].isalpha())
    partner = services.partner_create(
        name=name,
        kind=kind,
        regency=Regency.objects.get(pk=regency_code) if regency_code else None,
        contact_name="Bagian Kerja Sama",
        phone=f"021{rng_for('partner', name).randint(5_000_000, 5_999_999)}",
        email=f"kerjasama@{slug}.example.id",
        by=demo.by,
    )
    demo.count("partners", 1)
    return partner


def ensure_partnership(
    demo: ProgrammeDemo,
    partner: Partner,
    blkk: Blkk | None,
    purposes: tuple[str, ...],
    *,
    started_days_ago: int,
    ends_in: int | None,
) -> Partnership:
    """An agreement started `started_days_ago` and ending `ends_in` days from today
    (negative: ended; None: open-ended)."""
    where = blkk.code if blkk else "NASIONAL"
    number = f"PKS/{where}/{partner.pk:04d}"
    partnership = Partnership.objects.filter(agreement_number=number).first()
    if partnership is not None:
        return partnership
    start = demo.today - started_days_ago * DAY
    partnership = services.partnership_create(
        partner=partner,
        blkk=blkk,
        purposes=PartnershipPurpose.objects.filter(code__in=purposes),
        agreement_number=number,
        signed_on=start - 14 * DAY,
        start_date=start,
        end_date=None if ends_in is None else demo.today + ends_in * DAY,
        by=demo.by,
    )
    demo.count("partnerships", 1)
    return partnership


def seed_partnerships(demo: ProgrammeDemo, blkk: Blkk, index: int) -> Partnership:
    """The BLKK's agreement with a local company (every fifth ends soon, every fifth
    has ended), and an incubator's with its regency's government."""
    rng = rng_for("company", blkk.code)
    town = blkk.regency.name.title()
    company = ensure_partner(
        demo, f"{rng.choice(COMPANY_KINDS)} {town} {index + 1}", "industry", None
    )
    ends_in = {1: ENDING_SOON_DAYS + index % 20, 2: -60}.get(index % 5, 730)
    local = ensure_partnership(
        demo,
        company,
        blkk,
        ("training", "apprenticeship", "placement"),
        started_days_ago=420,
        ends_in=ends_in,
    )
    if blkk.is_incubator:
        government = ensure_partner(
            demo, f"Pemerintah {town}", "local_government", blkk.regency_id
        )
        ensure_partnership(
            demo,
            government,
            blkk,
            ("funding", "market_access"),
            started_days_ago=300,
            ends_in=None,
        )
    return local


# --- instructors ----------------------------------------------------------------


def seed_instructors(demo: ProgrammeDemo, blkk: Blkk, index: int) -> None:
    """An instructor per trade with a competency certificate (lapsed at every
    fourth BLKK's second trade) and a volunteer trained as a trainer."""
    trades = list(blkk.vocational_fields.order_by("code"))
    for number, trade in enumerate(trades):
        instructor = ensure_instructor(demo, blkk, number, [trade], "contract")
        lapsed = number == 1 and index % 4 == 0
        issued = demo.today - (1400 if lapsed else 300 + 20 * number) * DAY
        ensure_qualification(
            demo,
            instructor,
            kind="competency",
            title=f"Instruktur {trade.name}",
            issuer="BNSP",
            issued_on=issued,
            valid_until=issued + 3 * 365 * DAY,
        )
    volunteer = ensure_instructor(demo, blkk, len(trades), trades[:1], "volunteer")
    ensure_qualification(
        demo,
        volunteer,
        kind="tot",
        title="Training of Trainers",
        issuer="BBPLK Bekasi",
        issued_on=demo.today - 200 * DAY,
        valid_until=None,
    )


def ensure_instructor(demo, blkk, number, trades, employment) -> Instructor:
    rng = rng_for("instructor", blkk.code, number)
    female = rng.random() < 0.5
    given = rng.choice(["Siti", "Dewi", "Ratna"] if female else ["Agus", "Budi", "Eko"])
    full_name = f"{given} {rng.choice(['Santoso', 'Wijaya', 'Hidayat', 'Lestari'])}"
    full_name = f"{full_name} {number + 1}"
    instructor = Instructor.objects.filter(blkk=blkk, full_name=full_name).first()
    if instructor is not None:
        return instructor
    instructor = services.instructor_create(
        blkk=blkk,
        full_name=full_name,
        gender="F" if female else "M",
        employment=employment,
        phone=f"08{rng.randint(10**9, 10**10 - 1)}",
        vocational_fields=trades,
        by=demo.by,
    )
    demo.count("instructors", 1)
    return instructor


def ensure_qualification(demo, instructor, **fields) -> None:
    number = f"{fields['issuer'][:4].upper()}/{instructor.pk:05d}/{fields['kind']}"
    if InstructorQualification.objects.filter(
        issuer=fields["issuer"], number=number
    ).exists():
        return
    services.qualification_create(
        instructor=instructor, number=number, by=demo.by, **fields
    )
    demo.count("instructor qualifications", 1)


# --- placements ---------------------------------------------------------------------


def seed_placements(
    demo: ProgrammeDemo, blkk: Blkk, index: int, partnership: Partnership
) -> None:
    """Every third graduate of the BLKK placed with its local company a month after
    completing (every third of those left early), every seventh working abroad
    through the national agreement, and two apprentices of the running batch."""
    completed = (
        Enrollment.objects.filter(
            batch__blkk=blkk,
            trainee__blkk=blkk,
            status=Enrollment.Status.COMPLETED,
        )
        .select_related("trainee")
        .order_by("trainee__nik", "pk")
    )
    abroad = demo.national["Asosiasi Pengusaha Indonesia"]
    for number, enrollment in enumerate(completed):
        start = enrollment.completed_on + 30 * DAY
        if number % 7 == 5:
            ensure_placement(demo, enrollment.trainee, abroad, "migrant_work", start)
        elif number % 3 == 0:
            ended_early = number % 9 == 0
            ensure_placement(
                demo,
                enrollment.trainee,
                partnership,
                "employment",
                start,
                ended_early=ended_early,
            )
    training = Enrollment.objects.filter(
        batch__blkk=blkk, status=Enrollment.Status.ACTIVE, trainee__blkk=blkk
    ).order_by("trainee__nik")[:2]
    for enrollment in training:
        # An apprenticeship that starts during training.
        start = max(enrollment.batch.start_date + 7 * DAY, demo.today - 5 * DAY)
        ensure_placement(demo, enrollment.trainee, partnership, "apprenticeship", start)


def ensure_placement(
    demo: ProgrammeDemo,
    trainee: Trainee,
    partnership: Partnership,
    kind: str,
    start: datetime.date,
    *,
    ended_early: bool = False,
) -> None:
    if Placement.objects.filter(trainee=trainee, kind=kind).exists():
        return
    rng = rng_for("placement", trainee.nik, kind)
    end = None
    if start > demo.today:
        status = Placement.Status.PLANNED
    elif ended_early and start + 60 * DAY <= demo.today:
        status, end = Placement.Status.ENDED_EARLY, start + 60 * DAY
    else:
        status = Placement.Status.ACTIVE
    pay = {
        "apprenticeship": rng.randrange(1_000_000, 1_800_000, 50_000),
        "employment": rng.randrange(2_500_000, 4_500_000, 50_000),
        "migrant_work": rng.randrange(8_000_000, 15_000_000, 100_000),
    }[kind]
    position = {
        "apprenticeship": "Peserta magang",
        "employment": rng.choice(["Operator produksi", "Staf produksi", "Teknisi"]),
        "migrant_work": rng.choice(["Caregiver", "Operator pabrik", "Juru masak"]),
    }[kind]
    services.placement_create(
        trainee=trainee,
        partner=partnership.partner,
        partnership=partnership,
        kind=kind,
        position=position,
        start_date=start,
        end_date=end,
        monthly_pay=pay,
        status=status,
        by=demo.by,
    )
    demo.count("placements", 1)


# --- grade assessments -----------------------------------------------------------


def seed_assessments(demo: ProgrammeDemo, blkk: Blkk, index: int) -> None:
    """Assessed last year at the registered grade; a third of the BLKKs that can
    move up are assessed again this year, one grade higher."""
    registered = Blkk.Grade(blkk.registered_grade)
    ensure_assessment(demo, blkk, demo.today - 400 * DAY, registered)
    position = GRADE_ORDER.index(registered)
    if index % 3 == 0 and position + 1 < len(GRADE_ORDER):
        this_year = max(demo.today - 60 * DAY, datetime.date(demo.today.year, 1, 2))
        this_year = min(this_year, demo.today)
        ensure_assessment(demo, blkk, this_year, GRADE_ORDER[position + 1])


def ensure_assessment(
    demo: ProgrammeDemo, blkk: Blkk, assessed_on: datetime.date, grade: str
) -> None:
    if GradeAssessment.objects.filter(blkk=blkk, assessed_on=assessed_on).exists():
        return
    met = set(CRITERIA_AT_GRADE[Blkk.Grade(grade)])
    if blkk.lsp_status == Blkk.LspStatus.LICENSED:
        met.add("is_licensed")
    services.grade_assessment_record(
        blkk=blkk,
        assessed_on=assessed_on,
        grade=grade,
        note="Asesmen Peta Jalan Kemandirian BLKK",
        by=demo.by,
        **{name: name in met for name in ROADMAP_CRITERIA},
    )
    demo.count("grade assessments", 1)
