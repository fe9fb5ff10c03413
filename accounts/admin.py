from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework_simplejwt.token_blacklist import admin as token_blacklist_admin  # noqa: F401
from rest_framework_simplejwt.token_blacklist.models import (
    BlacklistedToken,
    OutstandingToken,
)

from .models import User
from .services import password_link_send

# The API's refresh-token bookkeeping (sign-out, access changes) is kept by the code,
# never edited by hand, and simplejwt's admin for it is English only: keep it out of
# the admin. Its admin module is imported above, so it is registered whatever the order.
admin.site.unregister([BlacklistedToken, OutstandingToken])


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name", "role")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    list_display = ("email", "name", "role", "department", "is_active", "last_login")
    list_filter = ("role", "is_active", "language", "source")
    search_fields = ("email", "name", "department")
    ordering = ("email",)
    readonly_fields = ("last_login", "date_joined", "is_staff", "source", "external_id")
    filter_horizontal = ()
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("name", "department", "phone", "language")}),
        (_("Access"), {"fields": ("role", "is_active", "is_staff")}),
        (_("Directory"), {"fields": ("source", "external_id")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "name",
                    "role",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    actions = ["send_password_links"]

    @admin.action(description=_("E-mail a set-password link"))
    def send_password_links(self, request, queryset):
        sent = 0
        for user in queryset.filter(is_active=True):
            password_link_send(user=user)
            sent += 1
        self.message_user(
            request,
            ngettext("Sent %d link.", "Sent %d links.", sent) % sent,
            messages.SUCCESS,
        )
