"""Certifications and graduate outcomes under `/blkk/CODE/`: read by every BLKK
that reaches the person, written only by the BLKK that keeps the record."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from blkk_portal.forms import RUPIAH_MESSAGE
from tests.personas import PASSWORD
from tests.test_content_policy import inline_scripts
from tests.training.factories import (
    CertificationFactory,
    EnrollmentFactory,
    GraduateOutcomeFactory,
    TraineeFactory,
)
from tests.training.record_pages import in_indonesian, signed_in, text, url
from training.models import Certification, GraduateOutcome

NBSP = "\u00a0"
NOT_A_GRADUATE = gettext_lazy(
    "An outcome is recorded for a graduate: this person has no training completed "
    "on or before this date."
)


KINDS = {
    "certification": (Certification, CertificationFactory),
    "outcome": (GraduateOutcome, GraduateOutcomeFactory),
}


def record_pages(kind: str, blkk, record) -> dict[str, str]:
    return {
        "list": url(f"{kind}-list", blkk),
        "new": url(f"{kind}-create", blkk),
        "edit": url(f"{kind}-update", blkk, record.pk),
    }


# --- who opens which page -------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("page", ["list", "new", "edit"])
def test_every_record_page_requires_sign_in(client, graduate_a, kind, page):
    record = KINDS[kind][1](trainee=graduate_a)
    response = client.get(record_pages(kind, graduate_a.blkk, record)[page])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("page", ["list", "new", "edit"])
def test_the_manager_opens_every_record_page(client, manager_a, graduate_a, kind, page):
    record = KINDS[kind][1](trainee=graduate_a)
    client = signed_in(client, manager_a)
    response = client.get(record_pages(kind, graduate_a.blkk, record)[page])
    assert response.status_code == 200
    assert inline_scripts(response) == []
    assert " style=" not in text(response)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("persona", ["mentor_a", "manager_b"])
@pytest.mark.parametrize("page", ["list", "new", "edit"])
def test_no_record_page_for_a_mentor_or_another_blkks_manager(
    client, request, graduate_a, kind, persona, page
):
    record = KINDS[kind][1](trainee=graduate_a)
    client = signed_in(client, request.getfixturevalue(persona))
    response = client.get(record_pages(kind, graduate_a.blkk, record)[page])
    assert response.status_code == 404


@pytest.mark.parametrize("kind", KINDS)
def test_a_record_about_someone_this_blkk_does_not_reach_is_not_found(
    client, manager_a, blkk_a, graduate_b, kind
):
    factory = KINDS[kind][1]
    record = factory(trainee=graduate_b)
    client = signed_in(client, manager_a)
    response = client.get(url(f"{kind}-update", blkk_a, record.pk))
    assert response.status_code == 404
    listed = client.get(url(f"{kind}-list", blkk_a), {"trainee": graduate_b.pk})
    assert list(listed.context["page"].object_list) == []
    assert graduate_b.full_name not in text(listed)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("persona", ["ministry_user", "province_user"])
def test_staff_read_records_without_a_way_to_write(
    client, request, graduate_a, kind, persona
):
    model, factory = KINDS[kind]
    record = factory(trainee=graduate_a)
    pages = record_pages(kind, graduate_a.blkk, record)
    client = signed_in(client, request.getfixturevalue(persona))
    listed = client.get(pages["list"])
    assert listed.status_code == 200
    assert graduate_a.full_name in text(listed)
    assert pages["new"] not in text(listed)
    assert pages["edit"] not in text(listed)
    for page in ("new", "edit"):
        assert client.get(pages[page]).status_code == 403
        assert client.post(pages[page], {"trainee": graduate_a.pk}).status_code == 403
    assert model.objects.count() == 1


@pytest.mark.parametrize("kind", KINDS)
def test_a_record_kept_by_another_blkk_is_read_here_but_not_changed(
    client, manager_a, blkk_a, blkk_b, shared, kind
):
    factory = KINDS[kind][1]
    theirs = factory(trainee=shared, recorded_by_blkk=blkk_b)
    client = signed_in(client, manager_a)
    listed = client.get(url(f"{kind}-list", blkk_a))
    page = text(listed)
    assert "Citra Dewi" in page
    assert url(f"{kind}-update", blkk_a, theirs.pk) not in page
    with translation.override("id"):
        assert str(translation.gettext("Kept by %(blkk)s") % {"blkk": blkk_b.name}) in (
            page
        )
    edit = url(f"{kind}-update", blkk_a, theirs.pk)
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"trainee": shared.pk}).status_code == 403
    theirs.refresh_from_db()
    assert theirs.recorded_by_blkk == blkk_b


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("count", [3, 30])
def test_record_lists_take_the_same_queries_for_3_or_30_rows(
    client, manager_a, blkk_a, blkk_b, django_assert_max_num_queries, kind, count
):
    factory = KINDS[kind][1]
    for _n in range(count):
        # Half registered elsewhere: their whole NIKs shown here are recorded.
        person = TraineeFactory(blkk=blkk_a if _n % 2 else blkk_b, graduate=True)
        EnrollmentFactory(trainee=person, batch__blkk=blkk_a)
        factory(trainee=person, recorded_by_blkk=blkk_a)
    client = signed_in(client, manager_a)
    with django_assert_max_num_queries(14):
        response = client.get(url(f"{kind}-list", blkk_a))
    assert len(response.context["page"].object_list) == min(count, 25)


# --- certifications ---------------------------------------------------------------


def certification_fields(trainee, **changes) -> dict:
    return {
        "trainee": trainee.pk,
        "scheme": "Menjahit Pakaian Wanita",
        "lsp_name": "LSP P3 Garmen Indonesia",
        "issued_on": "2025-04-10",
        "result": "competent",
        "number": "GRM/0042/2025",
        **changes,
    }


def test_a_manager_records_a_certification_kept_by_their_blkk(
    client, manager_a, blkk_a, shared
):
    response = signed_in(client, manager_a).post(
        url("certification-create", blkk_a), certification_fields(shared)
    )
    assert response.status_code == 303
    assert response["Location"] == url("certification-list", blkk_a)
    certification = Certification.objects.get()
    assert (certification.trainee, certification.recorded_by_blkk) == (shared, blkk_a)
    assert certification.issued_on == datetime.date(2025, 4, 10)
    listed = text(client.get(url("certification-list", blkk_a)))
    assert "10 April 2025" in listed
    assert "10 April 2028" in listed  # valid for three years


def test_the_list_offers_this_blkks_people(
    client, manager_a, blkk_a, graduate_a, graduate_b, shared
):
    response = signed_in(client, manager_a).get(url("certification-create", blkk_a))
    offered = [
        value for value, _label in response.context["form"].fields["trainee"].choices
    ]
    assert offered == ["", graduate_a.pk, shared.pk]
    assert graduate_b.full_name not in text(response)


def test_the_person_in_the_query_is_chosen(client, manager_a, blkk_a, graduate_a):
    response = signed_in(client, manager_a).get(
        url("certification-create", blkk_a), {"trainee": graduate_a.pk}
    )
    assert f'<option value="{graduate_a.pk}" selected>' in text(response)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"issued_on": "2999-01-01"},
            "issued_on",
            gettext_lazy("This date cannot be in the future."),
        ),
        ({"result": "maybe"}, "result", None),
        ({"scheme": ""}, "scheme", gettext_lazy("This field is required.")),
    ],
)
def test_a_bad_certification_is_refused_and_nothing_stored(
    client, manager_a, blkk_a, graduate_a, changes, field, message
):
    response = signed_in(client, manager_a).post(
        url("certification-create", blkk_a),
        certification_fields(graduate_a, **changes),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    if message is not None:
        assert errors == [in_indonesian(message)]
    assert not Certification.objects.exists()


def test_a_certificate_number_the_lsp_already_issued_is_refused(
    client, manager_a, blkk_a, graduate_a
):
    CertificationFactory(lsp_name="LSP P3 Garmen Indonesia", number="GRM/0042/2025")
    response = signed_in(client, manager_a).post(
        url("certification-create", blkk_a), certification_fields(graduate_a)
    )
    assert response.status_code == 200
    expected = in_indonesian(
        gettext_lazy(
            "This certification body already issued a certificate with this number."
        )
    )
    assert expected in text(response)
    assert not Certification.objects.filter(trainee=graduate_a).exists()


def test_a_person_this_blkk_does_not_reach_cannot_be_certified_here(
    client, manager_a, blkk_a, graduate_b
):
    response = signed_in(client, manager_a).post(
        url("certification-create", blkk_a), certification_fields(graduate_b)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["trainee"]
    assert not Certification.objects.exists()


def test_a_manager_changes_a_certification_of_their_blkk(
    client, manager_a, blkk_a, graduate_a
):
    certification = CertificationFactory(trainee=graduate_a)
    client = signed_in(client, manager_a)
    edit = url("certification-update", blkk_a, certification.pk)
    form = client.get(edit)
    assert f'value="{certification.number}"' in text(form)
    response = client.post(
        edit, certification_fields(graduate_a, result="not_yet", number="X/1")
    )
    assert response.status_code == 303
    certification.refresh_from_db()
    assert (certification.result, certification.number) == ("not_yet", "X/1")
    assert certification.recorded_by_blkk == blkk_a


# --- graduate outcomes ------------------------------------------------------------


def outcome_fields(trainee, **changes) -> dict:
    return {
        "trainee": trainee.pk,
        "surveyed_on": "2025-09-01",
        "status": "employed",
        "employer_or_business": "CV Maju Jaya",
        "monthly_income": "1.250.000",
        **changes,
    }


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("1.250.000", 1_250_000), ("Rp 2.500.000", 2_500_000), ("900000", 900_000)],
)
def test_a_manager_records_an_outcome_with_income_typed_as_people_do(
    client, manager_a, blkk_a, graduate_a, typed, stored
):
    client = signed_in(client, manager_a)
    response = client.post(
        url("outcome-create", blkk_a), outcome_fields(graduate_a, monthly_income=typed)
    )
    assert response.status_code == 303
    outcome = GraduateOutcome.objects.get()
    assert (outcome.monthly_income, outcome.recorded_by_blkk) == (stored, blkk_a)
    listed = text(client.get(url("outcome-list", blkk_a)))
    shown = f"Rp{NBSP}{stored:,}".replace(",", ".")
    assert shown in listed


def test_an_income_typed_otherwise_is_refused(client, manager_a, blkk_a, graduate_a):
    response = signed_in(client, manager_a).post(
        url("outcome-create", blkk_a),
        outcome_fields(graduate_a, monthly_income="1,25 juta"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["monthly_income"] == [
        in_indonesian(RUPIAH_MESSAGE)
    ]
    assert not GraduateOutcome.objects.exists()


def test_an_outcome_without_an_income_is_stored_without_one(
    client, manager_a, blkk_a, graduate_a
):
    response = signed_in(client, manager_a).post(
        url("outcome-create", blkk_a),
        outcome_fields(graduate_a, monthly_income="", status="unemployed"),
    )
    assert response.status_code == 303
    assert GraduateOutcome.objects.get().monthly_income is None


def test_outcomes_are_offered_for_graduates_and_refused_for_others(
    client, manager_a, blkk_a, graduate_a
):
    not_yet = EnrollmentFactory(batch__blkk=blkk_a, active=True).trainee
    client = signed_in(client, manager_a)
    form = client.get(url("outcome-create", blkk_a))
    offered = [
        value for value, _label in form.context["form"].fields["trainee"].choices
    ]
    assert offered == ["", graduate_a.pk]
    assert form.context["form"]["surveyed_on"].value() == timezone.localdate()
    # Chosen anyway, the person is refused with the service's own words.
    for person, surveyed in ((not_yet, "2025-09-01"), (graduate_a, "2025-03-01")):
        response = client.post(
            url("outcome-create", blkk_a),
            outcome_fields(person, surveyed_on=surveyed),
        )
        assert response.status_code == 200
        assert response.context["form"].errors["surveyed_on"] == [
            in_indonesian(NOT_A_GRADUATE)
        ]
    assert not GraduateOutcome.objects.exists()


def test_a_manager_changes_an_outcome_of_their_blkk(
    client, manager_a, blkk_a, graduate_a
):
    outcome = GraduateOutcomeFactory(trainee=graduate_a, monthly_income=2_500_000)
    client = signed_in(client, manager_a)
    edit = url("outcome-update", blkk_a, outcome.pk)
    assert 'value="2500000"' in text(client.get(edit))
    response = client.post(
        edit,
        outcome_fields(graduate_a, status="self_employed", monthly_income="3.000.000"),
    )
    assert response.status_code == 303
    outcome.refresh_from_db()
    assert (outcome.status, outcome.monthly_income) == ("self_employed", 3_000_000)


def test_an_outcome_posted_after_the_session_ended_comes_back_unsaved(
    client, manager_a, blkk_a, graduate_a
):
    page = url("outcome-create", blkk_a)
    start = datetime.datetime(2026, 9, 1, 8, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        client.post(reverse("login"), {"username": "manager_a", "password": PASSWORD})
        assert client.get(page).status_code == 200
        clock.shift(datetime.timedelta(minutes=31))
        expired = client.post(page, outcome_fields(graduate_a))
        assert expired.status_code == 302
        client.post(
            f"{reverse('login')}?next={page}",
            {"username": "manager_a", "password": PASSWORD, "next": page},
        )
        resumed = client.get(page)
    form = resumed.context["form"]
    assert form.is_bound
    assert form["employer_or_business"].value() == "CV Maju Jaya"
    assert form["monthly_income"].value() == "1.250.000"
    assert not GraduateOutcome.objects.exists()
