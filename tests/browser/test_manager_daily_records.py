"""A BLKK manager on a phone registers a person, enrolls them in a batch and
completes the enrollment, without the admin (issue #10's "done when")."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

from django.utils import timezone

from tests.browser.helpers import screenshot, sign_in
from tests.personas import PASSWORD
from tests.training.factories import TrainingBatchFactory, make_nik
from training.models import Enrollment, EnrollmentStatus, Trainee

BORN = datetime.date(1999, 3, 14)


def test_a_manager_registers_enrolls_and_completes_on_a_phone(phone, manager_a, blkk_a):
    today = timezone.localdate()
    batch = TrainingBatchFactory(
        blkk=blkk_a,
        name="Menjahit Angkatan 7",
        start_date=today - datetime.timedelta(days=40),
        end_date=today - datetime.timedelta(days=1),
    )
    nik = make_nik("32", BORN, Trainee.Gender.FEMALE, 77)

    sign_in(phone, "manager_a", PASSWORD)
    assert urlsplit(phone.url).path == f"/blkk/{blkk_a.code}/"

    # Register a person, the NIK checked as it is typed.
    with phone.expect_navigation():
        phone.locator(f'nav.sections a[href="/blkk/{blkk_a.code}/trainees/"]').click()
    with phone.expect_navigation():
        phone.locator(f'a[href="/blkk/{blkk_a.code}/trainees/new/"]').click()
    form = phone.locator("form.page-form")
    form.locator("input[name=nik]").fill("3273")
    form.locator("input[name=nik]").blur()
    live_error = phone.locator("#id_nik_check .errorlist")
    live_error.wait_for()
    assert "16" in live_error.inner_text()
    form.locator("input[name=nik]").fill(nik)
    form.locator("input[name=full_name]").fill("Ayu Lestari")
    form.locator("input[name=gender][value=F]").check()
    form.locator("input[name=birth_date]").fill(BORN.isoformat())
    form.locator("input[name=phone]").fill("081234567890")
    form.locator("select[name=regency]").select_option("32.73")
    form.locator("select[name=education]").select_option(index=1)
    form.locator("select[name=prior_status]").select_option(index=1)
    phone.locator("#id_nik_check .errorlist").wait_for(state="detached")
    screenshot(phone, "manager-register-trainee-phone")
    with phone.expect_navigation():
        form.locator("button[type=submit]").click()
    person = Trainee.objects.get(nik=nik)
    assert person.blkk == blkk_a
    assert phone.get_by_text("Ayu Lestari").first.is_visible()

    # Enroll them in the batch.
    phone.goto(f"/blkk/{blkk_a.code}/batches/{batch.pk}/")
    with phone.expect_navigation():
        phone.locator(f'a[href$="/batches/{batch.pk}/enroll/"]').click()
    enroll = phone.locator("form.page-form")
    enroll.locator("select[name=trainee]").select_option(str(person.pk))
    with phone.expect_navigation():
        enroll.locator("button[type=submit]").click()
    assert urlsplit(phone.url).path == f"/blkk/{blkk_a.code}/batches/{batch.pk}/"
    enrollment = Enrollment.objects.get(trainee=person, batch=batch)

    # Complete the enrollment from the batch's page.
    batch_form = phone.locator("form.batch-enrollments")
    batch_form.locator(f"#enrollment-{enrollment.pk}").check()
    batch_form.locator("input[name=status][value=completed]").check()
    with phone.expect_navigation():
        batch_form.locator("button[type=submit]").click()
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.COMPLETED
    assert enrollment.completed_on == today
    assert phone.locator("li .badge.ok").first.is_visible()
    screenshot(phone, "manager-batch-completed-phone")
