"""Fixtures of the training tests: the people of BLKKs A and B that the record
pages' tests (certifications, outcomes, follow-ups, placements) work on."""

from __future__ import annotations

import pytest

from tests.training.factories import (
    EnrollmentFactory,
    TraineeFactory,
    TrainingBatchFactory,
    regency,
)


@pytest.fixture
def graduate_a(blkk_a):
    """Registered and trained at BLKK A (completed on 5 March 2025)."""
    return TraineeFactory(blkk=blkk_a, graduate=True, full_name="Ayu Lestari")


@pytest.fixture
def graduate_b(blkk_b):
    return TraineeFactory(
        blkk=blkk_b, regency=regency("35.78"), graduate=True, full_name="Bima Sakti"
    )


@pytest.fixture
def shared(blkk_a, blkk_b):
    """Registered and trained at BLKK B, then enrolled at BLKK A too."""
    person = TraineeFactory(
        blkk=blkk_b, regency=regency("35.78"), graduate=True, full_name="Citra Dewi"
    )
    EnrollmentFactory(trainee=person, batch=TrainingBatchFactory(blkk=blkk_a))
    return person
