"""The incubation records of the personas' two BLKKs, for the portal page tests.

Alice (`manager_a`) manages BLKK A in Jawa Barat, Bob (`manager_b`) BLKK B in Jawa
Timur; each BLKK has a cohort and a venture founded by one of its own trainees.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from tests.incubator.factories import CohortFactory, VentureFactory
from tests.training.factories import TraineeFactory, regency

COHORT_START = datetime.date(2026, 1, 5)
VENTURE_START = datetime.date(2026, 1, 12)


def page(name: str, blkk, *args) -> str:
    """The path of the incubator page `name` of `blkk`."""
    return reverse(name, args=[blkk.code, *args])


@pytest.fixture
def cohort_a(blkk_a):
    return CohortFactory(
        blkk=blkk_a, name="Kohort Inkubasi 2026", year=2026, start_date=COHORT_START
    )


@pytest.fixture
def cohort_b(blkk_b):
    return CohortFactory(
        blkk=blkk_b, name="Kohort Surabaya 2026", year=2026, start_date=COHORT_START
    )


@pytest.fixture
def founder_a(blkk_a):
    return TraineeFactory(
        blkk=blkk_a, full_name="Ayu Lestari", birth_date=datetime.date(2001, 3, 2)
    )


@pytest.fixture
def founder_b(blkk_b):
    return TraineeFactory(
        blkk=blkk_b, regency=regency("35.78"), full_name="Budi Santoso"
    )


@pytest.fixture
def venture_a(cohort_a, founder_a):
    return VentureFactory(
        cohort=cohort_a,
        founders=[founder_a],
        name="Konveksi Ayu",
        started_on=VENTURE_START,
    )


@pytest.fixture
def venture_b(cohort_b, founder_b):
    return VentureFactory(
        cohort=cohort_b,
        founders=[founder_b],
        name="Keripik Budi",
        started_on=VENTURE_START,
    )
