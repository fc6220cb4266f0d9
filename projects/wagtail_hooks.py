from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.models import register_snippet

from projects.models import Idea, WorkshopPage, WorkshopRegistration
from projects.services.workshops import fill_free_places
from projects.viewsets import dashboard, ideas, taxonomy, workshops

ANY_PERMISSION = ["add", "change", "delete", "view"]


class ProjectsGroup(ViewSetGroup):
    menu_label = _("Projets et idées")
    menu_icon = "folder-open-inverse"
    menu_order = 200
    items = [*ideas.viewsets, *workshops.viewsets, *taxonomy.viewsets]


register_snippet(ProjectsGroup)


@hooks.register("construct_homepage_panels")
def add_projects_panels(request, panels):
    """The ideas to process and the upcoming workshops, for staff who follow them."""
    if ModelPermissionPolicy(Idea).user_has_any_permission(request.user, ANY_PERMISSION):
        panels.append(dashboard.IdeasToProcessPanel())
    registrations = ModelPermissionPolicy(WorkshopRegistration)
    if registrations.user_has_any_permission(request.user, ANY_PERMISSION):
        panels.append(dashboard.UpcomingWorkshopsPanel())


@hooks.register("after_publish_page")
def promote_waiting_list(request, page):
    """A workshop published with more places gives them to the people waiting first."""
    if isinstance(page.specific, WorkshopPage):
        fill_free_places(workshop=page.specific)
