from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.snippets.models import register_snippet

from projects.models import WorkshopPage
from projects.services.workshops import fill_free_places
from projects.viewsets import ideas, taxonomy, workshops


class ProjectsGroup(ViewSetGroup):
    menu_label = _("Projets et idées")
    menu_icon = "folder-open-inverse"
    menu_order = 200
    items = [*ideas.viewsets, *workshops.viewsets, *taxonomy.viewsets]


register_snippet(ProjectsGroup)


@hooks.register("after_publish_page")
def promote_waiting_list(request, page):
    """A workshop published with more places gives them to the people waiting first."""
    if isinstance(page.specific, WorkshopPage):
        fill_free_places(workshop=page.specific)
