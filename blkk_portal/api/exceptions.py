"""One exception handler: whatever the models or the database refuse is a 400.

Services raise Django's `ValidationError` (field by field, as the admin shows it);
the database raises `IntegrityError` when a constraint catches what validation could
not see (two requests racing), `ProtectedError` when a deletion would orphan records,
and `DataError` for values out of a column's range. All are the client's input, so
all answer 400 with a message, never 500. DRF's own handler then sets the rollback
of the request's transaction, so nothing is half-written.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError, connection, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

from .authentication import ExpiredToken

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY


def portal_exception_handler(exc, context):
    response = exception_handler(as_api_error(exc), context)
    if isinstance(exc, ExpiredToken) and connection.in_atomic_block:
        # Authentication comes before anything else the request does: the deleted
        # token is all its transaction holds, and it is kept.
        transaction.set_rollback(False)
    return response


def as_api_error(exc: Exception) -> Exception:
    if isinstance(exc, DjangoValidationError):
        return serializers.ValidationError(validation_error_detail(exc))
    if isinstance(exc, IntegrityError):
        return serializers.ValidationError(integrity_error_detail(exc))
    if isinstance(exc, ProtectedError | RestrictedError):
        return serializers.ValidationError(
            {
                NON_FIELD: [
                    _("This record cannot be deleted while other records refer to it.")
                ]
            }
        )
    if isinstance(exc, DataError):
        return serializers.ValidationError(
            {NON_FIELD: [_("A value is out of the range this field can hold.")]}
        )
    return exc


def validation_error_detail(exc: DjangoValidationError) -> dict:
    detail = serializers.as_serializer_error(exc)
    if NON_FIELD_ERRORS in detail:
        detail[NON_FIELD] = detail.pop(NON_FIELD_ERRORS)
    return detail


def integrity_error_detail(exc: IntegrityError) -> dict:
    """The violated constraint's own message, under its fields where it has any."""
    name = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)
    constraint = _constraints_by_name().get(name)
    if constraint is None:
        return {NON_FIELD: [_("This record conflicts with a record already stored.")]}
    message = str(constraint.violation_error_message) % {"name": name}
    fields = list(getattr(constraint, "fields", ()) or ())
    key = fields[-1] if len(fields) == 1 else NON_FIELD
    return {key: [message]}


def _constraints_by_name() -> dict:
    return {
        constraint.name: constraint
        for model in apps.get_models()
        for constraint in model._meta.constraints
    }
