"""Where a form may send the browser back to: the one safe-redirect rule."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request, fallback: str, *, field: str = "next") -> str:
    """The POSTed `next` (or GET `next`) when it stays on this site, else `fallback`.

    Only a path on this host (and https when the request is) is followed, so a
    crafted link cannot bounce a signed-in user to another site. It must start
    with "/": `redirect()` would take a bare word for a URL pattern's name.
    """
    target = request.POST.get(field) or request.GET.get(field) or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
