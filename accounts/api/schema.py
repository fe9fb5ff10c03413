"""The API's JWT authentication in the OpenAPI schema (a drf-spectacular extension).

drf-spectacular describes simplejwt's class only, not subclasses of it; ours
takes the same bearer tokens and only checks more. Imported by
`AccountsConfig.ready()`, which registers it.
"""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class AccessStampJWTScheme(SimpleJWTScheme):
    target_class = "accounts.api.authentication.AccessStampJWTAuthentication"
