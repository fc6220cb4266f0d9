"""Gifts staff record by hand: a cheque, a bank transfer, cash.

An offline gift is money the fund already holds: it is recorded paid at once, so it
counts toward the campaign's goal from the moment it is saved, and its receipt is
issued after commit by the same background task as an online gift's.
"""

import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from donations.constants import DONOR_FIELDS, Channel, DonationStatus, Frequency
from donations.models import Donation, DonationPage
from donations.services import receipts
from donations.tasks import issue_receipt
from home import cache as page_cache

OFFLINE_CHANNELS = (Channel.CHEQUE, Channel.TRANSFER, Channel.CASH)

# What staff may give besides the amount, the channel and the date.
OFFLINE_FIELDS = (
    *DONOR_FIELDS,
    "logo",
    "earmark",
    "newsletter",
    "consent_processing",
    "staff_note",
)


def received_at_for(received_on: datetime.date) -> datetime.datetime:
    """Noon, local time, on the day the money arrived: the gift stays in that day (and
    month, and tax year) whatever the time zone it is later read in."""
    return timezone.make_aware(datetime.datetime.combine(received_on, datetime.time(12)))


def record_offline_gift(
    *,
    page: DonationPage | None,
    amount_cents: int,
    channel: str,
    received_on: datetime.date,
    by_user: AbstractBaseUser | None,
    **donor_fields,
) -> Donation:
    """Record a gift received by cheque, transfer or cash: paid at once (it counts toward
    the goal), its receipt issued after commit. Raises ValidationError (French messages,
    by field) and records nothing when a value is wrong."""
    unknown = set(donor_fields) - set(OFFLINE_FIELDS)
    if unknown:
        raise TypeError(f"record_offline_gift() got unexpected fields: {sorted(unknown)}")
    errors = {}
    if channel not in OFFLINE_CHANNELS:
        errors["channel"] = _("Un don hors ligne est un chèque, un virement ou des espèces.")
    if received_on > timezone.localdate():
        errors["received_on"] = _("La date de réception ne peut pas être dans le futur.")
    if errors:
        raise ValidationError(errors)
    consent = donor_fields.pop("consent_processing", True)
    with transaction.atomic():
        donation = Donation(
            page=page,
            amount_cents=amount_cents,
            channel=channel,
            frequency=Frequency.ONCE,
            status=DonationStatus.PAID,
            received_at=received_at_for(received_on),
            consent_processing=consent,
            consented_at=timezone.now() if consent else None,
            issuer=receipts.issuer_for(page.get_site() if page is not None else None),
            **donor_fields,
        )
        donation.full_clean()
        donation.save()
        # It counts toward the goal at once: the fund's pages show new figures.
        page_cache.invalidate(purge_pages=[page.pk] if page is not None else [])
        log(instance=donation, action="donations.offline_recorded", user=by_user)
        donation_id = donation.pk
        transaction.on_commit(lambda: issue_receipt.enqueue(donation_id))
    return donation
