"""Logs to stdout, one JSON object a line in production (LOG_FORMAT=json), or plain
text for a developer's terminal (LOG_FORMAT=text).

Each record carries `time`, `level`, `logger` and `message`; a record written while a
request is served also carries `request_method`, `request_path` (never the query
string: a `?search=` may hold a NIK) and `user_id`. The settings and gunicorn's
config file (gunicorn.conf.py) both build their logging from `logging_config`, so
Django's records and gunicorn's own come out in the same shape.

This module must not import Django's settings: gunicorn's master process reads it
before Django is set up.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable
from typing import Any

from django.utils.functional import empty

LOG_FORMATS = ("json", "text")

# The request being served, whose fields every record written meanwhile carries.
_current_request: contextvars.ContextVar[Any] = contextvars.ContextVar(
    "blkk_current_request", default=None
)


def logging_config(*, log_format: str, level: str = "INFO") -> dict[str, Any]:
    """A `logging.config.dictConfig` dictionary: everything to stdout."""
    if log_format not in LOG_FORMATS:
        raise ValueError(
            f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {log_format!r}."
        )
    formatters = {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "{asctime}{levelname}{name}{message}",
            "style": "{",
            "rename_fields": {
                "asctime": "time",
                "levelname": "level",
                "name": "logger",
            },
            # ISO 8601 with the offset, which a log shipper parses as it is.
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
        },
        "text": {"format": "{asctime} {levelname} {name} {message}", "style": "{"},
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_fields": {"()": RequestFieldsFilter}},
        "formatters": {log_format: formatters[log_format]},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": log_format,
                "filters": ["request_fields"],
            }
        },
        "root": {"handlers": ["stdout"], "level": level},
        # Django's own loggers write through the root, once.
        "loggers": {
            "django": {"handlers": [], "level": level, "propagate": True},
            "gunicorn.error": {"handlers": [], "level": level, "propagate": True},
            "gunicorn.access": {"handlers": [], "level": level, "propagate": True},
        },
    }


class RequestFieldsFilter(logging.Filter):
    """Adds the request's fields to a record and drops the request object itself.

    Django's `django.request` and `django.security` loggers attach the request (which
    is not JSON); other records get the fields of the request being served, if any.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        request = record.__dict__.pop("request", None)
        if not hasattr(request, "method"):
            request = _current_request.get()
        if request is not None:
            for name, value in request_fields(request).items():
                record.__dict__.setdefault(name, value)
        return True


def request_fields(request: Any) -> dict[str, Any]:
    """The fields a record gets from a request; reads nothing from the database."""
    return {
        "request_method": request.method,
        "request_path": request.path,
        "user_id": _user_id(request),
    }


def _user_id(request: Any) -> Any:
    # A user that authentication has not loaded yet is left unloaded: a log record
    # must not cost a query (nor fail when the database is what failed).
    user = request.__dict__.get("user")
    user = getattr(user, "_wrapped", user)
    if user is None or user is empty:
        return None
    return getattr(user, "pk", None)


class RequestLogContextMiddleware:
    """Lets every record written while a request is served name that request."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)
