from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExtranetConfig(AppConfig):
    name = "extranet"
    verbose_name = _("Extranet des associés")

    def ready(self):
        from extranet.views import pages  # noqa: F401  (registers the page views, home.routing)
