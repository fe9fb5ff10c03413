"""Attachments: files on tickets, and the upload slots handed out for them.

Every change to these rows goes through `attachments.services`.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .querysets import AttachmentQuerySet


class UploadSlot(models.Model):
    """A storage key handed out for one upload, until it is registered.

    Registering checks the key was issued for that ticket to that user; the
    cleanup command removes the objects of slots never registered.
    """

    key = models.CharField(_("storage key"), max_length=500, unique=True)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploader"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    filename = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    internal = models.BooleanField(_("internal"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    registered_at = models.DateTimeField(_("registered"), null=True, blank=True)

    class Meta:
        verbose_name = _("upload slot")
        verbose_name_plural = _("upload slots")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(registered_at__isnull=True),
                name="uploadslot_unregistered_idx",
            )
        ]

    def __str__(self):
        return self.key


class Attachment(models.Model):
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    comment = models.ForeignKey(
        "tickets.Comment",
        verbose_name=_("comment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
    )
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploader"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    filename = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    key = models.CharField(_("storage key"), max_length=500, unique=True)
    internal = models.BooleanField(
        _("internal"),
        default=False,
        help_text=_("Internal attachments are visible to agents and admins only."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="attachment_ticket_idx")
        ]

    def __str__(self):
        return self.filename
