"""gunicorn's settings for the portal (`gunicorn -c gunicorn.conf.py ...`); the
Dockerfile and docker-compose.yml start it this way.

Which clients may say a request came over HTTPS: by default gunicorn believes the
`X-Forwarded-Proto` header of any client on 127.0.0.1 and then tells Django the
request is secure, so Django sent HSTS to a local client that merely claimed HTTPS.
Here gunicorn believes nobody unless BEHIND_PROXY is on, and then only the proxy's
addresses listed in FORWARDED_ALLOW_IPS, and only the header Django reads too
(SECURE_PROXY_SSL_HEADER in blkk_portal/settings.py).
"""

from __future__ import annotations

import environ

from blkk_portal.logs import logging_config

env = environ.Env()

BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)

bind = env.str("GUNICORN_BIND", default="0.0.0.0:8000")
workers = env.int("WEB_CONCURRENCY", default=3)
# A sync worker busy longer than this is killed: the country's CSV export of every
# trainee streams for 20-60 s on two cores (docs/PERFORMANCE.md), so not 30 s.
timeout = env.int("GUNICORN_TIMEOUT", default=120)

# --- HTTPS as the proxy reports it (issue #9, hole 8) ---
forwarded_allow_ips = env.str("FORWARDED_ALLOW_IPS", default="") if BEHIND_PROXY else ""
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"} if BEHIND_PROXY else {}

# --- Logs: to stdout, in the same shape as Django's (blkk_portal/logs.py) ---
_debug = env.bool("DEBUG", default=False)
logconfig_dict = logging_config(
    log_format=env.str("LOG_FORMAT", default="text" if _debug else "json"),
    level=env.str("LOG_LEVEL", default="INFO"),
)
accesslog = "-"
# The path without its query string: a `?search=` may hold a NIK.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
