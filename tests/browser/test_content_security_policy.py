"""The Content Security Policy blocks nothing the site needs, in a real browser: the
public pages (the gift form's script included) and Wagtail's admin editor, which has
its own looser policy, load without a single violation."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

# Violations are recorded from the first instant of each page (before its own scripts).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def violations(page: Page) -> list[str]:
    return page.evaluate("window.__cspViolations || []")


@pytest.fixture
def watched(page: Page) -> Page:
    page.add_init_script(RECORD_VIOLATIONS)
    page.console_messages_csp = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text
            and page.console_messages_csp.append(message.text)
        ),
    )
    return page


def test_public_pages_load_everything_under_the_policy(watched: Page, site_url):
    from projects.models import ProjectPage

    project = ProjectPage.objects.live().first()
    for path in ["/", "/projets/", project.url, "/actualites/", "/fonds-impulsion/"]:
        response = watched.goto(site_url + path)
        assert "default-src 'self'" in response.headers["content-security-policy"]
        assert violations(watched) == [], path
    # The gift form's script ran: choosing "monthly" shows only the monthly amounts.
    watched.locator("input[name=frequency][value=monthly]").check(force=True)
    expect(watched.locator("input[name=amount_once]").first).to_be_hidden()
    assert violations(watched) == []
    assert watched.console_messages_csp == []


def test_the_admin_editor_works_under_its_own_policy(watched: Page, site_url, django_user_model):
    from home.models import HomePage

    django_user_model.objects.create_superuser("equipe", "equipe@example.org", "mot-de-passe-1")
    home = HomePage.objects.get()
    watched.goto(site_url + "/admin/login/")
    watched.fill("input[name=username]", "equipe")
    watched.fill("input[name=password]", "mot-de-passe-1")
    watched.locator("form button[type=submit]").first.click()
    expect(watched).to_have_url(re.compile(r"/admin/$"))

    response = watched.goto(f"{site_url}/admin/pages/{home.pk}/edit/")
    assert "'unsafe-inline'" in response.headers["content-security-policy"]
    # The rich-text editor (Draftail) is drawn by the admin's scripts.
    expect(watched.locator(".Draftail-Editor").first).to_be_visible()
    expect(watched.locator("input[name$='-qualifier']").first).to_be_visible()
    assert violations(watched) == []
    assert watched.console_messages_csp == []
