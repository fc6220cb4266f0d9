"""The public pages of the donations app as a visitor reads them (Django test client).

The campaign page with its form, progress and tax notes; the thank-you page; the
fund's ledger; the donor wall; the donor's own space; and a project page showing what
the fund committed to it. A campaign page is created under the demo home page here
(the demo's own /fonds-impulsion/ may still be a standard page on some branches).
"""

import datetime
import html
import re

import pytest
from django.utils import timezone
from wagtail.models import Site

from donations.constants import (
    Channel,
    DonationStatus,
    DonorType,
    Frequency,
    IssuerKind,
    ReceiptKind,
    Recognition,
)
from donations.models import (
    Allocation,
    Donation,
    DonationPage,
    FundSettings,
    Receipt,
    ReceiptIssuer,
    Subscription,
)
from donations.services import donor_space
from donations.templatetags.donations_tags import eur, net_cost
from home import abuse
from projects.models import ProjectPage

NNBSP = "\u202f"  # French thousands separator (format_eur)
NBSP = "\u00a0"  # before the euro sign
EMAIL = "camille.martin@example.org"


def text_of(markup: str) -> str:
    """The page's text as read: tags dropped, entities decoded, spaces collapsed (the
    no-break spaces of French figures are kept)."""
    without_tags = re.sub(r"<[^>]+>", " ", markup)
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(without_tags)).strip()


def euros(value: str) -> str:
    """ "12 345" -> "12\u202f345\u00a0€", as the pages write amounts."""
    return value.replace(" ", NNBSP) + NBSP + "€"


@pytest.fixture
def campaign(demo_site) -> DonationPage:
    page = DonationPage(
        title="Fonds de test",
        slug="fonds-test",
        intro="Un fonds pour financer l'expérimentation des projets.",
        story=[
            ("heading", {"text": "Combler un trou dans la raquette", "level": "h2"}),
            ("quote", {"text": "Une philanthropie de territoire.", "attribution": "Le président"}),
        ],
        goal_cents=5_000_000,
        preset_amounts="30, 50, 100, 250",
        monthly_preset_amounts="10, 20, 50",
    )
    demo_site.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def no_stripe(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""
    settings.STRIPE_API_BASE = ""


def give(page, *, amount_cents, email=EMAIL, status=DonationStatus.PAID, **fields):
    values = {
        "first_name": "Camille",
        "last_name": "Martin",
        "address_line1": "1 rue du Pont",
        "postal_code": "39000",
        "city": "Lons-le-Saunier",
        "consent_processing": True,
        "received_at": timezone.now(),
        **fields,
    }
    return Donation.objects.create(
        page=page, amount_cents=amount_cents, email=email, status=status, **values
    )


def eligible_issuer(*, individuals=True, companies=True) -> ReceiptIssuer:
    return ReceiptIssuer.objects.create(
        name="Fonds de dotation Jura Avenir",
        kind=IssuerKind.ENDOWMENT_FUND,
        address="1 place de la Liberté\n39000 Lons-le-Saunier",
        rna="W391000001",
        purpose="Soutenir l'expérimentation de projets d'intérêt général dans le Jura.",
        eligible_individuals=individuals,
        eligible_companies=companies,
        signatory_name="Claude Durand",
        signatory_title="Président",
    )


def set_issuer(issuer) -> None:
    fund = FundSettings.for_site(Site.objects.get(is_default_site=True))
    fund.issuer = issuer
    fund.save()


# --- filters --------------------------------------------------------------------


def test_eur_filter_writes_french_amounts():
    assert eur(1_234_567) == f"12{NNBSP}345,67{NBSP}€"
    assert eur(500) == f"5{NBSP}€"
    assert eur(1020) == f"10,20{NBSP}€"
    assert eur(None) == ""


def test_net_cost_follows_the_french_reductions():
    assert net_cost(10_000, DonorType.INDIVIDUAL) == 3_400  # 66 % off
    assert net_cost(3_000, DonorType.INDIVIDUAL) == 1_020
    assert net_cost(100_000, DonorType.COMPANY) == 40_000  # 60 % off
    # Above the 20,000 EUR flat cap, only the capped part is reduced.
    assert net_cost(3_000_000, DonorType.COMPANY) == 3_000_000 - 1_200_000


# --- the campaign page ------------------------------------------------------------


def test_campaign_page_shows_the_story_the_progress_and_the_form(client, campaign, no_stripe):
    give(campaign, amount_cents=1_000_000, email="a@example.org")
    give(campaign, amount_cents=234_500, email="b@example.org")
    give(campaign, amount_cents=5_000, email="c@example.org", status=DonationStatus.PENDING)
    give(campaign, amount_cents=7_000, email="d@example.org", status=DonationStatus.FAILED)

    response = client.get(campaign.url)

    assert response.status_code == 200
    page = response.content.decode()
    text = text_of(page)
    assert "Combler un trou dans la raquette" in text  # the story
    # Confirmed gifts only; each donor counted once; the bar says the same.
    assert f"{euros('12 345')} sur {euros('50 000')}, 2 donateurs" in text
    assert re.search(r'<progress[^>]+max="100"[^>]+value="25"', page)
    assert "25 % de l'objectif atteint" in text
    # The form: frequency toggle, both preset groups (each with its legend), free amount.
    assert "data-donation-form" in page
    assert 'name="frequency" value="once"' in page and 'name="frequency" value="monthly"' in page
    assert "Montant de mon don (une fois)" in text and "Montant de mon don mensuel" in text
    assert "10 € par mois" in text  # the form's own label
    assert 'name="other_amount"' in page
    # Company fields are there without the script, marked for companies only.
    assert "Entreprises et organisations seulement" in text
    assert 'name="siren"' in page and 'autocomplete="organization"' in page
    # Identity and address with their autocomplete hints; consent; honeypot hidden.
    for hint in ("given-name", "family-name", "email", "address-line1", "postal-code"):
        assert f'autocomplete="{hint}"' in page
    assert 'name="consent_processing"' in page and 'name="newsletter"' in page
    assert re.search(rf'<div class="hp-field">.*?name="{abuse.HONEYPOT_FIELD}"', page, re.S)
    # Anonymous by default.
    assert re.search(r'name="recognition" value="anonymous"[^>]*checked', page)
    # The script is a file (the site gets a Content-Security-Policy): no inline script.
    assert re.search(r'<script src="/static/js/donation[^"]*\.js" defer>', page)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    # Where the money goes, the donor wall, the donor space.
    assert 'href="/fonds-test/registre/"' in page
    assert 'href="/fonds-test/donateurs/"' in page
    assert "Retrouver mes dons et mes reçus" in text


def test_simulator_shows_only_with_an_eligible_issuer(client, campaign, no_stripe):
    set_issuer(eligible_issuer())

    page = client.get(campaign.url).content.decode()
    text = text_of(page)

    assert "Ce que votre don vous coûte vraiment" in text
    assert f"votre don de {euros('100')} vous coûte {euros('34')} après réduction d'impôt" in text
    assert (
        f"votre don de {euros('1 000')} coûte {euros('400')} à votre entreprise après réduction"
        in text
    )
    assert 'data-individual-rate="66"' in page and 'data-company-rate="60"' in page
    assert "Chiffre d'affaires annuel hors taxes" in text  # optional, for companies
    assert "Fonds de dotation Jura Avenir vous envoie un reçu fiscal" in text
    assert "Ce n'est pas un reçu fiscal" not in text


def test_without_eligible_issuer_the_page_says_certificate_and_no_tax_reduction(
    client, campaign, no_stripe
):
    page = client.get(campaign.url).content.decode()
    text = text_of(page)

    assert "Une attestation de paiement, sans réduction d'impôt" in text
    assert "une société coopérative d'intérêt collectif (SCIC) ne peut pas en délivrer" in text
    assert "vous coûte" not in text
    assert "data-net-cost" not in page
    assert 'data-individual-rate=""' in page and 'data-company-rate=""' in page


def test_issuer_eligible_for_companies_only_simulates_for_companies_only(
    client, campaign, no_stripe
):
    set_issuer(eligible_issuer(individuals=False, companies=True))

    page = client.get(campaign.url).content.decode()
    text = text_of(page)

    assert 'data-net-cost="company"' in page
    assert 'data-net-cost="individual"' not in page
    assert "Particuliers : vous recevez une attestation de paiement" in text.replace(NBSP, " ")


def test_without_stripe_keys_the_page_says_online_payment_is_not_open(client, campaign, no_stripe):
    fund = FundSettings.for_site(Site.objects.get(is_default_site=True))
    fund.cheque_payee = "Clus'Ter Jura"
    fund.postal_address = "12 rue des Salines\n39000 Lons-le-Saunier"
    fund.iban = "FR76 3000 4000 0500 0012 3456 789"
    fund.bic = "BNPAFRPPXXX"
    fund.save()

    text = text_of(client.get(campaign.url).content.decode())

    assert "Le paiement en ligne n'est pas encore ouvert." in text
    assert "Donner par chèque ou par virement" in text
    assert "À l'ordre de Clus'Ter Jura" in text
    assert "12 rue des Salines" in text
    assert "FR76 3000 4000 0500 0012 3456 789" in text and "BNPAFRPPXXX" in text
    assert "Faire mon don" in text  # the form stays


def test_with_stripe_keys_there_is_no_not_configured_notice(client, campaign, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_configured"

    text = text_of(client.get(campaign.url).content.decode())

    assert "Le paiement en ligne n'est pas encore ouvert" not in text
    assert "page de paiement sécurisée de Stripe" in text


def test_mistakes_give_an_error_summary_linked_to_the_fields_and_keep_what_was_typed(
    client, campaign, no_stripe
):
    response = client.post(
        campaign.url,
        {
            "frequency": Frequency.ONCE,
            "amount_once": "autre",
            "other_amount": "2",
            "donor_type": DonorType.COMPANY,
            "company_name": "",
            "siren": "123456789",
            "first_name": "Camille",
            "last_name": "Martin",
            "email": "camille@",
            "address_line1": "1 rue du Pont",
            "postal_code": "39000",
            "city": "Lons-le-Saunier",
            "country": "FR",
            "recognition": Recognition.ANONYMOUS,
        },
    )

    assert response.status_code == 400
    page = response.content.decode()
    text = text_of(page)
    assert "<title>Erreur : votre don n'a pas été enregistré" in page
    summary = re.search(r'<div class="error-summary" role="alert".*?</div>', page, re.S).group(0)
    assert "5 points à corriger" in text_of(summary)
    for anchor in ("id_other_amount", "id_company_name", "id_siren", "id_email"):
        assert f'href="#{anchor}"' in summary
        assert f'id="{anchor}"' in page  # the link lands on its field
        assert f'id="{anchor}_error"' in page  # the error sits next to it
    assert 'href="#id_consent_processing"' in summary
    assert "Le don en ligne commence à 5 €." in text
    assert re.search(r'id="id_other_amount"[^>]*aria-invalid="true"', page)
    assert 'value="Camille"' in page and 'value="2"' in page
    assert not Donation.objects.exists()


def test_a_valid_gift_without_stripe_keys_is_refused_plainly(client, campaign, no_stripe):
    response = client.post(
        campaign.url,
        {
            "frequency": Frequency.ONCE,
            "amount_once": "50",
            "donor_type": DonorType.INDIVIDUAL,
            "first_name": "Camille",
            "last_name": "Martin",
            "email": EMAIL,
            "address_line1": "1 rue du Pont",
            "postal_code": "39000",
            "city": "Lons-le-Saunier",
            "country": "FR",
            "recognition": Recognition.ANONYMOUS,
            "consent_processing": "on",
        },
    )

    assert response.status_code == 503
    page = response.content.decode()
    summary = re.search(r'<div class="error-summary" role="alert".*?</div>', page, re.S).group(0)
    assert "Votre don n'a pas été enregistré" in text_of(summary)
    assert "Le paiement en ligne n'est pas encore ouvert" in text_of(summary)
    assert not Donation.objects.exists()


def test_thank_you_page_without_a_session_thanks_and_shows_the_progress(
    client, campaign, no_stripe
):
    give(campaign, amount_cents=5_000)

    response = client.get(campaign.url + "merci/")

    assert response.status_code == 200
    text = text_of(response.content.decode())
    assert "Merci pour votre soutien !" in text.replace(NBSP, " ")
    assert f"{euros('50')} sur {euros('50 000')}, 1 donateur" in text


VALID_GIFT = {
    "frequency": Frequency.ONCE,
    "amount_once": "50",
    "donor_type": DonorType.INDIVIDUAL,
    "first_name": "Camille",
    "last_name": "Martin",
    "email": EMAIL,
    "address_line1": "1 rue du Pont",
    "postal_code": "39000",
    "city": "Lons-le-Saunier",
    "country": "FR",
    "recognition": Recognition.ANONYMOUS,
    "consent_processing": "on",
}


def start_gift(client, campaign, double, **changes) -> Donation:
    """Post the form to checkout (the local Stripe double answers); the pending gift."""
    response = client.post(campaign.url, {**VALID_GIFT, **changes})
    assert response.status_code == 303, response.content.decode()[:500]
    assert response["Location"].startswith(double.url)
    return Donation.objects.get()


def test_thank_you_page_confirms_a_paid_gift(client, campaign, stripe_settings):
    donation = start_gift(client, campaign, stripe_settings)
    stripe_settings.complete_session(donation.stripe_session_id)

    response = client.get(campaign.url + "merci/", {"session_id": donation.stripe_session_id})

    text = text_of(response.content.decode()).replace(NBSP, " ")
    assert "Merci Camille !" in text
    assert "Votre don de 50 € est bien reçu." in text
    assert f"Un courriel de confirmation part à {EMAIL}" in text
    assert "Et maintenant ?" in text


def test_thank_you_page_says_a_bank_debit_is_still_on_its_way(client, campaign, stripe_settings):
    donation = start_gift(client, campaign, stripe_settings)
    stripe_settings.complete_session(donation.stripe_session_id, payment_status="unpaid")

    response = client.get(campaign.url + "merci/", {"session_id": donation.stripe_session_id})

    text = text_of(response.content.decode()).replace(NBSP, " ")
    assert "Le paiement est en cours de traitement" in text
    assert "est bien reçu" not in text


def test_cancelling_on_stripe_brings_back_the_form_as_typed(client, campaign, stripe_settings):
    donation = start_gift(
        client, campaign, stripe_settings, frequency=Frequency.MONTHLY, amount_monthly="20"
    )

    response = client.get(campaign.url, {"reprendre": str(donation.public_id)})

    page = response.content.decode()
    assert "Vous avez quitté la page de paiement" in text_of(page)
    assert re.search(r'name="frequency" value="monthly"[^>]*checked', page)
    assert 'name="other_amount" id="id_other_amount" value="20"' in page
    assert 'value="Camille"' in page


# --- transparency -------------------------------------------------------------------


@pytest.fixture
def project(demo_site) -> ProjectPage:
    return ProjectPage.objects.live().get(slug="ressourcerie-petite-montagne")


def test_ledger_shows_public_commitments_and_their_totals(client, campaign, project):
    Allocation.objects.all().delete()  # the demo's example, if any
    Allocation.objects.create(
        project=project,
        title="Tester la collecte en déchèterie",
        decided_on=datetime.date(2025, 3, 1),
        committed_cents=800_000,
        paid_cents=400_000,
        last_paid_on=datetime.date(2025, 6, 1),
    )
    Allocation.objects.create(
        project=project,
        title="Un engagement encore confidentiel",
        decided_on=datetime.date(2025, 4, 1),
        committed_cents=100_000,
        is_public=False,
    )
    give(campaign, amount_cents=1_200_000)

    response = client.get(campaign.url + "registre/")

    assert response.status_code == 200
    page = response.content.decode()
    text = text_of(page)
    assert "Où va l'argent" in text
    assert "Tester la collecte en déchèterie" in text
    assert "Un engagement encore confidentiel" not in text
    assert f"{euros('8 000')} engagés pour des projets" in text
    assert f"{euros('4 000')} déjà versés" in text
    assert f"{euros('12 000')} collectés auprès de 1 donateur" in text
    assert f'href="{project.url}"' in page
    assert "<caption" in page and 'scope="col"' in page


def test_donor_wall_names_only_donors_who_asked_never_the_anonymous(client, campaign):
    give(
        campaign,
        amount_cents=5_000,
        email="a@example.org",
        first_name="Anne",
        last_name="Publique",
        recognition=Recognition.NAME,
    )
    give(
        campaign,
        amount_cents=5_000,
        email="b@example.org",
        first_name="Bruno",
        last_name="Discret",
        recognition=Recognition.ANONYMOUS,
    )
    give(
        campaign,
        amount_cents=5_000,
        email="c@example.org",
        first_name="Chloé",
        last_name="Pending",
        recognition=Recognition.NAME,
        status=DonationStatus.PENDING,
    )
    give(
        campaign,
        amount_cents=50_000,
        email="d@example.org",
        donor_type=DonorType.COMPANY,
        company_name="Fromagerie du Haut-Jura",
        siren="552100554",
        recognition=Recognition.LOGO,
    )
    # A monthly donor gives each month: named once.
    for _month in range(3):
        give(
            campaign,
            amount_cents=1_000,
            email="e@example.org",
            first_name="Élise",
            last_name="Mensuelle",
            recognition=Recognition.NAME,
            frequency=Frequency.MONTHLY,
        )

    response = client.get(campaign.url + "donateurs/")

    assert response.status_code == 200
    text = text_of(response.content.decode())
    assert "Anne Publique" in text
    assert "Fromagerie du Haut-Jura" in text  # no logo received yet: the name
    assert text.count("Élise Mensuelle") == 1
    assert "Discret" not in text and "Bruno" not in text
    assert "Pending" not in text


def test_project_page_shows_what_the_fund_committed_and_links_the_ledger(client, campaign, project):
    Allocation.objects.all().delete()
    Allocation.objects.create(
        project=project,
        title="Tester la collecte en déchèterie",
        decided_on=datetime.date(2025, 3, 1),
        committed_cents=800_000,
        paid_cents=400_000,
    )

    page = client.get(project.url).content.decode()
    text = text_of(page)

    assert "Soutenu par le fonds d'impulsion" in text
    assert "Tester la collecte en déchèterie" in text
    assert f"Engagé {euros('8 000')}" in text and f"Versé {euros('4 000')}" in text
    ledger = DonationPage.objects.live().public().order_by("path").first()
    assert f'href="{ledger.url}registre/"' in page


def test_project_page_without_commitment_says_nothing_of_the_fund(client, campaign, project):
    Allocation.objects.all().delete()

    text = text_of(client.get(project.url).content.decode())

    assert "Soutenu par le fonds d'impulsion" not in text


# --- the donor's own space ----------------------------------------------------------


def test_donor_space_request_page_and_its_mistake(client, demo_site):
    response = client.get("/dons/espace/")
    assert response.status_code == 200
    assert 'autocomplete="email"' in response.content.decode()

    response = client.post("/dons/espace/", {"email": "camille@"})

    assert response.status_code == 400
    page = response.content.decode()
    assert 'role="alert"' in page and 'href="#id_email"' in page
    assert 'id="id_email_error"' in page and 'aria-invalid="true"' in page

    response = client.post("/dons/espace/", {"email": "nobody@example.org"})
    assert response.status_code == 200
    assert "Regardez votre messagerie" in text_of(response.content.decode())


def test_donor_space_lists_gifts_receipts_and_monthly_gifts(client, campaign):
    donation = give(campaign, amount_cents=5_000, channel=Channel.ONLINE)
    issuer = eligible_issuer()
    receipt = Receipt.objects.create(
        issuer=issuer,
        year=2026,
        number=7,
        kind=ReceiptKind.INDIVIDUAL,
        donor_type=DonorType.INDIVIDUAL,
        donor_name="Camille Martin",
        donor_address="1 rue du Pont\n39000 Lons-le-Saunier",
        donor_email=EMAIL,
        amount_cents=5_000,
        amount_words="cinquante euros",
        gift_date=datetime.date(2026, 1, 5),
        payment_method="carte bancaire",
        issued_at=timezone.now(),
        pdf=b"%PDF-1.4 test",
    )
    receipt.donations.add(donation)
    subscription = Subscription.objects.create(
        stripe_subscription_id="sub_test",
        stripe_customer_id="cus_test",
        page=campaign,
        amount_cents=2_000,
        email=EMAIL,
        first_name="Camille",
        last_name="Martin",
        address_line1="1 rue du Pont",
        postal_code="39000",
        city="Lons-le-Saunier",
    )
    token = donor_space.token_for(EMAIL)

    response = client.get(f"/dons/espace/{token}/")

    assert response.status_code == 200
    page = response.content.decode()
    text = text_of(page)
    assert EMAIL in text
    assert f"{euros('20')} par mois" in text
    assert "Modifier ou arrêter mon don mensuel" in text
    assert f'name="subscription" value="{subscription.pk}"' in page
    assert f'href="/dons/espace/{token}/recu/{receipt.pk}/"' in page
    assert "2026-00007" in text
    assert f"{euros('50')}" in text


def test_donor_space_with_a_bad_link_says_what_to_do(client, demo_site):
    response = client.get("/dons/espace/not-a-token/")

    assert response.status_code == 400
    text = text_of(response.content.decode())
    assert "Ce lien n'est pas valide" in text
    assert "Recevoir un nouveau lien" in text
