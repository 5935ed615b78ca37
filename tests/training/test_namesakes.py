"""Two people of the same name can be told apart wherever a person is chosen: the
admin's pickers and autocomplete results show the birth date and the NIK as the user
may see it (whole for the person's own BLKK's managers, masked for others)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from tests.training.factories import TraineeFactory
from training.validators import mask_nik

pytestmark = pytest.mark.django_db


@pytest.fixture
def namesakes(blkk_a):
    return [
        TraineeFactory(full_name="Ayu Lestari", blkk=blkk_a, birth_date=born, serial=n)
        for n, born in enumerate(
            (datetime.date(1998, 5, 17), datetime.date(2001, 3, 2)), start=1
        )
    ]


def autocomplete(client, term: str):
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": term,
            "app_label": "training",
            "model_name": "certification",
            "field_name": "trainee",
        },
    )
    assert response.status_code == 200
    return sorted(result["text"] for result in response.json()["results"])


def test_a_manager_tells_namesakes_apart_in_the_autocomplete(
    client, manager_a, namesakes
):
    client.force_login(manager_a)
    with translation.override("id"):
        texts = autocomplete(client, "Ayu")
    assert texts == [
        f"Ayu Lestari \u00b7 17 Mei 1998 \u00b7 NIK {namesakes[0].nik}",
        f"Ayu Lestari \u00b7 2 Maret 2001 \u00b7 NIK {namesakes[1].nik}",
    ]


def test_province_staff_see_namesakes_with_masked_niks(
    client, province_user, namesakes
):
    client.force_login(province_user)
    texts = autocomplete(client, "Ayu")
    assert len(texts) == 2
    for person in namesakes:
        assert any(mask_nik(person.nik) in text for text in texts)
        assert not any(person.nik in text for text in texts)


def test_the_admins_picker_labels_the_chosen_person(client, manager_a, namesakes):
    client.force_login(manager_a)
    url = reverse("admin:training_certification_add")
    response = client.get(url, {"trainee": namesakes[1].pk})
    field = response.context["adminform"].form.fields["trainee"]
    label = field.label_from_instance(field.queryset.get(pk=namesakes[1].pk))
    assert namesakes[1].nik in label
    assert "2001" in label
