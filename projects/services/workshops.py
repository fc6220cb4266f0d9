"""Write-side rules of the projects app for workshops: registration with a waiting list.

(The ideas services live in projects/ideas_services.py.)
"""

import logging

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from home.links import absolute_url
from projects.models import WorkshopPage, WorkshopRegistration

logger = logging.getLogger(__name__)


class RegistrationRefused(ValidationError):
    """The registration cannot be taken; `code` says why ("closed", "past", "duplicate")."""


def registration_closed_reason(workshop: WorkshopPage) -> str | None:
    """Why this workshop takes no registration right now, or None when it does."""
    if workshop.starts_at <= timezone.now():
        return _("Cet atelier a déjà eu lieu : les inscriptions sont fermées.")
    if not workshop.registration_open or workshop.capacity == 0:
        return _("Les inscriptions en ligne à cet atelier sont fermées.")
    return None


def register_for_workshop(
    *, workshop: WorkshopPage, name: str, email: str, organisation: str = ""
) -> WorkshopRegistration:
    """Register someone: confirmed while places remain, otherwise on the waiting list.

    The workshop row is locked for the count, so two people cannot take the last
    place together. The same email can only hold one active registration. The
    registrant's email is sent once the transaction has committed.
    """
    email = email.strip().lower()
    with transaction.atomic():
        locked = WorkshopPage.objects.select_for_update(of=("self",)).get(pk=workshop.pk)
        reason = registration_closed_reason(locked)
        if reason:
            code = "past" if locked.starts_at <= timezone.now() else "closed"
            raise RegistrationRefused(reason, code=code)
        active = locked.registrations.exclude(status=WorkshopRegistration.Status.CANCELLED)
        if active.filter(email__iexact=email).exists():
            raise _duplicate()
        confirmed = active.filter(status=WorkshopRegistration.Status.CONFIRMED).count()
        registration = WorkshopRegistration(
            workshop=locked,
            name=name.strip(),
            email=email,
            organisation=organisation.strip(),
            status=(
                WorkshopRegistration.Status.CONFIRMED
                if confirmed < locked.capacity
                else WorkshopRegistration.Status.WAITING
            ),
        )
        try:
            registration.full_clean()
        except ValidationError as error:
            if "__all__" in error.message_dict:  # the unique constraint, raced
                raise _duplicate() from error
            raise
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError as error:
            raise _duplicate() from error
        transaction.on_commit(lambda: queue_registration_email(registration.pk))
    return registration


def cancel_registration(*, registration: WorkshopRegistration) -> WorkshopRegistration | None:
    """Cancel a registration; a confirmed place that frees up before the workshop goes
    to the first person on the waiting list, who is told by email.

    Returns the promoted registration, or None.
    """
    with transaction.atomic():
        workshop = WorkshopPage.objects.select_for_update(of=("self",)).get(
            pk=registration.workshop_id
        )
        current = WorkshopRegistration.objects.select_for_update().get(pk=registration.pk)
        if current.status == WorkshopRegistration.Status.CANCELLED:
            return None
        freed_a_place = current.status == WorkshopRegistration.Status.CONFIRMED
        current.status = WorkshopRegistration.Status.CANCELLED
        current.save(update_fields=["status"])
        registration.status = current.status
        if not freed_a_place or workshop.starts_at <= timezone.now():
            return None
        confirmed = workshop.registrations.filter(
            status=WorkshopRegistration.Status.CONFIRMED
        ).count()
        if confirmed >= workshop.capacity:
            return None
        promoted = (
            workshop.registrations.select_for_update()
            .filter(status=WorkshopRegistration.Status.WAITING)
            .order_by("created_at", "pk")
            .first()
        )
        if promoted is None:
            return None
        promoted.status = WorkshopRegistration.Status.CONFIRMED
        promoted.save(update_fields=["status"])
        transaction.on_commit(
            lambda: queue_registration_email(promoted.pk, promoted_from_waiting=True)
        )
    return promoted


def _duplicate() -> RegistrationRefused:
    return RegistrationRefused(
        _(
            "Cette adresse est déjà inscrite à cet atelier. Pour modifier ou annuler votre "
            "inscription, répondez au courriel de confirmation."
        ),
        code="duplicate",
    )


def queue_registration_email(registration_id: int, *, promoted_from_waiting: bool = False) -> None:
    """Send the registrant's email in the background (Django's tasks framework)."""
    from projects.tasks import send_workshop_registration_email

    try:
        send_workshop_registration_email.enqueue(registration_id, promoted_from_waiting)
    except Exception:  # a queue that is down never fails the registration itself
        logger.exception("Could not queue the email of workshop registration %s", registration_id)


def send_registration_email(
    registration: WorkshopRegistration, *, promoted_from_waiting: bool = False
) -> None:
    """Tell the registrant whether they have a place or are on the waiting list.

    The registration is already stored: a mail server failure is logged for staff
    (the admin lists every registration) rather than shown to the registrant as an error.
    """
    try:
        _send_registration_email(registration, promoted_from_waiting=promoted_from_waiting)
    except Exception:
        logger.exception("Workshop registration email not sent (registration %s)", registration.pk)


def _send_registration_email(
    registration: WorkshopRegistration, *, promoted_from_waiting: bool = False
) -> None:
    workshop = registration.workshop
    context = {
        "registration": registration,
        "workshop": workshop,
        "is_confirmed": registration.status == WorkshopRegistration.Status.CONFIRMED,
        "promoted_from_waiting": promoted_from_waiting,
        "page_url": absolute_url(workshop.get_url() or "/"),
    }
    if promoted_from_waiting:
        subject = _("Une place s'est libérée : %(title)s")
    elif context["is_confirmed"]:
        subject = _("Inscription confirmée : %(title)s")
    else:
        subject = _("Liste d'attente : %(title)s")
    subject = subject % {"title": workshop.title}
    send_mail(
        subject,
        render_to_string("projects/emails/workshop_registration.txt", context),
        None,
        [registration.email],
    )
