"""The gift form in a real browser: its script, its mistakes, its accessibility.

The script (static/js/donation.js) shows the presets matching the frequency and the
company fields to companies only, offers a monthly gift for one-off gifts and keeps
the net-cost sentence in step with the amount. Mistakes give an error summary that
takes the focus, links to each field and passes axe-core; so do the form without its
script, the ledger, the donor wall and the donor space. The payment itself (the local
Stripe double, the signed webhook) is test_donation_payment.py's business: with no
Stripe key, invalid data never reaches the payment step anyway.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from wagtail.models import Site

from donations.constants import DonationStatus, DonorType, IssuerKind, ReceiptKind
from donations.models import (
    Donation,
    DonationPage,
    FundSettings,
    Receipt,
    ReceiptIssuer,
    Subscription,
)
from donations.services import donor_space
from home import abuse
from home.models import HomePage
from tests.browser.axe import assert_no_axe_violations

pytestmark = pytest.mark.browser

NNBSP = "\u202f"
NBSP = "\u00a0"


@pytest.fixture
def campaign_url(site_url, settings):
    """A campaign page under the demo home (rebuilt by `site_url`), Stripe unset."""
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""
    settings.STRIPE_API_BASE = ""
    home = HomePage.objects.get()
    page = DonationPage(
        title="Fonds de test",
        slug="fonds-test",
        intro="Un fonds pour financer l'expérimentation des projets du territoire.",
        story=[("heading", {"text": "Combler un trou dans la raquette", "level": "h2"})],
        goal_cents=5_000_000,
        preset_amounts="30, 50, 100, 250",
        monthly_preset_amounts="10, 20, 50",
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    return f"{site_url}/fonds-test/"


@pytest.fixture
def eligible_issuer(campaign_url):
    issuer = ReceiptIssuer.objects.create(
        name="Fonds de dotation Jura Avenir",
        kind=IssuerKind.ENDOWMENT_FUND,
        address="1 place de la Liberté\n39000 Lons-le-Saunier",
        rna="W391000001",
        purpose="Soutenir l'expérimentation de projets d'intérêt général dans le Jura.",
        eligible_individuals=True,
        eligible_companies=True,
        signatory_name="Claude Durand",
        signatory_title="Président",
    )
    fund = FundSettings.for_site(Site.objects.get(is_default_site=True))
    fund.issuer = issuer
    fund.save()
    return issuer


def test_script_shows_the_presets_of_the_frequency_and_company_fields_to_companies(
    page: Page, campaign_url
):
    page.goto(campaign_url)
    once = page.get_by_role("group", name="Montant de mon don (une fois)")
    monthly = page.get_by_role("group", name="Montant de mon don mensuel")
    company_name = page.get_by_label("Raison sociale")

    # One-off by default: its presets only, the monthly upsell, no company field.
    expect(once).to_be_visible()
    expect(monthly).to_be_hidden()
    expect(page.get_by_text("Et si vous donniez 10 € chaque mois")).to_be_visible()
    expect(company_name).to_be_hidden()
    expect(page.get_by_text("Entreprises et organisations seulement")).to_be_hidden()
    expect(page.get_by_label("Le logo de mon entreprise")).to_be_hidden()
    expect(page.locator(f"[name={abuse.HONEYPOT_FIELD}]")).to_be_hidden()
    expect(page.locator("[data-summary]")).to_have_text(f"Vous donnez 50{NBSP}€ une fois.")

    # Monthly: the monthly presets appear, the one-off ones and the upsell go.
    page.get_by_label("Chaque mois").check()
    expect(monthly).to_be_visible()
    expect(once).to_be_hidden()
    expect(page.get_by_text("Et si vous donniez 10 € chaque mois")).to_be_hidden()
    page.get_by_label("20 € par mois").check()
    expect(page.locator("[data-summary]")).to_have_text(f"Vous donnez 20{NBSP}€ chaque mois.")

    # A company: its fields and the logo choice appear; back to individual, they go.
    page.get_by_label("Entreprise ou organisation").check()
    expect(company_name).to_be_visible()
    expect(page.get_by_label("SIREN")).to_be_visible()
    expect(page.get_by_label("Le logo de mon entreprise")).to_be_visible()
    page.get_by_label("Particulier").check()
    expect(company_name).to_be_hidden()

    # The upsell turns a one-off gift into the first monthly preset.
    page.get_by_label("Une fois").check()
    page.get_by_role("button", name="Donner 10 € chaque mois").click()
    expect(page.get_by_label("Chaque mois")).to_be_checked()
    expect(page.get_by_label("10 € par mois")).to_be_checked()
    expect(page.get_by_label("10 € par mois")).to_be_focused()

    # Typing an amount selects "Autre montant" in the visible group.
    page.get_by_label("Autre montant (en euros)").fill("42")
    expect(monthly.get_by_label("Autre montant")).to_be_checked()
    expect(page.locator("[data-summary]")).to_have_text(f"Vous donnez 42{NBSP}€ chaque mois.")

    # Without an eligible issuer: a certificate, no tax reduction, no simulator.
    expect(page.get_by_text("Une attestation de paiement, sans réduction d'impôt")).to_be_visible()
    expect(page.locator("[data-net-cost]")).to_have_count(0)
    assert_no_axe_violations(page, "formulaire de don (entreprise, mensuel)")


def test_net_cost_follows_the_amount_the_donor_type_and_the_turnover(
    page: Page, campaign_url, eligible_issuer
):
    page.goto(campaign_url)
    individual = page.locator('[data-net-cost="individual"]')
    company = page.locator('[data-net-cost="company"]')

    expect(individual).to_have_text(
        f"Votre don de 50{NBSP}€ vous coûte 17{NBSP}€ après réduction d'impôt."
    )
    expect(company).to_be_hidden()
    page.get_by_label("100 €", exact=True).check()
    expect(individual).to_have_text(
        f"Votre don de 100{NBSP}€ vous coûte 34{NBSP}€ après réduction d'impôt."
    )

    page.get_by_label("Entreprise ou organisation").check()
    expect(individual).to_be_hidden()
    # 2 000 EUR a month is 24 000 a year: above the 20 000 EUR cap, only the cap is
    # reduced, unless 0.5 % of the turnover is higher.
    page.get_by_label("Chaque mois").check()
    page.get_by_label("Autre montant (en euros)").fill("2000")
    expect(company).to_have_text(
        f"Votre don de 2{NNBSP}000{NBSP}€ par mois coûte 1{NNBSP}000{NBSP}€ par mois à votre "
        f"entreprise après réduction d'impôt. La réduction porte sur 20{NNBSP}000{NBSP}€ de "
        "dons dans l'année ; l'excédent est reporté sur les cinq exercices suivants."
    )
    page.get_by_label("Chiffre d'affaires annuel hors taxes").fill("10000000")
    expect(company).to_have_text(
        f"Votre don de 2{NNBSP}000{NBSP}€ par mois coûte 800{NBSP}€ par mois à votre "
        "entreprise après réduction d'impôt."
    )
    assert_no_axe_violations(page, "simulateur du coût du don")


def test_mistakes_give_a_focused_error_summary_that_passes_axe(page: Page, campaign_url):
    page.goto(campaign_url)
    expect(page.get_by_text("Le paiement en ligne n'est pas encore ouvert.")).to_be_visible()

    page.get_by_label("Entreprise ou organisation").check()
    page.get_by_label("Autre montant (en euros)").fill("2")
    page.get_by_label("SIREN").fill("123456789")
    page.get_by_label("Prénom").fill("Camille")
    page.locator("#id_last_name").fill("Martin")
    page.get_by_label("Adresse électronique").fill("camille@")
    page.get_by_role("button", name="Faire mon don").click()

    summary = page.get_by_role("alert")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("points à corriger")
    assert page.title().startswith("Erreur : votre don n'a pas été enregistré")
    # Each error sits next to its field; what was typed is kept, company fields shown.
    expect(page.locator("#id_other_amount_error")).to_contain_text("commence à 5 €")
    expect(page.locator("#id_siren_error")).to_contain_text("Ce SIREN n'est pas valide")
    expect(page.locator("#id_company_name_error")).to_contain_text("raison sociale")
    expect(page.locator("#id_consent_processing_error")).to_contain_text("Cochez cette case")
    expect(page.get_by_label("Raison sociale")).to_be_visible()
    expect(page.get_by_label("Prénom")).to_have_value("Camille")
    expect(page.get_by_label("Autre montant (en euros)")).to_have_value("2")
    expect(page.get_by_label("Autre montant (en euros)")).to_have_attribute("aria-invalid", "true")
    # A summary link leads to its field.
    summary.get_by_role("link", name="Le don en ligne commence à 5 €.").click()
    expect(page).to_have_url(f"{campaign_url}#id_other_amount")

    assert_no_axe_violations(page, "formulaire de don avec des erreurs")


def test_ledger_and_donor_wall_pass_axe(page: Page, campaign_url):
    page.goto(campaign_url)
    page.get_by_role("link", name="Où va l'argent : le registre du fonds").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Où va l'argent{NBSP}: le registre du fonds"
    )
    assert_no_axe_violations(page, "registre du fonds")

    page.get_by_role("link", name="Ils et elles soutiennent le fonds").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ils et elles soutiennent le fonds")
    assert_no_axe_violations(page, "liste des donateurs")


def test_without_script_every_part_of_the_form_stays_visible(page: Page, campaign_url):
    # The page's own script fails to load (blocked here); axe-core still runs.
    page.route("**/js/donation*.js", lambda route: route.abort())
    page.goto(campaign_url)
    # Both amount groups with their legends; the server reads the one matching the
    # frequency.
    expect(page.get_by_role("group", name="Montant de mon don (une fois)")).to_be_visible()
    expect(page.get_by_role("group", name="Montant de mon don mensuel")).to_be_visible()
    # Company fields, marked as such; the upsell needs the script, so it stays out.
    expect(page.get_by_text("Entreprises et organisations seulement")).to_be_visible()
    expect(page.get_by_label("Raison sociale")).to_be_visible()
    expect(page.get_by_role("button", name="Donner 10 € chaque mois")).to_be_hidden()
    expect(page.locator("[data-summary]")).to_be_hidden()
    assert_no_axe_violations(page, "formulaire de don sans son script")


def test_donor_space_pages_pass_axe(page: Page, campaign_url):
    """Asking for the link (with a mistake), the space itself, and a damaged link."""
    email = "camille.martin@example.org"
    donor = {
        "email": email,
        "first_name": "Camille",
        "last_name": "Martin",
        "address_line1": "1 rue du Pont",
        "postal_code": "39000",
        "city": "Lons-le-Saunier",
    }
    campaign = DonationPage.objects.get(slug="fonds-test")
    donation = Donation.objects.create(
        page=campaign,
        amount_cents=5_000,
        status=DonationStatus.PAID,
        consent_processing=True,
        received_at=timezone.now(),
        **donor,
    )
    issuer = ReceiptIssuer.objects.create(
        name="Clus'Ter Jura",
        kind=IssuerKind.SCIC,
        address="39570 Conliège",
        purpose="Coopérative des transitions du Jura.",
        signatory_name="Claude Durand",
        signatory_title="Président",
    )
    receipt = Receipt.objects.create(
        issuer=issuer,
        year=2026,
        number=1,
        kind=ReceiptKind.CERTIFICATE,
        donor_type=DonorType.INDIVIDUAL,
        donor_name="Camille Martin",
        donor_address="1 rue du Pont\n39000 Lons-le-Saunier",
        donor_email=email,
        amount_cents=5_000,
        amount_words="cinquante euros",
        gift_date=datetime.date(2026, 1, 5),
        payment_method="carte bancaire",
        issued_at=timezone.now(),
        pdf=b"%PDF-1.4 test",
    )
    receipt.donations.add(donation)
    Subscription.objects.create(
        stripe_subscription_id="sub_test",
        stripe_customer_id="cus_test",
        page=campaign,
        amount_cents=2_000,
        **donor,
    )
    site_url = campaign_url.removesuffix("/fonds-test/")

    page.goto(campaign_url)
    page.get_by_role("link", name="Retrouver mes dons et mes reçus").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Retrouver mes dons et mes reçus")
    assert_no_axe_violations(page, "demande du lien de l'espace donateur")

    page.get_by_label("Adresse électronique").fill("camille@")
    page.get_by_role("button", name="Recevoir le lien").click()
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.get_by_label("Adresse électronique")).to_have_attribute("aria-invalid", "true")
    assert_no_axe_violations(page, "demande du lien avec une erreur")

    page.goto(f"{site_url}/dons/espace/{donor_space.token_for(email)}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes dons et mes reçus")
    expect(page.get_by_role("button", name="Modifier ou arrêter mon don mensuel")).to_be_visible()
    expect(page.get_by_role("link", name="PDF n° 2026-00001")).to_be_visible()
    assert_no_axe_violations(page, "espace donateur")

    page.goto(f"{site_url}/dons/espace/lien-abime/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ce lien n'est pas valide")
    assert_no_axe_violations(page, "lien de l'espace donateur abîmé")
