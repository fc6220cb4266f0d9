"""Receipts: who issues them, their gap-free numbers, cancellation and replacement,
the yearly receipt of monthly donors and the yearly totals for the tax office.

A SCIC cannot issue French tax receipts: unless staff choose an eligible issuer in
the fund's settings, the SCIC itself issues payment certificates (no tax
reduction). With an eligible issuer, individuals get a Cerfa 11580 receipt and
companies a Cerfa 16216 one (`ReceiptIssuer.receipt_kind`).

Numbers run without a gap per issuer and year: the `ReceiptCounter` row is locked
(`select_for_update`; SQLite's IMMEDIATE transactions serialise writers) and
incremented in the transaction that creates the receipt, renders its PDF and queues
its email, so a failure anywhere rolls the number back with the rest. Locks are
taken in one order, the gifts first (by id), then the counter, so that issuers wait
in line rather than deadlock.

A receipt is frozen once issued (donor, amount, wording, PDF). A refund cancels it
and issues a replacement for what the fund keeps; a dispute cancels it.
"""

import datetime
import logging
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Site

from donations.constants import (
    DonationStatus,
    DonorType,
    Frequency,
    IssuerKind,
    ReceiptKind,
    ReceiptStatus,
)
from donations.models import Donation, FundSettings, Receipt, ReceiptCounter, ReceiptIssuer
from donations.pdf import document_label, format_amount, payment_method_for, render_receipt_pdf
from donations.services.donor_space import link_for
from donations.words import amount_in_words
from home.models import OrganisationSettings
from home.organisation import organisation_for
from home.outbox import queue_email

logger = logging.getLogger(__name__)

PARIS = ZoneInfo("Europe/Paris")
DEFAULT_PURPOSE = "financer l'expérimentation de projets du territoire (fonds d'impulsion)"
DEFAULT_SIGNATORY_TITLE = "Le président"
REFUND_REASON = "remboursement"
DISPUTE_REASON = "contestation du paiement"
EMAIL_TEMPLATE = "donations/emails/receipt"


# --- the issuer -----------------------------------------------------------------------


def issuer_for(site=None) -> ReceiptIssuer:
    """The issuer chosen in the fund's settings of `site` (the default site when None),
    else the SCIC itself: an issuer of kind "scic", never eligible, made once from the
    organisation's settings and then edited in the admin like any issuer."""
    site = site or _default_site()
    if site is not None:
        settings = FundSettings.for_site(site)
        if settings.issuer_id:
            return settings.issuer
    existing = _default_issuer()
    if existing is not None:
        return existing
    with transaction.atomic():
        # One row to serialise the creation (PostgreSQL; SQLite serialises writers).
        if site is not None:
            FundSettings.objects.select_for_update().filter(pk=FundSettings.for_site(site).pk).get()
        existing = _default_issuer()
        if existing is not None:
            return existing
        organisation = OrganisationSettings.for_site(site) if site is not None else None
        name = (organisation.name if organisation else "") or "Clus'Ter Jura"
        digits = "".join(c for c in (organisation.siret if organisation else "") if c.isdigit())
        issuer = ReceiptIssuer(
            name=name,
            kind=IssuerKind.SCIC,
            address=(organisation.address if organisation else "").strip() or name,
            siren=digits[:9] if len(digits) >= 9 else "",
            purpose=DEFAULT_PURPOSE,
            eligible_individuals=False,
            eligible_companies=False,
            signatory_name=name,
            signatory_title=DEFAULT_SIGNATORY_TITLE,
        )
        issuer.full_clean()
        issuer.save()
    logger.info("Default receipt issuer created: %s (SCIC, certificates only)", issuer.name)
    return issuer


def _default_site() -> Site | None:
    return Site.objects.filter(is_default_site=True).first() or Site.objects.first()


def _default_issuer() -> ReceiptIssuer | None:
    """The SCIC's own issuer: the first of kind "scic" (the one made by `issuer_for`)."""
    return ReceiptIssuer.objects.filter(kind=IssuerKind.SCIC).order_by("pk").first()


# --- one gift, one receipt ----------------------------------------------------------------


def issue_for_donation(*, donation: Donation) -> Receipt | None:
    """The receipt of a paid one-off (or offline) gift, issued and emailed once.

    Returns the issued receipt that already covers the gift if there is one (never a
    second), None for a gift not paid, a monthly gift (its donor gets one yearly
    receipt: `issue_yearly`) or one refunded in full.
    """
    if donation.subscription_id or donation.frequency == Frequency.MONTHLY:
        return None
    with transaction.atomic():
        locked = Donation.objects.select_for_update().get(pk=donation.pk)
        if locked.subscription_id or locked.frequency == Frequency.MONTHLY:
            return None
        if locked.status != DonationStatus.PAID:
            return None
        existing = _issued_receipts(locked).first()
        if existing is not None:
            return existing
        if locked.kept_cents <= 0:
            return None
        issuer = locked.issuer or issuer_for(_site_of(locked))
        if locked.issuer_id is None:
            locked.issuer = issuer
            locked.save(update_fields=["issuer", "updated_at"])
        received = _received_at(locked)
        receipt = _issue(
            issuer=issuer,
            year=received.astimezone(PARIS).year,
            kind=issuer.receipt_kind(locked.donor_type),
            donations=[locked],
            donor=locked,
            amount_cents=locked.kept_cents,
            gift_date=received.astimezone(PARIS).date(),
            payment_method=payment_method_for(locked.channel),
        )
        _email(receipt=receipt, donor=locked)
    donation.issuer_id = locked.issuer_id
    return receipt


def on_refund(*, donation: Donation) -> Receipt | None:
    """A gift refunded in part or in full: its issued receipts are cancelled and, for
    what the fund keeps, replaced (the replacement names the receipt it replaces).
    The donor is emailed. Returns the replacement, or None."""
    return _cancel_and_replace(donation, reason=REFUND_REASON, drop=False)


def on_dispute(*, donation: Donation) -> Receipt | None:
    """A disputed payment: its receipt is cancelled, not replaced (a yearly receipt is
    replaced for the donor's other gifts only). The donor is emailed."""
    return _cancel_and_replace(donation, reason=DISPUTE_REASON, drop=True)


def _cancel_and_replace(donation: Donation, *, reason: str, drop: bool) -> Receipt | None:
    replacement = None
    with transaction.atomic():
        # A yearly receipt covers other gifts too: lock them all, in id order.
        ids = {donation.pk} | set(
            Receipt.donations.through.objects.filter(
                receipt__in=_issued_receipts(donation)
            ).values_list("donation_id", flat=True)
        )
        gifts = {
            gift.pk: gift
            for gift in Donation.objects.select_for_update().filter(pk__in=ids).order_by("pk")
        }
        locked = gifts[donation.pk]
        issued = list(_issued_receipts(locked).select_for_update(of=("self",)).order_by("pk"))
        for receipt in issued:
            covered = [
                gifts.get(pk) or Donation.objects.select_for_update().get(pk=pk)
                for pk in receipt.donations.order_by("pk").values_list("pk", flat=True)
            ]
            receipt.status = ReceiptStatus.CANCELLED
            receipt.cancelled_at = timezone.now()
            receipt.cancel_reason = reason
            receipt.save(update_fields=["status", "cancelled_at", "cancel_reason"])
            kept = [
                gift
                for gift in covered
                if gift.kept_cents > 0
                and gift.status != DonationStatus.DISPUTED
                and not (drop and gift.pk == locked.pk)
            ]
            new = None
            if kept:
                new = _issue(
                    issuer=receipt.issuer,
                    year=receipt.year,
                    kind=receipt.kind,
                    donations=kept,
                    donor=receipt,
                    amount_cents=sum(gift.kept_cents for gift in kept),
                    gift_date=min(_received_at(gift) for gift in kept).astimezone(PARIS).date(),
                    gift_date_end=(
                        max(_received_at(gift) for gift in kept).astimezone(PARIS).date()
                        if receipt.is_yearly
                        else None
                    ),
                    payment_method=receipt.payment_method,
                    is_yearly=receipt.is_yearly,
                    replaces=receipt,
                )
                replacement = new
            _email(receipt=new, donor=locked, cancelled=receipt)
    return replacement


# --- monthly donors: one receipt a year -----------------------------------------------------


@dataclass
class YearlyGroup:
    """The uncovered gifts of one monthly donor that one yearly receipt would cover."""

    email: str
    issuer: ReceiptIssuer
    donor_type: str
    donations: list[Donation] = field(default_factory=list)

    @property
    def amount_cents(self) -> int:
        return sum(gift.kept_cents for gift in self.donations)

    @property
    def kind(self) -> str:
        return self.issuer.receipt_kind(self.donor_type)


def donors_due_yearly(year: int) -> list[str]:
    """The addresses of monthly donors with paid gifts in `year` that no issued receipt
    covers yet (lower-cased, sorted)."""
    emails = _yearly_candidates(year).values_list("email", flat=True)
    return sorted({email.lower() for email in emails})


def yearly_groups(*, email: str, year: int) -> list[YearlyGroup]:
    """What `issue_yearly` would cover for this donor, one group per issuer and donor
    (a fund that changed issuer mid-year, or one address giving for a person and a
    company, gets one receipt each). For the commands' dry run."""
    groups: dict[tuple, YearlyGroup] = {}
    default_issuer = None
    gifts = (
        _yearly_candidates(year)
        .filter(email__iexact=email)
        .select_related("issuer", "page")
        .order_by("received_at", "pk")
    )
    for gift in gifts:
        issuer = gift.issuer
        if issuer is None:
            default_issuer = default_issuer or issuer_for(_site_of(gift))
            issuer = default_issuer
        key = (
            issuer.pk,
            gift.donor_type,
            gift.siren if gift.donor_type == DonorType.COMPANY else "",
        )
        group = groups.setdefault(
            key, YearlyGroup(email=email.lower(), issuer=issuer, donor_type=gift.donor_type)
        )
        group.donations.append(gift)
    return list(groups.values())


def issue_yearly(*, email: str, year: int, issuer: ReceiptIssuer | None = None) -> Receipt | None:
    """One receipt for the paid monthly gifts of `email` in `year` that no issued
    receipt covers yet: the amount kept (refunds deducted), from the first gift's date
    to the last's. With several issuers (or donors) behind one address, it covers the
    first group (or that of `issuer`); call it again for the next. Returns None when
    nothing is left to cover."""
    with transaction.atomic():
        groups = yearly_groups(email=email, year=year)
        if issuer is not None:
            groups = [group for group in groups if group.issuer.pk == issuer.pk]
        if not groups:
            return None
        group = groups[0]
        ids = [gift.pk for gift in group.donations]
        # Lock in id order, then check again: another run may have covered them.
        locked = list(Donation.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        covered = set(
            Receipt.donations.through.objects.filter(
                donation_id__in=ids, receipt__status=ReceiptStatus.ISSUED
            ).values_list("donation_id", flat=True)
        )
        locked = [
            gift
            for gift in locked
            if gift.pk not in covered and gift.status == DonationStatus.PAID and gift.kept_cents > 0
        ]
        if not locked:
            return None
        locked.sort(key=lambda gift: (_received_at(gift), gift.pk))
        donor = locked[-1]  # the latest details the donor gave
        receipt = _issue(
            issuer=group.issuer,
            year=year,
            kind=group.kind,
            donations=locked,
            donor=donor,
            amount_cents=sum(gift.kept_cents for gift in locked),
            gift_date=_received_at(locked[0]).astimezone(PARIS).date(),
            gift_date_end=_received_at(locked[-1]).astimezone(PARIS).date(),
            payment_method=payment_method_for(donor.channel, monthly=True),
            is_yearly=True,
        )
        _email(receipt=receipt, donor=donor)
    return receipt


def _yearly_candidates(year: int):
    start, end = year_bounds(year)
    return (
        Donation.objects.filter(
            # What `issue_for_donation` leaves to the yearly receipt.
            Q(subscription__isnull=False) | Q(frequency=Frequency.MONTHLY),
            status=DonationStatus.PAID,
            received_at__gte=start,
            received_at__lt=end,
            amount_cents__gt=F("refunded_cents"),
        )
        # exclude() across a many-to-many is a subquery: no duplicated rows.
        .exclude(receipts__status=ReceiptStatus.ISSUED)
    )


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """1 January of `year` and of the next, at midnight in France."""
    return (
        datetime.datetime(year, 1, 1, tzinfo=PARIS),
        datetime.datetime(year + 1, 1, 1, tzinfo=PARIS),
    )


# --- what the tax office asks ---------------------------------------------------------------


def yearly_totals(*, issuer: ReceiptIssuer, year: int) -> dict:
    """The receipts of `issuer` for `year`, for its yearly declaration (the amount of
    gifts and number of receipts that entitle donors to a tax reduction, art. 222 bis
    of the tax code, e.g. on form 2070-RCA) and for the accounts.

    {"issuer", "year",
     "kinds": {kind: {"label", "count", "total_cents"}} (issued, not cancelled),
     "tax_receipts": {"count", "total_cents"} (individuals and companies: to declare),
     "certificates": {"count", "total_cents"},
     "cancelled": number of cancelled receipts,
     "last_number": the last number taken (0 if none)}
    """
    receipts = Receipt.objects.filter(issuer=issuer, year=year)
    rows = {
        row["kind"]: row
        for row in receipts.filter(status=ReceiptStatus.ISSUED)
        .values("kind")
        .annotate(count=Count("pk"), total_cents=Sum("amount_cents"))
    }
    kinds = {
        kind.value: {
            "label": str(kind.label),
            "count": rows.get(kind.value, {}).get("count", 0),
            "total_cents": rows.get(kind.value, {}).get("total_cents") or 0,
        }
        for kind in ReceiptKind
    }
    tax = [kinds[ReceiptKind.INDIVIDUAL], kinds[ReceiptKind.COMPANY]]
    counter = ReceiptCounter.objects.filter(issuer=issuer, year=year).first()
    return {
        "issuer": issuer,
        "year": year,
        "kinds": kinds,
        "tax_receipts": {
            "count": sum(k["count"] for k in tax),
            "total_cents": sum(k["total_cents"] for k in tax),
        },
        "certificates": {
            "count": kinds[ReceiptKind.CERTIFICATE]["count"],
            "total_cents": kinds[ReceiptKind.CERTIFICATE]["total_cents"],
        },
        "cancelled": receipts.filter(status=ReceiptStatus.CANCELLED).count(),
        "last_number": counter.last_number if counter else 0,
    }


# --- internals ------------------------------------------------------------------------------


def _issue(
    *,
    issuer: ReceiptIssuer,
    year: int,
    kind: str,
    donations: list[Donation],
    donor,
    amount_cents: int,
    gift_date: datetime.date,
    payment_method: str,
    gift_date_end: datetime.date | None = None,
    is_yearly: bool = False,
    replaces: Receipt | None = None,
) -> Receipt:
    """Inside the caller's transaction: take the next number, create the receipt with
    its frozen wording, render and store its PDF. `donor` is a Donation (its current
    details) or the Receipt being replaced (its frozen ones)."""
    assert transaction.get_connection().in_atomic_block, "issue receipts in a transaction"
    receipt = Receipt(
        issuer=issuer,
        year=year,
        number=_next_number(issuer, year),
        kind=kind,
        status=ReceiptStatus.ISSUED,
        is_yearly=is_yearly,
        donor_type=donor.donor_type,
        donor_name=donor.donor_name,
        donor_siren=(donor.donor_siren if isinstance(donor, Receipt) else donor.siren)
        if donor.donor_type == DonorType.COMPANY
        else "",
        donor_legal_form=(
            donor.donor_legal_form if isinstance(donor, Receipt) else donor.legal_form
        )
        if donor.donor_type == DonorType.COMPANY
        else "",
        donor_address=donor.donor_address if isinstance(donor, Receipt) else donor.postal_address,
        donor_email=donor.donor_email if isinstance(donor, Receipt) else donor.email,
        amount_cents=amount_cents,
        amount_words=amount_in_words(amount_cents),
        gift_date=gift_date,
        gift_date_end=gift_date_end,
        payment_method=payment_method,
        issued_at=timezone.now(),
        replaces=replaces,
    )
    receipt.full_clean(exclude=["pdf"])
    receipt.save()
    receipt.donations.set(donations)
    # Rendered once saved: the PDF reads the donor's first and last names from the gifts.
    receipt.pdf = render_receipt_pdf(receipt)
    receipt.save(update_fields=["pdf"])
    return receipt


def _next_number(issuer: ReceiptIssuer, year: int) -> int:
    """The next number of `issuer` in `year`, its counter row locked until the caller's
    transaction ends (so the number is used, or rolled back, with the receipt)."""
    counters = ReceiptCounter.objects.select_for_update()
    counter = counters.filter(issuer=issuer, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():  # a savepoint: the race below only undoes this
                ReceiptCounter.objects.create(issuer=issuer, year=year, last_number=0)
        except IntegrityError:
            pass  # another transaction created it first: lock theirs
        counter = counters.get(issuer=issuer, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _issued_receipts(donation: Donation):
    return Receipt.objects.filter(donations=donation, status=ReceiptStatus.ISSUED)


def _received_at(donation: Donation) -> datetime.datetime:
    return donation.received_at or donation.created_at or timezone.now()


def _site_of(donation: Donation):
    return donation.page.get_site() if donation.page_id else None


def _email(*, receipt: Receipt | None, donor: Donation, cancelled: Receipt | None = None) -> None:
    """Queue the donor's email (in the caller's transaction): a new receipt, a
    replacement, or a cancellation without replacement. The PDF is attached."""
    main = receipt or cancelled
    if main is None:
        return
    label = document_label(main.kind)
    feminine = main.kind == ReceiptKind.CERTIFICATE  # "attestation", "reçu"
    if receipt is None:
        subject = _("Annulation de votre %(label)s n° %(number)s") % {
            "label": label,
            "number": cancelled.reference,
        }
    elif cancelled is not None:
        subject = _("Votre %(label)s n° %(number)s remplace le n° %(old)s") % {
            "label": label,
            "number": receipt.reference,
            "old": cancelled.reference,
        }
    elif receipt.is_yearly:
        subject = (
            _("Votre attestation annuelle n° %(number)s pour vos dons de %(year)s")
            if feminine
            else _("Votre reçu fiscal annuel n° %(number)s pour vos dons de %(year)s")
        ) % {"number": receipt.reference, "year": receipt.year}
    else:
        subject = _("Votre %(label)s n° %(number)s : merci pour votre don") % {
            "label": label,
            "number": receipt.reference,
        }
    if cancelled is None:
        reason = ""
    elif cancelled.cancel_reason == DISPUTE_REASON:
        reason = _("à la suite de la contestation de votre paiement auprès de votre banque")
    elif receipt is not None:
        reason = _("à la suite du remboursement d'une partie de votre don")
    else:
        reason = _("à la suite du remboursement de votre don")
    try:
        link = link_for(main.donor_email)
    except NoReverseMatch:  # the donor space is not routed: the email goes without link
        link = ""
    organisation = organisation_for(_site_of(donor) or _default_site())
    queue_email(
        to=main.donor_email,
        subject=subject,
        template=EMAIL_TEMPLATE,
        context={
            "receipt": receipt,
            "cancelled": cancelled,
            "reason": reason,
            "label": label,
            "e": "e" if feminine else "",
            "is_tax_receipt": main.kind != ReceiptKind.CERTIFICATE,
            "first_name": donor.first_name,
            "donor_name": main.donor_name,
            "amount": format_amount(receipt.amount_cents) if receipt else "",
            "cancelled_amount": format_amount(cancelled.amount_cents) if cancelled else "",
            "issuer": main.issuer,
            "organisation": organisation,
            "link": link,
        },
        kind="donations.receipt" if receipt is not None else "donations.receipt_cancelled",
        about=receipt or cancelled,
        attachments=[(receipt.filename, bytes(receipt.pdf), "application/pdf")] if receipt else [],
    )
