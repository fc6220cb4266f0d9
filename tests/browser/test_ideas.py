"""Proposing an idea in a real browser: mistakes first, then corrected, then thanked.

Each test gets the whole demo site (the `site_url` fixture rebuilds it) and a fresh
Playwright page on Debian's Chromium.
"""

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from home import abuse
from projects.models import Idea
from tests.browser.axe import assert_no_axe_violations

pytestmark = pytest.mark.browser

CALL_PATH = "/appels-a-idees/transitions-2026/"
DESCRIPTION = (
    "Une recyclerie de matériaux de chantier à Morez : collecter les chutes, les trier, "
    "les revendre aux artisans et aux particuliers du Haut-Jura."
)


def wait_past_minimum_fill_time(page: Page) -> None:
    page.wait_for_timeout((abuse.MIN_FILL_SECONDS + 0.5) * 1000)


def test_submit_with_mistakes_then_corrected_then_confirmed(page: Page, site_url):
    mail.outbox.clear()
    page.goto(site_url + CALL_PATH)
    expect(page.get_by_role("heading", name="Proposer une idée")).to_be_visible()
    # The honeypot is neither seen nor reachable.
    expect(page.locator(f"[name={abuse.HONEYPOT_FIELD}]")).to_be_hidden()

    page.get_by_label("Titre de votre idée").fill("Ab")
    page.get_by_label("Thème").select_option(label="Transition écologique")
    page.get_by_label("Commune concernée").select_option(label="Morez (39400)")
    page.get_by_label("Participer aux ateliers").check()
    page.get_by_label("Votre nom").fill("Camille Martin")
    page.get_by_label("Votre adresse électronique").fill("camille@")
    wait_past_minimum_fill_time(page)
    page.get_by_role("button", name="Proposer mon idée").click()

    # The error summary is announced and takes the focus; each field says what to do.
    summary = page.get_by_role("alert")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("4 points à corriger")
    assert page.title().startswith("Erreur : votre idée n'a pas été envoyée")
    title = page.get_by_label("Titre de votre idée")
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_title_error")).to_contain_text("Le titre est trop court")
    expect(page.locator("#id_description_error")).to_contain_text("Décrivez votre idée")
    expect(page.locator("#id_email_error")).to_contain_text("adresse électronique complète")
    expect(page.locator("#id_consent_processing_error")).to_contain_text("Cochez cette case")
    # What was typed is still there.
    expect(title).to_have_value("Ab")
    expect(page.get_by_label("Votre nom")).to_have_value("Camille Martin")
    expect(page.get_by_label("Participer aux ateliers")).to_be_checked()
    expect(page.get_by_label("Commune concernée")).to_have_value(
        page.locator("#id_commune option", has_text="Morez").get_attribute("value")
    )
    # A summary link leads to its field.
    summary.get_by_role("link", name="Décrivez votre idée en quelques phrases.").click()
    expect(page).to_have_url(f"{site_url}{CALL_PATH}#id_description")
    assert Idea.objects.filter(call__slug="transitions-2026").count() == 0

    assert_no_axe_violations(page, "appel à idées avec des erreurs")

    title.fill("Une recyclerie de matériaux à Morez")
    page.locator("#id_description").fill(DESCRIPTION)
    page.get_by_label("Votre adresse électronique").fill("camille@example.org")
    page.get_by_label("J'accepte que le Clus'Ter Jura conserve les informations").check()
    page.get_by_role("button", name="Proposer mon idée").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Merci ! Votre idée a bien été reçue")
    expect(page).to_have_url(f"{site_url}{CALL_PATH}merci/")
    expect(page.get_by_role("heading", name="Et maintenant ?")).to_be_visible()
    assert_no_axe_violations(page, "confirmation d'une idée")

    idea = Idea.objects.get(call__slug="transitions-2026")
    assert idea.title == "Une recyclerie de matériaux à Morez"
    assert idea.email == "camille@example.org" and idea.consent_processing
    assert sorted(message.to[0] for message in mail.outbox) == [
        "camille@example.org",
        "equipe@clusterjura.fr",
    ]

    # Reloading the confirmation does not send the idea again (post/redirect/get).
    page.reload()
    assert Idea.objects.filter(call__slug="transitions-2026").count() == 1


def test_calls_index_and_closed_call_pass_axe(page: Page, site_url):
    page.goto(site_url + "/appels-a-idees/")
    expect(page.get_by_role("heading", name="Appels ouverts")).to_be_visible()
    assert_no_axe_violations(page, "liste des appels à idées")

    page.get_by_role("link", name="Se déplacer autrement dans le Haut-Jura").click()
    expect(page.get_by_role("heading", name="Cet appel est clos")).to_be_visible()
    expect(page.get_by_role("heading", name="Ce qui en est sorti")).to_be_visible()
    expect(page.locator(".idea-card").first).to_be_visible()
    assert_no_axe_violations(page, "appel clos et idées publiées")

    page.goto(site_url + CALL_PATH)
    assert_no_axe_violations(page, "appel ouvert et son formulaire")
