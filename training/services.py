"""Every write of the training app. Views, the admin and the API call these."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import ngettext

from .models import Enrollment, EnrollmentStatus, Trainee, TrainingBatch


@transaction.atomic
def trainee_register(*, trainee: Trainee) -> Trainee:
    """Validate and store a new person; their NIK must be new nationwide."""
    trainee.full_clean()
    trainee.save()
    return trainee


def enrollment_ensure_capacity(*, enrollment: Enrollment) -> None:
    """Raise if storing `enrollment` would put its batch over capacity.

    Locks the batch row until the surrounding transaction ends, so two managers
    enrolling the last place at once cannot both succeed (on PostgreSQL; SQLite
    serialises writers by itself). Must be called inside a transaction.
    """
    if enrollment.status == EnrollmentStatus.DROPPED:
        return
    batch = TrainingBatch.objects.select_for_update().get(pk=enrollment.batch_id)
    taken = (
        Enrollment.objects.filter(batch_id=batch.pk)
        .holding_a_place()
        .exclude(pk=enrollment.pk)
        .count()
    )
    if taken >= batch.capacity:
        message = ngettext(
            "This batch is full (%(capacity)s place).",
            "This batch is full (%(capacity)s places).",
            batch.capacity,
        ) % {"capacity": batch.capacity}
        raise ValidationError({"batch": ValidationError(message, code="batch_full")})


@transaction.atomic
def enrollment_save(*, enrollment: Enrollment) -> Enrollment:
    """Create or update an enrollment within the batch's capacity."""
    enrollment.full_clean()
    enrollment_ensure_capacity(enrollment=enrollment)
    enrollment.save()
    return enrollment
