"""A form posted after the session expired comes back filled in after signing in
again, and is saved only when submitted again."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

import pytest
import time_machine
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from blkk_portal.form_resume import (
    MAX_KEPT_BYTES,
    OWNER_COOKIE,
    OWNER_SALT,
    keep_posted_form,
    resumed_form_data,
)
from incubator.models import Venture
from tests.admin_forms import EN, admin_url, form_data
from tests.personas import PASSWORD

# After every date of the test world, so that no date is in the future.
START = datetime.datetime(2026, 9, 1, 8, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def sign_in(client, next_url: str, username: str = "manager_a"):
    return client.post(
        f"{reverse('admin:login')}?{urlencode({'next': next_url})}",
        {"username": username, "password": PASSWORD, "next": next_url},
    )


def posted_by(user, path: str, data: dict, session):
    """A POST to `path` from a browser where `user` was signed in (their cookie)."""
    request = RequestFactory().post(path, data)
    signed = HttpResponse()
    signed.set_signed_cookie(OWNER_COOKIE, str(user.pk), salt=OWNER_SALT)
    request.COOKIES[OWNER_COOKIE] = signed.cookies[OWNER_COOKIE].value
    request.session = session
    return request


def test_change_posted_after_expiry_is_shown_again_after_signing_in(
    client, world, clock
):
    venture = world.objects[Venture]["a"]
    url = admin_url(Venture, "change", venture.pk)
    assert sign_in(client, url).status_code == 302
    page = client.get(url, **EN)
    posted = form_data(page, name="Warung Kopi Renamed")

    clock.shift(datetime.timedelta(minutes=31))
    expired = client.post(url, posted, **EN)

    assert expired.status_code == 302
    assert expired["Location"] == f"{reverse('admin:login')}?next={url}"
    venture.refresh_from_db()
    assert venture.name != "Warung Kopi Renamed"

    back = sign_in(client, url)
    assert back.status_code == 302
    assert back["Location"] == url
    resumed = client.get(url, **EN)
    assert resumed.status_code == 200
    form = resumed.context["adminform"].form
    assert form.is_bound
    assert form["name"].value() == "Warung Kopi Renamed"
    assert 'value="Warung Kopi Renamed"' in resumed.content.decode()
    venture.refresh_from_db()
    assert venture.name != "Warung Kopi Renamed", "kept data must not be saved"

    # Shown once: the next visit shows the stored record again.
    again = client.get(url, **EN)
    assert not again.context["adminform"].form.is_bound

    saved = client.post(url, form_data(resumed), **EN)
    assert saved.status_code == 302
    venture.refresh_from_db()
    assert venture.name == "Warung Kopi Renamed"


def test_add_form_posted_after_expiry_is_shown_again(client, world, clock):
    url = admin_url(Venture, "add")
    assert sign_in(client, url).status_code == 302
    clock.shift(datetime.timedelta(minutes=31))
    count = Venture.objects.count()

    client.post(url, {"name": "Sablon Baru", "csrfmiddlewaretoken": "x"}, **EN)
    sign_in(client, url)
    resumed = client.get(url, **EN)

    assert resumed.context["adminform"].form["name"].value() == "Sablon Baru"
    assert Venture.objects.count() == count


def test_signing_in_shows_that_the_form_was_kept(client, world, clock, english):
    url = admin_url(Venture, "add")
    sign_in(client, url)
    clock.shift(datetime.timedelta(minutes=31))
    response = client.post(url, {"name": "Sablon Baru"}, follow=True, **EN)
    assert "what you entered is kept" in response.content.decode()


def test_another_user_signing_in_is_not_shown_the_kept_fields(client, world, clock):
    venture = world.objects[Venture]["a"]
    url = admin_url(Venture, "change", venture.pk)
    sign_in(client, url)
    posted = form_data(client.get(url, **EN), name="Warung Kopi Renamed")
    clock.shift(datetime.timedelta(minutes=31))
    client.post(url, posted, **EN)

    assert sign_in(client, url, username="ministry").status_code == 302
    page = client.get(url, **EN)
    assert page.status_code == 200
    assert not page.context["adminform"].form.is_bound
    assert "Warung Kopi Renamed" not in page.content.decode()


def test_nothing_is_kept_when_no_user_was_signed_in_on_the_browser(client, db):
    request = RequestFactory().post("/somewhere/", {"name": "x"})
    request.session = client.session
    assert not keep_posted_form(request)


def test_passwords_and_csrf_token_are_never_kept(client, manager_a):
    fields = {
        "name": "x",
        "password1": "secret-one",
        "old_password": "secret-two",
        "csrfmiddlewaretoken": "token",
    }
    request = posted_by(manager_a, "/somewhere/", fields, client.session)
    assert keep_posted_form(request)
    kept = request.session["_portal_kept_forms"]["/somewhere/"]
    assert kept["fields"] == {"name": ["x"]}


def test_an_oversized_form_is_not_kept(client, manager_a):
    fields = {"notes": "x" * MAX_KEPT_BYTES}
    request = posted_by(manager_a, "/somewhere/", fields, client.session)
    assert not keep_posted_form(request)
    assert "_portal_kept_forms" not in request.session


def test_kept_data_is_offered_only_to_a_signed_in_get_of_its_path(client, manager_a):
    post = posted_by(manager_a, "/somewhere/", {"name": "x"}, client.session)
    keep_posted_form(post)

    other_path = RequestFactory().get("/elsewhere/")
    other_path.session, other_path.user = post.session, manager_a
    assert resumed_form_data(other_path) is None

    same_path = RequestFactory().get("/somewhere/")
    same_path.session, same_path.user = post.session, manager_a
    assert resumed_form_data(same_path).getlist("name") == ["x"]
