"""Receipts: the issuer (the SCIC's certificates by default, tax receipts with an
eligible issuer), gap-free numbers under concurrent issuing, every mandatory mention
of the Cerfa forms in the PDF's text, cancel-and-replace on refund, one yearly
receipt for monthly donors, the yearly totals, the emails and the commands.

Gifts are plain model instances made here; the PDF is read back with pypdf.
"""

import base64
import datetime
import io
import re
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from pypdf import PdfReader
from wagtail.models import Site

from donations.constants import (
    Channel,
    DonationStatus,
    DonorType,
    Frequency,
    IssuerKind,
    ReceiptKind,
    ReceiptStatus,
)
from donations.models import (
    Donation,
    FundSettings,
    Receipt,
    ReceiptCounter,
    ReceiptIssuer,
    Subscription,
)
from donations.pdf import render_receipt_pdf
from donations.services import receipts
from donations.tasks import issue_receipt, issue_yearly_receipts
from home.models import OrganisationSettings, OutboxEmail

PARIS = ZoneInfo("Europe/Paris")


# --- small factories ---------------------------------------------------------------------


def make_issuer(**fields) -> ReceiptIssuer:
    """An eligible endowment fund (tax receipts for individuals and companies)."""
    values = {
        "name": "Fonds de dotation Jura Demain",
        "kind": IssuerKind.ENDOWMENT_FUND,
        "address": "12 rue du Pasquier\n39000 Lons-le-Saunier",
        "siren": "912345678",
        "rna": "",
        "purpose": "Soutenir l'expérimentation de projets d'intérêt général dans le Jura",
        "eligible_individuals": True,
        "eligible_companies": True,
        "signatory_name": "Claire Vuillemin",
        "signatory_title": "Présidente",
    }
    values.update(fields)
    issuer = ReceiptIssuer(**values)
    issuer.full_clean()
    issuer.save()
    return issuer


def make_scic(**fields) -> ReceiptIssuer:
    values = {
        "name": "Clus'Ter Jura",
        "kind": IssuerKind.SCIC,
        "siren": "",
        "eligible_individuals": False,
        "eligible_companies": False,
        "purpose": receipts.DEFAULT_PURPOSE,
        "signatory_name": "Clus'Ter Jura",
        "signatory_title": "Le président",
    }
    values.update(fields)
    return make_issuer(**values)


def paris(year, month, day, hour=10, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=PARIS)


def make_donation(issuer=None, **fields) -> Donation:
    """A paid one-off gift of 50 EUR by an individual, online, on 14 March 2025."""
    values = {
        "donor_type": DonorType.INDIVIDUAL,
        "first_name": "Jeanne",
        "last_name": "Dupont",
        "email": "jeanne@example.org",
        "address_line1": "3 chemin des Grands Prés",
        "postal_code": "39570",
        "city": "Conliège",
        "amount_cents": 5_000,
        "consent_processing": True,
        "status": DonationStatus.PAID,
        "received_at": paris(2025, 3, 14),
        "issuer": issuer,
    }
    values.update(fields)
    donation = Donation(**values)
    donation.full_clean()
    donation.save()
    return donation


def company_fields(**fields) -> dict:
    values = {
        "donor_type": DonorType.COMPANY,
        "company_name": "Fromagerie du Revermont",
        "legal_form": "SAS",
        "siren": "823456789",
        "first_name": "Paul",
        "last_name": "Martin",
        "email": "compta@fromagerie.example",
        "address_line1": "ZA des Toupes",
        "address_line2": "Bâtiment B",
        "postal_code": "39190",
        "city": "Beaufort-Orbagna",
        "amount_cents": 100_000,
    }
    values.update(fields)
    return values


def make_subscription(**fields) -> Subscription:
    values = {
        "stripe_subscription_id": "sub_jeanne",
        "amount_cents": 2_000,
        "first_name": "Jeanne",
        "last_name": "Dupont",
        "email": "jeanne@example.org",
        "address_line1": "3 chemin des Grands Prés",
        "postal_code": "39570",
        "city": "Conliège",
    }
    values.update(fields)
    return Subscription.objects.create(**values)


def make_renewal(subscription, received_at, **fields) -> Donation:
    """One paid month of `subscription`."""
    fields.setdefault("amount_cents", subscription.amount_cents)
    return make_donation(
        issuer=fields.pop("issuer", None),
        subscription=subscription,
        frequency=Frequency.MONTHLY,
        received_at=received_at,
        **fields,
    )


def text_of(pdf: bytes) -> str:
    """The PDF's text, whitespace (no-break spaces, line ends) collapsed to one space."""
    reader = PdfReader(io.BytesIO(bytes(pdf)))
    text = " ".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


def assert_mentions(text: str, mentions: list[str]) -> None:
    missing = [mention for mention in mentions if mention not in text]
    assert not missing, f"missing from the PDF: {missing}\n---\n{text}"


# --- the issuer --------------------------------------------------------------------------


def test_default_issuer_is_the_scic_made_once_from_the_organisation(demo_site):
    site = Site.objects.get(is_default_site=True)
    organisation = OrganisationSettings.for_site(site)
    organisation.siret = "123 456 789 00012"
    organisation.save()

    issuer = receipts.issuer_for()

    assert issuer.kind == IssuerKind.SCIC
    assert not issuer.eligible_individuals and not issuer.eligible_companies
    assert issuer.name == organisation.name
    assert issuer.address == organisation.address.strip()
    assert issuer.siren == "123456789"
    assert issuer.purpose == receipts.DEFAULT_PURPOSE
    assert (issuer.signatory_name, issuer.signatory_title) == (organisation.name, "Le président")
    # Made once: later calls (and calls for the site) return the same row.
    assert receipts.issuer_for(site) == issuer
    assert ReceiptIssuer.objects.filter(kind=IssuerKind.SCIC).count() == 1


def test_the_issuer_chosen_in_the_fund_settings_wins(demo_site):
    site = Site.objects.get(is_default_site=True)
    eligible = make_issuer()
    settings = FundSettings.for_site(site)
    settings.issuer = eligible
    settings.save()

    assert receipts.issuer_for(site) == eligible
    assert receipts.issuer_for() == eligible
    assert not ReceiptIssuer.objects.filter(kind=IssuerKind.SCIC).exists()


def test_a_gift_without_issuer_gets_the_fund_issuer_and_keeps_it(demo_site):
    donation = make_donation()

    receipt = receipts.issue_for_donation(donation=donation)

    donation.refresh_from_db()
    assert receipt.issuer == donation.issuer
    assert donation.issuer.kind == IssuerKind.SCIC
    assert receipt.kind == ReceiptKind.CERTIFICATE


# --- what is issued, and when --------------------------------------------------------------


@pytest.mark.django_db
def test_scic_default_issues_certificates_only_for_individuals_and_companies():
    scic = make_scic(address="Groupe Demain\n39570 Conliège")
    person = receipts.issue_for_donation(donation=make_donation(scic))
    company = receipts.issue_for_donation(donation=make_donation(scic, **company_fields()))

    for receipt in (person, company):
        assert receipt.kind == ReceiptKind.CERTIFICATE
        text = text_of(receipt.pdf)
        assert_mentions(
            text,
            [
                "Attestation de paiement",
                f"Numéro de l'attestation : {receipt.reference}",
                "Cette attestation n'ouvre pas droit à réduction d'impôt : la SCIC "
                "Clus'Ter Jura ne peut pas délivrer de reçu fiscal.",
            ],
        )
        # Nothing that reads like a tax receipt.
        for forbidden in (
            "article 200",
            "238 bis",
            "Cerfa",
            "certifie sur l'honneur",
            "Reçu au titre",
        ):
            assert forbidden not in text, forbidden
    assert (person.number, company.number) == (1, 2)
    assert "Fromagerie du Revermont" in text_of(company.pdf)
    assert company.filename == "attestation-2025-00002.pdf"


def test_an_scic_issuer_cannot_be_made_eligible(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        make_scic(eligible_individuals=True)


@pytest.mark.django_db
def test_individual_tax_receipt_carries_every_mention_of_cerfa_11580():
    issuer = make_issuer()
    donation = make_donation(issuer, amount_cents=123_450, address_line2="Hameau de Revigny")

    receipt = receipts.issue_for_donation(donation=donation)

    assert receipt.kind == ReceiptKind.INDIVIDUAL
    assert receipt.amount_words == "mille deux cent trente-quatre euros et cinquante centimes"
    assert receipt.filename == "recu-fiscal-2025-00001.pdf"
    text = text_of(receipt.pdf)
    assert_mentions(
        text,
        [
            "Reçu au titre des dons à certains organismes d'intérêt général",
            "Cerfa n° 11580",
            "Numéro d'ordre du reçu : 2025-00001",
            # The beneficiary: name, SIREN, address, purpose, nature ticked.
            "Bénéficiaire des versements",
            "Fonds de dotation Jura Demain",
            "SIREN",
            "912345678",
            "12 rue du Pasquier",
            "39000 Lons-le-Saunier",
            "Soutenir l'expérimentation de projets d'intérêt général dans le Jura",
            "[X] Fonds de dotation",
            "[ ] Fondation ou association reconnue d'utilité publique",
            "[ ] Association d'intérêt général",
            # The donor: last name, first names, address.
            "Donateur",
            "Nom Dupont",
            "Prénoms Jeanne",
            "3 chemin des Grands Prés",
            "Hameau de Revigny",
            "39570 Conliège",
            # The amount in figures and words, the date of payment.
            "1 234,50 €",
            "Somme en toutes lettres mille deux cent trente-quatre euros et cinquante centimes",
            "Date du versement 14/03/2025",
            # Certification, form, nature and method of the gift.
            "Le bénéficiaire certifie sur l'honneur que les dons et versements qu'il reçoit "
            "ouvrent droit à la réduction d'impôt prévue à l'article 200 du CGI",
            "[X] 200 du CGI",
            "[ ] 238 bis du CGI",
            "[X] Déclaration de don manuel",
            "[ ] Acte authentique",
            "[X] Numéraire",
            "[ ] Remise d'espèces",
            "[ ] Chèque",
            "[X] Virement, prélèvement, carte bancaire",
            "Mode de versement : carte bancaire ou prélèvement (paiement en ligne)",
            # Date of issue and signatory.
            f"Date d'émission : {receipt.issued_at.astimezone(PARIS):%d/%m/%Y}",
            "Claire Vuillemin, Présidente, pour Fonds de dotation Jura Demain",
        ],
    )
    assert "n'ouvre pas droit" not in text


@pytest.mark.django_db
def test_company_tax_receipt_carries_every_mention_of_cerfa_16216():
    issuer = make_issuer(kind=IssuerKind.ASSOCIATION, siren="", rna="W391234567")
    donation = make_donation(issuer, channel=Channel.TRANSFER, **company_fields())

    receipt = receipts.issue_for_donation(donation=donation)

    assert receipt.kind == ReceiptKind.COMPANY
    assert (receipt.donor_siren, receipt.donor_legal_form) == ("823456789", "SAS")
    text = text_of(receipt.pdf)
    assert_mentions(
        text,
        [
            "Reçu des dons et versements effectués par les entreprises",
            "Article 238 bis du code général des impôts",
            "Cerfa n° 16216",
            "Numéro d'ordre du reçu : 2025-00001",
            "Fonds de dotation Jura Demain",
            "Numéro RNA W391234567",
            "12 rue du Pasquier",
            "Soutenir l'expérimentation",
            "[X] Association d'intérêt général",
            "[ ] Fonds de dotation",
            # The company: name, legal form, SIREN, address.
            "Dénomination Fromagerie du Revermont",
            "Forme juridique SAS",
            "SIREN 823456789",
            "ZA des Toupes",
            "Bâtiment B",
            "39190 Beaufort-Orbagna",
            "1 000,00 €",
            "mille euros",
            "Date du versement 14/03/2025",
            "qu'il reçoit ouvrent droit à la réduction d'impôt prévue à l'article 238 bis du CGI",
            "[ ] 200 du CGI",
            "[X] 238 bis du CGI",
            "[X] Déclaration de don manuel",
            "[X] Numéraire",
            "[X] Virement, prélèvement, carte bancaire",
            "Mode de versement : virement",
            "Date d'émission",
            "Claire Vuillemin, Présidente",
        ],
    )
    assert "article 200 du CGI" not in text


@pytest.mark.django_db
def test_an_issuer_eligible_for_individuals_only_gives_companies_a_certificate():
    issuer = make_issuer(kind=IssuerKind.ASSOCIATION, eligible_companies=False)
    person = receipts.issue_for_donation(donation=make_donation(issuer))
    company = receipts.issue_for_donation(donation=make_donation(issuer, **company_fields()))

    assert person.kind == ReceiptKind.INDIVIDUAL
    assert company.kind == ReceiptKind.CERTIFICATE
    assert_mentions(
        text_of(company.pdf),
        ["n'ouvre pas droit à réduction d'impôt : Fonds de dotation Jura Demain ne peut pas"],
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("channel", "ticked"),
    [(Channel.CHEQUE, "[X] Chèque"), (Channel.CASH, "[X] Remise d'espèces")],
)
def test_offline_gifts_tick_their_payment_box(channel, ticked):
    receipt = receipts.issue_for_donation(donation=make_donation(make_issuer(), channel=channel))
    text = text_of(receipt.pdf)
    assert ticked in text
    assert "[ ] Virement, prélèvement, carte bancaire" in text


@pytest.mark.django_db
def test_characters_the_pdf_fonts_lack_do_not_break_the_receipt():
    donation = make_donation(make_issuer(), first_name="Łucja", last_name="Nowak 王")
    receipt = receipts.issue_for_donation(donation=donation)
    assert receipt.donor_name == "Łucja Nowak 王"  # the record keeps what was typed
    assert "Prénoms Lucja" in text_of(receipt.pdf)


@pytest.mark.django_db
def test_numbers_run_per_issuer_and_year_from_the_paris_date():
    fund, other = make_issuer(), make_issuer(name="Autre fonds")
    a = receipts.issue_for_donation(donation=make_donation(fund))
    b = receipts.issue_for_donation(
        donation=make_donation(fund, received_at=paris(2025, 12, 31, 23, 30))
    )
    # 23:30 UTC on 31 December is already 2026 in France.
    c = receipts.issue_for_donation(
        donation=make_donation(
            fund, received_at=datetime.datetime(2025, 12, 31, 23, 30, tzinfo=datetime.UTC)
        )
    )
    d = receipts.issue_for_donation(donation=make_donation(other))
    e = receipts.issue_for_donation(donation=make_donation(fund))

    assert [(r.year, r.number) for r in (a, b, c, d, e)] == [
        (2025, 1),
        (2025, 2),
        (2026, 1),
        (2025, 1),
        (2025, 3),
    ]
    assert c.gift_date == datetime.date(2026, 1, 1)
    assert ReceiptCounter.objects.get(issuer=fund, year=2025).last_number == 3


@pytest.mark.django_db
def test_issuing_twice_returns_the_same_receipt_and_sends_one_email():
    donation = make_donation(make_issuer())

    first = receipts.issue_for_donation(donation=donation)
    second = receipts.issue_for_donation(donation=donation)
    assert issue_receipt.call(donation.pk) == "issued"

    assert first == second
    assert Receipt.objects.count() == 1
    assert OutboxEmail.objects.about(first).count() == 1
    assert ReceiptCounter.objects.get().last_number == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status",
    [
        DonationStatus.PENDING,
        DonationStatus.PROCESSING,
        DonationStatus.FAILED,
        DonationStatus.REFUNDED,
    ],
)
def test_no_receipt_for_a_gift_not_paid(status):
    donation = make_donation(make_issuer(), status=status)
    assert receipts.issue_for_donation(donation=donation) is None
    assert issue_receipt.call(donation.pk) == "skipped"
    assert not Receipt.objects.exists() and not ReceiptCounter.objects.exists()


@pytest.mark.django_db
def test_no_receipt_per_monthly_payment_nor_for_a_missing_gift():
    renewal = make_renewal(make_subscription(), paris(2025, 2, 5), issuer=make_issuer())
    assert receipts.issue_for_donation(donation=renewal) is None
    assert issue_receipt.call(renewal.pk) == "skipped"
    assert issue_receipt.call(999_999) == "skipped"
    assert not Receipt.objects.exists()


@pytest.mark.django_db
def test_the_email_carries_the_pdf_and_says_what_it_is(django_capture_on_commit_callbacks):
    donation = make_donation(make_issuer())
    with django_capture_on_commit_callbacks(execute=True):
        receipt = receipts.issue_for_donation(donation=donation)

    queued = OutboxEmail.objects.about(receipt).get()
    assert queued.to == "jeanne@example.org"
    assert queued.kind == "donations.receipt"
    [attachment] = queued.attachments
    assert attachment["filename"] == "recu-fiscal-2025-00001.pdf"
    assert base64.b64decode(attachment["content"]) == bytes(receipt.pdf)

    [sent] = mail.outbox  # sent after commit, through the outbox
    assert sent.to == ["jeanne@example.org"]
    assert "reçu fiscal n° 2025-00001" in sent.subject
    assert "Bonjour Jeanne" in sent.body
    assert "votre reçu fiscal n° 2025-00001" in sent.body
    assert "66 %" in sent.body
    [(filename, content, mimetype)] = sent.attachments
    assert (filename, mimetype) == ("recu-fiscal-2025-00001.pdf", "application/pdf")
    assert content.startswith(b"%PDF") and content == bytes(receipt.pdf)
    assert "Numéro d'ordre du reçu : 2025-00001" in text_of(content)
    html = sent.alternatives[0][0]
    assert "2025-00001" in html and 'lang="fr"' in html


@pytest.mark.django_db
def test_a_certificate_email_says_it_gives_no_tax_reduction():
    receipt = receipts.issue_for_donation(donation=make_donation(make_scic(address="Conliège")))
    body = OutboxEmail.objects.about(receipt).get().body_text
    assert "attestation de paiement n° 2025-00001 (PDF), émise par" in body
    assert "n'ouvre pas droit à réduction d'impôt" in body
    assert "SCIC" in body
    assert "66 %" not in body


# --- refunds and disputes ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_partial_refund_cancels_and_replaces_then_a_full_refund_cancels():
    issuer = make_issuer()
    other = receipts.issue_for_donation(donation=make_donation(issuer, email="autre@example.org"))
    donation = make_donation(issuer)
    original = receipts.issue_for_donation(donation=donation)
    assert (other.number, original.number) == (1, 2)

    donation.refunded_cents = 2_000
    donation.save()
    replacement = receipts.on_refund(donation=donation)

    original.refresh_from_db()
    assert original.status == ReceiptStatus.CANCELLED
    assert original.cancel_reason == "remboursement"
    assert original.cancelled_at is not None
    assert replacement.number == 3  # numbers follow, no gap
    assert replacement.replaces == original
    assert replacement.status == ReceiptStatus.ISSUED
    assert replacement.amount_cents == 3_000
    assert replacement.amount_words == "trente euros"
    assert list(replacement.donations.all()) == [donation]
    assert_mentions(
        text_of(replacement.pdf),
        ["Ce document annule et remplace le n° 2025-00002", "motif : remboursement", "30,00 €"],
    )
    email = OutboxEmail.objects.about(replacement).get()
    assert "remplace le n° 2025-00002" in email.subject
    assert "est annulé à la suite du remboursement d'une partie de votre don" in email.body_text
    assert email.attachments[0]["filename"] == "recu-fiscal-2025-00003.pdf"
    # What the donor page could show of the cancelled one: marked as such.
    assert "DOCUMENT ANNULÉ" in text_of(render_receipt_pdf(original))
    assert "remplacé par le n° 2025-00003" in text_of(render_receipt_pdf(original))

    # The rest is refunded: cancelled, not replaced.
    donation.refunded_cents = 5_000
    donation.status = DonationStatus.REFUNDED
    donation.save()
    assert receipts.on_refund(donation=donation) is None

    replacement.refresh_from_db()
    assert replacement.status == ReceiptStatus.CANCELLED
    assert Receipt.objects.filter(status=ReceiptStatus.ISSUED).get() == other
    assert ReceiptCounter.objects.get().last_number == 3
    cancellation = OutboxEmail.objects.about(replacement).get(kind="donations.receipt_cancelled")
    assert cancellation.attachments == []
    assert "Annulation" in cancellation.subject
    assert "Aucun autre document ne le remplace" in cancellation.body_text
    # Issuing again issues nothing for a refunded gift.
    assert receipts.issue_for_donation(donation=donation) is None


@pytest.mark.django_db
def test_a_full_refund_cancels_without_replacement():
    donation = make_donation(make_issuer())
    receipt = receipts.issue_for_donation(donation=donation)
    donation.refunded_cents = donation.amount_cents
    donation.status = DonationStatus.REFUNDED
    donation.save()

    assert receipts.on_refund(donation=donation) is None

    receipt.refresh_from_db()
    assert receipt.status == ReceiptStatus.CANCELLED
    assert Receipt.objects.count() == 1
    assert ReceiptCounter.objects.get().last_number == 1


@pytest.mark.django_db
def test_a_refund_before_the_receipt_is_issued_gives_a_receipt_for_what_is_kept():
    donation = make_donation(make_issuer())
    donation.refunded_cents = 1_000
    donation.save()
    assert receipts.on_refund(donation=donation) is None  # nothing issued yet
    assert receipts.issue_for_donation(donation=donation).amount_cents == 4_000


@pytest.mark.django_db
def test_a_dispute_cancels_without_replacement():
    donation = make_donation(make_issuer())
    receipt = receipts.issue_for_donation(donation=donation)
    donation.status = DonationStatus.DISPUTED
    donation.save()

    assert receipts.on_dispute(donation=donation) is None

    receipt.refresh_from_db()
    assert receipt.status == ReceiptStatus.CANCELLED
    assert receipt.cancel_reason == receipts.DISPUTE_REASON
    email = OutboxEmail.objects.about(receipt).get(kind="donations.receipt_cancelled")
    assert "contestation" in email.body_text


# --- monthly donors: the yearly receipt ------------------------------------------------------


@pytest.mark.django_db
def test_the_yearly_receipt_covers_the_years_renewals_once():
    issuer = make_issuer()
    subscription = make_subscription()
    jan = make_renewal(subscription, paris(2025, 1, 15), issuer=issuer)
    feb = make_renewal(subscription, paris(2025, 2, 15), issuer=issuer, refunded_cents=500)
    mar = make_renewal(subscription, paris(2025, 3, 15), issuer=issuer, address_line1="8 rue Neuve")
    # Not covered: a failed payment, a fully refunded one, last year's and next year's.
    make_renewal(subscription, paris(2025, 4, 15), issuer=issuer, status=DonationStatus.FAILED)
    make_renewal(
        subscription,
        paris(2025, 5, 15),
        issuer=issuer,
        status=DonationStatus.REFUNDED,
        refunded_cents=2_000,
    )
    make_renewal(subscription, paris(2024, 12, 31, 23, 59), issuer=issuer)
    make_renewal(subscription, paris(2026, 1, 1, 0, 1), issuer=issuer)
    # Another donor's one-off gift is no monthly gift.
    make_donation(issuer, email="jeanne@example.org")

    assert receipts.donors_due_yearly(2025) == ["jeanne@example.org"]
    receipt = receipts.issue_yearly(email="Jeanne@Example.org", year=2025)

    assert receipt.is_yearly
    assert receipt.kind == ReceiptKind.INDIVIDUAL
    assert (receipt.year, receipt.number) == (2025, 1)
    assert set(receipt.donations.all()) == {jan, feb, mar}
    assert receipt.amount_cents == 2_000 + 1_500 + 2_000
    assert receipt.amount_words == "cinquante-cinq euros"
    assert (receipt.gift_date, receipt.gift_date_end) == (
        datetime.date(2025, 1, 15),
        datetime.date(2025, 3, 15),
    )
    assert "8 rue Neuve" in receipt.donor_address  # the latest address given
    assert_mentions(
        text_of(receipt.pdf),
        [
            "Période des versements du 15/01/2025 au 15/03/2025",
            "récapitulatif annuel des dons mensuels",
            "55,00 €",
            "Mode de versement : carte bancaire ou prélèvement (en ligne, chaque mois)",
            "prévue à l'article 200 du CGI",
        ],
    )
    email = OutboxEmail.objects.about(receipt).get()
    assert "annuel" in email.subject and "2025" in email.subject
    assert email.attachments[0]["filename"] == "recu-fiscal-2025-00001.pdf"

    # Once only.
    assert receipts.issue_yearly(email="jeanne@example.org", year=2025) is None
    assert receipts.donors_due_yearly(2025) == []
    assert Receipt.objects.count() == 1


@pytest.mark.django_db
def test_a_first_month_not_yet_linked_to_its_subscription_waits_for_the_yearly_receipt():
    issuer = make_issuer()
    first = make_donation(issuer, frequency=Frequency.MONTHLY, received_at=paris(2025, 6, 1))
    assert receipts.issue_for_donation(donation=first) is None
    renewal = make_renewal(make_subscription(), paris(2025, 7, 1), issuer=issuer)

    receipt = receipts.issue_yearly(email="jeanne@example.org", year=2025)

    assert set(receipt.donations.all()) == {first, renewal}
    assert receipt.amount_cents == 5_000 + 2_000


@pytest.mark.django_db
def test_a_disputed_month_replaces_the_yearly_receipt_for_the_other_months():
    issuer = make_issuer()
    subscription = make_subscription()
    renewals = [
        make_renewal(subscription, paris(2025, month, 15), issuer=issuer) for month in (1, 2, 3)
    ]
    yearly = receipts.issue_yearly(email="jeanne@example.org", year=2025)
    disputed = renewals[1]
    disputed.status = DonationStatus.DISPUTED
    disputed.save()

    replacement = receipts.on_dispute(donation=disputed)

    yearly.refresh_from_db()
    assert yearly.status == ReceiptStatus.CANCELLED
    assert replacement.replaces == yearly and replacement.is_yearly
    assert set(replacement.donations.all()) == {renewals[0], renewals[2]}
    assert replacement.amount_cents == 4_000
    assert (replacement.gift_date, replacement.gift_date_end) == (
        datetime.date(2025, 1, 15),
        datetime.date(2025, 3, 15),
    )


@pytest.mark.django_db
def test_one_yearly_receipt_per_issuer_when_the_fund_changed_issuer():
    scic, fund = make_scic(address="Conliège"), make_issuer()
    subscription = make_subscription()
    make_renewal(subscription, paris(2025, 1, 15), issuer=scic)
    make_renewal(subscription, paris(2025, 9, 15), issuer=fund)
    make_renewal(subscription, paris(2025, 10, 15), issuer=fund)

    assert issue_yearly_receipts.call(2025) == 2

    certificate = Receipt.objects.get(issuer=scic)
    tax_receipt = Receipt.objects.get(issuer=fund)
    assert (certificate.kind, certificate.amount_cents) == (ReceiptKind.CERTIFICATE, 2_000)
    assert (tax_receipt.kind, tax_receipt.amount_cents) == (ReceiptKind.INDIVIDUAL, 4_000)
    assert issue_yearly_receipts.call(2025) == 0


# --- the yearly totals ---------------------------------------------------------------------


@pytest.mark.django_db
def test_yearly_totals_count_what_was_issued_and_not_cancelled():
    issuer = make_issuer()
    receipts.issue_for_donation(donation=make_donation(issuer, amount_cents=5_000))
    receipts.issue_for_donation(donation=make_donation(issuer, amount_cents=7_000))
    refunded = make_donation(issuer, amount_cents=10_000)
    receipts.issue_for_donation(donation=refunded)
    refunded.refunded_cents = 4_000
    refunded.save()
    receipts.on_refund(donation=refunded)
    receipts.issue_for_donation(donation=make_donation(issuer, **company_fields()))
    receipts.issue_for_donation(donation=make_donation(issuer, received_at=paris(2026, 2, 1)))

    totals = receipts.yearly_totals(issuer=issuer, year=2025)

    assert totals["kinds"][ReceiptKind.INDIVIDUAL]["count"] == 3
    assert totals["kinds"][ReceiptKind.INDIVIDUAL]["total_cents"] == 5_000 + 7_000 + 6_000
    assert totals["kinds"][ReceiptKind.COMPANY] | {} == {
        "label": "reçu fiscal entreprise (Cerfa 16216)",
        "count": 1,
        "total_cents": 100_000,
    }
    assert totals["kinds"][ReceiptKind.CERTIFICATE]["count"] == 0
    assert totals["tax_receipts"] == {"count": 4, "total_cents": 118_000}
    assert totals["cancelled"] == 1
    assert totals["last_number"] == 5


# --- the commands --------------------------------------------------------------------------


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=out)
    return out.getvalue()


@pytest.mark.django_db
def test_issue_yearly_receipts_command_dry_run_then_for_real():
    issuer = make_issuer()
    subscription = make_subscription()
    for month in (1, 2, 3):
        make_renewal(subscription, paris(2025, month, 5), issuer=issuer)
    company = make_subscription(
        stripe_subscription_id="sub_company", **company_fields(amount_cents=10_000)
    )
    make_renewal(company, paris(2025, 6, 5), issuer=issuer, **company_fields(amount_cents=10_000))

    dry = run("issue_yearly_receipts", "--year", "2025", "--dry-run")
    assert "Reçus annuels des dons mensuels de 2025 (simulation)" in dry
    assert "à émettre : jeanne@example.org — 3 dons, 60,00 € (reçu fiscal" in dry
    assert "à émettre : compta@fromagerie.example — 1 don, 100,00 €" in dry
    assert "Simulation : 2 reçus seraient émis ; rien n'a été enregistré ni envoyé." in dry
    assert not Receipt.objects.exists() and not OutboxEmail.objects.exists()

    out = run("issue_yearly_receipts", "--year", "2025")
    assert "émis : n° 2025-00001 pour compta@fromagerie.example — 1 don, 100,00 €" in out
    assert "émis : n° 2025-00002 pour jeanne@example.org — 3 dons, 60,00 €" in out
    assert "envoyé par courriel" in out
    assert "2 reçus émis et envoyés." in out
    assert OutboxEmail.objects.filter(kind="donations.receipt").count() == 2

    again = run("issue_yearly_receipts", "--year", "2025")
    assert "Aucun don mensuel de 2025 à couvrir : rien à émettre." in again
    assert Receipt.objects.count() == 2


@pytest.mark.django_db
def test_receipt_totals_command_prints_the_totals_per_issuer_and_kind():
    fund = make_issuer()
    scic = make_scic(address="Conliège")
    receipts.issue_for_donation(donation=make_donation(fund, amount_cents=123_450))
    receipts.issue_for_donation(donation=make_donation(fund, amount_cents=5_000))
    receipts.issue_for_donation(donation=make_donation(fund, **company_fields()))
    receipts.issue_for_donation(donation=make_donation(scic))

    out = run("receipt_totals", "--year", "2025")

    assert "Reçus de l'année 2025" in out
    assert "Fonds de dotation Jura Demain (SIREN 912345678)" in out
    assert "reçu fiscal particulier (Cerfa 11580) : 2 reçus, 1 284,50 €" in out
    assert "reçu fiscal entreprise (Cerfa 16216) : 1 reçu, 1 000,00 €" in out
    assert "À déclarer (reçus fiscaux émis, hors annulés) : 3 reçus, 2 284,50 € de dons" in out
    assert "dernier numéro attribué : 2025-00003" in out
    assert "Clus'Ter Jura" in out
    assert "attestation de paiement (sans avantage fiscal) : 1 reçu, 50,00 €" in out
    assert "Aucun reçu fiscal émis : rien à déclarer" in out
    assert "attestation de paiement (sans avantage fiscal) : aucun" in out  # the fund's
    assert "0 reçu" not in out

    assert "Aucun reçu ni attestation émis pour 2024." in run("receipt_totals", "--year", "2024")


# --- numbering under concurrent issuing -----------------------------------------------------


def _in_threads(count: int, work) -> list:
    """Run work(i) in `count` threads released together, one database connection each."""
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def target(i):
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
def test_numbers_have_no_gap_nor_duplicate_under_concurrent_issuing():
    """Eight gifts issued at the same moment (the counter row does not exist yet, so
    they also race to create it), plus two copies issuing one more gift."""
    issuer = make_issuer()
    gifts = [make_donation(issuer, email=f"donateur{i}@example.org") for i in range(8)]
    twice = make_donation(issuer, email="deux-fois@example.org")
    targets = [*gifts, twice, twice]

    issued = _in_threads(
        len(targets), lambda i: receipts.issue_for_donation(donation=targets[i]).pk
    )

    numbers = sorted(
        Receipt.objects.filter(issuer=issuer, year=2025).values_list("number", flat=True)
    )
    assert numbers == list(range(1, 10))
    assert ReceiptCounter.objects.get(issuer=issuer, year=2025).last_number == 9
    assert issued[-1] == issued[-2]  # the same gift got the same receipt
    assert Receipt.objects.filter(donations=twice).count() == 1
    assert OutboxEmail.objects.filter(kind="donations.receipt").count() == 9
    for receipt in Receipt.objects.all():
        assert f"Numéro d'ordre du reçu : {receipt.reference}" in text_of(receipt.pdf)


@pytest.mark.django_db(transaction=True)
def test_refunds_and_new_gifts_at_once_keep_the_numbers_gap_free():
    issuer = make_issuer()
    refunded = [make_donation(issuer, email=f"r{i}@example.org") for i in range(3)]
    for donation in refunded:
        receipts.issue_for_donation(donation=donation)
    new = [make_donation(issuer, email=f"n{i}@example.org") for i in range(3)]
    for donation in refunded:
        Donation.objects.filter(pk=donation.pk).update(refunded_cents=1_000)

    def work(i):
        if i < 3:
            return receipts.on_refund(donation=refunded[i])
        return receipts.issue_for_donation(donation=new[i - 3])

    _in_threads(6, work)

    numbers = sorted(Receipt.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 10))
    assert Receipt.objects.filter(status=ReceiptStatus.CANCELLED).count() == 3
    assert Receipt.objects.filter(replaces__isnull=False).count() == 3
