"""Shared pieces of the REST API: the router and the exception handler."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.routers import DefaultRouter
from rest_framework.views import exception_handler as drf_exception_handler

# An id in an API path: ASCII digits like Django's <int:…>, at most a bigint's
# 19, so int() never meets "²" or thousands of digits. Any other id matches no
# route, and the project's handler404 answers JSON under /api/.
ID_PATTERN = r"[0-9]{1,19}"


class OptionalSlashRouter(DefaultRouter):
    """A router whose routes answer with and without their trailing slash.

    DRF 3.18 ignores `trailing_slash="/?"` in the constructor, so it is set after.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.trailing_slash = "/?"


class Conflict(exceptions.APIException):
    """The client edited a stale version of an object."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "This item was changed by someone else; reload and try again."
    default_code = "conflict"


def _django_validation_detail(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return {
            field if field != "__all__" else "non_field_errors": [
                str(message) for error in errors for message in error.messages
            ]
            for field, errors in exc.error_dict.items()
        }
    return {"non_field_errors": [str(message) for message in exc.messages]}


def exception_handler(exc, context):
    """Turn the Django exceptions that services raise into DRF responses."""
    if isinstance(exc, DjangoValidationError):
        if getattr(exc, "code", None) == "conflict":
            exc = Conflict(detail=exc.messages[0])
        else:
            exc = exceptions.ValidationError(detail=_django_validation_detail(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(*(exc.args[:1] or ()))
    return drf_exception_handler(exc, context)
