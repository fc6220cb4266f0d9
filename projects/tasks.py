"""Background work of the projects app (Django's tasks framework).

`send_idea_email` sends one outbox email. Django's tasks have no built-in retry,
so the task retries itself: on failure it records the error on the outbox row and,
when the backend can defer (the database backend in production), queues itself
again after a growing delay. With a backend that cannot defer, the row stays
pending and `manage.py send_idea_emails` (run from cron) retries it. After
MAX_ATTEMPTS the email is marked failed and staff see it in the admin.
"""

import datetime
import logging

from django.db.models import F
from django.tasks import task
from django.utils import timezone

from projects import emails
from projects.models.ideas import IdeaEmail

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
# While one worker sends, no other picks the email up; a worker that dies mid-send
# leaves it to be retried once the lease has expired.
LEASE = datetime.timedelta(minutes=10)


@task
def send_idea_email(email_id: int) -> str:
    """Send one outbox email once; returns "sent", "retry", "failed" or "skipped"."""
    now = timezone.now()
    claimed = IdeaEmail.objects.filter(
        pk=email_id, state=IdeaEmail.State.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=now + LEASE, attempts=F("attempts") + 1)
    if not claimed:
        return "skipped"  # already sent, given up, or another worker has it
    email = IdeaEmail.objects.get(pk=email_id)
    try:
        emails.deliver(email)
    except Exception as error:  # SMTP, network, anything: record it and retry later
        return _record_failure(email, error)
    IdeaEmail.objects.filter(pk=email_id).update(state=IdeaEmail.State.SENT, sent_at=timezone.now())
    return "sent"


def _record_failure(email: IdeaEmail, error: Exception) -> str:
    message = f"{type(error).__name__}: {error}"[:2000]
    if email.attempts >= MAX_ATTEMPTS:
        IdeaEmail.objects.filter(pk=email.pk).update(
            state=IdeaEmail.State.FAILED, last_error=message
        )
        logger.error(
            "Idea email %s (%s) failed %s times, given up: %s",
            email.pk,
            email.kind,
            email.attempts,
            message,
        )
        return "failed"
    retry_at = timezone.now() + BACKOFF[email.attempts - 1]
    IdeaEmail.objects.filter(pk=email.pk).update(last_error=message, next_attempt_at=retry_at)
    logger.warning(
        "Idea email %s (%s) attempt %s failed, retry at %s: %s",
        email.pk,
        email.kind,
        email.attempts,
        retry_at.isoformat(),
        message,
    )
    if send_idea_email.get_backend().supports_defer:
        try:
            send_idea_email.using(run_after=retry_at).enqueue(email.pk)
        except Exception:
            logger.exception("Could not queue the retry of idea email %s.", email.pk)
    return "retry"


def send_due_emails(*, include_failed: bool = False) -> dict[str, int]:
    """Send every pending email whose next attempt is due (and, on request, give the
    failed ones a new series of attempts). Used by `manage.py send_idea_emails`."""
    if include_failed:
        IdeaEmail.objects.filter(state=IdeaEmail.State.FAILED).update(
            state=IdeaEmail.State.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
    outcome: dict[str, int] = {}
    due = IdeaEmail.objects.filter(
        state=IdeaEmail.State.PENDING, next_attempt_at__lte=timezone.now()
    ).values_list("pk", flat=True)
    for email_id in list(due):
        result = send_idea_email.call(email_id)
        outcome[result] = outcome.get(result, 0) + 1
    return outcome


@task
def send_workshop_registration_email(
    registration_id: int, promoted_from_waiting: bool = False
) -> str:
    """Tell a registrant whether they have a place, are waiting, or were just given one."""
    from projects import services
    from projects.models import WorkshopRegistration

    registration = (
        WorkshopRegistration.objects.select_related("workshop").filter(pk=registration_id).first()
    )
    if registration is None or registration.status == WorkshopRegistration.Status.CANCELLED:
        return "skipped"
    services.send_registration_email(registration, promoted_from_waiting=promoted_from_waiting)
    return "sent"
