"""Write-side rules for workshops: registration with a waiting list, cancellation (by
staff or by the registrant's signed link), promotion from the waiting list.

The workshop row is locked (`select_for_update`) for every count of places, so two
people cannot take the last place together (PostgreSQL; SQLite serialises writing
transactions, configured as IMMEDIATE). Every email goes through the site's outbox.
"""

import logging
import time

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from home import cache as page_cache
from home.links import absolute_url
from home.organisation import organisation_for, staff_notification_address
from home.outbox import queue_email
from home.text import normalize_email, one_line
from projects.ics import ics_filename, workshop_ics
from projects.models import WorkshopPage, WorkshopRegistration

logger = logging.getLogger(__name__)

Status = WorkshopRegistration.Status
CANCEL_SALT = "projects.workshop-registration.cancel"
# A cancel link lasts at most this long (and never past the workshop's start).
CANCEL_LINK_MAX_AGE = 180 * 24 * 3600


class RegistrationRefused(ValidationError):
    """The registration cannot be taken; `code` says why ("closed", "past", "duplicate")."""


class AlreadyRegistered(RegistrationRefused):
    """The address already holds an active registration to this workshop: not a mistake
    to correct, a reassurance to give (its status, its place in the waiting list). The
    registrant has been sent their registration's email again, with its cancel link."""

    def __init__(self, registration: "WorkshopRegistration", position: int | None):
        super().__init__(_duplicate().messages[0], code="duplicate")
        self.registration = registration
        self.position = position


class CancelLinkInvalid(Exception):
    """A cancel link that was altered, has expired, or names no registration."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "invalid", "expired"


def register_for_workshop(
    *, workshop: WorkshopPage, name: str, email: str, organisation: str = ""
) -> WorkshopRegistration:
    """Register someone: confirmed while places remain, otherwise on the waiting list.

    People already waiting are promoted first (a place freed by a raised capacity goes
    to them, not to the newcomer). The same mailbox, however it is written, holds one
    active registration: signing up again raises `AlreadyRegistered` (with the status and
    the place in the waiting list) and sends the registration's email again. The
    registrant and the staff are emailed after commit.
    """
    email = normalize_email(email)
    with transaction.atomic():
        locked = _lock(workshop.pk)
        reason = locked.closed_reason()
        if reason:
            code = "past" if locked.starts_at <= timezone.now() else "closed"
            raise RegistrationRefused(reason, code=code)
        active = locked.registrations.exclude(status=Status.CANCELLED)
        existing = active.filter(email__iexact=email).first()
        if existing is None:
            _promote_waiting(locked)
            confirmed = active.filter(status=Status.CONFIRMED).count()
            registration = WorkshopRegistration(
                workshop=locked,
                name=name.strip(),
                email=email,
                organisation=organisation.strip(),
                status=Status.CONFIRMED if confirmed < locked.capacity else Status.WAITING,
            )
            try:
                registration.full_clean()
                with transaction.atomic():
                    registration.save()
            except (ValidationError, IntegrityError) as error:
                # The unique constraint: the same address registered at the same moment.
                if isinstance(error, ValidationError) and "__all__" not in error.message_dict:
                    raise
                existing = active.filter(email__iexact=email).first()
                if existing is None:
                    raise _duplicate() from error
            else:
                _email_registrant(registration)
                _notify_staff(registration)
        if existing is not None:
            existing.workshop = locked
            _email_registrant(existing, reminder=True)
    if existing is not None:
        # Raised once the reminder is committed: the rollback would take it away.
        raise AlreadyRegistered(existing, waiting_position(existing))
    return registration


def waiting_position(registration: WorkshopRegistration) -> int | None:
    """1 for the first person on the waiting list (the next place is theirs), 2 for the
    second...; None when the registration is not waiting."""
    if registration.status != Status.WAITING:
        return None
    ahead = Q(created_at__lt=registration.created_at) | Q(
        created_at=registration.created_at, pk__lt=registration.pk
    )
    return (
        WorkshopRegistration.objects.filter(
            workshop_id=registration.workshop_id, status=Status.WAITING
        )
        .filter(ahead)
        .count()
        + 1
    )


def cancel_registration(*, registration: WorkshopRegistration) -> WorkshopRegistration | None:
    """Cancel a registration; a confirmed place that frees up before the workshop goes
    to the first person on the waiting list, who is told by email.

    Returns the promoted registration, or None.
    """
    with transaction.atomic():
        workshop = _lock(registration.workshop_id)
        current = WorkshopRegistration.objects.select_for_update().get(pk=registration.pk)
        if current.status == Status.CANCELLED:
            registration.status = current.status
            return None
        current.status = Status.CANCELLED
        current.cancelled_at = timezone.now()
        current.save(update_fields=["status", "cancelled_at"])
        registration.status, registration.cancelled_at = current.status, current.cancelled_at
        promoted = _promote_waiting(workshop)
    return promoted[0] if promoted else None


def fill_free_places(*, workshop: WorkshopPage) -> list[WorkshopRegistration]:
    """Give the places a raised capacity has freed to the people waiting, in order.

    Called when staff publish the workshop (wagtail_hooks). Returns who was promoted.
    """
    with transaction.atomic():
        return _promote_waiting(_lock(workshop.pk))


def save_staff_edit(*, registration: WorkshopRegistration) -> WorkshopRegistration:
    """Save what staff changed in the admin: a cancellation frees the place for the
    waiting list (see `cancel_registration`); other fields are saved as typed."""
    with transaction.atomic():
        stored = WorkshopRegistration.objects.select_for_update().get(pk=registration.pk)
        cancelling = registration.status == Status.CANCELLED and stored.status != Status.CANCELLED
        if cancelling:
            registration.status = stored.status
        registration.email = normalize_email(registration.email)
        registration.full_clean()
        registration.save()
        if cancelling:
            cancel_registration(registration=registration)
    return registration


# --- the registrant's cancel link ---------------------------------------------------


def cancel_token(registration: WorkshopRegistration, *, now: float | None = None) -> str:
    """`<registration>_<time>_<signature>`: the signature covers the registration, its
    address (an address change voids the link) and the time it was made; the link
    expires after CANCEL_LINK_MAX_AGE. Only letters, digits, `_` and `-`: Wagtail's
    page URLs take nothing else."""
    stamp = signing.b62_encode(int(time.time() if now is None else now))
    return (
        f"{registration.pk}_{stamp}_{_cancel_signature(registration.pk, registration.email, stamp)}"
    )


def cancel_url(registration: WorkshopRegistration) -> str:
    workshop = registration.workshop
    path = (workshop.get_url() or "/").rstrip("/") + "/"
    return absolute_url(
        path + workshop.reverse_subpage("cancel", kwargs={"token": cancel_token(registration)})
    )


def registration_from_token(*, workshop: WorkshopPage, token: str) -> WorkshopRegistration:
    """The registration a cancel link names; raises CancelLinkInvalid."""
    pk, _, rest = token.partition("_")
    stamp, _, signature = rest.partition("_")
    if not (pk.isdigit() and stamp and signature) or len(token) > 100:
        raise CancelLinkInvalid("invalid")
    registration = (
        WorkshopRegistration.objects.select_related("workshop")
        .filter(pk=int(pk), workshop=workshop)
        .first()
    )
    if registration is None or not constant_time_compare(
        signature, _cancel_signature(registration.pk, registration.email, stamp)
    ):
        raise CancelLinkInvalid("invalid")
    try:
        made = signing.b62_decode(stamp)
    except ValueError:
        raise CancelLinkInvalid("invalid") from None
    if time.time() - made > CANCEL_LINK_MAX_AGE:
        raise CancelLinkInvalid("expired")
    return registration


def _cancel_signature(pk: int, email: str, stamp: str) -> str:
    return salted_hmac(CANCEL_SALT, f"{pk}|{email}|{stamp}", algorithm="sha256").hexdigest()[:32]


# --- internals --------------------------------------------------------------------


def _lock(workshop_id: int) -> WorkshopPage:
    """The workshop, locked: every change of its places (a registration, a cancellation,
    people promoted from the waiting list) goes through here, so the cached pages that
    show its places left are replaced when it commits."""
    page_cache.invalidate()
    return WorkshopPage.objects.select_for_update(of=("self",)).get(pk=workshop_id)


def _promote_waiting(workshop: WorkshopPage) -> list[WorkshopRegistration]:
    """Inside the caller's lock: confirm waiting people while places remain, before the
    workshop starts; each is emailed."""
    if workshop.starts_at <= timezone.now():
        return []
    confirmed = workshop.registrations.filter(status=Status.CONFIRMED).count()
    free = workshop.capacity - confirmed
    if free <= 0:
        return []
    promoted = list(
        workshop.registrations.select_for_update()
        .filter(status=Status.WAITING)
        .order_by("created_at", "pk")[:free]
    )
    for registration in promoted:
        registration.status = Status.CONFIRMED
        registration.save(update_fields=["status"])
        registration.workshop = workshop
        _email_registrant(registration, promoted_from_waiting=True)
    return promoted


def _duplicate() -> RegistrationRefused:
    return RegistrationRefused(
        _(
            "Cette adresse est déjà inscrite à cet atelier. Pour annuler votre inscription, "
            "suivez le lien du courriel de confirmation ; pour la modifier, répondez-y."
        ),
        code="duplicate",
    )


def _email_registrant(
    registration: WorkshopRegistration,
    *,
    promoted_from_waiting: bool = False,
    reminder: bool = False,
) -> None:
    """The registrant's email: a confirmation (HTML and text, the workshop's .ics
    attached, the address and its map page), or the waiting-list email with their place
    in the queue. `reminder`: the same email again, for someone who signed up twice."""
    workshop = registration.workshop
    is_confirmed = registration.status == Status.CONFIRMED
    title = one_line(workshop.title, 150)
    if reminder:
        subject, kind = _("Rappel de votre inscription : %(title)s"), "reminder"
    elif promoted_from_waiting:
        subject, kind = _("Une place s'est libérée : %(title)s"), "promoted"
    elif is_confirmed:
        subject, kind = _("Inscription confirmée : %(title)s"), "confirmed"
    else:
        subject, kind = _("Liste d'attente : %(title)s"), "waiting"
    organisation = organisation_for(workshop.get_site())
    page_path = (workshop.get_url() or "/").rstrip("/") + "/"
    queue_email(
        kind=f"projects.workshop_{kind}",
        about=registration,
        to=registration.email,
        reply_to=organisation.contact_email if organisation else "",
        subject=subject % {"title": title},
        template="projects/emails/workshop_registration"
        if is_confirmed
        else "projects/emails/workshop_waiting",
        context={
            "registration": registration,
            "workshop": workshop,
            "organisation": organisation,
            "is_confirmed": is_confirmed,
            "promoted_from_waiting": promoted_from_waiting,
            "reminder": reminder,
            "position": waiting_position(registration),
            "page_url": absolute_url(page_path),
            "map_url": absolute_url(page_path + workshop.reverse_subpage("map")),
            "ics_filename": ics_filename(workshop),
            "cancel_url": cancel_url(registration),
        },
        # A place, a date: the calendar file goes with a confirmed place only.
        attachments=[(ics_filename(workshop), workshop_ics(workshop).encode(), "text/calendar")]
        if is_confirmed
        else [],
    )


def _notify_staff(registration: WorkshopRegistration) -> None:
    workshop = registration.workshop
    address = staff_notification_address(workshop.get_site())
    if not address:
        return
    confirmed = workshop.registrations.filter(status=Status.CONFIRMED).count()
    queue_email(
        kind="projects.workshop_staff_notification",
        about=registration,
        to=address,
        reply_to=registration.email,
        subject=_("Nouvelle inscription (%(status)s) : %(title)s")
        % {"status": registration.get_status_display(), "title": one_line(workshop.title, 150)},
        template="projects/emails/workshop_staff_notification",
        context={
            "registration": registration,
            "workshop": workshop,
            "confirmed_count": confirmed,
            "admin_url": absolute_url(
                reverse("wagtailsnippets_projects_workshopregistration:list")
                + f"?workshop={workshop.pk}"
            ),
        },
    )
