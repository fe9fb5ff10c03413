"""Canned replies a member of the IT team may use: the shared ones and their own."""

from django.db.models import F, QuerySet
from django.shortcuts import get_object_or_404

from ..models import CannedReply, CannedReplyLanguage


def canned_reply_list(*, user, language: str | None = None) -> QuerySet:
    """Shared ones first, then the user's own, each by title; `language` filters
    to that language and "any"."""
    replies = CannedReply.objects.visible_to(user)
    if language:
        replies = replies.filter(language__in=[language, CannedReplyLanguage.ANY])
    return replies.order_by(F("owner").asc(nulls_first=True), "title", "id")


def canned_reply_get(*, user, pk) -> CannedReply:
    """One the user may see, else 404 (someone else's personal one included)."""
    return get_object_or_404(CannedReply.objects.visible_to(user), pk=pk)
