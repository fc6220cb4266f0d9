"""The emails about ideas, built from templates into outbox rows, and their delivery.

Each email has a plain-text body (what people typed, as they typed it) and an HTML
alternative where everything they typed is escaped.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from home.links import absolute_url
from projects.models import Idea
from projects.models.ideas import IdeaEmail

SUBJECT_MAX = 200


def one_line(text: str, limit: int = SUBJECT_MAX) -> str:
    """Headers hold one line: collapse whitespace (newlines included) and shorten."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _organisation(idea: Idea):
    from home.models import OrganisationSettings

    site = idea.call.get_site()
    return OrganisationSettings.for_site(site) if site is not None else None


def _build(
    *, idea: Idea, kind: str, to: str, subject: str, template: str, context: dict, reply_to=""
):
    context = {"idea": idea, "call": idea.call, **context}
    return IdeaEmail(
        idea=idea,
        kind=kind,
        to=to,
        reply_to=reply_to or "",
        subject=one_line(subject),
        body_text=render_to_string(f"projects/emails/{template}.txt", context).strip() + "\n",
        body_html=render_to_string(f"projects/emails/{template}.html", context),
    )


def acknowledgement(idea: Idea) -> IdeaEmail:
    organisation = _organisation(idea)
    privacy_page = organisation.privacy_page if organisation else None
    return _build(
        idea=idea,
        kind=IdeaEmail.Kind.ACKNOWLEDGEMENT,
        to=idea.email,
        reply_to=organisation.contact_email if organisation else "",
        subject=_("Votre idée « %(title)s » a bien été reçue") % {"title": one_line(idea.title)},
        template="idea_acknowledgement",
        context={
            "organisation": organisation,
            "call_url": absolute_url(idea.call.full_url or idea.call.url or "/"),
            "privacy_url": absolute_url(privacy_page.url) if privacy_page else "",
        },
    )


def staff_notification(idea: Idea, *, to: str) -> IdeaEmail:
    return _build(
        idea=idea,
        kind=IdeaEmail.Kind.STAFF_NOTIFICATION,
        to=to,
        reply_to=idea.email,
        subject=_("Nouvelle idée : %(title)s (%(call)s)")
        % {"title": one_line(idea.title, 120), "call": one_line(idea.call.title, 60)},
        template="idea_staff_notification",
        context={
            "admin_url": absolute_url(
                reverse("wagtailsnippets_projects_idea:edit", args=[idea.pk])
            ),
        },
    )


def status_changed(idea: Idea) -> IdeaEmail:
    organisation = _organisation(idea)
    return _build(
        idea=idea,
        kind=IdeaEmail.Kind.STATUS_CHANGED,
        to=idea.email,
        reply_to=organisation.contact_email if organisation else "",
        subject=_("Votre idée « %(title)s » : %(status)s")
        % {"title": one_line(idea.title, 120), "status": idea.get_status_display()},
        template="idea_status_changed",
        context={
            "organisation": organisation,
            "call_url": absolute_url(idea.call.full_url or idea.call.url or "/"),
            "is_visible": idea.is_published and idea.duplicate_of_id is None,
        },
    )


def deliver(email: IdeaEmail) -> None:
    """Send one outbox email through the default mailer; raises on failure."""
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        reply_to=[email.reply_to] if email.reply_to else None,
        headers={"Auto-Submitted": "auto-generated"},
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    message.send()
