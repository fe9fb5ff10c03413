"""Ticket API routes; every path answers with and without its trailing slash.

Names: ticket-list, ticket-detail, ticket-counts, ticket-close, ticket-reopen,
ticket-comments, ticket-events.
"""

from servicedesk.api import OptionalSlashRouter

from .views import TicketViewSet

router = OptionalSlashRouter()
router.include_root_view = False
router.include_format_suffixes = False
router.register("tickets", TicketViewSet, basename="ticket")

urlpatterns = router.urls
