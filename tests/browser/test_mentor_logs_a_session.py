"""A mentor on a phone logs a session: one page load to the form, one submit, and the
session is in the assignment's history (issue #10's "done when")."""

from __future__ import annotations

from urllib.parse import urlsplit

from mentoring.models import MentoringSession
from tests.browser.helpers import screenshot, sign_in
from tests.incubator.factories import VentureFactory
from tests.mentoring.factories import MentorAssignmentFactory, MentoringSessionFactory
from tests.personas import PASSWORD

TOPIC = "Harga pokok produksi dan pencatatan kas"


def test_a_mentor_logs_a_session_on_a_phone(phone, mentor_a, blkk_a):
    venture = VentureFactory(cohort__blkk=blkk_a, name="Konveksi Berkah Ayu")
    assignment = MentorAssignmentFactory(
        mentor=mentor_a.mentor_profile, venture=venture
    )
    # Their last session was online: the form offers that mode again.
    MentoringSessionFactory(assignment=assignment, mode=MentoringSession.Mode.ONLINE)

    sign_in(phone, "mentor_a", PASSWORD)
    assert urlsplit(phone.url).path == "/mentor/"
    assert phone.get_by_text("Konveksi Berkah Ayu").first.is_visible()
    screenshot(phone, "mentor-home-phone")

    documents: list[str] = []
    phone.on(
        "request",
        lambda request: (
            documents.append(f"{request.method} {urlsplit(request.url).path}")
            if request.resource_type == "document"
            else None
        ),
    )
    # One page load to the form...
    with phone.expect_navigation():
        phone.locator(
            f'a[href$="/mentor/sessions/new/?assignment={assignment.pk}"]'
        ).click()
    form = phone.locator("form.session-form")
    assert form.locator("select[name=assignment]").input_value() == str(assignment.pk)
    assert form.locator("input[name=mode][value=online]").is_checked()
    assert form.locator("input[name=held_on]").input_value()
    form.locator("textarea[name=topics]").fill(TOPIC)
    form.locator("input[name=mentee_rating]").fill("4")
    screenshot(phone, "mentor-session-form-phone")
    # ...and one submit.
    with phone.expect_navigation():
        form.locator("button[type=submit]").click()

    assert urlsplit(phone.url).path == f"/mentor/assignments/{assignment.pk}/"
    assert phone.get_by_text(TOPIC).first.is_visible()
    assert documents == [
        "GET /mentor/sessions/new/",
        "POST /mentor/sessions/new/",
        f"GET /mentor/assignments/{assignment.pk}/",
    ]
    stored = MentoringSession.objects.get(topics=TOPIC)
    assert stored.assignment == assignment
    assert stored.mode == MentoringSession.Mode.ONLINE
    assert stored.recorded_by == mentor_a
    screenshot(phone, "mentor-session-history-phone")
