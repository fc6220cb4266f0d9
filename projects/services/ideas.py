"""Write-side rules for ideas: submitting, staff edits (status, duplicates).

Every email is written to the outbox in the same transaction as the change that
causes it and sent by a background task after commit, so a failing mail server
never loses an idea nor an email.
"""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from home import cache as page_cache
from home.links import absolute_url
from home.organisation import organisation_for, staff_notification_address
from home.outbox import queue_email
from home.text import one_line
from projects.models import CallForIdeasPage, Commune, Idea, Theme

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
    commune_other: str = "",
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
        previous = recent_identical_idea(
            call=call, email=email, title=title, description=description, lock=True
        )
        if previous is not None:
            return previous
        idea = Idea(
            call=call,
            title=title,
            description=description,
            theme=theme,
            commune=commune,
            # "Autre commune": kept only when no commune of the list was chosen.
            commune_other="" if commune is not None else commune_other,
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
        # The home page counts the ideas received (home.figures).
        page_cache.invalidate(purge=["/"])
        _acknowledge(idea)
        staff_address = staff_notification_address(call.get_site())
        if staff_address:
            _notify_staff(idea, to=staff_address)
        else:
            logger.warning(
                "Idea %s: no staff notification address (site settings, DEFAULT_FROM_EMAIL); "
                "staff are not notified by email.",
                idea.pk,
            )
    return idea


def recent_identical_idea(
    *, call: CallForIdeasPage, email: str, title: str, description: str, lock: bool = False
) -> Idea | None:
    """The same idea from the same person within DUPLICATE_SUBMISSION_WINDOW, if any."""
    ideas = Idea.objects.select_for_update() if lock else Idea.objects
    return ideas.filter(
        call=call,
        email__iexact=email,
        title=title,
        description=description,
        created_at__gte=timezone.now() - DUPLICATE_SUBMISSION_WINDOW,
    ).first()


def save_staff_edit(*, idea: Idea) -> Idea:
    """Save the changes staff made to `idea` in the admin, with their consequences.

    The stored row is locked and compared with `idea`: a new duplicate link relinks
    the duplicates (see `mark_duplicate`), a new status emails the submitter when
    they agreed to be contacted (with the personal message, never the public answer).
    Everything else is saved as typed.
    """
    with transaction.atomic():
        stored = Idea.objects.select_for_update().get(pk=idea.pk)
        if idea.duplicate_of_id != stored.duplicate_of_id:
            _relink_duplicates(idea=idea, original=idea.duplicate_of)
        idea.full_clean()
        idea.save()
        # Published ideas and answers show on the call's page; the figures count them.
        page_cache.invalidate()
        if idea.status != stored.status and idea.consent_contact:
            _status_changed(idea)
    return idea


def change_idea_status(
    *,
    idea: Idea,
    status: str,
    public_answer: str | None = None,
    personal_message: str | None = None,
) -> Idea:
    """Move an idea to a new status, with its public answer and a personal message.

    The public answer is shown under the idea once published; the personal message is
    for the submitter alone: emailed with the new status when they agreed to be
    contacted (consent_contact), and only when the status changed, never published.
    """
    if status not in Idea.Status.values:
        raise ValidationError({"status": _("Statut inconnu.")})
    idea.status = status
    if public_answer is not None:
        idea.public_answer = public_answer
    if personal_message is not None:
        idea.personal_message = personal_message
    return save_staff_edit(idea=idea)


def mark_duplicate(*, idea: Idea, original: Idea | None) -> Idea:
    """Mark `idea` as a duplicate of `original` (or clear the mark with None).

    Both ideas are kept and linked. Ideas that were duplicates of `idea` follow it to
    `original`, so every duplicate points straight at the idea that stays.
    """
    idea.duplicate_of = original
    return save_staff_edit(idea=idea)


def _relink_duplicates(*, idea: Idea, original: Idea | None) -> None:
    if original is None:
        return
    if original.pk == idea.pk:
        raise ValidationError(
            {"duplicate_of": _("Une idée ne peut pas être le doublon d'elle-même.")}
        )
    if original.duplicate_of_id == idea.pk:
        # `original` was a duplicate of `idea`: swap who stays.
        Idea.objects.filter(pk=original.pk).update(duplicate_of=None)
        original.duplicate_of = None
    Idea.objects.filter(duplicate_of=idea).exclude(pk=original.pk).update(duplicate_of=original)


# --- emails (through the site's outbox) ---------------------------------------------


def _call_url(idea: Idea) -> str:
    return absolute_url(idea.call.get_url() or "/")


def _acknowledge(idea: Idea) -> None:
    """The acknowledgement goes to an address nobody has verified yet: it recalls the
    idea's title, never its whole text."""
    organisation = organisation_for(idea.call.get_site())
    privacy_page = organisation.privacy_page if organisation else None
    queue_email(
        kind="projects.idea_acknowledgement",
        about=idea,
        to=idea.email,
        reply_to=organisation.contact_email if organisation else "",
        subject=_("Votre idée « %(title)s » a bien été reçue") % {"title": one_line(idea.title)},
        template="projects/emails/idea_acknowledgement",
        context={
            "idea": idea,
            "call": idea.call,
            "organisation": organisation,
            "call_url": _call_url(idea),
            "privacy_url": absolute_url(privacy_page.get_url() or "/") if privacy_page else "",
        },
    )


def _notify_staff(idea: Idea, *, to: str) -> None:
    queue_email(
        kind="projects.idea_staff_notification",
        about=idea,
        to=to,
        reply_to=idea.email,
        subject=_("Nouvelle idée : %(title)s (%(call)s)")
        % {"title": one_line(idea.title, 120), "call": one_line(idea.call.title, 60)},
        template="projects/emails/idea_staff_notification",
        context={
            "idea": idea,
            "call": idea.call,
            "admin_url": absolute_url(
                reverse("wagtailsnippets_projects_idea:edit", args=[idea.pk])
            ),
        },
    )


def _status_changed(idea: Idea) -> None:
    organisation = organisation_for(idea.call.get_site())
    queue_email(
        kind="projects.idea_status_changed",
        about=idea,
        to=idea.email,
        reply_to=organisation.contact_email if organisation else "",
        subject=_("Votre idée « %(title)s » : %(status)s")
        % {"title": one_line(idea.title, 120), "status": idea.get_status_display()},
        template="projects/emails/idea_status_changed",
        context={
            "idea": idea,
            "call": idea.call,
            "organisation": organisation,
            "call_url": _call_url(idea),
            "is_visible": idea.is_published and idea.duplicate_of_id is None,
        },
    )
