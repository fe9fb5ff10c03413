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
    For tickets and attachments the requester's dict must also say "cc": what
    they get on another requester's ticket they are copied on (and, for
    attachments, "cc_internal": a staff-only file there); a row without it
    fails the sweep (`missing_cc`).
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


def own_other(own, other, internal=None, *, cc=None, cc_internal=None):
    variants = {"own": own, "other": other}
    if internal is not None:
        variants["internal"] = internal
    if cc is not None:
        variants["cc"] = cc
    if cc_internal is not None:
        variants["cc_internal"] = cc_internal
    return variants


# Object kinds where the requester's expectation must say what a CC'd user gets.
CC_OBJECTS = frozenset({"ticket", "attachment"})


SIGNED_IN = per_role(LOGIN, OK, OK, OK)
SAVED_VIEW = per_role(
    LOGIN, own_other(403, 403), own_other(OK, 404), own_other(OK, 404)
)
STAFF_PAGE = per_role(LOGIN, 403, OK, OK)
API_SIGNED_IN = per_role(401, OK, OK, OK)
# A CC'd user sees and answers the ticket like its requester...
TICKET_PAGE = per_role(LOGIN, own_other(OK, 404, cc=OK), OK, OK)
TICKET_API = per_role(401, own_other(OK, 404, cc=OK), OK, OK)
# ... but closing it stays the requester's decision (tickets.policies).
CLOSE_PAGE = per_role(LOGIN, own_other(OK, 404, cc=403), OK, OK)
CLOSE_API = per_role(401, own_other(OK, 404, cc=403), OK, OK)
STAFF_TICKET_PAGE = per_role(LOGIN, own_other(403, 404, cc=403), OK, OK)
STAFF_TICKET_API = per_role(401, own_other(403, 404, cc=403), OK, OK)
MINE_ONLY_PAGE = per_role(
    LOGIN, own_other(OK, 404), own_other(OK, 404), own_other(OK, 404)
)
MINE_ONLY_API = per_role(
    401, own_other(OK, 404), own_other(OK, 404), own_other(OK, 404)
)
FILE_PAGE = per_role(
    LOGIN,
    own_other(OK, 404, internal=404, cc=OK, cc_internal=404),
    own_other(OK, OK, OK, cc=OK, cc_internal=OK),
    own_other(OK, OK, OK, cc=OK, cc_internal=OK),
)
FILE_API = per_role(
    401,
    own_other(OK, 404, internal=404, cc=OK, cc_internal=404),
    own_other(OK, OK, OK, cc=OK, cc_internal=OK),
    own_other(OK, OK, OK, cc=OK, cc_internal=OK),
)
# The people copied on a ticket: the requester (own ticket) and staff manage
# them; a CC'd user may look and take themself off, not add anyone. Adding an
# unknown address is a 400 for those allowed (the sweep sends one).
CC_ADD = {"email": "nobody@school.ac.kr"}
# Stands for the requester's id in a row's data (filled in when sent).
REQUESTER_ID = "<requester id>"
CC_ADD_PAGE = per_role(LOGIN, own_other(OK, 404, cc=403), OK, OK)
CC_ADD_API = per_role(401, own_other(400, 404, cc=403), 400, 400)
# Following is for staff.
FOLLOW_PAGE = STAFF_TICKET_PAGE
FOLLOW_API = STAFF_TICKET_API
# Staff-only ticket actions sent something that is not there: 404 / 400.
STAFF_TICKET_MISSING_API = per_role(401, own_other(403, 404, cc=403), 404, 404)
STAFF_TICKET_BAD_API = per_role(401, own_other(403, 404, cc=403), 400, 400)
REPLY = {"body": "확인 부탁드립니다."}
# Satisfaction: the requester rates, nobody else (CC'd users and staff 404).
# The sweep's own ticket is not resolved: the page gives the form back (200),
# the API a 400. Staff and the requester read the ratings.
RATE = {"rating": "good"}
RATE_PAGE = per_role(LOGIN, own_other(OK, 404, cc=404), 404, 404)
RATE_API = per_role(401, own_other(400, 404, cc=404), 404, 404)
RATINGS_API = per_role(401, own_other(OK, 404, cc=404), OK, OK)
# Canned replies (`obj="canned"`): the caller's own personal one, another
# agent's (not theirs to see: 404) and a shared one (an agent may use it but
# not change it: 403; the admins keep them).
CANNED_READ = per_role(
    401,
    403,
    {"own": OK, "other": 404, "shared": OK},
    {"own": OK, "other": 404, "shared": OK},
)
CANNED_WRITE = per_role(
    401,
    403,
    {"own": OK, "other": 404, "shared": 403},
    {"own": OK, "other": 404, "shared": OK},
)
PRESIGN = {"filename": "a.txt", "content_type": "text/plain", "size": 3}
# Knowledge base articles (`obj="article"`): requesters read published, public
# ones only (a draft or an internal note is a 404, as if it did not exist);
# "this solved it" counts requesters, so staff get 403.
ARTICLE_KINDS = ("published", "draft", "internal")
PUBLIC_ONLY = {"published": OK, "draft": 404, "internal": 404}


def articles_all(status):
    return dict.fromkeys(ARTICLE_KINDS, status)


ARTICLE_PAGE = per_role(LOGIN, PUBLIC_ONLY, articles_all(OK), articles_all(OK))
ARTICLE_API = per_role(401, PUBLIC_ONLY, articles_all(OK), articles_all(OK))
DEFLECT_PAGE = per_role(LOGIN, PUBLIC_ONLY, articles_all(403), articles_all(403))
DEFLECT_API = per_role(401, PUBLIC_ONLY, articles_all(403), articles_all(403))
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
    "tickets:close": Row("post", CLOSE_PAGE, "ticket"),
    "tickets:update": Row("post", STAFF_TICKET_PAGE, "ticket", {"priority": "high"}),
    "tickets:assign_to_me": Row("post", STAFF_TICKET_PAGE, "ticket"),
    "tickets:satisfaction": Row("post", RATE_PAGE, "ticket", RATE),
    # The e-mail's signed links stand in for signing in: public pages, and a
    # forged token is refused (400) whoever sends it.
    "tickets:satisfaction_link": Row("get", every(400)),
    "tickets:satisfaction_thanks": Row("get", every(200)),
    "tickets:canned_insert": Row("post", STAFF_TICKET_PAGE, "ticket", {"body": "a"}),
    "tickets:cc_add": Row("post", CC_ADD_PAGE, "ticket", CC_ADD),
    # Removing: the sweep asks to remove the requester from the CCs (they are
    # on the "cc" ticket only); elsewhere that is nobody, which the page
    # answers with a message, not an error.
    "tickets:cc_remove": Row("post", TICKET_PAGE, "ticket", {"user": REQUESTER_ID}),
    "tickets:follow": Row("post", FOLLOW_PAGE, "ticket", {"follow": "true"}),
    # Links and merging (staff): an unknown ticket comes back on the form
    # (200); removing with no link chosen goes back to the page.
    "tickets:link_add": Row(
        "post", STAFF_TICKET_PAGE, "ticket", {"ticket": "SD-999999999"}
    ),
    "tickets:link_remove": Row("post", STAFF_TICKET_PAGE, "ticket"),
    "tickets:merge": Row("post", STAFF_TICKET_PAGE, "ticket", {"into": "SD-999999999"}),
    "tickets:queue": Row("get", STAFF_PAGE),
    # Outage notices (`obj="incident"`: an open one): the IT team's pages;
    # "나도 같은 문제" is for everyone signed in.
    "tickets:incidents": Row("get", STAFF_PAGE),
    "tickets:incident_create": Row("get", STAFF_PAGE),
    "tickets:incident_detail": Row("get", STAFF_PAGE, "incident"),
    "tickets:incident_update": Row(
        "post", STAFF_PAGE, "incident", {"title": "메일 장애", "status": "identified"}
    ),
    "tickets:incident_link": Row("get", STAFF_PAGE, "incident"),
    "tickets:incident_resolve": Row("post", STAFF_PAGE, "incident", {"message": "ok"}),
    "tickets:incident_affected": Row("post", SIGNED_IN, "incident"),
    # Taking a ticket off its notice (the sweep's own ticket is on it): staff.
    "tickets:incident_unlink": Row("post", STAFF_TICKET_PAGE, "ticket"),
    "tickets:bulk": Row("post", STAFF_PAGE),
    # Tags and saved views (issue 20): the IT team's alone. A saved view
    # (`obj="saved_view"`): "own" is the caller's, "other" another agent's
    # personal one (a 404: not theirs to see).
    "tickets:tags": Row("post", STAFF_TICKET_PAGE, "ticket", {"tags": "VPN"}),
    "tickets:saved_views": Row("get", STAFF_PAGE),
    "tickets:saved_view_change": Row(
        "post", SAVED_VIEW, "saved_view", {"name": "보기"}
    ),
    "tickets:saved_view_delete": Row("post", SAVED_VIEW, "saved_view"),
    "reports:dashboard": Row("get", STAFF_PAGE),
    "reports:export_table": Row("get", STAFF_PAGE),
    "reports:queue_export": Row("get", STAFF_PAGE),
    "notifications:list": Row("get", SIGNED_IN),
    "notifications:open": Row("get", MINE_ONLY_PAGE, "notification"),
    "notifications:mark_read": Row("post", MINE_ONLY_PAGE, "notification"),
    "notifications:mark_all_read": Row("post", SIGNED_IN),
    "notifications:preferences": Row("get", SIGNED_IN),
    # Only a message for the next page, still about a ticket the sender may see.
    "attachments:not-uploaded": Row("post", TICKET_PAGE, "ticket", {"name": "a.txt"}),
    "attachments:download": Row("get", FILE_PAGE, "attachment"),
    # Signed tokens, not sessions: a forged one is refused whoever sends it.
    "attachments:local-upload": Row("put", every(403)),
    "attachments:local-download": Row("get", every(403)),
    "knowledge:list": Row("get", SIGNED_IN),
    "knowledge:detail": Row("get", ARTICLE_PAGE, "article"),
    "knowledge:deflect": Row("post", DEFLECT_PAGE, "article"),
    "set_language": Row("post", every(OK), data={"language": "en"}),
    # --- API -----------------------------------------------------------------
    "auth-login": Row("post", every(400), api=True),
    "auth-refresh": Row("post", every(400), api=True),
    "auth-logout": Row("post", every(400), api=True),
    "me": Row("get", API_SIGNED_IN, api=True),
    "ticket-list": Row("get", API_SIGNED_IN, api=True),
    "ticket-counts": Row("get", API_SIGNED_IN, api=True),
    "ticket-detail": Row("get", TICKET_API, "ticket", api=True),
    "ticket-close": Row("post", CLOSE_API, "ticket", api=True),
    "ticket-cc": Row("get", TICKET_API, "ticket", api=True),
    # Taking the requester off: they are copied on the "cc" ticket only (so
    # elsewhere that is a 404, for staff too).
    "ticket-cc-remove": Row(
        "delete",
        per_role(401, own_other(404, 404, cc=OK), 404, 404),
        "ticket",
        api=True,
    ),
    "ticket-follow": Row("post", FOLLOW_API, "ticket", api=True),
    # Links and merging: staff only. The sweep's link id and the ticket it
    # names exist nowhere: staff get 404 and 400 (tickets/tests/test_links.py
    # and test_merge.py do the rest).
    "ticket-links": Row("get", STAFF_TICKET_API, "ticket", api=True),
    "ticket-link-detail": Row("delete", STAFF_TICKET_MISSING_API, "ticket", api=True),
    "ticket-merge": Row(
        "post", STAFF_TICKET_BAD_API, "ticket", {"into": "SD-999999999"}, api=True
    ),
    "ticket-comments": Row("post", TICKET_API, "ticket", REPLY, api=True),
    "ticket-events": Row("get", TICKET_API, "ticket", api=True),
    "ticket-satisfaction": Row("post", RATE_API, "ticket", RATE, api=True),
    "ticket-presence": Row(
        "post", STAFF_TICKET_API, "ticket", {"state": "viewing"}, api=True
    ),
    "canned-reply-list": Row("get", per_role(401, 403, OK, OK), api=True),
    "canned-reply-detail": Row("get", CANNED_READ, "canned", api=True),
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
    "report-summary": Row("get", per_role(401, 403, OK, OK), api=True),
    "incident-list": Row("get", API_SIGNED_IN, api=True),
    "incident-detail": Row("get", API_SIGNED_IN, "incident", api=True),
    # No ticket named: a 400 for staff, who may link.
    "incident-link": Row(
        "post", per_role(401, 403, 400, 400), "incident", {"tickets": []}, api=True
    ),
    "incident-resolve": Row(
        "post", per_role(401, 403, OK, OK), "incident", {"message": "ok"}, api=True
    ),
    "incident-affected": Row("post", API_SIGNED_IN, "incident", api=True),
    "ticket-incident-unlink": Row("post", STAFF_TICKET_API, "ticket", api=True),
    "kb-article-list": Row("get", API_SIGNED_IN, api=True),
    "kb-article-suggest": Row("get", API_SIGNED_IN, data={"q": "와이파이"}, api=True),
    "kb-article-detail": Row("get", ARTICLE_API, "article", api=True),
    "kb-article-deflect": Row("post", DEFLECT_API, "article", api=True),
    "schema": Row("get", every(200), api=True),
    "swagger-ui": Row("get", every(200), api=True),
}
# Extra requests on URLs whose other methods matter as much as the main one.
EXTRA = [
    ("tickets:saved_views", Row("post", STAFF_PAGE, data={"name": "새 보기"})),
    ("ticket-satisfaction", Row("get", RATINGS_API, "ticket", api=True)),
    ("tickets:satisfaction_link", Row("post", every(400), data=RATE)),
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
        "ticket-links",
        Row(
            "post",
            STAFF_TICKET_BAD_API,
            "ticket",
            {"ticket": "SD-999999999"},
            api=True,
        ),
    ),
    ("ticket-cc", Row("post", CC_ADD_API, "ticket", CC_ADD, api=True)),
    ("ticket-follow", Row("delete", FOLLOW_API, "ticket", api=True)),
    (
        "canned-reply-list",
        Row(
            "post",
            per_role(401, 403, OK, OK),
            data={"title": "안내", "body": "확인했습니다."},
            api=True,
        ),
    ),
    (
        "canned-reply-detail",
        Row("patch", CANNED_WRITE, "canned", {"title": "새 제목"}, api=True),
    ),
    ("canned-reply-detail", Row("delete", CANNED_WRITE, "canned", api=True)),
    (
        "ticket-attachments",
        Row(
            "post",
            per_role(401, own_other(400, 404, cc=400), 400, 400),
            "ticket",
            {},
            api=True,
        ),
    ),
    ("notification-preferences", Row("patch", API_SIGNED_IN, data={}, api=True)),
    (
        "incident-list",
        Row("post", per_role(401, 403, OK, OK), data={"title": "메일 장애"}, api=True),
    ),
    ("tickets:incident_link", Row("post", STAFF_PAGE, "incident")),
    ("tickets:incident_create", Row("post", STAFF_PAGE, data={"title": "메일 장애"})),
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
            "cc": world.cc_attachment,
            "cc_internal": world.cc_internal_attachment,
        }[variant].pk
    if kind == "canned":
        replies = world.canned_replies
        if variant == "own":
            return replies.get(role, replies["shared"]).pk
        return replies["other_agent" if variant == "other" else "shared"].pk
    if kind == "article":  # anonymous callers try the published one
        return world.articles["published" if variant == "own" else variant].pk
    if kind == "incident":
        return world.incident.pk
    if kind == "saved_view":
        return _saved_view(world, role if variant == "own" else "other").pk
    if kind == "notification":
        me = world.user(role) or world.requester
        other = world.other_requester
        return world.notification_of(me if variant == "own" else other).pk
    raise AssertionError(kind)


def _saved_view(world, whose):
    """A personal saved view of `whose` (a role; requesters have none: the
    agent's stands in) or, for "other", of the other agent."""
    from tickets.models import SavedView

    owner = {"admin": world.admin, "other": world.other_agent}.get(whose, world.agent)
    view, _created = SavedView.objects.get_or_create(
        owner=owner, name=f"sweep {whose}", defaults={"query": "status=open"}
    )
    return view


def _url(pattern, name, route, world, row, variant, role):
    keys = set(pattern.pattern.regex.groupindex)
    kwargs = {}
    if row.obj and not row.obj.startswith("admin"):
        object_id = _object_id(world, row.obj, variant, role, row)
        for key in keys & {"pk", "id", "ticket_id"}:
            kwargs[key] = object_id
        if "user_id" in keys:
            kwargs["user_id"] = world.requester.pk
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
            "table": "summary",  # a report table's CSV
            "link_id": 999999999,  # no such link (see "ticket-link-detail")
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
    missing = missing_cc(planned)
    assert not missing, (
        "Rows that do not say what a CC'd requester gets (own_other(..., cc=…)):\n"
        + "\n".join(missing)
    )
    return planned


def missing_cc(planned) -> list[str]:
    """Ticket and attachment rows whose requester expectation lacks "cc"."""
    missing = []
    for name, _route, _pattern, row in planned:
        if row.obj not in CC_OBJECTS:
            continue
        expected = row.expect["requester"]
        needed = {"cc", "cc_internal"} if row.obj == "attachment" else {"cc"}
        if not (isinstance(expected, dict) and needed <= set(expected)):
            missing.append(f"{row.method.upper()} {name}")
    return missing


def _send(world, role, row, path):
    """One request, its changes rolled back: every case starts from the world."""
    client = _client(world, role, row.api)
    kwargs = {"format": "json"} if row.api and row.method != "get" else {}
    data = {
        key: world.requester.pk if value == REQUESTER_ID else value
        for key, value in row.data.items()
    }
    with transaction.atomic():
        response = getattr(client, row.method)(path, data, **kwargs)
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


def test_a_ticket_row_must_say_what_a_cc_user_gets():
    silent = Row("post", per_role(LOGIN, own_other(OK, 404), OK, OK), "ticket")
    said = Row("post", TICKET_PAGE, "ticket")
    file_without_internal = Row(
        "get", per_role(LOGIN, own_other(OK, 404, cc=OK), OK, OK), "attachment"
    )
    planned = [
        ("silent", "r/", None, silent),
        ("said", "r/", None, said),
        ("file", "f/", None, file_without_internal),
        ("no-object", "n/", None, Row("get", SIGNED_IN)),
    ]
    assert missing_cc(planned) == ["POST silent", "GET file"]


@pytest.mark.django_db
def test_a_cc_user_on_the_pages_and_api_sees_no_internal_content(world):
    """The "cc" ticket has an internal note and an internal file."""
    ticket = world.tickets["cc"]
    views = [
        (False, reverse("tickets:detail", args=[ticket.pk])),
        (True, reverse("ticket-detail", args=[ticket.pk])),
        (True, reverse("ticket-comments", args=[ticket.pk])),
        (True, reverse("ticket-events", args=[ticket.pk])),
        (True, reverse("ticket-attachments", args=[ticket.pk])),
        (True, reverse("ticket-cc", args=[ticket.pk])),
    ]
    shown = ""
    for api, path in views:
        response = _client(world, "requester", api).get(path)
        assert response.status_code == 200, path
        shown += response.content.decode()
    assert "projector.txt" in shown and world.requester.name in shown
    for hidden in ("램프 교체 예정", "projector-log.txt", "sla_state"):
        assert hidden not in shown


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
