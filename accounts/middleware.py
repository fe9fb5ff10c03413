"""Choose the language of a request: Korean unless someone asked for English.

The order is: the language switch's cookie, then a signed-in user's preferred
language, then LANGUAGE_CODE (Korean). The browser's Accept-Language is not used:
the UI speaks Korean by default and English on request.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class LanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware with our choice of language; after auth."""

    def process_request(self, request):
        language = self._chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    @staticmethod
    def _chosen_language(request) -> str:
        supported = {code for code, _name in settings.LANGUAGES}
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if cookie in supported:
            return cookie
        # Only a request that carries a session cookie loads the user, so health
        # checks and API calls never touch the session.
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            user = getattr(request, "user", None)
            if (
                user is not None
                and user.is_authenticated
                and user.language in supported
            ):
                return user.language
        return settings.LANGUAGE_CODE
