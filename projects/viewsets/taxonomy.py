from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSet

from home.viewsets import AddLabelMixin
from projects.models import Commune, ProjectStatus, Theme


class ThemeViewSet(AddLabelMixin, SnippetViewSet):
    model = Theme
    add_item_label = _("Ajouter un thème")
    icon = "tag"
    menu_label = _("Thèmes")
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name"]


class CommuneViewSet(AddLabelMixin, SnippetViewSet):
    model = Commune
    add_item_label = _("Ajouter une commune")
    icon = "site"
    menu_label = _("Communes")
    list_display = ["name", "postal_code", "insee_code"]
    # The database's own search (icontains): postal and INSEE codes are not in the search
    # index, and some 500 communes need none.
    search_fields = ["name", "postal_code", "insee_code"]
    search_backend_name = None


class ProjectStatusViewSet(AddLabelMixin, SnippetViewSet):
    model = ProjectStatus
    add_item_label = _("Ajouter un statut de projet")
    icon = "list-ol"
    menu_label = _("Statuts de projet")
    list_display = ["name", "sort_order", "counts_as_seeded", "seeks_people"]


viewsets = [ThemeViewSet, CommuneViewSet, ProjectStatusViewSet]
