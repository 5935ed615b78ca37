from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.db import transaction
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from reports import views as reports_views

from . import views

# The portal's error pages (Bahasa Indonesia unless the user chose English); the API
# answers JSON. A database that cannot be reached answers 503 with Retry-After.
handler403 = "blkk_portal.errors.permission_denied"
handler404 = "blkk_portal.errors.page_not_found"
handler500 = "blkk_portal.errors.server_error"

admin.site.site_header = _("BLKK Incubator Portal")
admin.site.site_title = _("BLKK Incubator Portal")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", reports_views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    # Sign-in by username or email, passwords, the language switch.
    path("accounts/", include("blkk_portal.accounts.urls")),
    # ADMIN_URL moves the admin elsewhere; nothing else names its path.
    path(settings.ADMIN_URL, admin.site.urls),
    path("api/v1/", include("blkk_portal.api.urls")),
    # Portal pages: each app lists its own (training first: it names the BLKK code).
    path("", include("training.urls")),
    path("", include("incubator.urls")),
    path("", include("mentoring.urls")),
    path("", include("reports.urls")),
    # The schema reads no data: no transaction around it.
    path(
        "api/schema/",
        transaction.non_atomic_requests(SpectacularAPIView.as_view()),
        name="schema",
    ),
    # Swagger UI with its script as a file (no inline script, for the CSP).
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="schema", template_name="api/swagger_ui.html"
        ),
        name="api-docs",
    ),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
