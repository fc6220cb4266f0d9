"""Background work of the base app: sending the outbox (Django's tasks framework).

`send_outbox_email` sends one row of the outbox. Django's tasks have no retry of
their own, so the task reschedules itself:

- it first *claims* the row (a lease: `next_attempt_at` moves LEASE ahead), so no
  other worker sends it meanwhile, and, where the backend can defer, queues a
  follow-up run for when the lease ends. A worker that dies mid-send (its task
  stays "running" for ever in django-tasks-db) is thus relieved by that follow-up:
  recovery needs no cron. The one duplicate possible is an email the server
  accepted just before the crash, resent by the follow-up.
- the row is marked sent only after the mail server accepted the message;
- a failure is recorded on the row and retried after BACKOFF, then marked failed
  after MAX_ATTEMPTS, visible in the admin ("Courriels").
"""

import base64
import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F
from django.tasks import task
from django.utils import timezone

from home.models import OutboxEmail

logger = logging.getLogger(__name__)

# Delay before the next attempt, after the 1st, 2nd... failure.
BACKOFF = [
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
    datetime.timedelta(hours=12),
]
MAX_ATTEMPTS = len(BACKOFF) + 1
# How long a worker holds an email while it sends it (SMTP timeout is 20 s). Only the
# tests that kill a real worker shorten it (tests/server_settings.py).
LEASE = datetime.timedelta(seconds=getattr(settings, "OUTBOX_LEASE_SECONDS", 5 * 60))


@task
def send_outbox_email(email_id: int) -> str:
    """Send one outbox email once; returns "sent", "retry", "failed" or "skipped"."""
    now = timezone.now()
    lease_end = now + LEASE
    claimed = OutboxEmail.objects.filter(
        pk=email_id, state=OutboxEmail.State.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=lease_end, attempts=F("attempts") + 1)
    if not claimed:
        return "skipped"  # already sent, given up, not due yet, or another worker has it
    _schedule(email_id, at=lease_end)  # the follow-up, should this worker die
    email = OutboxEmail.objects.get(pk=email_id)
    try:
        deliver(email)
    except Exception as error:  # SMTP, network, anything: record it and retry later
        return _record_failure(email, error)
    mark_sent(email_id)
    return "sent"


def deliver(email: OutboxEmail) -> None:
    """Hand one email to the configured mailer; raises when it is not accepted."""
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
    for attachment in email.attachments or []:
        message.attach(
            attachment["filename"],
            base64.b64decode(attachment["content"]),
            attachment.get("mimetype") or "application/octet-stream",
        )
    message.send()


def mark_sent(email_id: int) -> None:
    OutboxEmail.objects.filter(pk=email_id).update(
        state=OutboxEmail.State.SENT, sent_at=timezone.now(), last_error=""
    )


def _record_failure(email: OutboxEmail, error: Exception) -> str:
    message = f"{type(error).__name__}: {error}"[:2000]
    if email.attempts >= MAX_ATTEMPTS:
        OutboxEmail.objects.filter(pk=email.pk).update(
            state=OutboxEmail.State.FAILED, last_error=message
        )
        logger.error(
            "Email %s (%s) failed %s times, given up: %s",
            email.pk,
            email.kind,
            email.attempts,
            message,
        )
        return "failed"
    retry_at = timezone.now() + BACKOFF[email.attempts - 1]
    OutboxEmail.objects.filter(pk=email.pk).update(last_error=message, next_attempt_at=retry_at)
    logger.warning(
        "Email %s (%s) attempt %s failed, retry at %s: %s",
        email.pk,
        email.kind,
        email.attempts,
        retry_at.isoformat(),
        message,
    )
    _schedule(email.pk, at=retry_at)
    return "retry"


def _schedule(email_id: int, *, at: datetime.datetime) -> None:
    """Queue a later run where the backend can defer; elsewhere the row waits for
    `manage.py send_emails` (the immediate backend of the tests cannot defer)."""
    if not send_outbox_email.get_backend().supports_defer:
        return
    try:
        send_outbox_email.using(run_after=at).enqueue(email_id)
    except Exception:  # the row keeps the email; the next queue_email sweeps it up
        logger.exception("Could not schedule email %s; it stays in the outbox.", email_id)
