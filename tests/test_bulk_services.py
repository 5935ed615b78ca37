"""Bulk loads (the demo data) go through services with the same rules as one row."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from incubator import services as incubator_services
from incubator.models import VentureMetric
from mentoring import services as mentoring_services
from mentoring.models import MentoringSession
from tests.incubator.factories import VentureFactory
from tests.mentoring.factories import MentorAssignmentFactory

pytestmark = pytest.mark.django_db


def this_month() -> datetime.date:
    return timezone.localdate().replace(day=1)


def test_metrics_are_stored_in_bulk_with_their_history(ministry_user):
    venture = VentureFactory()
    months = [this_month(), (this_month() - datetime.timedelta(days=1)).replace(day=1)]

    incubator_services.metrics_bulk_create(
        metrics=[VentureMetric(venture=venture, period=m, revenue=1) for m in months],
        by=ministry_user,
    )

    assert VentureMetric.objects.filter(venture=venture).count() == 2
    assert VentureMetric.history.filter(venture_id=venture.pk).count() == 2


def test_a_bulk_load_with_a_month_not_begun_stores_nothing(ministry_user):
    venture = VentureFactory()
    next_month = (this_month() + datetime.timedelta(days=32)).replace(day=1)
    rows = [
        VentureMetric(venture=venture, period=this_month(), revenue=1),
        VentureMetric(venture=venture, period=next_month, revenue=1),
    ]

    with pytest.raises(ValidationError) as refused:
        incubator_services.metrics_bulk_create(metrics=rows, by=ministry_user)

    assert refused.value.error_dict["period"][0].code == "future_month"
    assert not VentureMetric.objects.filter(venture=venture).exists()


def test_sessions_in_bulk_follow_the_session_rules(mentor_b):
    # Someone else's assignment: a mentor cannot load sessions into it.
    assignment = MentorAssignmentFactory()
    session = MentoringSession(
        assignment=assignment,
        held_on=assignment.start_date,
        duration_minutes=60,
        mode="in_person",
        topics="Pembukuan",
    )

    with pytest.raises(PermissionDenied):
        mentoring_services.sessions_bulk_create(sessions=[session], by=mentor_b)

    assert not MentoringSession.objects.filter(assignment=assignment).exists()


def test_sessions_in_bulk_keep_their_recorder(ministry_user, mentor_a):
    assignment = MentorAssignmentFactory()
    sessions = [
        MentoringSession(
            assignment=assignment,
            held_on=assignment.start_date,
            duration_minutes=minutes,
            mode="phone",
            topics="Pemasaran",
            recorded_by=recorder,
        )
        for minutes, recorder in ((30, mentor_a), (45, None))
    ]

    mentoring_services.sessions_bulk_create(sessions=sessions, by=ministry_user)

    recorders = set(
        MentoringSession.objects.filter(assignment=assignment).values_list(
            "recorded_by", flat=True
        )
    )
    assert recorders == {mentor_a.pk, ministry_user.pk}
