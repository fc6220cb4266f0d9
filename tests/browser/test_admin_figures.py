"""The home page's key figures are edited in Wagtail's admin, in a real browser: the
text before the number was named `prefix`, which clashed with the inline form's own
`prefix`; the editor showed raw HTML, four boxes per figure, and dropped the change."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_foundation import figure_lines

pytestmark = pytest.mark.browser


def test_staff_edit_a_key_figure_in_the_admin_and_the_home_page_shows_it(
    page: Page, site_url, django_user_model
):
    from home.models import HomePage

    django_user_model.objects.create_superuser("equipe", "equipe@example.org", "mot-de-passe-1")
    home = HomePage.objects.get()
    figures = list(home.key_figures.order_by("sort_order"))
    first = next(index for index, figure in enumerate(figures) if figure.qualifier)

    page.goto(site_url + "/admin/login/")
    page.fill("input[name=username]", "equipe")
    page.fill("input[name=password]", "mot-de-passe-1")
    page.locator("form button[type=submit]").first.click()
    page.goto(f"{site_url}/admin/pages/{home.pk}/edit/")

    # One box per figure, a clean label, no raw HTML fragment in the editor.
    boxes = page.locator("input[name$='-qualifier']")
    expect(boxes).to_have_count(len(figures))
    expect(page.locator("input[name$='-prefix']")).to_have_count(0)
    assert "&lt;" not in page.locator("form").first.inner_text()
    box = page.locator(f"input[name='key_figures-{first}-qualifier']")
    expect(box).to_have_value(figures[first].qualifier)

    box.fill("près de")
    page.evaluate("document.querySelector('button[name=action-publish]').click()")
    expect(page.locator(".messages")).to_contain_text(re.compile("publiée", re.IGNORECASE))

    page.goto(site_url + "/")
    assert figure_lines(page, figures[first].label)[0] == "près de"
