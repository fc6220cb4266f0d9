from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from home.blocks import BaseStreamBlock
from home.models import paginate

PROJECTS_PER_PAGE = 12


class ProjectIndexPage(Page):
    """The list of project stories at /projets/."""

    intro = models.TextField(_("introduction"), blank=True, max_length=600)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["projects.ProjectPage"]
    max_count = 1

    class Meta:
        verbose_name = _("index des projets")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        projects = (
            ProjectPage.objects.live()
            .public()
            .child_of(self)
            .defer_streamfields()
            .order_by("title")
        )
        context["projects_page"] = paginate(request, projects, PROJECTS_PER_PAGE)
        return context


class ProjectPage(Page):
    """A project story: what the project is and how the cluster helped it start."""

    summary = models.TextField(_("résumé"), max_length=400)
    body = StreamField(BaseStreamBlock(), verbose_name=_("histoire du projet"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["projects.ProjectIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("projet")
