"""System checks of the base app: private documents never land in the public folder."""

from pathlib import Path

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security)
def private_media_outside_media_root(app_configs, **kwargs):
    """PRIVATE_MEDIA_ROOT inside MEDIA_ROOT (or the reverse) would put documents
    where the web server serves every file to anyone."""
    private = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    public = Path(settings.MEDIA_ROOT).resolve()
    if private == public or private.is_relative_to(public) or public.is_relative_to(private):
        return [
            checks.Error(
                "PRIVATE_MEDIA_ROOT and MEDIA_ROOT overlap: private documents would be "
                "served to anyone under MEDIA_URL.",
                hint="Give PRIVATE_MEDIA_ROOT a folder outside MEDIA_ROOT.",
                id="home.E001",
            )
        ]
    return []
