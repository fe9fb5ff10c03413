"""The ticket pages. The ticket page stays at /tickets/<id>/: e-mails link there."""

from django.urls import path

from . import views

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
    path("tickets/<int:pk>/close/", views.TicketCloseView.as_view(), name="close"),
    path("tickets/<int:pk>/update/", views.TicketUpdateView.as_view(), name="update"),
    path(
        "tickets/<int:pk>/assign-to-me/",
        views.TicketAssignToMeView.as_view(),
        name="assign_to_me",
    ),
    path("queue/", views.QueueView.as_view(), name="queue"),
    path("queue/bulk/", views.BulkActionView.as_view(), name="bulk"),
]
