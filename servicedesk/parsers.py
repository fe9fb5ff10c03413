"""The API's JSON parser (REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"])."""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser; a body nested too deep to read is a 400, not a 500.

    Python's `json` reads nested arrays and objects by recursion, so about a
    thousand `[` raise RecursionError, which DRF's parser lets through.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error - nested too deeply.")) from None
