"""Schemathesis over every operation of /api/schema/, as each role.

The schema is loaded from the app itself and every request goes to the WSGI
application in process (no network), inside the test's transaction, against a
world made through the services. For each role and operation, valid inputs
(positive) and invalid ones (negative) are generated; about a third of the
cases that take an `{id}` get an id that exists (own and other people's
objects), a third an id that is no id at all (`ODD_IDS`).

Checks: no server error, the response matches the documented schema, its
status code and content type are documented.
"""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.api.tokens import RefreshToken

from .summary import record
from .world import build_world

ROLES = ["requester", "agent", "admin"]
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]
EXAMPLES = {
    schemathesis.GenerationMode.POSITIVE: 30,
    schemathesis.GenerationMode.NEGATIVE: 15,
}


@pytest.fixture
def wsgi_app():
    """The WSGI app, without closing the test's connection after each request.

    Django's test client does the same: closing it would end the transaction
    that holds the world.
    """
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield WSGIHandler()
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def world(db, settings, tmp_path):
    settings.STORAGE_BACKEND = "local"
    settings.LOCAL_UPLOAD_ROOT = tmp_path / "uploads"
    return build_world()


def _known_ids(world, path: str) -> list[int]:
    """Ids that exist for the `{id}` of this path: mine, others', internal."""
    if path.startswith("/api/notifications/"):
        people = (world.requester, world.other_requester, world.agent, world.admin)
        return [world.notification_of(person).pk for person in people]
    if path.startswith("/api/attachments/"):
        return [
            world.public_attachment.pk,
            world.internal_attachment.pk,
            world.other_attachment.pk,
        ]
    if path.startswith("/api/canned-replies/"):
        return [canned.pk for canned in world.canned_replies.values()]
    if path.startswith("/api/incidents/"):
        return [world.incident.pk]
    if path.startswith("/api/kb/"):
        return [article.pk for article in world.articles.values()]
    return [ticket.pk for ticket in world.tickets.values()]


# Ids no route takes: "²" passes str.isdigit() and fails int(), "٣" is a
# digit to int() but not ASCII, 19 nines overflow a bigint. Each is a JSON 404.
ODD_IDS = ["²", "1²", "٣", "9" * 19]


def _strategy(operation, mode, ids):
    generated = operation.as_strategy(generation_mode=mode)
    if "{id}" not in operation.path or not ids:
        return generated

    def with_id(pk):
        return operation.as_strategy(generation_mode=mode, path_parameters={"id": pk})

    existing = st.sampled_from(ids).flatmap(with_id)
    odd = st.sampled_from(ODD_IDS).flatmap(with_id)
    return st.one_of(generated, existing, odd)


def _fuzz_operation(operation, mode, *, headers, ids, failures) -> int:
    cases = 0

    @settings(
        max_examples=EXAMPLES[mode],
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_strategy(operation, mode, ids))
    def run(case):
        nonlocal cases
        cases += 1
        response = case.call(headers=headers)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as group:  # collected: one report for the whole run
            for failure in group.exceptions:
                key = (mode.value, operation.label, failure.title)
                failures.setdefault(key, str(failure)[:1200])

    run()
    return cases


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_operation_as_each_role(role, world, wsgi_app, caplog):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)
    user = world.user(role)
    headers = {"Authorization": f"Bearer {RefreshToken.for_user(user).access_token}"}
    failures, operations, cases = {}, 0, 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        ids = _known_ids(world, operation.path)
        for mode in EXAMPLES:
            cases += _fuzz_operation(
                operation, mode, headers=headers, ids=ids, failures=failures
            )
    record("schemathesis", f"{role}: {operations} operations, {cases} cases")
    assert operations >= 26
    assert cases >= operations * len(EXAMPLES)
    assert not failures, "\n\n".join(
        f"{mode} {label}: {text}" for (mode, label, _), text in failures.items()
    )
