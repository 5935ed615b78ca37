"""`GET /api/v1/trainees/export/` (training/api/export.py, training/exports.py): the
trainee list as a CSV file, streamed in constant memory.

The file holds exactly the rows of the list for the same caller and filters, each
cell as the list shows it (the NIK masked for province staff and for people a
manager reaches only as a mentor), one audit event per file, a number of queries
that does not grow with the rows, and a peak of memory that grows with the chunk,
not with the file.
"""

from __future__ import annotations

import csv
import datetime
import io
import tracemalloc

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections
from django.utils import timezone
from rest_framework.test import APIRequestFactory, force_authenticate

from blkk_portal.audit.models import AuditAction, PersonalDataEvent
from mentoring import services as mentoring_services
from mentoring.models import Mentor
from tests.test_spreadsheets import FORMULA_LIKE
from tests.training.factories import make_nik
from training import exports
from training.api.export import TraineeExportApi
from training.api.serializers import MENTOR_FIELDS, TraineeSerializer
from training.models import Blkk, Trainee, TrainingBatch
from training.validators import mask_nik

from .resources import url

pytestmark = pytest.mark.django_db

EXPORT = "/api/v1/trainees/export/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
HIGH = "1000/min"


@pytest.fixture(autouse=True)
def _exports_not_throttled(settings):
    """Rates high enough for the tests that export several times; the throttle's
    own test lowers the rate."""
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "export": HIGH, "search": HIGH},
    }


def body(response) -> bytes:
    assert response.status_code == 200, response
    return b"".join(response.streaming_content)


def read_csv(response) -> list[dict[str, str]]:
    raw = body(response)
    assert raw.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def export(api, user, **params) -> list[dict[str, str]]:
    return read_csv(api(user).get(EXPORT, params))


def as_cell(value) -> str:
    """A JSON value of the list as the CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def listed(api, user, **params) -> dict[int, dict[str, str]]:
    """Every row of the trainee list for `user`, page after page, as CSV cells."""
    client = api(user)
    rows: dict[int, dict[str, str]] = {}
    next_url: str | None = url("trainees")
    query: dict | None = {**params, "page_size": 200}
    while next_url:
        response = client.get(next_url, query)
        assert response.status_code == 200, response.content
        page = response.json()
        for row in page["results"]:
            rows[row["id"]] = {name: as_cell(row.get(name)) for name in exports.COLUMNS}
        next_url, query = page["next"], None
    return rows


def by_id(rows: list[dict[str, str]]) -> dict[int, dict[str, str]]:
    return {int(row["id"]): row for row in rows}


def make_mentor_of_venture(user, venture) -> None:
    """`user` (a manager) also mentors `venture`, at another BLKK."""
    profile = Mentor.objects.create(
        user=user, full_name=user.full_name, affiliation="blk"
    )
    mentoring_services.assignment_create(
        mentor=profile,
        venture=venture,
        start_date=datetime.date(2026, 4, 1),
        status="active",
        by=None,
    )


def people(count: int, blkk: Blkk, *, first_serial: int = 1, name="Peserta") -> None:
    """`count` people registered at `blkk`, inserted in one statement."""
    rows = []
    for n in range(count):
        serial = first_serial + n
        birth = datetime.date(1980, 1, 1) + datetime.timedelta(days=serial // 9000)
        rows.append(
            Trainee(
                nik=make_nik("32", birth, "M", serial % 9000 + 1),
                full_name=f"{name} {serial:06d}",
                gender="M",
                birth_date=birth,
                phone="081234567890",
                regency_id="32.73",
                education="smk",
                prior_status="unemployed",
                blkk=blkk,
                registered_on=datetime.date(2025, 1, 6),
                consent_on=datetime.date(2025, 1, 6),
            )
        )
    Trainee.objects.bulk_create(rows, batch_size=2000)


# --- the file ------------------------------------------------------------------------


def test_the_columns_are_the_lists_fields_in_its_order():
    assert list(exports.COLUMNS) == list(TraineeSerializer.Meta.fields)
    assert set(MENTOR_FIELDS) == exports.MENTOR_COLUMNS


def test_the_file_is_utf8_csv_with_a_bom_named_for_today(world, api):
    response = api(world.users["ministry"]).get(EXPORT)

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate()
    assert response["Content-Disposition"] == (
        f'attachment; filename="trainees-{today:%Y-%m-%d}.csv"'
    )
    assert response["Cache-Control"] == "private, no-store"
    raw = body(response)
    assert raw.startswith(b"\xef\xbb\xbfid,nik,full_name,gender,birth_date,")
    assert raw.endswith(b"\r\n")


def test_a_csv_accept_header_still_gets_the_file_and_errors_stay_json(world, api):
    client = api(world.users["ministry"])
    assert client.get(EXPORT, HTTP_ACCEPT="text/csv").status_code == 200

    refused = client.get(EXPORT, {"blkk": "abc"}, HTTP_ACCEPT="text/csv")
    assert refused.status_code == 400
    assert refused["Content-Type"] == "application/json"
    assert "blkk" in refused.json()


# --- who exports, and what: exactly the list ----------------------------------------


@pytest.mark.parametrize(
    "persona", ["ministry", "province_32", "manager_a", "manager_b"]
)
def test_the_file_holds_exactly_the_lists_rows_as_the_list_shows_them(
    world, api, persona
):
    user = world.users[persona]
    rows = by_id(export(api, user))
    assert rows == listed(api, user)
    assert set(rows) == set(
        Trainee.objects.visible_to(user).values_list("pk", flat=True)
    )


def test_ministry_staff_get_every_person_with_whole_niks(world, api):
    rows = by_id(export(api, world.users["ministry"]))
    everyone = Trainee.objects.all()
    assert set(rows) == {person.pk for person in everyone}
    for person in everyone:
        row = rows[person.pk]
        assert row["nik"] == person.nik
        assert row["full_name"] == person.full_name
        assert row["birth_date"] == person.birth_date.isoformat()
        assert row["regency"] == person.regency_id
        assert row["blkk"] == str(person.blkk_id)
        assert row["has_disability"] == "false"


def test_province_staff_get_their_province_with_niks_masked(world, api):
    rows = export(api, world.users["province_32"])
    person = world.objects[Trainee]["a"]
    assert [int(row["id"]) for row in rows] == [person.pk]
    (row,) = rows
    assert row["nik"] == mask_nik(person.nik)
    # Everything else, as the list shows province staff.
    assert row["birth_date"] == person.birth_date.isoformat()
    assert row["education"] == person.education


def test_a_manager_gets_their_own_people_whole_and_never_another_blkks(world, api):
    own = world.objects[Trainee]["a"]
    elsewhere = world.objects[Trainee]["b"]
    rows = by_id(export(api, world.users["manager_a"]))
    assert set(rows) == {own.pk}
    assert rows[own.pk]["nik"] == own.nik
    assert elsewhere.nik not in str(rows)


def test_a_person_enrolled_at_the_managers_blkk_is_in_their_file(world, api):
    """Registered at B, enrolled at A: A's manager reaches them, NIK whole."""
    person = world.objects[Trainee]["b"]
    batch = world.objects[TrainingBatch]["a"]
    batch.enrollments.create(trainee=person, status="registered")

    rows = by_id(export(api, world.users["manager_a"]))

    assert rows[person.pk]["nik"] == person.nik
    assert rows[person.pk]["birth_date"] == person.birth_date.isoformat()


def test_a_founder_a_manager_reaches_only_as_a_mentor_is_written_as_a_mentor_sees_them(
    world, api
):
    """Bob manages B and mentors A's venture: A's founder is in his file with the
    mentor's columns only (name, phone, masked NIK), as in his list."""
    bob = world.users["manager_b"]
    founder = world.objects[Trainee]["a"]
    make_mentor_of_venture(bob, founder.ventures.get())

    rows = by_id(export(api, bob))

    assert rows == listed(api, bob)
    row = rows[founder.pk]
    assert row["nik"] == mask_nik(founder.nik)
    assert row["full_name"] == founder.full_name
    assert row["phone"] == founder.phone
    hidden = [name for name in exports.COLUMNS if name not in MENTOR_FIELDS]
    assert {name: row[name] for name in hidden} == dict.fromkeys(hidden, "")
    own = world.objects[Trainee]["b"]
    assert rows[own.pk]["nik"] == own.nik


@pytest.mark.parametrize("persona", ["mentor_a", "mentor_b"])
def test_a_mentor_may_not_export(world, api, persona):
    response = api(world.users[persona]).get(EXPORT, **EN)
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Exporting trainees is for ministry staff, provincial staff and "
        "BLKK managers."
    }
    assert not PersonalDataEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_without_credentials_the_answer_is_401(world, api):
    response = api(None).get(EXPORT)
    assert response.status_code == 401
    assert not PersonalDataEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_head_and_writes_are_not_allowed(world, api):
    client = api(world.users["ministry"])
    assert client.head(EXPORT).status_code == 405
    assert client.post(EXPORT).status_code == 405


# --- the list's filters ---------------------------------------------------------------


def test_the_blkk_filter_keeps_that_blkks_registered_people(world, api):
    blkk_b = world.objects[Blkk]["b"]
    rows = export(api, world.users["ministry"], blkk=blkk_b.pk)
    assert [int(row["id"]) for row in rows] == [world.objects[Trainee]["b"].pk]


def test_the_province_filter_keeps_that_provinces_people(world, api):
    rows = export(api, world.users["ministry"], province="35")
    assert [int(row["id"]) for row in rows] == [world.objects[Trainee]["b"].pk]


def test_a_filter_naming_another_blkk_gives_a_manager_an_empty_file(world, api):
    blkk_b = world.objects[Blkk]["b"]
    assert export(api, world.users["manager_a"], blkk=blkk_b.pk) == []


def test_a_name_search_keeps_the_matches(world, api):
    rows = export(api, world.users["ministry"], search="peserta b")
    assert [int(row["id"]) for row in rows] == [world.objects[Trainee]["b"].pk]


def test_a_whole_nik_finds_one_person_for_whom_sees_it(world, api):
    person = world.objects[Trainee]["a"]
    rows = export(api, world.users["manager_a"], search=person.nik)
    assert [row["nik"] for row in rows] == [person.nik]


def test_a_nik_search_is_refused_to_those_who_see_niks_masked(world, api):
    nik = world.objects[Trainee]["a"].nik
    response = api(world.users["province_32"]).get(EXPORT, {"search": nik}, **EN)
    assert response.status_code == 400
    assert response.json() == {
        "search": ["Searching by NIK is not available to your role: search by name."]
    }
    assert not PersonalDataEvent.objects.filter(action=AuditAction.EXPORT).exists()


@pytest.mark.parametrize(
    "params", [{"blkk": "abc"}, {"blkk": "0"}, {"search": "x" * 101}, {"search": "a\0"}]
)
def test_bad_filters_answer_400(world, api, params):
    response = api(world.users["ministry"]).get(EXPORT, params)
    assert response.status_code == 400
    assert set(response.json()) <= {"blkk", "search"}


def test_the_rows_come_in_the_order_people_were_registered(world, api):
    blkk = world.objects[Blkk]["a"]
    people(5, blkk, name="Zaenal")
    people(5, blkk, first_serial=100, name="Agus")
    ids = [int(row["id"]) for row in export(api, world.users["ministry"])]
    assert ids == sorted(Trainee.objects.values_list("pk", flat=True))


# --- spreadsheets never run what people typed -----------------------------------------


def test_a_cell_that_starts_like_a_formula_gets_an_apostrophe(world, api):
    people(len(FORMULA_LIKE), world.objects[Blkk]["a"])
    typed = dict(
        zip(
            Trainee.objects.filter(full_name__startswith="Peserta 0").values_list(
                "pk", flat=True
            ),
            FORMULA_LIKE,
            strict=True,
        )
    )
    for pk, name in typed.items():
        Trainee.objects.filter(pk=pk).update(full_name=name)

    rows = by_id(export(api, world.users["ministry"]))

    assert {pk: rows[pk]["full_name"] for pk in typed} == {
        pk: "'" + name for pk, name in typed.items()
    }
    assert rows[world.objects[Trainee]["b"].pk]["full_name"] == "Peserta B"


def test_commas_quotes_and_line_breaks_stay_in_their_cell(world, api):
    name = 'Siti "Ayu", Lestari\nBandung'
    Trainee.objects.filter(pk=world.objects[Trainee]["a"].pk).update(full_name=name)
    rows = by_id(export(api, world.users["ministry"]))
    assert rows[world.objects[Trainee]["a"].pk]["full_name"] == name


# --- the audit trail ------------------------------------------------------------------


def test_one_audit_event_names_the_user_the_filters_and_the_rows(world, api):
    people(30, world.objects[Blkk]["a"])
    user = world.users["province_32"]
    rows = export(api, user, province="32", search="peserta")

    (event,) = PersonalDataEvent.objects.all()
    assert event.action == AuditAction.EXPORT
    assert event.user == user
    assert event.username == "province_32"
    assert event.subject == "training.trainee"
    assert event.record_id is None
    assert event.query == f"{EXPORT}?province=32&search=peserta"
    assert event.rows == len(rows) == 31


def test_the_audit_event_is_written_before_the_first_byte(world, monkeypatch):
    """An export that starts is on record even if the download never ends; the
    event then counts the rows sent (here the first chunk: the header and two).
    The view is called directly, as a WSGI server calls it, which closes the
    response when the client goes away."""
    monkeypatch.setattr(exports, "CHUNK", 2)
    people(5, world.objects[Blkk]["a"])
    request = APIRequestFactory().get(EXPORT)
    force_authenticate(request, user=world.users["ministry"])
    response = TraineeExportApi.as_view()(request)
    (event,) = PersonalDataEvent.objects.all()
    assert event.rows == 0

    first = next(iter(response.streaming_content))
    # Without Django's end-of-request signal, which would close the test's
    # connection.
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)

    event.refresh_from_db()
    assert first.count(b"\r\n") == 3
    assert event.rows == 2
    assert PersonalDataEvent.objects.count() == 1


def test_a_whole_nik_searched_for_is_masked_in_the_audit_trail(world, api):
    nik = world.objects[Trainee]["a"].nik
    export(api, world.users["ministry"], search=nik)
    (event,) = PersonalDataEvent.objects.all()
    assert nik not in event.query
    assert event.query == f"{EXPORT}?search={'*' * 16}"


# --- the throttle ---------------------------------------------------------------------


def test_exports_beyond_the_rate_answer_429_with_retry_after(world, api, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "export": "2/min",
        },
    }
    client = api(world.users["manager_a"])
    answers = [client.get(EXPORT, **EN).status_code for _ in range(2)]
    refused = client.get(EXPORT, **EN)

    assert answers == [200, 200]
    assert refused.status_code == 429
    wait = int(refused["Retry-After"])
    assert 1 <= wait <= 60
    assert refused.json() == {
        "detail": f"Too many exports in a short time: try again in {wait} "
        f"second{'s' if wait != 1 else ''}."
    }
    # Counted per user: another manager still exports.
    assert api(world.users["manager_b"]).get(EXPORT).status_code == 200
    assert PersonalDataEvent.objects.filter(action=AuditAction.EXPORT).count() == 3


def test_the_export_rate_defaults_to_three_a_minute():
    from blkk_portal import settings as portal_settings

    assert portal_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["export"] == (
        "3/min"
    )


# --- cost: queries and memory ---------------------------------------------------------


@pytest.mark.parametrize("persona", ["ministry", "province_32", "manager_a"])
def test_the_queries_do_not_grow_with_the_rows(
    world, api, persona, monkeypatch, django_assert_num_queries
):
    """A few queries (credentials, the audit event, the cursor, the event's row
    count) whether one chunk is written or many."""
    monkeypatch.setattr(exports, "CHUNK", 10)
    client = api(world.users[persona])

    def queries_for_one_export() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            body(client.get(EXPORT))
        return len(captured)

    few = queries_for_one_export()
    people(95, world.objects[Blkk]["a"])
    many = queries_for_one_export()

    assert many == few
    with django_assert_num_queries(few):
        body(client.get(EXPORT))
    assert few <= 12


def peak_bytes_of_an_export(client) -> tuple[int, int]:
    """The peak of Python's allocations while the export is asked for and its
    body read (and thrown away, as a client writing it to disk does), and the
    bytes read. A first export warms up what a process builds once (URL patterns,
    translations, the querysets' compiled parts), which is not the export's."""
    body(client.get(EXPORT))
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        response = client.get(EXPORT)
        size = 0
        for chunk in response.streaming_content:
            size += len(chunk)
        return tracemalloc.get_traced_memory()[1], size
    finally:
        tracemalloc.stop()


def test_memory_is_bounded_by_the_chunk_not_the_rows(world, api, monkeypatch):
    """Four times the rows, several chunks each time: the same peak, give or take a
    little (the larger file's longer ids), and under a bound."""
    monkeypatch.setattr(exports, "CHUNK", 250)
    blkk = world.objects[Blkk]["a"]
    client = api(world.users["ministry"])
    people(1000, blkk)
    peak_1000, size_1000 = peak_bytes_of_an_export(client)
    people(3000, blkk, first_serial=1001)
    peak_4000, size_4000 = peak_bytes_of_an_export(client)

    assert size_4000 > 3.5 * size_1000
    assert peak_4000 - peak_1000 < 64 * 1024, (peak_1000, peak_4000)
    # The request itself, and one chunk of 250 rows (about 30 KB of CSV).
    assert peak_4000 < 1024 * 1024, peak_4000


def test_memory_of_a_few_thousand_rows_stays_small(world, api):
    """With the real chunk (2,000 rows): the driver's 2,000 tuples, the chunk's
    text and its bytes (about 3 MB), however long the file."""
    people(5000, world.objects[Blkk]["a"])
    peak, size = peak_bytes_of_an_export(api(world.users["ministry"]))
    assert size > 500_000
    assert peak < 5 * 1024 * 1024, peak
