"""Absolute links and the organisation's details for what leaves the site (emails,
calendar files): built from settings.BASE_URL, never from the request's host nor the
Wagtail Site's hostname (which reads `localhost` in a fresh install)."""

from email.utils import parseaddr

from django.conf import settings

from home.models import OrganisationSettings


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


def organisation_for(site) -> OrganisationSettings | None:
    """The organisation settings of `site` (None without a site)."""
    return OrganisationSettings.for_site(site) if site is not None else None


def staff_notification_address(site) -> str:
    """The staff address from the site settings, else DEFAULT_FROM_EMAIL's address."""
    organisation = organisation_for(site)
    if organisation is not None and organisation.staff_notification_email:
        return organisation.staff_notification_email
    return parseaddr(settings.DEFAULT_FROM_EMAIL or "")[1]
