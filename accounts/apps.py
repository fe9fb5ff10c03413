from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # Connects the receivers that end API tokens and unassign tickets when
        # a user's password, role or active flag changes; registers the API's
        # authentication with the OpenAPI schema.
        from . import receivers  # noqa: F401
        from .api import schema  # noqa: F401
