"""The access sweep: every URL, every role, own and other people's objects.

Every URL pattern of the site (pages, API, admin) is enumerated from the
resolver, and each must have a row in the table below saying what anonymous
visitors, requesters, agents and admins get, on their own objects and on other
people's (DESIGN.md, "Permission matrix": someone else's ticket is a 404, a
staff-only action a 403, no credentials a sign-in redirect or a 401). A URL
pattern the table does not cover fails the sweep, so nothing new escapes it.

Statuses: a number is that exact status; LOGIN is a redirect to the sign-in
page (ADMIN_LOGIN: the admin's); OK is an answer that did the thing (2xx, or a
redirect that is not to a sign-in page).
"""

from dataclasses import dataclass, field

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from accounts.api.tokens import RefreshToken
from tickets.models import Ticket

from .summary import record
from .world import build_world

ROLES = ["anonymous", "requester", "agent", "admin"]
OK, LOGIN, ADMIN_LOGIN = "ok", "login", "admin-login"


@dataclass
class Row:
    """What each role gets from one URL.

    `objects` names the kinds of object in the URL ("ticket", "notification",
    "attachment"); each expectation is then a dict variant -> status, variants
    being "own" (the requester's), "other" (another requester's) and, for
    attachments, "internal" (a staff-only file on the requester's ticket).
    """

    method: str
    expect: dict
    obj: str | None = None
    data: dict = field(default_factory=dict)
    api: bool = False
    # The ticket used as the requester's own (reopening needs a closed one).
    own_ticket: str = "own"


def every(status):
    return dict.fromkeys(ROLES, status)


def per_role(anonymous, requester, agent, admin_):
    return {
        "anonymous": anonymous,
        "requester": requester,
        "agent": agent,
        "admin": admin_,
    }


def own_other(own, other, internal=None):
    variants = {"own": own, "other": other}
    if internal is not None:
        variants["internal"] = internal
    return variants


SIGNED_IN = per_role(LOGIN, OK, OK, OK)
STAFF_PAGE = per_role(LOGIN, 403, OK, OK)
API_SIGNED_IN = per_role(401, OK, OK, OK)
TICKET_PAGE = per_role(LOGIN, own_other(OK, 404), OK, OK)
TICKET_API = per_role(401, own_other(OK, 404), OK, OK)
STAFF_TICKET_PAGE = per_role(LOGIN, own_other(403, 404), OK, OK)
STAFF_TICKET_API = per_role(401, own_other(403, 404), OK, OK)
MINE_ONLY_PAGE = per_role(
    LOGIN, own_other(OK, 404), own_other(OK, 404), own_other(OK, 404)
)
MINE_ONLY_API = per_role(
    401, own_other(OK, 404), own_other(OK, 404), own_other(OK, 404)
)
FILE_PAGE = per_role(
    LOGIN,
    own_other(OK, 404, internal=404),
    own_other(OK, OK, OK),
    own_other(OK, OK, OK),
)
FILE_API = per_role(
    401, own_other(OK, 404, internal=404), own_other(OK, OK, OK), own_other(OK, OK, OK)
)
REPLY = {"body": "확인 부탁드립니다."}
PRESIGN = {"filename": "a.txt", "content_type": "text/plain", "size": 3}

TABLE = {
    # --- pages ---------------------------------------------------------------
    "healthz": Row("get", every(200)),
    "favicon": Row("get", every(OK)),
    "home": Row("get", SIGNED_IN),
    "accounts:login": Row("get", per_role(200, 302, 302, 302)),
    # Signing out lands on the sign-in page, signed in or not.
    "accounts:logout": Row("post", every(LOGIN)),
    "accounts:settings": Row("get", SIGNED_IN),
    "accounts:password_reset": Row("get", every(200)),
    "accounts:password_reset_done": Row("get", every(200)),
    "accounts:password_reset_confirm": Row("get", every(200)),
    "accounts:password_reset_complete": Row("get", every(200)),
    "tickets:my_tickets": Row("get", SIGNED_IN),
    "tickets:create": Row("get", SIGNED_IN),
    "tickets:create_on_behalf": Row("get", STAFF_PAGE),
    "tickets:detail": Row("get", TICKET_PAGE, "ticket"),
    "tickets:reply": Row("post", TICKET_PAGE, "ticket", REPLY),
    "tickets:close": Row("post", TICKET_PAGE, "ticket"),
    "tickets:update": Row("post", STAFF_TICKET_PAGE, "ticket", {"priority": "high"}),
    "tickets:assign_to_me": Row("post", STAFF_TICKET_PAGE, "ticket"),
    "tickets:queue": Row("get", STAFF_PAGE),
    "tickets:bulk": Row("post", STAFF_PAGE),
    "notifications:list": Row("get", SIGNED_IN),
    "notifications:open": Row("get", MINE_ONLY_PAGE, "notification"),
    "notifications:mark_read": Row("post", MINE_ONLY_PAGE, "notification"),
    "notifications:mark_all_read": Row("post", SIGNED_IN),
    "notifications:preferences": Row("get", SIGNED_IN),
    "attachments:upload": Row("post", TICKET_PAGE, "ticket"),
    # Only a message for the next page, still about a ticket the sender may see.
    "attachments:not-uploaded": Row("post", TICKET_PAGE, "ticket", {"name": "a.txt"}),
    "attachments:download": Row("get", FILE_PAGE, "attachment"),
    # Signed tokens, not sessions: a forged one is refused whoever sends it.
    "attachments:local-upload": Row("put", every(403)),
    "attachments:local-download": Row("get", every(403)),
    "set_language": Row("post", every(OK), data={"language": "en"}),
    # --- API -----------------------------------------------------------------
    "auth-login": Row("post", every(400), api=True),
    "auth-refresh": Row("post", every(400), api=True),
    "auth-logout": Row("post", every(400), api=True),
    "me": Row("get", API_SIGNED_IN, api=True),
    "ticket-list": Row("get", API_SIGNED_IN, api=True),
    "ticket-counts": Row("get", API_SIGNED_IN, api=True),
    "ticket-detail": Row("get", TICKET_API, "ticket", api=True),
    "ticket-close": Row("post", TICKET_API, "ticket", api=True),
    "ticket-comments": Row("post", TICKET_API, "ticket", REPLY, api=True),
    "ticket-events": Row("get", TICKET_API, "ticket", api=True),
    "ticket-reopen": Row(
        "post", STAFF_TICKET_API, "ticket", api=True, own_ticket="closed"
    ),
    "ticket-attachments": Row("get", TICKET_API, "ticket", api=True),
    "ticket-attachments-presign": Row("post", TICKET_API, "ticket", PRESIGN, api=True),
    "attachment-download": Row("get", FILE_API, "attachment", api=True),
    "notification-list": Row("get", API_SIGNED_IN, api=True),
    "notification-detail": Row("get", MINE_ONLY_API, "notification", api=True),
    "notification-read": Row("post", MINE_ONLY_API, "notification", api=True),
    "notification-read-all": Row("post", API_SIGNED_IN, api=True),
    "notification-unread-count": Row("get", API_SIGNED_IN, api=True),
    "notification-preferences": Row("get", API_SIGNED_IN, api=True),
    "schema": Row("get", every(200), api=True),
    "swagger-ui": Row("get", every(200), api=True),
}
# Extra requests on URLs whose other methods matter as much as the main one.
EXTRA = [
    (
        "ticket-list",
        Row(
            "post", API_SIGNED_IN, data={"title": "x", "category": "network"}, api=True
        ),
    ),
    (
        "ticket-detail",
        Row("patch", STAFF_TICKET_API, "ticket", {"priority": "high"}, api=True),
    ),
    ("ticket-comments", Row("get", TICKET_API, "ticket", api=True)),
    (
        "ticket-attachments",
        Row(
            "post", per_role(401, own_other(400, 404), 400, 400), "ticket", {}, api=True
        ),
    ),
    ("notification-preferences", Row("patch", API_SIGNED_IN, data={}, api=True)),
]

# Django admin: the IT team lead only; everyone else is sent to its sign-in.
ADMIN_ONLY = per_role(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, OK)
ADMIN_SITE = {
    "admin:login": Row("get", per_role(200, 200, 200, 302)),
    # The admin signs out to the sign-in page; others are sent to the admin
    # index, which sends them to its sign-in.
    "admin:logout": Row("post", per_role(OK, OK, OK, LOGIN)),
    "admin:index": Row("get", ADMIN_ONLY),
    "admin:app_list": Row("get", ADMIN_ONLY),
    "admin:password_change": Row("get", ADMIN_ONLY),
    "admin:password_change_done": Row("get", ADMIN_ONLY),
    "admin:jsi18n": Row("get", ADMIN_ONLY),
    # Tickets have no public URL of their own to send the admin to.
    "admin:view_on_site": Row(
        "get", per_role(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 404)
    ),
    "admin:auth_user_password_change": Row("get", ADMIN_ONLY),
    "admin:autocomplete": Row(
        "get", per_role(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403)
    ),
}
ADMIN_MODEL_VIEWS = {"changelist", "add", "change", "history", "delete"}
# For the admin: OK where the ModelAdmin allows the view, 403 where it does not
# (history is append-only, outgoing e-mail is made by the services...).
ADMIN_PERMISSION = "admin-permission:"


def _patterns(resolver=None, prefix="", namespace=""):
    """(name or None, full route) of every URL pattern of the site."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from _patterns(pattern, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else None
            yield name, prefix + str(pattern.pattern), pattern


def _admin_model_row(name):
    """A row for one of the admin's per-model views, or None if not one."""
    from django.apps import apps

    registered = [m for m in apps.get_models() if admin.site.is_registered(m)]
    for model in registered:
        base = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        view = name[len(base) :]
        if name.startswith(base) and view in ADMIN_MODEL_VIEWS:
            expect = {**ADMIN_ONLY, "admin": f"{ADMIN_PERMISSION}{view}"}
            return Row("get", expect, obj=f"admin:{model._meta.label}")
    return None


def _row_for(name, route):
    if name in TABLE:
        return TABLE[name]
    if name in ADMIN_SITE:
        return ADMIN_SITE[name]
    if name and name.startswith("admin:"):
        return _admin_model_row(name)
    if name is None and route.startswith("admin/"):
        # The admin's unnamed routes: "<object_id>/" redirects to the change
        # page; the catch-all answers 404 (to the admin only).
        found = 404 if "(?P<url>" in route else OK
        return Row("get", per_role(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, found))
    return None


@pytest.fixture
def world(db, settings, tmp_path):
    settings.STORAGE_BACKEND = "local"
    settings.LOCAL_UPLOAD_ROOT = tmp_path / "uploads"
    return build_world()


def _client(world, role, api):
    user = world.user(role)
    if api:
        client = APIClient()
        if user is not None:
            token = RefreshToken.for_user(user).access_token
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _object_id(world, kind, variant, role, row):
    if kind == "ticket":
        return world.tickets[row.own_ticket if variant == "own" else variant].pk
    if kind == "attachment":
        return {
            "own": world.public_attachment,
            "other": world.other_attachment,
            "internal": world.internal_attachment,
        }[variant].pk
    if kind == "notification":
        me = world.user(role) or world.requester
        other = world.other_requester
        return world.notification_of(me if variant == "own" else other).pk
    raise AssertionError(kind)


def _url(pattern, name, route, world, row, variant, role):
    keys = set(pattern.pattern.regex.groupindex)
    kwargs = {}
    if row.obj and not row.obj.startswith("admin"):
        object_id = _object_id(world, row.obj, variant, role, row)
        for key in keys & {"pk", "id", "ticket_id"}:
            kwargs[key] = object_id
    if row.obj and row.obj.startswith("admin:"):
        from django.apps import apps

        model = apps.get_model(row.obj.removeprefix("admin:"))
        instance = model._default_manager.order_by("pk").first()
        if "object_id" in keys:
            kwargs["object_id"] = instance.pk if instance else 1
    for key in keys - set(kwargs):
        kwargs[key] = {
            "format": "json",
            "uidb64": "MQ",
            "token": "forged-token",
            "app_label": "tickets",
            "object_id": world.tickets["own"].pk,
            "url": "no-such-page/",
            "content_type_id": ContentType.objects.get_for_model(Ticket).pk,
            "id": world.requester.pk,
        }[key]
    if name:
        return reverse(name, kwargs=kwargs)
    prefix = route.split("<")[0].split("(")[0].split("^")[0]
    tail = f"{kwargs['object_id']}/" if "object_id" in kwargs else kwargs.get("url", "")
    return "/" + prefix + tail


def _admin_permitted(world, row, view) -> bool:
    from django.apps import apps
    from django.test import RequestFactory

    model = apps.get_model(row.obj.removeprefix("admin:"))
    model_admin = admin.site.get_model_admin(model)
    request = RequestFactory().get("/admin/")
    request.user = world.admin
    instance = model._default_manager.order_by("pk").first()
    return {
        "changelist": model_admin.has_view_or_change_permission,
        "change": model_admin.has_view_or_change_permission,
        "history": model_admin.has_view_or_change_permission,
        "add": lambda request, obj: model_admin.has_add_permission(request),
        "delete": model_admin.has_delete_permission,
    }[view](request, instance)


def _expected(world, row, status):
    if isinstance(status, str) and status.startswith(ADMIN_PERMISSION):
        view = status.removeprefix(ADMIN_PERMISSION)
        return OK if _admin_permitted(world, row, view) else 403
    return status


def _outcome(response, expected) -> bool:
    location = response.get("Location", "")
    if expected == LOGIN:
        return response.status_code == 302 and location.startswith("/accounts/login/")
    if expected == ADMIN_LOGIN:
        return response.status_code == 302 and location.startswith("/admin/login/")
    if expected == OK:
        to_sign_in = "/login/" in location
        return response.status_code < 300 or (
            response.status_code < 400 and not to_sign_in
        )
    return response.status_code == expected


def _requests(world):
    """Every (name, route, pattern, row) to try; fails on an uncovered URL."""
    uncovered, planned = [], []
    for name, route, pattern in _patterns():
        row = _row_for(name, route)
        if row is None:
            uncovered.append(f"{name or '(unnamed)'}: {route}")
            continue
        planned.append((name, route, pattern, row))
        planned += [(n, route, pattern, r) for n, r in EXTRA if n == name]
    assert not uncovered, "URLs the access sweep does not cover:\n" + "\n".join(
        uncovered
    )
    return planned


def _send(world, role, row, path):
    """One request, its changes rolled back: every case starts from the world."""
    client = _client(world, role, row.api)
    kwargs = {"format": "json"} if row.api and row.method != "get" else {}
    with transaction.atomic():
        response = getattr(client, row.method)(path, row.data, **kwargs)
        transaction.set_rollback(True)
    return response


@pytest.mark.django_db
def test_every_url_answers_each_role_as_the_permission_matrix_says(world):
    planned = _requests(world)
    wrong, cases, urls = [], 0, set()
    for name, route, pattern, row in planned:
        urls.add(route)
        for role in ROLES:
            expected = row.expect[role]
            variants = expected if isinstance(expected, dict) else {"own": expected}
            for variant, status in variants.items():
                status = _expected(world, row, status)
                path = _url(pattern, name, route, world, row, variant, role)
                response = _send(world, role, row, path)
                cases += 1
                if not _outcome(response, status):
                    wrong.append(
                        f"{row.method.upper()} {path} as {role} ({variant}): expected "
                        f"{status}, got {response.status_code} {response.get('Location', '')}"
                    )
    record(
        "access sweep",
        f"{len(urls)} URL patterns x {len(ROLES)} roles (own/other objects): "
        f"{cases} requests",
    )
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
def test_a_url_missing_from_the_table_fails_the_sweep(world, monkeypatch):
    from django.urls import path as url_path

    real = list(_patterns())
    new = url_path("reports/export/", lambda request: None, name="reports-export")
    monkeypatch.setattr(
        "servicedesk.tests.test_access_sweep._patterns",
        lambda: [*real, ("reports-export", "reports/export/", new)],
    )
    with pytest.raises(AssertionError, match="reports-export: reports/export/"):
        _requests(world)


@pytest.mark.django_db
def test_mail_in_keeps_internal_content_from_the_requester(world, settings):
    """The mail-in path (inbound/): a requester's reply by e-mail brings an
    internal original (.eml) and an internal note on a refused file; the
    requester's pages and API show their reply and none of that."""
    from attachments.models import Attachment
    from inbound import services as inbound_services
    from inbound import tokens
    from inbound.tests.mails import mail
    from tickets.models import Comment

    settings.INBOUND_REPLY_ADDRESS = "help@school.ac.kr"
    ticket = world.tickets["own"]
    address = tokens.reply_address(ticket_id=ticket.pk, user_id=world.requester.pk)
    raw = mail(
        to=address,
        body="메일로 답장합니다.",
        attachments=[("refused-by-type.exe", "application/x-msdownload", b"MZ")],
    )
    result = inbound_services.inbound_message_process(raw=raw)
    assert result.message.status == "replied"
    original = Attachment.objects.get(ticket=ticket, filename__endswith=".eml")
    note = Comment.objects.filter(ticket=ticket, internal=True).latest("pk")
    assert original.internal and "refused-by-type.exe" in note.body
    hidden = [original.filename, "refused-by-type.exe", world.internal_note.body]

    views = [
        (False, reverse("tickets:detail", args=[ticket.pk])),
        (True, reverse("ticket-comments", args=[ticket.pk])),
        (True, reverse("ticket-events", args=[ticket.pk])),
        (True, reverse("ticket-attachments", args=[ticket.pk])),
    ]
    for role, sees_internal in (("requester", False), ("agent", True)):
        shown = ""
        for api, path in views:
            response = _client(world, role, api).get(path)
            assert response.status_code == 200, path
            shown += response.content.decode()
        assert "메일로 답장합니다." in shown
        for text in hidden:
            assert (text in shown) == sees_internal, (role, text)
