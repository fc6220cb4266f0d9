from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExtranetConfig(AppConfig):
    name = "extranet"
    verbose_name = _("Extranet des associés")

    def ready(self):
        # Registers the page views (home.routing).
        from extranet.views import assemblies, pages, results  # noqa: F401
