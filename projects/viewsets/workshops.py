"""Admin screens for workshop registrations: who comes, who waits, exported for the day.

Saving an edit goes through `projects.services.workshops.save_staff_edit`: cancelling
here gives the place to the first person on the waiting list, who is emailed.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.views.snippets import EditView, IndexView, SnippetViewSet

from home.exports import SafeExportMixin
from home.viewsets import AddLabelMixin, LocalDateColumn
from projects.models import WorkshopRegistration
from projects.services.workshops import save_staff_edit


class RegistrationIndexView(SafeExportMixin, IndexView):
    pass


class RegistrationEditView(EditView):
    def save_instance(self):
        with transaction.atomic():
            save_staff_edit(registration=self.form.instance)
            return super().save_instance()


class WorkshopRegistrationViewSet(AddLabelMixin, SnippetViewSet):
    model = WorkshopRegistration
    add_item_label = _("Ajouter une inscription")
    icon = "group"
    menu_label = _("Inscriptions aux ateliers")
    index_view_class = RegistrationIndexView
    edit_view_class = RegistrationEditView
    list_display = [
        "name",
        "email",
        "organisation",
        "workshop",
        "status",
        LocalDateColumn("created_at", label=_("Inscrit·e le"), sort_key="created_at"),
    ]
    list_filter = ["workshop", "status"]
    search_fields = ["name", "email", "organisation"]
    # Registrations are not in the search index (personal data): search the database.
    search_backend_name = None
    ordering = ["-created_at", "-pk"]
    list_export = ["workshop", "name", "email", "organisation", "get_status_display", "created_at"]
    export_headings = {
        "workshop": _("Atelier"),
        "name": _("Nom"),
        "email": _("Courriel"),
        "organisation": _("Organisation"),
        "get_status_display": _("Statut"),
        "created_at": _("Inscrit·e le"),
    }
    export_filename = "inscriptions-ateliers"
    edit_handler = ObjectList(
        [
            FieldPanel("workshop"),
            FieldPanel("name"),
            FieldPanel("email"),
            FieldPanel("organisation"),
            FieldPanel("status"),
        ],
    )

    def get_queryset(self, request):
        return WorkshopRegistration.objects.select_related("workshop")


viewsets = [WorkshopRegistrationViewSet]
