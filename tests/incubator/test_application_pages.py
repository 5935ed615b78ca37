"""Intake's portal pages: a BLKK's applications, a cohort's ranking, an
application with its reviews, the forms to record, review and decide one; and a
mentor's applications to review, on their own pages."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from incubator.models import ApplicationReview, CohortApplication, Venture
from tests.incubator.factories import (
    ApplicationReviewFactory,
    CohortApplicationFactory,
    OpenCohortFactory,
    VentureFactory,
)
from tests.mentoring.factories import MentorAssignmentFactory
from tests.training.factories import TraineeFactory, regency

pytestmark = pytest.mark.django_db

SCORES = {"market": "4", "team": "3", "feasibility": "5", "job_potential": "2"}


def page(name: str, blkk, *args) -> str:
    return reverse(name, args=[blkk.code, *args])


@pytest.fixture
def cohort(blkk_a):
    return OpenCohortFactory(blkk=blkk_a, name="Kohort Inkubasi 2026", year=2026)


@pytest.fixture
def ayu(blkk_a):
    return TraineeFactory(
        blkk=blkk_a, full_name="Ayu Lestari", birth_date=datetime.date(2001, 3, 2)
    )


@pytest.fixture
def application(cohort, ayu):
    return CohortApplicationFactory(
        cohort=cohort, applicant=ayu, business_name="Sambal Roa Ayu"
    )


@pytest.fixture
def mentor_here(mentor_a, blkk_a):
    MentorAssignmentFactory(
        mentor=mentor_a.mentor_profile, venture=VentureFactory(cohort__blkk=blkk_a)
    )
    return mentor_a


def new_application(cohort, **fields) -> dict:
    return {
        "cohort": cohort.pk,
        "business_name": "Keripik Tempe Sari",
        "sector": "kuliner",
        "idea": "Keripik tempe untuk oleh-oleh.",
        **fields,
    }


# --- a BLKK's applications ------------------------------------------------------------


def test_the_applications_list_searches_and_costs_the_same_for_many(
    client, manager_a, cohort, blkk_a, django_assert_max_num_queries
):
    CohortApplicationFactory(cohort=cohort, business_name="Batik Tulis")
    client.force_login(manager_a)
    url = page("application-list", blkk_a)
    with django_assert_max_num_queries(30) as few:
        response = client.get(url)
    assert response.status_code == 200
    for _n in range(8):
        ApplicationReviewFactory(
            application=CohortApplicationFactory(
                cohort=cohort, co_applicants=[TraineeFactory(blkk=blkk_a)]
            )
        )
    with django_assert_max_num_queries(len(few)):
        client.get(url)
    found = client.get(url, {"q": "batik"})
    assert [a.business_name for a in found.context["page"].object_list] == [
        "Batik Tulis"
    ]
    assert client.get(url, {"cohort": "\u0661", "status": "x"}).status_code == 200


def test_a_cohorts_applications_are_ranked_by_score(client, manager_a, cohort, blkk_a):
    low = CohortApplicationFactory(cohort=cohort, business_name="Bawah")
    none = CohortApplicationFactory(cohort=cohort, business_name="Belum")
    top = CohortApplicationFactory(cohort=cohort, business_name="Atas")
    ApplicationReviewFactory(application=low, market=1)
    ApplicationReviewFactory(application=top, market=5)
    client.force_login(manager_a)

    response = client.get(page("cohort-applications", blkk_a, cohort.pk))

    assert list(response.context["page"].object_list) == [top, low, none]
    html = response.content.decode()
    assert html.index("Atas") < html.index("Bawah") < html.index("Belum")
    cohort_page = client.get(page("cohort-detail", blkk_a, cohort.pk)).content.decode()
    assert page("cohort-applications", blkk_a, cohort.pk) in cohort_page
    home = client.get(reverse("blkk-home", args=[blkk_a.code])).content.decode()
    assert page("application-list", blkk_a) in home


def test_a_manager_records_an_application_by_picking_or_by_nik(
    client, manager_a, cohort, ayu, blkk_a
):
    sari = TraineeFactory(blkk=blkk_a, full_name="Sari")
    client.force_login(manager_a)
    url = page("application-create", blkk_a)
    form = client.get(url, {"cohort": cohort.pk}).context["form"]
    assert form.initial["cohort"] == str(cohort.pk)

    response = client.post(
        url,
        new_application(cohort, applicant_nik=ayu.nik, co_applicants=[sari.pk]),
    )

    application = CohortApplication.objects.get()
    assert response.status_code == 303
    assert response.url == page("application-detail", blkk_a, application.pk)
    assert application.applicant == ayu
    assert list(application.co_applicants.all()) == [sari]
    assert application.recorded_by == manager_a


def test_co_applicants_found_by_nik_and_a_nik_out_of_reach_told_like_none(
    client, manager_a, cohort, ayu, blkk_a, blkk_b, english
):
    sari = TraineeFactory(blkk=blkk_a)
    elsewhere = TraineeFactory(blkk=blkk_b, regency=regency("35.78"))
    client.force_login(manager_a)
    url = page("application-create", blkk_a)

    refused = client.post(
        url,
        new_application(cohort, applicant=ayu.pk, co_applicant_niks=elsewhere.nik),
    )
    nobody = "3273010101010999"
    unknown = client.post(
        url, new_application(cohort, applicant=ayu.pk, co_applicant_niks=nobody)
    )
    assert refused.status_code == unknown.status_code == 200
    first = refused.context["form"].errors["co_applicant_niks"][0]
    second = unknown.context["form"].errors["co_applicant_niks"][0]
    assert first.replace(elsewhere.nik, "NIK") == second.replace(nobody, "NIK")
    assert not CohortApplication.objects.exists()

    client.post(
        url, new_application(cohort, applicant=ayu.pk, co_applicant_niks=sari.nik)
    )
    assert list(CohortApplication.objects.get().co_applicants.all()) == [sari]


def test_the_services_refusal_shows_on_the_form(
    client, manager_a, application, blkk_a, english
):
    client.force_login(manager_a)
    response = client.post(
        page("application-create", blkk_a),
        new_application(application.cohort, applicant=application.applicant_id),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["applicant"] == [
        "Ayu Lestari is already on another application to this cohort."
    ]


def test_an_application_is_edited_while_open(client, manager_a, application, blkk_a):
    client.force_login(manager_a)
    url = page("application-update", blkk_a, application.pk)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        new_application(
            application.cohort,
            applicant=application.applicant_id,
            business_name="Sambal Roa Ayu Jaya",
        ),
    )
    assert response.status_code == 303
    application.refresh_from_db()
    assert application.business_name == "Sambal Roa Ayu Jaya"


def test_the_detail_shows_the_team_reviews_and_the_allowed_moves(
    client, manager_a, application, blkk_a
):
    ApplicationReviewFactory(application=application, comment="Pasar jelas.")
    client.force_login(manager_a)

    response = client.get(page("application-detail", blkk_a, application.pk))

    html = response.content.decode()
    assert "Ayu Lestari" in html
    assert application.applicant.nik in html  # this BLKK's own person: whole
    assert "Pasar jelas." in html
    offered = [
        value
        for value, _label in response.context["decision_form"]
        .fields["decision"]
        .choices
    ]
    assert offered == ["shortlisted", "accepted", "rejected", "withdrawn"]


def test_accepting_on_the_page_creates_the_venture(
    client, manager_a, application, blkk_a
):
    client.force_login(manager_a)
    response = client.post(
        page("application-decide", blkk_a, application.pk),
        {"decision": "accepted", "on": "2026-01-05", "note": "Lolos seleksi."},
    )
    assert response.status_code == 303
    venture = Venture.objects.get()
    assert venture.founders.get() == application.applicant
    detail = client.get(response.url).content.decode()
    assert page("venture-detail", blkk_a, venture.pk) in detail
    assert "Lolos seleksi." in detail
    assert client.get(response.url).context["decision_form"] is None
    again = client.post(
        page("application-decide", blkk_a, application.pk),
        {"decision": "accepted", "on": "2026-01-05"},
    )
    assert again.status_code == 200
    assert Venture.objects.count() == 1


def test_a_manager_reviews_and_changes_their_review(
    client, manager_a, application, blkk_a
):
    client.force_login(manager_a)
    url = page("application-review", blkk_a, application.pk)
    assert client.post(url, SCORES).status_code == 303
    assert client.post(url, {**SCORES, "market": "1"}).status_code == 303
    review = ApplicationReview.objects.get()
    assert (review.reviewer, review.market) == (manager_a, 1)
    refused = client.post(url, {**SCORES, "team": "9"})
    assert refused.status_code == 200
    assert "team" in refused.context["form"].errors


@pytest.mark.parametrize(
    ("persona", "read", "write", "review"),
    [
        ("manager_a", 200, 200, 200),
        ("ministry_user", 200, 403, 200),
        ("province_user", 200, 403, 403),
        ("manager_b", 404, 404, 404),
        ("mentor_here", 404, 404, 404),
    ],
)
def test_who_opens_which_application_page(
    request, client, application, blkk_a, persona, read, write, review
):
    client.force_login(request.getfixturevalue(persona))
    for name, args in (
        ("application-list", ()),
        ("application-detail", (application.pk,)),
        ("cohort-applications", (application.cohort_id,)),
    ):
        assert client.get(page(name, blkk_a, *args)).status_code == read, name
    for name, args in (
        ("application-create", ()),
        ("application-update", (application.pk,)),
        ("application-decide", (application.pk,)),
    ):
        assert client.get(page(name, blkk_a, *args)).status_code == write, name
    url = page("application-review", blkk_a, application.pk)
    assert client.get(url).status_code == review


# --- a mentor's pages -----------------------------------------------------------------


def test_a_mentor_reviews_the_applications_of_the_blkk_they_mentor(
    client, mentor_here, application, manager_a
):
    ApplicationReviewFactory(application=application, reviewer=manager_a, market=1)
    client.force_login(mentor_here)
    home = client.get(reverse("mentor-home")).content.decode()
    assert reverse("mentor-applications") in home

    listed = client.get(reverse("mentor-applications"))
    assert list(listed.context["page"].object_list) == [application]
    html = listed.content.decode()
    assert "Sambal Roa Ayu" in html
    assert "Ayu Lestari" in html
    url = reverse("mentor-application-review", args=[application.pk])
    form_page = client.get(url).content.decode()
    # Names only: no NIK, no birth date; nobody else's scores.
    for secret in (application.applicant.nik, application.applicant.nik[-4:], "2001"):
        assert secret not in form_page
        assert secret not in html
    assert "Pasar jelas" not in form_page

    response = client.post(url, {**SCORES, "comment": "Tim solid."})

    assert response.status_code == 303
    assert response.url == reverse("mentor-applications")
    review = ApplicationReview.objects.get(reviewer=mentor_here)
    assert (review.total, review.comment) == (14, "Tim solid.")
    done = client.get(reverse("mentor-applications"), {"state": "done"})
    assert list(done.context["page"].object_list) == [application]


def test_a_mentor_without_an_active_assignment_finds_nothing(
    client, mentor_a, application, blkk_a
):
    MentorAssignmentFactory(
        mentor=mentor_a.mentor_profile,
        venture=VentureFactory(cohort__blkk=blkk_a),
        end_date=datetime.date(2025, 6, 1),
    )
    client.force_login(mentor_a)
    assert list(client.get(reverse("mentor-applications")).context["page"]) == []
    url = reverse("mentor-application-review", args=[application.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, SCORES).status_code == 404
    assert not ApplicationReview.objects.exists()


def test_the_mentor_pages_are_for_mentors(client, manager_a):
    client.force_login(manager_a)
    assert client.get(reverse("mentor-applications")).status_code == 403


def test_a_decided_application_shows_its_review_closed(
    client, mentor_here, application, manager_a
):
    from incubator import services

    services.application_decide(
        application=application, decision="rejected", by=manager_a
    )
    client.force_login(mentor_here)
    url = reverse("mentor-application-review", args=[application.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["is_open"] is False
    refused = client.post(url, SCORES)
    assert refused.status_code == 200
    assert not ApplicationReview.objects.exists()
