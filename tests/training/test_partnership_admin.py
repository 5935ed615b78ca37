"""Partners and partnerships in the admin: scoped like the API, written through the
same services, with history."""

from __future__ import annotations

import pytest
from django import forms
from django.urls import reverse

from training.models import Blkk, Partner, Partnership


def admin_url(model, view: str, *args) -> str:
    return reverse(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args
    )


@pytest.fixture
def national(world):
    national = Partnership.objects.create(
        partner=world.objects[Partner]["b"],
        agreement_number="KEMNAKER/1",
        start_date="2026-01-05",
    )
    national.purposes.add("training")
    return national


def partnership_post(world, **changes) -> dict:
    return {
        "partner": world.objects[Partner]["b"].pk,
        "blkk": world.objects[Blkk]["a"].pk,
        "purposes": ["training", "mentoring"],
        "agreement_number": "PKS/ADMIN/1",
        "signed_on": "2026-01-10",
        "start_date": "2026-02-01",
        "end_date": "",
        **changes,
    }


def test_a_manager_is_offered_only_their_blkk_and_the_purposes_ticked(
    admin_client_for, world
):
    form = (
        admin_client_for("manager_a")
        .get(admin_url(Partnership, "add"))
        .context["adminform"]
        .form
    )
    assert list(form.fields["blkk"].queryset) == [world.objects[Blkk]["a"]]
    assert form.fields["blkk"].required  # no national partnership for a manager
    # Inside the admin's related-field wrapper (no "add" link: the purposes are fixed).
    purposes = form.fields["purposes"].widget
    assert isinstance(purposes.widget, forms.CheckboxSelectMultiple)
    assert not purposes.can_add_related


def test_ministry_staff_may_leave_the_blkk_empty_for_a_national_one(
    admin_client_for, world
):
    client = admin_client_for("ministry")
    form = client.get(admin_url(Partnership, "add")).context["adminform"].form
    assert not form.fields["blkk"].required
    assert form.fields["blkk"].queryset.count() == Blkk.objects.count()

    response = client.post(
        admin_url(Partnership, "add"), partnership_post(world, blkk="")
    )

    assert response.status_code == 302
    national = Partnership.objects.get(agreement_number="PKS/ADMIN/1")
    assert national.blkk is None
    assert national.history.latest().history_user == world.users["ministry"]


def test_a_manager_records_a_partnership_through_the_service(admin_client_for, world):
    response = admin_client_for("manager_a").post(
        admin_url(Partnership, "add"), partnership_post(world)
    )

    assert response.status_code == 302
    partnership = Partnership.objects.get(agreement_number="PKS/ADMIN/1")
    assert partnership.blkk == world.objects[Blkk]["a"]
    assert set(partnership.purposes.values_list("code", flat=True)) == {
        "training",
        "mentoring",
    }
    assert partnership.history.latest().history_user == world.users["manager_a"]


@pytest.mark.parametrize("blkk", ["other", ""])
def test_a_manager_posts_no_partnership_of_another_blkk_or_national(
    admin_client_for, world, blkk
):
    chosen = world.objects[Blkk]["b"].pk if blkk == "other" else ""
    response = admin_client_for("manager_a").post(
        admin_url(Partnership, "add"), partnership_post(world, blkk=chosen)
    )
    assert response.status_code == 200
    assert "blkk" in response.context["adminform"].form.errors
    assert not Partnership.objects.filter(agreement_number="PKS/ADMIN/1").exists()


def test_the_services_rules_show_on_the_admins_form(english, admin_client_for, world):
    client = admin_client_for("manager_a")
    no_purpose = client.post(
        admin_url(Partnership, "add"), partnership_post(world, purposes=[])
    )
    ends_early = client.post(
        admin_url(Partnership, "add"), partnership_post(world, end_date="2026-01-01")
    )

    assert no_purpose.context["adminform"].form.errors["purposes"] == [
        "Choose at least one purpose."
    ]
    assert ends_early.context["adminform"].form.errors["end_date"] == [
        "The end date cannot be before the start date."
    ]
    assert not Partnership.objects.filter(agreement_number="PKS/ADMIN/1").exists()


def test_a_manager_lists_their_partnerships_and_the_national_ones(
    admin_client_for, world, national
):
    listed = set(
        admin_client_for("manager_a")
        .get(admin_url(Partnership, "changelist"))
        .context["cl"]
        .result_list
    )
    assert listed == {world.objects[Partnership]["a"], national}


def test_a_manager_reads_a_national_partnership_but_does_not_change_it(
    admin_client_for, world, national
):
    client = admin_client_for("manager_a")
    page = client.get(admin_url(Partnership, "change", national.pk))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    response = client.post(
        admin_url(Partnership, "change", national.pk),
        partnership_post(world, agreement_number="X"),
    )
    assert response.status_code == 403
    national.refresh_from_db()
    assert national.agreement_number == "KEMNAKER/1"


def test_another_blkks_partnership_and_its_history_are_not_found(
    admin_client_for, world
):
    client = admin_client_for("manager_b")
    theirs = world.objects[Partnership]["a"]
    assert client.get(admin_url(Partnership, "history", theirs.pk)).status_code == 404
    response = client.get(admin_url(Partnership, "change", theirs.pk), follow=True)
    assert response.redirect_chain


def test_a_manager_adds_a_partner_but_does_not_change_one(
    english, admin_client_for, world
):
    client = admin_client_for("manager_a")
    body = {"name": "Universitas IPB", "kind": "university", "regency": "32.71"}

    added = client.post(admin_url(Partner, "add"), body)
    again = client.post(admin_url(Partner, "add"), {**body, "name": "universitas ipb"})

    assert added.status_code == 302
    partner = Partner.objects.get(name="Universitas IPB")
    assert again.status_code == 200
    assert again.context["adminform"].form.errors["name"] == [
        f"Universitas IPB (Kota Bogor) is already recorded as a partner, no. "
        f"{partner.pk}: choose it instead of adding it again."
    ]
    changed = client.post(
        admin_url(Partner, "change", partner.pk), {**body, "name": "IPB University"}
    )
    assert changed.status_code == 403
    assert client.post(admin_url(Partner, "delete", partner.pk)).status_code == 403
    partner.refresh_from_db()
    assert partner.name == "Universitas IPB"


def test_a_partner_in_use_is_not_deleted_in_the_admin(admin_client_for, world):
    used = world.objects[Partner]["a"]
    response = admin_client_for("ministry").post(
        admin_url(Partner, "delete", used.pk), {"post": "yes"}
    )
    # Django's admin lists what refers to it instead of deleting it.
    assert response.status_code == 200
    assert response.context["protected"]
    assert Partner.objects.filter(pk=used.pk).exists()
