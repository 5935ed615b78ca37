"""Intake end to end in a phone's browser: a BLKK manager records an application
(the applicant found by NIK, a co-applicant ticked), a mentor of the BLKK reviews it
on their phone, and the manager accepts it: the venture appears, founded by both."""

from __future__ import annotations

from urllib.parse import urlsplit

from incubator.models import ApplicationReview, CohortApplication
from tests.browser.helpers import screenshot, sign_in
from tests.incubator.factories import OpenCohortFactory, VentureFactory
from tests.mentoring.factories import MentorAssignmentFactory
from tests.personas import PASSWORD
from tests.training.factories import TraineeFactory


def test_an_application_is_recorded_reviewed_and_accepted_on_a_phone(
    phone, manager_a, mentor_a, blkk_a
):
    cohort = OpenCohortFactory(blkk=blkk_a, name="Kohort Inkubasi 2026", year=2026)
    ayu = TraineeFactory(blkk=blkk_a, full_name="Ayu Lestari")
    sari = TraineeFactory(blkk=blkk_a, full_name="Sari Wulandari")
    MentorAssignmentFactory(
        mentor=mentor_a.mentor_profile,
        venture=VentureFactory(cohort__blkk=blkk_a, name="Konveksi Berkah"),
    )
    code = blkk_a.code

    # The manager records the application from the cohort's ranking.
    sign_in(phone, "manager_a", PASSWORD)
    phone.goto(f"/blkk/{code}/cohorts/{cohort.pk}/")
    with phone.expect_navigation():
        phone.locator(
            f'a[href="/blkk/{code}/cohorts/{cohort.pk}/applications/"]'
        ).click()
    with phone.expect_navigation():
        phone.locator(
            f'a[href="/blkk/{code}/applications/new/?cohort={cohort.pk}"]'
        ).click()
    form = phone.locator("form.page-form")
    assert form.locator("select[name=cohort]").input_value() == str(cohort.pk)
    form.locator("input[name=applicant_nik]").fill(ayu.nik)
    form.locator(f"input[name=co_applicants][value='{sari.pk}']").check()
    form.locator("input[name=business_name]").fill("Sambal Roa Ayu")
    form.locator("input[name=sector]").fill("kuliner")
    form.locator("textarea[name=idea]").fill("Sambal roa kemasan untuk oleh-oleh.")
    screenshot(phone, "manager-application-form-phone")
    with phone.expect_navigation():
        form.locator("button[type=submit]").click()
    application = CohortApplication.objects.get()
    assert urlsplit(phone.url).path == f"/blkk/{code}/applications/{application.pk}/"
    assert phone.locator("h1").inner_text() == "Sambal Roa Ayu"

    # The mentor reviews it on their phone.
    phone.context.clear_cookies()
    sign_in(phone, "mentor_a", PASSWORD)
    assert urlsplit(phone.url).path == "/mentor/"
    with phone.expect_navigation():
        phone.locator("main a[href='/mentor/applications/']").first.click()
    row = phone.locator(".applications li", has_text="Sambal Roa Ayu")
    assert "Ayu Lestari" in row.inner_text()
    with phone.expect_navigation():
        row.locator(f"a[href='/mentor/applications/{application.pk}/review/']").click()
    review = phone.locator("form.review-form")
    for name, score in (
        ("market", 5),
        ("team", 4),
        ("feasibility", 4),
        ("job_potential", 3),
    ):
        review.locator(f"label:has(input[name={name}][value='{score}'])").click()
    review.locator("textarea[name=comment]").fill("Pasar oleh-oleh jelas, tim kompak.")
    screenshot(phone, "mentor-application-review-phone")
    with phone.expect_navigation():
        review.locator("button[type=submit]").click()
    assert urlsplit(phone.url).path == "/mentor/applications/"
    assert phone.locator(".applications li .badge.ok").first.is_visible()
    stored = ApplicationReview.objects.get()
    assert (stored.reviewer, stored.total) == (mentor_a, 16)
    screenshot(phone, "mentor-applications-phone")

    # The manager accepts it: the venture appears.
    phone.context.clear_cookies()
    sign_in(phone, "manager_a", PASSWORD)
    phone.goto(f"/blkk/{code}/applications/{application.pk}/")
    assert "16,00" in phone.locator(".facts").first.inner_text()
    decision = phone.locator("form.decision-form")
    decision.locator("input[name=decision][value=accepted]").check()
    decision.locator("textarea[name=note]").fill("Skor tertinggi di kohort.")
    with phone.expect_navigation():
        decision.locator("button[type=submit]").click()
    application.refresh_from_db()
    venture = application.venture
    assert venture is not None
    venture_link = phone.locator(f"a[href='/blkk/{code}/ventures/{venture.pk}/']")
    screenshot(phone, "manager-application-accepted-phone")
    with phone.expect_navigation():
        venture_link.click()
    assert phone.locator("h1").inner_text() == "Sambal Roa Ayu"
    founders = phone.locator("section[aria-labelledby=founders-title]").inner_text()
    assert "Ayu Lestari" in founders
    assert "Sari Wulandari" in founders
    assert "Skor tertinggi di kohort." in phone.content()
    screenshot(phone, "manager-venture-from-application-phone")
