"""Copying a file to another ticket (a merge): a second object of its own."""

import pytest
from django.core.files.base import ContentFile

from attachments import services
from attachments.models import Attachment
from attachments.storage import StorageUnavailable, get_backend


def _upload(ticket, by):
    return services.attachment_upload(
        ticket=ticket,
        by=by,
        fileobj=ContentFile(b"hello merge\n", name="log.txt"),
        filename="log.txt",
        content_type="text/plain",
    )


@pytest.mark.parametrize("storage", ["object_storage", "local_storage"])
def test_a_copy_has_its_own_object_and_outlives_the_original(
    request, storage, ticket, other_ticket, requester, agent
):
    request.getfixturevalue(storage)
    original = _upload(ticket, requester)

    copy = services.attachment_copy(attachment=original, ticket=other_ticket, by=agent)

    assert copy.internal is True
    assert copy.ticket == other_ticket
    assert copy.uploader == requester
    assert (copy.filename, copy.size, copy.content_type) == (
        "log.txt",
        original.size,
        original.content_type,
    )
    assert copy.key != original.key
    backend = get_backend()
    assert backend.object_size(copy.key) == original.size
    backend.delete(original.key)
    Attachment.objects.filter(pk=original.pk).delete()
    assert backend.object_size(copy.key) == original.size
    services.attachment_copy_discard([copy.key])
    assert backend.object_size(copy.key) is None


def test_a_copy_fails_cleanly_when_the_storage_is_down(
    storage_down, ticket, other_ticket, agent, requester
):
    original = Attachment.objects.create(
        ticket=ticket,
        uploader=requester,
        filename="a.txt",
        content_type="text/plain",
        size=3,
        key=f"tickets/{ticket.pk}/x/a.txt",
    )

    with pytest.raises(StorageUnavailable):
        services.attachment_copy(attachment=original, ticket=other_ticket, by=agent)

    assert not Attachment.objects.filter(ticket=other_ticket).exists()
