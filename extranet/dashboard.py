"""The next general assembly on Wagtail's dashboard: its date, place and convocation,
linked to its page in the admin (one query)."""

from django.utils import timezone
from wagtail.admin.ui.components import Component

from extranet.models import GeneralAssemblyPage


class NextAssemblyPanel(Component):
    """Shown to staff who follow the associates (the hook checks)."""

    name = "next_general_assembly"
    template_name = "extranet/admin/next_assembly_panel.html"
    order = 130

    def get_context_data(self, parent_context=None):
        assembly = (
            GeneralAssemblyPage.objects.filter(held_at__gte=timezone.now())
            .only("pk", "title", "live", "held_at", "place", "kind", "convocation_date")
            .order_by("held_at", "pk")
            .first()
        )
        return {"assembly": assembly}
