"""The doors intake (issue #13) opened, tried as an attacker would: another BLKK's
applications through the API, the portal's pages and the admin; someone else's
review; a mentor without an active assignment reviewing; a mentor reading other
reviewers' scores; an application moved to another BLKK's cohort; another BLKK's
person named on an application (no oracle); deciding twice; reviewing after the
decision; CSRF on the new forms. Each door is tried with a control: the right
person, through the same door, succeeds."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from incubator.models import (
    ApplicationReview,
    Cohort,
    CohortApplication,
    Venture,
)
from tests.admin_forms import admin_url, form_data, form_errors
from tests.api.resources import url
from tests.incubator.factories import (
    ApplicationReviewFactory,
    CohortApplicationFactory,
    OpenCohortFactory,
)
from tests.training.factories import TraineeFactory
from training.models import Blkk, Trainee

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
SCORES = {"market": 4, "team": 3, "feasibility": 5, "job_potential": 2}


def a_(world, model):
    return world.objects[model]["a"]


def b_(world, model):
    return world.objects[model]["b"]


def snapshot(obj) -> dict:
    return type(obj).objects.filter(pk=obj.pk).values().get()


def open_cohorts(world):
    """The world's cohorts take applications (from 2026-03-02, its first day)."""
    for side in ("a", "b"):
        cohort = world.objects[Cohort][side]
        cohort.applications_open_on = cohort.start_date.replace(month=3, day=1)
        cohort.save(update_fields=["applications_open_on"])


def decide_url(application) -> str:
    return f"{url('cohort-applications', application.pk)}decide/"


def page(name, world, side, *args):
    return reverse(name, args=[world.objects[Blkk][side].code, *args])


# --- 1. another BLKK's application is not found, through every door -------------------


def test_another_blkks_application_is_404_to_every_api_door(world, api):
    target = a_(world, CohortApplication)
    before = snapshot(target)
    intruder = api(world.users["manager_b"])
    path = url("cohort-applications", target.pk)
    for method in ("get", "patch", "put", "delete"):
        response = getattr(intruder, method)(path, {}, format="json", **EN)
        assert response.status_code == 404, method
    assert intruder.post(decide_url(target), {"decision": "accepted"}).status_code == (
        404
    )
    assert snapshot(target) == before
    assert not Venture.objects.filter(application=target).exists()
    # Control: its own BLKK's manager reaches it.
    assert api(world.users["manager_a"]).get(path).status_code == 200


def _application_pages(world, side, pk):
    return [
        page(name, world, side, pk)
        for name in (
            "application-detail",
            "application-update",
            "application-review",
            "application-decide",
        )
    ]


def test_another_blkks_application_pages_are_404_get_and_post(world, client):
    target = a_(world, CohortApplication)
    before = snapshot(target)
    client.force_login(world.users["manager_b"])
    # Under A's code, and under B's own code with A's id.
    for path in [
        *_application_pages(world, "a", target.pk),
        *_application_pages(world, "b", target.pk),
        page("cohort-applications", world, "b", target.cohort_id),
    ]:
        assert client.get(path).status_code == 404, path
        posted = client.post(path, {"decision": "accepted", "business_name": "X"})
        # Pages that only show take no POST at all (405, whatever the id).
        shown_only = path.endswith((f"/applications/{target.pk}/", "/applications/"))
        assert posted.status_code == (405 if shown_only else 404), path
    assert snapshot(target) == before
    assert not ApplicationReview.objects.filter(
        reviewer=world.users["manager_b"], application=target
    )
    # Control.
    client.force_login(world.users["manager_a"])
    for path in _application_pages(world, "a", target.pk):
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize("model", [CohortApplication, ApplicationReview])
def test_another_blkks_intake_records_are_not_found_in_the_admin(world, client, model):
    client.force_login(world.users["manager_b"])
    target = a_(world, model)
    before = snapshot(target)
    missing = model.objects.order_by("-pk").first().pk + 1000
    for view in ("change", "delete"):
        path, nowhere = (admin_url(model, view, pk) for pk in (target.pk, missing))
        for method, data in (("get", {}), ("post", {"post": "yes"})):
            response = getattr(client, method)(path, data)
            expected = getattr(client, method)(nowhere, data)
            assert response.status_code == expected.status_code == 302
            assert response["Location"] == expected["Location"]
    assert client.get(admin_url(model, "history", target.pk)).status_code == 404
    if model is CohortApplication:
        decide = admin_url(model, "decide", target.pk)
        assert client.get(decide).status_code == 404
        assert client.post(decide, {"decision": "accepted"}).status_code == 404
    assert snapshot(target) == before
    # Control.
    client.force_login(world.users["manager_a"])
    assert client.get(admin_url(model, "change", target.pk)).status_code == 200


# --- 2. someone else's review ---------------------------------------------------------


def test_a_reviewer_never_edits_someone_elses_review(world, api, client):
    application = a_(world, CohortApplication)
    colleague_review = ApplicationReviewFactory(
        application=application, reviewer=world.users["ministry"]
    )
    before = snapshot(colleague_review)
    manager = api(world.users["manager_a"])
    path = url("application-reviews", colleague_review.pk)
    assert manager.patch(path, {"market": 1}, format="json").status_code == 403
    assert manager.put(path, {"application": application.pk, **SCORES}).status_code == (
        403
    )
    assert manager.delete(path).status_code == 403
    # The admin shows it read-only and refuses a post.
    client.force_login(world.users["manager_a"])
    change = admin_url(ApplicationReview, "change", colleague_review.pk)
    client.post(change, {"application": application.pk, **{**SCORES, "market": 1}})
    assert snapshot(colleague_review) == before
    # Control: their own review is theirs to change.
    own = a_(world, ApplicationReview)
    response = manager.patch(
        url("application-reviews", own.pk), {"market": 1}, format="json"
    )
    assert response.status_code == 200


def test_a_review_added_in_the_admin_is_in_the_acting_users_name(world, client):
    client.force_login(world.users["manager_a"])
    application = a_(world, CohortApplication)
    ApplicationReview.objects.filter(application=application).delete()
    add = admin_url(ApplicationReview, "add")
    response = client.post(
        add,
        {
            "application": application.pk,
            "reviewer": world.users["mentor_a"].pk,
            **SCORES,
        },
    )
    assert response.status_code == 302, form_errors(response)
    review = ApplicationReview.objects.get(application=application)
    assert review.reviewer == world.users["manager_a"]


# --- 3. a mentor without an active assignment reviews nothing -------------------------


def test_a_mentor_without_an_active_assignment_cannot_review(world, api, client):
    from mentoring.models import MentorAssignment

    application = a_(world, CohortApplication)
    mentor = world.users["mentor_a"]
    data = {"application": application.pk, **SCORES}
    assignment = MentorAssignment.objects.get(mentor__user=mentor)
    assignment.status = "ended"
    assignment.end_date = assignment.start_date
    assignment.save()

    refused = api(mentor).post(url("application-reviews"), data, format="json", **EN)
    nowhere = api(mentor).post(
        url("application-reviews"),
        {**data, "application": application.pk + 1000},
        format="json",
        **EN,
    )
    assert refused.status_code == nowhere.status_code == 400
    assert refused.json()["application"][0].replace(
        str(application.pk), "ID"
    ) == nowhere.json()["application"][0].replace(str(application.pk + 1000), "ID")
    client.force_login(mentor)
    review = reverse("mentor-application-review", args=[application.pk])
    assert client.post(review, SCORES).status_code == 404
    assert not ApplicationReview.objects.filter(reviewer=mentor).exists()

    # Control: active again, the same mentor reviews through the same doors.
    assignment.status, assignment.end_date = "active", None
    assignment.save()
    response = api(mentor).post(url("application-reviews"), data, format="json")
    assert response.status_code == 201


# --- 4. a mentor never reads other reviewers' scores ----------------------------------


def test_a_mentor_reads_no_one_elses_scores(world, api, client):
    mentor = world.users["mentor_a"]
    application = a_(world, CohortApplication)
    theirs = a_(world, ApplicationReview)  # by manager A
    theirs.comment = "Tim belum berpengalaman."
    theirs.save(update_fields=["comment"])
    mine = ApplicationReviewFactory(application=application, reviewer=mentor)
    client_api = api(mentor)

    listed = client_api.get(url("application-reviews")).json()["results"]
    assert [row["id"] for row in listed] == [mine.pk]
    filtered = client_api.get(
        url("application-reviews"), {"application": application.pk}
    ).json()["results"]
    assert [row["id"] for row in filtered] == [mine.pk]
    assert client_api.get(url("application-reviews", theirs.pk)).status_code == 404
    shown = client_api.get(url("cohort-applications", application.pk)).json()
    assert shown["score"] is None  # the mean would reveal the others' totals
    assert (
        client_api.get(url("cohort-applications"), {"ordering": "score"}).json()[
            "results"
        ][0]["score"]
        is None
    )
    client.force_login(mentor)
    html = client.get(
        reverse("mentor-application-review", args=[application.pk])
    ).content.decode()
    assert theirs.comment not in html
    # The BLKK's pages, which show every review, are not theirs either.
    assert (
        client.get(page("application-detail", world, "a", application.pk)).status_code
        == 404
    )
    # Control: the BLKK's staff read both reviews and the score.
    staff = api(world.users["province_32"])
    assert {
        row["id"] for row in staff.get(url("application-reviews")).json()["results"]
    } == {theirs.pk, mine.pk}
    assert staff.get(url("cohort-applications", application.pk)).json()["score"]


def test_a_mentor_sees_no_applicants_personal_data(world, api, client):
    mentor = world.users["mentor_a"]
    application = a_(world, CohortApplication)
    applicant = application.applicant
    client.force_login(mentor)
    for path in (
        reverse("mentor-applications"),
        reverse("mentor-application-review", args=[application.pk]),
    ):
        html = client.get(path).content.decode()
        assert applicant.full_name in html  # a review needs the team's names
        secrets = [applicant.nik, applicant.nik[-4:], applicant.phone]
        for secret in filter(None, secrets):
            assert secret not in html, path
    record = api(mentor).get(url("cohort-applications", application.pk)).json()
    assert "nik" not in str(record)
    # Control: the applicant's own BLKK's manager sees the whole NIK.
    client.force_login(world.users["manager_a"])
    html = client.get(page("application-detail", world, "a", application.pk))
    assert applicant.nik in html.content.decode()


# --- 5. an application never moves to another BLKK's cohort ---------------------------


def test_an_application_is_not_moved_to_another_blkks_cohort(world, api, client):
    open_cohorts(world)
    application = a_(world, CohortApplication)
    before = snapshot(application)
    cohort_b = b_(world, Cohort)
    manager = api(world.users["manager_a"])
    path = url("cohort-applications", application.pk)

    moved = manager.patch(path, {"cohort": cohort_b.pk}, format="json", **EN)
    nowhere = manager.patch(path, {"cohort": cohort_b.pk + 1000}, format="json", **EN)
    assert moved.status_code == nowhere.status_code == 400
    assert moved.json()["cohort"][0].replace(str(cohort_b.pk), "ID") == nowhere.json()[
        "cohort"
    ][0].replace(str(cohort_b.pk + 1000), "ID")
    client.force_login(world.users["manager_a"])
    edit = page("application-update", world, "a", application.pk)
    response = client.post(
        edit, form_data_for_application(application, cohort=cohort_b.pk)
    )
    assert response.status_code == 200
    assert "cohort" in response.context["form"].errors
    admin_change = admin_url(CohortApplication, "change", application.pk)
    admin_page = client.get(admin_change)
    client.post(admin_change, form_data(admin_page, cohort=cohort_b.pk))
    assert snapshot(application) == before
    # Control: to another cohort of its own BLKK, it moves.
    other = OpenCohortFactory(blkk=a_(world, Blkk))
    assert manager.patch(path, {"cohort": other.pk}, format="json").status_code == 200


def form_data_for_application(application, **changes) -> dict:
    return {
        "cohort": application.cohort_id,
        "applicant": application.applicant_id,
        "business_name": application.business_name,
        "sector": application.sector,
        "idea": application.idea,
        "received_on": application.received_on.isoformat(),
        **changes,
    }


# --- 6. another BLKK's person named on an application: no oracle ----------------------


def test_another_blkks_person_is_refused_like_nobody(world, api, client):
    open_cohorts(world)
    cohort = a_(world, Cohort)
    person_b = b_(world, Trainee)
    applicant = TraineeFactory(blkk=a_(world, Blkk))
    manager = api(world.users["manager_a"])
    base = {
        "cohort": cohort.pk,
        "applicant": applicant.pk,
        "business_name": "Kopi",
        "sector": "kuliner",
        "idea": "-",
        "received_on": "2026-03-02",
    }
    missing = Trainee.objects.order_by("-pk").first().pk + 1000
    named = manager.post(
        url("cohort-applications"),
        {**base, "co_applicants": [person_b.pk]},
        format="json",
        **EN,
    )
    nobody = manager.post(
        url("cohort-applications"),
        {**base, "co_applicants": [missing]},
        format="json",
        **EN,
    )
    assert named.status_code == nobody.status_code == 400
    assert named.json()["co_applicants"][0].replace(
        str(person_b.pk), "ID"
    ) == nobody.json()["co_applicants"][0].replace(str(missing), "ID")
    # The page: by NIK, another BLKK's person reads like a NIK nobody has.
    client.force_login(world.users["manager_a"])
    new = page("application-create", world, "a")
    fields = {**base, "applicant": applicant.pk}
    by_nik = client.post(new, {**fields, "co_applicant_niks": person_b.nik})
    unknown_nik = "3273010101990999"
    by_unknown = client.post(new, {**fields, "co_applicant_niks": unknown_nik})
    first = by_nik.context["form"].errors["co_applicant_niks"]
    second = by_unknown.context["form"].errors["co_applicant_niks"]
    assert [m.replace(person_b.nik, "N") for m in first] == [
        m.replace(unknown_nik, "N") for m in second
    ]
    by_id = client.post(new, {**fields, "co_applicants": [person_b.pk]})
    by_missing_id = client.post(new, {**fields, "co_applicants": [missing]})
    assert [
        m.replace(str(person_b.pk), "ID")
        for m in by_id.context["form"].errors["co_applicants"]
    ] == [
        m.replace(str(missing), "ID")
        for m in by_missing_id.context["form"].errors["co_applicants"]
    ]
    assert CohortApplication.objects.filter(applicant=applicant).count() == 0
    # Control: a person of their own BLKK is named.
    colleague = TraineeFactory(blkk=a_(world, Blkk))
    response = manager.post(
        url("cohort-applications"),
        {**base, "co_applicants": [colleague.pk]},
        format="json",
    )
    assert response.status_code == 201, response.content


# --- 7. deciding twice, reviewing after the decision ----------------------------------


def test_an_application_is_decided_once_through_any_door(world, api, client):
    application = a_(world, CohortApplication)
    manager = api(world.users["manager_a"])
    # Control: the first acceptance creates the venture.
    assert manager.post(
        decide_url(application), {"decision": "accepted"}
    ).status_code == (201)
    assert manager.post(
        decide_url(application), {"decision": "accepted"}
    ).status_code == (400)
    ministry = api(world.users["ministry"])
    assert ministry.post(
        decide_url(application), {"decision": "rejected"}
    ).status_code == (400)
    client.force_login(world.users["manager_a"])
    again = client.post(
        page("application-decide", world, "a", application.pk),
        {"decision": "accepted", "on": "2026-03-02"},
    )
    assert again.status_code == 200
    client.force_login(world.users["ministry"])
    client.post(
        admin_url(CohortApplication, "decide", application.pk),
        {"decision": "accepted", "on": "2026-03-02"},
    )
    assert Venture.objects.filter(application=application).count() == 1
    assert Venture.objects.count() == 3  # the world's two and this one


def test_no_review_after_the_decision_through_any_door(world, api, client):
    application = a_(world, CohortApplication)
    mentor = world.users["mentor_a"]
    # Control: before the decision the mentor reviews.
    own = api(mentor).post(
        url("application-reviews"),
        {"application": application.pk, **SCORES},
        format="json",
    )
    assert own.status_code == 201
    api(world.users["manager_a"]).post(
        decide_url(application), {"decision": "rejected"}
    )
    late = api(world.users["ministry"]).post(
        url("application-reviews"), {"application": application.pk, **SCORES}
    )
    assert late.status_code == 400
    edit = api(mentor).patch(
        url("application-reviews", own.json()["id"]), {"market": 1}, format="json"
    )
    assert edit.status_code == 400
    client.force_login(mentor)
    client.post(
        reverse("mentor-application-review", args=[application.pk]),
        {**SCORES, "market": 1},
    )
    client.force_login(world.users["manager_a"])
    client.post(
        page("application-review", world, "a", application.pk), {**SCORES, "team": 1}
    )
    assert ApplicationReview.objects.get(pk=own.json()["id"]).market == 4
    assert (
        a_(world, ApplicationReview).team
        == snapshot(a_(world, ApplicationReview))["team"]
    )


# --- 8. CSRF on the new forms ---------------------------------------------------------


def test_the_intake_forms_need_their_csrf_token(world):
    open_cohorts(world)
    application = a_(world, CohortApplication)
    manager = Client(enforce_csrf_checks=True)
    manager.force_login(world.users["manager_a"])
    mentor = Client(enforce_csrf_checks=True)
    mentor.force_login(world.users["mentor_a"])
    posts = [
        (manager, page("application-create", world, "a"), {}),
        (manager, page("application-update", world, "a", application.pk), {}),
        (manager, page("application-review", world, "a", application.pk), SCORES),
        (
            manager,
            page("application-decide", world, "a", application.pk),
            {"decision": "shortlisted"},
        ),
        (
            mentor,
            reverse("mentor-application-review", args=[application.pk]),
            SCORES,
        ),
    ]
    before = snapshot(application)
    for client, path, data in posts:
        assert client.post(path, data).status_code == 403, path
    assert snapshot(application) == before
    assert not ApplicationReview.objects.filter(reviewer__username="mentor_a")
    # Control: with the form's token the same post goes through.
    form = mentor.get(reverse("mentor-application-review", args=[application.pk]))
    token = form.context["csrf_token"]
    response = mentor.post(
        reverse("mentor-application-review", args=[application.pk]),
        {**SCORES, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 303


# --- 9. erasing an applicant ----------------------------------------------------------


def test_erasing_a_person_erases_their_applications_and_their_place_on_others(
    world, api
):
    """Erasure (UU 27/2022) removes a person's records at every BLKK: the
    applications they made go with them, and they leave those they co-applied to.
    Only ministry staff erase (a manager's DELETE is refused, the control)."""
    person = a_(world, Trainee)
    own = CohortApplication.objects.get(applicant=person)
    other = CohortApplication.objects.exclude(pk=own.pk).filter(
        cohort__blkk=own.cohort.blkk
    ).first() or CohortApplicationFactory(cohort=own.cohort)
    other.co_applicants.add(person)
    refused = api(world.users["manager_a"]).delete(url("trainees", person.pk))
    assert refused.status_code == 403
    assert CohortApplication.objects.filter(pk=own.pk).exists()
    response = api(world.users["ministry"]).delete(url("trainees", person.pk))
    assert response.status_code == 204
    assert not Trainee.objects.filter(pk=person.pk).exists()
    assert not CohortApplication.objects.filter(pk=own.pk).exists()
    assert person.pk not in other.co_applicants.values_list("pk", flat=True)
    assert CohortApplication.objects.filter(pk=other.pk).exists()
