"""The admin reads integers, ids and months from ASCII digits only (issue #9, hole 9):
Django's forms and look-ups call `int()`, which reads Arabic-Indic and full-width
digits as numbers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.admin_forms import EN, admin_url, form_errors, post_change
from training.models import Blkk, Trainee, TrainingBatch, VocationalField


def full_width(number: int) -> str:
    return str(number).translate({ord("0") + d: 0xFF10 + d for d in range(10)})


def arabic_indic(number: int) -> str:
    return str(number).translate({ord("0") + d: 0x0660 + d for d in range(10)})


SPELLINGS = [full_width, arabic_indic]


@pytest.fixture
def ministry(client, world, english):
    client.force_login(world.users["ministry"])
    return client


@pytest.mark.parametrize("capacity", [arabic_indic(23), full_width(23), "23\n"])
def test_an_integer_in_an_admin_form_takes_ascii_digits_only(world, ministry, capacity):
    batch = world.objects[TrainingBatch]["a"]

    response = post_change(ministry, batch, capacity=capacity)

    assert form_errors(response) == {"capacity": ["Enter a whole number."]}
    batch.refresh_from_db()
    assert batch.capacity != 23


@pytest.mark.parametrize("spell", SPELLINGS)
def test_a_related_id_in_an_admin_form_takes_ascii_digits_only(world, ministry, spell):
    blkk = world.objects[Blkk]["a"]
    data = {
        "blkk": spell(blkk.pk),
        "vocational_field": VocationalField.objects.get(code="menjahit").pk,
        "name": "Angkatan Baru",
        "start_date": "2026-09-01",
        "end_date": "2026-10-01",
        "capacity": "20",
    }

    response = ministry.post(admin_url(TrainingBatch, "add"), data, **EN)

    assert form_errors(response) == {
        "blkk": [
            "Select a valid choice. That choice is not one of the available choices."
        ]
    }
    assert not TrainingBatch.objects.filter(name="Angkatan Baru").exists()


@pytest.mark.parametrize("spell", SPELLINGS)
def test_an_id_in_an_admin_url_takes_ascii_digits_only(world, ministry, spell):
    batch, trainee = world.objects[TrainingBatch]["a"], world.objects[Trainee]["a"]
    assert ministry.get(admin_url(TrainingBatch, "change", batch.pk)).status_code == 200

    change = ministry.get(admin_url(TrainingBatch, "change", spell(batch.pk)))
    history = ministry.get(admin_url(Trainee, "history", spell(trainee.pk)))

    # The admin's answer to an id that does not exist: back to the index.
    assert change.status_code == 302
    assert change.url == reverse("admin:index")
    assert history.status_code == 404


@pytest.mark.parametrize(
    "day",
    [
        "\u0662\u0660\u0662\u0666-\u0660\u0665-\u0660\u0661",
        "\uff12\uff10\uff12\uff16-\uff10\uff15-\uff10\uff11",
    ],
)
def test_a_date_in_an_admin_form_takes_ascii_digits_only(world, ministry, day):
    # Django's own date field already refuses these (its strptime reads ASCII
    # digits only); kept so that a custom date field cannot bring them back.
    batch = world.objects[TrainingBatch]["a"]

    response = post_change(ministry, batch, end_date=day)

    assert form_errors(response) == {"end_date": ["Enter a valid date."]}
    batch.refresh_from_db()
    assert str(batch.end_date) != "2026-05-01"
