"""The doors issue #11 opened, tried as an attacker would (docs/SECURITY.md,
"#11 doors"): each import's jobs through every other door, the dashboards' and
report pages' scope and hostile query strings, invitation and reset links swapped,
and the admin's account import and hand-over for anyone but ministry staff."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from blkk_portal.accounts.tokens import invite_token_generator
from blkk_portal.imports.models import ImportJob, ImportStatus
from incubator.imports import METRICS
from mentoring.services import user_create
from reports.models import ReportRun
from tests.training.factories import TrainingBatchFactory
from training.imports import ENROLLMENTS, TRAINEES

pytestmark = pytest.mark.django_db


def job_of(user, kind, owner_key) -> ImportJob:
    return ImportJob.objects.create(
        kind=kind.name, owner_key=owner_key, created_by=user, file_name="x.xlsx"
    )


# --- imports: a job through another kind's door ------------------------------------


def test_a_job_opens_only_through_its_own_kinds_door(client, manager_a, blkk_a):
    batch = TrainingBatchFactory(blkk=blkk_a)
    trainee_job = job_of(manager_a, TRAINEES, str(blkk_a.pk))
    batch_job = job_of(manager_a, ENROLLMENTS, str(batch.pk))
    metrics_job = job_of(manager_a, METRICS, f"{blkk_a.pk}:2026-11")
    # A trainee job whose owner key reads as the batch's id too.
    same_key = job_of(manager_a, TRAINEES, str(batch.pk))
    code = blkk_a.code
    client.force_login(manager_a)
    wrong = [
        reverse("metrics-import-job", args=[code, trainee_job.pk]),
        reverse("metrics-import-progress", args=[code, batch_job.pk]),
        reverse("trainee-import-job", args=[code, metrics_job.pk]),
        reverse("trainee-import-progress", args=[code, batch_job.pk]),
        reverse("enrollment-import-job", args=[code, batch.pk, trainee_job.pk]),
        reverse("enrollment-import-job", args=[code, batch.pk, same_key.pk]),
        reverse("enrollment-import-progress", args=[code, batch.pk, metrics_job.pk]),
    ]
    for path in wrong:
        assert client.get(path).status_code == 404, path
    for path in (
        reverse("metrics-import-confirm", args=[code, trainee_job.pk]),
        reverse("trainee-import-cancel", args=[code, metrics_job.pk]),
        reverse("enrollment-import-confirm", args=[code, batch.pk, trainee_job.pk]),
    ):
        assert client.post(path).status_code == 404, path
    statuses = set(ImportJob.objects.values_list("status", flat=True))
    assert statuses == {ImportStatus.PREVIEWED}


def test_a_batch_job_does_not_open_under_another_batch(client, manager_a, blkk_a):
    batch, other = TrainingBatchFactory.create_batch(2, blkk=blkk_a)
    job = job_of(manager_a, ENROLLMENTS, str(batch.pk))
    client.force_login(manager_a)
    path = reverse("enrollment-import-job", args=[blkk_a.code, other.pk, job.pk])
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "user_key",
    ["province_user", "mentor_a", "ministry_user", "manager_b", None],
)
def test_nobody_but_the_blkks_managers_reaches_an_import_or_its_template(
    request, client, manager_a, blkk_a, user_key
):
    batch = TrainingBatchFactory(blkk=blkk_a)
    trainee_job = job_of(manager_a, TRAINEES, str(blkk_a.pk))
    metrics_job = job_of(manager_a, METRICS, f"{blkk_a.pk}:2026-11")
    batch_job = job_of(manager_a, ENROLLMENTS, str(batch.pk))
    code = blkk_a.code
    if user_key:
        client.force_login(request.getfixturevalue(user_key))
    gets = [
        reverse("trainee-import", args=[code]),
        reverse("trainee-import-template", args=[code]),
        reverse("trainee-import-job", args=[code, trainee_job.pk]),
        reverse("trainee-import-progress", args=[code, trainee_job.pk]),
        reverse("metrics-import", args=[code]),
        reverse("metrics-import-template", args=[code]),
        reverse("metrics-import-job", args=[code, metrics_job.pk]),
        reverse("metrics-import-progress", args=[code, metrics_job.pk]),
        reverse("enrollment-import", args=[code, batch.pk]),
        reverse("enrollment-import-template", args=[code, batch.pk]),
        reverse("enrollment-import-job", args=[code, batch.pk, batch_job.pk]),
        reverse("enrollment-import-progress", args=[code, batch.pk, batch_job.pk]),
    ]
    posts = [
        reverse("trainee-import-confirm", args=[code, trainee_job.pk]),
        reverse("trainee-import-cancel", args=[code, trainee_job.pk]),
        reverse("metrics-import-confirm", args=[code, metrics_job.pk]),
        reverse("metrics-import-cancel", args=[code, metrics_job.pk]),
        reverse("enrollment-import-confirm", args=[code, batch.pk, batch_job.pk]),
        reverse("enrollment-import-cancel", args=[code, batch.pk, batch_job.pk]),
    ]
    expected = 302 if user_key is None else 404
    for path in gets:
        assert client.get(path).status_code == expected, path
    for path in posts:
        assert client.post(path).status_code == expected, path
    statuses = set(ImportJob.objects.values_list("status", flat=True))
    assert statuses == {ImportStatus.PREVIEWED}


def test_every_import_post_needs_the_csrf_token(manager_a, blkk_a):
    batch = TrainingBatchFactory(blkk=blkk_a)
    trainee_job = job_of(manager_a, TRAINEES, str(blkk_a.pk))
    metrics_job = job_of(manager_a, METRICS, f"{blkk_a.pk}:2026-11")
    batch_job = job_of(manager_a, ENROLLMENTS, str(batch.pk))
    code = blkk_a.code
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager_a)
    for path in (
        reverse("trainee-import", args=[code]),
        reverse("trainee-import-confirm", args=[code, trainee_job.pk]),
        reverse("trainee-import-cancel", args=[code, trainee_job.pk]),
        reverse("metrics-import", args=[code]),
        reverse("metrics-import-confirm", args=[code, metrics_job.pk]),
        reverse("metrics-import-cancel", args=[code, metrics_job.pk]),
        reverse("enrollment-import", args=[code, batch.pk]),
        reverse("enrollment-import-confirm", args=[code, batch.pk, batch_job.pk]),
        reverse("enrollment-import-cancel", args=[code, batch.pk, batch_job.pk]),
        reverse("admin:accounts_user_import"),
    ):
        assert client.post(path).status_code == 403, path
    statuses = set(ImportJob.objects.values_list("status", flat=True))
    assert statuses == {ImportStatus.PREVIEWED}


# --- invitation links: only to the portal's own hosts -----------------------------


def test_an_invitation_is_never_mailed_with_a_forged_host(
    client, ministry_user, blkk_a, mailoutbox, django_capture_on_commit_callbacks
):
    """The admin builds the link from the request's host: a Host outside
    ALLOWED_HOSTS is refused (400) before anything is mailed (the account
    import checks its stored address the same way: `origin_parts`)."""
    user = user_create(
        username="siti",
        password=None,
        role="blkk_manager",
        full_name="Siti",
        email="siti@example.id",
        blkks=[blkk_a],
    )
    client.force_login(ministry_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "send_invitation", "_selected_action": [user.pk]},
            HTTP_HOST="evil.example",
        )
    assert response.status_code == 400
    assert mailoutbox == []


# --- dashboards --------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["month=0000-00", "month=2026-13", "month=9999-12", "month=%EF%BC%92026-01"],
)
def test_a_month_that_is_none_is_404_on_every_dashboard(client, ministry_user, query):
    client.force_login(ministry_user)
    for path in (reverse("dashboard"), reverse("dashboard-province", args=["32"])):
        assert client.get(f"{path}?{query}").status_code == 404, (path, query)


@pytest.mark.parametrize(
    "query", ["kpi=__class__", "kpi=outcome_counts", "kpi=", "page=99999999999999999"]
)
def test_a_strange_query_does_not_break_a_dashboard(client, ministry_user, query):
    client.force_login(ministry_user)
    response = client.get(f"{reverse('dashboard')}?{query}")
    assert response.status_code in (200, 404), query


def test_province_staff_reach_no_other_province_by_any_month(client, province_user):
    client.force_login(province_user)
    for query in ("", "?month=2026-01", "?kpi=graduates"):
        path = reverse("dashboard-province", args=["35"]) + query
        assert client.get(path).status_code == 404


@pytest.mark.parametrize("user_key", ["manager_a", "mentor_a", "no_role"])
def test_the_dashboard_is_a_403_page_for_other_roles(request, client, user_key):
    if user_key == "no_role":
        user = user_create(username="nobody", password=None, role="", full_name="N")
    else:
        user = request.getfixturevalue(user_key)
    client.force_login(user)
    for path in (reverse("dashboard"), reverse("dashboard-province", args=["32"])):
        assert client.get(path).status_code == 403, path


def test_codes_that_are_not_codes_are_404(client, ministry_user):
    client.force_login(ministry_user)
    for path in (
        "/dashboard/province/%E2%98%83/",
        "/blkk/%E2%98%83/",
        "/blkk/%E2%98%83/trainees/import/",
        "/reports/%D9%A1/",
        "/reports/99999999999999999999/",
        "/reports/runs/99999999999999999999/",
        "/reports/1/files/pdf/",
    ):
        assert client.get(path).status_code == 404, path


@pytest.mark.parametrize(
    "query",
    ["page=99999999999999999999", "page=-1", "period=0000-00", "scope=x", "q=%00"],
)
def test_the_report_list_takes_hostile_queries(client, ministry_user, query):
    client.force_login(ministry_user)
    response = client.get(f"{reverse('report-list')}?{query}")
    assert response.status_code in (200, 400, 404), query


# --- generating reports ------------------------------------------------------------


@pytest.mark.parametrize(
    ("user_key", "scope", "code"),
    [
        ("province_user", "province", "35"),
        ("province_user", "blkk", "blkk_b"),
        ("province_user", "national", ""),
        ("manager_a", "blkk", "blkk_b"),
        ("manager_a", "province", "32"),
    ],
)
def test_no_report_outside_ones_scope_is_generated(
    request, client, blkk_b, user_key, scope, code
):
    client.force_login(request.getfixturevalue(user_key))
    code = blkk_b.code if code == "blkk_b" else code
    response = client.post(
        reverse("report-generate"),
        {"scope": scope, "scope_code": code, "period": "2026-10"},
    )
    assert response.status_code in (200, 400)
    assert not ReportRun.objects.exists()


def test_a_mentor_has_no_generate_page(client, mentor_a):
    client.force_login(mentor_a)
    assert client.get(reverse("report-generate")).status_code == 403
    response = client.post(
        reverse("report-generate"),
        {"scope": "national", "scope_code": "", "period": "2026-10"},
    )
    assert response.status_code == 403
    assert not ReportRun.objects.exists()


def test_someone_elses_run_is_404(client, manager_a, manager_b, province_user):
    run = ReportRun.objects.create(
        requested_by=manager_b, scope="national", period=datetime.date(2026, 10, 1)
    )
    for user in (manager_a, province_user):
        client.force_login(user)
        for name in ("report-run", "report-run-progress"):
            path = reverse(name, args=[run.pk])
            assert client.get(path).status_code == 404, (user, name)


# --- invitations and resets --------------------------------------------------------


def _uid(user) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def test_a_reset_token_opens_no_invitation_and_the_other_way_round(client, blkk_a):
    user = user_create(
        username="siti",
        password=None,
        role="blkk_manager",
        full_name="Siti",
        email="siti@example.id",
        blkks=[blkk_a],
    )
    reset = default_token_generator.make_token(user)
    invite = invite_token_generator.make_token(user)
    for name, token in (
        ("account_invite_confirm", reset),
        ("password_reset_confirm", invite),
    ):
        path = reverse(name, kwargs={"uidb64": _uid(user), "token": token})
        response = client.get(path, follow=True)
        assert response.context["validlink"] is False, name


def test_a_reset_link_of_a_deactivated_account_sets_no_password(client, manager_a):
    from blkk_portal.accounts.services import users_deactivate

    token = default_token_generator.make_token(manager_a)
    users_deactivate(users=[manager_a], by=None)
    path = reverse(
        "password_reset_confirm", kwargs={"uidb64": _uid(manager_a), "token": token}
    )
    response = client.get(path, follow=True)
    assert response.context["validlink"] is False
