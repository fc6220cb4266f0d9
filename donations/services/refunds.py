"""Giving money back: staff ask, Stripe refunds, the webhook records.

An online gift is refunded by Stripe: staff's request only asks for it, and the
donation changes when Stripe's `charge.refunded` event arrives (so the records
follow what Stripe did, not what was asked). An offline gift (cheque, transfer,
cash) is given back by hand: staff's request records it at once, through
`record_refund`, the same path as the webhook's, so the status only moves forward
and the receipts are cancelled and replaced alike.
"""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from donations import stripe_api
from donations.constants import STATUS_RANK, Channel, DonationStatus
from donations.models import Donation
from donations.models.donations import format_eur
from donations.services import receipts
from home import cache as page_cache


class RefundRefused(ValueError):
    """The request cannot be made (nothing left to refund, wrong amount, no Stripe
    reference); the message, in French, says why. Nothing was changed."""


def refundable_cents(donation: Donation) -> int:
    """What may still be given back: a paid gift's amount less its refunds."""
    if donation.status != DonationStatus.PAID:
        return 0
    return max(donation.amount_cents - donation.refunded_cents, 0)


def idempotency_key(donation: Donation, amount_cents: int | None) -> str:
    """One key per donation, refunds already recorded and amount asked: a double click
    (or a retried request) asks Stripe once, while a second partial refund, asked
    after the first is recorded, gets its own key."""
    amount = amount_cents if amount_cents is not None else "rest"
    return f"refund-{donation.public_id}-{donation.refunded_cents}-{amount}"


def request_refund(
    *, donation: Donation, amount_cents: int | None = None, by_user: AbstractBaseUser | None
) -> None:
    """Refund `amount_cents` of a paid gift (all that remains when None).

    Online: asks Stripe (raises stripe_api.PaymentUnavailable when Stripe cannot be
    reached or refuses; nothing changes here); the donation moves when Stripe's
    `charge.refunded` webhook arrives. Offline: recorded at once. Raises RefundRefused
    when the gift cannot be refunded so.
    """
    current = Donation.objects.get(pk=donation.pk)  # what the webhooks wrote meanwhile
    remaining = refundable_cents(current)
    if remaining <= 0:
        raise RefundRefused(
            _("Ce don n'est pas remboursable : il n'est pas payé ou déjà remboursé.")
        )
    if amount_cents is not None and not 0 < amount_cents <= remaining:
        raise RefundRefused(
            _("Le montant à rembourser doit être compris entre 0,01 € et %(max)s €.")
            % {"max": format_eur(remaining)}
        )
    if current.channel != Channel.ONLINE:
        amount = remaining if amount_cents is None else amount_cents
        record_refund(
            donation=current, refunded_cents=current.refunded_cents + amount, by_user=by_user
        )
        donation.refresh_from_db()
        return
    if not current.stripe_payment_intent_id:
        raise RefundRefused(
            _(
                "Ce don n'a pas de référence de paiement Stripe (un don mensuel, par exemple) : "
                "remboursez-le depuis le tableau de bord de Stripe ; il sera enregistré ici "
                "dès que Stripe l'annoncera."
            )
        )
    stripe_api.refund(
        payment_intent=current.stripe_payment_intent_id,
        amount_cents=amount_cents,
        idempotency_key=idempotency_key(current, amount_cents),
    )
    log(
        instance=current,
        action="donations.refund_requested",
        user=by_user,
        data={"amount_cents": amount_cents if amount_cents is not None else remaining},
    )


def record_refund(
    *, donation: Donation, refunded_cents: int, by_user: AbstractBaseUser | None = None
) -> str:
    """Record that `refunded_cents` in all (not in addition) have been given back on a
    gift: never less than before, never more than the gift. Once all is given back the
    status moves forward to refunded (never back); the gift's receipts are cancelled
    and, for what the fund keeps, replaced. Returns what was done.

    The one path for a refund: Stripe's `charge.refunded` (its `amount_refunded` is a
    total, which is why this takes one) and staff refunding an offline gift.
    """
    with transaction.atomic():
        locked = Donation.objects.select_for_update().get(pk=donation.pk)
        refunded = min(int(refunded_cents), locked.amount_cents)
        if refunded <= locked.refunded_cents:
            return "refund already recorded"
        locked.refunded_cents = refunded
        fields = ["refunded_cents", "updated_at"]
        full = refunded >= locked.amount_cents
        if full and STATUS_RANK[DonationStatus.REFUNDED] > STATUS_RANK[locked.status]:
            locked.status = DonationStatus.REFUNDED
            fields.append("status")
        locked.save(update_fields=fields)
        # The fund's progress counts what it keeps.
        page_cache.invalidate(purge_pages=[locked.page_id] if locked.page_id else [])
        receipts.on_refund(donation=locked)
        if by_user is not None:
            log(
                instance=locked,
                action="donations.refund_recorded",
                user=by_user,
                data={"refunded_cents": refunded},
            )
    donation.refunded_cents, donation.status = locked.refunded_cents, locked.status
    return "refunded" if full else "partly refunded"
