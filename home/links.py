"""Absolute links for what leaves the site (emails, calendar files)."""

from django.conf import settings


def absolute_url(url: str) -> str:
    """`url` as an absolute address on the public site (settings.BASE_URL)."""
    if url.startswith(("http://", "https://")):
        return url
    return settings.BASE_URL + url
