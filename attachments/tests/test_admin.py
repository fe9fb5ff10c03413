"""The admin lists files but neither adds, changes nor deletes them."""

import pytest
from django.urls import reverse

from attachments.models import Attachment

pytestmark = pytest.mark.django_db


@pytest.fixture
def attachment(ticket, requester):
    return Attachment.objects.create(
        ticket=ticket,
        uploader=requester,
        filename="보고서.pdf",
        content_type="application/pdf",
        size=3,
        key=f"tickets/{ticket.pk}/x/report.pdf",
    )


def test_admins_can_list_and_view_files_but_not_delete_them(
    client, admin_user, attachment
):
    client.force_login(admin_user)
    listing = client.get(reverse("admin:attachments_attachment_changelist"))
    assert listing.status_code == 200
    assert "보고서.pdf" in listing.content.decode()
    assert 'value="delete_selected"' not in listing.content.decode()
    view = reverse("admin:attachments_attachment_change", args=[attachment.pk])
    assert client.get(view).status_code == 200  # read-only view
    delete = reverse("admin:attachments_attachment_delete", args=[attachment.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Attachment.objects.filter(pk=attachment.pk).exists()
