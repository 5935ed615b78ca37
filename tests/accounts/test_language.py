"""The language rule (blkk_portal/accounts/language.py): pages in Bahasa Indonesia
unless the user chose English with the switch, whatever the browser asks; the choice
kept on the user; the API honouring Accept-Language."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.personas import PASSWORD

SWITCH = "/accounts/language/"
COOKIE = settings.LANGUAGE_COOKIE_NAME
ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def lang_of(response) -> str:
    page = response.content.decode()
    assert 'lang="' in page, page[:200]
    return page.split('lang="', 1)[1].split('"', 1)[0]


def page(client, url, **headers):
    """The page at `url`, after the redirects a role's home makes."""
    response = client.get(url, follow=True, **headers)
    assert response.status_code == 200, url
    return response


def choose(client, language, next_url="/"):
    return client.post(SWITCH, {"language": language, "next": next_url})


def test_the_switch_is_the_portals_view(db):
    assert reverse("set_language") == SWITCH


@pytest.mark.parametrize("page", ["login", "password_reset"])
def test_an_english_browser_gets_indonesian_pages_signed_out(client, db, page):
    response = client.get(reverse(page), **ENGLISH_BROWSER)

    assert lang_of(response) == "id"
    assert response["Content-Language"] == "id"


def test_an_english_browser_gets_indonesian_pages_signed_in(client, world):
    client.force_login(world.users["manager_a"])

    home = page(client, reverse("home"), **ENGLISH_BROWSER)
    admin = page(client, reverse("admin:index"), **ENGLISH_BROWSER)

    assert lang_of(home) == "id"
    assert lang_of(admin) == "id"
    with translation.override("id"):
        assert translation.gettext("Log out") in home.content.decode()


def test_a_user_who_chose_english_gets_english_on_every_page(client, world):
    user = world.users["manager_a"]
    client.force_login(user)

    response = choose(client, "en", next_url=reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    user.refresh_from_db()
    assert user.language == "en"
    indonesian_browser = {"HTTP_ACCEPT_LANGUAGE": "id"}
    for url in [reverse("home"), reverse("admin:index"), reverse("password_change")]:
        assert lang_of(page(client, url, **indonesian_browser)) == "en", url
    with translation.override("en"):
        assert translation.gettext("Log out") in page(client, "/").content.decode()


def test_the_choice_survives_signing_out_and_in_again(client, world):
    client.force_login(world.users["mentor_a"])
    choose(client, "en")

    client.post(reverse("logout"))
    assert lang_of(client.get(reverse("login"))) == "en"
    client.post(reverse("login"), {"username": "mentor_a", "password": PASSWORD})

    assert lang_of(page(client, reverse("home"))) == "en"


def test_the_choice_follows_the_user_to_another_browser(client, world, django_client):
    client.force_login(world.users["mentor_a"])
    choose(client, "en")

    other_browser = django_client
    other_browser.post(reverse("login"), {"username": "mentor_a", "password": PASSWORD})

    assert lang_of(page(other_browser, reverse("home"), **ENGLISH_BROWSER)) == "en"
    assert other_browser.cookies[COOKIE].value == "en"


def test_the_next_user_on_the_same_browser_gets_their_own_language(client, world):
    client.force_login(world.users["mentor_a"])
    choose(client, "en")
    client.post(reverse("logout"))

    client.post(reverse("login"), {"username": "mentor_b", "password": PASSWORD})

    assert lang_of(page(client, reverse("home"))) == "id"
    # The sign-in page after they sign out speaks theirs too.
    client.post(reverse("logout"))
    assert lang_of(client.get(reverse("login"))) == "id"


def test_choosing_indonesian_again_is_kept(client, world):
    user = world.users["manager_b"]
    client.force_login(user)
    choose(client, "en")

    choose(client, "id")

    user.refresh_from_db()
    assert user.language == "id"
    assert lang_of(page(client, reverse("home"))) == "id"


def test_a_visitor_signed_out_chooses_for_this_browser_only(client, db):
    response = choose(client, "en", next_url=reverse("login"))

    assert response["Location"] == reverse("login")
    assert response.cookies[COOKIE].value == "en"
    assert lang_of(client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="id")) == "en"


@pytest.mark.parametrize("language", ["fr", "", "EN", "en-us"])
def test_an_unknown_language_changes_nothing(client, world, language):
    user = world.users["manager_a"]
    client.force_login(user)

    response = choose(client, language)

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == ""
    assert lang_of(page(client, reverse("home"))) == "id"


def test_the_switch_only_goes_back_to_the_portals_own_pages(client, db):
    response = choose(client, "en", next_url="https://phishing.example/")

    assert response["Location"] == reverse("home")


def test_the_switch_is_posted_with_a_csrf_token(db):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)

    response = browser.post(SWITCH, {"language": "en", "next": "/"})

    assert response.status_code == 403
    assert COOKIE not in response.cookies


def test_the_switch_refuses_get(client, db):
    assert client.get(SWITCH, {"language": "en"}).status_code == 405


def test_the_layouts_switch_posts_to_it(client, db):
    page = client.get(reverse("login")).content.decode()

    assert f'action="{SWITCH}"' in page
    assert 'name="language"' in page


# --- The API keeps Accept-Language ------------------------------------------------


def test_the_api_answers_in_the_language_the_client_asks(api, world):
    client = api(world.users["manager_a"])

    english = client.get("/api/v1/trainees/?search=12", HTTP_ACCEPT_LANGUAGE="en")
    default = client.get("/api/v1/trainees/?search=12")
    indonesian = client.get("/api/v1/trainees/?search=12", HTTP_ACCEPT_LANGUAGE="id")

    assert english["Content-Language"] == "en"
    assert default["Content-Language"] == "id"
    assert indonesian["Content-Language"] == "id"
    assert "Accept-Language" in english["Vary"]


def test_the_api_error_messages_follow_accept_language(api, world):
    client = api(None)

    english = client.get("/api/v1/trainees/", HTTP_ACCEPT_LANGUAGE="en")
    indonesian = client.get("/api/v1/trainees/", HTTP_ACCEPT_LANGUAGE="id")

    assert english.json()["detail"] == "Authentication credentials were not provided."
    assert indonesian.json()["detail"] != english.json()["detail"]


def test_a_users_page_choice_does_not_change_the_apis_language(client, world, api):
    user = world.users["manager_a"]
    client.force_login(user)
    choose(client, "en")

    response = api(user).get("/api/v1/trainees/")

    assert response["Content-Language"] == "id"


@pytest.fixture
def django_client():
    from django.test import Client

    return Client()
