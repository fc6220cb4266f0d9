"""The impulsion fund in Wagtail's admin: gifts (filters, search, safe export in
euros), offline gifts that count at once, refunds through the local Stripe double,
monthly gifts, receipts (PDF, yearly receipts, totals), the fund's commitments,
receipt issuers, Stripe events, the dashboard panel and who may see any of it."""

import datetime
import html
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import ModelLogEntry

from donations.constants import (
    Channel,
    DonationStatus,
    Frequency,
    ReceiptStatus,
    SubscriptionStatus,
)
from donations.models import (
    Allocation,
    Donation,
    DonationPage,
    Receipt,
    ReceiptIssuer,
    StripeEvent,
    Subscription,
)
from donations.services import offline, receipts, refunds
from donations.viewsets import dashboard
from projects.models import ProjectPage
from tests.exports import csv_rows, xlsx_table

pytestmark = pytest.mark.django_db

DONATIONS = "/admin/fund-donations/"
RECEIPTS = "/admin/fund-receipts/"
DEFERRED_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("tresorier", "tresor@example.org", "pw")
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def campaign(demo_site) -> DonationPage:
    """The demo site's campaign page, /fonds-impulsion/."""
    return DonationPage.objects.get(slug="fonds-impulsion")


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def make_gift(page=None, **overrides) -> Donation:
    """A gift as the webhooks leave it (paid online by default)."""
    fields = {
        "page": page,
        "amount_cents": 5000,
        "status": DonationStatus.PAID,
        "channel": Channel.ONLINE,
        "frequency": Frequency.ONCE,
        "first_name": "Camille",
        "last_name": "Martin",
        "email": "camille@example.org",
        "address_line1": "12 rue des Lilas",
        "postal_code": "39000",
        "city": "Lons-le-Saunier",
        "consent_processing": True,
        "received_at": days_ago(3),
        "stripe_payment_intent_id": "",
    }
    fields.update(overrides)
    if fields["status"] not in (DonationStatus.PAID, DonationStatus.REFUNDED):
        fields.setdefault("received_at", None)
    return Donation.objects.create(**fields)


def offline_form(page, **overrides) -> dict:
    data = {
        "page": page.pk,
        "amount": "1 200,50",
        "channel": Channel.CHEQUE,
        "received_on": timezone.localdate().isoformat(),
        "donor_type": "individual",
        "first_name": "Dominique",
        "last_name": "Roux",
        "email": "dominique@example.org",
        "address_line1": "3 place de la Liberté",
        "postal_code": "39000",
        "city": "Lons-le-Saunier",
        "country": "FR",
        "recognition": "anonymous",
        "consent_processing": "on",
        "staff_note": "Chèque n° 1234567 remis à l'assemblée générale.",
    }
    data.update(overrides)
    return data


def messages_of(response) -> list[str]:
    """The admin's messages, as plain text (Wagtail renders them escaped)."""
    if not response.context:
        return []
    return [html.unescape(str(message)) for message in response.context["messages"]]


def text_of(response) -> str:
    return html.unescape(response.content.decode())


# --- Gifts: listing, filters, search, export ----------------------------------------------------


def test_gifts_are_listed_filtered_and_searched(staff_client, campaign):
    make_gift(campaign, first_name="Alix", last_name="Dupont", email="alix@example.org")
    make_gift(
        campaign,
        donor_type="company",
        company_name="Fromagerie Zéphyr SAS",
        siren="732829320",
        first_name="Bruno",
        last_name="Petit",
        email="compta@zephyr.example",
        frequency=Frequency.MONTHLY,
    )
    make_gift(
        campaign,
        first_name="Chloé",
        last_name="Bernard",
        email="chloe@example.org",
        status=DonationStatus.PENDING,
        received_at=None,
    )
    make_gift(
        None,
        first_name="Denis",
        last_name="Morel",
        email="denis@example.org",
        channel=Channel.TRANSFER,
        received_at=days_ago(90),
    )

    listing = staff_client.get(DONATIONS)
    paid = staff_client.get(DONATIONS, {"status": "paid"})
    companies = staff_client.get(DONATIONS, {"donor_type": "company"})
    monthly = staff_client.get(DONATIONS, {"frequency": "monthly"})
    transfers = staff_client.get(DONATIONS, {"channel": "transfer"})
    by_campaign = staff_client.get(DONATIONS, {"page": campaign.pk})
    since = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    recent = staff_client.get(DONATIONS, {"received_at_from": since})
    by_full_name = staff_client.get(DONATIONS, {"q": "alix dupont"})
    by_company = staff_client.get(DONATIONS, {"q": "zéphyr"})
    by_email = staff_client.get(DONATIONS, {"q": "denis@example"})
    stray_quote = staff_client.get(DONATIONS, {"q": "O'Brien \"%_"})

    assert listing.status_code == 200
    assert all(name in listing.text for name in ("Alix Dupont", "Zéphyr", "Chloé", "Denis"))
    assert "50 €" in listing.text
    assert "Chloé" not in paid.text and "Alix Dupont" in paid.text
    assert "Zéphyr" in companies.text and "Alix Dupont" not in companies.text
    assert "Zéphyr" in monthly.text and "Denis" not in monthly.text
    assert "Denis" in transfers.text and "Alix Dupont" not in transfers.text
    assert "Alix Dupont" in by_campaign.text and "Denis" not in by_campaign.text
    assert "Alix Dupont" in recent.text and "Denis" not in recent.text
    assert "Alix Dupont" in by_full_name.text and "Zéphyr" not in by_full_name.text
    assert "Zéphyr" in by_company.text and "Alix Dupont" not in by_company.text
    assert "Denis" in by_email.text and "Alix Dupont" not in by_email.text
    assert stray_quote.status_code == 200 and "Alix Dupont" not in stray_quote.text


def test_gifts_stay_out_of_the_search_index_and_the_public_search(client, campaign):
    make_gift(campaign, first_name="Zoé", last_name="Introuvable")

    assert "Zoé Introuvable" not in client.get("/recherche/?q=Introuvable").text
    assert not hasattr(Donation, "search_fields")


def test_export_gives_euros_and_neutralises_formulas(staff_client, campaign):
    make_gift(
        campaign,
        first_name='=HYPERLINK("http://x")',
        last_name="+33 3 84 00 00 00",
        amount_cents=123456,
        refunded_cents=23456,
    )

    csv_response = staff_client.get(DONATIONS, {"export": "csv"})
    xlsx_response = staff_client.get(DONATIONS, {"export": "xlsx"})

    assert 'filename="dons.csv"' in csv_response["Content-Disposition"]
    rows = csv_rows(csv_response)
    assert len(rows) == 1
    row = rows[0]
    assert row["Prénom"] == '\'=HYPERLINK("http://x")'
    assert row["Nom"] == "+33 3 84 00 00 00", "a phone number is not a formula"
    assert (row["Montant (€)"], row["Remboursé (€)"], row["Conservé par le fonds (€)"]) == (
        "1234,56",
        "234,56",
        "1000,00",
    ), "decimal comma, as a French spreadsheet reads numbers"
    assert row["État"] == "payé" and row["Moyen"] == "en ligne (Stripe)"
    assert row["Lettre d'information"] == "non"
    assert row["Campagne"] == campaign.title and row["Projet soutenu"] == ""
    header, (values,) = xlsx_table(xlsx_response)
    assert header == list(row), "the same columns in both formats"
    cells = dict(zip(header, values, strict=True))
    assert cells["Prénom"] == '\'=HYPERLINK("http://x")'
    assert cells["Montant (€)"] == pytest.approx(1234.56), "a number, in euros"
    assert not any(isinstance(value, str) and value.startswith("=") for value in values)


def test_the_gifts_listing_and_export_run_the_same_queries_for_more_gifts(staff_client, campaign):
    def queries(params=None) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = staff_client.get(DONATIONS, params or {})
            if params:
                b"".join(response.streaming_content)
        return len(captured)

    project = ProjectPage.objects.live().first()
    make_gift(campaign, earmark=project)
    queries()  # caches filled
    few = (queries(), queries({"export": "csv"}))
    for number in range(12):
        make_gift(
            campaign if number % 2 else None,
            earmark=project,
            email=f"donor{number}@example.org",
            channel=Channel.CHEQUE if number % 3 else Channel.ONLINE,
        )

    assert (queries(), queries({"export": "csv"})) == few


# --- Offline gifts ------------------------------------------------------------------------------


@override_settings(TASKS=DEFERRED_TASKS)
def test_an_offline_gift_counts_at_once_and_queues_its_receipt(
    staff_client, campaign, django_capture_on_commit_callbacks
):
    from django.tasks import default_task_backend

    from donations.tasks import issue_receipt

    before = campaign.progress()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"{DONATIONS}new/", offline_form(campaign))

    donation = Donation.objects.get(email="dominique@example.org")
    assert response.status_code == 302
    assert response["Location"] == f"{DONATIONS}inspect/{donation.pk}/"
    assert (donation.status, donation.channel, donation.amount_cents) == ("paid", "cheque", 120050)
    assert timezone.localtime(donation.received_at).date() == timezone.localdate()
    assert donation.issuer is not None and donation.staff_note.startswith("Chèque n°")
    after = campaign.progress()
    assert after["total_cents"] == before["total_cents"] + 120050
    assert after["donors"] == before["donors"] + 1
    queued = [result for result in default_task_backend.results if result.task == issue_receipt]
    assert [result.args for result in queued] == [[donation.pk]]
    entry = ModelLogEntry.objects.get(object_id=str(donation.pk))
    assert (entry.action, entry.user) == ("donations.offline_recorded", staff_client.user)
    page_html = staff_client.get(response["Location"]).text
    assert "Dominique Roux" in page_html and "1\u202f200,50 €" in page_html


def test_an_offline_gift_gets_its_receipt_from_the_background_task(
    staff_client, campaign, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(f"{DONATIONS}new/", offline_form(campaign, amount="80"))

    donation = Donation.objects.get(email="dominique@example.org")
    receipt = Receipt.objects.get(donations=donation)
    assert receipt.amount_cents == 8000 and receipt.status == ReceiptStatus.ISSUED
    assert receipt.payment_method  # "chèque", as the PDF says
    inspect = staff_client.get(f"{DONATIONS}inspect/{donation.pk}/").text
    assert receipt.reference in inspect and f"{RECEIPTS}download/{receipt.pk}/" in inspect


def test_a_wrong_offline_gift_is_refused_with_what_was_typed(staff_client, campaign):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    future = staff_client.post(f"{DONATIONS}new/", offline_form(campaign, received_on=tomorrow))
    company = staff_client.post(
        f"{DONATIONS}new/", offline_form(campaign, donor_type="company", siren="123456789")
    )
    online = staff_client.post(f"{DONATIONS}new/", offline_form(campaign, channel="online"))
    amount = staff_client.post(f"{DONATIONS}new/", offline_form(campaign, amount="douze"))

    assert future.status_code == company.status_code == online.status_code == 200
    assert "ne peut pas être dans le futur" in future.text
    assert "raison sociale" in text_of(company) and "SIREN n'est pas valide" in text_of(company)
    assert "Dominique" in company.text, "what was typed stays"
    assert "Indiquez un montant en euros" in amount.text
    assert not Donation.objects.filter(email="dominique@example.org").exists()


def test_the_service_refuses_an_online_channel_or_a_future_date(campaign):
    with pytest.raises(offline.ValidationError) as error:
        offline.record_offline_gift(
            page=campaign,
            amount_cents=1000,
            channel=Channel.ONLINE,
            received_on=timezone.localdate() + datetime.timedelta(days=2),
            by_user=None,
            first_name="A",
            last_name="B",
            email="a@example.org",
            address_line1="1 rue",
            postal_code="39000",
            city="Dole",
        )

    assert set(error.value.message_dict) == {"channel", "received_on"}
    assert not Donation.objects.exists()


# --- Editing: only what is safe -------------------------------------------------------------------


def test_editing_a_gift_changes_the_safe_fields_only(staff_client, campaign):
    donation = make_gift(campaign, stripe_payment_intent_id="pi_edit")
    project = ProjectPage.objects.live().first()
    # A webhook refunds the gift while the edit form is open.
    Donation.objects.filter(pk=donation.pk).update(
        status=DonationStatus.REFUNDED, refunded_cents=5000
    )

    response = staff_client.post(
        f"{DONATIONS}edit/{donation.pk}/",
        {
            "recognition": "name",
            "earmark": project.pk if project else "",
            "staff_note": "Remerciée par téléphone.",
            "amount_cents": "1",
            "status": "paid",
            "email": "pirate@example.org",
        },
    )

    assert response.status_code == 302
    donation.refresh_from_db()
    assert (donation.recognition, donation.staff_note) == ("name", "Remerciée par téléphone.")
    assert donation.earmark_id == (project.pk if project else None)
    assert (donation.amount_cents, donation.email) == (5000, "camille@example.org")
    assert (donation.status, donation.refunded_cents) == ("refunded", 5000), (
        "the edit wrote its own columns only, not the status read when the form opened"
    )


def test_nobody_deletes_a_gift(staff_client, campaign):
    donation = make_gift(campaign)

    staff_client.post(f"{DONATIONS}delete/{donation.pk}/")

    assert Donation.objects.filter(pk=donation.pk).exists()


# --- Refunds --------------------------------------------------------------------------------------


def test_refunding_an_online_gift_asks_stripe_and_waits_for_its_webhook(
    staff_client, campaign, stripe_settings
):
    donation = make_gift(campaign, stripe_payment_intent_id="pi_3Refund")

    inspect = staff_client.get(f"{DONATIONS}inspect/{donation.pk}/")
    form = staff_client.get(f"{DONATIONS}refund/{donation.pk}/")
    response = staff_client.post(f"{DONATIONS}refund/{donation.pk}/", {"amount": ""}, follow=True)

    assert f"{DONATIONS}refund/{donation.pk}/" in inspect.text and "Rembourser" in inspect.text
    assert form.status_code == 200 and "Reste remboursable" in form.text
    calls = [r for r in stripe_settings.requests if r.path == "/v1/refunds"]
    assert len(calls) == 1
    assert calls[0].params["payment_intent"] == "pi_3Refund"
    assert "amount" not in calls[0].params, "all that remains, as Stripe counts it"
    assert calls[0].idempotency_key == f"refund-{donation.public_id}-0-rest"
    donation.refresh_from_db()
    assert (donation.status, donation.refunded_cents) == ("paid", 0), "the webhook will say"
    assert any("quand Stripe confirmera" in text for text in messages_of(response))
    entry = ModelLogEntry.objects.get(
        object_id=str(donation.pk), action="donations.refund_requested"
    )
    assert entry.user == staff_client.user and entry.data == {"amount_cents": 5000}
    history = staff_client.get(f"{DONATIONS}history/{donation.pk}/")
    assert "Remboursement demandé à Stripe" in text_of(history)


def test_a_partial_refund_sends_the_amount_and_a_double_click_refunds_once(
    staff_client, campaign, stripe_settings
):
    donation = make_gift(campaign, stripe_payment_intent_id="pi_3Partial", amount_cents=10000)
    url = f"{DONATIONS}refund/{donation.pk}/"

    staff_client.post(url, {"amount": "20,50"})
    staff_client.post(url, {"amount": "20,50"})
    too_much = staff_client.post(url, {"amount": "150"})

    calls = [r for r in stripe_settings.requests if r.path == "/v1/refunds"]
    assert [call.params["amount"] for call in calls] == ["2050", "2050"]
    assert calls[0].idempotency_key == calls[1].idempotency_key
    assert [call.replayed for call in calls] == [False, True]
    assert len(stripe_settings.refunds) == 1, "Stripe refunded once"
    assert too_much.status_code == 200 and "pas davantage" in too_much.text


def test_when_stripe_fails_nothing_changes_and_staff_are_told(
    staff_client, campaign, stripe_settings
):
    donation = make_gift(campaign, stripe_payment_intent_id="pi_3Down")
    url = f"{DONATIONS}refund/{donation.pk}/"

    stripe_settings.fail_next(status=400, error_type="invalid_request_error", times=1)
    refused = staff_client.post(url, {"amount": ""})
    stripe_settings.down()
    unreachable = staff_client.post(url, {"amount": ""})

    for response in (refused, unreachable):
        assert response.status_code == 200
        assert "rien n'a été remboursé ni modifié" in " ".join(messages_of(response))
    donation.refresh_from_db()
    assert (donation.status, donation.refunded_cents) == ("paid", 0)
    assert not ModelLogEntry.objects.filter(action="donations.refund_requested").exists()


def test_without_stripe_keys_no_refund_is_asked(staff_client, campaign, settings):
    settings.STRIPE_SECRET_KEY = ""
    donation = make_gift(campaign, stripe_payment_intent_id="pi_3NoKeys")

    response = staff_client.post(f"{DONATIONS}refund/{donation.pk}/", {"amount": ""})

    assert response.status_code == 200
    assert "n'est pas configuré" in " ".join(messages_of(response))
    donation.refresh_from_db()
    assert (donation.status, donation.refunded_cents) == ("paid", 0)


def test_an_online_gift_without_a_payment_reference_is_refunded_from_stripe(
    staff_client, campaign, stripe_settings
):
    donation = make_gift(campaign, frequency=Frequency.MONTHLY)

    response = staff_client.post(f"{DONATIONS}refund/{donation.pk}/", {"amount": ""})

    assert response.status_code == 200 and "tableau de bord de Stripe" in response.text
    assert not [r for r in stripe_settings.requests if r.path == "/v1/refunds"]


def test_refunding_an_offline_gift_records_it_and_replaces_its_receipt(
    staff_client, campaign, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        donation = offline.record_offline_gift(
            page=campaign,
            amount_cents=30000,
            channel=Channel.TRANSFER,
            received_on=timezone.localdate(),
            by_user=staff_client.user,
            first_name="Eva",
            last_name="Girard",
            email="eva@example.org",
            address_line1="5 rue du Lac",
            postal_code="39130",
            city="Clairvaux-les-Lacs",
        )
    first = Receipt.objects.get(donations=donation)
    before = campaign.progress()["total_cents"]
    url = f"{DONATIONS}refund/{donation.pk}/"

    with django_capture_on_commit_callbacks(execute=True):
        partly = staff_client.post(url, {"amount": "100"}, follow=True)
    donation.refresh_from_db()
    assert any("Remboursement de 100 € enregistré" in text for text in messages_of(partly))
    assert (donation.status, donation.refunded_cents) == ("paid", 10000)
    first.refresh_from_db()
    replacement = Receipt.objects.get(replaces=first)
    assert first.status == ReceiptStatus.CANCELLED and replacement.amount_cents == 20000
    assert campaign.progress()["total_cents"] == before - 10000

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url, {"amount": ""})
    donation.refresh_from_db()
    assert (donation.status, donation.refunded_cents) == ("refunded", 30000)
    assert not Receipt.objects.filter(donations=donation, status=ReceiptStatus.ISSUED).exists()
    assert campaign.progress()["total_cents"] == before - 30000
    assert staff_client.get(url).status_code == 302, "nothing left to refund"


def test_a_refund_never_moves_a_status_back(campaign):
    donation = make_gift(campaign, status=DonationStatus.DISPUTED, channel=Channel.CHEQUE)

    with pytest.raises(refunds.RefundRefused):
        refunds.request_refund(donation=donation, by_user=None)
    assert refunds.record_refund(donation=donation, refunded_cents=5000) == "refunded"
    donation.refresh_from_db()
    assert (donation.status, donation.refunded_cents) == ("disputed", 5000)
    assert refunds.record_refund(donation=donation, refunded_cents=2000) == (
        "refund already recorded"
    )


# --- Monthly gifts, Stripe events -----------------------------------------------------------------


def test_monthly_gifts_are_listed_read_only_with_a_status_filter(staff_client, campaign):
    active = Subscription.objects.create(
        stripe_subscription_id="sub_active",
        page=campaign,
        amount_cents=2000,
        first_name="Fanny",
        last_name="Active",
        email="fanny@example.org",
        address_line1="1 rue",
        postal_code="39000",
        city="Dole",
    )
    Subscription.objects.create(
        stripe_subscription_id="sub_stopped",
        amount_cents=1000,
        status=SubscriptionStatus.CANCELLED,
        first_name="Gaston",
        last_name="Arrete",
        email="gaston@example.org",
        address_line1="1 rue",
        postal_code="39000",
        city="Dole",
    )
    make_gift(campaign, subscription=active, frequency=Frequency.MONTHLY, amount_cents=2000)
    url = "/admin/fund-subscriptions/"

    listing = staff_client.get(url)
    cancelled = staff_client.get(url, {"status": "cancelled"})
    inspect = staff_client.get(f"{url}inspect/{active.pk}/")

    assert "Fanny Active" in listing.text and "Gaston Arrete" in listing.text
    assert "Gaston Arrete" in cancelled.text and "Fanny Active" not in cancelled.text
    assert "1 (20 €)" in inspect.text
    assert staff_client.get(f"{url}edit/{active.pk}/").status_code in (302, 403)
    staff_client.post(f"{url}delete/{active.pk}/")
    assert Subscription.objects.filter(pk=active.pk).exists()


def test_stripe_events_are_listed_for_support(staff_client):
    StripeEvent.objects.create(
        event_id="evt_refund_1", type="charge.refunded", outcome="refunded", payload={"a": 1}
    )
    StripeEvent.objects.create(
        event_id="evt_paid_2", type="checkout.session.completed", outcome="paid", payload={}
    )
    url = "/admin/fund-stripe-events/"

    refunds_only = staff_client.get(url, {"type": "charge.refunded"})
    by_id = staff_client.get(url, {"q": "evt_paid"})

    assert "evt_refund_1" in refunds_only.text and "evt_paid_2" not in refunds_only.text
    assert "evt_paid_2" in by_id.text and "evt_refund_1" not in by_id.text
    event = StripeEvent.objects.get(event_id="evt_refund_1")
    assert '"a": 1' in text_of(staff_client.get(f"{url}inspect/{event.pk}/"))


# --- Receipts -------------------------------------------------------------------------------------


def issued_receipt(page, **gift) -> Receipt:
    donation = make_gift(page, **gift)
    return receipts.issue_for_donation(donation=donation)


def test_receipts_are_filtered_and_downloaded_as_issued(staff_client, campaign):
    first = issued_receipt(campaign, first_name="Hugo", last_name="Premier")
    second = issued_receipt(
        campaign, first_name="Inès", last_name="Seconde", email="ines@example.org"
    )
    Receipt.objects.filter(pk=second.pk).update(status=ReceiptStatus.CANCELLED)

    issued = staff_client.get(RECEIPTS, {"status": "issued"})
    this_year = staff_client.get(RECEIPTS, {"year": first.year, "kind": first.kind})
    by_issuer = staff_client.get(RECEIPTS, {"issuer": first.issuer_id})
    download = staff_client.get(f"{RECEIPTS}download/{first.pk}/")
    export = staff_client.get(RECEIPTS, {"export": "csv"})

    assert "Hugo Premier" in issued.text and "Inès Seconde" not in issued.text
    assert "Hugo Premier" in this_year.text and "Hugo Premier" in by_issuer.text
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == f'attachment; filename="{first.filename}"'
    assert download.content.startswith(b"%PDF") and download.content == bytes(first.pdf)
    assert "no-store" in download["Cache-Control"]
    assert {row["Montant (€)"] for row in csv_rows(export)} == {"50,00"}


def test_yearly_receipts_are_issued_from_the_admin_with_the_totals(staff_client, campaign):
    year = timezone.localdate().year
    subscription = Subscription.objects.create(
        stripe_subscription_id="sub_yearly",
        page=campaign,
        amount_cents=2000,
        first_name="Jules",
        last_name="Mensuel",
        email="jules@example.org",
        address_line1="1 rue",
        postal_code="39000",
        city="Dole",
    )
    for day in (1, 2, 3):
        make_gift(
            campaign,
            subscription=subscription,
            frequency=Frequency.MONTHLY,
            amount_cents=2000,
            email="jules@example.org",
            received_at=timezone.make_aware(datetime.datetime(year, 1, day, 12)),
        )
    url = f"{RECEIPTS}yearly/"

    before = staff_client.get(url, {"year": year})
    issued = staff_client.post(url, {"year": year}, follow=True)
    again = staff_client.post(url, {"year": year}, follow=True)

    assert "jules@example.org" in before.text
    assert any("1 reçu(s) annuel(s)" in text for text in messages_of(issued))
    receipt = Receipt.objects.get(is_yearly=True)
    assert receipt.amount_cents == 6000 and receipt.donations.count() == 3
    assert receipts.donors_due_yearly(year) == []
    assert any("0 reçu(s) annuel(s)" in text for text in messages_of(again)), "never twice"
    assert receipt.issuer.name in text_of(issued) and "60 €" in text_of(issued)
    assert "Aucun reçu annuel à émettre" in issued.text


def test_receipts_are_never_edited_nor_deleted(staff_client, campaign):
    receipt = issued_receipt(campaign)

    assert staff_client.get(f"{RECEIPTS}edit/{receipt.pk}/").status_code in (302, 403)
    assert staff_client.get(f"{RECEIPTS}new/").status_code in (302, 403)
    staff_client.post(f"{RECEIPTS}delete/{receipt.pk}/")
    assert Receipt.objects.filter(pk=receipt.pk, status=ReceiptStatus.ISSUED).exists()


# --- The fund's commitments and the receipt issuers ------------------------------------------------


def test_commitments_are_typed_in_euros(staff_client, demo_site):
    project = ProjectPage.objects.live().first()
    url = "/admin/fund-allocations/"
    data = {
        "project": project.pk,
        "title": "Prototype de consigne",
        "description": "",
        "decided_on": "2026-02-01",
        "committed": "8 000",
        "paid": "2 500,50",
        "last_paid_on": "",
        "is_public": "on",
    }

    created = staff_client.post(f"{url}new/", data)
    allocation = Allocation.objects.get(title="Prototype de consigne")
    too_much = staff_client.post(f"{url}edit/{allocation.pk}/", {**data, "paid": "9 000"})
    edit_form = staff_client.get(f"{url}edit/{allocation.pk}/")
    export = staff_client.get(url, {"export": "csv", "q": "consigne"})

    assert created.status_code == 302
    assert (allocation.committed_cents, allocation.paid_cents) == (800000, 250050)
    assert too_much.status_code == 200 and "ne peut pas dépasser" in too_much.text
    allocation.refresh_from_db()
    assert allocation.paid_cents == 250050
    assert 'value="8000,00"' in edit_form.text and 'value="2500,50"' in edit_form.text
    rows = csv_rows(export)
    assert [(row["Engagé (€)"], row["Versé (€)"]) for row in rows] == [("8000,00", "2500,50")]
    staff_client.post(f"{url}delete/{allocation.pk}/")
    assert not Allocation.objects.filter(pk=allocation.pk).exists()


def test_issuers_are_managed_and_one_in_use_stays(staff_client, campaign):
    url = "/admin/fund-issuers/"
    created = staff_client.post(
        f"{url}new/",
        {
            "name": "Fonds de dotation du Jura",
            "kind": "endowment_fund",
            "address": "1 rue de la Préfecture\n39000 Lons-le-Saunier",
            "siren": "",
            "rna": "W391234567",
            "purpose": "Soutenir l'expérimentation de projets.",
            "eligible_individuals": "on",
            "eligible_companies": "on",
            "signatory_name": "Marie Curie",
            "signatory_title": "Présidente",
        },
    )
    scic_refused = staff_client.post(
        f"{url}new/",
        {
            "name": "SCIC",
            "kind": "scic",
            "address": "Lons",
            "purpose": "x",
            "eligible_individuals": "on",
            "signatory_name": "A",
            "signatory_title": "B",
        },
    )
    in_use = issued_receipt(campaign).issuer
    staff_client.post(f"{url}delete/{in_use.pk}/")

    assert created.status_code == 302
    assert ReceiptIssuer.objects.get(name="Fonds de dotation du Jura").eligible_individuals
    assert scic_refused.status_code == 200 and "Une SCIC ne peut pas" in scic_refused.text
    assert ReceiptIssuer.objects.filter(pk=in_use.pk).exists()


# --- Dashboard ----------------------------------------------------------------------------------


def test_the_dashboard_panel_shows_months_donors_and_campaigns(staff_client, campaign):
    today = timezone.localdate()
    two_months_back = dashboard.month_starts(today=today)[-3]
    now = timezone.now()
    make_gift(campaign, amount_cents=5000, email="a@example.org", received_at=now)
    make_gift(
        campaign, amount_cents=7000, refunded_cents=2000, email="b@example.org", received_at=now
    )
    make_gift(campaign, amount_cents=9900, status=DonationStatus.PENDING, received_at=None)
    make_gift(
        None,
        amount_cents=20000,
        channel=Channel.CHEQUE,
        email="c@example.org",
        received_at=offline.received_at_for(two_months_back),
    )
    make_gift(campaign, amount_cents=10000, email="d@example.org", received_at=days_ago(400))

    summary = dashboard.fund_summary(today=today)
    dashboard_html = text_of(staff_client.get("/admin/"))

    months = summary["months"]
    assert len(months) == 12
    assert (months[-1]["total_cents"], months[-1]["gifts"], months[-1]["offline"]) == (10000, 2, 0)
    assert (months[-3]["total_cents"], months[-3]["gifts"], months[-3]["offline"]) == (20000, 1, 1)
    assert sum(month["total_cents"] for month in months) == 30000, "refunds deducted, 12 months"
    assert (summary["total"], summary["donors"]) == ("400 €", 4)
    assert (summary["recent_total"], summary["recent_donors"]) == ("300 €", 3)
    shown = next(c for c in summary["campaigns"] if c["page"].pk == campaign.pk)
    assert (shown["raised"], shown["donors"]) == ("200 €", 3)
    assert shown["percent"] == campaign.progress()["percent"]
    assert "Fonds d'impulsion" in dashboard_html and "Progression des campagnes" in dashboard_html
    assert "300 €" in dashboard_html and "400 €" in dashboard_html
    assert "/admin/fund-donations/new/" in dashboard_html, "offline gifts, for those who may"


def test_the_dashboard_panel_runs_three_queries_whatever_the_gifts(
    staff_client, campaign, django_assert_num_queries
):
    def admin_home_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get("/admin/").status_code == 200
        return len(queries)

    make_gift(campaign)
    with django_assert_num_queries(3):
        dashboard.FundPanel().render_html({})
    admin_home_queries()  # the first request fills caches (site, settings, permissions)
    few = admin_home_queries()

    for month in range(1, 30):
        make_gift(
            campaign if month % 2 else None,
            email=f"donor{month}@example.org",
            channel=Channel.ONLINE if month % 3 else Channel.TRANSFER,
            received_at=days_ago(month * 11),
        )
    with django_assert_num_queries(3):
        dashboard.FundPanel().render_html({})
    assert admin_home_queries() == few


# --- Who may see the fund ------------------------------------------------------------------------


@pytest.fixture
def admin_only_client(client, django_user_model):
    """Staff who may open Wagtail's admin, and nothing of the fund."""
    user = django_user_model.objects.create_user("editeur", "editeur@example.org", "pw")
    group = Group.objects.create(name="Éditeurs (test)")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user.groups.add(group)
    client.force_login(user)
    client.user, client.group = user, group
    return client


def test_staff_without_permission_see_nothing_of_the_fund(admin_only_client, campaign):
    donation = make_gift(campaign, first_name="Secret", last_name="Donateur")
    receipt = receipts.issue_for_donation(donation=donation)

    home = admin_only_client.get("/admin/")
    pages = [
        DONATIONS,
        f"{DONATIONS}?export=csv",
        f"{DONATIONS}inspect/{donation.pk}/",
        f"{DONATIONS}new/",
        f"{DONATIONS}refund/{donation.pk}/",
        RECEIPTS,
        f"{RECEIPTS}download/{receipt.pk}/",
        f"{RECEIPTS}yearly/",
        "/admin/fund-subscriptions/",
        "/admin/fund-stripe-events/",
    ]

    assert home.status_code == 200
    assert "/admin/fund-" not in home.text and "Secret" not in home.text, "no menu, no panel"
    for url in pages:
        response = admin_only_client.get(url)
        assert response.status_code in (302, 403), url
        assert b"Secret" not in response.content and b"%PDF" not in response.content, url
    admin_only_client.post(f"{DONATIONS}new/", offline_form(campaign))
    assert not Donation.objects.filter(email="dominique@example.org").exists()


def test_staff_who_may_view_gifts_can_neither_record_nor_refund(admin_only_client, campaign):
    admin_only_client.group.permissions.add(
        Permission.objects.get(codename="view_donation"),
        Permission.objects.get(codename="view_receipt"),
    )
    donation = make_gift(campaign, first_name="Visible", stripe_payment_intent_id="pi_view")
    receipt = receipts.issue_for_donation(donation=donation)

    listing = admin_only_client.get(DONATIONS)
    inspect = admin_only_client.get(f"{DONATIONS}inspect/{donation.pk}/")
    download = admin_only_client.get(f"{RECEIPTS}download/{receipt.pk}/")
    yearly = admin_only_client.post(f"{RECEIPTS}yearly/", {"year": 2025})

    assert listing.status_code == 200 and "Visible" in listing.text
    assert "Enregistrer un don hors ligne" not in listing.text
    assert inspect.status_code == 200 and f"refund/{donation.pk}/" not in inspect.text
    assert admin_only_client.get(f"{DONATIONS}refund/{donation.pk}/").status_code in (302, 403)
    assert admin_only_client.get(f"{DONATIONS}new/").status_code in (302, 403)
    assert download.status_code == 200
    assert yearly.status_code == 302
    home = admin_only_client.get("/admin/").text
    assert "/admin/fund-donations/" in home and "/admin/fund-donations/new/" not in home


def test_amounts_helpers_are_exact():
    from donations.viewsets.base import cents_to_euros

    assert cents_to_euros(1) == Decimal("0.01") and cents_to_euros(123456) == Decimal("1234.56")
