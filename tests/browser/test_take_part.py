"""Taking part, in a real browser at phone (390 px) and desktop widths, on the demo site:
from a project that seeks people, one click reaches its join form or the call that fed
it; a workshop registration shows its status (and a second sign-up is reassured); the
join form and the workshop's map page are axe-core clean.

Each test rebuilds the demo site (several seconds), so each walks a whole journey.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_no_axe_violations

pytestmark = pytest.mark.browser

WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
PROJECT = "/projets/covoiturage-solidaire-haut-jura/"
FULL_WORKSHOP = "/ateliers/porter-un-projet-cooperatif/"


@pytest.fixture(params=list(WIDTHS), ids=list(WIDTHS))
def sized_page(request, page: Page) -> Page:
    page.set_viewport_size(WIDTHS[request.param])
    return page


def test_from_a_project_one_click_reaches_the_call_or_the_join_form(sized_page: Page, site_url):
    from home.models import OutboxEmail

    page = sized_page
    page.goto(site_url + PROJECT)
    header = page.locator(".project__header")
    call_link = header.get_by_role(
        "link", name=re.compile("Se déplacer autrement dans le Haut-Jura")
    )
    join_link = header.get_by_role("link", name="Rejoindre ce projet")
    expect(call_link).to_be_visible()
    expect(join_link).to_be_visible()
    assert_no_axe_violations(page, "projet qui cherche ses porteurs")

    call_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Se déplacer autrement dans le Haut-Jura"
    )

    page.goto(site_url + PROJECT)
    page.get_by_role("link", name="Rejoindre ce projet").click()
    expect(page).to_have_url(site_url + PROJECT + "rejoindre/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rejoindre le projet")
    assert_no_axe_violations(page, "formulaire Rejoindre ce projet")

    # A mistake first: listed, linked, explained; what was typed is kept; still axe-clean.
    page.get_by_label("Votre nom").fill("Sacha Essai")
    page.get_by_label("Votre adresse électronique").fill("pas-une-adresse")
    page.get_by_role("button", name="Envoyer mon message").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Votre message n'a pas encore été envoyé")
    expect(summary.get_by_role("link").first).to_be_visible()
    expect(page.get_by_label("Votre nom")).to_have_value("Sacha Essai")
    assert_no_axe_violations(page, "formulaire Rejoindre ce projet avec erreurs")

    page.get_by_label("Votre adresse électronique").fill("sacha@example.org")
    page.get_by_label("Comment aimeriez-vous aider ?").fill(
        "Je fais la route Morez - Saint-Claude chaque jour : je peux prendre deux personnes."
    )
    page.get_by_role("checkbox").check()
    page.wait_for_timeout(3100)  # people take more than the minimum fill time
    page.get_by_role("button", name="Envoyer mon message").click()

    expect(page).to_have_url(site_url + PROJECT + "rejoindre/merci/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Merci")
    kinds = set(OutboxEmail.objects.values_list("kind", flat=True))
    assert {"projects.project_join_request", "projects.project_join_acknowledgement"} <= kinds


def test_a_workshop_registration_shows_its_status_and_the_map_page(sized_page: Page, site_url):
    page = sized_page
    page.goto(site_url + "/")
    take_part = page.locator(".take-part")
    expect(take_part).to_contain_text("jusqu'au")
    take_part.get_by_role("link", name="Découverte : porter un projet coopératif").click()
    expect(page).to_have_url(site_url + FULL_WORKSHOP)

    page.get_by_label("Nom et prénom").fill("Sacha Essai")
    page.get_by_label("Adresse électronique").fill("sacha@example.org")
    page.get_by_role("button", name="Rejoindre la liste d'attente").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("liste d'attente, position 1")
    expect(status).to_be_in_viewport()
    assert_no_axe_violations(page, "statut d'une inscription")

    page.get_by_role("link", name="Plan d'accès").click()
    expect(page).to_have_url(site_url + FULL_WORKSHOP + "plan/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan d'accès")
    osm = page.get_by_role("link", name=re.compile("OpenStreetMap"))
    expect(osm).to_have_attribute("href", re.compile(r"^https://www\.openstreetmap\.org/"))
    assert_no_axe_violations(page, "plan d'accès d'un atelier")

    # Signing up again is reassured, not refused.
    page.get_by_role("link", name="Retour à l'atelier et à l'inscription").click()
    expect(page.locator(".seats")).to_contain_text("complet")
    page.get_by_label("Nom et prénom").fill("Sacha Essai")
    page.get_by_label("Adresse électronique").fill("Sacha@Example.org")
    page.get_by_role("button", name="Rejoindre la liste d'attente").click()
    expect(page.get_by_role("status")).to_contain_text("déjà sur la liste d'attente")
    expect(page.get_by_role("status")).to_contain_text("position 1")
    expect(page.get_by_role("alert")).to_have_count(0)
