"""Background work of the extranet (Django's tasks framework, like home.tasks)."""

from functools import partial

from django.db import transaction
from django.tasks import task

from extranet.services import notifications


@task
def notify_assembly(page_id: int) -> int:
    """Email the associates concerned by a general assembly what is new on it; returns
    the number of emails queued (0 when there was nothing new)."""
    notice = notifications.notify_assembly(page_id=page_id)
    return notice.emailed_count if notice else 0


def notify_assembly_after_commit(page_id: int) -> None:
    """Queue `notify_assembly` once the publication that calls it is committed."""
    transaction.on_commit(partial(notify_assembly.enqueue, page_id))
