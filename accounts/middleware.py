"""Use a signed-in user's preferred language unless they picked one explicitly."""

from django.conf import settings
from django.utils import translation


class UserLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Only requests that carry a session cookie and no explicit language
        # choice: anything else (health checks, API calls) never loads a session.
        if (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and request.user.is_authenticated
        ):
            language = request.user.language
            if language and language != translation.get_language():
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)
