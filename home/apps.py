from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = "Site et actualités"

    def ready(self):
        from home import cache, checks, site_address  # noqa: F401 (checks register themselves)

        # After each migrate, the Wagtail Site's address is BASE_URL's.
        site_address.connect(self)
        # Publishing, moving, settings...: the cached pages and fragments are replaced.
        from home.models import OrganisationSettings

        cache.connect()
        cache.invalidate_on_change(OrganisationSettings)
