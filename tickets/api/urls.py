"""Ticket API routes; every path answers with and without its trailing slash.

Names: ticket-list, ticket-detail, ticket-counts, ticket-close, ticket-reopen,
ticket-comments, ticket-events, ticket-presence, ticket-links,
ticket-link-detail, ticket-merge, ticket-satisfaction; canned-reply-list,
canned-reply-detail.
"""

from django.urls import re_path

from servicedesk.api import ID_PATTERN, OptionalSlashRouter

from .canned import CannedReplyViewSet
from .incidents import IncidentViewSet
from .links import TicketLinkDetailView, TicketLinksView, TicketMergeView
from .presence import TicketPresenceView
from .satisfaction import TicketSatisfactionView
from .views import TicketViewSet

router = OptionalSlashRouter()
router.include_root_view = False
router.include_format_suffixes = False
router.register("tickets", TicketViewSet, basename="ticket")
router.register("canned-replies", CannedReplyViewSet, basename="canned-reply")
router.register("incidents", IncidentViewSet, basename="incident")

urlpatterns = router.urls + [
    re_path(
        rf"^tickets/(?P<pk>{ID_PATTERN})/presence/?$",
        TicketPresenceView.as_view(),
        name="ticket-presence",
    ),
    re_path(
        rf"^tickets/(?P<pk>{ID_PATTERN})/satisfaction/?$",
        TicketSatisfactionView.as_view(),
        name="ticket-satisfaction",
    ),
    re_path(
        rf"^tickets/(?P<pk>{ID_PATTERN})/links/?$",
        TicketLinksView.as_view(),
        name="ticket-links",
    ),
    re_path(
        rf"^tickets/(?P<pk>{ID_PATTERN})/links/(?P<link_id>{ID_PATTERN})/?$",
        TicketLinkDetailView.as_view(),
        name="ticket-link-detail",
    ),
    re_path(
        rf"^tickets/(?P<pk>{ID_PATTERN})/merge/?$",
        TicketMergeView.as_view(),
        name="ticket-merge",
    ),
]
