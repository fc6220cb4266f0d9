"""Background work of the donations app (Django's tasks framework): receipts are
issued and emailed outside the request or webhook that caused them."""

import logging

from django.tasks import task

from donations.models import Donation
from donations.services import receipts

logger = logging.getLogger(__name__)


@task
def issue_receipt(donation_id: int) -> str:
    """Issue (once) and email the receipt of a paid gift; "issued" when a receipt
    covers it, "skipped" when none is due (not paid, monthly, gone)."""
    donation = Donation.objects.filter(pk=donation_id).first()
    if donation is None:
        return "skipped"
    receipt = receipts.issue_for_donation(donation=donation)
    return "issued" if receipt is not None else "skipped"


@task
def issue_yearly_receipts(year: int) -> int:
    """The yearly receipt of every monthly donor due for `year`; returns how many were
    issued. A donor that fails is logged and left for the next run."""
    issued = 0
    for email in receipts.donors_due_yearly(year):
        try:
            while receipts.issue_yearly(email=email, year=year) is not None:
                issued += 1
        except Exception:
            logger.exception("Yearly receipt %s for a monthly donor failed", year)
    return issued
