"""Top-level URLs: pages, the admin, the API under /api/, and /healthz."""

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.forms import AdminSignInForm

from . import views

handler404 = "servicedesk.views.not_found"
handler500 = "servicedesk.views.server_error"

# Says "locked" when the sign-in limits refuse (they apply to every form).
admin.site.login_form = AdminSignInForm
admin.site.site_header = "IT Service Desk"
admin.site.site_title = "IT Service Desk"
admin.site.index_title = "Administration"

api_urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("tickets.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("attachments.api.urls")),
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
    path("", views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("", include("tickets.urls")),
    path("notifications/", include("notifications.urls")),
    path("attachments/", include("attachments.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include(api_urlpatterns)),
]
