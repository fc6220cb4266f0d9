from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DonationsConfig(AppConfig):
    name = "donations"
    verbose_name = _("Dons et fonds d'impulsion")

    def ready(self):
        from donations import views  # noqa: F401  (registers the page views, home.routing)
