"""The admin answers for ministry staff on every model and holds the same scoping."""

from __future__ import annotations

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse

from incubator.models import StageChange, Venture
from mentoring.models import MentoringSession
from training.models import Blkk, Enrollment, Trainee, TrainingBatch
from training.validators import mask_nik

PORTAL_APPS = {"accounts", "training", "incubator", "mentoring", "reports"}
PORTAL_MODELS = [m for m in admin.site._registry if m._meta.app_label in PORTAL_APPS]


def admin_url(model, view: str, *args) -> str:
    return reverse(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args
    )


@pytest.fixture
def client_for(client, world):
    def login(persona):
        client.force_login(world.users[persona])
        return client

    return login


@pytest.mark.parametrize("model", PORTAL_MODELS, ids=lambda m: m._meta.label)
def test_ministry_opens_changelist_and_change_page_of_every_model(client_for, model):
    client = client_for("ministry")
    assert client.get(admin_url(model, "changelist")).status_code == 200
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, "the world fixture should hold one of every model"
    assert client.get(admin_url(model, "change", obj.pk)).status_code == 200


def test_ministry_searches_trainees_by_exact_nik(client_for, world):
    trainee = world.objects[Trainee]["b"]
    response = client_for("ministry").get(
        admin_url(Trainee, "changelist"), {"q": trainee.nik}
    )
    assert list(response.context["cl"].result_list) == [trainee]


def test_manager_sees_only_own_blkk_in_admin(client_for, world):
    client = client_for("manager_a")
    for model in (Blkk, Trainee, Enrollment, TrainingBatch, Venture, MentoringSession):
        listed = set(
            client.get(admin_url(model, "changelist")).context["cl"].result_list
        )
        assert listed == {world.objects[model]["a"]}, model


def test_manager_cannot_open_other_blkk_records_in_admin(client_for, world):
    client = client_for("manager_a")
    for model in (Blkk, Trainee, Enrollment, Venture):
        other = world.objects[model]["b"]
        response = client.get(admin_url(model, "change", other.pk), follow=True)
        # Django's admin treats an object outside the queryset as missing.
        assert response.redirect_chain, model
        assert str(other) not in response.content.decode()
        assert client.get(admin_url(model, "history", other.pk)).status_code == 404


def test_manager_is_offered_only_own_blkk_when_adding_a_batch(client_for, world):
    client = client_for("manager_a")
    form = client.get(admin_url(TrainingBatch, "add")).context["adminform"].form
    assert list(form.fields["blkk"].queryset) == [world.objects[Blkk]["a"]]


def test_manager_cannot_post_a_batch_for_another_blkk(client_for, world):
    client = client_for("manager_a")
    response = client.post(
        admin_url(TrainingBatch, "add"),
        {
            "blkk": world.objects[Blkk]["b"].pk,
            "vocational_field": world.objects[TrainingBatch]["b"].vocational_field_id,
            "name": "Angkatan Siluman",
            "start_date": "2026-06-01",
            "end_date": "2026-06-30",
            "capacity": 16,
            "enrollments-TOTAL_FORMS": 0,
            "enrollments-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "blkk" in response.context["adminform"].form.errors
    assert not TrainingBatch.objects.filter(name="Angkatan Siluman").exists()


def test_manager_changes_only_contact_details_of_own_blkk(client_for, world):
    client = client_for("manager_a")
    blkk = world.objects[Blkk]["a"]
    form = client.get(admin_url(Blkk, "change", blkk.pk)).context["adminform"].form
    assert set(form.fields) == {"address", "phone", "email"}
    assert client.get(admin_url(Blkk, "add")).status_code == 403


def test_province_staff_read_with_masked_nik_and_cannot_write(client_for, world):
    client = client_for("province_32")
    trainee = world.objects[Trainee]["a"]
    listing = client.get(admin_url(Trainee, "changelist")).content.decode()
    detail = client.get(admin_url(Trainee, "change", trainee.pk)).content.decode()
    for page in (listing, detail):
        assert mask_nik(trainee.nik) in page
        assert trainee.nik not in page
    assert client.get(admin_url(Trainee, "add")).status_code == 403
    response = client.post(admin_url(Trainee, "change", trainee.pk), {"full_name": "X"})
    assert response.status_code == 403


def test_mentor_and_anonymous_are_sent_to_the_admin_login(client, client_for):
    for response in (
        client.get(admin_url(Trainee, "changelist")),
        client_for("mentor_a").get(admin_url(Trainee, "changelist")),
    ):
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]


def test_enrollment_beyond_capacity_is_refused_in_the_admin(client_for, world):
    batch = world.objects[TrainingBatch]["a"]
    TrainingBatch.objects.filter(pk=batch.pk).update(capacity=1)
    trainee_b = world.objects[Trainee]["b"]
    response = client_for("ministry").post(
        admin_url(Enrollment, "add"),
        {"trainee": trainee_b.pk, "batch": batch.pk, "status": "registered"},
    )
    assert response.status_code == 200
    # Indonesian is the default language, and the message is in it.
    assert response.context["adminform"].form.errors["batch"] == [
        "Angkatan ini sudah penuh (kapasitas 1 orang)."
    ]
    assert not Enrollment.objects.filter(trainee=trainee_b, batch=batch).exists()


def test_stage_change_form_moves_the_venture_and_records_history(client_for, world):
    venture = world.objects[Venture]["a"]
    url = reverse("admin:incubator_venture_stage", args=[venture.pk])
    client = client_for("manager_a")
    today = datetime.date.today().isoformat()  # noqa: DTZ011 (a date, as the form posts)
    response = client.post(url, {"to_stage": "incubation", "changed_on": today})
    assert response.status_code == 302
    venture.refresh_from_db()
    assert venture.stage == "incubation"
    assert StageChange.objects.filter(venture=venture).count() == 2

    backwards = client.post(url, {"to_stage": "pre_incubation", "changed_on": today})
    assert backwards.status_code == 200
    assert backwards.context["form"].errors["to_stage"]
    assert (
        client_for("manager_b")
        .get(reverse("admin:incubator_venture_stage", args=[venture.pk]))
        .status_code
        == 404
    )


def test_trainee_changelist_queries_do_not_grow_with_rows(
    client_for, world, django_assert_max_num_queries
):
    client = client_for("ministry")
    url = admin_url(Trainee, "changelist")
    with django_assert_max_num_queries(20):
        client.get(url)
    for serial in range(2, 32):
        source = world.objects[Trainee]["a"]
        Trainee.objects.create(
            nik=source.nik[:12] + f"{serial:04d}",
            full_name=f"Peserta {serial}",
            gender=source.gender,
            birth_date=source.birth_date,
            regency_id=source.regency_id,
            education="smk",
            prior_status="student",
            blkk_id=source.blkk_id,
            registered_on=source.registered_on,
            consent_on=source.registered_on,
        )
    with django_assert_max_num_queries(20):
        client.get(url)
