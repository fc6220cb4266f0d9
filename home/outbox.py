"""The one way to send an email from this site.

    email = queue_email(to=..., subject=..., template="app/emails/name", context={...},
                        kind="app.name", about=obj)   # inside the transaction that causes it
    send_due_emails()                                 # what `manage.py send_emails` runs

`queue_email` renders `<template>.txt` (and `<template>.html` when it exists), with
French no-break spaces before `: ; ! ?` and inside « » in the subject and both bodies
(home.typography: addresses and HTML tags are left alone), writes an `OutboxEmail`
row in the caller's transaction, and queues its sending for after the commit
(`home.tasks.send_outbox_email`: lease, retries, failure state). If the transaction
rolls back, no email exists and none is sent.
"""

import base64
import logging
from collections.abc import Iterable

from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone

from home.models import OutboxEmail
from home.tasks import LEASE, send_outbox_email
from home.text import one_line
from home.typography import french_spacing, french_spacing_html

logger = logging.getLogger(__name__)

SUBJECT_MAX = 200
# Pending rows older than this (a queue that was down, a lost task) are swept up by
# the next email queued, so nothing waits for a cron job.
SWEEP_LIMIT = 50


def queue_email(
    *,
    to: str,
    subject: str,
    template: str,
    context: dict,
    kind: str,
    about=None,
    reply_to: str = "",
    attachments: Iterable[tuple[str, bytes, str]] = (),
) -> OutboxEmail:
    """Record one email now; it is sent in the background once the transaction commits.

    `attachments` are (filename, content, mimetype). Everything typed by the public is
    escaped in the HTML body by the template engine; the subject is kept to one line.
    """
    body_text = french_spacing(render_to_string(f"{template}.txt", context).strip()) + "\n"
    try:
        body_html = french_spacing_html(render_to_string(f"{template}.html", context))
    except TemplateDoesNotExist:
        body_html = ""
    email = OutboxEmail(
        kind=kind,
        to=to,
        reply_to=reply_to or "",
        # After one_line, which folds every kind of space into a plain one.
        subject=french_spacing(one_line(subject, SUBJECT_MAX)),
        body_text=body_text,
        body_html=body_html,
        attachments=[
            {
                "filename": filename,
                "mimetype": mimetype,
                "content": base64.b64encode(content).decode("ascii"),
            }
            for filename, content, mimetype in attachments
        ],
    )
    if about is not None:
        email.about = about
    email.full_clean()
    email.save()
    transaction.on_commit(lambda: enqueue([email.pk]))
    return email


def enqueue(ids: list[int]) -> None:
    """Queue the sending of these rows, plus any pending row left behind (a queue that
    was down, a task lost with its worker). A queue that is down only delays them."""
    stale = list(
        OutboxEmail.objects.due(timezone.now() - LEASE)
        .exclude(pk__in=ids)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:SWEEP_LIMIT]
    )
    for email_id in [*ids, *stale]:
        try:
            send_outbox_email.enqueue(email_id)
        except Exception:  # never fail the request that caused the email
            logger.exception("Could not queue email %s; it stays in the outbox.", email_id)


def send_due_emails(*, include_failed: bool = False) -> dict[str, int]:
    """Send every pending email that is due (and, on request, give the failed ones a new
    series of attempts). Used by `manage.py send_emails`."""
    if include_failed:
        OutboxEmail.objects.filter(state=OutboxEmail.State.FAILED).update(
            state=OutboxEmail.State.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
    outcome: dict[str, int] = {}
    for email_id in list(OutboxEmail.objects.due().values_list("pk", flat=True)):
        result = send_outbox_email.call(email_id)
        outcome[result] = outcome.get(result, 0) + 1
    return outcome


def retry(email: OutboxEmail) -> None:
    """Give a failed email a new series of attempts (admin action)."""
    OutboxEmail.objects.filter(pk=email.pk, state=OutboxEmail.State.FAILED).update(
        state=OutboxEmail.State.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    transaction.on_commit(lambda: enqueue([email.pk]))
