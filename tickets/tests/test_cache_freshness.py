"""With the caches on, what changes outside the ticket services shows at once.

A renamed category, a renamed user, an agent demoted to requester and a
deactivated user, each through every path that writes them (the admin, the
ORM, the directory sync), are visible on the very next request of the queue,
"my tickets", the ticket page and `GET /api/tickets`. Each test warms the
cache with one request first, makes the change, and asks again.
"""

import json

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.api.tokens import RefreshToken
from accounts.models import Role, User
from accounts.sync.apply import existing_users, plan_apply
from accounts.sync.plan import Change, Plan
from accounts.tests.factories import DEFAULT_PASSWORD, AgentFactory
from tickets import services
from tickets.models import Category, TicketCounter
from tickets.services import counters

from .adminforms import admin_form_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cache_on")]

LOGIN_URL = "/accounts/login/"


@pytest.fixture
def cache_on(settings):
    settings.TICKET_CACHE = True


class Viewer:
    """One person with a browser session (pages) and a JWT (API)."""

    def __init__(self, user):
        self.user = user
        self.browser = Client()
        self.browser.force_login(user)
        self.api = APIClient()
        token = RefreshToken.for_user(user).access_token
        self.api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    def page(self, url: str) -> str:
        response = self.browser.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response.content.decode()

    def tickets(self) -> dict:
        """`GET /api/tickets`: the rows by id."""
        response = self.api.get("/api/tickets")
        assert response.status_code == 200, response.content
        return {row["id"]: row for row in response.json()["results"]}

    def api_text(self) -> str:
        return json.dumps(self.tickets(), ensure_ascii=False)


@pytest.fixture
def scene(requester, agent, other_agent, network):
    """A requester's ticket assigned to `other_agent`; `agent` works the queue."""
    ticket = services.ticket_create(
        by=requester,
        requester=requester,
        title="강의실 프로젝터 고장",
        category=network,
    )
    ticket = services.ticket_assign(ticket=ticket, assignee=other_agent, by=agent)
    return {
        "ticket": ticket,
        "staff": Viewer(agent),
        "requester": Viewer(requester),
    }


# --- The paths that write users and categories ----------------------------------------


@pytest.fixture
def admin_browser(admin_user):
    browser = Client()
    browser.force_login(admin_user)
    return browser


def admin_change(browser, obj, **changes) -> None:
    meta = obj._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    response = browser.post(url, admin_form_data(browser, url, **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors


def orm_change(obj, **changes) -> None:
    obj = type(obj).objects.get(pk=obj.pk)
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.save()


def sync_change(user, **changes) -> None:
    """The directory sync's writes: `bulk_update`, or `update()` to deactivate."""
    existing = next(row for row in existing_users() if row.id == user.pk)
    diff = {name: (getattr(existing, name), new) for name, new in changes.items()}
    values = {**existing.values(), **changes}
    if changes == {"is_active": False}:
        plan = Plan(deactivations=[Change("deactivate", user.email, diff, user.pk)])
    else:
        plan = Plan(updates=[Change("update", user.email, diff, user.pk, values)])
    plan_apply(plan, batch_size=500)


def user_change(path: str, browser, user, **changes) -> None:
    if path == "admin":
        admin_change(browser, user, **changes)
    elif path == "orm":
        orm_change(user, **changes)
    elif path == "sync":
        sync_change(user, **changes)
    else:  # "update()": a write that sends no signal and so moves no version
        User.objects.filter(pk=user.pk).update(**changes)


USER_PATHS = ["admin", "orm", "sync"]


# --- A renamed category ---------------------------------------------------------------

NEW_CATEGORY_KO = "무선랜 새이름"
NEW_CATEGORY_EN = "Wireless renamed"
CATEGORY_SHOWN_ON = {
    "queue": lambda scene: scene["staff"].page("/queue/?status=all"),
    "ticket page (staff)": lambda scene: scene["staff"].page(ticket_url(scene)),
    "ticket page (requester)": lambda scene: scene["requester"].page(ticket_url(scene)),
    "api (staff)": lambda scene: scene["staff"].api_text(),
    "api (requester)": lambda scene: scene["requester"].api_text(),
}


def ticket_url(scene) -> str:
    return f"/tickets/{scene['ticket'].pk}/"


@pytest.mark.parametrize("surface", CATEGORY_SHOWN_ON)
@pytest.mark.parametrize("path", ["admin", "orm"])
def test_a_renamed_category_shows_on_the_very_next_request(
    scene, network, admin_browser, surface, path
):
    show = CATEGORY_SHOWN_ON[surface]
    assert network.name_ko in show(scene)
    changes = {"name_ko": NEW_CATEGORY_KO, "name_en": NEW_CATEGORY_EN}
    if path == "admin":
        admin_change(admin_browser, network, **changes)
    else:
        orm_change(network, **changes)
    assert NEW_CATEGORY_KO in show(scene)


def test_a_new_category_shows_in_the_queue_menu_at_once(scene):
    assert NEW_CATEGORY_KO not in scene["staff"].page("/queue/")
    Category.objects.create(
        slug="wireless", name_ko=NEW_CATEGORY_KO, name_en=NEW_CATEGORY_EN
    )
    assert NEW_CATEGORY_KO in scene["staff"].page("/queue/")


@pytest.mark.parametrize("path", ["admin", "orm"])
def test_a_deleted_category_leaves_the_queue_menu_at_once(scene, admin_browser, path):
    unused = Category.objects.create(
        slug="wireless", name_ko=NEW_CATEGORY_KO, name_en=NEW_CATEGORY_EN
    )
    assert NEW_CATEGORY_KO in scene["staff"].page("/queue/")
    if path == "admin":
        url = reverse("admin:tickets_category_delete", args=[unused.pk])
        assert admin_browser.post(url, {"post": "yes"}).status_code == 302
    else:
        unused.delete()
    assert not Category.objects.filter(pk=unused.pk).exists()
    assert NEW_CATEGORY_KO not in scene["staff"].page("/queue/")


# --- A renamed user ---------------------------------------------------------------------

NEW_NAME = "한새이름"
ASSIGNEE_SHOWN_ON = {
    **CATEGORY_SHOWN_ON,
    "my tickets": lambda scene: scene["requester"].page("/tickets/"),
}


@pytest.mark.parametrize("surface", ASSIGNEE_SHOWN_ON)
@pytest.mark.parametrize("path", USER_PATHS)
def test_a_renamed_user_shows_on_the_very_next_request(
    scene, other_agent, admin_browser, surface, path
):
    show = ASSIGNEE_SHOWN_ON[surface]
    assert other_agent.name in show(scene)  # the ticket's assignee
    user_change(path, admin_browser, other_agent, name=NEW_NAME)
    assert NEW_NAME in show(scene)


# --- An agent demoted to requester ------------------------------------------------------
# The key of every cached answer holds the viewer's role, so even a write
# that moves no version ("update()") cannot hand a demoted agent what staff
# see; the other paths move the version too.

DEMOTION_PATHS = [*USER_PATHS, "update()"]


def queue_status(viewer) -> int:
    return viewer.browser.get("/queue/").status_code


def ticket_page_status(viewer, scene) -> int:
    return viewer.browser.get(ticket_url(scene)).status_code


@pytest.mark.parametrize("path", DEMOTION_PATHS)
def test_a_demoted_agent_is_refused_the_queue_at_once(
    scene, agent, admin_browser, path
):
    assert queue_status(scene["staff"]) == 200
    user_change(path, admin_browser, agent, role=Role.REQUESTER)
    assert queue_status(scene["staff"]) == 403


@pytest.mark.parametrize("path", DEMOTION_PATHS)
def test_a_demoted_agent_gets_only_their_own_tickets_from_the_api_at_once(
    scene, agent, admin_browser, path
):
    assert scene["ticket"].pk in scene["staff"].tickets()
    user_change(path, admin_browser, agent, role=Role.REQUESTER)
    # The old token ended with the role it carried; a new one is a requester's.
    assert scene["staff"].api.get("/api/tickets").status_code == 401
    demoted = Viewer(User.objects.get(pk=agent.pk))
    assert scene["ticket"].pk not in demoted.tickets()


@pytest.mark.parametrize("path", DEMOTION_PATHS)
def test_a_demoted_agent_loses_someone_elses_ticket_page_at_once(
    scene, agent, admin_browser, path
):
    assert ticket_page_status(scene["staff"], scene) == 200
    user_change(path, admin_browser, agent, role=Role.REQUESTER)
    assert ticket_page_status(scene["staff"], scene) == 404


@pytest.mark.parametrize("path", DEMOTION_PATHS)
def test_my_tickets_of_a_demoted_agent_drops_the_queue_link_at_once(
    scene, agent, admin_browser, path
):
    queue_link = f'href="{reverse("tickets:queue")}"'
    assert queue_link in scene["staff"].page("/tickets/")
    user_change(path, admin_browser, agent, role=Role.REQUESTER)
    assert queue_link not in scene["staff"].page("/tickets/")


# --- A deactivated user -----------------------------------------------------------------
# Signed out at once: the pages send them to sign in, the API answers 401.

DEACTIVATED_PAGES = {
    "queue": ("staff", "/queue/"),
    "my tickets": ("requester", "/tickets/"),
    "ticket page (staff)": ("staff", None),
    "ticket page (requester)": ("requester", None),
}


@pytest.mark.parametrize("page", DEACTIVATED_PAGES)
@pytest.mark.parametrize("path", DEMOTION_PATHS)
def test_a_deactivated_user_is_sent_to_sign_in_on_the_very_next_page(
    scene, admin_browser, page, path
):
    who, url = DEACTIVATED_PAGES[page]
    viewer = scene[who]
    url = url or ticket_url(scene)
    viewer.page(url)
    user_change(path, admin_browser, viewer.user, is_active=False)
    response = viewer.browser.get(url)
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)


@pytest.mark.parametrize("who", ["staff", "requester"])
@pytest.mark.parametrize("path", DEMOTION_PATHS)
def test_a_deactivated_user_gets_401_from_the_api_at_once(
    scene, admin_browser, who, path
):
    viewer = scene[who]
    assert scene["ticket"].pk in viewer.tickets()
    user_change(path, admin_browser, viewer.user, is_active=False)
    assert viewer.api.get("/api/tickets").status_code == 401


# --- What other people see of a demoted or deactivated agent ----------------------------


@pytest.mark.parametrize("url", ["/queue/", "ticket page"])
@pytest.mark.parametrize(
    "change",
    [{"role": Role.REQUESTER}, {"is_active": False}],
    ids=["demoted", "deactivated"],
)
@pytest.mark.parametrize("path", USER_PATHS)
def test_an_agent_who_leaves_the_team_leaves_the_staff_menus_at_once(
    scene, admin_browser, url, change, path
):
    leaving = AgentFactory(email="leaving@school.ac.kr", name="퇴직예정")
    url = ticket_url(scene) if url == "ticket page" else url
    assert leaving.name in scene["staff"].page(url)
    user_change(path, admin_browser, leaving, **change)
    assert leaving.name not in scene["staff"].page(url)


# --- Saves that change nothing shown -----------------------------------------------------


def data_version() -> int:
    return TicketCounter.objects.get(key=counters.VERSION).value


def test_signing_in_or_a_new_password_hash_moves_no_version(scene, requester):
    """Only `last_login` or `password` saved: every cached answer stays valid."""
    version = data_version()
    assert Client().login(email=requester.email, password=DEFAULT_PASSWORD)
    requester.set_password("another-horse-battery-7")
    requester.save(update_fields=["password"])
    assert data_version() == version
    requester.save(update_fields=["password", "department"])
    assert data_version() == version + 1


# --- The control: these tests would see a missed version move ----------------------------


def test_a_write_that_moves_no_version_is_not_seen_through_the_cache(scene, network):
    """Shows that the cache is on here: what makes the tests above pass is the
    version moving, and a write that bypasses every path (a queryset update,
    which sends no signal) is still unseen through the cache."""
    before = scene["staff"].api_text()
    assert network.name_ko in before
    Category.objects.filter(pk=network.pk).update(name_ko=NEW_CATEGORY_KO)
    assert scene["staff"].api_text() == before
