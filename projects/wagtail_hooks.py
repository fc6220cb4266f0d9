from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.snippets.models import register_snippet

from projects.viewsets import ideas, taxonomy, workshops


class ProjectsGroup(ViewSetGroup):
    menu_label = "Projets et idées"
    menu_icon = "folder-open-inverse"
    menu_order = 200
    items = [*ideas.viewsets, *workshops.viewsets, *taxonomy.viewsets]


register_snippet(ProjectsGroup)
