"""Importing a month's venture figures from a spreadsheet
(`/blkk/CODE/metrics/import/`, incubator/imports.py on the engine of
blkk_portal/imports).

Alice (`manager_a`) runs BLKK A, whose ventures are Konveksi Ayu, Kopi Lereng and
Sabun Herbal; Bob (`manager_b`) runs BLKK B, with Keripik Budi. Ministry and
province staff read BLKK A's figures but do not import them; mentors report on
their own page. A file with any bad row writes nothing; a clean one writes every
row, in the background, once its preview is confirmed.
"""

from __future__ import annotations

import datetime
import io
from html import unescape

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from blkk_portal.accounts.models import User
from blkk_portal.forms import RUPIAH_MESSAGE
from blkk_portal.imports.cells import Cell
from blkk_portal.imports.models import ImportJob, ImportStatus
from blkk_portal.imports.reading import cell_problem
from blkk_portal.imports.services import import_run
from incubator.imports import COLUMNS, FIGURES, NO_SUCH_VENTURE, NOT_YOUR_BLKK
from incubator.models import VentureMetric
from tests.api.resources import url as api_url
from tests.imports.sheets import csv_text, csv_upload, xlsx_upload
from tests.incubator.conftest import page
from tests.incubator.factories import VentureFactory, VentureMetricFactory
from tests.personas import make_persona

pytestmark = pytest.mark.django_db

# Monday 7 December 2026, 10:00 in Jakarta: November is the last completed month.
TODAY = datetime.datetime(2026, 12, 7, 3, 0, tzinfo=datetime.UTC)
NOVEMBER = datetime.date(2026, 11, 1)
REQUIRED = "This field is required."


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def ventures(venture_a, cohort_a):
    return [
        venture_a,
        VentureFactory(cohort=cohort_a, name="Kopi Lereng", started_on=NOVEMBER),
        VentureFactory(cohort=cohort_a, name="Sabun Herbal", started_on=NOVEMBER),
    ]


@pytest.fixture
def alice(client, manager_a):
    client.force_login(manager_a)
    return client


def sheet(*rows, header=COLUMNS, name="data-bulanan.xlsx"):
    return xlsx_upload([list(header), *rows], name=name)


def text(response) -> str:
    return unescape(response.content.decode())


def upload(client, blkk, file, period="2026-11"):
    return client.post(page("metrics-import", blkk), {"period": period, "file": file})


def preview_of(client, blkk, file, period="2026-11") -> ImportJob:
    response = upload(client, blkk, file, period)
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


def confirm(client, blkk, job, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(page("metrics-import-confirm", blkk, job.pk))


def figures(month=NOVEMBER) -> dict[str, tuple[int, int, int]]:
    return {
        metric.venture.name: (metric.revenue, metric.workers, metric.customers)
        for metric in VentureMetric.objects.filter(period=month).select_related(
            "venture"
        )
    }


# --- who may import ---------------------------------------------------------------


def test_the_month_page_links_to_the_import_of_that_month(alice, blkk_a):
    content = text(alice.get(page("metrics-month", blkk_a) + "?period=2026-10"))

    assert page("metrics-import", blkk_a) + "?period=2026-10" in content


def test_read_only_staff_find_no_import_link(client, blkk_a, ministry_user):
    client.force_login(ministry_user)

    content = text(client.get(page("metrics-month", blkk_a)))

    assert page("metrics-import", blkk_a) not in content


def test_the_form_asks_for_the_month_preset_from_the_month_page(alice, blkk_a):
    response = alice.get(page("metrics-import", blkk_a) + "?period=2026-10")

    assert response.status_code == 200
    content = text(response)
    assert 'type="month"' in content
    assert 'value="2026-10"' in content
    assert 'name="file"' in content
    assert page("metrics-import-template", blkk_a) in content


def test_without_a_month_asked_the_form_offers_the_last_completed_one(alice, blkk_a):
    content = text(alice.get(page("metrics-import", blkk_a)))

    assert 'value="2026-11"' in content


@pytest.mark.parametrize(
    "persona", ["manager_b", "mentor_a", "ministry_user", "province_user"]
)
def test_anyone_but_the_blkks_managers_finds_no_import_page(
    request, client, blkk_a, ventures, persona
):
    """Ministry and province staff read BLKK A's figures, but the import is its
    managers' alone, as the trainee import; a mentor reports figures on their own
    page (`/mentor/metrics/`), one venture at a time, and gets no import."""
    client.force_login(request.getfixturevalue(persona))
    for name in ("metrics-import", "metrics-import-template"):
        assert client.get(page(name, blkk_a)).status_code == 404, name
    response = upload(client, blkk_a, sheet(["Konveksi Ayu", 1, 1, 1]))
    assert response.status_code == 404
    assert not ImportJob.objects.exists()


def test_a_job_is_its_uploaders_alone(client, alice, blkk_a, ventures, ministry_user):
    job = preview_of(alice, blkk_a, sheet(["Konveksi Ayu", 1, 1, 1]))
    co_manager = make_persona("manager_b", blkk=blkk_a)
    for user in (co_manager, ministry_user):
        client.force_login(user)
        for name in ("metrics-import-job", "metrics-import-progress"):
            assert client.get(page(name, blkk_a, job.pk)).status_code == 404
        for name in ("metrics-import-confirm", "metrics-import-cancel"):
            assert client.post(page(name, blkk_a, job.pk)).status_code == 404
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED


def test_a_job_of_another_blkk_is_not_found_under_this_one(
    client, blkk_a, blkk_b, manager_a, venture_b
):
    blkk_b.managers.add(manager_a)
    client.force_login(manager_a)
    job = preview_of(client, blkk_b, sheet(["Keripik Budi", 1, 1, 1]))

    assert client.get(page("metrics-import-job", blkk_a, job.pk)).status_code == 404
    assert client.get(page("metrics-import-job", blkk_b, job.pk)).status_code == 200


# --- the month ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("2027-01", "This month has not begun yet."),
        ("", REQUIRED),
        ("12-2026", "Give the month as YYYY-MM, for example 2026-03."),
    ],
)
def test_a_month_not_begun_or_not_a_month_is_refused_on_the_form(
    alice, blkk_a, ventures, english, period, message
):
    response = upload(alice, blkk_a, sheet(["Konveksi Ayu", 1, 1, 1]), period)

    assert response.status_code == 400
    assert message in text(response)
    assert not ImportJob.objects.exists()


def test_the_month_so_far_may_be_imported_as_on_the_month_page(alice, blkk_a, ventures):
    job = preview_of(alice, blkk_a, sheet(["Konveksi Ayu", 1, 1, 1]), "2026-12")

    assert (job.owner_key, job.rows_with_errors) == (f"{blkk_a.pk}:2026-12", 0)


# --- the template ---------------------------------------------------------------------


def test_the_template_names_the_api_fields(alice, blkk_a):
    response = alice.get(page("metrics-import-template", blkk_a))

    assert response.status_code == 200
    assert "data-bulanan-template.xlsx" in response["Content-Disposition"]
    data, notes = load_workbook(io.BytesIO(response.content)).worksheets
    assert [cell.value for cell in data[1]] == list(COLUMNS)
    # A venture's name may be digits; Excel must keep it as typed.
    assert data.column_dimensions["A"].number_format == "@"
    assert [row[0].value for row in notes.iter_rows(min_row=2, max_row=5)] == list(
        COLUMNS
    )


# --- clean files ----------------------------------------------------------------------


def test_a_clean_file_previews_every_row_then_writes_every_row(
    alice, blkk_a, ventures, manager_a, english, django_capture_on_commit_callbacks
):
    ayu, kopi, _sabun = ventures
    rows = [
        ["Konveksi Ayu", "1.250.000", 3, 40],
        [kopi.pk, 2_000_000, "2", "15"],
        ["  sabun   HERBAL ", "Rp 750.000", 1, 0],
    ]

    job = preview_of(alice, blkk_a, sheet(*rows))
    preview = text(alice.get(page("metrics-import-job", blkk_a, job.pk)))

    assert errors_of(job) == {}
    assert "November 2026" in preview
    assert page("metrics-import-confirm", blkk_a, job.pk) in preview
    assert not VentureMetric.objects.exists()

    response = confirm(alice, blkk_a, job, django_capture_on_commit_callbacks)

    assert response.status_code == 303
    assert figures() == {
        "Konveksi Ayu": (1_250_000, 3, 40),
        "Kopi Lereng": (2_000_000, 2, 15),
        "Sabun Herbal": (750_000, 1, 0),
    }
    record = VentureMetric.history.get(venture=ayu)
    assert record.history_user == manager_a
    assert record.history_change_reason == f"spreadsheet import {job.pk}"
    job.refresh_from_db()
    assert (job.status, job.rows_written, job.created_by) == ("done", 3, manager_a)
    result = text(alice.get(page("metrics-import-job", blkk_a, job.pk)))
    assert "3 rows written." in result
    assert page("metrics-month", blkk_a) + "?period=2026-11" in result


def test_the_import_list_keeps_who_imported_which_month_when(
    alice, client, blkk_a, ventures, english, django_capture_on_commit_callbacks
):
    job = preview_of(alice, blkk_a, sheet(["Konveksi Ayu", 1, 1, 1]), "2026-10")
    confirm(alice, blkk_a, job, django_capture_on_commit_callbacks)
    client.force_login(make_persona("manager_b", blkk=blkk_a))

    content = text(client.get(page("metrics-import", blkk_a)))

    assert "data-bulanan.xlsx" in content
    assert "October 2026" in content
    assert "1 row written" in content
    assert page("metrics-import-job", blkk_a, job.pk) not in content


def test_a_csv_imports_too(alice, blkk_a, ventures, django_capture_on_commit_callbacks):
    rows = [list(COLUMNS), ["Kopi Lereng", "1.250.000", "2", "9"]]
    job = preview_of(alice, blkk_a, csv_upload(csv_text(rows, ";")))

    confirm(alice, blkk_a, job, django_capture_on_commit_callbacks)

    assert figures() == {"Kopi Lereng": (1_250_000, 2, 9)}


def test_indonesian_headers_are_accepted(alice, blkk_a, ventures):
    header = ["Usaha binaan", "Omzet (Rp)", "Jumlah tenaga kerja", "jumlah PELANGGAN"]

    job = preview_of(alice, blkk_a, sheet(["Kopi Lereng", 1, 1, 1], header=header))

    assert errors_of(job) == {}


def test_figures_already_reported_are_replaced_as_on_the_month_form(
    alice, blkk_a, ventures, english, django_capture_on_commit_callbacks
):
    ayu, kopi, _sabun = ventures
    VentureMetricFactory(venture=ayu, period=NOVEMBER, revenue=1, workers=1)
    VentureMetricFactory(venture=kopi, period=NOVEMBER, revenue=5, workers=5)
    october = VentureMetricFactory(
        venture=ayu, period=datetime.date(2026, 10, 1), revenue=9
    )
    rows = [["Konveksi Ayu", 2_000_000, 4, 50], ["Kopi Lereng", 5, 5, 40]]

    job = preview_of(alice, blkk_a, sheet(*rows))
    preview = text(alice.get(page("metrics-import-job", blkk_a, job.pk)))

    assert (
        "2 ventures already have figures for November 2026: their rows replace them."
        in preview
    )
    confirm(alice, blkk_a, job, django_capture_on_commit_callbacks)

    assert figures() == {
        "Konveksi Ayu": (2_000_000, 4, 50),
        "Kopi Lereng": (5, 5, 40),
    }
    assert VentureMetric.objects.filter(venture=ayu).count() == 2
    october.refresh_from_db()
    assert october.revenue == 9
    latest = VentureMetric.history.filter(venture=ayu, period=NOVEMBER).first()
    assert (latest.history_type, latest.revenue) == ("~", 2_000_000)


def test_a_row_equal_to_the_stored_figures_is_not_written_again(
    alice, blkk_a, ventures, django_capture_on_commit_callbacks
):
    ayu = ventures[0]
    VentureMetricFactory(
        venture=ayu, period=NOVEMBER, revenue=100, workers=1, customers=2
    )
    job = preview_of(alice, blkk_a, sheet(["Konveksi Ayu", 100, 1, 2]))

    confirm(alice, blkk_a, job, django_capture_on_commit_callbacks)

    job.refresh_from_db()
    assert (job.status, job.rows_written) == ("done", 0)
    assert VentureMetric.history.filter(venture=ayu).count() == 1


# --- bad rows -------------------------------------------------------------------------


def test_a_file_with_one_bad_row_writes_nothing_and_names_the_row_and_reason(
    alice, blkk_a, ventures, english, django_capture_on_commit_callbacks
):
    rows = [
        ["Konveksi Ayu", 100, 1, 1],
        ["Kopi Lereng", 100, -1, 1],
        ["Sabun Herbal", 100, 1, 1],
    ]

    job = preview_of(alice, blkk_a, sheet(*rows))
    content = text(alice.get(page("metrics-import-job", blkk_a, job.pk)))

    minimum = "Ensure this value is greater than or equal to 0."
    assert errors_of(job) == {3: {"workers": [minimum]}}
    assert "1 of 3 rows has an error" in content
    assert 'id="row-3"' in content
    assert page("metrics-import-confirm", blkk_a, job.pk) not in content

    confirm(alice, blkk_a, job, django_capture_on_commit_callbacks)

    assert not VentureMetric.objects.exists()
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED


@pytest.mark.parametrize(
    ("revenue", "message"),
    [
        ("satu juta", RUPIAH_MESSAGE),
        ("1,250,000", RUPIAH_MESSAGE),
        ("1.25", RUPIAH_MESSAGE),
        (1250.5, RUPIAH_MESSAGE),
        (True, RUPIAH_MESSAGE),
        (-5, "Ensure this value is greater than or equal to 0."),
    ],
)
def test_revenue_is_whole_rupiah(alice, blkk_a, ventures, english, revenue, message):
    job = preview_of(alice, blkk_a, sheet(["Konveksi Ayu", revenue, 1, 1]))

    assert errors_of(job) == {2: {"revenue": [str(message)]}}


def test_figures_are_whole_numbers_with_the_apis_message(
    alice, blkk_a, ventures, english
):
    job = preview_of(alice, blkk_a, sheet(["Konveksi Ayu", 1, 2.5, "banyak"]))

    assert errors_of(job) == {
        2: {
            "workers": ["A valid integer is required."],
            "customers": ["A valid integer is required."],
        }
    }


def test_every_figure_is_needed_as_on_the_month_form(alice, blkk_a, ventures, english):
    """An empty cell is not stored as zero."""
    job = preview_of(
        alice, blkk_a, sheet(["Konveksi Ayu", None, 1, None], [None, 1, 1, 1])
    )

    assert errors_of(job) == {
        2: {"revenue": [REQUIRED], "customers": [REQUIRED]},
        3: {"venture": [REQUIRED]},
    }


def test_a_venture_of_another_blkk_is_no_such_venture(
    alice, blkk_a, ventures, venture_b, english
):
    """By name or by id, another BLKK's venture is answered like one that does not
    exist."""
    rows = [["Keripik Budi", 1, 1, 1], [venture_b.pk, 1, 1, 1], [987654, 1, 1, 1]]

    job = preview_of(alice, blkk_a, sheet(*rows))

    message = str(NO_SUCH_VENTURE)
    assert message.startswith("No such venture in this BLKK")
    assert errors_of(job) == {line: {"venture": [message]} for line in (2, 3, 4)}


def test_two_rows_for_one_venture_are_both_reported(alice, blkk_a, ventures, english):
    kopi = ventures[1]
    rows = [["Kopi Lereng", 1, 1, 1], ["Konveksi Ayu", 1, 1, 1], [kopi.pk, 2, 2, 2]]

    job = preview_of(alice, blkk_a, sheet(*rows))

    assert errors_of(job) == {
        2: {"venture": ["The same venture is also on row 4."]},
        4: {"venture": ["The same venture is also on row 2."]},
    }


def test_a_name_two_ventures_share_asks_for_the_id(
    alice, blkk_a, cohort_a, ventures, english
):
    twin = VentureFactory(cohort=cohort_a, name="Kopi Lereng", started_on=NOVEMBER)
    kopi = ventures[1]

    job = preview_of(alice, blkk_a, sheet(["kopi lereng", 1, 1, 1], [twin.pk, 1, 1, 1]))

    ids = ", ".join(str(pk) for pk in sorted([kopi.pk, twin.pk]))
    assert errors_of(job) == {
        2: {
            "venture": [
                f"Several ventures of this BLKK have this name: give the id ({ids})."
            ]
        }
    }


def test_a_formula_is_never_evaluated(alice, blkk_a, ventures):
    job = preview_of(alice, blkk_a, sheet(["Konveksi Ayu", "=1000*3", 1, 1]))

    formula = cell_problem(Cell("=1000*3", "formula"))
    assert errors_of(job) == {2: {"revenue": [formula]}}
    assert job.rows[0]["values"] == {
        "venture": "Konveksi Ayu",
        "workers": "1",
        "customers": "1",
    }


def test_the_preview_asks_the_same_queries_for_many_rows_as_for_few(
    alice, blkk_a, cohort_a, django_assert_max_num_queries
):
    many = [
        VentureFactory(cohort=cohort_a, name=f"Usaha {n}", started_on=NOVEMBER)
        for n in range(40)
    ]
    for venture in many[:20]:
        VentureMetricFactory(venture=venture, period=NOVEMBER)
    few_rows = [[v.name, 1, 1, 1] for v in many[:2]]
    many_rows = [[v.name, 1, 1, 1] for v in many]

    with django_assert_max_num_queries(QUERIES) as few:
        preview_of(alice, blkk_a, sheet(*few_rows))
    with django_assert_max_num_queries(len(few.captured_queries)):
        preview_of(alice, blkk_a, sheet(*many_rows))


QUERIES = 40


def test_the_job_page_asks_the_same_queries_for_many_rows_as_for_few(
    alice, blkk_a, cohort_a, django_assert_max_num_queries
):
    many = [
        VentureFactory(cohort=cohort_a, name=f"Usaha {n}", started_on=NOVEMBER)
        for n in range(40)
    ]
    small = preview_of(alice, blkk_a, sheet(*[[v.name, 1, 1, 1] for v in many[:2]]))
    large = preview_of(alice, blkk_a, sheet(*[[v.name, 1, 1, 1] for v in many]))

    with django_assert_max_num_queries(QUERIES) as few:
        alice.get(page("metrics-import-job", blkk_a, small.pk))
    with django_assert_max_num_queries(len(few.captured_queries)):
        alice.get(page("metrics-import-job", blkk_a, large.pk) + "?rows=all")


# --- the confirmation checks again ----------------------------------------------------


def test_a_row_made_invalid_after_the_preview_writes_nothing(
    alice,
    manager_a,
    blkk_a,
    blkk_b,
    cohort_b,
    ventures,
    english,
    django_capture_on_commit_callbacks,
):
    """Between the preview and the confirmation, Sabun Herbal moved to BLKK B's
    cohort (a correction in the admin): the run checks every row again, finds it
    is no longer this BLKK's, and writes nothing. The run speaks the uploader's
    language, chosen here as English."""
    User.objects.filter(pk=manager_a.pk).update(language="en")
    rows = [["Konveksi Ayu", 1, 1, 1], ["Sabun Herbal", 1, 1, 1]]
    job = preview_of(alice, blkk_a, sheet(*rows))
    sabun = ventures[2]
    sabun.cohort = cohort_b
    sabun.save(update_fields=["cohort"])

    confirm(alice, blkk_a, job, django_capture_on_commit_callbacks)

    assert not VentureMetric.objects.exists()
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert errors_of(job) == {3: {"venture": [str(NO_SUCH_VENTURE)]}}
    content = text(alice.get(page("metrics-import-job", blkk_a, job.pk)))
    assert "Nothing was written" in content
    assert str(NO_SUCH_VENTURE) in content


def test_a_manager_who_lost_the_blkk_before_the_run_writes_nothing(
    alice, blkk_a, manager_a, ventures, django_capture_on_commit_callbacks
):
    job = preview_of(alice, blkk_a, sheet(["Konveksi Ayu", 1, 1, 1]))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.QUEUED)
    blkk_a.managers.remove(manager_a)

    import_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert job.message == str(NOT_YOUR_BLKK)
    assert not VentureMetric.objects.exists()


def test_the_progress_fragment_is_polled_without_a_script(
    alice, blkk_a, ventures, django_capture_on_commit_callbacks
):
    job = preview_of(alice, blkk_a, sheet(["Konveksi Ayu", 1, 1, 1]))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.QUEUED)

    content = text(alice.get(page("metrics-import-job", blkk_a, job.pk)))
    fragment = alice.get(page("metrics-import-progress", blkk_a, job.pk))

    progress_url = page("metrics-import-progress", blkk_a, job.pk)
    assert f'hx-get="{progress_url}"' in content
    assert "<script>" not in content
    assert fragment.status_code == 200
    assert 'id="import-progress"' in text(fragment)
    assert (
        reverse("metrics-import-progress", args=[blkk_a.code, job.pk]) == progress_url
    )


def test_the_figures_messages_are_the_apis_for_the_same_values(
    alice, api, blkk_a, ventures, manager_a, english
):
    kopi = ventures[1]
    rows = [
        ["Kopi Lereng", -1, 2.5, "banyak"],
        ["Kopi Lereng", 10**20, -3, "12a"],
    ]
    client = api(manager_a)
    for values in rows:
        job = preview_of(alice, blkk_a, sheet(values))
        [errors] = errors_of(job).values()
        body = {
            "venture": kopi.pk,
            "period": "2026-11",
            **dict(zip(FIGURES, values[1:], strict=True)),
        }
        response = client.post(
            api_url("venture-metrics"), body, format="json", HTTP_ACCEPT_LANGUAGE="en"
        )
        assert response.status_code == 400, (values, response.json())
        assert errors == response.json(), values
    assert not VentureMetric.objects.exists()
