"""Emails about payments that did not go through (through the site's outbox)."""

from django.utils.translation import gettext as _

from donations.models import Donation, Subscription
from donations.models.donations import format_eur
from donations.services.donor_space import link_for
from home.links import absolute_url
from home.outbox import queue_email


def payment_failed(donation: Donation) -> None:
    """A bank debit (SEPA) that failed: say so, and how to give again."""
    page_url = absolute_url(donation.page.get_url() if donation.page else "/")
    queue_email(
        kind="donations.payment_failed",
        about=donation,
        to=donation.email,
        subject=_("Votre don n'a pas pu être prélevé"),
        template="donations/emails/payment_failed",
        context={"donation": donation, "page_url": page_url},
    )


def monthly_payment_failed(subscription: Subscription) -> None:
    """A monthly gift whose payment failed: the donor can update their card."""
    queue_email(
        kind="donations.monthly_payment_failed",
        about=subscription,
        to=subscription.email,
        subject=_("Votre don mensuel n'a pas pu être prélevé"),
        template="donations/emails/monthly_payment_failed",
        context={
            "subscription": subscription,
            "amount": format_eur(subscription.amount_cents),
            "link": link_for(subscription.email),
        },
    )


def monthly_started(donation: Donation) -> None:
    """The first month of a monthly gift is paid: thank the donor, say when the receipt
    comes (one a year, in January) and how to change or stop the gift."""
    queue_email(
        kind="donations.monthly_started",
        about=donation,
        to=donation.email,
        subject=_("Merci : votre don mensuel au fonds d'impulsion est en place"),
        template="donations/emails/monthly_started",
        context={
            "donation": donation,
            "amount": format_eur(donation.amount_cents),
            "link": link_for(donation.email),
        },
    )
