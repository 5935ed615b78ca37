"""Which language the portal speaks (DESIGN.md, "Portal pages").

Pages (the portal's and the admin's) are in Bahasa Indonesia unless the person chose
English with the language switch; the browser's Accept-Language is never consulted
for them, because an office computer set up in English must not turn the portal
English for everyone who uses it. The choice is kept on the user
(`User.language`), so it follows them to every computer, and in the language cookie,
so the sign-in page after signing out speaks it too and an anonymous visitor's
choice is kept. In order:

1. signed in: their saved choice (blank: Indonesian), whatever the cookie says;
2. signed out: the language cookie, set by the switch or by the last signed-in user;
3. otherwise Indonesian (`LANGUAGE_CODE`).

The API (`/api/`) keeps Django's rule: the language cookie, then Accept-Language,
so integrations ask for English with `Accept-Language: en`.

`PortalLocaleMiddleware` takes the place of Django's LocaleMiddleware, after
`AuthenticationMiddleware` since it reads the user.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def supported(code: str | None) -> str | None:
    """`code` if it is one of settings.LANGUAGES, else None."""
    return code if code in dict(settings.LANGUAGES) else None


def page_language(request: HttpRequest) -> str:
    """The language of a page for this request (the rule above, steps 1 to 3)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user.language_code
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return supported(cookie) or settings.LANGUAGE_CODE


def set_language_cookie(response: HttpResponse, code: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class PortalLocaleMiddleware:
    """Activates the request's language: the portal's rule for pages, Django's for
    the API."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        api = is_api(request)
        if api:
            language = translation.get_language_from_request(request)
        else:
            language = page_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

        response = self.get_response(request)

        if api:
            patch_vary_headers(response, ("Accept-Language",))
        else:
            patch_vary_headers(response, ("Cookie",))
            self._remember_in_cookie(request, response)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response

    @staticmethod
    def _remember_in_cookie(request: HttpRequest, response: HttpResponse) -> None:
        # The signed-in user's choice is mirrored in the cookie, so that the sign-in
        # page shown after signing out (or after the session expired) speaks it.
        # `request.user` may have changed during the view (signing in or out).
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return
        if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != user.language_code:
            set_language_cookie(response, user.language_code)
