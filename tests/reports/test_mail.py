"""Report mail that does not get lost: one delivery per report and manager, marked
sent only after the mail server took it, tried again with backoff until it does.
The mail server that refuses is real: SMTP to a port where nothing listens."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from blkk_portal.months import Month
from reports import services, tasks
from reports.models import ProgressReport, ReportDelivery
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

APRIL = Month(2026, 4)
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def manager(blkk_a):
    return UserFactory(blkk_manager=True, managed_blkks=[blkk_a])


def run_the_month(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        tasks.reports_generate_last_month.delay()


@pytest.fixture
def last_month_is_april(monkeypatch):
    monkeypatch.setattr(Month, "last_completed", classmethod(lambda cls: APRIL))


def sweep_at(moment: datetime.datetime, django_capture_on_commit_callbacks) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return services.report_deliveries_requeue_due(now=moment)


def test_a_report_the_mail_server_refused_is_kept_and_sent_once_it_is_back(
    manager,
    blkk_a,
    mail_server_down,
    settings,
    last_month_is_april,
    django_capture_on_commit_callbacks,
):
    run_the_month(django_capture_on_commit_callbacks)

    # The reports are stored and the run done; the mail waits, with its error.
    report = ProgressReport.objects.get(scope="blkk", scope_code=blkk_a.code)
    assert report.run.status == "done"
    assert report.mailed_at is None
    delivery = ReportDelivery.objects.get()
    assert (delivery.report, delivery.recipient) == (report, manager.email)
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert "Connection refused" in delivery.last_error
    # Not due before its time.
    just_before = delivery.next_attempt_at - datetime.timedelta(seconds=1)
    assert sweep_at(just_before, django_capture_on_commit_callbacks) == 0

    settings.EMAIL_BACKEND = LOCMEM  # the mail server is back
    assert sweep_at(delivery.next_attempt_at, django_capture_on_commit_callbacks) == 1

    [message] = mail.outbox
    assert message.to == [manager.email]
    assert sorted(name for name, _content, _type in message.attachments) == [
        f"laporan-blkk-{blkk_a.code}-2026-04.csv",
        f"laporan-blkk-{blkk_a.code}-2026-04.xlsx",
    ]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    report.refresh_from_db()
    assert report.mailed_at is not None
    far_later = timezone.now() + datetime.timedelta(days=30)
    assert sweep_at(far_later, django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 1


def test_each_failure_doubles_the_wait_up_to_six_hours(
    manager, blkk_a, mail_server_down, settings
):
    report = services.report_generate(
        scope="blkk", scope_code=blkk_a.code, period=APRIL
    )
    [delivery_id] = services.report_deliveries_record(report=report)
    base = datetime.timedelta(seconds=settings.REPORT_MAIL_RETRY_SECONDS)

    waits = []
    for _attempt in range(3):
        before = timezone.now()
        assert services.report_delivery_send(delivery_id=delivery_id) is False
        after = timezone.now()
        due = ReportDelivery.objects.get(pk=delivery_id).next_attempt_at
        waits.append((due - before, due - after))

    for attempt, (at_most, at_least) in enumerate(waits, start=1):
        expected = base * 2 ** (attempt - 1)
        assert at_least <= expected <= at_most

    ReportDelivery.objects.filter(pk=delivery_id).update(attempts=20)
    services.report_delivery_send(delivery_id=delivery_id)
    due = ReportDelivery.objects.get(pk=delivery_id).next_attempt_at
    assert due <= timezone.now() + datetime.timedelta(hours=6)
    assert due > timezone.now() + datetime.timedelta(hours=5)


def test_each_manager_gets_a_report_once_however_often_it_is_finished(
    blkk_a, django_capture_on_commit_callbacks
):
    managers = UserFactory.create_batch(2, blkk_manager=True, managed_blkks=[blkk_a])
    report = services.report_generate(
        scope="blkk", scope_code=blkk_a.code, period=APRIL
    )

    with django_capture_on_commit_callbacks(execute=True):
        for _time in range(2):
            services.report_finish(report_id=report.pk, notify=True)
        for delivery in ReportDelivery.objects.all():
            services.report_delivery_send(delivery_id=delivery.pk)

    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.email for m in managers)
    assert ReportDelivery.objects.filter(status="sent").count() == 2


def test_a_report_mailed_before_deliveries_existed_is_not_mailed_again(
    manager, blkk_a, django_capture_on_commit_callbacks
):
    report = services.report_generate(
        scope="blkk", scope_code=blkk_a.code, period=APRIL
    )
    ProgressReport.objects.filter(pk=report.pk).update(mailed_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        services.report_finish(report_id=report.pk, notify=True)

    assert not ReportDelivery.objects.exists()
    assert mail.outbox == []


def test_a_report_mail_is_one_row_per_report_and_address_in_the_database(
    manager, blkk_a
):
    report = services.report_generate(
        scope="blkk", scope_code=blkk_a.code, period=APRIL
    )
    due = timezone.now()
    ReportDelivery.objects.create(
        report=report, recipient=manager.email, next_attempt_at=due
    )
    with pytest.raises(Exception, match="report_delivery_once"):
        ReportDelivery.objects.create(
            report=report, recipient=manager.email, next_attempt_at=due
        )
