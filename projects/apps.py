from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projets et appels à idées")

    def ready(self):
        from home import agenda, figures
        from home import cache as page_cache
        from projects import views  # noqa: F401  (registers the page views, home.routing)
        from projects.agenda import take_part
        from projects.models import Commune, Idea, ProjectPage, ProjectStatus, Theme, WorkshopPage

        agenda.register("projects.take_part", "projects/includes/home_take_part.html", take_part)

        figures.register(
            "projects", _("Projets amorcés (hors exemples)"), ProjectPage.objects.count_seeded
        )
        figures.register("workshops", _("Ateliers déjà tenus"), WorkshopPage.objects.count_held)
        figures.register(
            "jobs", _("Emplois créés par les projets"), ProjectPage.objects.sum_jobs_created
        )
        figures.register(
            "ideas", _("Idées reçues sur le site"), lambda: Idea.objects.counted().count()
        )
        # Themes, communes and statuses show on the project, call and workshop pages.
        page_cache.invalidate_on_change(Theme, Commune, ProjectStatus)
