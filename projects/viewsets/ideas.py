"""Admin screens for ideas: the staff follow each idea from its receipt to its outcome.

Saving an edit goes through `projects.services.ideas.save_staff_edit` (the edit
view's `save_instance` hook), so the submitter's email and the duplicate links follow
the same rules as everywhere else.
"""

import django_filters
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, Panel
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.snippets.views.snippets import EditView, IndexView, SnippetViewSet

from home.exports import SafeExportMixin
from home.models import OutboxEmail
from home.viewsets import LocalDateColumn
from projects.models import Idea
from projects.services.ideas import save_staff_edit


class IdeaFilterSet(WagtailFilterSet):
    created_at = django_filters.DateFromToRangeFilter(
        label=_("Reçue entre"), widget=DateRangePickerWidget
    )
    is_duplicate = django_filters.BooleanFilter(
        label=_("Doublon"), field_name="duplicate_of", lookup_expr="isnull", exclude=True
    )
    email_failed = django_filters.BooleanFilter(
        label=_("Courriel en échec"), method="filter_email_failed"
    )

    class Meta:
        model = Idea
        fields = ["call", "status", "theme", "commune", "is_published", "assigned_to"]

    def filter_email_failed(self, queryset, name, value):
        failed = OutboxEmail.objects.about_model(Idea).filter(
            object_id=OuterRef("pk"), state=OutboxEmail.State.FAILED
        )
        return queryset.filter(Exists(failed)) if value else queryset.exclude(Exists(failed))


class IdeaIndexView(SafeExportMixin, IndexView):
    pass


class IdeaEditView(EditView):
    def save_instance(self):
        """Status and duplicate changes go through the service, in one transaction with
        the revision log Wagtail writes."""
        with transaction.atomic():
            save_staff_edit(idea=self.form.instance)
            return super().save_instance()


class IdeaTracePanel(Panel):
    """Read-only follow-up: the duplicate links in both directions and the emails sent."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "projects/admin/idea_trace_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            idea = self.instance
            context["idea"] = idea
            if idea.pk:
                context["original"] = idea.duplicate_of
                context["duplicates"] = list(idea.duplicates.only("pk", "title", "created_at"))
                context["emails"] = list(
                    OutboxEmail.objects.about(idea).order_by("created_at", "pk")
                )
            return context


class IdeaViewSet(SnippetViewSet):
    model = Idea
    icon = "comment"
    menu_label = _("Idées reçues")
    index_view_class = IdeaIndexView
    edit_view_class = IdeaEditView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    list_display = [
        "title",
        "call",
        "status",
        Column("commune_label", label=_("Commune")),
        Column("duplicate_of", label=_("Doublon de")),
        BooleanColumn("is_published", label=_("Publiée")),
        LocalDateColumn("created_at", label=_("Reçue le")),
    ]
    filterset_class = IdeaFilterSet
    # Plain database search (icontains): the personal data stays out of the search index.
    search_fields = ["title", "description", "commune_other", "name", "email"]
    search_backend_name = None
    export_filename = "idees"
    list_export = [
        "pk",
        "call.title",
        "created_at",
        "title",
        "description",
        "theme.name",
        "commune_label",
        "get_involvement_display",
        "name",
        "email",
        "organisation",
        "phone",
        "consent_contact",
        "get_status_display",
        "public_answer",
        "is_published",
        "duplicate_of_id",
        "assigned_to",
    ]
    export_headings = {
        "pk": _("Numéro"),
        "call.title": _("Appel"),
        "created_at": _("Reçue le"),
        "title": _("Titre"),
        "description": _("Description"),
        "theme.name": _("Thème"),
        "commune_label": _("Commune"),
        "get_involvement_display": _("Implication souhaitée"),
        "name": _("Nom"),
        "email": _("Courriel"),
        "organisation": _("Organisation"),
        "phone": _("Téléphone"),
        "consent_contact": _("Accepte d'être recontacté·e"),
        "get_status_display": _("Statut"),
        "public_answer": _("Réponse publique"),
        "is_published": _("Publiée"),
        "duplicate_of_id": _("Doublon de (numéro)"),
        "assigned_to": _("Suivie par"),
    }
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("status"),
                    FieldPanel("public_answer"),
                    FieldPanel("is_published"),
                    FieldPanel("assigned_to"),
                    FieldPanel("staff_notes"),
                ],
                heading=_("Suivi par l'équipe"),
            ),
            MultiFieldPanel(
                [FieldPanel("duplicate_of"), FieldPanel("workshops"), FieldPanel("project")],
                heading=_("Liens : doublon, ateliers, projet"),
            ),
            IdeaTracePanel(heading=_("Traçabilité")),
            MultiFieldPanel(
                [
                    FieldPanel("call"),
                    FieldPanel("title"),
                    FieldPanel("description"),
                    FieldPanel("theme"),
                    FieldPanel("commune"),
                    FieldPanel("commune_other"),
                    FieldPanel("involvement"),
                ],
                heading=_("L'idée reçue"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("name"),
                    FieldPanel("email"),
                    FieldPanel("organisation"),
                    FieldPanel("phone"),
                    FieldPanel("consent_processing", read_only=True),
                    FieldPanel("consent_contact", read_only=True),
                    FieldPanel("is_example"),
                ],
                heading=_("Coordonnées (jamais publiées)"),
            ),
        ],
    )

    def get_queryset(self, request):
        return Idea.objects.select_related(
            "call", "theme", "commune", "assigned_to", "duplicate_of"
        )


viewsets = [IdeaViewSet]
