from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DonationsConfig(AppConfig):
    name = "donations"
    verbose_name = _("Dons et fonds d'impulsion")

    def ready(self):
        from donations import views  # noqa: F401  (registers the page views, home.routing)
        from donations.models import Allocation, FundSettings, ReceiptIssuer
        from home import cache as page_cache

        # The ledger and project pages show the allocations; the campaign page the
        # fund's settings and its receipt issuer.
        page_cache.invalidate_on_change(Allocation, FundSettings, ReceiptIssuer)
