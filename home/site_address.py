"""The Wagtail Site's address follows settings.BASE_URL.

Wagtail builds a page's full URL (admin "live" links, `page.full_url`, previews) from
the default Site's hostname and port, which a fresh install sets to `localhost:80`.
BASE_URL is the address the public knows (emails, feeds, sitemap, robots.txt): after
each `migrate` (post_migrate) and each load of the demo, the default Site takes its
hostname and port (443 for https, which Wagtail reads as https). No migration: the
address belongs to the environment, not to the schema.
"""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

logger = logging.getLogger(__name__)


def base_url_address() -> tuple[str, int]:
    """(hostname, port) of settings.BASE_URL, the port implied by the scheme if absent."""
    parts = urlsplit(settings.BASE_URL)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.hostname or "localhost", port


def follow_base_url(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Give the default Site BASE_URL's hostname and port; True when it changed."""
    from wagtail.models import Site

    site = Site.objects.using(using).filter(is_default_site=True).first()
    if site is None:
        return False
    hostname, port = base_url_address()
    if (site.hostname, site.port) == (hostname, port):
        return False
    if Site.objects.using(using).filter(hostname=hostname, port=port).exists():
        logger.warning(
            "Another Wagtail Site already answers at %s:%s; the default one keeps %s:%s.",
            hostname,
            port,
            site.hostname,
            site.port,
        )
        return False
    site.hostname, site.port = hostname, port
    site.save(using=using, update_fields=["hostname", "port"])  # clears Wagtail's cache
    return True


def after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    follow_base_url(using=using)


def connect(app_config) -> None:
    from django.db.models.signals import post_migrate

    post_migrate.connect(after_migrate, sender=app_config, dispatch_uid="home-site-address")
