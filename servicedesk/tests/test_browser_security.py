"""In headless Chromium: the CSP breaks no page, and user text never runs.

1. Every kind of page (sign-in, my tickets, the queue, a ticket with replies
   and attachments, notifications, Swagger UI, the admin) loads and works under
   the Content-Security-Policy with no violation reported by the browser.
2. Titles, comments, file names and people's names holding markup are shown as
   text: with the CSP switched off (so only escaping protects the page), no
   dialog opens and no injected element exists.
"""

import pytest
from django.test import Client
from playwright.sync_api import expect

from .test_escaping import PAYLOADS, xss_world
from .world import build_world

pytestmark = pytest.mark.django_db(transaction=True)

WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def uploads(settings, tmp_path):
    settings.STORAGE_BACKEND = "local"
    settings.LOCAL_UPLOAD_ROOT = tmp_path / "uploads"


class Visitor:
    """A browser context signed in as one user, recording CSP violations."""

    def __init__(self, browser, base_url, user=None):
        self.base_url = base_url
        self.context = browser.new_context()
        if user is not None:
            client = Client()
            client.force_login(user)
            self.context.add_cookies(
                [
                    {
                        "name": "sessionid",
                        "value": client.cookies["sessionid"].value,
                        "url": base_url,
                    }
                ]
            )
        self.context.add_init_script(WATCH_VIOLATIONS)
        self.page = self.context.new_page()
        self.console = []
        self.dialogs = []
        self.page.on("console", lambda message: self.console.append(message.text))
        self.page.on("dialog", self._dialog)

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def visit(self, path: str):
        response = self.page.goto(self.base_url + path)
        assert response.status == 200, (path, response.status)
        self.page.wait_for_load_state("networkidle")
        return response

    def violations(self) -> list[str]:
        reported = self.page.evaluate("window.__cspViolations")
        refused = [text for text in self.console if "Content Security Policy" in text]
        return reported + refused


def test_every_kind_of_page_works_under_the_csp_without_violations(
    browser, live_server, uploads, artifacts_dir
):
    world = build_world()
    ticket = world.tickets["own"]
    pages = {
        None: ["/accounts/login/", "/api/docs/"],
        world.requester: ["/tickets/", f"/tickets/{ticket.pk}/", "/notifications/"],
        world.agent: ["/queue/", f"/tickets/{ticket.pk}/", "/tickets/new/on-behalf/"],
        world.admin: [
            "/admin/",
            "/admin/tickets/ticket/",
            f"/admin/tickets/ticket/{ticket.pk}/change/",
            "/admin/accounts/user/",
            f"/admin/accounts/user/{world.requester.pk}/change/",
        ],
    }
    visited = 0
    for user, paths in pages.items():
        visitor = Visitor(browser, live_server.url, user)
        for path in paths:
            response = visitor.visit(path)
            assert "'unsafe-inline'" not in response.headers["content-security-policy"]
            if path == "/api/docs/":
                # Swagger UI's own script ran: the operations are listed.
                expect(visitor.page.locator(".opblock").first).to_be_visible()
            visited += 1
        assert visitor.violations() == [], (user, visitor.violations())
        visitor.context.close()
    assert visited == sum(len(paths) for paths in pages.values())


def test_markup_in_user_text_never_runs_even_without_the_csp(
    browser, live_server, uploads, settings
):
    settings.CONTENT_SECURITY_POLICY = {}  # only escaping stands in the way now
    world = xss_world()
    ticket = world.tickets["own"]
    visits = {
        world.requester: ["/tickets/", f"/tickets/{ticket.pk}/", "/notifications/"],
        world.agent: ["/queue/", f"/tickets/{ticket.pk}/", "/notifications/"],
        world.admin: [
            "/admin/tickets/ticket/",
            f"/admin/tickets/ticket/{ticket.pk}/change/",
            "/admin/accounts/user/",
            "/admin/attachments/attachment/",
        ],
    }
    for user, paths in visits.items():
        visitor = Visitor(browser, live_server.url, user)
        for path in paths:
            response = visitor.visit(path)
            assert "content-security-policy" not in response.headers
            page = visitor.page
            assert page.locator("img[src='x']").count() == 0, path
            assert page.locator("svg[onload]").count() == 0, path
            assert page.evaluate("window.__xss === undefined"), path
        # The text is there, as text, where a page shows it.
        visitor.visit(f"/tickets/{ticket.pk}/")
        expect(visitor.page.get_by_role("heading", level=1)).to_contain_text(
            PAYLOADS["title"]
        )
        assert visitor.dialogs == [], visitor.dialogs
        visitor.context.close()
