"""Logging in to the extranet in a real browser: the private page sends to the login
form and back, the logout button closes the session, and the account pages pass
axe-core (WCAG 2.1 AA)."""

import time

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_no_axe_violations

pytestmark = pytest.mark.browser

PASSWORD = "un-mot-de-passe-solide-42"
PRIVATE_TITLE = "Comptes annuels confidentiels"


@pytest.fixture
def extranet(site_url, django_user_model):
    """/extranet/ restricted to a group, a private page under it, an associate in the
    group and a logged-in visitor outside it (as in tests/extranet/test_accounts.py)."""
    from django.contrib.auth.models import Group
    from wagtail.models import Page as WagtailPage
    from wagtail.models import PageViewRestriction

    from home.models import HomePage, StandardPage

    home = HomePage.objects.get()
    page = WagtailPage.objects.child_of(home).filter(slug="extranet").first()
    if page is None:
        page = home.add_child(instance=StandardPage(title="Espace des associés", slug="extranet"))
    PageViewRestriction.objects.filter(page__path__startswith=page.path).delete()
    group = Group.objects.get_or_create(name="Associés (tests)")[0]
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(group)
    page.add_child(
        instance=StandardPage(
            title=PRIVATE_TITLE, slug="dossier-prive", intro="Le résultat de l'exercice."
        )
    )
    associate = django_user_model.objects.create_user("camille", "camille@example.org", PASSWORD)
    associate.groups.add(group)
    django_user_model.objects.create_user("passant", "passant@example.org", PASSWORD)
    return site_url


def log_in(page: Page, identifier: str) -> None:
    page.get_by_label("Identifiant ou adresse électronique").fill(identifier)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_an_associate_logs_in_sees_the_private_page_and_logs_out(page: Page, extranet):
    private = f"{extranet}/extranet/dossier-prive/"
    page.goto(private)
    expect(page).to_have_url(f"{extranet}/compte/connexion/?next=/extranet/dossier-prive/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
    assert_no_axe_violations(page, "page de connexion")

    page.get_by_label("Identifiant ou adresse électronique").fill("camille")
    page.get_by_label("Mot de passe").fill("pas-le-bon")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_contain_text("Identifiant ou mot de passe incorrect")
    assert_no_axe_violations(page, "page de connexion, mot de passe erroné")

    log_in(page, "camille@example.org")
    expect(page).to_have_url(private)
    expect(page.get_by_role("heading", level=1)).to_have_text(PRIVATE_TITLE)

    page.goto(f"{extranet}/compte/")
    assert_no_axe_violations(page, "mon compte")
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vous êtes déconnecté")

    page.goto(private)
    expect(page).to_have_url(f"{extranet}/compte/connexion/?next=/extranet/dossier-prive/")
    expect(page.get_by_text(PRIVATE_TITLE)).to_have_count(0)


def test_a_visitor_outside_the_group_gets_the_french_403_page(page: Page, extranet):
    page.goto(f"{extranet}/compte/connexion/?next=/extranet/dossier-prive/")
    log_in(page, "passant")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accès réservé")
    expect(page.get_by_text("Cet espace est réservé aux associés")).to_be_visible()
    expect(page.get_by_text(PRIVATE_TITLE)).to_have_count(0)
    assert_no_axe_violations(page, "accès réservé (403)")

    # "Changer de compte" logs out and comes back through the login form.
    page.get_by_role("button", name="Changer de compte").click()
    expect(page).to_have_url(f"{extranet}/compte/connexion/?next=/extranet/dossier-prive/")
    log_in(page, "camille")
    expect(page.get_by_role("heading", level=1)).to_have_text(PRIVATE_TITLE)


def test_two_factor_enrolment_and_the_code_step_pass_axe(page: Page, extranet):
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def current_code(device) -> str:
        device.refresh_from_db()
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        return f"{totp.token():06d}"

    page.goto(f"{extranet}/compte/connexion/")
    log_in(page, "camille")
    page.goto(f"{extranet}/compte/double-authentification/")
    expect(page.get_by_role("img", name="Code QR")).to_be_visible()
    assert_no_axe_violations(page, "activation de la double authentification")

    device = TOTPDevice.objects.get(user__username="camille")
    page.get_by_label("Code à six chiffres").fill(current_code(device))
    page.get_by_role("button", name="Activer la double authentification").click()
    expect(page.get_by_role("status")).to_contain_text("la double authentification est activée")

    page.goto(f"{extranet}/compte/")
    page.get_by_role("button", name="Se déconnecter").click()
    page.goto(f"{extranet}/extranet/dossier-prive/")
    log_in(page, "camille")
    expect(page.get_by_role("heading", level=1)).to_have_text("Code de connexion")
    assert_no_axe_violations(page, "code de connexion")
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # the enrolment's code again
    page.get_by_label("Code à six chiffres").fill(current_code(device))
    page.get_by_role("button", name="Valider le code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PRIVATE_TITLE)
