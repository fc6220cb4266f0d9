"""A gift of 50 EUR in a real browser, end to end: the form, the server-side Checkout
Session on the local Stripe double, its payment page, the signed completion event
delivered to the site's webhook, the thank-you page and the progress bar that moved.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from donations.models import Donation, Receipt
from tests.browser.axe import assert_no_axe_violations
from tests.donations.stripe_double import StripeDouble

pytestmark = pytest.mark.browser

NNBSP = "\u202f"


@pytest.fixture
def double(site_url, settings):
    """The Stripe double, delivering its signed events to the live site's webhook."""
    with StripeDouble(
        webhook_url=f"{site_url}/dons/stripe/webhook/", webhook_secret="whsec_browser"
    ) as double:
        settings.STRIPE_SECRET_KEY = "sk_test_browser"
        settings.STRIPE_WEBHOOK_SECRET = "whsec_browser"
        settings.STRIPE_API_BASE = double.url
        # The page's policy lets its form lead to the payment page, as the settings do at
        # startup for STRIPE_API_BASE (here known only now): Chromium enforces form-action
        # on the redirect that follows the POST.
        settings.SECURE_CSP = {
            **settings.SECURE_CSP,
            "form-action": [*settings.SECURE_CSP["form-action"], double.url],
        }
        settings.BASE_URL = site_url  # Stripe's return addresses are built from it
        # Plain HTTP on the live server: the cookies must come back, as in dev.
        settings.SESSION_COOKIE_SECURE = False
        settings.CSRF_COOKIE_SECURE = False
        yield double


def test_give_50_euros_once_and_see_the_progress_move(page: Page, site_url, double):
    page.goto(site_url + "/fonds-impulsion/")
    figures = page.locator(".fund-progress__figures").first
    expect(figures).to_contain_text("0 € sur 50" + NNBSP + "000 €")

    page.get_by_label("Une fois").check()
    page.get_by_label("50 €", exact=True).check()
    page.get_by_label("Particulier").check()
    page.get_by_label("Prénom").fill("Camille")
    page.locator("#id_last_name").fill("Martin")
    page.get_by_label("Adresse électronique").fill("camille@example.org")
    page.locator("#id_address_line1").fill("12 rue des Lilas")
    page.get_by_label("Code postal").fill("39000")
    page.get_by_label("Ville").fill("Lons-le-Saunier")
    page.locator("#id_consent_processing").check()
    page.get_by_role("button", name="Faire mon don").click()

    # Stripe's page (here the double's): the site sent the donor there, nothing is paid yet.
    expect(page).to_have_url(re.compile(re.escape(double.url) + r"/checkout/cs_"))
    expect(page.get_by_text("50,00 EUR")).to_be_visible()
    assert Donation.objects.get().status == "pending"

    page.get_by_role("button", name="Payer").click()

    expect(page).to_have_url(re.compile(r"/fonds-impulsion/merci/\?session_id=cs_"))
    expect(page.get_by_text("est bien reçu")).to_be_visible()
    expect(page.locator(".fund-progress__figures").first).to_contain_text(
        "50 € sur 50" + NNBSP + "000 €"
    )
    expect(page.locator(".fund-progress__figures").first).to_contain_text("1 donateur")
    donation = Donation.objects.get()
    assert donation.status == "paid"
    assert Receipt.objects.filter(donations=donation, kind="certificate").count() == 1

    page.goto(site_url + "/fonds-impulsion/")
    expect(page.locator(".fund-progress__figures").first).to_contain_text("50 € sur")
    assert_no_axe_violations(page, "page du fonds d'impulsion après un don")
