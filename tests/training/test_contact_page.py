"""A BLKK's contact details (`/blkk/CODE/contact/`): its managers keep them through
`blkk_update`; ministry and province staff read them; no one else finds the page."""

from __future__ import annotations

from html import unescape

import pytest
from django.urls import reverse

from tests.api.resources import url as api_url
from training.models import Blkk

pytestmark = pytest.mark.django_db

CONTACT = {
    "address": "Jl. Cibaduyut No. 12\nBandung",
    "phone": "+6281311112222",
    "email": "blkk.alikhlas@example.id",
}


def contact_page(blkk) -> str:
    return reverse("blkk-contact", args=[blkk.code])


def test_manager_changes_their_blkks_contact_details(client, blkk_a, manager_a):
    client.force_login(manager_a)
    form = client.get(contact_page(blkk_a))
    assert form.status_code == 200
    assert form.context["form"]["phone"].value() == blkk_a.phone
    response = client.post(contact_page(blkk_a), CONTACT)
    assert response.status_code == 303
    assert response["Location"] == contact_page(blkk_a)
    blkk_a.refresh_from_db()
    assert (blkk_a.address, blkk_a.phone, blkk_a.email) == (
        CONTACT["address"],
        CONTACT["phone"],
        CONTACT["email"],
    )


def test_nothing_but_the_contact_details_changes(client, blkk_a, manager_a):
    name, grade = blkk_a.name, blkk_a.grade
    client.force_login(manager_a)
    client.post(
        contact_page(blkk_a), {**CONTACT, "name": "Renamed", "grade": "mandiri"}
    )
    blkk_a.refresh_from_db()
    assert (blkk_a.name, blkk_a.grade) == (name, grade)
    assert blkk_a.phone == CONTACT["phone"]


def test_bad_details_are_refused_with_the_apis_messages_and_nothing_stored(
    client, api, blkk_a, manager_a
):
    bad = {**CONTACT, "phone": "0221234", "email": "not-an-email"}
    client.force_login(manager_a)
    response = client.post(contact_page(blkk_a), bad)
    assert response.status_code == 200
    answer = api(manager_a).patch(
        api_url("blkks", blkk_a.pk),
        bad,
        format="json",
        HTTP_ACCEPT_LANGUAGE="id",
    )
    assert answer.status_code == 400
    errors = response.context["form"].errors
    assert {"phone": errors["phone"], "email": errors["email"]} == answer.json()
    blkk_a.refresh_from_db()
    assert blkk_a.address == ""
    assert blkk_a.phone == "081234567890"


def test_the_service_decides_what_a_manager_may_change(client, blkk_a, manager_a):
    """Should the page ever post more than the contact details, `blkk_update`
    refuses the rest with its message, and stores nothing."""
    from unittest import mock

    from training.forms import BlkkContactForm

    class WiderForm(BlkkContactForm):
        class Meta(BlkkContactForm.Meta):
            fields = [*BlkkContactForm.Meta.fields, "name"]

    client.force_login(manager_a)
    with mock.patch("training.views.contact.BlkkContactForm", WiderForm):
        response = client.post(contact_page(blkk_a), {**CONTACT, "name": "Renamed"})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    blkk_a.refresh_from_db()
    assert blkk_a.phone == "081234567890"


@pytest.mark.parametrize("persona", ["ministry_user", "province_user"])
def test_staff_read_the_contact_details_and_cannot_change_them(
    request, client, blkk_a, persona
):
    Blkk.objects.filter(pk=blkk_a.pk).update(address="Jl. Soekarno-Hatta 5")
    client.force_login(request.getfixturevalue(persona))
    response = client.get(contact_page(blkk_a))
    assert response.status_code == 200
    content = unescape(response.content.decode())
    assert "Jl. Soekarno-Hatta 5" in content
    assert '<form method="post" class="page-form"' not in content
    assert client.post(contact_page(blkk_a), CONTACT).status_code == 403
    blkk_a.refresh_from_db()
    assert blkk_a.address == "Jl. Soekarno-Hatta 5"


@pytest.mark.parametrize("persona", ["manager_b", "mentor_a"])
def test_another_blkks_manager_or_a_mentor_finds_no_such_page(
    request, client, blkk_a, persona
):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(contact_page(blkk_a)).status_code == 404
    assert client.post(contact_page(blkk_a), CONTACT).status_code == 404
    blkk_a.refresh_from_db()
    assert blkk_a.address == ""


def test_province_staff_of_another_province_find_no_such_page(
    client, blkk_b, province_user
):
    client.force_login(province_user)
    assert client.get(contact_page(blkk_b)).status_code == 404


def test_the_page_asks_to_sign_in_first(client, blkk_a):
    response = client.get(contact_page(blkk_a))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_menu_of_a_blkks_pages_leads_to_its_contact_details(
    client, blkk_a, manager_a
):
    client.force_login(manager_a)
    content = client.get(contact_page(blkk_a)).content.decode()
    assert f'href="{contact_page(blkk_a)}" aria-current="page"' in content
