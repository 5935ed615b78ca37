"""A BLKK's trainee page as a CSV file (`/blkk/CODE/trainees/export/`,
training/views/exports.py): the link on the list, carrying its search; the rows of
that page, written as the API's export writes them; who may have it.
"""

from __future__ import annotations

import csv
import datetime
import io
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from blkk_portal.audit.models import AuditAction, PersonalDataEvent
from training.models import Blkk, Trainee, TrainingBatch
from training.validators import mask_nik

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _exports_not_throttled(settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "export": "1000/min"},
    }


def list_page(blkk: Blkk) -> str:
    return reverse("trainee-list", args=[blkk.code])


def export_page(blkk: Blkk) -> str:
    return reverse("trainee-export", args=[blkk.code])


def signed_in(client, user):
    client.force_login(user)
    return client


def rows_of(response) -> dict[int, dict[str, str]]:
    assert response.status_code == 200, response
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))
    return {int(row["id"]): row for row in reader}


@pytest.fixture
def shared(world):
    """B's person, enrolled at A too: on A's page, registered elsewhere."""
    person = world.objects[Trainee]["b"]
    world.objects[TrainingBatch]["a"].enrollments.create(
        trainee=person, status="registered"
    )
    return person


def test_the_list_links_to_its_file_with_its_search(client, world, english):
    blkk = world.objects[Blkk]["a"]
    response = signed_in(client, world.users["manager_a"]).get(
        list_page(blkk), {"q": "Peserta"}
    )
    page = unescape(response.content.decode())
    assert f'href="{export_page(blkk)}?q=Peserta" download>Download CSV</a>' in page


def test_an_empty_list_offers_no_file(client, world, english):
    blkk = world.objects[Blkk]["a"]
    response = signed_in(client, world.users["manager_a"]).get(
        list_page(blkk), {"q": "nobody"}
    )
    assert "Download CSV" not in response.content.decode()


def test_a_managers_file_is_their_pages_rows_with_whole_niks(client, world, shared):
    blkk = world.objects[Blkk]["a"]
    own = world.objects[Trainee]["a"]
    response = signed_in(client, world.users["manager_a"]).get(export_page(blkk))

    rows = rows_of(response)

    assert set(rows) == {own.pk, shared.pk}
    assert rows[own.pk]["nik"] == own.nik
    assert rows[shared.pk]["nik"] == shared.nik
    assert response["Content-Disposition"] == (
        'attachment; filename="trainees-blkk-3273-001-'
        f'{timezone.localdate():%Y-%m-%d}.csv"'
    )


def test_the_search_of_the_page_narrows_the_file(client, world, shared):
    blkk = world.objects[Blkk]["a"]
    response = signed_in(client, world.users["manager_a"]).get(
        export_page(blkk), {"q": "peserta b"}
    )
    assert set(rows_of(response)) == {shared.pk}


def test_rows_come_newest_first_as_on_the_page(client, world, shared):
    Trainee.objects.filter(pk=shared.pk).update(registered_on=datetime.date(2026, 3, 3))
    blkk = world.objects[Blkk]["a"]
    response = signed_in(client, world.users["ministry"]).get(export_page(blkk))
    assert list(rows_of(response)) == [shared.pk, world.objects[Trainee]["a"].pk]


def test_province_staff_get_niks_masked(client, world):
    blkk = world.objects[Blkk]["a"]
    person = world.objects[Trainee]["a"]
    response = signed_in(client, world.users["province_32"]).get(export_page(blkk))
    rows = rows_of(response)
    assert rows[person.pk]["nik"] == mask_nik(person.nik)
    assert rows[person.pk]["birth_date"] == person.birth_date.isoformat()


def test_a_nik_search_by_someone_who_sees_niks_masked_goes_back_to_the_page(
    client, world
):
    blkk = world.objects[Blkk]["a"]
    digits = world.objects[Trainee]["a"].nik[:6]
    response = signed_in(client, world.users["province_32"]).get(
        export_page(blkk), {"q": digits}
    )
    assert response.status_code == 303
    assert response["Location"] == f"{list_page(blkk)}?q={digits}"
    assert not PersonalDataEvent.objects.exists()


@pytest.mark.parametrize("persona", ["manager_b", "mentor_a", "province_32"])
def test_a_blkk_the_user_does_not_open_answers_404(client, world, persona):
    blkk = world.objects[Blkk]["a" if persona != "province_32" else "b"]
    response = signed_in(client, world.users[persona]).get(export_page(blkk))
    assert response.status_code == 404
    assert not PersonalDataEvent.objects.exists()


def test_signing_in_is_required(client, world):
    response = client.get(export_page(world.objects[Blkk]["a"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_one_audit_event_names_the_user_and_the_search(client, world, shared):
    blkk = world.objects[Blkk]["a"]
    user = world.users["manager_a"]
    rows_of(signed_in(client, user).get(export_page(blkk), {"q": "peserta"}))

    (event,) = PersonalDataEvent.objects.all()
    assert event.action == AuditAction.EXPORT
    assert event.user == user
    assert event.query == f"{export_page(blkk)}?q=peserta"
    assert event.rows == 2


def test_too_many_exports_go_back_to_the_page_with_a_message(
    client, world, settings, english
):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "export": "1/min",
        },
    }
    blkk = world.objects[Blkk]["a"]
    client = signed_in(client, world.users["manager_a"])
    rows_of(client.get(export_page(blkk)))

    refused = client.get(export_page(blkk), {"q": "Peserta"}, follow=True)

    assert refused.redirect_chain == [(f"{list_page(blkk)}?q=Peserta", 303)]
    assert "Too many exports in a short time: try again in" in (
        refused.content.decode()
    )
    assert PersonalDataEvent.objects.count() == 1
