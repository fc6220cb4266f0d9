"""Admin screens for ideas: the staff follow each idea from its receipt to its outcome.

The idea screen shows the person's submission first, read-only (their words, their
contact, the date): the edit form holds only the team's fields, so no POST can change
what the person wrote. The team answers twice: a public answer shown under the
published idea, and a personal message emailed with a status change (never published).
The duplicate chooser searches the ideas (in the database: they stay out of the search
index) and never offers the idea itself.

Saving an edit goes through `projects.services.ideas.save_staff_edit` (the edit
view's `save_instance` hook), so the submitter's email and the duplicate links follow
the same rules as everywhere else.
"""

from urllib.parse import urlencode

import django_filters
from django import forms
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, Panel
from wagtail.admin.ui.components import MediaContainer
from wagtail.admin.ui.side_panels import StatusSidePanel
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.snippets.views.chooser import ChooseResultsView, ChooseView, SnippetChooserViewSet
from wagtail.snippets.views.snippets import CreateView, EditView, IndexView, SnippetViewSet
from wagtail.snippets.widgets import AdminSnippetChooser

from home.exports import SafeExportMixin
from home.models import OutboxEmail
from home.viewsets import SEARCH_WORDS_MAX, LocalDateColumn
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
    add_item_label = _("Ajouter une idée")


class IdeaCreateView(CreateView):
    """An idea received another way (on paper, at a workshop), typed in by the team."""

    page_title = _("Nouvelle idée")
    page_subtitle = ""

    def get_page_subtitle(self):
        return ""


class IdeaStatusSidePanel(StatusSidePanel):
    """Wagtail's side panel says "Publié" of any record that is not a draft: an idea
    shows its own status and whether the public sees it."""

    def get_status_templates(self, context):
        templates = super().get_status_templates(context)
        return ["projects/admin/idea_status_side_panel.html", *templates[1:]]


class IdeaEditView(EditView):
    def get_side_panels(self):
        panels = super().get_side_panels()
        return MediaContainer(
            [
                IdeaStatusSidePanel(
                    panel.object,
                    panel.request,
                    usage_url=panel.usage_url,
                    history_url=panel.history_url,
                    last_updated_info=panel.last_updated_info,
                )
                if isinstance(panel, StatusSidePanel)
                else panel
                for panel in panels
            ]
        )

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


class IdeaSubmissionPanel(Panel):
    """What the person sent, as they sent it: shown, never an input of the form."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "projects/admin/idea_submission_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["idea"] = self.instance
            return context


# --- the duplicate chooser: searched in the database, never the idea itself ------------


class IdeaSearchForm(BaseFilterForm):
    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Titre, texte, nom ou numéro")}),
    )

    def filter(self, objects):
        query = (self.cleaned_data.get("q") or "").strip()
        if not query:
            return objects
        self.is_searching, self.search_query = True, query
        for word in query.split()[:SEARCH_WORDS_MAX]:
            any_field = Q(title__icontains=word) | Q(description__icontains=word)
            any_field |= Q(name__icontains=word) | Q(call__title__icontains=word)
            if word.isdigit():
                any_field |= Q(pk=int(word))
            objects = objects.filter(any_field)
        return objects


class IdeaChooseMixin:
    """The chooser's listing: the latest ideas first, with their call and date, less the
    idea being edited (`?exclude=<pk>`, kept while searching and paging: the viewset's
    `preserve_url_parameters`)."""

    filter_form_class = IdeaSearchForm
    ordering = ["-created_at", "-pk"]

    def get_object_list(self):
        ideas = Idea.objects.select_related("call").only(
            "pk", "title", "status", "created_at", "call__title"
        )
        exclude = self.request.GET.get("exclude", "")
        return ideas.exclude(pk=int(exclude)) if exclude.isdigit() else ideas

    @property
    def columns(self):
        return [
            *super().columns,
            Column("call", label=_("Appel"), accessor="call.title"),
            Column("status", label=_("Statut"), accessor="get_status_display"),
            LocalDateColumn("created_at", label=_("Reçue le")),
        ]


class IdeaChooseView(IdeaChooseMixin, ChooseView):
    @property
    def page_subtitle(self):
        return ""


class IdeaChooseResultsView(IdeaChooseMixin, ChooseResultsView):
    pass


class IdeaChooser(AdminSnippetChooser):
    """The chooser widget of an idea, in French, that leaves out `exclude` (an idea id)."""

    def __init__(self, model=None, exclude=None, **kwargs):
        super().__init__(model=model or Idea, **kwargs)
        self.exclude = exclude
        self.choose_one_text = _("Choisir l'idée d'origine")
        self.choose_another_text = _("Choisir une autre idée")
        self.link_to_chosen_text = _("Modifier cette idée")

    def get_chooser_modal_url(self):
        url = super().get_chooser_modal_url()
        return f"{url}?{urlencode({'exclude': self.exclude})}" if self.exclude else url


class IdeaChooserViewSet(SnippetChooserViewSet):
    choose_view_class = IdeaChooseView
    choose_results_view_class = IdeaChooseResultsView
    base_widget_class = IdeaChooser
    preserve_url_parameters = ["multiple", "exclude"]  # the search form and the pages
    choose_one_text = _("Choisir une idée")
    choose_another_text = _("Choisir une autre idée")
    edit_item_text = _("Modifier cette idée")


class IdeaAdminForm(WagtailAdminModelForm):
    """The idea's own form: its duplicate is chosen among the other ideas only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "duplicate_of" in self.fields and self.instance.pk:
            field = self.fields["duplicate_of"]
            field.queryset = field.queryset.exclude(pk=self.instance.pk)
            field.widget = IdeaChooser(exclude=self.instance.pk)


FOLLOW_UP = [
    MultiFieldPanel(
        [
            FieldPanel("status"),
            FieldPanel("public_answer"),
            FieldPanel("personal_message"),
            FieldPanel("is_published"),
            FieldPanel("assigned_to"),
            FieldPanel("staff_notes"),
        ],
        heading=_("Suivi par l'équipe"),
    ),
    MultiFieldPanel(
        [
            FieldPanel("duplicate_of"),
            FieldPanel("workshops"),
            FieldPanel("project"),
            FieldPanel("theme", widget=forms.Select),  # a few themes: a list, no modal
            FieldPanel("is_example"),
        ],
        heading=_("Liens et classement : doublon, ateliers, projet, thème"),
    ),
]


class IdeaViewSet(SnippetViewSet):
    model = Idea
    icon = "comment"
    menu_label = _("Idées reçues")
    index_view_class = IdeaIndexView
    add_view_class = IdeaCreateView
    edit_view_class = IdeaEditView
    chooser_viewset_class = IdeaChooserViewSet
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
        "personal_message",
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
        "personal_message": _("Message personnel"),
        "is_published": _("Publiée"),
        "duplicate_of_id": _("Doublon de (numéro)"),
        "assigned_to": _("Suivie par"),
    }
    # The idea screen: the submission read-only, then what the team writes.
    edit_handler = ObjectList(
        [
            IdeaSubmissionPanel(heading=_("La proposition reçue")),
            *FOLLOW_UP,
            IdeaTracePanel(heading=_("Traçabilité")),
        ],
        base_form_class=IdeaAdminForm,
    )
    # "Ajouter une idée": the whole idea, typed in by the team.
    add_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("call"),
                    FieldPanel("title"),
                    FieldPanel("description"),
                    FieldPanel("commune", widget=forms.Select),
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
                ],
                heading=_("Coordonnées (jamais publiées)"),
            ),
            *FOLLOW_UP,
        ],
        base_form_class=IdeaAdminForm,
    )

    def get_add_view_kwargs(self, **kwargs):
        panel = self.add_handler.bind_to_model(self.model)
        return super().get_add_view_kwargs(panel=panel, form_class=panel.get_form_class(), **kwargs)

    def get_queryset(self, request):
        return Idea.objects.select_related(
            "call", "theme", "commune", "assigned_to", "duplicate_of"
        )


viewsets = [IdeaViewSet]
