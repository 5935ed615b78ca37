"""The doors issue #12 opened, tried as an attacker would (docs/SECURITY.md,
"#12 doors"): another BLKK's instructors, qualifications, partnerships and
placements through the API, the portal's pages and the admin; records moved out of
one's scope; what a placement's refusal says about another BLKK's people; the grade
through every door that is not a grade assessment; partners and the partner form's
`next`; what the list filters and a mentor's answers reveal; CSRF on the new forms."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.admin_forms import admin_url, form_data
from tests.api.resources import url
from training.models import (
    Blkk,
    GradeAssessment,
    Instructor,
    InstructorQualification,
    Partner,
    Partnership,
    Placement,
    Trainee,
)

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}

# API resource of each record a manager keeps.
KEPT = {
    Instructor: "instructors",
    InstructorQualification: "instructor-qualifications",
    Partnership: "partnerships",
    Placement: "placements",
}


def a_(world, model):
    return world.objects[model]["a"]


def b_(world, model):
    return world.objects[model]["b"]


def snapshot(obj) -> dict:
    """The row as the database holds it now."""
    return type(obj).objects.filter(pk=obj.pk).values().get()


# --- 1. cross-door writes: another BLKK's records are not found ----------------------


@pytest.mark.parametrize("model", list(KEPT))
def test_another_blkks_record_is_404_to_every_api_write(world, api, model):
    client = api(world.users["manager_b"])
    target = a_(world, model)
    before = snapshot(target)
    path = url(KEPT[model], target.pk)
    for method in ("patch", "put", "delete"):
        response = getattr(client, method)(path, {}, format="json", **EN)
        assert response.status_code == 404, (method, response.content)
    assert client.get(path, **EN).status_code == 404
    assert snapshot(target) == before


def _edit_pages(world) -> list[str]:
    code = a_(world, Blkk).code
    instructor = a_(world, Instructor)
    return [
        reverse("instructor-update", args=[code, instructor.pk]),
        reverse("instructor-qualification-create", args=[code, instructor.pk]),
        reverse(
            "instructor-qualification-update",
            args=[code, instructor.pk, a_(world, InstructorQualification).pk],
        ),
        reverse("partnership-update", args=[code, a_(world, Partnership).pk]),
        reverse("placement-update", args=[code, a_(world, Placement).pk]),
    ]


def test_another_blkks_edit_pages_are_404_get_and_post(world, client):
    client.force_login(world.users["manager_b"])
    before = [snapshot(a_(world, model)) for model in KEPT]
    detail = reverse(
        "instructor-detail", args=[a_(world, Blkk).code, a_(world, Instructor).pk]
    )
    assert client.get(detail).status_code == 404
    for path in _edit_pages(world):
        assert client.get(path).status_code == 404, path
        assert client.post(path, {"full_name": "X", "position": "X"}).status_code == (
            404
        ), path
    # Under B's own code, A's records are not found either.
    code_b = b_(world, Blkk).code
    for name, pk in (
        ("instructor-update", a_(world, Instructor).pk),
        ("partnership-update", a_(world, Partnership).pk),
        ("placement-update", a_(world, Placement).pk),
    ):
        path = reverse(name, args=[code_b, pk])
        assert client.get(path).status_code == 404, path
        assert client.post(path, {"position": "X"}).status_code == 404, path
    assert [snapshot(a_(world, model)) for model in KEPT] == before


@pytest.mark.parametrize("model", list(KEPT))
def test_another_blkks_record_is_not_found_in_the_admin(world, client, model):
    """The admin answers another BLKK's record as it answers an id that is no
    record: Django's "does not exist" redirect to the admin index for the change
    and delete pages (the project's convention, `tests/test_admin.py`), 404 for the
    history; GET and POST alike, and nothing changes."""
    client.force_login(world.users["manager_b"])
    target = a_(world, model)
    before = snapshot(target)
    missing = model.objects.order_by("-pk").first().pk + 1000
    for view in ("change", "delete"):
        path, nowhere = (admin_url(model, view, pk) for pk in (target.pk, missing))
        for method, data in (("get", {}), ("post", {"post": "yes", "position": "X"})):
            response = getattr(client, method)(path, data)
            expected = getattr(client, method)(nowhere, data)
            assert response.status_code == expected.status_code == 302, (view, method)
            assert response["Location"] == expected["Location"], (view, method)
            assert response["Location"] == reverse("admin:index")
        shown = client.get(path, follow=True).content.decode()
        assert str(target) not in shown, view
    assert client.get(admin_url(model, "history", target.pk)).status_code == 404
    assert model.objects.filter(pk=target.pk).exists()
    assert snapshot(target) == before


def test_another_blkks_record_under_ones_own_ids_is_404(world, client):
    """Mixed ids: A's page, A's instructor, B's qualification or placement."""
    client.force_login(world.users["manager_a"])
    code = a_(world, Blkk).code
    for path in (
        reverse(
            "instructor-qualification-update",
            args=[
                code,
                a_(world, Instructor).pk,
                b_(world, InstructorQualification).pk,
            ],
        ),
        reverse("placement-update", args=[code, b_(world, Placement).pk]),
        reverse("partnership-update", args=[code, b_(world, Partnership).pk]),
        reverse("instructor-update", args=[code, b_(world, Instructor).pk]),
    ):
        assert client.get(path).status_code == 404, path
        assert client.post(path, {"title": "X", "position": "X"}).status_code == 404


# --- 2. moving one's own records out of one's scope ---------------------------------


def _page_form(response, **changes) -> dict:
    """The POST a browser would send for the portal form on `response`."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = value
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_placement_page_takes_no_partnership_of_another_blkk(world, client):
    client.force_login(world.users["manager_a"])
    placement = a_(world, Placement)
    path = reverse("placement-update", args=[a_(world, Blkk).code, placement.pk])
    page = client.get(path)
    assert page.status_code == 200
    before = snapshot(placement)
    response = client.post(
        path, _page_form(page, partnership=b_(world, Partnership).pk)
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert snapshot(placement) == before
    # The same form, kept inside the BLKK, saves.
    response = client.post(path, _page_form(page, position="Operator obras"))
    assert response.status_code in (302, 303), response.context["form"].errors
    assert Placement.objects.get(pk=placement.pk).position == "Operator obras"


def _refused(response) -> None:
    assert response.status_code in (400, 403), response.content


def test_a_manager_moves_no_record_to_another_blkk_or_to_the_nation(world, api):
    client = api(world.users["manager_a"])
    blkk_b = b_(world, Blkk)
    instructor, qualification, partnership, placement = (
        a_(world, model) for model in KEPT
    )
    before = [snapshot(obj) for obj in (instructor, qualification, partnership)]
    before_placement = snapshot(placement)
    tries = [
        (url("instructors", instructor.pk), {"blkk": blkk_b.pk}),
        (
            url("instructor-qualifications", qualification.pk),
            {"instructor": b_(world, Instructor).pk},
        ),
        (url("partnerships", partnership.pk), {"blkk": blkk_b.pk}),
        (url("partnerships", partnership.pk), {"blkk": None}),
        (url("placements", placement.pk), {"partnership": b_(world, Partnership).pk}),
        (url("placements", placement.pk), {"recorded_by_blkk": blkk_b.pk}),
        (url("placements", placement.pk), {"trainee": b_(world, Trainee).pk}),
    ]
    for path, data in tries:
        _refused(client.patch(path, data, format="json", **EN))
    assert [snapshot(obj) for obj in (instructor, qualification, partnership)] == (
        before
    )
    assert snapshot(placement) == before_placement
    # The same doors take a change that stays inside the BLKK (the refusals above
    # are the scope's, not a door closed to everything).
    for path, data in [
        (url("instructors", instructor.pk), {"full_name": "Instruktur A2"}),
        (url("instructor-qualifications", qualification.pk), {"title": "Penjahit"}),
        (url("partnerships", partnership.pk), {"agreement_number": "PKS-a2"}),
        (url("placements", placement.pk), {"position": "Operator"}),
    ]:
        response = client.patch(path, data, format="json", **EN)
        assert response.status_code == 200, (path, response.content)


def test_a_manager_records_nothing_under_another_blkk(world, api):
    client = api(world.users["manager_a"])
    blkk_b = b_(world, Blkk)
    counts = {model: model.objects.count() for model in KEPT}
    _refused(
        client.post(
            url("instructors"),
            {
                "blkk": blkk_b.pk,
                "full_name": "X",
                "gender": "M",
                "employment": "contract",
            },
            format="json",
            **EN,
        )
    )
    _refused(
        client.post(
            url("partnerships"),
            {
                "blkk": blkk_b.pk,
                "partner": b_(world, Partner).pk,
                "purposes": ["training"],
                "start_date": "2026-05-01",
            },
            format="json",
            **EN,
        )
    )
    _refused(
        client.post(
            url("partnerships"),
            {
                "blkk": None,
                "partner": b_(world, Partner).pk,
                "purposes": ["training"],
                "start_date": "2026-05-01",
            },
            format="json",
            **EN,
        )
    )
    assert {model: model.objects.count() for model in KEPT} == counts


# --- 3. a placement for a person the BLKK does not reach ----------------------------


def test_a_placement_for_another_blkks_person_reads_as_no_such_person(world, api):
    client = api(world.users["manager_a"])
    partnership = a_(world, Partnership)

    def attempt(trainee_id):
        return client.post(
            url("placements"),
            {
                "trainee": trainee_id,
                "partner": partnership.partner_id,
                "partnership": partnership.pk,
                "kind": "apprenticeship",
                "position": "Magang",
                "start_date": "2026-05-04",
            },
            format="json",
            **EN,
        )

    count = Placement.objects.count()
    missing = max(Trainee.objects.values_list("pk", flat=True)) + 1000
    elsewhere, nowhere = attempt(b_(world, Trainee).pk), attempt(missing)
    assert elsewhere.status_code == nowhere.status_code == 400
    text = elsewhere.content.decode().replace(str(b_(world, Trainee).pk), "ID")
    assert text == nowhere.content.decode().replace(str(missing), "ID")
    assert Placement.objects.count() == count


# --- 4. the grade: a grade assessment of ministry staff, and nothing else -----------


def _grade_state(blkk) -> tuple:
    blkk = Blkk.objects.get(pk=blkk.pk)
    return blkk.grade, GradeAssessment.objects.count()


@pytest.mark.parametrize("persona", ["manager_a", "province_32"])
def test_no_one_but_ministry_staff_changes_a_grade_through_the_api(world, api, persona):
    blkk = a_(world, Blkk)
    before = _grade_state(blkk)
    client = api(world.users[persona])
    _refused(client.patch(url("blkks", blkk.pk), {"grade": "mandiri"}, format="json"))
    response = client.post(
        url("grade-assessments"),
        {"blkk": blkk.pk, "assessed_on": "2026-05-01", "grade": "mandiri"},
        format="json",
    )
    _refused(response)
    existing = a_(world, GradeAssessment)
    response = client.patch(
        url("grade-assessments", existing.pk), {"grade": "mandiri"}, format="json"
    )
    assert response.status_code in (403, 404)
    assert client.delete(url("grade-assessments", existing.pk)).status_code in (
        403,
        404,
    )
    assert _grade_state(blkk) == before
    assert GradeAssessment.objects.get(pk=existing.pk).grade == existing.grade
    # The same body from ministry staff is a grade assessment, and moves the grade.
    response = api(world.users["ministry"]).post(
        url("grade-assessments"),
        {"blkk": blkk.pk, "assessed_on": "2026-05-01", "grade": "mandiri"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert Blkk.objects.get(pk=blkk.pk).grade == "mandiri"


@pytest.mark.parametrize("persona", ["manager_a", "province_32"])
def test_no_one_but_ministry_staff_changes_a_grade_through_the_pages(
    world, client, persona
):
    blkk = a_(world, Blkk)
    before = _grade_state(blkk)
    client.force_login(world.users[persona])
    code = blkk.code
    form = {"assessed_on": "2026-05-01", "grade": "mandiri"}
    response = client.post(reverse("assessment-create", args=[code]), form)
    assert response.status_code in (403, 404)
    contact = client.post(
        reverse("blkk-contact", args=[code]),
        {"grade": "mandiri", "address": "Jl. Baru 1", "phone": "", "email": ""},
    )
    assert contact.status_code in (200, 302, 303, 403)
    assert _grade_state(blkk) == before
    # The same form from ministry staff records the assessment.
    client.force_login(world.users["ministry"])
    response = client.post(reverse("assessment-create", args=[code]), form)
    assert response.status_code in (302, 303), response.content
    assert _grade_state(blkk) == ("mandiri", before[1] + 1)


def test_a_manager_changes_no_grade_in_the_admin(world, client):
    blkk = a_(world, Blkk)
    before = _grade_state(blkk)
    client.force_login(world.users["manager_a"])
    path = admin_url(Blkk, "change", blkk.pk)
    page = client.get(path)
    if page.status_code == 200:
        client.post(path, form_data(page, grade="mandiri"))
    else:
        assert page.status_code in (302, 403, 404)
        client.post(path, {"grade": "mandiri"})
    add = client.post(
        admin_url(GradeAssessment, "add"),
        {"blkk": blkk.pk, "assessed_on": "2026-05-01", "grade": "mandiri"},
    )
    assert add.status_code in (302, 403)
    assert _grade_state(blkk) == before


# --- 5. partners ---------------------------------------------------------------------


def test_a_manager_changes_and_deletes_no_partner(world, api):
    client = api(world.users["manager_a"])
    for side in ("a", "b"):
        partner = world.objects[Partner][side]
        before = snapshot(partner)
        path = url("partners", partner.pk)
        assert client.patch(path, {"name": "X"}, format="json").status_code == 403
        assert client.put(
            path, {"name": "X", "kind": "ngo"}, format="json"
        ).status_code == (403)
        assert client.delete(path).status_code == 403
        assert snapshot(partner) == before


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "http:/evil.example",
    ],
)
def test_adding_a_partner_returns_only_to_this_site(world, client, target):
    client.force_login(world.users["manager_a"])
    code = a_(world, Blkk).code
    path = reverse("partner-create", args=[code])
    response = client.post(
        f"{path}?next={target}",
        {"name": "CV Baru Jaya", "kind": "industry", "next": target},
    )
    assert response.status_code in (302, 303), response.content
    location = response["Location"]
    assert location.startswith("/"), location
    assert not location.startswith(("//", "/\\")), location
    assert "evil" not in location
    assert Partner.objects.filter(name="CV Baru Jaya").exists()


# --- 6. what the answers reveal ------------------------------------------------------


def _rows(response) -> set[int] | None:
    """The ids listed, or None when the filter was refused (400)."""
    if response.status_code == 400:
        return None
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_the_list_filters_naming_another_blkks_objects_list_none_of_its_rows(
    world, api
):
    client = api(world.users["manager_a"])
    b = {model: b_(world, model).pk for model in (Blkk, Partner, Trainee, Instructor)}
    queries = [
        ("partnerships", {"blkk": b[Blkk]}),
        ("partnerships", {"partner": b[Partner]}),
        ("placements", {"blkk": b[Blkk]}),
        ("placements", {"trainee": b[Trainee]}),
        ("placements", {"partner": b[Partner]}),
        ("instructors", {"blkk": b[Blkk]}),
        ("instructor-qualifications", {"instructor": b[Instructor]}),
        ("grade-assessments", {"blkk": b[Blkk]}),
    ]
    hidden = {
        "partnerships": {b_(world, Partnership).pk},
        "placements": {b_(world, Placement).pk},
        "instructors": {b_(world, Instructor).pk},
        "instructor-qualifications": {b_(world, InstructorQualification).pk},
        "grade-assessments": {b_(world, GradeAssessment).pk},
    }
    for resource, query in queries:
        rows = _rows(client.get(url(resource), query))
        assert not rows, (resource, query, rows)
        # Unfiltered, B's rows are not there either.
        assert not (_rows(client.get(url(resource))) & hidden[resource]), resource


def test_a_mentor_sees_no_programme_records_but_national_partnerships(world, api):
    national = Partnership.objects.create(
        partner=a_(world, Partner), blkk=None, start_date="2026-01-05"
    )
    client = api(world.users["mentor_a"])
    for model, resource in (
        (Instructor, "instructors"),
        (InstructorQualification, "instructor-qualifications"),
        (Placement, "placements"),
        (GradeAssessment, "grade-assessments"),
    ):
        assert _rows(client.get(url(resource))) == set(), resource
        for side in ("a", "b"):
            pk = world.objects[model][side].pk
            assert client.get(url(resource, pk)).status_code == 404, resource
    assert _rows(client.get(url("partnerships"))) == {national.pk}
    for side in ("a", "b"):
        local = world.objects[Partnership][side].pk
        assert client.get(url("partnerships", local)).status_code == 404
    assert client.get(url("partnerships", national.pk)).status_code == 200
    partners = {world.objects[Partner][side].pk for side in ("a", "b")}
    assert partners <= _rows(client.get(url("partners")))


# --- 7. CSRF on the new forms --------------------------------------------------------


def test_every_new_portal_post_needs_the_csrf_token(world):
    code = a_(world, Blkk).code
    instructor = a_(world, Instructor)
    forms = [
        reverse("instructor-create", args=[code]),
        reverse("instructor-update", args=[code, instructor.pk]),
        reverse("instructor-qualification-create", args=[code, instructor.pk]),
        reverse(
            "instructor-qualification-update",
            args=[code, instructor.pk, a_(world, InstructorQualification).pk],
        ),
        reverse("partnership-create", args=[code]),
        reverse("partnership-update", args=[code, a_(world, Partnership).pk]),
        reverse("partner-create", args=[code]),
        reverse("placement-create", args=[code]),
        reverse("placement-update", args=[code, a_(world, Placement).pk]),
        reverse("blkk-contact", args=[code]),
    ]
    counts = {model: model.objects.count() for model in (*KEPT, Partner)}
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["manager_a"])
    for path in forms:
        assert client.post(path, {"full_name": "X", "name": "X"}).status_code == 403, (
            path
        )
    ministry = Client(enforce_csrf_checks=True)
    ministry.force_login(world.users["ministry"])
    assessing = reverse("assessment-create", args=[code])
    form = {"assessed_on": "2026-05-01", "grade": "mandiri"}
    assert ministry.post(assessing, form).status_code == 403
    assert {model: model.objects.count() for model in (*KEPT, Partner)} == counts
    assert _grade_state(a_(world, Blkk))[1] == 2
    # With the checks off, the same POSTs reach the forms (the 403s above are
    # CSRF's, not the role's).
    plain = Client()
    plain.force_login(world.users["manager_a"])
    for path in forms:
        assert plain.post(path, {"full_name": "X", "name": "X"}).status_code != 403, (
            path
        )
    plain.force_login(world.users["ministry"])
    assert plain.post(assessing, form).status_code != 403
