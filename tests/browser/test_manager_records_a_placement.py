"""A BLKK manager on a phone records a graduate's placement (an apprenticeship
with a partner of the BLKK) from the person's page, and finds it in the list."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.browser.helpers import screenshot, sign_in
from tests.personas import PASSWORD
from tests.training.factories import PartnershipFactory, TraineeFactory
from training.models import Placement


def test_a_manager_records_a_placement_for_a_graduate_on_a_phone(
    phone, manager_a, blkk_a
):
    graduate = TraineeFactory(blkk=blkk_a, graduate=True, full_name="Ayu Lestari")
    partnership = PartnershipFactory(
        blkk=blkk_a, partner__name="PT Busana Priangan", agreement_number="PKS/07/2025"
    )

    sign_in(phone, "manager_a", PASSWORD)
    phone.goto(f"/blkk/{blkk_a.code}/trainees/{graduate.pk}/")
    new = f"/blkk/{blkk_a.code}/placements/new/?trainee={graduate.pk}"
    with phone.expect_navigation():
        phone.locator(f'a[href="{new}"]').click()

    form = phone.locator("form.page-form")
    # The person comes chosen from their page.
    assert form.locator("select[name=trainee]").input_value() == str(graduate.pk)
    form.locator("select[name=partner]").select_option(str(partnership.partner_id))
    form.locator("select[name=partnership]").select_option(str(partnership.pk))
    form.locator("select[name=kind]").select_option("apprenticeship")
    form.locator("input[name=position]").fill("Magang penjahit")
    form.locator("input[name=start_date]").fill("2025-04-14")
    form.locator("input[name=monthly_pay]").fill("1.500.000")
    form.locator("select[name=status]").select_option("active")
    screenshot(phone, "manager-placement-form-phone")
    with phone.expect_navigation():
        form.locator("button[type=submit]").click()

    assert urlsplit(phone.url).path == f"/blkk/{blkk_a.code}/placements/"
    placement = Placement.objects.get(trainee=graduate)
    assert (placement.kind, placement.monthly_pay, placement.recorded_by_blkk) == (
        "apprenticeship",
        1_500_000,
        blkk_a,
    )
    row = phone.locator("#placements li").first
    assert "Ayu Lestari" in row.inner_text()
    assert "Magang penjahit · PT Busana Priangan" in row.inner_text()
    assert row.locator(".badge.ok").is_visible()
    assert row.locator(f'a[href$="/placements/{placement.pk}/edit/"]').is_visible()
    screenshot(phone, "manager-placement-list-phone")
