"""The API against its own OpenAPI document (schemathesis): for generated queries of every operation — valid
ones and ones the schema forbids — no 500, answers that match the documented statuses, headers and bodies.

Runs in-process through the WSGI application (same database transaction as the test's data), with a fixed
seed and a bounded number of examples per operation, so that `make test` runs it in seconds and always the
same way.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import negative_data_rejection

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 40
# An empty filter (`?bassin=`, what an HTML form sends for « tous ») means no filter, on purpose: the schema's
# `format: uuid` forbids it, so schemathesis' "schema-violating request accepted" check is left out. Every
# other check runs on both kinds of queries (no 500, documented statuses, headers and bodies).
LENIENT = [negative_data_rejection]


@pytest.fixture
def api_schema():
    """The schema, called through the WSGI application in this process and this test's transaction.

    Like Django's test client, the requests must not close the database connection when they end (it
    holds the test's transaction: PostgreSQL would lose it)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def operations(schema):
    return [result.ok() for result in schema.get_all_operations()]


def test_the_schema_lists_the_four_lists(api_schema):
    assert sorted(operation.path for operation in operations(api_schema)) == [
        "/api/v1/ateliers/",
        "/api/v1/bassins/",
        "/api/v1/sessions/",
        "/api/v1/structures/",
    ]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_conforms_to_the_schema(api_schema, territory, mode):
    for operation in operations(api_schema):

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            case.call_and_validate(excluded_checks=LENIENT)

        check()
