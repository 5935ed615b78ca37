"""The Content-Security-Policy of every response (django-csp), with the two
exceptions that third-party pages need, each on its own path only.

The policy itself is `CONTENT_SECURITY_POLICY` in the settings: scripts, styles,
images, fonts and connections from the portal's own origin only, no plugins, no
framing, forms posted to the portal only. No page may carry an inline script, not
even an `onchange=` attribute: behaviour lives in static files.

The exceptions, found by reading the templates these pages are built from:
- The admin (Django 5.2 and django-simple-history) writes a few inline styles: the
  `<style>` block of `admin/change_list.html` for a list without actions, and
  `style="border-top: 0"` on the history page's paginator. Under the admin's path,
  and only there, `style-src` also allows `'unsafe-inline'`. Styles cannot run
  code; scripts stay as strict as everywhere else.
- Swagger UI's stylesheet draws its icons from `data:` images, so `/api/docs/`
  allows `data:` in `img-src`.
"""

from __future__ import annotations

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest, HttpResponseBase
from django.urls import NoReverseMatch, reverse

ADMIN_ADDITIONS = {"style-src": [UNSAFE_INLINE]}
API_DOCS_ADDITIONS = {"img-src": ["data:"]}


def policy_additions(path: str) -> dict[str, list[str]] | None:
    """What the page at `path` adds to the portal's policy, if anything."""
    try:
        admin_root = reverse("admin:index")
        api_docs = reverse("api-docs")
    except NoReverseMatch:
        return None
    if path.startswith(admin_root):
        return ADMIN_ADDITIONS
    if path == api_docs:
        return API_DOCS_ADDITIONS
    return None


class PortalCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, plus the per-path additions above."""

    def get_policy_parts(
        self,
        request: HttpRequest,
        response: HttpResponseBase,
        report_only: bool = False,
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        additions = policy_additions(request.path)
        if additions:
            update = dict(parts.update or {})
            for directive, sources in additions.items():
                update[directive] = [*sources, *(update.get(directive) or [])]
            parts.update = update
        return parts
