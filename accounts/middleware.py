"""Choose the language of a request: Korean unless someone asked for English.

The order is: a signed-in user's saved language (the header's switch, the
settings page and `PATCH /api/me` save it), then the switch's cookie (signed-out
pages), then LANGUAGE_CODE (Korean). The browser's Accept-Language is not used:
the UI speaks Korean by default and English on request.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class LanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware with our choice of language; after auth."""

    def process_request(self, request):
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def chosen_language(request) -> str:
    """The language a request is answered in (see the module's docstring)."""
    supported = dict(settings.LANGUAGES)
    # Only a request that carries a session cookie loads the user, so health
    # checks and API calls never touch the session.
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language in supported:
            return user.language
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if cookie in supported:
        return cookie
    return settings.LANGUAGE_CODE
