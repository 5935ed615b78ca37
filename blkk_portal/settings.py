"""Settings for the BLKK Incubator Portal, read from the environment.

Every value that differs between a laptop, CI and production comes from an environment
variable (a `.env` file beside `manage.py` is read when present; see `.env.example`).
With DEBUG off nothing falls back silently: a missing SECRET_KEY or DATABASE_URL stops
start-up with a message that says what to set.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from blkk_portal.db_router import REPLICA, replica_database
from blkk_portal.db_router import ROUTER as REPLICA_ROUTER
from blkk_portal.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)


def _required_in_production(name: str) -> None:
    if not DEBUG and not env.str(name, default=""):
        raise ImproperlyConfigured(
            f"{name} is not set. With DEBUG off the portal will not start without "
            "it: "
            f"set {name} in the environment or in .env (see .env.example)."
        )


_required_in_production("SECRET_KEY")
_required_in_production("DATABASE_URL")

SECRET_KEY = env.str(
    "SECRET_KEY", default="dev-only-insecure-key-never-use-in-production"
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Django's admin with the portal's site, which refuses an unscoped model.
    "blkk_portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # The widgets' own templates, for the portal's form renderer (TemplatesSetting).
    "django.forms",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "simple_history",
    # django-axes and django-celery-beat under the portal's names for their admin
    # sections (blkk_portal/third_party_apps.py).
    "blkk_portal.third_party_apps.SignInSecurityConfig",
    "blkk_portal.third_party_apps.ScheduleConfig",
    "csp",
    "blkk_portal",
    "blkk_portal.accounts",
    "blkk_portal.audit",
    "blkk_portal.imports",
    "training",
    "incubator",
    "mentoring",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Production hardening (issue #9): request fields on log records, the CSP on
    # every response (pages, API, admin, errors).
    "blkk_portal.logs.RequestLogContextMiddleware",
    "blkk_portal.content_policy.PortalCSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # In place of Django's LocaleMiddleware, after the user is known: pages speak
    # Bahasa Indonesia unless the user chose English, whatever the browser asks;
    # the API honours Accept-Language (blkk_portal/accounts/language.py).
    "blkk_portal.accounts.language.PortalLocaleMiddleware",
    # Production hardening (issue #9): idle and absolute session expiry, and a form
    # posted after expiry kept for after signing in again (inside the messages
    # middleware, which stores the note it leaves).
    "blkk_portal.session_lifetime.SessionLifetimeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "blkk_portal.form_resume.FormResumeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into a 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "blkk_portal.urls"
WSGI_APPLICATION = "blkk_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "blkk_portal.context_processors.portal",
            ],
        },
    },
]

# The embedded SQLite default lets anyone try the portal with no server at all.
DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation pays off for long analytical queries only; on the portal's list
    # pages it added 0.2-0.9 s to each query (docs/benchmarks.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # A database that hangs rather than refuses is given up after this long, so a
    # request (and /healthz/) answers 503 instead of waiting for the balancer.
    DATABASES["default"]["OPTIONS"]["connect_timeout"] = env.int(
        "DATABASE_CONNECT_TIMEOUT", default=5
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

AUTH_USER_MODEL = "accounts.User"
# The portal's own apps, whose models declare their access (blkk_portal.access), and
# the model whose rows everything else belongs to.
PORTAL_APPS = ("training", "incubator", "mentoring", "reports")
BLKK_MODEL = "training.Blkk"
AUTHENTICATION_BACKENDS = [
    # Throttles failed logins first, then the role-based backend checks the password.
    "axes.backends.AxesStandaloneBackend",
    "blkk_portal.accounts.backends.RoleBackend",
]
_VALIDATORS_MODULE = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    # The portal's user has one `full_name` instead of first and last names.
    {
        "NAME": f"{_VALIDATORS_MODULE}.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "full_name", "email")},
    },
    {"NAME": f"{_VALIDATORS_MODULE}.MinimumLengthValidator"},
    {"NAME": f"{_VALIDATORS_MODULE}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATORS_MODULE}.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: five failures lock the account for an hour, whether its username
# or its email was typed (AXES_USERNAME_CALLABLE turns an email into the account's
# username); a locked sign-in answers the portal's 429 page, or JSON under /api/
# (blkk_portal/accounts/signin.py and lockout.py).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_VERBOSE = False
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "blkk_portal.accounts.signin.axes_username"
AXES_LOCKOUT_CALLABLE = "blkk_portal.accounts.lockout.lockout_response"

# A form whose CSRF token is refused answers the portal's page, with the layout.
CSRF_FAILURE_VIEW = "blkk_portal.errors.csrf_failure"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Whole month names and the portal's number grouping (blkk_portal/formats/).
FORMAT_MODULE_PATH = ["blkk_portal.formats"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Front-end packages come from the npm registry (package.json, package-lock.json;
# `npm ci` in `make venv` and the Dockerfile), never from a CDN: the portal runs on
# an intranet. Each package's dist folder is served under a prefix, so templates
# name `{% static 'vendor/htmx/htmx.min.js' %}`.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    # The dashboards' charts (static/js/dashboard.js draws them).
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="portal@blkk.kemnaker.go.id")
# An SMTP server that stops answering fails the send (it is retried) instead of
# holding a worker, and the delivery's row lock, for ever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

_THROTTLE_RATE = re.compile(r"[0-9]+/(s|sec|second|m|min|minute|h|hour|d|day)")


def _throttle_rate(name: str, default: str) -> str:
    rate = env.str(name, default=default)
    if not _THROTTLE_RATE.fullmatch(rate):
        raise ImproperlyConfigured(
            f"{name} must be a rate such as {default} (a number of requests, '/', "
            f"then s, min, h or day), not {rate!r}."
        )
    return rate


REST_FRAMEWORK = {
    # Token first, so that a call without credentials answers 401 with
    # `WWW-Authenticate: Token`; the session serves the portal's own pages.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "blkk_portal.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "blkk_portal.api.filters.PortalFilterBackend",
        "blkk_portal.api.filters.PortalSearchFilter",
        "blkk_portal.api.filters.PortalOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "blkk_portal.api.pagination.PortalPageNumberPagination",
    "PAGE_SIZE": 50,
    # JSON first (nested at most a few dozen levels: blkk_portal/api/parsers.py);
    # form bodies too, as `curl -d` and spreadsheets' exports send them.
    "DEFAULT_PARSER_CLASSES": [
        "blkk_portal.api.parsers.PortalJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "blkk_portal.api.schema.PortalAutoSchema",
    "EXCEPTION_HANDLER": "blkk_portal.api.exceptions.portal_exception_handler",
    # Searches per user and per address; plain lists are not throttled. The token
    # endpoint sets its own (per attempted username and per address).
    "DEFAULT_THROTTLE_CLASSES": [
        "blkk_portal.api.throttling.SearchRateThrottle",
        "blkk_portal.api.throttling.SearchAddressRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "search": _throttle_rate("API_SEARCH_RATE", "60/min"),
        "token": _throttle_rate("API_TOKEN_RATE", "10/min"),
        # Generous: a provincial office reaches the portal from one address.
        "search_address": _throttle_rate("API_ADDRESS_RATE", "600/min"),
        "token_address": _throttle_rate("API_ADDRESS_RATE", "600/min"),
    },
    # The client's address for the per-address ceilings: REMOTE_ADDR, unless this
    # many proxies in front of the portal append theirs to X-Forwarded-For (read
    # from the right). Unset, DRF would trust any X-Forwarded-For a client sends.
    "NUM_PROXIES": env.int(
        "NUM_PROXIES", default=1 if env.bool("BEHIND_PROXY", default=False) else 0
    ),
}

# API tokens (django-rest-knox): stored only as a hash, so a copy of the database
# opens no account; each expires after a period of disuse (the expiry slides forward
# while an integration keeps using it) and can be revoked at /api/v1/auth/logout/.
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(days=env.int("API_TOKEN_TTL_DAYS", default=30)),
    "AUTO_REFRESH": True,
    "AUTH_HEADER_PREFIX": "Token",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "BLKK Incubator Portal API",
    "DESCRIPTION": (
        "Trainees, incubated ventures and mentoring of Indonesia's community training "
        "centres (BLK Komunitas). Every list is scoped to the caller; objects outside "
        "it answer 404. Messages are in Indonesian; send `Accept-Language: en` for "
        "English."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Request and response shapes differ (write-only `trainee_nik`, read-only
    # `stage_history`): separate components keep both exact.
    "COMPONENT_SPLIT_REQUEST": True,
    # The docs page works with no internet access: assets from drf-spectacular-sidecar.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Swagger UI would send the schema to validator.swagger.io for a badge: an
    # outside request, which the CSP refuses anyway.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "training.api.schema.mark_role_dependent_fields",
    ],
    "ENUM_NAME_OVERRIDES": {
        "EnrollmentStatusEnum": "training.models.EnrollmentStatus",
        "OutcomeStatusEnum": "training.models.OutcomeStatus",
        "CohortStatusEnum": "incubator.models.CohortStatus",
        "AssignmentStatusEnum": "mentoring.models.AssignmentStatus",
        "StageEnum": "incubator.models.Stage",
        # Other records have a `kind` too: each names its own.
        "PartnerKindEnum": "training.programme_records.PartnerKind",
        # --- assistance: its status is also its history's `from` and `to`.
        "AssistanceStatusEnum": "incubator.programme_records.AssistanceStatus",
        "AssistanceKindEnum": "incubator.programme_records.AssistanceKind",
    },
}

# Celery: with no broker configured, tasks run in-process so the portal works alone.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://"
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A broker that is down or hangs must not hang a request: connecting and each
# command give up after CELERY_BROKER_TIMEOUT seconds, and a publish is retried once
# after reconnecting, so a request waits at most 3 x 1 + 0.5 s for a hung broker
# and 0.5 s for a stopped one (docs/reports.md, "When the broker is down").
CELERY_BROKER_TIMEOUT = env.float("CELERY_BROKER_TIMEOUT", default=1.0)
CELERY_BROKER_CONNECTION_TIMEOUT = CELERY_BROKER_TIMEOUT
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0.5,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Longer than the longest task, so a slow task is not redelivered to a second
    # worker; a run whose worker died is picked up by the sweeper instead
    # (REPORT_RUN_STALE_SECONDS).
    "visibility_timeout": 6 * 60 * 60,
    "socket_connect_timeout": CELERY_BROKER_TIMEOUT,
    "socket_timeout": CELERY_BROKER_TIMEOUT,
}
# The schedule lives in the database (django-celery-beat), editable in the admin; the
# defaults are created by a data migration of the incubator app.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Tasks go to this queue; tests that start a real worker give it one of their own.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# `/healthz/` gives the broker this long to accept a connection, then says "down".
HEALTHZ_BROKER_TIMEOUT = env.float("HEALTHZ_BROKER_TIMEOUT", default=0.5)

# Dead workers and lost mail (docs/reports.md, "When a worker dies"): a report run
# whose worker showed no sign of work for REPORT_RUN_STALE_SECONDS is queued again
# by the sweep (every 5 minutes), and given up after REPORT_RUN_MAX_ATTEMPTS starts;
# a report mail that failed is tried again after REPORT_MAIL_RETRY_SECONDS, doubling
# each time up to 6 hours, until it is sent.
REPORT_RUN_STALE_SECONDS = env.int("REPORT_RUN_STALE_SECONDS", default=15 * 60)
REPORT_RUN_MAX_ATTEMPTS = env.int("REPORT_RUN_MAX_ATTEMPTS", default=3)
REPORT_MAIL_RETRY_SECONDS = env.int("REPORT_MAIL_RETRY_SECONDS", default=5 * 60)
# The dashboards' live figures of the country and of a province (the month so far)
# are kept this long in the cache, and beat computes them again every 5 minutes
# (reports.tasks.dashboards_warm): the country's pass takes about a second at
# national scale (reports/dashboards.py). 0 computes them on every view.
DASHBOARD_LIVE_SECONDS = env.int("DASHBOARD_LIVE_SECONDS", default=10 * 60)

# Production hardening; each can be turned off behind a TLS-terminating proxy.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https")
    if env.bool("BEHIND_PROXY", default=False)
    else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# --- Production hardening (issue #9) ------------------------------------------------
# The admin's path (Django's default "admin/"); always ends with "/".
ADMIN_URL = env.str("ADMIN_URL", default="admin/").strip("/") + "/"
if ADMIN_URL == "/":
    raise ImproperlyConfigured("ADMIN_URL names no path; leave it unset for admin/.")

# The health check answers over plain HTTP too: docker compose and load balancers
# ask gunicorn directly, not through the TLS proxy.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]

# Content-Security-Policy (django-csp) on every response: the portal's own origin
# only, no inline script anywhere. The admin's paths also allow inline styles and
# /api/docs/ data: images (blkk_portal/content_policy.py says why).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Sessions end after SESSION_IDLE_MINUTES without a request, and SESSION_MAX_HOURS
# after signing in however busy (blkk_portal/session_lifetime.py).
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_MAX_HOURS = env.int("SESSION_MAX_HOURS", default=12)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60

# A new account has no password: its person sets one through the link of the
# invitation mail (blkk_portal/accounts/tokens.py), which works once and for this
# many days, longer than a reset link (PASSWORD_RESET_TIMEOUT, Django's three days):
# it goes to someone who did not ask for it and may read their mail weekly.
ACCOUNT_INVITE_DAYS = env.int("ACCOUNT_INVITE_DAYS", default=7)

# Logs: one JSON object a line on stdout in production, text with DEBUG on
# (blkk_portal/logs.py; gunicorn.conf.py writes gunicorn's own the same way).
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = logging_config(
    log_format=LOG_FORMAT, level=env.str("LOG_LEVEL", default="INFO")
)

# Each silenced system check, with the reason it does not apply here; the same
# reasons are in docs/SECURITY.md, and tests/test_settings.py fails on any other
# warning of `check --deploy`.
SILENCED_SYSTEM_CHECKS_REASONS = {
    # "AXES_LOCKOUT_PARAMETERS has no ip_address": locking by address as well would
    # lock out a whole provincial office behind one NAT address after five typos;
    # the lock on the username is what stops guessing one account's password.
    "axes.W006": "Sign-in lockout is per username on purpose (shared office NAT).",
}
SILENCED_SYSTEM_CHECKS = list(SILENCED_SYSTEM_CHECKS_REASONS)

# Demo credentials and data size used by `seed_demo`.
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="demo-blkk-2026")

# --- issue #13: the public page of cohorts taking applications (incubator/public.py)
# Its rows are kept in the cache this many seconds; a cohort's own change clears
# them at once, a BLKK's (contact details, deactivation) shows within this time.
PUBLIC_COHORTS_SECONDS = env.int("PUBLIC_COHORTS_SECONDS", default=5 * 60)

# --- issue #14: the trainees' CSV export (training/exports.py) ---
# Exports per user, the API's and the portal's counted together: each reads a whole
# scope (the country's 600,000 people for ministry staff); beyond it, 429.
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["export"] = _throttle_rate(
    "EXPORT_RATE", "3/min"
)
# --- issue #14: a read replica for the dashboards (blkk_portal/db_router.py) ---
# Set, the ministry's and provinces' dashboards (and the beat task that keeps their
# live figures) read on this streaming standby; everything else, and every write,
# stays on DATABASE_URL (docs/performance-replica.md).
if env.str("REPLICA_DATABASE_URL", default=""):
    DATABASES[REPLICA] = replica_database(
        env.db_url("REPLICA_DATABASE_URL"), DATABASES["default"]
    )
    DATABASE_ROUTERS = [REPLICA_ROUTER]
