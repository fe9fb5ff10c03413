"""What became of each mail fetched from the desk's mailbox.

One row per message (its Message-ID is unique, so a mail fetched twice is
handled once); every write goes through `inbound.services`.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InboundStatus(models.TextChoices):
    CREATED = "created", _("New ticket")
    REPLIED = "replied", _("Reply added")
    IGNORED = "ignored", _("Ignored (automatic mail)")
    REJECTED = "rejected", _("Rejected (sender)")
    RATE_LIMITED = "rate_limited", _("Rejected (too many mails)")
    FAILED = "failed", _("Failed")


class InboundMessage(models.Model):
    """One fetched mail: who sent it, what it became, and why."""

    # The Message-ID, or a digest of the raw mail when it has none.
    message_key = models.CharField(_("message key"), max_length=255, unique=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    sender = models.CharField(_("sender"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=InboundStatus.choices)
    reason = models.TextField(_("reason"), blank=True)
    # The headers as received, for the admin looking at a failure.
    headers = models.TextField(_("headers"), blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.ForeignKey(
        "tickets.Comment",
        verbose_name=_("comment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now)

    class Meta:
        verbose_name = _("inbound e-mail")
        verbose_name_plural = _("inbound e-mails")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["sender", "received_at"], name="inbound_sender_idx"),
        ]

    def __str__(self):
        return f"{self.sender or '-'}: {self.subject}"
