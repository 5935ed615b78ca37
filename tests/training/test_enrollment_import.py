"""Enrolling people in a batch from a spreadsheet
(`/blkk/CODE/batches/ID/enrollments/import/`, the enrollment kind on the engine
of blkk_portal/imports).

Alice (`manager_a`) runs BLKK A, whose batch "Menjahit Angkatan 1" has 5 places;
Bob (`manager_b`) runs BLKK B. People are enrolled by their exact NIK, wherever
they were registered. Ministry and province staff read the batch but do not
import. A file with any bad row writes nothing; a clean one writes every row, in
the background, once its preview is confirmed.
"""

from __future__ import annotations

import datetime
import io
from html import unescape

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from blkk_portal.imports.cells import Cell
from blkk_portal.imports.models import ImportJob, ImportStatus
from blkk_portal.imports.reading import cell_problem
from blkk_portal.imports.services import import_run
from tests.api.resources import url as api_url
from tests.imports.sheets import csv_text, csv_upload, xlsx_upload
from tests.personas import make_persona
from tests.training.factories import (
    EnrollmentFactory,
    TraineeFactory,
    TrainingBatchFactory,
    make_nik,
    regency,
)
from training.imports import ENROLLMENT_COLUMNS as COLUMNS
from training.imports import NIK_AS_NUMBER, NOT_YOUR_BATCH
from training.models import Enrollment
from training.selectors import NO_PERSON_WITH_NIK

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 12, 7, 3, 0, tzinfo=datetime.UTC)
START = datetime.date(2026, 2, 2)
BORN = datetime.date(1998, 5, 17)
REQUIRED = "This field is required."
ALREADY = "This person is already enrolled in this batch."


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def batch_a(blkk_a):
    return TrainingBatchFactory(
        blkk=blkk_a,
        name="Menjahit Angkatan 1",
        start_date=START,
        end_date=START + datetime.timedelta(days=30),
        capacity=5,
    )


@pytest.fixture
def people_a(blkk_a):
    """Three people BLKK A registered."""
    return [
        TraineeFactory(blkk=blkk_a, full_name=f"Ayu {n}", nik=nik(n)) for n in (1, 2, 3)
    ]


@pytest.fixture
def person_b(blkk_b):
    """Someone BLKK B (Jawa Timur) registered; BLKK A does not reach her."""
    return TraineeFactory(
        blkk=blkk_b,
        regency=regency("35.78"),
        full_name="Siti Rahmawati",
        nik=make_nik("35", BORN, "F", 9),
        phone="081299990000",
    )


@pytest.fixture
def alice(client, manager_a):
    client.force_login(manager_a)
    return client


def in_indonesian(message: str) -> str:
    with translation.override("id"):
        return translation.gettext(message)


def nik(serial: int) -> str:
    return make_nik("32", BORN, "F", serial)


def sheet(*rows, header=COLUMNS, name="angkatan.xlsx"):
    return xlsx_upload([list(header), *rows], name=name, text_columns=(1,))


def page(name: str, batch, *args) -> str:
    return reverse(name, args=[batch.blkk.code, batch.pk, *args])


def text(response) -> str:
    return unescape(response.content.decode())


def upload(client, batch, file):
    return client.post(page("enrollment-import", batch), {"file": file})


def preview_of(client, batch, file) -> ImportJob:
    response = upload(client, batch, file)
    assert response.status_code == 303, text(response)
    return ImportJob.objects.get(
        pk=int(response["Location"].rstrip("/").split("/")[-1])
    )


def errors_of(job: ImportJob) -> dict:
    return {
        int(line): {
            column: [problem["text"] for problem in problems]
            for column, problems in columns.items()
        }
        for line, columns in job.errors.items()
    }


def confirm(client, batch, job, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(page("enrollment-import-confirm", batch, job.pk))


def enrolled(batch) -> dict[str, tuple]:
    return {
        e.trainee.nik: (e.status, e.completed_on)
        for e in Enrollment.objects.filter(batch=batch).select_related("trainee")
    }


# --- who may import ---------------------------------------------------------------


def test_the_batch_page_links_to_the_import(alice, batch_a):
    content = text(
        alice.get(reverse("batch-detail", args=[batch_a.blkk.code, batch_a.pk]))
    )

    assert page("enrollment-import", batch_a) in content


def test_the_manager_gets_the_form_the_places_and_the_template(alice, batch_a):
    EnrollmentFactory(batch=batch_a)

    response = alice.get(page("enrollment-import", batch_a))

    assert response.status_code == 200
    content = text(response)
    assert 'enctype="multipart/form-data"' in content
    assert "Menjahit Angkatan 1" in content
    assert page("enrollment-import-template", batch_a) in content


@pytest.mark.parametrize(
    "persona", ["manager_b", "mentor_a", "ministry_user", "province_user"]
)
def test_anyone_but_the_blkks_managers_finds_no_import_page(
    request, client, batch_a, people_a, persona
):
    """Ministry and province staff read the batch, but the import is its BLKK's
    managers' alone, as the trainee import (DESIGN.md: others 404)."""
    client.force_login(request.getfixturevalue(persona))
    for name in ("enrollment-import", "enrollment-import-template"):
        assert client.get(page(name, batch_a)).status_code == 404, name
    assert upload(client, batch_a, sheet([nik(1)])).status_code == 404
    assert not ImportJob.objects.exists()


def test_a_batch_of_another_blkk_is_not_found_under_this_one(
    client, alice, blkk_a, blkk_b
):
    batch_b = TrainingBatchFactory(blkk=blkk_b)
    path = reverse("enrollment-import", args=[blkk_a.code, batch_b.pk])

    assert alice.get(path).status_code == 404


def test_signing_in_comes_first(client, batch_a):
    response = client.get(page("enrollment-import", batch_a))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_job_is_its_uploaders_alone(client, alice, batch_a, people_a, ministry_user):
    job = preview_of(alice, batch_a, sheet([nik(1)]))
    co_manager = make_persona("manager_b", blkk=batch_a.blkk)
    for user in (co_manager, ministry_user):
        client.force_login(user)
        for name in ("enrollment-import-job", "enrollment-import-progress"):
            assert client.get(page(name, batch_a, job.pk)).status_code == 404
        for name in ("enrollment-import-confirm", "enrollment-import-cancel"):
            assert client.post(page(name, batch_a, job.pk)).status_code == 404
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED


def test_a_job_of_another_batch_is_not_found_under_this_one(
    alice, batch_a, blkk_a, people_a
):
    other = TrainingBatchFactory(blkk=blkk_a, start_date=START)
    job = preview_of(alice, other, sheet([nik(1)]))

    assert alice.get(page("enrollment-import-job", batch_a, job.pk)).status_code == 404


# --- the template ---------------------------------------------------------------------


def test_the_template_names_the_columns_with_the_nik_as_text(alice, batch_a):
    response = alice.get(page("enrollment-import-template", batch_a))

    assert response.status_code == 200
    assert "pendaftaran-angkatan-template.xlsx" in response["Content-Disposition"]
    data, notes = load_workbook(io.BytesIO(response.content)).worksheets
    assert [cell.value for cell in data[1]] == list(COLUMNS)
    assert data.column_dimensions["A"].number_format == "@"
    listed = [row[0].value for row in notes.iter_rows(min_row=2, max_row=4)]
    assert listed == list(COLUMNS)


# --- clean files ----------------------------------------------------------------------


def test_a_clean_file_previews_every_row_then_writes_every_row(
    alice,
    batch_a,
    people_a,
    person_b,
    manager_a,
    english,
    django_capture_on_commit_callbacks,
):
    """Two of BLKK A's people and one BLKK B registered, by her exact NIK (the
    enroll page's rule): afterwards BLKK A reaches her too."""
    rows = [
        [nik(1), None, None],
        [nik(2), "Completed", "2026-03-04"],
        [person_b.nik, "active", None],
    ]

    job = preview_of(alice, batch_a, sheet(*rows))
    preview = text(alice.get(page("enrollment-import-job", batch_a, job.pk)))

    assert errors_of(job) == {}
    assert page("enrollment-import-confirm", batch_a, job.pk) in preview
    # Nothing about the person behind a NIK before they are enrolled.
    assert "Siti" not in preview
    assert not Enrollment.objects.exists()

    response = confirm(alice, batch_a, job, django_capture_on_commit_callbacks)

    assert response.status_code == 303
    assert enrolled(batch_a) == {
        nik(1): ("registered", None),
        nik(2): ("completed", datetime.date(2026, 3, 4)),
        person_b.nik: ("active", None),
    }
    record = Enrollment.history.get(trainee=people_a[0])
    assert record.history_user == manager_a
    assert record.history_change_reason == f"spreadsheet import {job.pk}"
    job.refresh_from_db()
    assert (job.status, job.rows_written, job.created_by) == ("done", 3, manager_a)
    result = text(alice.get(page("enrollment-import-job", batch_a, job.pk)))
    assert "3 rows written." in result
    batch_url = reverse("batch-detail", args=[batch_a.blkk.code, batch_a.pk])
    assert batch_url in result
    batch_page = text(alice.get(batch_url))
    assert "Siti Rahmawati" in batch_page


def test_the_import_list_keeps_who_imported_how_many_when(
    alice, client, batch_a, people_a, english, django_capture_on_commit_callbacks
):
    job = preview_of(alice, batch_a, sheet([nik(1)], [nik(2)]))
    confirm(alice, batch_a, job, django_capture_on_commit_callbacks)
    client.force_login(make_persona("manager_b", blkk=batch_a.blkk))

    content = text(client.get(page("enrollment-import", batch_a)))

    assert "angkatan.xlsx" in content
    assert "2 rows written" in content
    assert page("enrollment-import-job", batch_a, job.pk) not in content


def test_a_csv_with_indonesian_headers_imports_too(
    alice, batch_a, people_a, django_capture_on_commit_callbacks
):
    rows = [
        ["NIK", "Status", "Tanggal penyelesaian"],
        [nik(1), "Sedang mengikuti pelatihan", ""],
        [nik(2), "selesai", "04-03-2026"],
    ]
    job = preview_of(alice, batch_a, csv_upload(csv_text(rows, ";")))

    assert errors_of(job) == {}
    confirm(alice, batch_a, job, django_capture_on_commit_callbacks)
    assert enrolled(batch_a) == {
        nik(1): ("active", None),
        nik(2): ("completed", datetime.date(2026, 3, 4)),
    }


# --- bad rows -------------------------------------------------------------------------


def test_a_file_with_one_bad_row_writes_nothing_and_names_the_row_and_reason(
    alice, batch_a, people_a, english, django_capture_on_commit_callbacks
):
    rows = [[nik(1)], [nik(2), "completed"], [nik(3)]]

    job = preview_of(alice, batch_a, sheet(*rows))
    content = text(alice.get(page("enrollment-import-job", batch_a, job.pk)))

    message = "The completion date is set exactly when the status is completed."
    assert errors_of(job) == {3: {"completed_on": [message]}}
    assert "1 of 3 rows has an error" in content
    assert 'id="row-3"' in content
    assert message in content
    assert page("enrollment-import-confirm", batch_a, job.pk) not in content

    confirm(alice, batch_a, job, django_capture_on_commit_callbacks)

    assert not Enrollment.objects.exists()
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED


def test_the_completion_date_follows_the_models_rules(
    alice, batch_a, people_a, english
):
    rows = [
        [nik(1), "registered", "2026-03-04"],
        [nik(2), "completed", "2026-01-30"],
        [nik(3), "completed", "2027-01-04"],
    ]

    job = preview_of(alice, batch_a, sheet(*rows))

    assert errors_of(job) == {
        2: {
            "completed_on": [
                "The completion date is set exactly when the status is completed."
            ]
        },
        3: {"completed_on": ["The completion date cannot be before the batch starts."]},
        4: {"completed_on": ["This date cannot be in the future."]},
    }


def test_a_status_that_is_not_one_of_the_choices_is_refused(
    alice, batch_a, people_a, english
):
    job = preview_of(alice, batch_a, sheet([nik(1), "lulus"]))

    [message] = errors_of(job)[2]["status"]
    assert message.startswith("lulus is not one of the choices")


def test_a_nik_typed_as_a_number_is_refused_with_the_reason(alice, batch_a, people_a):
    rows = [list(COLUMNS), [int(nik(1))], [float(nik(2)[:15] + "0")]]

    job = preview_of(alice, batch_a, xlsx_upload(rows))

    assert errors_of(job) == {
        2: {"nik": [str(NIK_AS_NUMBER)]},
        3: {"nik": [str(NIK_AS_NUMBER)]},
    }


def test_a_nik_that_is_not_a_nik_gets_the_apis_message(
    alice, batch_a, people_a, english
):
    job = preview_of(
        alice, batch_a, sheet(["3273"], ["9901015705980001"], [None, "active"])
    )

    assert errors_of(job) == {
        2: {"nik": ["NIK must be exactly 16 digits."]},
        3: {"nik": ["NIK starts with 99, which is not a province code."]},
        4: {"nik": [REQUIRED]},
    }


def test_two_rows_with_one_nik_are_both_reported(alice, batch_a, people_a, english):
    rows = [[nik(1)], [nik(2)], [nik(1), "active"]]

    job = preview_of(alice, batch_a, sheet(*rows))

    assert errors_of(job) == {
        2: {"nik": ["The same NIK is also on row 4."]},
        4: {"nik": ["The same NIK is also on row 2."]},
    }


def test_an_unknown_nik_says_only_that_nobody_has_it(alice, batch_a, people_a, english):
    job = preview_of(alice, batch_a, sheet([nik(1)], [nik(77)]))

    assert errors_of(job) == {3: {"nik": [str(NO_PERSON_WITH_NIK)]}}
    assert job.errors["3"]["nik"] == [{"text": str(NO_PERSON_WITH_NIK)}]


def test_a_person_already_in_the_batch_is_refused_with_a_link_to_them(
    alice, batch_a, people_a, english
):
    EnrollmentFactory(batch=batch_a, trainee=people_a[0])

    job = preview_of(alice, batch_a, sheet([nik(1)], [nik(2)]))

    [problem] = job.errors["2"]["nik"]
    assert problem == {
        "text": ALREADY,
        "url": reverse("trainee-detail", args=[batch_a.blkk.code, people_a[0].pk]),
        "link": "See this person",
    }
    assert list(job.errors) == ["2"]


def test_a_file_over_the_batchs_capacity_is_refused_past_the_last_place(
    alice, batch_a, blkk_a, english
):
    """Five places, two taken (a dropped enrollment takes none): of the file's
    four rows that need a place, the fourth has none. A dropped row needs none.
    The full row is refused whatever its NIK, a NIK nobody has included, as the
    enroll page refuses any NIK for a full batch."""
    EnrollmentFactory.create_batch(2, batch=batch_a)
    EnrollmentFactory(batch=batch_a, dropped=True)
    for n in range(1, 5):
        TraineeFactory(blkk=blkk_a, nik=nik(n))
    rows = [[nik(1)], [nik(2), "dropped"], [nik(3)], [nik(4)], [nik(77), "active"]]

    job = preview_of(alice, batch_a, sheet(*rows))

    full = "This batch is full (5 places)."
    assert errors_of(job) == {6: {"__all__": [full]}}
    content = text(alice.get(page("enrollment-import-job", batch_a, job.pk)))
    assert f"Row 6: {full}" in content


def test_a_formula_is_never_evaluated(alice, batch_a, people_a):
    formula = '="3201014705980001"'
    job = preview_of(alice, batch_a, xlsx_upload([list(COLUMNS), [formula]]))

    assert errors_of(job) == {2: {"nik": [cell_problem(Cell(formula, "formula"))]}}
    assert job.rows[0]["values"] == {}


def test_the_preview_asks_the_same_queries_for_many_rows_as_for_few(
    alice, blkk_a, blkk_b, django_assert_max_num_queries
):
    batch = TrainingBatchFactory(blkk=blkk_a, start_date=START, capacity=100)
    here = [TraineeFactory(blkk=blkk_a, nik=nik(n)) for n in range(1, 31)]
    there = [TraineeFactory(blkk=blkk_b, nik=nik(n)) for n in range(31, 41)]
    EnrollmentFactory(batch=batch, trainee=here[0])
    people = here + there
    few = [[p.nik] for p in people[:2]]
    many = [[p.nik, "completed", "2026-03-04"] for p in people] + [[nik(99)]]

    with django_assert_max_num_queries(QUERIES) as counted:
        preview_of(alice, batch, sheet(*few))
    with django_assert_max_num_queries(len(counted.captured_queries)):
        job = preview_of(alice, batch, sheet(*many))

    assert set(errors_of(job)) == {2, len(many) + 1}


QUERIES = 40


def test_the_job_page_asks_the_same_queries_for_many_rows_as_for_few(
    alice, blkk_a, django_assert_max_num_queries
):
    batch = TrainingBatchFactory(blkk=blkk_a, start_date=START, capacity=100)
    people = [TraineeFactory(blkk=blkk_a, nik=nik(n)) for n in range(1, 41)]
    small = preview_of(alice, batch, sheet(*[[p.nik] for p in people[:2]]))
    large = preview_of(alice, batch, sheet(*[[p.nik] for p in people]))

    with django_assert_max_num_queries(QUERIES) as counted:
        alice.get(page("enrollment-import-job", batch, small.pk))
    with django_assert_max_num_queries(len(counted.captured_queries)):
        alice.get(page("enrollment-import-job", batch, large.pk) + "?rows=all")


# --- the confirmation checks again ----------------------------------------------------


def test_a_row_made_invalid_after_the_preview_writes_nothing(
    alice, batch_a, people_a, english, django_capture_on_commit_callbacks
):
    """Between the preview and the confirmation another manager enrolled Ayu 2 on
    the batch page: the run checks every row again and writes nothing."""
    job = preview_of(alice, batch_a, sheet([nik(1)], [nik(2)], [nik(3)]))
    EnrollmentFactory(batch=batch_a, trainee=people_a[1])

    confirm(alice, batch_a, job, django_capture_on_commit_callbacks)

    assert set(enrolled(batch_a)) == {nik(2)}
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    # The run speaks the uploader's language (Alice's is the portal's, Indonesian).
    assert errors_of(job) == {3: {"nik": [in_indonesian(ALREADY)]}}
    content = text(alice.get(page("enrollment-import-job", batch_a, job.pk)))
    assert "Nothing was written" in content
    assert in_indonesian(ALREADY) in content


def test_places_taken_after_the_preview_refuse_the_run(
    alice, batch_a, people_a, english, django_capture_on_commit_callbacks
):
    job = preview_of(alice, batch_a, sheet([nik(1)], [nik(2)], [nik(3)]))
    EnrollmentFactory.create_batch(3, batch=batch_a)

    confirm(alice, batch_a, job, django_capture_on_commit_callbacks)

    assert Enrollment.objects.filter(batch=batch_a).count() == 3
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    with translation.override("id"):
        full = translation.ngettext(
            "This batch is full (%(capacity)s place).",
            "This batch is full (%(capacity)s places).",
            5,
        ) % {"capacity": 5}
    assert errors_of(job) == {4: {"__all__": [full]}}


def test_a_manager_who_lost_the_blkk_before_the_run_writes_nothing(
    alice, batch_a, manager_a, people_a
):
    job = preview_of(alice, batch_a, sheet([nik(1)]))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.QUEUED)
    batch_a.blkk.managers.remove(manager_a)

    import_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.message) == (ImportStatus.FAILED, str(NOT_YOUR_BATCH))
    assert not Enrollment.objects.exists()


def test_the_progress_fragment_is_polled_without_a_script(alice, batch_a, people_a):
    job = preview_of(alice, batch_a, sheet([nik(1)]))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.QUEUED)

    content = text(alice.get(page("enrollment-import-job", batch_a, job.pk)))
    fragment = alice.get(page("enrollment-import-progress", batch_a, job.pk))

    progress_url = page("enrollment-import-progress", batch_a, job.pk)
    assert f'hx-get="{progress_url}"' in content
    assert "<script>" not in content
    assert fragment.status_code == 200
    assert 'id="import-progress"' in text(fragment)


def test_each_rows_messages_are_the_apis_for_the_same_values(
    alice, api, batch_a, people_a, manager_a, english
):
    """The same person, status and date sent to the API's `enrollments/` (by
    `trainee_nik`, as a person registered anywhere is enrolled) get the same
    words, wherever the API puts them (a rule across fields: on the row there,
    on the cell it is about here)."""
    EnrollmentFactory(batch=batch_a, trainee=people_a[0])
    rows = [
        [nik(77)],  # nobody has this NIK
        [nik(1)],  # already in the batch
        [nik(2), "completed"],  # completed without its date
        [nik(2), "active", "2026-03-04"],  # a date without completing
        [nik(3), "completed", "2027-01-04"],  # in the future
        [nik(3), "completed", "2026-01-30"],  # before the batch starts
    ]
    client = api(manager_a)
    for values in rows:
        job = preview_of(alice, batch_a, sheet(values))
        [errors] = errors_of(job).values()
        body = {"trainee_nik": values[0], "batch": batch_a.pk}
        if len(values) > 1:
            body["status"] = values[1]
        if len(values) > 2:
            body["completed_on"] = values[2]
        response = client.post(
            api_url("enrollments"), body, format="json", HTTP_ACCEPT_LANGUAGE="en"
        )
        assert response.status_code == 400, (values, response.json())
        api_messages = sorted(m for ms in response.json().values() for m in ms)
        assert sorted(m for ms in errors.values() for m in ms) == api_messages, values
    assert Enrollment.objects.count() == 1


def test_a_full_batch_is_refused_with_the_apis_words(
    alice, api, batch_a, people_a, manager_a, english
):
    EnrollmentFactory.create_batch(5, batch=batch_a)

    job = preview_of(alice, batch_a, sheet([nik(1)]))
    response = api(manager_a).post(
        api_url("enrollments"),
        {"trainee_nik": nik(1), "batch": batch_a.pk},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert errors_of(job) == {2: {"__all__": response.json()["batch"]}}
