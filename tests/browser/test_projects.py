"""Project stories and workshops in a real browser, on the demo site: filtering the index,
reading a story, registering to a full workshop; axe-core on each page met on the way.

Each test rebuilds the demo site (several seconds), so each test walks a whole journey.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_no_axe_violations

pytestmark = pytest.mark.browser

FULL_WORKSHOP = "/ateliers/porter-un-projet-cooperatif/"


def card_titles(page: Page) -> list[str]:
    return [title.strip() for title in page.locator(".card-grid .card__title").all_inner_texts()]


def test_filter_projects_by_theme_then_read_a_story(page: Page, site_url):
    from projects.models import ProjectPage

    expected = sorted(
        ProjectPage.objects.live()
        .filter(themes__slug="transition-sociale")
        .values_list("title", flat=True)
    )
    everything = ProjectPage.objects.live().count()
    assert 0 < len(expected) < everything

    page.goto(site_url + "/projets/")
    expect(page.locator(".card-grid .card")).to_have_count(everything)
    assert_no_axe_violations(page, "liste des projets")

    page.get_by_label("Thème").select_option(label="Transition sociale")
    page.get_by_role("button", name="Filtrer").click()

    expect(page).to_have_url(re.compile(r"/projets/\?theme=transition-sociale"))
    expect(page.get_by_label("Thème")).to_have_value("transition-sociale")
    expect(page.get_by_role("status")).to_contain_text(f"{len(expected)} projets")
    assert sorted(card_titles(page)) == expected
    expect(page.get_by_role("link", name="Réinitialiser")).to_be_visible()
    assert_no_axe_violations(page, "liste des projets filtrée")

    page.get_by_role("link", name="La ressourcerie de la Petite Montagne").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "La ressourcerie de la Petite Montagne"
    )
    timeline = page.locator(".timeline")
    expect(timeline).to_contain_text("Réemploi et économie circulaire")
    expect(timeline).to_contain_text("Ouverture de la boutique")
    expect(page.locator(".example-badge").first).to_be_visible()
    assert_no_axe_violations(page, "page d'un projet")

    page.goto(site_url + "/projets/atelier-textile-jurassien/")
    expect(page.get_by_role("heading", level=1)).to_have_text("L'atelier textile jurassien")
    assert_no_axe_violations(page, "page d'un projet réel")


def test_register_to_a_full_workshop_and_land_on_the_waiting_list(page: Page, site_url):
    from projects.models import WorkshopRegistration

    page.goto(site_url + "/ateliers/")
    assert_no_axe_violations(page, "liste des ateliers")
    page.get_by_role("link", name="Découverte : porter un projet coopératif").click()
    expect(page).to_have_url(site_url + FULL_WORKSHOP)
    expect(page.locator(".seats")).to_contain_text("complet")

    # First with a mistake: the form says what to fix and keeps what was typed.
    page.get_by_label("Nom et prénom").fill("Sacha Essai")
    page.get_by_label("Adresse électronique").fill("pas-une-adresse")
    page.get_by_role("button", name="Rejoindre la liste d'attente").click()
    expect(page.get_by_role("alert").first).to_contain_text("pas encore enregistrée")
    # The message under the field (the error summary above the form repeats it as a link).
    expect(page.locator("#id_email_error")).to_contain_text(
        "Cette adresse électronique n'est pas valide"
    )
    expect(page.get_by_label("Nom et prénom")).to_have_value("Sacha Essai")
    assert_no_axe_violations(page, "inscription avec erreurs")

    page.get_by_label("Adresse électronique").fill("sacha@example.org")
    page.get_by_role("button", name="Rejoindre la liste d'attente").click()

    expect(page).to_have_url(site_url + FULL_WORKSHOP + "#inscription")
    expect(page.get_by_role("status")).to_contain_text("vous êtes inscrit sur la liste d'attente")
    assert_no_axe_violations(page, "inscription sur liste d'attente")
    registration = WorkshopRegistration.objects.get(email="sacha@example.org")
    assert registration.status == WorkshopRegistration.Status.WAITING
    assert registration.workshop.slug == "porter-un-projet-cooperatif"
