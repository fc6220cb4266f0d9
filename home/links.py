"""Absolute links for what leaves the site (emails, feeds, sitemap, calendar files):
built from settings.BASE_URL, never from the request's host nor the Wagtail Site's
hostname (which reads `localhost` in a fresh install)."""

from django.conf import settings


def absolute_url(url: str) -> str:
    """`url` as an absolute address on the public site (settings.BASE_URL).

    A URL that is already absolute keeps only its path and query: the public
    address is BASE_URL's, whatever hostname the Wagtail Site carries.
    """
    if url.startswith(("http://", "https://")):
        scheme_and_host, _, rest = url.partition("://")[2].partition("/")
        url = "/" + rest
    if not url.startswith("/"):
        url = "/" + url
    return settings.BASE_URL + url
