"""Intake's services: applications to a cohort, their reviews and the decision
(DESIGN.md, "Programme records the seeds name"), each rule with the role that may
and the roles that may not."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from incubator import services
from incubator.applications import ranked, with_score_for
from incubator.models import (
    ApplicationReview,
    CohortApplication,
    CohortStatus,
    Stage,
    Venture,
)
from tests.incubator.factories import (
    ApplicationReviewFactory,
    CohortApplicationFactory,
    CohortFactory,
    OpenCohortFactory,
    VentureFactory,
)
from tests.mentoring.factories import MentorAssignmentFactory
from tests.training.factories import EnrollmentFactory, TraineeFactory, regency

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

TODAY = datetime.date(2026, 3, 10)
JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(
        datetime.datetime(2026, 3, 10, 9, 0, tzinfo=JAKARTA), tick=False
    ):
        yield


Status = CohortApplication.Status


@pytest.fixture
def cohort(blkk_a):
    return OpenCohortFactory(blkk=blkk_a, name="Kohort Inkubasi 2026", year=2026)


@pytest.fixture
def ayu(blkk_a):
    return TraineeFactory(blkk=blkk_a, full_name="Ayu Lestari")


@pytest.fixture
def sari(blkk_a):
    return TraineeFactory(blkk=blkk_a, full_name="Sari Wulandari")


@pytest.fixture
def outsider(blkk_b):
    """A person only BLKK B reaches."""
    return TraineeFactory(blkk=blkk_b, regency=regency("35.78"), full_name="Budi")


def apply(cohort, applicant, by, **fields):
    values = {
        "business_name": "Keripik Tempe Ayu",
        "sector": "kuliner",
        "idea": "Keripik tempe renyah untuk oleh-oleh.",
        **fields,
    }
    return services.application_create(
        cohort=cohort, applicant=applicant, by=by, **values
    )


def messages_of(error: pytest.ExceptionInfo[ValidationError], field: str) -> list[str]:
    return [str(m) for m in error.value.message_dict[field]]


@pytest.fixture
def mentor_here(mentor_a, blkk_a):
    """Maya mentors a venture of BLKK A with an assignment active today."""
    MentorAssignmentFactory(
        mentor=mentor_a.mentor_profile, venture=VentureFactory(cohort__blkk=blkk_a)
    )
    return mentor_a


def scores(**overrides):
    return {"market": 4, "team": 3, "feasibility": 5, "job_potential": 2, **overrides}


# --- recording an application ---------------------------------------------------------


def test_a_manager_records_an_application_with_its_team(cohort, ayu, sari, manager_a):
    application = apply(cohort, ayu, manager_a, co_applicants=[sari])

    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.received_on == TODAY
    assert application.recorded_by == manager_a
    assert list(application.co_applicants.all()) == [sari]
    assert application.history.exists()


def test_a_person_enrolled_here_may_apply_and_ministry_names_anyone(
    cohort, blkk_a, outsider, ministry_user, manager_a
):
    EnrollmentFactory(trainee=outsider, batch__blkk=blkk_a)
    assert apply(cohort, outsider, manager_a).applicant == outsider
    other = OpenCohortFactory(blkk=blkk_a)
    stranger = TraineeFactory(blkk=CohortFactory().blkk)
    assert apply(other, stranger, ministry_user).applicant == stranger


@pytest.mark.parametrize(
    ("window", "received_on", "field", "message"),
    [
        ({}, TODAY, "cohort", "This cohort does not take applications."),
        (
            {"status": CohortStatus.CLOSED},
            TODAY,
            "cohort",
            "This cohort does not take applications.",
        ),
        (
            {
                "applications_open_on": datetime.date(2026, 2, 1),
                "applications_close_on": datetime.date(2026, 2, 28),
            },
            TODAY,
            "received_on",
            "This cohort takes applications from 1 February 2026 through "
            "28 February 2026.",
        ),
        (
            {"applications_open_on": datetime.date(2026, 3, 11)},
            TODAY,
            "received_on",
            "This cohort takes applications from 11 March 2026.",
        ),
        (
            {"applications_open_on": datetime.date(2026, 1, 1)},
            TODAY + datetime.timedelta(days=1),
            "received_on",
            "This date cannot be in the future.",
        ),
    ],
)
def test_an_application_is_received_only_while_the_cohort_takes_them(
    blkk_a, ayu, manager_a, window, received_on, field, message
):
    cohort = CohortFactory(blkk=blkk_a, **window)

    with pytest.raises(ValidationError) as refused:
        apply(cohort, ayu, manager_a, received_on=received_on)

    assert messages_of(refused, field) == [message]
    assert not CohortApplication.objects.exists()


def test_the_close_date_itself_still_takes_applications(blkk_a, ayu, manager_a):
    cohort = CohortFactory(
        blkk=blkk_a,
        applications_open_on=datetime.date(2026, 2, 1),
        applications_close_on=datetime.date(2026, 2, 28),
    )
    late = apply(cohort, ayu, manager_a, received_on=datetime.date(2026, 2, 28))
    assert late.received_on == datetime.date(2026, 2, 28)


def test_people_out_of_reach_are_refused_like_any_other(
    cohort, ayu, outsider, manager_a
):
    with pytest.raises(ValidationError) as as_applicant:
        apply(cohort, outsider, manager_a)
    with pytest.raises(ValidationError) as as_co_applicant:
        apply(cohort, ayu, manager_a, co_applicants=[outsider])

    message = "Choose people registered or enrolled at a BLKK you manage."
    assert messages_of(as_applicant, "applicant") == [message]
    assert messages_of(as_co_applicant, "co_applicants") == [message]
    assert not CohortApplication.objects.exists()


def test_a_person_is_on_at_most_one_application_per_cohort(
    cohort, ayu, sari, blkk_a, manager_a
):
    apply(cohort, ayu, manager_a, co_applicants=[sari])
    third = TraineeFactory(blkk=blkk_a, full_name="Rina")

    with pytest.raises(ValidationError) as again:
        apply(cohort, ayu, manager_a, business_name="Lain")
    with pytest.raises(ValidationError) as as_applicant:
        apply(cohort, sari, manager_a, business_name="Lain")
    with pytest.raises(ValidationError) as as_co_applicant:
        apply(cohort, third, manager_a, co_applicants=[sari], business_name="Lain")

    assert messages_of(again, "applicant") == [
        "Ayu Lestari is already on another application to this cohort."
    ]
    assert messages_of(as_applicant, "applicant") == [
        "Sari Wulandari is already on another application to this cohort."
    ]
    assert messages_of(as_co_applicant, "co_applicants") == [
        "Sari Wulandari is already on another application to this cohort."
    ]
    # Another cohort is another matter.
    assert apply(OpenCohortFactory(blkk=blkk_a), ayu, manager_a)


def test_the_applicant_is_not_also_a_co_applicant(cohort, ayu, manager_a):
    with pytest.raises(ValidationError) as refused:
        apply(cohort, ayu, manager_a, co_applicants=[ayu])
    assert messages_of(refused, "co_applicants") == [
        "The applicant cannot also be a co-applicant."
    ]


@pytest.mark.parametrize("persona", ["province_user", "mentor_a"])
def test_only_managers_and_ministry_record_applications(request, cohort, ayu, persona):
    with pytest.raises(PermissionDenied):
        apply(cohort, ayu, request.getfixturevalue(persona))
    assert not CohortApplication.objects.exists()


def test_a_manager_records_nothing_for_another_blkks_cohort(
    blkk_b, outsider, manager_a
):
    with pytest.raises(ValidationError) as refused:
        apply(OpenCohortFactory(blkk=blkk_b), outsider, manager_a)
    assert messages_of(refused, "cohort") == ["Choose a cohort of a BLKK you manage."]


# --- changing and deleting it ---------------------------------------------------------


@pytest.fixture
def application(cohort, ayu, manager_a):
    return apply(cohort, ayu, manager_a, received_on=datetime.date(2026, 3, 2))


def test_an_open_application_is_changed_by_its_managers(application, sari, manager_a):
    changed = services.application_update(
        application=application,
        business_name="Keripik Tempe Sari",
        co_applicants=[sari],
        by=manager_a,
    )
    changed.refresh_from_db()
    assert changed.business_name == "Keripik Tempe Sari"
    assert list(changed.co_applicants.all()) == [sari]


@pytest.mark.parametrize(
    ("field", "value"),
    [("status", Status.ACCEPTED), ("decided_on", TODAY), ("venture", None)],
)
def test_status_decision_and_venture_never_change_through_an_update(
    application, manager_a, field, value
):
    if field == "venture":
        value = VentureFactory(cohort=application.cohort)
    with pytest.raises(ValidationError) as refused:
        services.application_update(
            application=application, by=manager_a, **{field: value}
        )
    assert messages_of(refused, field) == [str(services.APPLICATION_FIXED[field])]
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_a_decided_application_is_not_changed(application, manager_a):
    services.application_decide(
        application=application, decision=Status.REJECTED, by=manager_a
    )
    with pytest.raises(ValidationError) as refused:
        services.application_update(
            application=application, business_name="Lain", by=manager_a
        )
    assert refused.value.messages == [str(services.APPLICATION_CLOSED)]


def test_an_application_moves_only_to_a_cohort_the_manager_writes(
    application, blkk_b, manager_a, manager_b
):
    with pytest.raises(ValidationError) as refused:
        services.application_update(
            application=application,
            cohort=OpenCohortFactory(blkk=blkk_b),
            by=manager_a,
        )
    assert messages_of(refused, "cohort") == ["Choose a cohort of a BLKK you manage."]
    with pytest.raises(PermissionDenied):
        services.application_update(
            application=application, business_name="Lain", by=manager_b
        )
    application.refresh_from_db()
    assert application.business_name == "Keripik Tempe Ayu"


def test_a_move_to_a_cohort_not_taking_applications_is_refused(
    application, blkk_a, manager_a
):
    with pytest.raises(ValidationError) as refused:
        services.application_update(
            application=application, cohort=CohortFactory(blkk=blkk_a), by=manager_a
        )
    assert messages_of(refused, "cohort") == ["This cohort does not take applications."]


def test_a_reviewer_is_not_made_one_of_the_people(application, blkk_a, manager_a):
    reviewer_person = TraineeFactory(blkk=blkk_a, account=manager_a)
    services.review_create(
        application=application, reviewer=manager_a, by=manager_a, **scores()
    )
    with pytest.raises(ValidationError) as refused:
        services.application_update(
            application=application, co_applicants=[reviewer_person], by=manager_a
        )
    assert "has reviewed this application" in messages_of(refused, "co_applicants")[0]


@pytest.mark.parametrize(
    ("decision", "deletable"),
    [(None, True), (Status.WITHDRAWN, True), (Status.REJECTED, False)],
)
def test_only_an_undecided_application_is_deleted(
    application, manager_a, decision, deletable
):
    if decision:
        services.application_decide(
            application=application, decision=decision, by=manager_a
        )
    if deletable:
        services.application_delete(application=application, by=manager_a)
        assert not CohortApplication.objects.exists()
    else:
        with pytest.raises(ValidationError):
            services.application_delete(application=application, by=manager_a)
        assert CohortApplication.objects.exists()


def test_an_accepted_application_is_never_deleted(application, manager_a):
    services.application_decide(
        application=application, decision=Status.ACCEPTED, by=manager_a
    )
    with pytest.raises(ValidationError) as refused:
        services.application_delete(application=application, by=manager_a)
    assert refused.value.messages == [str(services.APPLICATION_DECIDED_STAYS)]


@pytest.mark.parametrize("persona", ["manager_b", "province_user", "mentor_a"])
def test_other_roles_delete_no_application(request, application, persona):
    with pytest.raises(PermissionDenied):
        services.application_delete(
            application=application, by=request.getfixturevalue(persona)
        )
    assert CohortApplication.objects.filter(pk=application.pk).exists()


# --- the decision ---------------------------------------------------------------------


def test_accepting_creates_the_venture_with_its_founders(application, sari, manager_a):
    services.application_update(
        application=application, co_applicants=[sari], by=manager_a
    )

    decided = services.application_decide(
        application=application,
        decision=Status.ACCEPTED,
        note="Skor tertinggi di kohort.",
        on=datetime.date(2026, 3, 9),
        by=manager_a,
    )

    venture = decided.venture
    assert decided.status == Status.ACCEPTED
    assert decided.decided_on == datetime.date(2026, 3, 9)
    assert (venture.name, venture.sector, venture.cohort) == (
        "Keripik Tempe Ayu",
        "kuliner",
        application.cohort,
    )
    assert venture.stage == Stage.PRE_INCUBATION
    assert venture.started_on == datetime.date(2026, 3, 9)
    assert set(venture.founders.all()) == {application.applicant, sari}
    first = venture.stage_changes.get()
    assert (first.to_stage, first.changed_by, first.note) == (
        Stage.PRE_INCUBATION,
        manager_a,
        "Skor tertinggi di kohort.",
    )
    latest = decided.history.latest()
    assert latest.history_change_reason == "Skor tertinggi di kohort."
    assert latest.history_user == manager_a
    assert CohortApplication.objects.get(pk=application.pk).venture == venture


def test_shortlisting_then_rejecting_dates_only_the_decision(application, manager_a):
    shortlisted = services.application_decide(
        application=application, decision=Status.SHORTLISTED, by=manager_a
    )
    assert (shortlisted.status, shortlisted.decided_on) == (Status.SHORTLISTED, None)
    rejected = services.application_decide(
        application=application, decision=Status.REJECTED, by=manager_a
    )
    assert (rejected.status, rejected.decided_on, rejected.venture) == (
        Status.REJECTED,
        TODAY,
        None,
    )
    assert not Venture.objects.exists()


@pytest.mark.parametrize(
    ("before", "decision"),
    [
        (Status.ACCEPTED, Status.ACCEPTED),
        (Status.ACCEPTED, Status.REJECTED),
        (Status.REJECTED, Status.ACCEPTED),
        (Status.WITHDRAWN, Status.SHORTLISTED),
        (Status.SHORTLISTED, Status.SHORTLISTED),
        (None, Status.SUBMITTED),
        (None, "approved"),
    ],
)
def test_a_move_the_rules_forbid_is_refused_on_decision(
    application, manager_a, before, decision
):
    if before:
        services.application_decide(
            application=application, decision=before, by=manager_a
        )
    ventures = Venture.objects.count()

    with pytest.raises(ValidationError) as refused:
        services.application_decide(
            application=application, decision=decision, by=manager_a
        )

    assert "An application cannot move from" in messages_of(refused, "decision")[0]
    assert Venture.objects.count() == ventures


@pytest.mark.parametrize(
    ("on", "message"),
    [
        (TODAY + datetime.timedelta(days=1), "This date cannot be in the future."),
        (
            datetime.date(2026, 3, 1),
            "The decision cannot be dated before the application was received "
            "(2 March 2026).",
        ),
    ],
)
def test_the_decision_date_is_neither_future_nor_before_receipt(
    application, manager_a, on, message
):
    with pytest.raises(ValidationError) as refused:
        services.application_decide(
            application=application, decision=Status.ACCEPTED, on=on, by=manager_a
        )
    assert messages_of(refused, "on") == [message]
    assert not Venture.objects.exists()


@pytest.mark.parametrize("persona", ["manager_b", "province_user", "mentor_here"])
def test_only_the_blkks_managers_and_ministry_decide(request, application, persona):
    user = request.getfixturevalue(persona)
    ventures = Venture.objects.count()
    with pytest.raises(PermissionDenied):
        services.application_decide(
            application=application,
            decision=Status.ACCEPTED,
            by=user,
        )
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert Venture.objects.count() == ventures


def test_ministry_staff_decide_too(application, ministry_user):
    decided = services.application_decide(
        application=application, decision=Status.ACCEPTED, by=ministry_user
    )
    assert decided.venture is not None


def test_a_venture_that_cannot_be_created_leaves_the_application_open(
    application, manager_a, monkeypatch
):
    def refuse(**kwargs):
        raise ValidationError({"founders": "no"})

    monkeypatch.setattr(services, "venture_create", refuse)
    with pytest.raises(ValidationError):
        services.application_decide(
            application=application, decision=Status.ACCEPTED, by=manager_a
        )
    application.refresh_from_db()
    assert (application.status, application.decided_on) == (Status.SUBMITTED, None)


# --- reviews --------------------------------------------------------------------------


def test_a_manager_and_an_active_mentor_review(application, manager_a, mentor_here):
    by_manager = services.review_create(
        application=application, reviewer=manager_a, by=manager_a, **scores()
    )
    by_mentor = services.review_create(
        application=application,
        reviewer=mentor_here,
        by=mentor_here,
        comment="Pasar oleh-oleh jelas.",
        **scores(market=5),
    )
    assert (by_manager.total, by_mentor.total) == (14, 15)
    assert by_mentor.comment == "Pasar oleh-oleh jelas."


def test_a_mentor_whose_assignment_is_not_active_does_not_review(
    application, blkk_a, mentor_a
):
    MentorAssignmentFactory(
        mentor=mentor_a.mentor_profile,
        venture=VentureFactory(cohort__blkk=blkk_a),
        end_date=datetime.date(2026, 3, 1),
    )
    with pytest.raises(ValidationError) as refused:
        services.review_create(
            application=application, reviewer=mentor_a, by=mentor_a, **scores()
        )
    assert messages_of(refused, "application") == [str(services.REVIEW_NOT_OFFERED)]


def test_a_mentor_of_another_blkk_does_not_review(application, blkk_b, mentor_a):
    MentorAssignmentFactory(
        mentor=mentor_a.mentor_profile, venture=VentureFactory(cohort__blkk=blkk_b)
    )
    with pytest.raises(ValidationError):
        services.review_create(
            application=application, reviewer=mentor_a, by=mentor_a, **scores()
        )
    assert not ApplicationReview.objects.exists()


def test_a_blkk_wide_mentor_reviews(application, blkk_a, mentor_a):
    MentorAssignmentFactory(mentor=mentor_a.mentor_profile, venture=None, blkk=blkk_a)
    assert services.review_create(
        application=application, reviewer=mentor_a, by=mentor_a, **scores()
    )


def test_province_staff_review_nothing(application, province_user):
    with pytest.raises(PermissionDenied):
        services.review_create(
            application=application,
            reviewer=province_user,
            by=province_user,
            **scores(),
        )


def test_nobody_reviews_an_application_they_are_on(
    application, sari, manager_a, mentor_here
):
    services.application_update(
        application=application, co_applicants=[sari], by=manager_a
    )
    sari.account = mentor_here
    sari.save(update_fields=["account"])
    application.applicant.account = manager_a
    application.applicant.save(update_fields=["account"])

    for reviewer in (mentor_here, manager_a):
        with pytest.raises(ValidationError) as refused:
            services.review_create(
                application=application, reviewer=reviewer, by=reviewer, **scores()
            )
        assert messages_of(refused, "application") == [
            "You cannot review an application you are on."
        ]


def test_one_review_per_reviewer(application, manager_a):
    services.review_create(
        application=application, reviewer=manager_a, by=manager_a, **scores()
    )
    with pytest.raises(ValidationError) as twice:
        services.review_create(
            application=application, reviewer=manager_a, by=manager_a, **scores()
        )
    assert twice.value.messages == ["You have already reviewed this application."]


def test_a_review_is_given_in_ones_own_name(application, manager_a, ministry_user):
    with pytest.raises(PermissionDenied):
        services.review_create(
            application=application, reviewer=manager_a, by=ministry_user, **scores()
        )


@pytest.mark.parametrize("score", [0, 6])
def test_each_score_is_from_one_to_five(application, manager_a, score):
    with pytest.raises(ValidationError) as refused:
        services.review_create(
            application=application,
            reviewer=manager_a,
            by=manager_a,
            **scores(team=score),
        )
    assert "team" in refused.value.message_dict


@pytest.mark.parametrize(
    "decision", [Status.ACCEPTED, Status.REJECTED, Status.WITHDRAWN]
)
def test_reviews_close_with_the_decision(application, manager_a, mentor_here, decision):
    review = services.review_create(
        application=application, reviewer=mentor_here, by=mentor_here, **scores()
    )
    services.application_decide(
        application=application, decision=decision, by=manager_a
    )

    with pytest.raises(ValidationError) as late:
        services.review_create(
            application=application, reviewer=manager_a, by=manager_a, **scores()
        )
    assert messages_of(late, "application") == [str(services.REVIEWS_CLOSED)]
    with pytest.raises(ValidationError):
        services.review_update(review=review, market=1, by=mentor_here)
    with pytest.raises(ValidationError):
        services.review_delete(review=review, by=mentor_here)
    review.refresh_from_db()
    assert review.market == 4


def test_a_review_is_changed_by_its_reviewer_alone(application, manager_a, mentor_here):
    review = services.review_create(
        application=application, reviewer=mentor_here, by=mentor_here, **scores()
    )
    for other in (manager_a,):
        with pytest.raises(PermissionDenied):
            services.review_update(review=review, market=1, by=other)
        with pytest.raises(PermissionDenied):
            services.review_delete(review=review, by=other)

    changed = services.review_update(
        review=review, market=2, comment="Direvisi.", by=mentor_here
    )
    assert (changed.market, changed.comment) == (2, "Direvisi.")
    with pytest.raises(ValidationError) as fixed:
        services.review_update(review=review, reviewer=manager_a, by=mentor_here)
    assert "reviewer" in fixed.value.message_dict
    services.review_delete(review=review, by=mentor_here)
    assert not ApplicationReview.objects.exists()


def test_ministry_staff_may_correct_a_review(application, manager_a, ministry_user):
    review = services.review_create(
        application=application, reviewer=manager_a, by=manager_a, **scores()
    )
    assert services.review_update(review=review, team=5, by=ministry_user).team == 5


def test_a_mentor_no_longer_assigned_no_longer_changes_their_review(
    application, mentor_a, blkk_a
):
    assignment = MentorAssignmentFactory(
        mentor=mentor_a.mentor_profile, venture=VentureFactory(cohort__blkk=blkk_a)
    )
    review = services.review_create(
        application=application, reviewer=mentor_a, by=mentor_a, **scores()
    )
    assignment.status = "ended"
    assignment.end_date = TODAY
    assignment.save()
    del mentor_a._portal_scope
    with pytest.raises(ValidationError):
        services.review_update(review=review, market=1, by=mentor_a)


# --- the score and the ranking --------------------------------------------------------


def test_the_score_is_the_mean_total_shown_only_to_who_reads_every_review(
    cohort, manager_a, mentor_here, province_user, ministry_user
):
    top = CohortApplicationFactory(cohort=cohort, business_name="Atas")
    low = CohortApplicationFactory(cohort=cohort, business_name="Bawah")
    unreviewed = CohortApplicationFactory(cohort=cohort, business_name="Belum")
    ApplicationReviewFactory(application=top, **scores(market=5, team=5))  # 17
    ApplicationReviewFactory(application=top, **scores(job_potential=3))  # 15
    ApplicationReviewFactory(application=low, **scores(market=1))  # 11

    for staff in (manager_a, province_user, ministry_user):
        rows = with_score_for(CohortApplication.objects.visible_to(staff), staff)
        order = [(a.business_name, a.score_shown) for a in ranked(rows)]
        assert [(name, str(score)) for name, score in order] == [
            ("Atas", "16.00"),
            ("Bawah", "11.00"),
            ("Belum", "None"),
        ]
    seen_by_mentor = with_score_for(
        CohortApplication.objects.visible_to(mentor_here), mentor_here
    )
    assert {a.pk: a.score_shown for a in seen_by_mentor} == {
        top.pk: None,
        low.pk: None,
        unreviewed.pk: None,
    }
