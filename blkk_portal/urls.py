from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from reports import views as reports_views

from . import views

# A database that cannot be reached answers 503 with Retry-After, not 500.
handler500 = "blkk_portal.errors.server_error"

admin.site.site_header = _("BLKK Incubator Portal")
admin.site.site_title = _("BLKK Incubator Portal")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", reports_views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
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
