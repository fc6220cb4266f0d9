"""Admin screens for workshop registrations: who comes, who waits, exported for the day."""

from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.views.snippets import SnippetViewSet

from projects.models import WorkshopRegistration
from projects.workshop_forms import WorkshopRegistrationAdminForm


class WorkshopRegistrationViewSet(SnippetViewSet):
    model = WorkshopRegistration
    icon = "group"
    menu_label = "Inscriptions aux ateliers"
    list_display = ["name", "email", "organisation", "workshop", "status", "created_at"]
    list_filter = ["workshop", "status"]
    search_fields = ["name", "email", "organisation"]
    # Registrations are not in the search index (personal data): search the database.
    search_backend_name = None
    ordering = ["-created_at", "-pk"]
    list_export = ["workshop", "name", "email", "organisation", "status", "created_at"]
    export_headings = {
        "workshop": "Atelier",
        "name": "Nom",
        "email": "Courriel",
        "organisation": "Organisation",
        "status": "Statut",
        "created_at": "Inscrit le",
    }
    export_filename = "inscriptions-ateliers"
    # Cancelling here promotes the first person on the waiting list (projects.services).
    edit_handler = ObjectList(
        [
            FieldPanel("workshop"),
            FieldPanel("name"),
            FieldPanel("email"),
            FieldPanel("organisation"),
            FieldPanel("status"),
        ],
        base_form_class=WorkshopRegistrationAdminForm,
    )

    def get_queryset(self, request):
        return WorkshopRegistration.objects.select_related("workshop")


viewsets = [WorkshopRegistrationViewSet]
