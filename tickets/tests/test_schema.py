"""The OpenAPI schema describes every ticket endpoint, with examples."""

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_schema_is_valid_and_documents_the_ticket_api(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    paths = schema["paths"]
    expected = {
        ("/api/tickets/", "get"),
        ("/api/tickets/", "post"),
        ("/api/tickets/counts/", "get"),
        ("/api/tickets/{id}/", "get"),
        ("/api/tickets/{id}/", "patch"),
        ("/api/tickets/{id}/close/", "post"),
        ("/api/tickets/{id}/reopen/", "post"),
        ("/api/tickets/{id}/comments/", "get"),
        ("/api/tickets/{id}/comments/", "post"),
        ("/api/tickets/{id}/events/", "get"),
    }
    for path, method in expected:
        operation = paths[path][method]
        text = yaml.safe_dump(operation, allow_unicode=True)
        assert "examples" in text, (path, method)
    names = {p["name"] for p in paths["/api/tickets/"]["get"]["parameters"]}
    assert {"status", "priority", "category", "assignee", "requester", "q"} <= names
    assert {"cursor", "page_size", "ordering"} <= names
    assert "put" not in paths["/api/tickets/{id}/"]
