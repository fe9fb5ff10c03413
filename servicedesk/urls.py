"""Top-level URLs: pages, the admin, the API under /api/, and /healthz."""

from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.forms import AdminSignInForm
from accounts.views import set_language

from . import views

handler404 = "servicedesk.views.not_found"
handler500 = "servicedesk.views.server_error"

# Says "locked" when the sign-in limits refuse (they apply to every form).
admin.site.login_form = AdminSignInForm
admin.site.site_header = _("IT Service Desk")
admin.site.site_title = _("IT Service Desk")
admin.site.index_title = _("Administration")
# The lists need the width (the outbound mails next to their filters at 1280 px);
# the home page and the breadcrumbs lead everywhere the sidebar did.
admin.site.enable_nav_sidebar = False

api_urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("tickets.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("attachments.api.urls")),
    path("", include("reports.api.urls")),
    path("", include("knowledge.api.urls")),
    re_path(r"^schema/?$", SpectacularAPIView.as_view(), name="schema"),
    re_path(
        r"^docs/?$",
        SpectacularSwaggerSplitView.as_view(
            url_name="schema", template_name="api/swagger_ui.html"
        ),
        name="swagger-ui",
    ),
]

urlpatterns = [
    re_path(r"^healthz/?$", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("", views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("", include("tickets.urls")),
    path("", include("reports.urls")),
    path("notifications/", include("notifications.urls")),
    path("attachments/", include("attachments.urls")),
    path("kb/", include("knowledge.urls")),
    # Django's set_language, which also saves the choice on a signed-in user.
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/", include(api_urlpatterns)),
]
