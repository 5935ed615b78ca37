"""Importing user accounts in the admin (`mentoring.imports.AccountsImport` on the
import engine, pages in `blkk_portal.accounts.admin_imports`): every row's errors in
a preview, all rows or none, no password in the file, and each new account mailed
its invitation once."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from blkk_portal.accounts.imports import ACCOUNTS_IMPORT
from blkk_portal.accounts.models import Role, User
from blkk_portal.imports.kinds import ImportRefused, kind_named
from blkk_portal.imports.models import ImportJob, ImportStatus
from blkk_portal.imports.services import import_preview
from mentoring.models import Mentor
from tests.accounts.factories import UserFactory
from tests.imports.sheets import csv_text, csv_upload, xlsx_upload
from tests.training.factories import BlkkFactory, regency

pytestmark = pytest.mark.usefixtures("english")

HEADER = [
    "username",
    "full_name",
    "email",
    "role",
    "blkk_codes",
    "province",
    "expertise",
    "affiliation",
    "home_blkk",
]
IMPORT = "admin:accounts_user_import"
NEW_PASSWORD = "sawah-hijau-garut-2027"
INVITE_PATH = re.compile(r"https?://\S+/accounts/invite/\S+/")


@pytest.fixture
def kind():
    return kind_named(ACCOUNTS_IMPORT)


@pytest.fixture
def blkk_c(db):
    return BlkkFactory(regency=regency("32.73"), code="BLKK-C-003")


@pytest.fixture
def staff_client(client, ministry_user):
    client.force_login(ministry_user)
    return client


def good_rows(blkk_a, blkk_c) -> list[list]:
    return [
        [
            "siti",
            "Siti Aminah",
            "siti@example.id",
            "blkk_manager",
            f"{blkk_a.code}; {blkk_c.code.lower()}",
        ],
        [
            "wayan",
            "I Wayan Sudarma",
            "wayan@example.id",
            "Mentor",
            None,
            None,
            "Pemasaran digital",
            "university",
            blkk_c.code,
        ],
        ["dewi2", "Dewi Lestari", "dewi2@example.id", "province", None, "Jawa Barat"],
    ]


def upload(client, rows, *, name="akun.xlsx", header=HEADER):
    return client.post(reverse(IMPORT), {"file": xlsx_upload([header, *rows], name)})


def job_of(response) -> ImportJob:
    assert response.status_code == 303, response.content.decode()[:2000]
    return ImportJob.objects.get(
        pk=int(response["Location"].rstrip("/").split("/")[-1])
    )


def confirm(client, job, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("admin:accounts_user_import_confirm", args=[job.pk]))


# --- the happy path -------------------------------------------------------------------


def test_ministry_imports_managers_mentors_and_province_staff(
    staff_client,
    ministry_user,
    blkk_a,
    blkk_c,
    django_capture_on_commit_callbacks,
):
    job = job_of(upload(staff_client, good_rows(blkk_a, blkk_c)))
    assert job.confirmable, job.errors
    preview = staff_client.get(reverse("admin:accounts_user_import_job", args=[job.pk]))
    assert preview.status_code == 200
    assert "Siti Aminah" in preview.content.decode()
    assert not User.objects.filter(username="siti").exists()
    assert mail.outbox == []

    confirmed = confirm(staff_client, job, django_capture_on_commit_callbacks)

    assert confirmed.status_code == 303
    job.refresh_from_db()
    assert (job.status, job.rows_written) == (ImportStatus.DONE, 3)
    siti = User.objects.get(username="siti")
    assert siti.role == Role.BLKK_MANAGER
    assert siti.is_staff
    assert set(siti.managed_blkks.all()) == {blkk_a, blkk_c}
    wayan = User.objects.get(username="wayan")
    assert wayan.role == Role.MENTOR
    profile = Mentor.objects.get(user=wayan)
    assert (profile.full_name, profile.expertise, profile.affiliation) == (
        "I Wayan Sudarma",
        "Pemasaran digital",
        "university",
    )
    assert profile.home_blkk == blkk_c
    dewi = User.objects.get(username="dewi2")
    assert (dewi.role, dewi.province_id) == (Role.PROVINCE, "32")
    for user in (siti, wayan, dewi):
        assert not user.has_usable_password()
        entry = LogEntry.objects.get(object_id=str(user.pk))
        assert entry.user == ministry_user
    # One invitation each, and none to anyone else.
    assert sorted(message.to[0] for message in mail.outbox) == [
        "dewi2@example.id",
        "siti@example.id",
        "wayan@example.id",
    ]


def test_the_invitation_of_an_imported_account_works(
    client, staff_client, blkk_a, blkk_c, django_capture_on_commit_callbacks
):
    job = job_of(upload(staff_client, good_rows(blkk_a, blkk_c)[:1]))
    confirm(staff_client, job, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    (link,) = INVITE_PATH.findall(message.body)
    assert link.startswith("http://testserver/accounts/invite/")
    staff_client.logout()

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    signed_in = client.post(
        reverse("login"), {"username": "siti@example.id", "password": NEW_PASSWORD}
    )

    assert signed_in.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(username="siti").pk)


def test_a_csv_with_semicolons_and_indonesian_headers_is_read(staff_client, blkk_a):
    # The portal's labels in Indonesian (those already in its catalogue).
    header = ["Nama pengguna", "Nama lengkap", "Email", "Peran", "blkk_codes"]
    rows = [
        ["rahmat", "Rahmat Hidayat", "rahmat@example.id", "blkk_manager", blkk_a.code]
    ]
    text = csv_text([header, *rows], delimiter=";")

    response = staff_client.post(reverse(IMPORT), {"file": csv_upload(text)})

    job = job_of(response)
    assert job.confirmable, (job.errors, job.notices)


# --- bad input ------------------------------------------------------------------------


def preview_errors(kind, user, rows, header=HEADER) -> dict:
    job = import_preview(
        kind=kind,
        upload=xlsx_upload([header, *rows]),
        by=user,
        owner_key="http://testserver",
    )
    return {
        int(line): {
            column: [p["text"] for p in problems] for column, problems in cols.items()
        }
        for line, cols in job.errors.items()
    }


def test_every_bad_row_shows_its_errors_and_nothing_is_written(
    kind, ministry_user, manager_a, blkk_a
):
    rows = [
        # 2: unknown BLKK code
        ["a1", "A Satu", "a1@example.id", "blkk_manager", "BLKK-NOPE-9"],
        # 3: a province user without a province
        ["a2", "A Dua", "a2@example.id", "province"],
        # 4: BLKK codes for a mentor, no affiliation
        ["a3", "A Tiga", "a3@example.id", "mentor", blkk_a.code],
        # 5 and 6: one username twice (any case)
        ["kembar", "A Empat", "a4@example.id", "province", None, "32"],
        ["KEMBAR", "A Lima", "a5@example.id", "province", None, "32"],
        # 7: an email already used in the portal, any case
        ["a6", "A Enam", "MANAGER_A@example.id", "blkk_manager", blkk_a.code],
        # 8: a bad email
        ["a7", "A Tujuh", "not-an-email", "blkk_manager", blkk_a.code],
        # 9: an unknown role
        ["a8", "A Delapan", "a8@example.id", "direktur"],
        # 10: a username already taken
        ["Manager_A", "A Sembilan", "a9@example.id", "blkk_manager", blkk_a.code],
        # 11: mentor fields for a manager, a province for a manager
        ["a10", "A Sepuluh", "a10@example.id", "blkk_manager", blkk_a.code, "32", "x"],
        # 12: a ministry account
        ["a11", "A Sebelas", "a11@example.id", "ministry"],
        # 13: nothing but a username; a bad username
        ["a 12!"],
        # 14: an unknown province, an unknown home BLKK
        ["a13", "A Tiga Belas", "a13@example.id", "province", None, "Atlantis"],
        [
            "a14",
            "A Empat Belas",
            "a14@example.id",
            "mentor",
            None,
            None,
            None,
            "blk",
            "X-1",
        ],
    ]

    errors = preview_errors(kind, ministry_user, rows)

    assert set(errors) == set(range(2, 16))
    assert errors[2] == {"blkk_codes": ["No BLKK has the code BLKK-NOPE-9."]}
    assert errors[3] == {
        "province": ["A province is required for provincial staff, and only for them."]
    }
    assert errors[4] == {
        "blkk_codes": ["Only BLKK managers are given BLKKs."],
        "affiliation": ["This field is required."],
    }
    assert errors[5] == {"username": ["This username is also on row 6."]}
    assert errors[6] == {"username": ["This username is also on row 5."]}
    assert errors[7] == {"email": ["An account with this email already exists."]}
    assert errors[8] == {"email": ["Enter a valid email address."]}
    assert list(errors[9]) == ["role"]
    assert "direktur is not one of the choices" in errors[9]["role"][0]
    assert errors[10] == {"username": ["A user with that username already exists."]}
    assert errors[11] == {
        "province": ["A province is required for provincial staff, and only for them."],
        "expertise": ["Only mentors have a mentor profile."],
    }
    assert "Ministry accounts are not imported" in errors[12]["role"][0]
    assert set(errors[13]) == {"username", "full_name", "email", "role"}
    assert errors[14] == {"province": ["Atlantis is not a province's code or name."]}
    assert errors[15] == {"home_blkk": ["No BLKK has the code X-1."]}
    assert not User.objects.filter(
        email__endswith="@example.id", username__startswith="a"
    ).exists()


def test_a_preview_with_an_error_cannot_be_confirmed(
    staff_client, blkk_a, django_capture_on_commit_callbacks, english
):
    rows = [
        ["ok1", "Ok Satu", "ok1@example.id", "blkk_manager", blkk_a.code],
        ["bad", "Bad", "bad@example.id", "blkk_manager", "NOPE-1"],
    ]
    job = job_of(upload(staff_client, rows))
    page = staff_client.get(reverse("admin:accounts_user_import_job", args=[job.pk]))
    assert "No BLKK has the code NOPE-1." in page.content.decode()
    assert reverse("admin:accounts_user_import_confirm", args=[job.pk]) not in (
        page.content.decode()
    )

    confirm(staff_client, job, django_capture_on_commit_callbacks)

    assert not User.objects.filter(username__in=["ok1", "bad"]).exists()
    assert mail.outbox == []


def test_an_account_registered_since_the_preview_fails_the_run_and_writes_nothing(
    staff_client, blkk_a, blkk_c, django_capture_on_commit_callbacks
):
    job = job_of(upload(staff_client, good_rows(blkk_a, blkk_c)))
    UserFactory(username="wayan")

    confirm(staff_client, job, django_capture_on_commit_callbacks)

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert not User.objects.filter(username__in=["siti", "dewi2"]).exists()
    assert mail.outbox == []


def test_a_file_with_passwords_is_refused_and_keeps_nothing(staff_client, blkk_a):
    header = [*HEADER[:4], "blkk_codes", "password"]
    rows = [
        ["siti", "Siti", "siti@example.id", "blkk_manager", blkk_a.code, "rahasia1"]
    ]

    response = upload(staff_client, rows, header=header)

    assert response.status_code == 400
    (message,) = response.context["form"].errors["file"]
    assert "passwords in it (rows 2)" in message
    assert not ImportJob.objects.exists()
    assert "rahasia1" not in response.content.decode()


def test_an_indonesian_password_header_is_refused_too(staff_client, blkk_a):
    header = [*HEADER[:5], "Kata sandi"]
    rows = [["siti", "Siti", "siti@example.id", "blkk_manager", blkk_a.code, "x"]]

    assert upload(staff_client, rows, header=header).status_code == 400
    assert not ImportJob.objects.exists()


def test_an_empty_password_column_is_ignored(staff_client, blkk_a):
    header = [*HEADER[:5], "password"]
    rows = [["siti", "Siti", "siti@example.id", "blkk_manager", blkk_a.code]]

    job = job_of(upload(staff_client, rows, header=header))

    assert job.confirmable
    assert any("password" in notice for notice in job.notices)


def test_a_file_missing_a_required_column_is_refused(staff_client):
    response = upload(
        staff_client, [["siti", "Siti"]], header=["username", "full_name"]
    )

    assert response.status_code == 400
    assert "email, role" in response.context["form"].errors["file"][0]


def test_the_template_has_the_columns_and_no_password(staff_client):
    response = staff_client.get(reverse("admin:accounts_user_import_template"))

    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    header = [cell.value for cell in workbook.worksheets[0][1]]
    assert header == HEADER


# --- query counts ---------------------------------------------------------------------


def test_the_preview_asks_the_database_the_same_whatever_the_rows(
    kind, ministry_user, blkk_a, blkk_c, django_assert_max_num_queries
):
    def rows(count: int) -> list[list]:
        made = []
        for n in range(count):
            made.append(
                [
                    f"m{n}",
                    f"Manager {n}",
                    f"m{n}@example.id",
                    "blkk_manager",
                    blkk_a.code,
                ]
            )
            made.append(
                [f"p{n}", f"Staff {n}", f"p{n}@example.id", "province", None, "35"]
            )
            made.append(
                [
                    f"t{n}",
                    f"Mentor {n}",
                    f"t{n}@example.id",
                    "mentor",
                    None,
                    None,
                    "x",
                    "blk",
                    blkk_c.code,
                ]
            )
        return made

    # Warm up what is looked up once per process (content types, the upload count).
    preview_errors(kind, ministry_user, rows(1))
    with django_assert_max_num_queries(12) as few:
        assert preview_errors(kind, ministry_user, rows(2)) == {}
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert preview_errors(kind, ministry_user, rows(100)) == {}


# --- who may import -------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["province_user", "manager_a"])
def test_other_staff_get_403_on_every_import_page(
    client, request, persona, ministry_user, blkk_a
):
    client.force_login(ministry_user)
    job = job_of(
        upload(client, [["x1", "X", "x1@example.id", "blkk_manager", blkk_a.code]])
    )
    client.force_login(request.getfixturevalue(persona))

    pages = [
        client.get(reverse(IMPORT)),
        client.post(reverse(IMPORT), {"file": xlsx_upload([HEADER])}),
        client.get(reverse("admin:accounts_user_import_template")),
        client.get(reverse("admin:accounts_user_import_job", args=[job.pk])),
        client.get(reverse("admin:accounts_user_import_progress", args=[job.pk])),
        client.post(reverse("admin:accounts_user_import_confirm", args=[job.pk])),
        client.post(reverse("admin:accounts_user_import_cancel", args=[job.pk])),
    ]

    assert [page.status_code for page in pages] == [403] * len(pages)
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED


def test_a_mentor_is_sent_to_the_admins_sign_in(client, mentor_a):
    client.force_login(mentor_a)

    response = client.get(reverse(IMPORT))

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_another_ministry_users_import_is_404(
    client, ministry_user, blkk_a, django_capture_on_commit_callbacks
):
    client.force_login(ministry_user)
    job = job_of(
        upload(client, [["x1", "X", "x1@example.id", "blkk_manager", blkk_a.code]])
    )
    colleague = UserFactory(ministry=True)
    client.force_login(colleague)

    assert (
        client.get(reverse("admin:accounts_user_import_job", args=[job.pk])).status_code
        == 404
    )
    confirm(client, job, django_capture_on_commit_callbacks)
    assert not User.objects.filter(username="x1").exists()


def test_the_kind_refuses_anyone_but_ministry_staff(kind, manager_a):
    with pytest.raises(ImportRefused):
        kind.context(owner_key="http://testserver", by=manager_a)


def test_an_import_names_only_an_address_of_the_portal(kind, ministry_user):
    with pytest.raises(ImportRefused):
        kind.context(owner_key="https://evil.example", by=ministry_user)


def test_the_accounts_list_links_to_the_import(staff_client):
    page = staff_client.get(reverse("admin:accounts_user_changelist"))

    assert reverse(IMPORT) in page.content.decode()


def test_a_file_over_the_limit_is_refused_without_being_kept(
    staff_client, blkk_a, monkeypatch
):
    monkeypatch.setattr("blkk_portal.imports.pages.MAX_FILE_BYTES", 1000)
    rows = [
        [f"u{n}", "Nama", f"u{n}@example.id", "province", None, "32"]
        for n in range(200)
    ]

    response = upload(staff_client, rows)

    assert response.status_code == 400
    assert "larger than" in response.context["form"].errors["file"][0]
    assert not ImportJob.objects.exists()


def test_a_running_import_shows_its_progress_for_htmx_to_poll(staff_client, blkk_a):
    job = job_of(
        upload(
            staff_client, [["x1", "X", "x1@example.id", "blkk_manager", blkk_a.code]]
        )
    )
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    progress_url = reverse("admin:accounts_user_import_progress", args=[job.pk])

    page = staff_client.get(reverse("admin:accounts_user_import_job", args=[job.pk]))
    fragment = staff_client.get(progress_url)

    assert f'hx-get="{progress_url}"' in page.content.decode()
    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode()
    assert f'hx-get="{progress_url}"' in fragment.content.decode()
