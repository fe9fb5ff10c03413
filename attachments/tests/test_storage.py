"""The local backend keeps every key inside its root."""

import pytest
from django.core.exceptions import SuspiciousFileOperation

from attachments.storage import LocalStorage


@pytest.fixture
def backend(tmp_path):
    return LocalStorage(tmp_path / "uploads")


def test_a_key_is_a_path_under_the_root(backend, tmp_path):
    path = backend.path("tickets/1/abc/report.pdf")
    assert path == tmp_path / "uploads" / "tickets" / "1" / "abc" / "report.pdf"


@pytest.mark.parametrize(
    "key", ["../outside.txt", "tickets/../../outside.txt", "/etc/passwd"]
)
def test_a_key_that_leaves_the_root_is_refused(backend, key):
    with pytest.raises(SuspiciousFileOperation):
        backend.path(key)


@pytest.mark.parametrize("operation", ["object_size", "delete"])
def test_operations_refuse_a_key_outside_the_root(backend, tmp_path, operation):
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me")
    with pytest.raises(SuspiciousFileOperation):
        getattr(backend, operation)("../outside.txt")
    assert outside.read_text() == "keep me"
