"""Schema-driven fuzzing: schemathesis against the live schema, as ministry staff.

Every operation of `/api/schema/` gets generated requests (valid and invalid ones),
sent through the real WSGI application, database included. Three checks must hold
for every answer: not a server error, a status code the schema documents, and a body
that matches the schema for that code. Business rules legitimately refuse much of
the schema-valid input (a NIK whose birth date is wrong, a stage move backwards), so
"schema-valid input is accepted" is not one of the checks.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from knox.models import AuthToken
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

# Bounded so the run ends in a few minutes on CI's two cores.
EXAMPLES_PER_OPERATION = 25
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


@pytest.fixture
def fuzz_world(world):
    """The two-BLKK world (so that small ids exist) and the ministry's token."""
    return AuthToken.objects.create(user=world.users["ministry"])[1]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    # Django closes "old" connections at each request's start and end; in a test,
    # that would close the connection holding the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Loaded from the application itself when the tests are collected: the schema view
# answers without touching the database.
schema = schemathesis.openapi.from_wsgi("/api/schema/", WSGIHandler())


@pytest.mark.fuzz
# The marker (not only the `db` argument) lets pytest-django order these items with
# the other database tests, before the transactional ones that flush the tables.
@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_no_operation_errors_or_breaks_its_schema(case, fuzz_world):
    case.call_and_validate(
        headers={"Authorization": f"Token {fuzz_world}"}, checks=CHECKS
    )
