"""Someone offers to help a project that seeks people ("Rejoindre ce projet").

Nothing is stored but the two emails, written to the site's outbox in one transaction:
the request to the project's team (its contact, else the organisation's team address),
which they answer by replying, and the acknowledgement to the person. The person's
message goes to the team only: the acknowledgement never repeats what was typed, so the
form cannot be used to send someone else a text of one's choosing.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from home.links import absolute_url
from home.organisation import organisation_for, staff_notification_address
from home.outbox import queue_email
from home.text import one_line
from projects.models import ProjectPage


class ProjectNotSeekingPeople(Exception):
    """The project's stage no longer seeks people (or it is unpublished)."""


def team_address(project: ProjectPage) -> str:
    """Who receives the offers to join: the project's contact, else the team's address."""
    return project.contact_email or staff_notification_address(project.get_site())


def ask_to_join(*, project: ProjectPage, name: str, email: str, contribution: str) -> None:
    """Queue the request to the project's team and the acknowledgement to the person."""
    if not (project.live and project.seeks_people):
        raise ProjectNotSeekingPeople
    site = project.get_site()
    organisation = organisation_for(site)
    team = team_address(project)
    title = one_line(project.title, 150)
    project_url = absolute_url(project.get_url() or "/")
    context = {
        "project": project,
        "name": name,
        "email": email,
        "contribution": contribution,
        "organisation": organisation,
        "project_url": project_url,
        "to_project_contact": bool(project.contact_email),
    }
    with transaction.atomic():
        queue_email(
            kind="projects.project_join_request",
            about=project,
            to=team,
            reply_to=email,
            subject=_("Proposition d'aide pour le projet « %(title)s »") % {"title": title},
            template="projects/emails/project_join_request",
            context=context,
        )
        queue_email(
            kind="projects.project_join_acknowledgement",
            about=project,
            to=email,
            reply_to=team,
            subject=_("Votre message au projet « %(title)s » est transmis") % {"title": title},
            template="projects/emails/project_join_acknowledgement",
            context=context,
        )
