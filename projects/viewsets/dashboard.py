"""The projects app on Wagtail's dashboard: the ideas waiting to be processed in each
call, and the places taken and the waiting list of each upcoming workshop. One query
per panel, whatever the number of ideas, calls, workshops or registrations."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.ui.components import Component

from projects.constants import IdeaStatus, RegistrationStatus
from projects.models import Idea, WorkshopPage

UPCOMING_WORKSHOPS = 8
TO_PROCESS = IdeaStatus.RECEIVED  # "reçue": nobody has looked at it yet


class IdeasToProcessPanel(Component):
    """Shown to staff who may see the ideas (the hook checks)."""

    name = "ideas_to_process"
    template_name = "projects/admin/ideas_to_process_panel.html"
    order = 100

    def get_context_data(self, parent_context=None):
        listing = reverse("wagtailsnippets_projects_idea:list")
        calls = [
            {**row, "url": f"{listing}?call={row['call_id']}&status={TO_PROCESS}"}
            for row in Idea.objects.filter(status=TO_PROCESS)
            .values("call_id", "call__title")
            .annotate(count=Count("pk"))
            .order_by("call__title", "call_id")
        ]
        return {
            "calls": calls,
            "total": sum(call["count"] for call in calls),
            "all_url": f"{listing}?status={TO_PROCESS}",
            "status_label": IdeaStatus(TO_PROCESS).label,
        }


class UpcomingWorkshopsPanel(Component):
    """Shown to staff who may see the registrations (the hook checks)."""

    name = "upcoming_workshops"
    template_name = "projects/admin/upcoming_workshops_panel.html"
    order = 110

    def get_context_data(self, parent_context=None):
        listing = reverse("wagtailsnippets_projects_workshopregistration:list")
        status = RegistrationStatus
        workshops = (
            WorkshopPage.objects.live()
            .filter(starts_at__gte=timezone.now())
            .annotate(
                taken=Count("registrations", filter=Q(registrations__status=status.CONFIRMED)),
                waiting=Count("registrations", filter=Q(registrations__status=status.WAITING)),
            )
            .only("pk", "title", "starts_at", "capacity")
            .order_by("starts_at", "pk")[:UPCOMING_WORKSHOPS]
        )
        return {
            "workshops": [
                {
                    "workshop": workshop,
                    "taken": workshop.taken,
                    "waiting": workshop.waiting,
                    "left": max(workshop.capacity - workshop.taken, 0),
                    "url": f"{listing}?workshop={workshop.pk}",
                    "waiting_url": f"{listing}?workshop={workshop.pk}&status={status.WAITING}",
                }
                for workshop in workshops
            ],
            "limit": UPCOMING_WORKSHOPS,
        }
