"""Telling the associates about a general assembly: its publication, then each batch
of documents added to it.

Runs in the background (`extranet.tasks.notify_assembly`, queued by the
`after_publish_page` hook once the publication is committed). Who is concerned is
decided by the page's own view restrictions (its ancestors' included), as Wagtail
decides who may open it: the associates' group, or some colleges. Of them, only those
who agreed to electronic convocations are emailed; the others are counted on the
notice, to be told by post. A page without any restriction concerns nobody: an
extranet page is never public, so nothing is sent rather than everything.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone
from wagtail.models import BaseViewRestriction, Page

from extranet.constants import NoticeKind
from extranet.models import AssemblyNotice, Associate, GeneralAssemblyPage
from home.links import absolute_url
from home.outbox import queue_email

logger = logging.getLogger(__name__)

PUBLISHED_KIND = "extranet.assembly_published"
DOCUMENTS_KIND = "extranet.new_documents"


def concerned_associates(page: Page):
    """Active associates (active accounts) who pass every view restriction of `page`."""
    restrictions = list(page.get_view_restrictions().prefetch_related("groups"))
    if not restrictions:
        return Associate.objects.none()
    associates = Associate.objects.active()
    for restriction in restrictions:
        if restriction.restriction_type == BaseViewRestriction.GROUPS:
            associates = associates.filter(user__groups__in=list(restriction.groups.all()))
        elif restriction.restriction_type != BaseViewRestriction.LOGIN:
            return Associate.objects.none()  # a password: nobody can be emailed it
    return associates.distinct()


def notify_assembly(*, page_id: int) -> AssemblyNotice | None:
    """Email the concerned associates what is new on this general assembly, once.

    The first notice announces the publication (with the documents already there);
    later ones, documents added since. Returns the notice, or None when there was
    nothing new (or the page is not live). The page row is locked, so two publications
    in a row never announce the same document twice.
    """
    with transaction.atomic():
        locked = Page.objects.select_for_update().filter(pk=page_id).first()
        if locked is None or not locked.live:
            return None
        page = GeneralAssemblyPage.objects.filter(pk=page_id).first()
        if page is None:
            return None
        notices = page.notices.all()
        first = not notices.filter(kind=NoticeKind.PUBLISHED).exists()
        announced = notices.announced_document_ids()
        links = list(page.documents.select_related("document"))
        new_links = [link for link in links if link.document_id not in announced]
        if not first and not new_links:
            return None
        concerned = list(concerned_associates(page).select_related("user"))
        if not concerned:
            logger.warning(
                "General assembly %s published without a restriction naming associates: "
                "nobody notified.",
                page.pk,
            )
        emailed = [a for a in concerned if a.consent_electronic and a.user.email]
        notice = AssemblyNotice(
            page=page,
            kind=NoticeKind.PUBLISHED if first else NoticeKind.DOCUMENTS,
            document_ids=sorted({link.document_id for link in (links if first else new_links)}),
            emailed_count=len(emailed),
            postal_count=len(concerned) - len(emailed),
        )
        notice.full_clean()
        notice.save()
        context = {
            "page": page,
            "link": absolute_url(page.url or "/"),
            "held_at": formats.date_format(timezone.localtime(page.held_at), "l j F Y à H\\hi"),
            "documents": links if first else new_links,
            "site_name": settings.WAGTAIL_SITE_NAME,
        }
        for associate in emailed:
            if first:
                subject = f"{page.title} : l'espace des associés est ouvert"
                template = "extranet/emails/assembly_published"
                kind = PUBLISHED_KIND
            else:
                subject = f"{page.title} : nouveaux documents"
                template = "extranet/emails/new_documents"
                kind = DOCUMENTS_KIND
            queue_email(
                to=associate.user.email,
                subject=subject,
                template=template,
                context={**context, "associate": associate},
                kind=kind,
                about=notice,
            )
        return notice
