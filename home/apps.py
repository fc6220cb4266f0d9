from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = "Site et actualités"

    def ready(self):
        from home import checks, signals  # noqa: F401 (checks register themselves)

        signals.connect()
