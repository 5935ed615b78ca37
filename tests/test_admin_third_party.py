"""The admin sections of third-party apps that ministry staff see (blkk_portal/
admin_third_party.py): in Bahasa Indonesia (app and model names, columns, field
labels) or hidden; the narrowed schedule and sign-in security pages work.

The Indonesian of these names comes from the portal's catalogue (locale/id): the
tests that compare it with the English source need the catalogue compiled."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt, AccessLog
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from tests.admin_forms import admin_url, form_data, form_errors
from tests.personas import PASSWORD

ADMIN = f"/{settings.ADMIN_URL}"
HIDDEN_PATHS = [
    "knox/authtoken/",
    "django_celery_beat/intervalschedule/",
    "django_celery_beat/solarschedule/",
    "django_celery_beat/clockedschedule/",
    "axes/accessfailurelog/",
]
THIRD_PARTY_APPS = {"django_celery_beat", "axes", "knox"}
SHOWN_PAGES = [
    lambda: admin_url(PeriodicTask, "changelist"),
    lambda: admin_url(PeriodicTask, "add"),
    lambda: admin_url(CrontabSchedule, "changelist"),
    lambda: admin_url(CrontabSchedule, "add"),
    lambda: admin_url(AccessAttempt, "changelist"),
    lambda: admin_url(AccessLog, "changelist"),
]
SHOWN_IDS = [
    "periodic tasks",
    "periodic task form",
    "crontabs",
    "crontab form",
    "access attempts",
    "access log",
]


@pytest.fixture
def ministry(client, world):
    client.force_login(world.users["ministry"])
    return client


def choose_language(client, code: str) -> None:
    client.post(reverse("set_language"), {"language": code, "next": "/"})


def labels_of(page: str) -> list[str]:
    """What names a column, a field or a group of fields on an admin page."""
    columns = re.findall(
        r'<div class="text">(?:<a [^>]*>|<span>)(.*?)(?:</a>|</span>)</div>', page
    )
    fields = re.findall(r"<label[^>]*>(.*?)</label>", page, re.S)
    groups = re.findall(r'<h2[^>]*class="fieldset-heading"[^>]*>(.*?)</h2>', page)
    return [
        re.sub(r"<[^>]+>", "", text).strip().rstrip(":").strip()
        for text in columns + fields + groups
        if re.sub(r"<[^>]+>", "", text).strip()
    ]


# --- The index: names in Indonesian, hidden sections absent ----------------------


def test_the_admin_index_has_no_untranslated_app_or_model_names(ministry):
    response = ministry.get(reverse("admin:index"))
    assert response.status_code == 200
    assert 'lang="id"' in response.content.decode()

    untranslated = []
    for app in response.context["app_list"]:
        with translation.override("en"):
            english = str(apps.get_app_config(app["app_label"]).verbose_name)
        if str(app["name"]) == english:
            untranslated.append(f"app {english}")
        for model in app["models"]:
            with translation.override("en"):
                english = str(model["model"]._meta.verbose_name_plural).capitalize()
            if str(model["name"]).capitalize() == english:
                untranslated.append(f"model {english} ({app['app_label']})")
    assert untranslated == []


def test_the_admin_index_shows_the_schedule_and_sign_in_security_only(ministry):
    response = ministry.get(reverse("admin:index"))

    shown = {
        (app["app_label"], model["object_name"])
        for app in response.context["app_list"]
        for model in app["models"]
        if app["app_label"] in THIRD_PARTY_APPS
    }
    assert shown == {
        ("django_celery_beat", "PeriodicTask"),
        ("django_celery_beat", "CrontabSchedule"),
        ("axes", "AccessAttempt"),
        ("axes", "AccessLog"),
    }


@pytest.mark.parametrize("path", HIDDEN_PATHS)
def test_a_hidden_section_has_no_pages(ministry, path):
    assert ministry.get(f"{ADMIN}{path}").status_code == 404


@pytest.mark.parametrize("page", SHOWN_PAGES, ids=SHOWN_IDS)
def test_every_label_of_a_shown_section_is_translated(ministry, page):
    # A row in every list, so that the lists draw their columns.
    AccessAttempt.objects.create(
        username="manager_a",
        ip_address="10.32.0.7",
        user_agent="Mozilla/5.0",
        http_accept="*/*",
        path_info="/accounts/login/",
        failures_since_start=1,
        get_data="",
        post_data="",
    )
    # The same page in English (the user's choice) and in Indonesian (the default):
    # every column, field and group name differs.
    indonesian = labels_of(ministry.get(page()).content.decode())
    choose_language(ministry, "en")
    english = labels_of(ministry.get(page()).content.decode())

    assert len(indonesian) == len(english) > 0
    same = [en for en, id_ in zip(english, indonesian, strict=True) if en == id_]
    assert same == []


# --- Scheduled tasks --------------------------------------------------------------


def test_the_task_form_offers_crontab_schedules_only(ministry):
    response = ministry.get(admin_url(PeriodicTask, "add"))

    fields = set(response.context["adminform"].form.fields)
    assert {"name", "regtask", "task", "crontab", "enabled"} <= fields
    assert not fields & {"interval", "solar", "clocked", "one_off", "queue", "headers"}


def test_ministry_schedules_a_task_on_a_crontab(ministry):
    crontab = CrontabSchedule.objects.create(minute="0", hour="6", day_of_week="1")
    url = admin_url(PeriodicTask, "add")
    data = form_data(
        ministry.get(url),
        name="Pengingat mingguan",
        regtask="incubator.tasks.metric_reminders_send",
        crontab=crontab.pk,
        args="[]",
        kwargs="{}",
    )

    response = ministry.post(url, data)

    assert response.status_code == 302, form_errors(response)
    task = PeriodicTask.objects.get(name="Pengingat mingguan")
    assert (task.task, task.crontab, task.enabled) == (
        "incubator.tasks.metric_reminders_send",
        crontab,
        True,
    )


def test_a_task_without_a_schedule_is_refused_on_the_form(ministry):
    url = admin_url(PeriodicTask, "add")
    data = form_data(
        ministry.get(url),
        name="Tanpa jadwal",
        regtask="incubator.tasks.metric_reminders_send",
        args="[]",
        kwargs="{}",
    )

    response = ministry.post(url, data)

    assert response.status_code == 200
    assert "crontab" in form_errors(response)
    assert not PeriodicTask.objects.filter(name="Tanpa jadwal").exists()


def test_disabling_and_enabling_tasks_from_the_list(ministry):
    crontab = CrontabSchedule.objects.create(minute="5", hour="1")
    task = PeriodicTask.objects.create(
        name="uji", task="incubator.tasks.metric_reminders_send", crontab=crontab
    )
    url = admin_url(PeriodicTask, "changelist")

    response = ministry.post(
        url, {"action": "disable_tasks", "_selected_action": [task.pk]}, follow=True
    )
    task.refresh_from_db()
    assert task.enabled is False
    with translation.override("id"):
        said = translation.ngettext(
            "%(count)d task disabled.", "%(count)d tasks disabled.", 1
        ) % {"count": 1}
    assert said in response.content.decode()

    ministry.post(url, {"action": "enable_tasks", "_selected_action": [task.pk]})
    task.refresh_from_db()
    assert task.enabled is True


def test_the_crontab_list_shows_the_schedule(ministry):
    CrontabSchedule.objects.create(minute="30", hour="7", day_of_week="1-5")

    page = ministry.get(admin_url(CrontabSchedule, "changelist")).content.decode()

    assert "30 7 * * 1-5" in page


@pytest.mark.parametrize("persona", ["province_32", "manager_a"])
def test_other_staff_cannot_open_the_schedule_or_the_sign_in_records(
    client, world, persona
):
    client.force_login(world.users[persona])

    index = client.get(reverse("admin:index"))
    assert not {app["app_label"] for app in index.context["app_list"]} & (
        THIRD_PARTY_APPS
    )
    for page in SHOWN_PAGES:
        assert client.get(page()).status_code == 403


def test_a_mentor_is_sent_to_the_admins_sign_in(client, world):
    client.force_login(world.users["mentor_a"])

    response = client.get(admin_url(PeriodicTask, "changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# --- Sign-in security -------------------------------------------------------------


def test_deleting_an_accounts_attempts_lifts_its_lock(client, world, ministry):
    from django.test import Client

    visitor = Client()
    for _ in range(5):
        visitor.post(reverse("login"), {"username": "manager_a", "password": "salah"})
    assert (
        visitor.post(
            reverse("login"), {"username": "manager_a", "password": PASSWORD}
        ).status_code
        == 429
    )
    attempt = AccessAttempt.objects.get(username="manager_a")
    listing = ministry.get(admin_url(AccessAttempt, "changelist"))
    assert "manager_a" in listing.content.decode()
    with translation.override("id"):
        assert translation.gettext("Locked") in listing.content.decode()

    ministry.post(
        admin_url(AccessAttempt, "changelist"),
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )

    assert not AccessAttempt.objects.exists()
    signed_in = visitor.post(
        reverse("login"), {"username": "manager_a", "password": PASSWORD}
    )
    assert signed_in.status_code == 302


def test_a_sign_in_is_in_the_log(client, world, ministry):
    from django.test import Client

    Client().post(
        reverse("login"), {"username": "mentor_b@example.id", "password": PASSWORD}
    )

    page = ministry.get(admin_url(AccessLog, "changelist")).content.decode()
    assert "mentor_b" in page
