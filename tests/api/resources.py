"""Every resource of the contract: its path and the model behind it."""

from __future__ import annotations

from incubator.models import Cohort, Milestone, Venture, VentureMetric
from mentoring.models import Mentor, MentorAssignment, MentoringSession
from training.models import (
    Blkk,
    Certification,
    Enrollment,
    GraduateOutcome,
    Trainee,
    TrainingBatch,
)

SCOPED_RESOURCES = {
    "blkks": Blkk,
    "training-batches": TrainingBatch,
    "trainees": Trainee,
    "enrollments": Enrollment,
    "certifications": Certification,
    "graduate-outcomes": GraduateOutcome,
    "cohorts": Cohort,
    "ventures": Venture,
    "milestones": Milestone,
    "venture-metrics": VentureMetric,
    "mentors": Mentor,
    "mentor-assignments": MentorAssignment,
    "mentoring-sessions": MentoringSession,
}

MANAGER_WRITES = {
    "blkks",  # contact details only
    "training-batches",
    "trainees",
    "enrollments",
    "certifications",
    "graduate-outcomes",
    "cohorts",
    "ventures",
    "milestones",
    "venture-metrics",
}
MENTOR_WRITES = {"venture-metrics", "mentoring-sessions"}
# Change permissions by persona, on their own side's objects (DESIGN.md roles table).
WRITES = {
    "ministry": set(SCOPED_RESOURCES),
    "province_32": set(),
    "manager_a": MANAGER_WRITES,
    "mentor_a": MENTOR_WRITES,
}


def url(resource: str, pk=None) -> str:
    base = f"/api/v1/{resource}/"
    return base if pk is None else f"{base}{pk}/"
