"""Write-side rules for ideas: submitting, changing status, marking duplicates.

Views, forms and the admin call these functions; nothing is hidden in `save()` or
signals. Every email is written to the outbox (`IdeaEmail`) in the same transaction
as the change that causes it, and a background task is queued once the transaction
commits, so a failing mail server never loses an idea nor an email.
"""

import datetime
import logging
from email.utils import parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects import emails
from projects.models import CallForIdeasPage, Commune, Idea, Theme
from projects.models.ideas import IdeaEmail

logger = logging.getLogger(__name__)

# A second identical submission within this delay (a double click, a resent form)
# returns the first idea instead of storing it twice.
DUPLICATE_SUBMISSION_WINDOW = datetime.timedelta(hours=1)


class CallNotOpen(ValidationError):
    """The call does not take ideas today (not yet open, or closed)."""


def submit_idea(
    *,
    call: CallForIdeasPage,
    title: str,
    description: str,
    involvement: str,
    name: str,
    email: str,
    consent_processing: bool,
    consent_contact: bool = False,
    theme: Theme | None = None,
    commune: Commune | None = None,
    organisation: str = "",
    phone: str = "",
    today: datetime.date | None = None,
) -> Idea:
    """Store an idea sent by the public, then acknowledge it and tell the staff.

    The idea is saved first; the two emails go to the outbox in the same transaction
    and are sent by a background task after commit.
    """
    if not call.is_open(today):
        raise CallNotOpen(_("Cet appel à idées ne reçoit pas d'idées aujourd'hui."))
    if not consent_processing:
        raise ValidationError(
            {"consent_processing": _("Votre accord est nécessaire pour traiter votre idée.")}
        )
    with transaction.atomic():
        previous = (
            Idea.objects.select_for_update()
            .filter(
                call=call,
                email__iexact=email,
                title=title,
                description=description,
                created_at__gte=timezone.now() - DUPLICATE_SUBMISSION_WINDOW,
            )
            .first()
        )
        if previous is not None:
            return previous
        idea = Idea(
            call=call,
            title=title,
            description=description,
            theme=theme,
            commune=commune,
            involvement=involvement,
            name=name,
            email=email,
            organisation=organisation,
            phone=phone,
            consent_processing=True,
            consent_contact=consent_contact,
            status=Idea.Status.RECEIVED,
        )
        idea.full_clean()
        idea.save()
        outbox = [emails.acknowledgement(idea)]
        staff_address = staff_notification_address(call)
        if staff_address:
            outbox.append(emails.staff_notification(idea, to=staff_address))
        else:
            logger.warning(
                "Idea %s: no staff notification address (site settings, DEFAULT_FROM_EMAIL); "
                "staff are not notified by email.",
                idea.pk,
            )
        _queue(outbox)
    return idea


def change_idea_status(
    *,
    idea: Idea,
    status: str,
    public_answer: str | None = None,
) -> Idea:
    """Move an idea to a new status, with its public answer.

    The submitter is emailed the new status and the public answer only when they
    agreed to be contacted (consent_contact), and only when the status changed.
    Other unsaved changes on `idea` are saved with it.
    """
    if status not in Idea.Status.values:
        raise ValidationError({"status": _("Statut inconnu.")})
    with transaction.atomic():
        previous_status = (
            Idea.objects.select_for_update().values_list("status", flat=True).get(pk=idea.pk)
        )
        idea.status = status
        if public_answer is not None:
            idea.public_answer = public_answer
        idea.full_clean()
        idea.save()
        if status != previous_status and idea.consent_contact:
            _queue([emails.status_changed(idea)])
    return idea


def mark_duplicate(*, idea: Idea, original: Idea | None) -> Idea:
    """Mark `idea` as a duplicate of `original` (or clear the mark with None).

    Both ideas are kept and linked. Ideas that were duplicates of `idea` follow it to
    `original`, so every duplicate points straight at the idea that stays.
    """
    with transaction.atomic():
        if original is not None:
            if original.pk == idea.pk:
                raise ValidationError(
                    {"duplicate_of": _("Une idée ne peut pas être le doublon d'elle-même.")}
                )
            if original.duplicate_of_id == idea.pk:
                # `original` was a duplicate of `idea`: swap who stays.
                Idea.objects.filter(pk=original.pk).update(duplicate_of=None)
                original.duplicate_of = None
            Idea.objects.filter(duplicate_of=idea).exclude(pk=original.pk).update(
                duplicate_of=original
            )
        idea.duplicate_of = original
        idea.full_clean()
        idea.save()
    return idea


def staff_notification_address(call: CallForIdeasPage) -> str:
    """The staff address from the site settings, else DEFAULT_FROM_EMAIL's address."""
    from home.models import OrganisationSettings

    site = call.get_site()
    if site is not None:
        address = OrganisationSettings.for_site(site).staff_notification_email
        if address:
            return address
    return parseaddr(settings.DEFAULT_FROM_EMAIL or "")[1]


def _queue(outbox: list[IdeaEmail]) -> None:
    """Record the emails now; queue their sending for when the transaction commits."""
    for email in outbox:
        email.full_clean()
        email.save()
    ids = [email.pk for email in outbox]
    transaction.on_commit(lambda: enqueue_emails(ids))


def enqueue_emails(ids: list[int]) -> None:
    """Queue one sending task per email. A queue that is down only delays them: the
    outbox keeps them pending and `manage.py send_idea_emails` picks them up."""
    from projects.tasks import send_idea_email

    for email_id in ids:
        try:
            send_idea_email.enqueue(email_id)
        except Exception:  # the outbox keeps the email; never fail the request for it
            logger.exception("Could not queue idea email %s; it stays in the outbox.", email_id)
