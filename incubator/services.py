"""Every write of the incubator app: ventures and their stage history."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from training.models import Trainee

from .models import Stage, StageChange, Venture, stage_move_allowed


def venture_record_initial_stage(*, venture: Venture, by) -> StageChange:
    """The first history entry: from nothing to the venture's stage, on `started_on`."""
    return StageChange.objects.create(
        venture=venture,
        from_stage="",
        to_stage=venture.stage,
        changed_on=venture.started_on,
        changed_by=by,
    )


@transaction.atomic
def venture_create(*, venture: Venture, founders: list[Trainee], by) -> Venture:
    """Store a venture with its founders and its first stage change, all or nothing."""
    if not founders:
        raise ValidationError({"founders": _("A venture needs at least one founder.")})
    venture.full_clean(exclude=["founders"])
    venture.save()
    venture.founders.set(founders)
    venture_record_initial_stage(venture=venture, by=by)
    return venture


@transaction.atomic
def venture_change_stage(
    *,
    venture: Venture,
    to_stage: str,
    changed_on: datetime.date,
    note: str = "",
    by,
) -> StageChange:
    """Move a venture to `to_stage` if the stage rules allow it, and record the move.

    Rules (DESIGN.md): forward only (skips allowed), any non-final stage may drop,
    graduated and dropped are final; the date is neither in the future nor before
    the previous change. The venture row is locked so two moves cannot interleave.
    """
    venture = Venture.objects.select_for_update().get(pk=venture.pk)
    if not stage_move_allowed(venture.stage, to_stage):
        message = _("A venture cannot move from %(from)s to %(to)s.") % {
            "from": venture.get_stage_display(),
            "to": dict(Stage.choices).get(to_stage, to_stage),
        }
        raise ValidationError(
            {"to_stage": ValidationError(message, code="stage_move_forbidden")}
        )
    if changed_on > timezone.localdate():
        raise ValidationError({"changed_on": _("This date cannot be in the future.")})
    last = venture.stage_changes.order_by("-changed_on", "-pk").first()
    if last and changed_on < last.changed_on:
        raise ValidationError(
            {
                "changed_on": _(
                    "The date cannot be before the previous change (%(d)s)."
                )
                % {"d": last.changed_on.isoformat()}
            }
        )
    change = StageChange.objects.create(
        venture=venture,
        from_stage=venture.stage,
        to_stage=to_stage,
        changed_on=changed_on,
        changed_by=by,
        note=note,
    )
    venture.stage = to_stage
    venture.save(update_fields=["stage"])
    return change
