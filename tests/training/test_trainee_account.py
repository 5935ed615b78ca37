"""A person's own portal account (`Trainee.account`): linked by ministry staff only,
so that nobody reviews an application they are on (issue #13)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.admin_forms import admin_url, form_errors, post_change
from training import services
from training.models import Trainee

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_ministry_staff_link_a_person_to_their_account_in_the_admin(
    admin_client_for, world
):
    trainee = world.objects[Trainee]["a"]
    mentor = world.users["mentor_a"]
    response = post_change(admin_client_for("ministry"), trainee, account=mentor.pk)
    assert response.status_code == 302, form_errors(response)
    assert Trainee.objects.get(pk=trainee.pk).account == mentor


def test_a_manager_is_not_offered_the_account_nor_shown_the_accounts(
    admin_client_for, world
):
    trainee = world.objects[Trainee]["a"]
    page = admin_client_for("manager_a").get(admin_url(Trainee, "change", trainee.pk))
    assert page.status_code == 200
    assert "account" not in page.context["adminform"].form.fields
    # The control: ministry staff are offered it.
    page = admin_client_for("ministry").get(admin_url(Trainee, "change", trainee.pk))
    assert "account" in page.context["adminform"].form.fields


def test_a_manager_cannot_link_an_account_through_the_services(world):
    trainee = world.objects[Trainee]["a"]
    manager = world.users["manager_a"]
    with pytest.raises(ValidationError) as refused:
        services.trainee_update(trainee=trainee, account=manager, by=manager)
    assert refused.value.message_dict == {
        "account": ["Only ministry staff can change this field."]
    }
    assert Trainee.objects.get(pk=trainee.pk).account is None
    services.trainee_update(
        trainee=trainee, account=manager, by=world.users["ministry"]
    )
    assert Trainee.objects.get(pk=trainee.pk).account == manager


def test_a_manager_cannot_register_a_person_with_an_account(world):
    manager = world.users["manager_a"]
    source = world.objects[Trainee]["a"]
    fields = {
        name: getattr(source, name)
        for name in ("full_name", "gender", "birth_date", "regency", "education")
    }
    with pytest.raises(ValidationError) as refused:
        services.trainee_register(
            nik="3273014501990001",
            prior_status=source.prior_status,
            blkk=source.blkk,
            account=manager,
            by=manager,
            **fields,
        )
    assert "account" in refused.value.message_dict
    assert not Trainee.objects.filter(nik="3273014501990001").exists()
