"""`/api/v1/cohort-applications/` (and `decide/`) and `/api/v1/application-reviews/`:
the contract's fields and filters, the services' rules as 400s field by field, and
who may decide and review (403 for a role that may not, 404 outside one's scope)."""

from __future__ import annotations

import datetime

import pytest

from incubator.models import ApplicationReview, CohortApplication, Venture
from tests.incubator.factories import (
    ApplicationReviewFactory,
    CohortApplicationFactory,
    OpenCohortFactory,
    VentureFactory,
)
from tests.mentoring.factories import MentorAssignmentFactory
from tests.training.factories import TraineeFactory, regency

from .conftest import ids
from .resources import url

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
FIELDS = {
    "id",
    "cohort",
    "applicant",
    "co_applicants",
    "business_name",
    "sector",
    "idea",
    "received_on",
    "status",
    "score",
    "venture",
}
REVIEW_FIELDS = {
    "id",
    "application",
    "reviewer",
    "market",
    "team",
    "feasibility",
    "job_potential",
    "comment",
}
SCORES = {"market": 4, "team": 3, "feasibility": 5, "job_potential": 2}


@pytest.fixture
def cohort_a(blkk_a):
    return OpenCohortFactory(blkk=blkk_a, name="Kohort 2026", year=2026)


@pytest.fixture
def cohort_b(blkk_b):
    return OpenCohortFactory(blkk=blkk_b, name="Kohort Surabaya", year=2026)


@pytest.fixture
def people_a(blkk_a):
    return TraineeFactory.create_batch(3, blkk=blkk_a)


@pytest.fixture
def person_b(blkk_b):
    return TraineeFactory(blkk=blkk_b, regency=regency("35.78"))


@pytest.fixture
def application_a(cohort_a, people_a):
    return CohortApplicationFactory(
        cohort=cohort_a, applicant=people_a[0], co_applicants=[people_a[1]]
    )


@pytest.fixture
def mentor_here(mentor_a, blkk_a):
    MentorAssignmentFactory(
        mentor=mentor_a.mentor_profile, venture=VentureFactory(cohort__blkk=blkk_a)
    )
    return mentor_a


def body(cohort, applicant, **fields) -> dict:
    return {
        "cohort": cohort.pk,
        "applicant": applicant.pk,
        "business_name": "Sambal Roa Ayu",
        "sector": "kuliner",
        "idea": "Sambal roa kemasan untuk oleh-oleh.",
        **fields,
    }


def post(client, resource, data, **extra):
    return client.post(url(resource), data, format="json", **EN, **extra)


def decide(client, application, **data):
    return client.post(
        f"{url('cohort-applications', application.pk)}decide/",
        data,
        format="json",
        **EN,
    )


# --- applications ---------------------------------------------------------------------


def test_a_manager_records_an_application(api, manager_a, cohort_a, people_a):
    response = post(
        api(manager_a),
        "cohort-applications",
        body(cohort_a, people_a[0], co_applicants=[people_a[1].pk, people_a[2].pk]),
    )

    assert response.status_code == 201, response.content
    record = response.json()
    assert set(record) == FIELDS
    assert record["status"] == "submitted"
    assert (record["score"], record["venture"]) == (None, None)
    assert record["co_applicants"] == [people_a[1].pk, people_a[2].pk]
    stored = CohortApplication.objects.get(pk=record["id"])
    assert stored.recorded_by == manager_a
    assert record["received_on"] == stored.received_on.isoformat()


def test_people_and_cohorts_out_of_reach_answer_like_missing_ones(
    api, manager_a, cohort_a, cohort_b, people_a, person_b
):
    client = api(manager_a)
    missing = TraineeFactory().pk + 1000
    cases = {
        "applicant": (body(cohort_a, person_b), body(cohort_a, people_a[0])),
        "co_applicants": (
            body(cohort_a, people_a[0], co_applicants=[person_b.pk]),
            body(cohort_a, people_a[0], co_applicants=[missing]),
        ),
        "cohort": (body(cohort_b, people_a[0]), body(cohort_a, people_a[0])),
    }
    cases["applicant"][1]["applicant"] = missing
    cases["cohort"][1]["cohort"] = cohort_b.pk + 1000
    for field, (out_of_reach, nowhere) in cases.items():
        first = post(client, "cohort-applications", out_of_reach)
        second = post(client, "cohort-applications", nowhere)
        assert first.status_code == second.status_code == 400, field

        # The same words, the id aside: nothing says the first one exists.
        assert _words(first, field, out_of_reach) == _words(second, field, nowhere)
    assert not CohortApplication.objects.exists()


def _words(response, field: str, sent: dict) -> str:
    """The first message on `field`, with the id that was sent taken out."""
    pk = sent[field][0] if isinstance(sent[field], list) else sent[field]
    return response.json()[field][0].replace(str(pk), "ID")


def test_the_services_rules_answer_400_field_by_field(
    api, manager_a, blkk_a, cohort_a, people_a
):
    client = api(manager_a)
    closed = OpenCohortFactory(
        blkk=blkk_a, applications_close_on=datetime.date(2025, 2, 1)
    )
    response = post(client, "cohort-applications", body(closed, people_a[0]))
    assert response.status_code == 400
    assert "received_on" in response.json()

    post(client, "cohort-applications", body(cohort_a, people_a[0]))
    response = post(
        client,
        "cohort-applications",
        body(cohort_a, people_a[1], co_applicants=[people_a[0].pk]),
    )
    assert response.status_code == 400
    assert "already on another application" in response.json()["co_applicants"][0]


@pytest.mark.parametrize(
    ("field", "value"), [("status", "accepted"), ("venture", "new")]
)
def test_status_and_venture_are_changed_only_by_deciding(
    api, manager_a, application_a, field, value
):
    if value == "new":
        value = VentureFactory(cohort=application_a.cohort).pk
    response = api(manager_a).patch(
        url("cohort-applications", application_a.pk), {field: value}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == [field]
    application_a.refresh_from_db()
    assert (application_a.status, application_a.venture) == ("submitted", None)
    unchanged = api(manager_a).patch(
        url("cohort-applications", application_a.pk),
        {"status": "submitted", "venture": None, "sector": "makanan"},
        format="json",
    )
    assert unchanged.status_code == 200, unchanged.content
    assert unchanged.json()["sector"] == "makanan"


def test_the_score_is_the_mean_for_staff_and_hidden_from_mentors(
    api, manager_a, province_user, mentor_here, application_a
):
    ApplicationReviewFactory(application=application_a, **SCORES)  # 14
    ApplicationReviewFactory(application=application_a, **{**SCORES, "team": 4})
    path = url("cohort-applications", application_a.pk)

    for staff in (manager_a, province_user):
        assert api(staff).get(path).json()["score"] == 14.5
    assert api(mentor_here).get(path).json()["score"] is None
    listed = api(mentor_here).get(url("cohort-applications")).json()["results"]
    assert [row["score"] for row in listed] == [None]


def test_filters_and_search(api, manager_a, cohort_a, people_a, blkk_a):
    other = OpenCohortFactory(blkk=blkk_a)
    first = CohortApplicationFactory(
        cohort=cohort_a, applicant=people_a[0], business_name="Batik Tulis Sari"
    )
    second = CohortApplicationFactory(
        cohort=other,
        applicant=people_a[1],
        business_name="Kopi Gunung",
        status="shortlisted",
    )
    client = api(manager_a)
    resource = url("cohort-applications")
    assert ids(client.get(resource, {"cohort": cohort_a.pk})) == {first.pk}
    assert ids(client.get(resource, {"status": "shortlisted"})) == {second.pk}
    assert ids(client.get(resource, {"blkk": blkk_a.pk})) == {first.pk, second.pk}
    assert ids(client.get(resource, {"search": "batik"})) == {first.pk}
    name = people_a[1].full_name.split()[0]
    assert second.pk in ids(client.get(resource, {"search": name}))
    assert client.get(resource, {"status": "nope"}).status_code == 400


def test_a_mentor_reads_applications_but_no_personal_data(
    api, mentor_here, application_a
):
    client = api(mentor_here)
    record = client.get(url("cohort-applications", application_a.pk)).json()
    assert record["applicant"] == application_a.applicant_id
    # The applicant is a person, not a founder of the mentee: not theirs to read.
    assert client.get(url("trainees", application_a.applicant_id)).status_code == 404
    assert client.get(url("trainees")).json()["results"] == [] or all(
        set(row) == {"id", "nik", "full_name", "phone"}
        for row in client.get(url("trainees")).json()["results"]
    )


# --- deciding -------------------------------------------------------------------------


def test_accepting_answers_201_with_the_venture(api, manager_a, application_a):
    response = decide(
        api(manager_a),
        application_a,
        decision="accepted",
        note="Layak.",
        on="2026-01-05",
    )

    assert response.status_code == 201, response.content
    record = response.json()
    assert set(record) == FIELDS
    assert record["status"] == "accepted"
    venture = Venture.objects.get(pk=record["venture"])
    assert venture.stage == "pre_incubation"
    assert venture.started_on == datetime.date(2026, 1, 5)
    assert set(venture.founders.values_list("pk", flat=True)) == {
        application_a.applicant_id,
        *application_a.co_applicants.values_list("pk", flat=True),
    }


def test_other_decisions_answer_200_and_a_forbidden_move_400(
    api, manager_a, application_a
):
    client = api(manager_a)
    response = decide(client, application_a, decision="shortlisted")
    assert response.status_code == 200
    assert response.json()["status"] == "shortlisted"
    assert decide(client, application_a, decision="rejected").status_code == 200
    again = decide(client, application_a, decision="accepted")
    assert again.status_code == 400
    assert list(again.json()) == ["decision"]
    assert decide(client, application_a, decision="submitted").status_code == 400
    assert not Venture.objects.exists()


def test_an_application_is_accepted_once(api, manager_a, application_a):
    client = api(manager_a)
    assert decide(client, application_a, decision="accepted").status_code == 201
    twice = decide(client, application_a, decision="accepted")
    assert twice.status_code == 400
    assert twice.json()["decision"] == [
        "An application cannot move from Accepted to Accepted."
    ]
    assert Venture.objects.count() == 1


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("province_user", 403),
        ("mentor_here", 403),
        ("manager_b", 404),
        ("ministry_user", 201),
    ],
)
def test_who_decides(request, api, application_a, persona, expected):
    user = request.getfixturevalue(persona)
    response = decide(api(user), application_a, decision="accepted")
    assert response.status_code == expected, response.content
    application_a.refresh_from_db()
    assert (application_a.status == "accepted") is (expected == 201)


def test_a_decision_with_a_bad_date_answers_400(api, manager_a, application_a):
    response = decide(api(manager_a), application_a, decision="rejected", on="kemarin")
    assert response.status_code == 400
    assert list(response.json()) == ["on"]


# --- reviews --------------------------------------------------------------------------


def test_the_reviewer_is_whoever_posts_the_review(api, manager_a, application_a):
    response = post(
        api(manager_a),
        "application-reviews",
        {"application": application_a.pk, "reviewer": 999, **SCORES},
    )
    assert response.status_code == 201, response.content
    record = response.json()
    assert set(record) == REVIEW_FIELDS
    assert record["reviewer"] == manager_a.pk
    again = post(
        api(manager_a),
        "application-reviews",
        {"application": application_a.pk, **SCORES},
    )
    assert again.status_code == 400
    assert again.json() == {
        "non_field_errors": ["You have already reviewed this application."]
    }


def test_a_mentor_reviews_only_with_an_active_assignment(
    api, mentor_a, blkk_a, application_a
):
    assignment = MentorAssignmentFactory(
        mentor=mentor_a.mentor_profile,
        venture=VentureFactory(cohort__blkk=blkk_a),
        status="ended",
        end_date=datetime.date(2026, 1, 31),
    )
    data = {"application": application_a.pk, **SCORES}
    refused = post(api(mentor_a), "application-reviews", data)
    assert refused.status_code == 400
    assert list(refused.json()) == ["application"]

    assignment.status, assignment.end_date = "active", None
    assignment.save()
    assert post(api(mentor_a), "application-reviews", data).status_code == 201


def test_a_mentor_reads_only_their_own_reviews(
    api, manager_a, mentor_here, application_a
):
    theirs = ApplicationReviewFactory(application=application_a, reviewer=manager_a)
    own = ApplicationReviewFactory(application=application_a, reviewer=mentor_here)
    client = api(mentor_here)
    assert ids(client.get(url("application-reviews"))) == {own.pk}
    assert client.get(url("application-reviews", theirs.pk)).status_code == 404
    filtered = client.get(url("application-reviews"), {"application": application_a.pk})
    assert ids(filtered) == {own.pk}
    assert ids(api(manager_a).get(url("application-reviews"))) == {theirs.pk, own.pk}


def test_a_review_is_changed_by_its_reviewer_only(
    api, manager_a, mentor_here, application_a
):
    review = ApplicationReviewFactory(application=application_a, reviewer=mentor_here)
    path = url("application-reviews", review.pk)
    assert api(manager_a).patch(path, {"market": 1}, format="json").status_code == 403
    assert api(manager_a).delete(path).status_code == 403
    mine = api(mentor_here).patch(path, {"market": 1}, format="json")
    assert mine.status_code == 200
    assert mine.json()["market"] == 1


def test_no_review_after_the_decision(api, manager_a, mentor_here, application_a):
    review = ApplicationReviewFactory(application=application_a, reviewer=mentor_here)
    decide(api(manager_a), application_a, decision="rejected")
    path = url("application-reviews", review.pk)
    late = api(mentor_here).patch(path, {"market": 1}, format="json")
    assert late.status_code == 400
    assert api(mentor_here).delete(path).status_code == 400
    refused = post(
        api(manager_a),
        "application-reviews",
        {"application": application_a.pk, **SCORES},
    )
    assert refused.status_code == 400
    assert ApplicationReview.objects.count() == 1


def test_province_staff_may_not_review(api, province_user, application_a):
    response = post(
        api(province_user),
        "application-reviews",
        {"application": application_a.pk, **SCORES},
    )
    assert response.status_code == 403
