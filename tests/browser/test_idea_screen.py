"""The idea screen in a real browser: the duplicate chooser's modal opens from the
screen, never lists the idea itself, and its search narrows the list."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_staff_search_the_duplicate_chooser_which_leaves_the_idea_out(
    page: Page, site_url, django_user_model
):
    from projects.models import Idea

    django_user_model.objects.create_superuser("equipe", "equipe@example.org", "mot-de-passe-1")
    idea = Idea.objects.filter(duplicate_of__isnull=True).order_by("pk").first()
    other = Idea.objects.filter(duplicate_of__isnull=True).exclude(pk=idea.pk).last()

    page.goto(site_url + "/admin/login/")
    page.fill("input[name=username]", "equipe")
    page.fill("input[name=password]", "mot-de-passe-1")
    page.locator("form button[type=submit]").first.click()
    page.goto(f"{site_url}/admin/snippets/projects/idea/edit/{idea.pk}/")

    expect(page.get_by_text("La proposition reçue")).to_be_visible()
    expect(page.locator("textarea[name=description]")).to_have_count(0)
    page.get_by_role("button", name="Choisir l'idée d'origine").click()

    modal = page.locator(".modal-content")
    expect(modal.get_by_role("heading", name="Choisir une idée")).to_be_visible()
    expect(modal.get_by_role("link", name=other.title)).to_have_count(1)
    expect(modal.get_by_role("link", name=idea.title)).to_have_count(0)

    search = modal.get_by_label("Rechercher")
    search.fill(idea.title)  # its own title: still left out
    expect(modal.get_by_role("link", name=idea.title)).to_have_count(0)
    expect(modal.get_by_role("link", name=other.title)).to_have_count(0)
    search.fill(other.title)
    expect(modal.get_by_role("link", name=other.title)).to_have_count(1)
    modal.get_by_role("link", name=other.title).click()
    expect(page.locator(".modal-content")).to_have_count(0)
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.locator(".messages")).to_be_visible()
    idea.refresh_from_db()
    assert idea.duplicate_of_id == other.pk
