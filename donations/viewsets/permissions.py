"""Who may do what in the fund's admin screens.

Django's model permissions, less what must never happen to money records (a gift,
a receipt, a Stripe event is never deleted from the admin; a receipt or an event is
never typed in by hand), plus the fund's own actions mapped onto a model permission
staff can be given in the groups editor:

- refunding a gift needs "change" on gifts;
- issuing the yearly receipts needs "add" on receipts (the generic add form stays
  closed: receipts are only issued by `donations.services.receipts`).
"""

from donations.models import Donation, Receipt, StripeEvent, Subscription
from home.viewsets import ReadOnlyPolicy, RestrictedPolicy


class DonationPolicy(RestrictedPolicy):
    """Staff record offline gifts ("add"), edit the few safe fields and ask for refunds
    ("change"), look ("view"); nobody deletes a gift."""

    forbidden = frozenset({"delete"})
    aliases = {"refund": "change"}


class ReceiptPolicy(RestrictedPolicy):
    """Receipts are frozen once issued: staff look and download; those allowed to add
    receipts run the yearly issue."""

    forbidden = frozenset({"add", "change", "delete"})
    aliases = {"issue": "add"}


POLICIES = {
    Donation: DonationPolicy(Donation),
    Subscription: ReadOnlyPolicy(Subscription),
    StripeEvent: ReadOnlyPolicy(StripeEvent),
    Receipt: ReceiptPolicy(Receipt),
}
