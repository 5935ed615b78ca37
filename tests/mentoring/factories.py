"""Factories for the mentoring app."""

from __future__ import annotations

import datetime

import factory

from mentoring.models import Mentor, MentorAssignment, MentoringSession
from tests.incubator.factories import VentureFactory
from tests.training.factories import BlkkFactory


class MentorFactory(factory.django.DjangoModelFactory):
    full_name = factory.Faker("name", locale="id_ID")
    user = factory.SubFactory(
        "tests.accounts.factories.UserFactory",
        role="mentor",
        full_name=factory.SelfAttribute("..full_name"),
    )
    expertise = "Pemasaran digital, pembukuan UMKM"
    affiliation = Mentor.Affiliation.BLK
    home_blkk = None
    max_active_assignments = 5

    class Meta:
        model = Mentor


class MentorAssignmentFactory(factory.django.DjangoModelFactory):
    """An active, open-ended assignment to one venture."""

    mentor = factory.SubFactory(MentorFactory)
    venture = factory.SubFactory(VentureFactory)
    blkk = None
    start_date = datetime.date(2025, 5, 1)
    end_date = None
    status = MentorAssignment.Status.ACTIVE

    class Meta:
        model = MentorAssignment

    class Params:
        # The whole BLKK instead of one venture.
        whole_blkk = factory.Trait(venture=None, blkk=factory.SubFactory(BlkkFactory))


class MentoringSessionFactory(factory.django.DjangoModelFactory):
    assignment = factory.SubFactory(MentorAssignmentFactory)
    held_on = factory.LazyAttribute(
        lambda o: o.assignment.start_date + datetime.timedelta(days=7)
    )
    duration_minutes = 90
    mode = MentoringSession.Mode.IN_PERSON
    topics = "Pembukuan sederhana dan harga pokok produksi"
    notes = ""
    action_items = "Mencatat penjualan harian"
    mentee_rating = 5
    recorded_by = factory.SelfAttribute("assignment.mentor.user")

    class Meta:
        model = MentoringSession
