"""The ticket pages. The ticket page stays at /tickets/<id>/: e-mails link there."""

from django.urls import path

from . import cc_views, incident_views, link_views, satisfaction_views, views

app_name = "tickets"

urlpatterns = [
    path("tickets/", views.MyTicketsView.as_view(), name="my_tickets"),
    path("tickets/new/", views.TicketCreateView.as_view(), name="create"),
    path(
        "tickets/new/on-behalf/",
        views.TicketOnBehalfView.as_view(),
        name="create_on_behalf",
    ),
    path("tickets/<int:pk>/", views.TicketDetailView.as_view(), name="detail"),
    path("tickets/<int:pk>/reply/", views.TicketReplyView.as_view(), name="reply"),
    path(
        "tickets/<int:pk>/reply/canned/",
        views.TicketCannedInsertView.as_view(),
        name="canned_insert",
    ),
    path("tickets/<int:pk>/close/", views.TicketCloseView.as_view(), name="close"),
    path("tickets/<int:pk>/update/", views.TicketUpdateView.as_view(), name="update"),
    path(
        "tickets/<int:pk>/assign-to-me/",
        views.TicketAssignToMeView.as_view(),
        name="assign_to_me",
    ),
    path(
        "tickets/<int:pk>/links/add/",
        link_views.TicketLinkAddView.as_view(),
        name="link_add",
    ),
    path(
        "tickets/<int:pk>/links/remove/",
        link_views.TicketLinkRemoveView.as_view(),
        name="link_remove",
    ),
    path("tickets/<int:pk>/merge/", link_views.TicketMergeView.as_view(), name="merge"),
    path(
        "tickets/<int:pk>/incident/unlink/",
        incident_views.TicketIncidentUnlinkView.as_view(),
        name="incident_unlink",
    ),
    path(
        "tickets/<int:pk>/satisfaction/",
        satisfaction_views.TicketSatisfactionView.as_view(),
        name="satisfaction",
    ),
    # The one-click links of the "resolved" e-mail (tickets/satisfaction_links.py).
    path(
        "satisfaction/thanks/",
        satisfaction_views.SatisfactionThanksView.as_view(),
        name="satisfaction_thanks",
    ),
    path(
        "satisfaction/<str:token>/",
        satisfaction_views.SatisfactionLinkView.as_view(),
        name="satisfaction_link",
    ),
    path("incidents/", incident_views.IncidentListView.as_view(), name="incidents"),
    path(
        "incidents/new/",
        incident_views.IncidentCreateView.as_view(),
        name="incident_create",
    ),
    path(
        "incidents/<int:pk>/",
        incident_views.IncidentDetailView.as_view(),
        name="incident_detail",
    ),
    path(
        "incidents/<int:pk>/update/",
        incident_views.IncidentUpdateView.as_view(),
        name="incident_update",
    ),
    path(
        "incidents/<int:pk>/link/",
        incident_views.IncidentLinkView.as_view(),
        name="incident_link",
    ),
    path(
        "incidents/<int:pk>/resolve/",
        incident_views.IncidentResolveView.as_view(),
        name="incident_resolve",
    ),
    path(
        "incidents/<int:pk>/affected/",
        incident_views.IncidentAffectedView.as_view(),
        name="incident_affected",
    ),
    path("tickets/<int:pk>/cc/", cc_views.TicketCCAddView.as_view(), name="cc_add"),
    path(
        "tickets/<int:pk>/cc/remove/",
        cc_views.TicketCCRemoveView.as_view(),
        name="cc_remove",
    ),
    path(
        "tickets/<int:pk>/follow/", cc_views.TicketFollowView.as_view(), name="follow"
    ),
    path("queue/", views.QueueView.as_view(), name="queue"),
    path("queue/bulk/", views.BulkActionView.as_view(), name="bulk"),
    path("queue/views/", views.SavedViewListView.as_view(), name="saved_views"),
    path(
        "queue/views/<int:pk>/",
        views.SavedViewChangeView.as_view(),
        name="saved_view_change",
    ),
    path(
        "queue/views/<int:pk>/delete/",
        views.SavedViewDeleteView.as_view(),
        name="saved_view_delete",
    ),
    path("tickets/<int:pk>/tags/", views.TicketTagsView.as_view(), name="tags"),
]
