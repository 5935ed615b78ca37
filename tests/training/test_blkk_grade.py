"""A BLKK's grade is given at registration and then moves only by a grade
assessment, at every door (service, API, admin, its history's revert); and its LSP
licence (number and date) is there exactly when its certification body is licensed."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.admin_forms import EN, admin_url, form_errors, post_change
from tests.api.resources import url
from tests.fields import fields_of
from training import services
from training.models import Blkk, GradeAssessment

from .factories import BlkkFactory, regency

GRADE_BY_ASSESSMENT = (
    "A BLKK's grade changes only through a grade assessment: record an assessment "
    "with the new grade instead."
)
NUMBER_REQUIRED = "A licensed certification body (LSP) needs its licence number."
DATE_REQUIRED = "A licensed certification body (LSP) needs the date it was licensed."
ONLY_WHEN_LICENSED = (
    "Only a licensed certification body (LSP) has a licence: set the status to "
    "licensed, or leave this empty."
)
NUMBER_TAKEN = "Another BLKK already holds this LSP licence number."
LICENSED_ON = datetime.date(2024, 5, 2)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def new_blkk_fields(**overrides) -> dict:
    return {**fields_of(BlkkFactory.build(regency=regency("32.73"))), **overrides}


def stored(blkk) -> Blkk:
    return Blkk.objects.get(pk=blkk.pk)


# --- the grade through the service ----------------------------------------------------


def test_the_grade_given_at_registration_is_kept_as_registered(ministry_user):
    blkk = services.blkk_create(**new_blkk_fields(grade="mandiri"), by=ministry_user)
    assert (stored(blkk).grade, stored(blkk).registered_grade) == ("mandiri", "mandiri")


@pytest.mark.parametrize("by", ["ministry_user", None])
def test_no_one_changes_the_grade_by_updating_the_blkk(request, blkk_a, by):
    user = request.getfixturevalue(by) if by else None
    with pytest.raises(ValidationError) as caught:
        services.blkk_update(blkk=blkk_a, grade="mandiri", name="Baru", by=user)
    assert caught.value.message_dict == {"grade": [GRADE_BY_ASSESSMENT]}
    assert (stored(blkk_a).grade, stored(blkk_a).name) == ("tumbuh", blkk_a.name)


def test_the_same_grade_posted_again_is_no_change(blkk_a, ministry_user):
    services.blkk_update(blkk=blkk_a, grade="tumbuh", name="Baru", by=ministry_user)
    assert (stored(blkk_a).grade, stored(blkk_a).name) == ("tumbuh", "Baru")


def test_the_registered_grade_stays_as_given(blkk_a, ministry_user):
    with pytest.raises(ValidationError) as caught:
        services.blkk_update(blkk=blkk_a, registered_grade="mandiri", by=ministry_user)
    assert list(caught.value.message_dict) == ["registered_grade"]


def test_an_assessment_moves_the_grade_and_keeps_the_registered_one(
    blkk_a, ministry_user
):
    services.grade_assessment_record(
        blkk=blkk_a,
        grade="mandiri",
        assessed_on=datetime.date(2026, 1, 5),
        by=ministry_user,
    )
    assert (stored(blkk_a).grade, stored(blkk_a).registered_grade) == (
        "mandiri",
        "tumbuh",
    )


# --- the grade through the API --------------------------------------------------------


def test_the_api_sets_the_grade_on_create(ministry_user, api):
    body = {**new_blkk_fields(grade="berkembang"), "regency": "32.73"}
    response = api(ministry_user).post(url("blkks"), body, format="json", **EN)
    assert response.status_code == 201, response.content
    blkk = Blkk.objects.get(pk=response.json()["id"])
    assert (blkk.grade, blkk.registered_grade) == ("berkembang", "berkembang")


def test_the_api_answers_400_to_a_grade_change_even_from_ministry_staff(
    blkk_a, ministry_user, api
):
    response = api(ministry_user).patch(
        url("blkks", blkk_a.pk), {"grade": "mandiri"}, format="json", **EN
    )
    assert response.status_code == 400
    assert response.json() == {"grade": [GRADE_BY_ASSESSMENT]}
    assert stored(blkk_a).grade == "tumbuh"


def test_the_api_takes_the_blkk_back_with_its_grade_unchanged(
    blkk_a, ministry_user, api
):
    client = api(ministry_user)
    body = client.get(url("blkks", blkk_a.pk)).json()
    body["name"] = "BLKK Al-Ikhlas"
    response = client.put(url("blkks", blkk_a.pk), body, format="json", **EN)
    assert response.status_code == 200, response.content
    assert (stored(blkk_a).name, stored(blkk_a).grade) == ("BLKK Al-Ikhlas", "tumbuh")


# --- the grade in the admin -----------------------------------------------------------


def test_the_admin_shows_the_grade_read_only_once_registered(admin_client_for, world):
    blkk = world.objects[Blkk]["a"]
    page = admin_client_for("ministry").get(admin_url(Blkk, "change", blkk.pk))
    form = page.context["adminform"].form
    assert "grade" not in form.fields
    assert {"name", "lsp_status", "lsp_license_number", "lsp_licensed_on"} <= set(
        form.fields
    )
    content = page.content.decode()
    assert "field-grade" in content
    assert "field-registered_grade" in content


def test_the_admin_offers_the_grade_when_registering(admin_client_for, world):
    page = admin_client_for("ministry").get(admin_url(Blkk, "add"))
    form = page.context["adminform"].form
    assert "grade" in form.fields
    assert "field-registered_grade" not in page.content.decode()


def test_a_grade_posted_to_the_admin_anyway_is_refused(admin_client_for, world):
    blkk = world.objects[Blkk]["a"]
    response = post_change(
        admin_client_for("ministry"), blkk, grade="mandiri", name="Baru"
    )
    assert response.status_code == 200
    assert form_errors(response) == {"__all__": [GRADE_BY_ASSESSMENT]}
    assert (stored(blkk).grade, stored(blkk).name) == ("tumbuh", blkk.name)


def test_reverting_the_blkk_to_an_old_version_leaves_its_grade(admin_client_for, world):
    blkk = world.objects[Blkk]["a"]
    ministry = world.users["ministry"]
    before = Blkk.history.filter(id=blkk.pk).latest("history_id")
    services.grade_assessment_record(blkk=blkk, grade="mandiri", by=ministry)
    assert stored(blkk).grade == "mandiri"
    client = admin_client_for("ministry")
    revert_url = admin_url(Blkk, "simple_history", blkk.pk, before.history_id)
    page = client.get(revert_url)
    assert page.status_code == 200

    assert "grade" not in page.context["adminform"].form.fields

    response = client.post(revert_url, revert_data(page, grade="tumbuh"))

    assert response.status_code == 200
    assert form_errors(response) == {"__all__": [GRADE_BY_ASSESSMENT]}
    response = client.post(revert_url, revert_data(page))
    assert response.status_code == 302, form_errors(response)
    assert stored(blkk).grade == "mandiri"


def revert_data(page, **changes) -> dict:
    """What the history page's "revert" form posts (it has no inlines)."""
    form = page.context["adminform"].form
    data = {
        name: form[name].value()
        for name in form.fields
        if form[name].value() not in (None, False)
    }
    return {**data, **changes}


def test_a_blkks_admin_page_lists_its_assessments_and_offers_to_record_one(
    admin_client_for, world
):
    blkk = world.objects[Blkk]["a"]
    page = admin_client_for("ministry").get(admin_url(Blkk, "change", blkk.pk))
    inline = next(
        formset
        for formset in page.context["inline_admin_formsets"]
        if formset.opts.model is GradeAssessment
    )
    assert [form.instance for form in inline.formset.forms] == [
        world.objects[GradeAssessment]["a"]
    ]
    content = page.content.decode()
    assert f'href="{admin_url(GradeAssessment, "add")}?blkk={blkk.pk}"' in content
    listed = f"{admin_url(GradeAssessment, 'changelist')}?blkk__id__exact={blkk.pk}"
    assert f'href="{listed}"' in content


def test_a_manager_reads_the_assessments_but_is_not_offered_to_record_one(
    admin_client_for, world
):
    blkk = world.objects[Blkk]["a"]
    page = admin_client_for("manager_a").get(admin_url(Blkk, "change", blkk.pk))
    content = page.content.decode()
    assert admin_url(GradeAssessment, "add") not in content
    listed = f"{admin_url(GradeAssessment, 'changelist')}?blkk__id__exact={blkk.pk}"
    assert f'href="{listed}"' in content


# --- the LSP licence, field by field --------------------------------------------------


@pytest.mark.parametrize(
    ("licence", "errors"),
    [
        (
            {"lsp_status": "licensed"},
            {
                "lsp_license_number": [NUMBER_REQUIRED],
                "lsp_licensed_on": [DATE_REQUIRED],
            },
        ),
        (
            {"lsp_status": "licensed", "lsp_licensed_on": LICENSED_ON},
            {"lsp_license_number": [NUMBER_REQUIRED]},
        ),
        (
            {"lsp_status": "licensed", "lsp_license_number": "BNSP-LSP-0123-ID"},
            {"lsp_licensed_on": [DATE_REQUIRED]},
        ),
        (
            {"lsp_status": "preparing", "lsp_license_number": "BNSP-LSP-0123-ID"},
            {"lsp_license_number": [ONLY_WHEN_LICENSED]},
        ),
        (
            {"lsp_status": "none", "lsp_licensed_on": LICENSED_ON},
            {"lsp_licensed_on": [ONLY_WHEN_LICENSED]},
        ),
    ],
)
def test_the_licence_is_given_exactly_when_licensed(
    blkk_a, ministry_user, licence, errors
):
    with pytest.raises(ValidationError) as caught:
        services.blkk_update(blkk=blkk_a, **licence, by=ministry_user)
    assert caught.value.message_dict == errors
    assert stored(blkk_a).lsp_status == "none"


def test_a_licensed_blkk_with_its_number_and_date_is_stored(blkk_a, ministry_user):
    services.blkk_update(
        blkk=blkk_a,
        lsp_status="licensed",
        lsp_license_number="BNSP-LSP-0123-ID",
        lsp_licensed_on=LICENSED_ON,
        by=ministry_user,
    )
    blkk = stored(blkk_a)
    assert (blkk.lsp_status, blkk.lsp_license_number, blkk.lsp_licensed_on) == (
        "licensed",
        "BNSP-LSP-0123-ID",
        LICENSED_ON,
    )


def test_a_licence_date_in_the_future_is_refused(blkk_a, ministry_user):
    with pytest.raises(ValidationError) as caught:
        services.blkk_update(
            blkk=blkk_a,
            lsp_status="licensed",
            lsp_license_number="BNSP-LSP-0123-ID",
            lsp_licensed_on=datetime.date(2999, 1, 1),
            by=ministry_user,
        )
    assert caught.value.message_dict == {
        "lsp_licensed_on": ["This date cannot be in the future."]
    }


def test_no_two_blkks_hold_one_licence_number(blkk_a, blkk_b, ministry_user):
    licence = {
        "lsp_status": "licensed",
        "lsp_license_number": "BNSP-LSP-0123-ID",
        "lsp_licensed_on": LICENSED_ON,
    }
    services.blkk_update(blkk=blkk_a, **licence, by=ministry_user)
    # The BLKK keeps its own number through a change of something else.
    services.blkk_update(blkk=stored(blkk_a), name="Baru", **licence, by=ministry_user)

    with pytest.raises(ValidationError) as caught:
        services.blkk_update(blkk=blkk_b, **licence, by=ministry_user)
    assert caught.value.message_dict == {"lsp_license_number": [NUMBER_TAKEN]}
    with pytest.raises(ValidationError) as caught:
        services.blkk_create(**new_blkk_fields(**licence), by=ministry_user)
    assert caught.value.message_dict == {"lsp_license_number": [NUMBER_TAKEN]}


@pytest.mark.parametrize(
    "change",
    [
        {"lsp_status": "licensed"},
        {"lsp_license_number": "BNSP-LSP-0123-ID"},
        {"lsp_licensed_on": LICENSED_ON},
    ],
)
def test_the_database_refuses_a_licence_out_of_step_with_the_status(blkk_a, change):
    refused = pytest.raises(IntegrityError, match="blkk_lsp_license_iff_licensed")
    with refused, transaction.atomic():
        Blkk.objects.filter(pk=blkk_a.pk).update(**change)


def test_the_api_reads_and_writes_the_licence(blkk_a, ministry_user, api):
    client = api(ministry_user)
    missing = client.patch(
        url("blkks", blkk_a.pk), {"lsp_status": "licensed"}, format="json", **EN
    )
    assert missing.status_code == 400
    assert missing.json() == {
        "lsp_license_number": [NUMBER_REQUIRED],
        "lsp_licensed_on": [DATE_REQUIRED],
    }

    response = client.patch(
        url("blkks", blkk_a.pk),
        {
            "lsp_status": "licensed",
            "lsp_license_number": "BNSP-LSP-0123-ID",
            "lsp_licensed_on": "2024-05-02",
        },
        format="json",
        **EN,
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["lsp_license_number"], body["lsp_licensed_on"]) == (
        "BNSP-LSP-0123-ID",
        "2024-05-02",
    )
    fields = list(body)
    assert fields[fields.index("lsp_status") + 1 :][:2] == [
        "lsp_license_number",
        "lsp_licensed_on",
    ]


def test_the_admin_puts_a_missing_licence_number_on_its_field(admin_client_for, world):
    blkk = world.objects[Blkk]["a"]
    response = post_change(
        admin_client_for("ministry"),
        blkk,
        lsp_status="licensed",
        lsp_licensed_on="2024-05-02",
    )
    assert response.status_code == 200
    assert form_errors(response) == {"lsp_license_number": [NUMBER_REQUIRED]}
    assert stored(blkk).lsp_status == "none"


def test_a_manager_sees_the_licence_but_cannot_change_it(admin_client_for, world):
    blkk = world.objects[Blkk]["a"]
    client = admin_client_for("manager_a")
    form = client.get(admin_url(Blkk, "change", blkk.pk)).context["adminform"].form
    assert "lsp_license_number" not in form.fields
    response = post_change(client, blkk, lsp_license_number="BNSP-LSP-9")
    assert response.status_code == 200
    assert form_errors(response) == {
        "__all__": ["Only ministry staff can change this field."]
    }


def test_the_database_refuses_a_licence_number_held_by_another_blkk(blkk_a, blkk_b):
    """Two registrations at the same moment both pass the form's check; the unique
    index on the non-empty numbers keeps one of them out."""
    licence = {
        "lsp_status": "licensed",
        "lsp_license_number": "BNSP-LSP-0123-ID",
        "lsp_licensed_on": LICENSED_ON,
    }
    Blkk.objects.filter(pk=blkk_a.pk).update(**licence)
    refused = pytest.raises(IntegrityError, match="blkk_lsp_license_number_unique")
    with refused, transaction.atomic():
        Blkk.objects.filter(pk=blkk_b.pk).update(**licence)
