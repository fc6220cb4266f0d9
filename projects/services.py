"""Write-side rules of the projects app for workshops: registration with a waiting list.

(The ideas services live in projects/ideas_services.py.)
"""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

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
        transaction.on_commit(lambda: send_registration_email(registration))
    return registration


def _duplicate() -> RegistrationRefused:
    return RegistrationRefused(
        _(
            "Cette adresse est déjà inscrite à cet atelier. Pour modifier ou annuler votre "
            "inscription, répondez au courriel de confirmation."
        ),
        code="duplicate",
    )


def _absolute(url: str) -> str:
    return settings.BASE_URL + url if url.startswith("/") else url


def send_registration_email(registration: WorkshopRegistration) -> None:
    """Tell the registrant whether they have a place or are on the waiting list.

    The registration is already stored: a mail server failure is logged for staff
    (the admin lists every registration) rather than shown to the registrant as an error.
    """
    try:
        _send_registration_email(registration)
    except Exception:
        logger.exception("Workshop registration email not sent (registration %s)", registration.pk)


def _send_registration_email(registration: WorkshopRegistration) -> None:
    workshop = registration.workshop
    context = {
        "registration": registration,
        "workshop": workshop,
        "is_confirmed": registration.status == WorkshopRegistration.Status.CONFIRMED,
        "page_url": _absolute(workshop.get_url() or ""),
    }
    subject = (
        _("Inscription confirmée : %(title)s")
        if context["is_confirmed"]
        else _("Liste d'attente : %(title)s")
    ) % {"title": workshop.title}
    send_mail(
        subject,
        render_to_string("projects/emails/workshop_registration.txt", context),
        None,
        [registration.email],
    )
