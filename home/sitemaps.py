"""The sitemap at /sitemap.xml, with addresses on the public site (settings.BASE_URL).

Wagtail builds each address from the Wagtail Site's hostname and port, which
staff rarely set (the demo's is `localhost`); BASE_URL is the one address the
site is known by, as in emails and the RSS feed.
"""

from urllib.parse import urlsplit, urlunsplit

from wagtail.contrib.sitemaps import Sitemap

from home.links import absolute_url


def on_base_url(url: str) -> str:
    """`url` (absolute or not) moved onto BASE_URL, path and query kept."""
    parts = urlsplit(url)
    return absolute_url(urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment)))


class BaseUrlSitemap(Sitemap):
    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            url["location"] = on_base_url(url["location"])
        return urls
