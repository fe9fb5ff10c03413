"""What error reports may show: secrets hidden, also those inside URLs.

Django's filter hides settings whose names look secret (KEY, SECRET, PASS,
TOKEN...). Ours also hides settings that are URLs carrying credentials under
other names (MIS_DATABASE_URL, REDIS_URL, a cache LOCATION), and blanks the
password of any `scheme://user:password@host` value it shows. Form fields named
like secrets (password, token) are hidden even where a view forgot
`sensitive_post_parameters`.
"""

import re

from django.views.debug import SafeExceptionReporterFilter

URL_PASSWORD = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://[^:/@\s]*):[^@/\s]*@", re.I)


class SecretsFilter(SafeExceptionReporterFilter):
    hidden_settings = re.compile(
        r"API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|DATABASE_URL|REDIS_URL",
        flags=re.I,
    )

    def cleanse_setting(self, key, value):
        cleansed = super().cleanse_setting(key, value)
        if isinstance(cleansed, str):
            return URL_PASSWORD.sub(
                rf"\g<scheme>:{self.cleansed_substitute}@", cleansed
            )
        return cleansed

    def get_post_parameters(self, request):
        """Also hide form fields named like secrets on views not marked sensitive."""
        parameters = super().get_post_parameters(request)
        if request is None or not parameters:
            return parameters
        cleansed = parameters.copy()
        for name in parameters:
            if self.hidden_settings.search(name):
                cleansed[name] = self.cleansed_substitute
        return cleansed
