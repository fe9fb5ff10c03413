from django.urls import re_path

from servicedesk.api import OptionalSlashRouter

from .views import NotificationViewSet, PreferenceView

router = OptionalSlashRouter()
router.include_root_view = False
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = [
    re_path(
        r"^notifications/preferences/?$",
        PreferenceView.as_view(),
        name="notification-preferences",
    ),
    *router.urls,
]
