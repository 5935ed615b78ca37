"""The engine's steps (blkk_portal/imports/services.py) with the tests' own kind
(`tests/imports/kinds.py`): a preview keeps every row and its errors and writes
nothing; a confirmation queues one run; the run checks again and writes all or
nothing; progress is read from the cache while the run writes."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation

from blkk_portal.audit.models import PersonalDataEvent
from blkk_portal.celery import TaskQueueUnavailable
from blkk_portal.imports import services
from blkk_portal.imports.kinds import ROW, ImportRefused
from blkk_portal.imports.models import ImportJob, ImportStatus
from blkk_portal.imports.services import (
    import_cancel,
    import_confirm,
    import_preview,
    import_progress,
    import_run,
)
from tests.imports.kinds import SUBJECT, THINGS, Things
from tests.imports.sheets import csv_upload, xlsx_upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HEADER = ["code", "name", "born", "active", "colour"]


@pytest.fixture(autouse=True)
def _things_behave():
    Things.fail_after = None
    Things.refuse_context = False
    yield
    Things.fail_after = None
    Things.refuse_context = False


def written() -> list[str]:
    events = PersonalDataEvent.objects.filter(subject=SUBJECT).order_by("pk")
    return list(events.values_list("query", flat=True))


def preview(user, rows, **kwargs) -> ImportJob:
    return import_preview(
        kind=THINGS,
        upload=xlsx_upload([HEADER, *rows], **kwargs),
        by=user,
        owner_key="7",
    )


def test_a_clean_preview_keeps_every_row_and_writes_nothing(manager_a):
    job = preview(
        manager_a,
        [["A-1", "Ayu", "17-05-1998", "ya", "Merah"], ["A-2", "Budi", None, 0, "blue"]],
    )

    assert job.status == ImportStatus.PREVIEWED
    assert (job.total_rows, job.rows_with_errors, job.errors) == (2, 0, {})
    assert job.rows == [
        {
            "line": 2,
            "values": {
                "code": "A-1",
                "name": "Ayu",
                "born": "1998-05-17",
                "active": True,
                "colour": "red",
            },
            "shown": {
                "code": "A-1",
                "name": "Ayu",
                "born": "17-05-1998",
                "active": "ya",
                "colour": "Merah",
            },
        },
        {
            "line": 3,
            "values": {
                "code": "A-2",
                "name": "Budi",
                "active": False,
                "colour": "blue",
            },
            "shown": {"code": "A-2", "name": "Budi", "active": "0", "colour": "blue"},
        },
    ]
    assert (job.created_by, job.owner_key, job.kind) == (manager_a, "7", THINGS.name)
    assert job.confirmable
    assert written() == []


def test_every_bad_row_has_its_errors_and_a_cell_error_is_not_repeated(manager_a):
    job = preview(
        manager_a,
        [
            [1234, "Ayu", "=TODAY()"],  # a number where text is wanted, a formula
            ["B-1", None, "31-02-2001", "mungkin", "green"],
            ["TAKEN", "Citra"],
            ["D-1", "Dedi"],
            ["D-1", "Dina"],
        ],
    )

    assert job.rows_with_errors == 5
    assert not job.confirmable
    assert job.errors == {
        "2": {
            "code": [{"text": "Type the code as text."}],
            "born": [
                {
                    "text": "This cell holds a formula (=TODAY()). Formulas are not "
                    "read: type the value itself."
                }
            ],
        },
        "3": {
            "born": [{"text": "31-02-2001 is not a real date."}],
            "active": [{"text": "Give ya or tidak (or true/false, 1/0)."}],
            "colour": [
                {"text": "green is not one of the choices: Red (red), Blue (blue)."}
            ],
            "name": [{"text": "This field is required."}],
        },
        "4": {
            "code": [
                {"text": "Already registered.", "url": "/elsewhere/", "link": "Enroll"}
            ]
        },
        "5": {"code": [{"text": "Also on row 6."}]},
        "6": {"code": [{"text": "Also on row 5."}]},
    }
    assert written() == []


def test_a_file_the_kind_refuses_the_user_for_makes_no_job(manager_a):
    Things.refuse_context = True

    with pytest.raises(ImportRefused):
        preview(manager_a, [["A-1", "Ayu"]])

    assert not ImportJob.objects.exists()


def test_a_new_preview_replaces_the_users_earlier_one_and_old_previews_expire(
    manager_a, manager_b
):
    first = preview(manager_a, [["A-1", "Ayu"]])
    someone_elses = preview(manager_b, [["B-1", "Budi"]])
    old = preview(manager_b, [["C-1", "Citra"]])
    ImportJob.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )

    second = preview(manager_a, [["A-1", "Ayu"]])

    first.refresh_from_db()
    old.refresh_from_db()
    someone_elses.refresh_from_db()
    assert (first.status, first.rows) == (ImportStatus.CANCELLED, [])
    assert (old.status, old.rows) == (ImportStatus.CANCELLED, [])
    assert someone_elses.status == ImportStatus.CANCELLED  # replaced by `old`
    assert second.status == ImportStatus.PREVIEWED


def test_uploads_are_limited_per_user_and_hour(manager_a, monkeypatch):
    monkeypatch.setattr(services, "UPLOADS_PER_HOUR", 2)
    preview(manager_a, [["A-1", "Ayu"]])
    preview(manager_a, [["A-1", "Ayu"]])

    with pytest.raises(ImportRefused) as refused:
        preview(manager_a, [["A-1", "Ayu"]])

    assert "many files in the last hour" in refused.value.message


def test_rows_checked_are_limited_per_user_and_hour(manager_a, monkeypatch):
    """Files are counted, and so are their rows: one file may hold 5,000 NIKs."""
    monkeypatch.setattr(services, "ROWS_PER_HOUR", 5)
    preview(manager_a, [[f"A-{n}", "Ayu"] for n in range(3)])

    with pytest.raises(ImportRefused) as refused:
        preview(manager_a, [[f"B-{n}", "Budi"] for n in range(3)])

    assert "many rows in the last hour" in refused.value.message


# --- confirmation and the run ---------------------------------------------------------


def confirm(job, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return import_confirm(job=job, by=user)


def test_confirming_runs_the_import_and_keeps_the_result(
    manager_a, django_capture_on_commit_callbacks
):
    job = preview(manager_a, [[f"A-{n}", f"Name {n}"] for n in range(5)])

    confirm(job, manager_a, django_capture_on_commit_callbacks)

    job.refresh_from_db()
    assert written() == [f"A-{n}" for n in range(5)]
    assert job.status == ImportStatus.DONE
    assert (job.rows_written, job.total_rows, job.rows_done) == (5, 5, 5)
    assert job.created_by == manager_a
    assert job.confirmed_at is not None
    assert job.finished_at is not None
    # The personal data is gone; the result stays.
    assert (job.rows, job.errors) == ([], {})
    assert (
        PersonalDataEvent.objects.filter(subject=SUBJECT, user=manager_a).count() == 5
    )


def test_confirming_twice_writes_once(manager_a, django_capture_on_commit_callbacks):
    job = preview(manager_a, [["A-1", "Ayu"], ["A-2", "Budi"]])

    confirm(job, manager_a, django_capture_on_commit_callbacks)
    again = confirm(job, manager_a, django_capture_on_commit_callbacks)

    assert again.status == ImportStatus.DONE
    assert written() == ["A-1", "A-2"]


def test_a_run_delivered_twice_writes_once(
    manager_a, django_capture_on_commit_callbacks
):
    job = preview(manager_a, [["A-1", "Ayu"]])
    confirm(job, manager_a, django_capture_on_commit_callbacks)

    import_run(job_id=job.pk)

    assert written() == ["A-1"]


def test_a_preview_with_errors_cannot_be_confirmed(manager_a):
    job = preview(manager_a, [["A-1", None]])

    with pytest.raises(ImportRefused) as refused:
        import_confirm(job=job, by=manager_a)

    assert refused.value.message == (
        "Nothing is written while any row has an error. Correct the file and upload "
        "it again."
    )
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED


def test_only_the_uploader_confirms(manager_a, manager_b):
    job = preview(manager_a, [["A-1", "Ayu"]])

    with pytest.raises(ImportRefused):
        import_confirm(job=job, by=manager_b)

    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED


def test_a_preview_older_than_a_day_cannot_be_confirmed(manager_a):
    job = preview(manager_a, [["A-1", "Ayu"]])
    ImportJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )
    job.refresh_from_db()

    with pytest.raises(ImportRefused) as refused:
        import_confirm(job=job, by=manager_a)

    assert "more than a day old" in refused.value.message


def test_a_row_refused_on_the_second_check_fails_the_run_and_writes_nothing(
    manager_a, django_capture_on_commit_callbacks
):
    job = preview(manager_a, [["A-1", "Ayu"], ["A-2", "Budi"]])
    # Between the preview and the run, A-2 became "registered" (the registry
    # changed): the run's own check must see it.
    rows = job.rows
    rows[1]["values"]["code"] = "TAKEN"
    ImportJob.objects.filter(pk=job.pk).update(rows=rows)

    confirm(job, manager_a, django_capture_on_commit_callbacks)

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    # The run speaks its uploader's language (the portal's, Indonesian, here).
    with translation.override(manager_a.language_code):
        assert job.message == services.changed_since()
    assert job.errors == {
        "3": {
            "code": [
                {"text": "Already registered.", "url": "/elsewhere/", "link": "Enroll"}
            ]
        }
    }
    assert job.rows_with_errors == 1
    assert written() == []


def test_a_write_that_breaks_halfway_writes_nothing(
    manager_a, django_capture_on_commit_callbacks
):
    Things.fail_after = 2
    job = preview(manager_a, [[f"A-{n}", "x"] for n in range(5)])

    with pytest.raises(RuntimeError):
        confirm(job, manager_a, django_capture_on_commit_callbacks)

    job.refresh_from_db()
    assert written() == []
    assert job.status == ImportStatus.FAILED
    with translation.override(manager_a.language_code):
        assert job.message == services.stopped_on_an_error()


def test_a_user_who_may_no_longer_import_there_fails_the_run(
    manager_a, django_capture_on_commit_callbacks
):
    job = preview(manager_a, [["A-1", "Ayu"]])
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.QUEUED)
    Things.refuse_context = True

    import_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.message) == (
        ImportStatus.FAILED,
        "You may not import things here.",
    )
    assert written() == []


def test_a_broker_that_does_not_answer_leaves_the_preview_to_confirm_again(
    manager_a, celery_broker, dead_broker_url, django_capture_on_commit_callbacks
):
    celery_broker(dead_broker_url)
    job = preview(manager_a, [["A-1", "Ayu"]])

    with pytest.raises(TaskQueueUnavailable) as refused:
        confirm(job, manager_a, django_capture_on_commit_callbacks)

    assert "the task queue is not answering" in str(refused.value)
    job.refresh_from_db()
    assert (job.status, job.task_id) == (ImportStatus.PREVIEWED, "")
    assert written() == []


def test_dropping_a_preview_forgets_its_rows(manager_a, manager_b):
    job = preview(manager_a, [["A-1", "Ayu"]])

    import_cancel(job=job, by=manager_b)
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED

    import_cancel(job=job, by=manager_a)
    job.refresh_from_db()
    assert (job.status, job.rows) == (ImportStatus.CANCELLED, [])


# --- progress -------------------------------------------------------------------------


def test_progress_while_running_is_read_from_the_cache(manager_a):
    job = preview(manager_a, [[f"A-{n}", "x"] for n in range(4)])
    job.status = ImportStatus.RUNNING
    job.save()

    assert import_progress(job) == services.Progress("checking", 0, 4)

    services._progress_set(job.pk, "writing", 2)

    progress = import_progress(job)
    assert (progress.phase, progress.done, progress.total, progress.percent) == (
        "writing",
        2,
        4,
        50,
    )


def test_progress_is_reported_every_chunk_while_writing(
    manager_a, django_capture_on_commit_callbacks, monkeypatch
):
    seen: list[tuple[str, int]] = []
    keep = services._progress_set

    def spy(job_id, phase, done):
        seen.append((phase, done))
        keep(job_id, phase, done)

    monkeypatch.setattr(services, "_progress_set", spy)
    job = preview(manager_a, [[f"A-{n}", "x"] for n in range(5)])

    confirm(job, manager_a, django_capture_on_commit_callbacks)

    assert seen == [("checking", 0), ("writing", 2), ("writing", 4), ("writing", 5)]
    job.refresh_from_db()
    assert import_progress(job) == services.Progress("done", 5, 5)


def test_row_errors_belong_to_a_column_or_the_row():
    assert ROW == "__all__"


def test_a_csv_preview_reads_like_an_xlsx_one(manager_a):
    job = import_preview(
        kind=THINGS,
        upload=csv_upload("code;name;born\r\nA-1;Ayu;17/05/1998\r\n"),
        by=manager_a,
        owner_key="7",
    )

    assert job.rows[0]["values"] == {"code": "A-1", "name": "Ayu", "born": "1998-05-17"}
