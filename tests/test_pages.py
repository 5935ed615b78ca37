"""The portal's own pages: login, the scoped home page, the health check."""

from __future__ import annotations

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.urls import reverse

from .accounts.factories import UserFactory
from .personas import PASSWORD


def test_login_page_answers_in_indonesian_by_default(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert 'lang="id"' in response.content.decode()


def test_home_requires_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_a_manager_signs_in_and_lands_on_their_blkk(client, world):
    response = client.post(
        reverse("login"), {"username": "manager_a", "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    blkk = world.users["manager_a"].managed_blkks.get()
    assert response.redirect_chain[-1][0] == reverse("blkk-home", args=[blkk.code])


def test_province_staff_sign_in_to_their_scope_at_a_glance(client, world):
    response = client.post(
        reverse("login"), {"username": "province_32", "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    # Their province's dashboard, with its BLKKs (tests/reports/test_dashboards.py).
    assert response.redirect_chain[-1][0] == reverse("dashboard-province", args=["32"])
    tiles = {tile["key"]: tile["value"] for tile in response.context["tiles"]}
    assert tiles["blkk_count"] >= 1
    assert response.context["rows_page"].paginator.count >= 1


def test_a_user_with_no_role_sees_what_their_account_can_see(client, db):
    user = UserFactory()
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert dict(response.context["counts"])


def test_repeated_failed_logins_lock_the_account(client, world, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "manager_a", "password": "wrong"})
    locked = client.post(
        reverse("login"), {"username": "manager_a", "password": PASSWORD}
    )
    assert locked.status_code == 429


def test_home_answers_in_english_when_the_user_chose_it(client, world):
    # Not when the browser asks: tests/accounts/test_language.py.
    client.force_login(world.users["ministry"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("home"), follow=True)
    assert "Reporting rate" in response.content.decode()


def test_health_check_answers_without_login(client, db):
    # Its answers, broker and database faults included: tests/test_healthz.py.
    assert client.get(reverse("healthz")).status_code == 200


def test_cache_is_the_real_redis(db):
    # The suite runs against Redis (CACHE_URL); a round trip proves it is reachable.
    assert isinstance(caches["default"], RedisCache)
    cache.set("blkk-portal-test", "ok", timeout=5)
    assert cache.get("blkk-portal-test") == "ok"
