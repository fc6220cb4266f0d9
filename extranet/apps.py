from django.apps import AppConfig


class ExtranetConfig(AppConfig):
    name = "extranet"
    verbose_name = "Extranet des associés"
