from django.urls import re_path

from servicedesk.api import OptionalSlashRouter

from .views import NotificationViewSet, PreferenceView

router = OptionalSlashRouter()
router.include_root_view = False
# No ".json" suffix routes: the API speaks JSON only, and the custom actions
# do not take a `format` argument (a suffixed path answered 500).
router.include_format_suffixes = False
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = [
    re_path(
        r"^notifications/preferences/?$",
        PreferenceView.as_view(),
        name="notification-preferences",
    ),
    *router.urls,
]
