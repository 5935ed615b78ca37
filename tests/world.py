"""Two BLKKs in two provinces, each with one of every record, around the personas.

The personas are the suite's own (`tests/personas.py`): Alice (`manager_a`) manages
BLKK A in Jawa Barat, Bob (`manager_b`) BLKK B in Jawa Timur; Dewi (`province_32`)
works at the Jawa Barat labour office; Maya (`mentor_a`) mentors a venture of A and
Omar (`mentor_b`) one of B. Used by the scoping matrix and the admin tests, which
check every model against every role.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from blkk_portal.accounts.models import User
from incubator import services as incubator_services
from incubator.models import (
    ApplicationReview,
    Cohort,
    CohortApplication,
    Milestone,
    VentureMetric,
)
from mentoring import services as mentoring_services
from mentoring.models import MentoringSession
from mentoring.services import user_create
from reports.models import ProgressReport
from tests.personas import PASSWORD, make_persona
from tests.reference import ensure_reference_data
from training import services as training_services
from training.models import (
    Blkk,
    Certification,
    GradeAssessment,
    GraduateOutcome,
    Instructor,
    InstructorQualification,
    Partner,
    Partnership,
    PartnershipPurpose,
    Placement,
    Regency,
    Trainee,
    TrainingBatch,
    VocationalField,
)

DAY = datetime.date(2026, 3, 2)


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)
    # model -> {"a": object of BLKK A, "b": object of BLKK B}
    objects: dict[type, dict[str, object]] = field(default_factory=dict)

    def add(self, side: str, obj) -> None:
        self.objects.setdefault(type(obj), {})[side] = obj


def _nik(province: str, serial: int, birth: datetime.date, female: bool) -> str:
    day = birth.day + (40 if female else 0)
    return f"{province}0101{day:02d}{birth:%m%y}{serial:04d}"


def _side(world: World, side: str, province: str, regency: str, manager: str) -> None:
    trade = VocationalField.objects.get(code="menjahit")
    blkk = Blkk.objects.create(
        code=f"BLKK-{regency}-00{1 if side == 'a' else 2}",
        name=f"BLKK {side.upper()}",
        host_institution=f"Pondok Pesantren {side.upper()}",
        institution_type="pesantren",
        regency_id=regency,
    )
    blkk.vocational_fields.add(trade)
    world.add(side, blkk)
    # The BLKK had another manager before, who handed it over to this one.
    former = user_create(
        username=f"former_{manager}",
        password=PASSWORD,
        role="blkk_manager",
        full_name=f"Former manager of {side.upper()}",
        blkks=[blkk],
    )
    world.users[manager] = make_persona(manager, blkk=blkk)
    world.add(
        side,
        training_services.blkk_hand_over(
            blkk=blkk,
            from_user=former,
            to_user=world.users[manager],
            handed_over_on=DAY,
            by=None,
        ),
    )
    batch = TrainingBatch.objects.create(
        blkk=blkk,
        vocational_field=trade,
        name="Angkatan 1",
        start_date=DAY,
        end_date=DAY + datetime.timedelta(days=30),
    )
    world.add(side, batch)
    birth = datetime.date(1995, 4, 7)
    trainee = training_services.trainee_register(
        nik=_nik(province, 1, birth, female=True),
        full_name=f"Peserta {side.upper()}",
        gender="F",
        birth_date=birth,
        regency=Regency.objects.get(pk=regency),
        education="sma",
        prior_status="unemployed",
        blkk=blkk,
        registered_on=DAY,
        by=None,
    )
    world.add(side, trainee)
    completed = DAY + datetime.timedelta(days=30)
    world.add(
        side,
        training_services.enrollment_create(
            trainee=trainee,
            batch=batch,
            status="completed",
            completed_on=completed,
            by=None,
        ),
    )
    world.add(
        side,
        Certification.objects.create(
            trainee=trainee,
            scheme="Penjahit Pakaian",
            lsp_name="LSP BLKK",
            issued_on=completed,
            result="competent",
            recorded_by_blkk=blkk,
        ),
    )
    world.add(
        side,
        GraduateOutcome.objects.create(
            trainee=trainee,
            surveyed_on=completed,
            status="self_employed",
            recorded_by_blkk=blkk,
        ),
    )
    cohort = Cohort.objects.create(
        blkk=blkk, name="Kohort 2026", year=2026, start_date=completed
    )
    world.add(side, cohort)
    venture = incubator_services.venture_create(
        cohort=cohort,
        name=f"Konveksi {side.upper()}",
        sector="garmen",
        founders=[trainee],
        started_on=completed,
        by=None,
    )
    world.add(side, venture)
    world.add(side, venture.stage_changes.get())
    world.add(side, Milestone.objects.create(venture=venture, title="Mengurus NIB"))
    world.add(
        side,
        VentureMetric.objects.create(
            venture=venture,
            period=datetime.date(2026, 4, 1),
            revenue=2_500_000,
            workers=2,
        ),
    )
    world.add(
        side,
        ProgressReport.objects.create(
            scope="blkk",
            scope_code=blkk.code,
            period=datetime.date(2026, 4, 1),
            generated_at=datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC),
        ),
    )
    _programme_records(world, side, blkk, trainee, trade, regency, completed)
    mentor_user = make_persona(f"mentor_{side}")
    world.users[f"mentor_{side}"] = mentor_user
    world.add(side, mentor_user.mentor_profile)
    assignment = mentoring_services.assignment_create(
        mentor=mentor_user.mentor_profile,
        venture=venture,
        start_date=completed,
        status="active",
        by=None,
    )
    world.add(side, assignment)
    world.add(
        side,
        MentoringSession.objects.create(
            assignment=assignment,
            held_on=completed,
            duration_minutes=90,
            mode="in_person",
            topics="Pembukuan sederhana",
        ),
    )
    _assistance(world, side, blkk, venture, completed)


def _programme_records(world, side, blkk, trainee, trade, regency, completed):
    """One of each programme record of the BLKK (DESIGN.md, "Programme records")."""
    instructor = Instructor.objects.create(
        blkk=blkk,
        full_name=f"Instruktur {side.upper()}",
        gender="M",
        employment="contract",
    )
    instructor.vocational_fields.add(trade)
    world.add(side, instructor)
    world.add(
        side,
        InstructorQualification.objects.create(
            instructor=instructor,
            kind="competency",
            title="Penjahit Pakaian",
            issuer="BNSP",
            number=f"BNSP-{side.upper()}-1",
            issued_on=DAY,
        ),
    )
    # Partners are shared reference data: both sides see both.
    partner = Partner.objects.create(
        name=f"PT Garmen {side.upper()}", kind="industry", regency_id=regency
    )
    world.add(side, partner)
    partnership = Partnership.objects.create(
        partner=partner, blkk=blkk, agreement_number=f"PKS-{side}", start_date=DAY
    )
    partnership.purposes.add(PartnershipPurpose.objects.get(code="placement"))
    world.add(side, partnership)
    world.add(
        side,
        Placement.objects.create(
            trainee=trainee,
            partner=partner,
            partnership=partnership,
            kind="employment",
            position="Operator jahit",
            start_date=completed,
            status="active",
            recorded_by_blkk=blkk,
        ),
    )
    world.add(
        side,
        GradeAssessment.objects.create(
            blkk=blkk, assessed_on=DAY, grade="tumbuh", has_competent_managers=True
        ),
    )


# --- assistance (bantuan wirausaha) ---------------------------------------------------


def _assistance(world, side, blkk, venture, completed):
    """One delivered assistance per side, moved through the services (its status
    history: proposed, approved, delivered): A's to its venture, B's to the BLKK
    itself, so that both ways an assistance counts at a BLKK are in the matrix. The
    world keeps the first entry of its history (the proposal)."""
    assistance = incubator_services.assistance_create(
        blkk=blkk if side == "b" else None,
        venture=venture if side == "a" else None,
        year=completed.year,
        kind="equipment",
        description=f"Mesin jahit untuk {side.upper()}",
        value=25_000_000,
        proposed_on=completed,
        by=None,
    )
    for to_status, days in (("approved", 7), ("delivered", 14)):
        incubator_services.assistance_move(
            assistance=assistance,
            to_status=to_status,
            on=completed + datetime.timedelta(days=days),
            handover_number=f"BAST/{side.upper()}/1"
            if to_status == "delivered"
            else "",
            by=None,
        )
    assistance.refresh_from_db()
    world.add(side, assistance)
    world.add(side, assistance.status_changes.order_by("on", "pk").first())


def build_world() -> World:
    ensure_reference_data()
    world = World()
    _side(world, "a", province="32", regency="32.73", manager="manager_a")
    _side(world, "b", province="35", regency="35.78", manager="manager_b")
    for side in ("a", "b"):
        _intake_records(world, side)
    world.users["ministry"] = make_persona("ministry")
    world.users["province_32"] = make_persona("province_32")
    return world


# --- intake (issue #13) ---------------------------------------------------------------


def _intake_records(world: World, side: str) -> None:
    """An application to the side's cohort by the side's trainee, reviewed by the
    side's manager (a mentor reads only their own reviews: none of these)."""
    application = CohortApplication.objects.create(
        cohort=world.objects[Cohort][side],
        applicant=world.objects[Trainee][side],
        business_name=f"Warung Kopi {side.upper()}",
        sector="kuliner",
        idea="Kopi bubuk dari petani setempat.",
        received_on=DAY,
    )
    world.add(side, application)
    world.add(
        side,
        ApplicationReview.objects.create(
            application=application,
            reviewer=world.users[f"manager_{side}"],
            market=4,
            team=3,
            feasibility=4,
            job_potential=3,
        ),
    )
