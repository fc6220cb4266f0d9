"""The outbox on Wagtail's dashboard: emails given up after their retries, linked to
"Paramètres › Courriels" filtered on them (two queries, whatever the outbox holds)."""

from django.urls import reverse
from wagtail.admin.ui.components import Component

from home.models import OutboxEmail

LATEST_FAILED = 5


class FailedEmailsPanel(Component):
    """Shown to staff who may read the outbox (the hook checks)."""

    name = "failed_emails"
    template_name = "home/admin/failed_emails_panel.html"
    order = 140

    def get_context_data(self, parent_context=None):
        failed = OutboxEmail.objects.filter(state=OutboxEmail.State.FAILED)
        return {
            "count": failed.count(),
            "latest": list(
                failed.order_by("-next_attempt_at", "-pk").only(
                    "pk", "kind", "to", "subject", "attempts", "last_error", "next_attempt_at"
                )[:LATEST_FAILED]
            ),
            "listing_url": reverse("outbox:index") + f"?state={OutboxEmail.State.FAILED}",
        }
